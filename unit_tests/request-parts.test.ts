/**
 * One definition's request parts make both forms of its request: the synchronous query string and the
 * asynchronous report body carry the same level, columns, granularity, attribution and time zone.
 */
import { parseConfig } from '../src/config/load';
import type { AnalyticsDefinition } from '../src/streams/definition';
import { STREAMS } from '../src/streams/definitions';
import { customStreams } from '../src/streams/custom-reports';
import { reportBody, requestParts, syncQuery } from '../src/streams/request-parts';
import { OAUTH_CONFIG } from '../test_kit/in-process';

const WINDOW = { start: '2026-01-01', end: '2026-01-31' };
const config = parseConfig({
  ...OAUTH_CONFIG,
  columns: ['SPEND_IN_DOLLAR', 'TOTAL_CLICKTHROUGH', 'QUIZ_PIN_RESULT_OPEN'],
  click_window_days: 7,
  reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
});
const campaignTargeting = STREAMS.find((s) => s.name === 'campaign_targeting_analytics') as AnalyticsDefinition;

test('campaign_targeting_analytics: the query and the report body from the same parts', () => {
  const parts = requestParts(campaignTargeting, config);
  expect(
    syncQuery(parts, WINDOW, {
      ids: { param: 'campaign_ids', values: ['1', '2'] },
      targetingTypes: ['GENDER', 'LOCATION'],
    }),
  ).toEqual({
    start_date: '2026-01-01',
    end_date: '2026-01-31',
    columns: 'SPEND_IN_DOLLAR,TOTAL_CLICKTHROUGH,QUIZ_PIN_RESULT_OPEN',
    granularity: 'DAY',
    click_window_days: 7,
    engagement_window_days: 30,
    view_window_days: 1,
    conversion_report_time: 'TIME_OF_AD_ACTION',
    reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    entity_statuses: undefined,
    campaign_ids: '1,2',
    targeting_types: 'GENDER,LOCATION',
  });
  expect(reportBody(parts, WINDOW, ['GENDER', 'LOCATION'])).toEqual({
    start_date: '2026-01-01',
    end_date: '2026-01-31',
    granularity: 'DAY',
    level: 'CAMPAIGN_TARGETING',
    // Reports lack this synchronous column.
    columns: ['SPEND_IN_DOLLAR', 'TOTAL_CLICKTHROUGH'],
    report_format: 'JSON',
    click_window_days: 7,
    engagement_window_days: 30,
    view_window_days: 1,
    conversion_report_time: 'TIME_OF_AD_ACTION',
    reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    targeting_types: ['GENDER', 'LOCATION'],
  });
});

test('without reporting_timezone neither form carries it', () => {
  const parts = requestParts(campaignTargeting, parseConfig(OAUTH_CONFIG));
  expect(syncQuery(parts, WINDOW).reporting_timezone).toBeUndefined();
  expect(reportBody(parts, WINDOW)).not.toHaveProperty('reporting_timezone');
});

test('a custom report carries the time zone and its status filter in the body', () => {
  const [custom] = customStreams(
    parseConfig({
      ...OAUTH_CONFIG,
      reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
      custom_reports: [
        { name: 'ads', level: 'PIN_PROMOTION', columns: ['SPEND_IN_DOLLAR'], entity_statuses: ['ACTIVE', 'PAUSED'] },
      ],
    }),
  );
  const parts = requestParts(custom, config);
  expect(reportBody(parts, WINDOW)).toMatchObject({
    level: 'PIN_PROMOTION',
    reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
    ad_statuses: ['APPROVED', 'PAUSED'],
  });
});

test('organic analytics have no report level: their parts make only a query', () => {
  const pins = STREAMS.find((s) => s.name === 'pin_analytics') as AnalyticsDefinition;
  const parts = requestParts(pins, config);
  expect(syncQuery(parts, WINDOW)).toMatchObject({
    metric_types: expect.any(String),
    app_types: 'ALL',
    split_field: 'NO_SPLIT',
  });
  expect(() => reportBody(parts, WINDOW)).toThrow(/reporting level/);
});
