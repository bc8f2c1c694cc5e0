/**
 * Analytics answers the simulator does not produce, crafted with the msw fake (docs/testing.md: the
 * simulator models Pinterest's behaviour, msw serves the answers it cannot): a column or metric Pinterest
 * added, a null value, ad ids as JSON numbers in ads analytics rows, an empty pin analytics answer.
 */
import { AD_EUR, BASE_CONFIG, useFakePinterest } from '../../test_kit/msw-pinterest';
import { TODAY, type Json } from '../../test_kit/constants';
import { expectCleanRead, read } from '../../test_kit/read-checks';

const fake = useFakePinterest();
const CONFIG = { ...BASE_CONFIG, columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_CONVERSIONS'] };

test('ads analytics: ids are strings even when the API sends numbers; a column Pinterest adds is passed through and warned about once; null kept', async () => {
  const day = (d: string, extra: Json = {}) => ({
    AD_GROUP_ID: 42000001,
    DATE: d,
    SPEND_IN_MICRO_DOLLAR: 5,
    BRAND_NEW_METRIC: 9,
    ...extra,
  });
  fake.failOn({
    path: new RegExp(`^/ad_accounts/${AD_EUR}/ad_groups/analytics$`),
    status: 200,
    body: [day('2026-06-29'), day(TODAY, { SPEND_IN_MICRO_DOLLAR: null })],
  });
  const r = await read({ ...CONFIG, start_date: '2026-06-29', ad_account_ids: [AD_EUR] }, [
    'ad_group_analytics',
    'ad_analytics',
  ]);
  expectCleanRead(r, fake, ['ad_group_analytics', 'ad_analytics']);
  expect(r.records('ad_group_analytics')).toEqual([
    {
      ad_account_id: AD_EUR,
      currency: 'EUR',
      ad_group_id: '42000001',
      date: '2026-06-29',
      spend_in_micro_dollar: 5,
      brand_new_metric: 9,
      data_ready: true, // the msw fake calls every day final
    },
    {
      ad_account_id: AD_EUR,
      currency: 'EUR',
      ad_group_id: '42000001',
      date: TODAY,
      spend_in_micro_dollar: null,
      brand_new_metric: 9,
      data_ready: true,
    },
  ]);
  const warnings = r.logs('WARN').filter((w) => w.includes('brand_new_metric'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('ad_group_analytics');
  // The msw fake sends AD_ID as a JSON number.
  expect(r.records('ad_analytics').map((x) => x.ad_id)).toEqual(['52000001', '52000001']);
});

test('pin analytics: a metric Pinterest adds is passed through and warned about once; an empty answer is no rows', async () => {
  const body = {
    all: {
      daily_metrics: [
        { date: '2026-06-29', data_status: 'READY', metrics: { IMPRESSION: 3, SPARKLE: 1 } },
        { date: TODAY, data_status: 'PROCESSING', metrics: { IMPRESSION: 4, SPARKLE: 2 } },
      ],
    },
  };
  fake.failOn({ path: /^\/pins\/7001\/analytics$/, status: 200, body });
  fake.failOn({ path: /^\/pins\/7004\/analytics$/, status: 200, body: {} });
  const r = await read({ ...BASE_CONFIG, start_date: '2026-06-29' }, ['pin_analytics']);
  expectCleanRead(r, fake, ['pin_analytics']);
  expect(r.records('pin_analytics')).toEqual([
    { pin_id: '7001', date: '2026-06-29', data_status: 'READY', impression: 3, sparkle: 1 },
    { pin_id: '7001', date: TODAY, data_status: 'PROCESSING', impression: 4, sparkle: 2 },
  ]);
  expect(r.logs('WARN').filter((w) => w.includes('sparkle'))).toHaveLength(1);
});
