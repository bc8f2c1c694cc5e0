/**
 * Midnight without a Date header (msw answers carry none): when Pinterest keeps refusing today − 89 with
 * "You can only get data from the last 90 days", its day has moved; the window is re-clamped and the read goes on.
 * (With Date headers, integration_tests/real-api.test.ts.)
 */
import { AD_EUR, BASE_CONFIG, useFakePinterest } from '../test_kit/msw-pinterest';
import { TODAY, addDays } from '../test_kit/constants';
import { EARLIEST, expectCleanRead, read, windowsOf } from '../test_kit/read-checks';

const fake = useFakePinterest();

test('a persistent "last 90 days" refusal of the edge day: the read continues from the next day, with a warning', async () => {
  fake.failOn({
    path: /\/analytics$/,
    status: 400,
    body: { code: 1, message: 'You can only get data from the last 90 days' },
    when: (q) => q.start_date === EARLIEST,
  });
  const config = { ...BASE_CONFIG, start_date: undefined, ad_account_ids: [AD_EUR], columns: ['SPEND_IN_DOLLAR'] };
  const r = await read(config, ['campaign_analytics', 'user_account_analytics']);
  expectCleanRead(r, fake, ['campaign_analytics', 'user_account_analytics']);
  const next = addDays(EARLIEST, 1);
  expect(
    windowsOf(fake.requestsTo(`/ad_accounts/${AD_EUR}/campaigns/analytics`)).filter((w) => !w.startsWith(EARLIEST)),
  ).toEqual([
    `${next}..${addDays(EARLIEST, 29)}`,
    `${addDays(EARLIEST, 30)}..${addDays(EARLIEST, 59)}`,
    `${addDays(EARLIEST, 60)}..${TODAY}`,
  ]);
  for (const stream of ['campaign_analytics', 'user_account_analytics']) {
    const dates = r.records(stream).map((rec) => rec.date);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.filter((d) => d < next)).toEqual([]);
    expect(dates).toContain(next);
  }
  expect(r.logs('WARN')).toContainEqual(
    expect.stringContaining(`a new UTC day began during the read; Pinterest now serves analytics from ${next}`),
  );
});
