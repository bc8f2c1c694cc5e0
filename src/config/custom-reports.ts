/**
 * `custom_reports` of the config: each entry becomes a stream `custom_<name>` read through the report engine.
 * Validated field by field against the report API's enums (src/pinterest/report-enums.json, generated from
 * Pinterest's OpenAPI description); every message names the report and the field.
 */
import { z } from 'zod';
import { REPORT_LIMITS, STATUS_FILTER_MAX } from '../pinterest/limits';
import reportEnums from '../pinterest/report-enums.json';
import { nearestKey } from '../util/nearest';

const CUSTOM_LEVELS = [
  'ADVERTISER',
  'ADVERTISER_TARGETING',
  'CAMPAIGN',
  'CAMPAIGN_TARGETING',
  'AD_GROUP',
  'AD_GROUP_TARGETING',
  'PIN_PROMOTION',
  'PIN_PROMOTION_TARGETING',
  'KEYWORD',
  'PRODUCT_GROUP',
  'PRODUCT_GROUP_TARGETING',
  'PRODUCT_ITEM',
] as const;
const GRANULARITIES = ['DAY', 'WEEK', 'MONTH', 'HOUR', 'TOTAL'] as const;
const REPORT_COLUMNS: ReadonlySet<string> = new Set(reportEnums.columns);
const TARGETING_ENUM: ReadonlySet<string> = new Set(reportEnums.targeting_types);
const MAX_TYPES = reportEnums.targeting_types_max;
const WINDOWS = [0, 1, 7, 14, 30, 60];

/** Conversion attribution types (ConversionReportAttributionType). */
const ATTRIBUTION_TYPES = ['INDIVIDUAL', 'HOUSEHOLD'] as const;
export const attributionTypesField = z
  .array(z.enum(ATTRIBUTION_TYPES))
  .min(1, 'must list at least one attribution type')
  .refine((a) => new Set(a).size === a.length, 'lists an attribution type twice')
  .optional();

/**
 * Report status filters with Pinterest's summary statuses (the OpenAPI enums); Pinterest takes at most
 * `STATUS_FILTER_MAX` values per filter and request, so a longer list is read as several reports.
 */
export const STATUS_FILTERS = {
  campaign_statuses: [
    'RUNNING',
    'PAUSED',
    'NOT_STARTED',
    'COMPLETED',
    'ADVERTISER_DISABLED',
    'ARCHIVED',
    'DRAFT',
    'DELETED_DRAFT',
  ],
  ad_group_statuses: [
    'RUNNING',
    'PAUSED',
    'NOT_STARTED',
    'COMPLETED',
    'ADVERTISER_DISABLED',
    'ARCHIVED',
    'DRAFT',
    'DELETED_DRAFT',
  ],
  ad_statuses: [
    'APPROVED',
    'PAUSED',
    'PENDING',
    'REJECTED',
    'ADVERTISER_DISABLED',
    'ARCHIVED',
    'DRAFT',
    'DELETED_DRAFT',
  ],
  product_group_statuses: ['RUNNING', 'PAUSED', 'EXCLUDED', 'ARCHIVED'],
} as const;
export type StatusFilterName = keyof typeof STATUS_FILTERS;
/** The filter `entity_statuses` becomes at a level (none where the level has no status of its own). */
const ENTITY_STATUS_FILTER: Record<string, StatusFilterName> = {
  CAMPAIGN: 'campaign_statuses',
  AD_GROUP: 'ad_group_statuses',
  PIN_PROMOTION: 'ad_statuses',
};
const statusFilter = (name: StatusFilterName, order: number) =>
  z
    .array(z.enum(STATUS_FILTERS[name]))
    .min(1, 'must list at least one status')
    .refine((a) => new Set(a).size === a.length, 'lists a status twice')
    .optional()
    .meta({
      title: name
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' '),
      description: `Only rows of entities in these statuses (${STATUS_FILTERS[name].join(', ')}). Pinterest takes ${STATUS_FILTER_MAX} per request: more are read as several reports.`,
      order,
    });

/** The record key of a level's id column (as the records carry it). */
export const LEVEL_ID_KEY: Record<string, string> = {
  ADVERTISER: 'ad_account_id',
  CAMPAIGN: 'campaign_id',
  AD_GROUP: 'ad_group_id',
  PIN_PROMOTION: 'ad_id',
  KEYWORD: 'keyword_id',
  PRODUCT_GROUP: 'product_group_id',
  PRODUCT_ITEM: 'product_item_id',
};

