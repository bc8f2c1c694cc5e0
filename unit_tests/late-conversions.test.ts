/**
 * Late conversions: without `lookback_days`, an incremental read re-reads the longest
 * attribution window + 2 days (Pinterest's settling time) before its cursor, at most 89.
 */
import { parseConfig } from '../src/config/load';
import { defaultLookbackDays } from '../src/config/attribution';
import { OAUTH_CONFIG } from '../test_kit/in-process';
import { AD_EUR, useFakePinterest } from '../test_kit/msw-pinterest';
import { expectCleanRead, read, streamStateInput, windowsOf } from '../test_kit/read-checks';

const fake = useFakePinterest();

describe('default lookback_days', () => {
  test('is the longest of the three attribution windows + 2, capped at 89; an explicit value wins', () => {
    expect(parseConfig(OAUTH_CONFIG).lookback_days).toBe(32); // click 30, engagement 30, view 1
    expect(
      parseConfig({ ...OAUTH_CONFIG, click_window_days: 1, engagement_window_days: 0, view_window_days: 7 })
        .lookback_days,
    ).toBe(9);
    expect(
      parseConfig({ ...OAUTH_CONFIG, click_window_days: 0, engagement_window_days: 60, view_window_days: 0 })
        .lookback_days,
    ).toBe(62);
    expect(
      parseConfig({ ...OAUTH_CONFIG, click_window_days: 0, engagement_window_days: 0, view_window_days: 0 })
        .lookback_days,
    ).toBe(2);
    expect(parseConfig({ ...OAUTH_CONFIG, engagement_window_days: 60, lookback_days: 5 }).lookback_days).toBe(5);
    expect(parseConfig({ ...OAUTH_CONFIG, lookback_days: 89 }).lookback_days).toBe(89);
    // Windows longer than Pinterest's 90 days of history (newer API versions take numbers) are capped.
    expect(defaultLookbackDays({ click_window_days: 90, engagement_window_days: 0, view_window_days: 0 })).toBe(89);
  });

  test.each([
    [{}, '2026-05-19'], // 2026-06-20 − 32
    [{ click_window_days: 7, engagement_window_days: 1, view_window_days: 1 }, '2026-06-11'], // − 9
    [{ click_window_days: 60, engagement_window_days: 0 }, '2026-04-19'], // − 62
  ])('an incremental read with windows %j starts at cursor − (longest window + 2)', async (windows, start) => {
    const config = {
      ...OAUTH_CONFIG,
      ad_account_ids: [AD_EUR],
      window_days: 90,
      columns: ['TOTAL_CONVERSIONS'],
      ...windows,
    };
    const r = await read(
      config,
      [{ name: 'campaign_analytics', sync_mode: 'incremental' }],
      streamStateInput({ campaign_analytics: { date: '2026-06-20' } }),
    );
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(`/ad_accounts/${AD_EUR}/campaigns/analytics`))).toEqual([`${start}..2026-06-30`]);
  });
});
