/**
 * The two forms of one analytics request, built from the same structured parts: the synchronous
 * endpoint's query string and the asynchronous report's JSON body.
 */
import { REPORT_UNSUPPORTED_COLUMNS, STATUS_FILTER_MAX } from '../pinterest/limits';
import type { AnalyticsDefinition, AnalyticsRequestParts, ReportingLevel } from './definition';
import type { ConnectorConfig } from '../config/schema';
import { chunk } from '../util/async';

interface DateRange {
  start: string;
  end: string;
}

/** The parts of a stream's requests under this config. */
export function requestParts(def: AnalyticsDefinition, config: ConnectorConfig): AnalyticsRequestParts {
  return { ...def.request(config), level: def.level };
}

/** The report's `level`: the targeting level `<name>_TARGETING` for targeting rows; undefined for organic analytics. */
export function reportLevel(level: ReportingLevel | undefined): string | undefined {
  if (!level) return undefined;
  return level.targeting ? `${level.name}_TARGETING` : level.name;
}

/** The query of a synchronous analytics request for `range` (with an id batch and targeting types where given). */
export function syncQuery(
  parts: AnalyticsRequestParts,
  range: DateRange,
  extra: { ids?: { param: string; values: readonly string[] }; targetingTypes?: readonly string[] } = {},
): Record<string, string | number | undefined> {
  const query: Record<string, string | number | undefined> = {
    start_date: range.start,
    end_date: range.end,
    ...parts.syncOnly,
    columns: parts.columns?.join(','),
    granularity: parts.granularity,
    ...parts.attribution,
    reporting_timezone: parts.reportingTimezone,
    entity_statuses: parts.entityStatuses?.join(','),
    attribution_types: parts.attributionTypes?.join(','),
  };
  if (extra.ids) query[extra.ids.param] = extra.ids.values.join(',');
  if (extra.targetingTypes) query.targeting_types = extra.targetingTypes.join(',');
  return query;
}

/** The first of `reportBodies` (what one small probe sends). */
export function reportBody(
  parts: AnalyticsRequestParts,
  range: DateRange,
  targetingTypes?: readonly string[],
): Record<string, unknown> {
  return reportBodies(parts, range, targetingTypes)[0];
}

/**
 * The bodies of POST /ad_accounts/{id}/reports for `range` (with targeting types where given): one, or one per
 * combination of status-filter groups when a filter holds more than Pinterest's 6 values per request. An entity
 * has one status, so the reports' rows are disjoint: together they are the one report asked for.
 */
export function reportBodies(
  parts: AnalyticsRequestParts,
  range: DateRange,
  targetingTypes?: readonly string[],
): Array<Record<string, unknown>> {
  const base = oneBody(parts, range, targetingTypes);
  let bodies = [base];
  for (const [name, values] of Object.entries(parts.statusFilters ?? {})) {
    const groups = chunk(values, STATUS_FILTER_MAX);
    bodies = bodies.flatMap((b) => groups.map((g) => ({ ...b, [name]: g })));
  }
  return bodies;
}

function oneBody(
  parts: AnalyticsRequestParts,
  range: DateRange,
  targetingTypes?: readonly string[],
): Record<string, unknown> {
  const level = reportLevel(parts.level);
  if (!level) throw new Error('a report needs a reporting level');
  const body: Record<string, unknown> = {
    start_date: range.start,
    end_date: range.end,
    granularity: parts.granularity ?? 'DAY',
    level,
    columns: (parts.columns ?? []).filter((c) => !REPORT_UNSUPPORTED_COLUMNS.has(c)),
    report_format: 'JSON',
    ...statusFilter(parts),
  };
  for (const [field, value] of Object.entries(parts.attribution ?? {})) if (value !== undefined) body[field] = value;
  if (parts.reportingTimezone !== undefined) body.reporting_timezone = parts.reportingTimezone;
  if (parts.attributionTypes) body.attribution_types = [...parts.attributionTypes];
  if (targetingTypes && targetingTypes.length > 0) body.targeting_types = [...targetingTypes];
  return body;
}

/** Reports filter their own level's entities by Pinterest's summary statuses (ACTIVE is RUNNING, or APPROVED for ads). */
function statusFilter(parts: AnalyticsRequestParts): Record<string, string[]> {
  if (!parts.entityStatuses) return {};
  const level = parts.level?.name;
  const active = level === 'PIN_PROMOTION' ? 'APPROVED' : 'RUNNING';
  const values = parts.entityStatuses.map((s) => (s === 'ACTIVE' ? active : s));
  if (level === 'CAMPAIGN') return { campaign_statuses: values };
  if (level === 'AD_GROUP') return { ad_group_statuses: values };
  if (level === 'PIN_PROMOTION') return { ad_statuses: values };
  return {};
}