/** The other key some report rows name their entity by (Pinterest's rows carry ADVERTISER_ID, PIN_PROMOTION_ID). */
export const LEVEL_ALIAS_KEY: Record<string, string> = {
  ADVERTISER: 'advertiser_id',
  PIN_PROMOTION: 'pin_promotion_id',
};

export const baseLevel = (level: string) => level.replace(/_TARGETING$/, '');
export const isTargetingLevel = (level: string) => level.endsWith('_TARGETING');

/**
 * Entity columns belong to a level and the levels below it: a campaign's name means nothing in an
 * advertiser report, an ad's id nothing in an ad-group one; PRODUCT_ITEM takes no ad or pin-promotion column.
 */
export function columnAllowedAt(level: string, column: string): boolean {
  const base = baseLevel(level);
  if (column.startsWith('CAMPAIGN_')) return base !== 'ADVERTISER';
  if (column.startsWith('AD_GROUP_')) return !['ADVERTISER', 'CAMPAIGN'].includes(base);
  if (['AD_ID', 'AD_NAME', 'AD_STATUS', 'PIN_ID'].includes(column) || column.startsWith('PIN_PROMOTION_'))
    return base === 'PIN_PROMOTION';
  if (column.startsWith('PRODUCT_GROUP_')) return base === 'PRODUCT_GROUP' || base === 'PRODUCT_ITEM';
  if (column.startsWith('PRODUCT_ITEM_')) return base === 'PRODUCT_ITEM';
  return true;
}

/** Whether a report at `level` takes this targeting type (TargetingTypeFilter's notes). */
export function targetingTypeAllowedAt(level: string, type: string): boolean {
  if (!TARGETING_ENUM.has(type)) return false;
  if (type === 'AUDIENCE_MULTIPLIER') return level === 'CAMPAIGN_TARGETING';
  if (type === 'MEDIA_TYPE') return level === 'PRODUCT_ITEM_TARGETING';
  return true;
}

/** Pinterest's limits per report: days back (today included) and days per report. */
export function customLimits(level: string, granularity: string): { historyDays: number; maxDays: number } {
  if (granularity === 'HOUR') return REPORT_LIMITS.hour;
  if (baseLevel(level) === 'PRODUCT_ITEM') return REPORT_LIMITS.productItem;
  return REPORT_LIMITS.default;
}

const dateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');
const attribution = z
  .int()
  .refine((v) => WINDOWS.includes(v), `must be one of ${WINDOWS.join(', ')}`)
  .optional();

const CustomReportSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]{0,59}$/,
        'must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 60 characters)',
      )
      .meta({ title: 'Name', description: 'The stream is called custom_<name>.', order: 0 }),
    level: z
      .enum(CUSTOM_LEVELS, {
        error: (i) => `${JSON.stringify(i.input)} is not a reporting level (${CUSTOM_LEVELS.join(', ')})`,
      })
      .meta({ title: 'Level', description: 'Pinterest reporting level.', order: 1 }),
    granularity: z.enum(GRANULARITIES).default('DAY').meta({
      title: 'Granularity',
      description:
        "DAY, WEEK or MONTH (rows dated the first day of the period), HOUR (rows add `hour`), or TOTAL (one row per entity over each report's range, with start_date and end_date; full refresh only).",
      order: 2,
    }),
    columns: z.array(z.string()).min(1, 'must list at least one column').meta({
      title: 'Columns',
      description: 'Report columns (Pinterest names, e.g. SPEND_IN_MICRO_DOLLAR).',
      order: 3,
    }),
    targeting_types: z.array(z.string()).optional().meta({
      title: 'Targeting Types',
      description: 'Required for the *_TARGETING levels and only for them; at most 5.',
      order: 4,
    }),
    start_date: dateString.optional().meta({
      title: 'Start Date',
      description:
        'First day of this report (default: the top-level start_date); clamped to what Pinterest serves, with a warning.',
      order: 5,
      format: 'date',
    }),
    click_window_days: attribution.meta({ title: 'Click Attribution Window (days)', order: 6 }),
    engagement_window_days: attribution.meta({ title: 'Engagement Attribution Window (days)', order: 7 }),
    view_window_days: attribution.meta({ title: 'View Attribution Window (days)', order: 8 }),
    conversion_report_time: z
      .enum(['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'])
      .optional()
      .meta({ title: 'Conversion Report Time', order: 9 }),
    entity_statuses: z
      .array(z.enum(['ACTIVE', 'PAUSED', 'ARCHIVED']))
      .min(1)
      .optional()
      .meta({
        title: 'Entity Statuses',
        description: "Only entities of the report's level in these statuses (campaign, ad group or ad levels).",
        order: 10,
      }),
    attribution_types: attributionTypesField.meta({
      title: 'Attribution Types',
      description:
        'INDIVIDUAL and/or HOUSEHOLD conversions (default: the top-level attribution_types; unset: not sent).',
      order: 11,
    }),
    campaign_statuses: statusFilter('campaign_statuses', 12),
    ad_group_statuses: statusFilter('ad_group_statuses', 13),
    ad_statuses: statusFilter('ad_statuses', 14),
    product_group_statuses: statusFilter('product_group_statuses', 15),
  })
  // Checked even when another field of the report is wrong, so every problem is named in one run.
  .superRefine(
    (r, ctx) => {
      const at = `(report ${JSON.stringify(r.name)})`;
      const level = (CUSTOM_LEVELS as readonly string[]).includes(r.level) ? r.level : undefined;
      (Array.isArray(r.columns) ? r.columns : []).forEach((c, i) => {
        if (typeof c !== 'string') return;
        if (!REPORT_COLUMNS.has(c)) {
          const near = nearestKey(c, REPORT_COLUMNS);
          ctx.addIssue({
            code: 'custom',
            path: ['columns', i],
            message: `${at}: ${JSON.stringify(c)} is not a Pinterest report column${near ? `; did you mean ${near}?` : ''}`,
          });
        } else if (level && !columnAllowedAt(level, c))
          ctx.addIssue({ code: 'custom', path: ['columns', i], message: `${at}: ${c} is not valid at level ${level}` });
      });
      if (!level) return;
      if (r.ad_statuses !== undefined && baseLevel(level) === 'PRODUCT_ITEM')
        ctx.addIssue({
          code: 'custom',
          path: ['ad_statuses'],
          message: `${at}: Pinterest takes no ad_statuses in PRODUCT_ITEM reports`,
        });
      const own = ENTITY_STATUS_FILTER[baseLevel(level)];
      if (r.entity_statuses !== undefined && own && r[own] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['entity_statuses'],
          message: `${at}: entity_statuses and ${own} both filter this level's entities: keep one`,
        });
      const types = Array.isArray(r.targeting_types)
        ? r.targeting_types
        : r.targeting_types === undefined
          ? undefined
          : [];
      if (isTargetingLevel(level)) {
        if (!types || types.length === 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['targeting_types'],
            message: `${at}: level ${level} needs targeting_types (1 to ${MAX_TYPES})`,
          });
        } else {
          if (types.length > MAX_TYPES)
            ctx.addIssue({
              code: 'custom',
              path: ['targeting_types'],
              message: `${at}: at most ${MAX_TYPES} targeting types per report, got ${types.length}`,
            });
          types.forEach((t, i) => {
            if (typeof t !== 'string' || targetingTypeAllowedAt(level, t)) return;
            const near = TARGETING_ENUM.has(t) ? undefined : nearestKey(t, TARGETING_ENUM);
            ctx.addIssue({
              code: 'custom',
              path: ['targeting_types', i],
              message: `${at}: ${JSON.stringify(t)} is not a targeting type reports take at level ${level}${near ? `; did you mean ${near}?` : ''}`,
            });
          });
          if (new Set(types).size !== types.length)
            ctx.addIssue({
              code: 'custom',
              path: ['targeting_types'],
              message: `${at}: a targeting type is listed twice`,
            });
        }
      } else if (r.targeting_types !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['targeting_types'],
          message: `${at}: targeting_types are only for the *_TARGETING levels, not ${level}`,
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  );

export type CustomReport = z.output<typeof CustomReportSchema>;

export const CustomReportsSchema = z
  .array(CustomReportSchema)
  .max(50, 'at most 50 custom reports')
  .superRefine(
    (reports, ctx) => {
      const seen = new Map<string, number>();
      reports.forEach((r, i) => {
        if (typeof r?.name !== 'string') return;
        if (seen.has(r.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `(report ${JSON.stringify(r.name)}): the name is already used by custom_reports.${seen.get(r.name)}`,
          });
        else seen.set(r.name, i);
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  )
  .optional()
  .meta({
    title: 'Custom Reports',
    description:
      'Extra report streams (custom_<name>) at any reporting level, with your columns, DAY/WEEK/MONTH/HOUR granularity and optional targeting types. See the README.',
    order: 17,
  });
