/**
 * Custom reports without HTTP: the config's per-field validation (messages name the report and the field),
 * the stream definitions built from it (schema, key, limits), and the level/column rules.
 */
import { parseConfig } from '../src/config/load';
import { STATUS_FILTERS, columnAllowedAt, customLimits, targetingTypeAllowedAt } from '../src/config/custom-reports';
import { customStreams, columnType } from '../src/streams/custom-reports';
import { reportBodies, reportBody, requestParts, syncQuery } from '../src/streams/request-parts';
import { STREAMS } from '../src/streams/definitions';
import type { AnalyticsDefinition } from '../src/streams/definition';
import { OAUTH_CONFIG } from '../test_kit/in-process';

const config = (custom_reports: unknown) => ({ ...OAUTH_CONFIG, custom_reports });
const error = (custom_reports: unknown): string => {
  try {
    parseConfig(config(custom_reports));
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a config error');
};

describe('custom_reports validation', () => {
  test('a valid report takes its defaults; streams follow the config', () => {
    const c = parseConfig(config([{ name: 'daily', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] }]));
    expect(c.custom_reports).toEqual([
      { name: 'daily', level: 'CAMPAIGN', granularity: 'DAY', columns: ['SPEND_IN_DOLLAR'] },
    ]);
    expect(customStreams(c).map((d) => d.name)).toEqual(['custom_daily']);
    expect(customStreams(parseConfig(OAUTH_CONFIG))).toEqual([]);
  });

  test.each([
    [
      [{ name: 'a', level: 'CAMPAIGN', columns: ['NOPE'] }],
      /'custom_reports\.0\.columns\.0' \(report "a"\): "NOPE" is not a Pinterest report column/,
    ],
    [
      [{ name: 'a', level: 'CAMPAIGN', columns: ['AD_NAME'] }],
      /\(report "a"\): AD_NAME is not valid at level CAMPAIGN/,
    ],
    [
      [{ name: 'a', level: 'PRODUCT_ITEM', columns: ['PIN_PROMOTION_ID'] }],
      /PIN_PROMOTION_ID is not valid at level PRODUCT_ITEM/,
    ],
    [
      [{ name: 'a', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'], targeting_types: ['GENDER'] }],
      /'custom_reports\.0\.targeting_types' \(report "a"\): targeting_types are only for/,
    ],
    [[{ name: 'a', level: 'AD_GROUP_TARGETING', columns: ['SPEND_IN_DOLLAR'] }], /needs targeting_types/],
    [
      [
        {
          name: 'a',
          level: 'AD_GROUP_TARGETING',
          columns: ['SPEND_IN_DOLLAR'],
          targeting_types: ['AUDIENCE_MULTIPLIER'],
        },
      ],
      /"AUDIENCE_MULTIPLIER" is not a targeting type reports take at level AD_GROUP_TARGETING/,
    ],
    [
      [{ name: 'a', level: 'AD_GROUP_TARGETING', columns: ['SPEND_IN_DOLLAR'], targeting_types: ['CREATIVE_TYPE'] }],
      /"CREATIVE_TYPE" is not a targeting type/,
    ],
    [
      [
        { name: 'a', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] },
        { name: 'a', level: 'AD_GROUP', columns: ['SPEND_IN_DOLLAR'] },
      ],
      /'custom_reports\.1\.name' \(report "a"\): the name is already used by custom_reports\.0/,
    ],
    [
      [{ name: '1abc', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] }],
      /'custom_reports\.0\.name' must start with a lower-case letter/,
    ],
    [[{ name: 'a', level: 'CAMPAIGN', columns: [] }], /'custom_reports\.0\.columns' must list at least one column/],
    [
      [{ name: 'a', level: 'CAMPAIGN', granularity: 'YEAR', columns: ['SPEND_IN_DOLLAR'] }],
      /'custom_reports\.0\.granularity'/,
    ],
    [
      [{ name: 'a', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'], click_window_days: 3 }],
      /'custom_reports\.0\.click_window_days' must be one of 0, 1, 7, 14, 30, 60/,
    ],
    [
      Array.from({ length: 51 }, (_, i) => ({ name: `r${i}`, level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] })),
      /at most 50 custom reports/,
    ],
  ])('%j is refused: %s', (reports, message) => {
    expect(error(reports)).toMatch(message);
  });
});

describe('custom stream definitions', () => {
  const c = parseConfig(
    config([
      {
        name: 'hourly',
        level: 'PIN_PROMOTION',
        granularity: 'HOUR',
        columns: ['SPEND_IN_DOLLAR', 'AD_NAME', 'CAMPAIGN_BUDGET_OPTIMIZATION'],
      },
      {
        name: 'gender',
        level: 'ADVERTISER_TARGETING',
        granularity: 'WEEK',
        columns: ['TOTAL_IMPRESSION'],
        targeting_types: ['GENDER'],
        click_window_days: 7,
      },
      {
        name: 'items',
        level: 'PRODUCT_ITEM',
        columns: ['PRODUCT_ITEM_PRICE', 'SPEND_IN_DOLLAR'],
        start_date: '2020-01-01',
        entity_statuses: ['ACTIVE'],
      },
    ]),
  );
  const [hourly, gender, items] = customStreams(c);

  test('primary keys per level and granularity', () => {
    expect(hourly.primaryKey).toEqual(['ad_id', 'date', 'hour']);
    expect(gender.primaryKey).toEqual(['ad_account_id', 'targeting_type', 'targeting_value', 'date']);
    expect(items.primaryKey).toEqual(['product_item_id', 'date']);
  });

  test('schemas declare every column with its type, ids as strings, date as a date, hour for HOUR', () => {
    const props = hourly.schema!.properties as Record<string, any>;
    expect(props.spend_in_dollar.type).toEqual(['null', 'number']);
    expect(props.ad_name.type).toEqual(['null', 'string']);
    expect(props.campaign_budget_optimization.type).toEqual(['null', 'boolean']);
    expect(props.ad_id.type).toEqual(['null', 'string']);
    expect(props.date).toMatchObject({ format: 'date' });
    expect(props.hour.type).toEqual(['null', 'integer']);
    expect(Object.keys(gender.schema!.properties as object)).toEqual(
      expect.arrayContaining(['targeting_type', 'targeting_value', 'total_impression']),
    );
    expect(columnType('PRODUCT_ITEM_PRICE')).toBe('number');
    expect(columnType('PRODUCT_ITEM_BRAND')).toBe('string');
  });

  test('limits, attribution and filters reach the report settings', () => {
    expect(hourly.level).toEqual({ name: 'PIN_PROMOTION', targeting: false });
    expect(hourly.request(c)).toMatchObject({ granularity: 'HOUR' });
    expect(hourly.report).toMatchObject({ historyDays: 8, maxDays: 3, reportsOnly: true });
    expect(items.report).toMatchObject({ historyDays: 92, maxDays: 31, startDate: '2020-01-01' });
    expect(gender.request(c).attribution).toMatchObject({
      click_window_days: 7,
      engagement_window_days: 30,
      view_window_days: 1,
    });
    const day = { start: '2024-01-01', end: '2024-01-01' };
    expect(reportBody(requestParts(gender, c), day, ['GENDER'])).toMatchObject({
      level: 'ADVERTISER_TARGETING',
      granularity: 'WEEK',
      targeting_types: ['GENDER'],
    });
    // A status filter exists for the campaign, ad group and ad levels only.
    expect(reportBody(requestParts(items, c), day)).not.toHaveProperty('campaign_statuses');
    expect(customLimits('PRODUCT_ITEM', 'HOUR')).toEqual({ historyDays: 8, maxDays: 3 });
    expect(customLimits('CAMPAIGN', 'WEEK')).toEqual({ historyDays: 914, maxDays: 186 });
  });

  test('level rules', () => {
    expect(columnAllowedAt('ADVERTISER', 'CAMPAIGN_NAME')).toBe(false);
    expect(columnAllowedAt('KEYWORD', 'AD_GROUP_NAME')).toBe(true);
    expect(columnAllowedAt('AD_GROUP_TARGETING', 'AD_ID')).toBe(false);
    expect(columnAllowedAt('PRODUCT_ITEM', 'PRODUCT_GROUP_ID')).toBe(true);
    expect(targetingTypeAllowedAt('CAMPAIGN_TARGETING', 'AUDIENCE_MULTIPLIER')).toBe(true);
    expect(targetingTypeAllowedAt('PRODUCT_ITEM_TARGETING', 'MEDIA_TYPE')).toBe(true);
    expect(targetingTypeAllowedAt('AD_GROUP_TARGETING', 'MEDIA_TYPE')).toBe(false);
  });
});

describe('attribution types and status filters', () => {
  const report = { name: 'r', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] };
  const range = { start: '2026-11-01', end: '2026-11-30' };

  test.each([
    [[{ ...report, attribution_types: ['PERSON'] }], /custom_reports\.0\.attribution_types\.0/],
    [[{ ...report, attribution_types: ['INDIVIDUAL', 'INDIVIDUAL'] }], /attribution type twice/],
    [[{ ...report, campaign_statuses: ['ACTIVE'] }], /custom_reports\.0\.campaign_statuses\.0/],
    [[{ ...report, ad_statuses: ['RUNNING'] }], /custom_reports\.0\.ad_statuses\.0/],
    [[{ ...report, campaign_statuses: ['PAUSED', 'PAUSED'] }], /a status twice/],
    [
      [{ ...report, level: 'PRODUCT_ITEM', ad_statuses: ['APPROVED'] }],
      /\(report "r"\): Pinterest takes no ad_statuses in PRODUCT_ITEM reports/,
    ],
    [
      [{ ...report, entity_statuses: ['ACTIVE'], campaign_statuses: ['RUNNING'] }],
      /\(report "r"\): entity_statuses and campaign_statuses both filter/,
    ],
  ])('%j is refused, naming the field', (reports, message) => {
    expect(error(reports)).toMatch(message);
  });

  test('attribution_types: top level for every ads-analytics request, a report its own; unset, not sent', () => {
    const c = parseConfig({
      ...config([report, { ...report, name: 'own', attribution_types: ['HOUSEHOLD'] }]),
      attribution_types: ['INDIVIDUAL', 'HOUSEHOLD'],
    });
    const [inherits, own] = customStreams(c).map((d) => requestParts(d, c));
    expect(reportBody(inherits, range).attribution_types).toEqual(['INDIVIDUAL', 'HOUSEHOLD']);
    expect(syncQuery(inherits, range).attribution_types).toBe('INDIVIDUAL,HOUSEHOLD');
    expect(reportBody(own, range).attribution_types).toEqual(['HOUSEHOLD']);
    const ads = requestParts(STREAMS.find((s) => s.name === 'campaign_analytics') as AnalyticsDefinition, c);
    expect(syncQuery(ads, range).attribution_types).toBe('INDIVIDUAL,HOUSEHOLD');
    expect(reportBody(ads, range).attribution_types).toEqual(['INDIVIDUAL', 'HOUSEHOLD']);

    const plain = parseConfig(config([report]));
    const parts = requestParts(customStreams(plain)[0], plain);
    expect('attribution_types' in reportBody(parts, range)).toBe(false);
    expect(syncQuery(parts, range).attribution_types).toBeUndefined();
  });

  test('more than 6 values of a filter: one report per group of ≤ 6, every combination of the groups once', () => {
    const all = STATUS_FILTERS.campaign_statuses;
    const c = parseConfig(
      config([
        { ...report, campaign_statuses: [...all] },
        { ...report, name: 'two', level: 'AD_GROUP', campaign_statuses: [...all], ad_group_statuses: [...all] },
        { ...report, name: 'few', ad_statuses: ['APPROVED', 'PAUSED'] },
      ]),
    );
    const [one, two, few] = customStreams(c).map((d) => reportBodies(requestParts(d, c), range));
    expect(one.map((b) => b.campaign_statuses)).toEqual([all.slice(0, 6), all.slice(6)]);
    expect(one.every((b) => b.start_date === range.start && b.level === 'CAMPAIGN')).toBe(true);
    expect(two.map((b) => [b.campaign_statuses, b.ad_group_statuses])).toEqual([
      [all.slice(0, 6), all.slice(0, 6)],
      [all.slice(0, 6), all.slice(6)],
      [all.slice(6), all.slice(0, 6)],
      [all.slice(6), all.slice(6)],
    ]);
    expect(few).toEqual([expect.objectContaining({ ad_statuses: ['APPROVED', 'PAUSED'] })]);
    // The probe of check sends the first.
    expect(reportBody(requestParts(customStreams(c)[0], c), range)).toEqual(one[0]);
  });
});
