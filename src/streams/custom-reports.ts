/**
 * Each `custom_reports` entry as an analytics definition read only through the report engine: its schema
 * (every column declared, nullable numbers, ids as strings, `date` as a date, `hour` for HOUR), its primary
 * key (the level's id, targeting type and value on targeting levels, date, hour) and cursor `date`.
 */
import type { ConnectorConfig } from '../config/schema';
import {
  LEVEL_ALIAS_KEY,
  LEVEL_ID_KEY,
  STATUS_FILTERS,
  type StatusFilterName,
  baseLevel,
  customLimits,
  isTargetingLevel,
  type CustomReport,
} from '../config/custom-reports';
import enums from '../schemas/pinterest-enums.json';
import type { AnalyticsDefinition } from './definition';

const COLUMN_TYPES = enums.column_types as Record<string, string>;
const STRING_COLUMN =
  /(_ID|_NAME|_STATUS|_LABEL|_LABELS|_TAG|_URL|_BRAND|_DESCRIPTION|_CATEGORY|_TYPE|_CURRENCY|_OPTIMIZATION)$/;
const BOOLEAN_COLUMNS = new Set(['CAMPAIGN_BUDGET_OPTIMIZATION', 'IS_PREMIERE_CAMPAIGN']);

/** A report column's JSON type: the synchronous enum's where known, else by its name. */
export function columnType(column: string): 'number' | 'string' | 'boolean' {
  const known = COLUMN_TYPES[column];
  if (known === 'number' || known === 'string' || known === 'boolean') return known;
  if (BOOLEAN_COLUMNS.has(column)) return 'boolean';
  return STRING_COLUMN.test(column) ? 'string' : 'number';
}

function customPrimaryKey(report: Pick<CustomReport, 'level' | 'granularity'>): string[] {
  const key = [LEVEL_ID_KEY[baseLevel(report.level)]];
  if (isTargetingLevel(report.level)) key.push('targeting_type', 'targeting_value');
  if (report.granularity === 'TOTAL') key.push('start_date', 'end_date');
  else key.push('date');
  if (report.granularity === 'HOUR') key.push('hour');
  return key;
}

function customSchema(report: CustomReport): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    ad_account_id: { type: ['null', 'string'], description: 'Ad account the row belongs to.' },
    currency: {
      type: ['null', 'string'],
      description: "The ad account's currency code: *_DOLLAR and *_MICRO_DOLLAR amounts are in this currency.",
    },
    data_ready: {
      type: ['null', 'boolean'],
      description:
        report.granularity === 'WEEK' || report.granularity === 'MONTH'
          ? `Whether Pinterest called the metrics of every day of the ${report.granularity.toLowerCase()} final (GET /resources/metrics_ready_state) when the row was read.`
          : "Whether Pinterest called the day's conversion and non-conversion metrics final (GET /resources/metrics_ready_state) when the row was read.",
    },
  };
  if (report.granularity === 'TOTAL') {
    properties.start_date = {
      type: ['null', 'string'],
      format: 'date',
      description: "First day of the report's range, YYYY-MM-DD: the row's metrics are totals over the range.",
    };
    properties.end_date = {
      type: ['null', 'string'],
      format: 'date',
      description: "Last day of the report's range, YYYY-MM-DD.",
    };
  } else
    properties.date = {
      type: ['null', 'string'],
      format: 'date',
      description:
        report.granularity === 'WEEK' || report.granularity === 'MONTH'
          ? `First day of the ${report.granularity.toLowerCase()} (UTC), YYYY-MM-DD.`
          : 'Day of the row (UTC), YYYY-MM-DD.',
    };
  const idKey = LEVEL_ID_KEY[baseLevel(report.level)];
  properties[idKey] = {
    type: ['null', 'string'],
    description: `Id of the ${baseLevel(report.level).toLowerCase().replace('_', ' ')}.`,
  };
  // Rows may name their entity a second way too: a strict destination must find that key declared.
  const alias = LEVEL_ALIAS_KEY[baseLevel(report.level)];
  if (alias)
    properties[alias] = {
      type: ['null', 'string'],
      description: `Id of the ${baseLevel(report.level).toLowerCase().replace('_', ' ')}, as the report names it.`,
    };
  if (report.granularity === 'HOUR')
    properties.hour = {
      type: ['null', 'integer'],
      minimum: 0,
      maximum: 23,
      description: 'Hour of the day (UTC), 0–23.',
    };
  if (isTargetingLevel(report.level)) {
    properties.targeting_type = { type: ['null', 'string'] };
    properties.targeting_value = { type: ['null', 'string'] };
  }
  for (const c of report.columns) {
    const key = c.toLowerCase();
    if (key in properties) continue;
    properties[key] = { type: ['null', columnType(c)] };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties };
}

/** The report's own status filters, those it sets. */
function statusFilters(r: CustomReport): Record<string, readonly string[]> | undefined {
  const out: Record<string, readonly string[]> = {};
  for (const name of Object.keys(STATUS_FILTERS) as StatusFilterName[]) if (r[name]) out[name] = r[name];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The definitions of the config's custom reports (none without `custom_reports`). */
export function customStreams(
  config: Pick<
    ConnectorConfig,
    | 'custom_reports'
    | 'click_window_days'
    | 'engagement_window_days'
    | 'view_window_days'
    | 'conversion_report_time'
    | 'reporting_timezone'
    | 'attribution_types'
  >,
): AnalyticsDefinition[] {
  return (config.custom_reports ?? []).map((r) => {
    const limits = customLimits(r.level, r.granularity);
    const attribution = {
      click_window_days: r.click_window_days ?? config.click_window_days,
      engagement_window_days: r.engagement_window_days ?? config.engagement_window_days,
      view_window_days: r.view_window_days ?? config.view_window_days,
      conversion_report_time: r.conversion_report_time ?? config.conversion_report_time,
    };
    return {
      kind: 'analytics',
      name: `custom_${r.name}`,
      primaryKey: customPrimaryKey(r),
      schema: customSchema(r),
      category: 'ads_analytics',
      path: '/ad_accounts/{ad_account_id}/reports',
      partition: { by: 'ad_account' },
      rows: 'ads_columns',
      cursorField: 'date',
      cursorScope: 'partition',
      lastDay: 'today',
      level: { name: baseLevel(r.level), targeting: isTargetingLevel(r.level) },
      request: () => ({
        columns: r.columns,
        granularity: r.granularity,
        attribution,
        reportingTimezone: config.reporting_timezone,
        entityStatuses: r.entity_statuses,
        attributionTypes: r.attribution_types ?? config.attribution_types,
        statusFilters: statusFilters(r),
      }),
      // Totals over a range cannot be summed or resumed by day: no cursor to continue from.
      fullRefreshOnly: r.granularity === 'TOTAL' || undefined,
      report: {
        historyDays: limits.historyDays,
        maxDays: limits.maxDays,
        reportsOnly: true,
        startDate: r.start_date,
        targetingTypes: r.targeting_types,
      },
    } satisfies AnalyticsDefinition;
  });
}
