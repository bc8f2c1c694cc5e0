/**
 * The streams only reports serve, and TOTAL custom reports, without HTTP: every window of a report-only stream
 * is a report window within its level's limits (product items: 92 days back, 31 per report), the request
 * parts are the ads-analytics settings with the columns the level takes, and a TOTAL custom report is keyed
 * by its range and offered as full refresh only.
 */
import { parseConfig } from '../src/config/load';
import { discoverCatalog } from '../src/engine/catalog';
import { streamRegistry } from '../src/streams/registry';
import { planWindows, reportHistoryDays } from '../src/engine/window-plan';
import { REPORT_LIMITS } from '../src/pinterest/limits';
import { customStreams } from '../src/streams/custom-reports';
import type { AnalyticsDefinition } from '../src/streams/definition';
import { STREAMS_BY_NAME } from '../src/streams/definitions';
import { reportBody, requestParts } from '../src/streams/request-parts';
import { addDays, daysBetween } from '../src/util/dates';
import { OAUTH_CONFIG } from '../test_kit/in-process';

const today = '2026-06-30';
const def = (name: string) => STREAMS_BY_NAME.get(name) as AnalyticsDefinition;

describe('report-only streams', () => {
  test.each([
    ['keyword_analytics', REPORT_LIMITS.default],
    ['product_group_targeting_analytics', REPORT_LIMITS.default],
    ['product_item_analytics', REPORT_LIMITS.productItem],
  ])('%s: every day from its earliest through today in report windows of its level, in order', (name, limits) => {
    const config = parseConfig({ ...OAUTH_CONFIG, start_date: addDays(today, -2000) });
    expect(reportHistoryDays(def(name))).toBe(limits.historyDays);
    const from = addDays(today, -(limits.historyDays - 1));
    const windows = planWindows(def(name), config, from, today, today);
    expect(windows[0].start).toBe(from);
    expect(windows.at(-1)!.end).toBe(today);
    expect(windows).toHaveLength(Math.ceil(limits.historyDays / limits.maxDays));
    for (const [i, w] of windows.entries()) {
      expect(w.source).toBe('report');
      expect(daysBetween(w.start, w.end) + 1).toBeLessThanOrEqual(limits.maxDays);
      if (i > 0) expect(w.start).toBe(addDays(windows[i - 1].end, 1));
    }
    // The last 90 days too: no synchronous endpoint exists at these levels.
    expect(planWindows(def(name), config, addDays(today, -10), today, today)).toEqual([
      { start: addDays(today, -10), end: today, source: 'report' },
    ]);
  });

  test('report bodies: the level, the ads-analytics settings, and only the configured columns the level takes', () => {
    const config = parseConfig({
      ...OAUTH_CONFIG,
      columns: ['SPEND_IN_DOLLAR', 'AD_ID', 'PIN_ID', 'CAMPAIGN_NAME'],
      click_window_days: 7,
      reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    });
    const window = { start: addDays(today, -5), end: today };
    const body = (name: string, types?: string[]) => reportBody(requestParts(def(name), config), window, types);
    expect(body('keyword_analytics')).toMatchObject({
      level: 'KEYWORD',
      granularity: 'DAY',
      columns: ['SPEND_IN_DOLLAR', 'CAMPAIGN_NAME'],
      click_window_days: 7,
      reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    });
    expect(body('product_item_analytics').level).toBe('PRODUCT_ITEM');
    expect(body('product_group_targeting_analytics', ['GENDER']).level).toBe('PRODUCT_GROUP_TARGETING');
    expect(def('product_group_targeting_analytics').targeting).toMatchObject({ perRequest: 5 });
  });
});

describe('TOTAL custom reports', () => {
  const config = parseConfig({
    ...OAUTH_CONFIG,
    custom_reports: [
      { name: 'reach', level: 'CAMPAIGN', granularity: 'TOTAL', columns: ['TOTAL_IMPRESSION_USER'] },
      {
        name: 'reach_by_gender',
        level: 'AD_GROUP_TARGETING',
        granularity: 'TOTAL',
        targeting_types: ['GENDER'],
        columns: ['SPEND_IN_DOLLAR'],
      },
    ],
  });
  const [plain, targeting] = customStreams(config);

  test('the config takes it; the key is the id [+ targeting] + start_date, end_date; full refresh only', () => {
    expect(config.custom_reports![0].granularity).toBe('TOTAL');
    expect(plain.primaryKey).toEqual(['campaign_id', 'start_date', 'end_date']);
    expect(targeting.primaryKey).toEqual([
      'ad_group_id',
      'targeting_type',
      'targeting_value',
      'start_date',
      'end_date',
    ]);
    const catalog = discoverCatalog(streamRegistry(config)).streams;
    const modes = (name: string) => catalog.find((s) => s.name === name)!.supported_sync_modes;
    expect(modes('custom_reach')).toEqual(['full_refresh']);
    expect(modes('custom_reach_by_gender')).toEqual(['full_refresh']);
    expect(modes('keyword_analytics')).toEqual(['full_refresh', 'incremental']);
    const properties = (plain.schema as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['start_date', 'end_date', 'total_impression_user']),
    );
    expect(properties.date).toBeUndefined();
  });

  test('its windows are report windows of at most 186 days; the body asks for TOTAL', () => {
    const windows = planWindows(plain, config, addDays(today, -400), today, today);
    expect(windows.map((w) => daysBetween(w.start, w.end) + 1)).toEqual([186, 186, 29]);
    expect(reportBody(requestParts(plain, config), windows[0]).granularity).toBe('TOTAL');
  });
});
