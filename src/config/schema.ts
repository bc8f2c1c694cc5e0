/**
 * The connector's configuration: one zod schema is the source of both the runtime validation and the
 * types, and (through `buildSpec`) of spec.json's connectionSpecification. Titles, descriptions, `order`
 * and `airbyte_secret` are zod metadata, so the spec cannot drift from what the code accepts.
 */
import { z } from 'zod';
import enums from '../schemas/pinterest-enums.json';
import { MAX_SYNC_WINDOW_DAYS, SYNC_HISTORY_DAYS } from '../pinterest/limits';
import { CustomReportsSchema, attributionTypesField } from './custom-reports';
import { organicConfigFields } from './organic';
import { MIN_CREDENTIAL_LENGTH } from '../util/secrets';
import { nearestKey } from '../util/nearest';

const ATTRIBUTION_WINDOWS = [0, 1, 7, 14, 30, 60] as const;
const ENTITY_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED'] as const;
export const ANALYTICS_COLUMNS: readonly string[] = enums.columns;
/** Every targeting type of the campaign, ad group and ad levels (each stream keeps those of its level). */
const TARGETING_TYPES: readonly string[] = [...new Set(Object.values(enums.targeting_types).flat())];

/**
 * Requested when `columns` is not set: spend, delivery, clicks, engagement, the conversion totals with their
 * values, and video completions — what an ads report is read for — without the ~130 niche columns that make
 * every row wider (and a 250-id, 90-day response larger) for data most accounts never have.
 */
export const DEFAULT_COLUMNS: readonly string[] = [
  'SPEND_IN_MICRO_DOLLAR',
  'SPEND_IN_DOLLAR',
  'PAID_IMPRESSION',
  'TOTAL_IMPRESSION',
  'IMPRESSION_1',
  'IMPRESSION_2',
  'CLICKTHROUGH_1',
  'CLICKTHROUGH_2',
  'TOTAL_CLICKTHROUGH',
  'OUTBOUND_CLICK_1',
  'OUTBOUND_CLICK_2',
  'CTR',
  'ECTR',
  'OUTBOUND_CTR_1',
  'CPC_IN_MICRO_DOLLAR',
  'ECPC_IN_MICRO_DOLLAR',
  'CPM_IN_MICRO_DOLLAR',
  'ECPM_IN_MICRO_DOLLAR',
  'TOTAL_ENGAGEMENT',
  'ENGAGEMENT_1',
  'ENGAGEMENT_2',
  'ENGAGEMENT_RATE',
  'REPIN_1',
  'REPIN_2',
  'TOTAL_CONVERSIONS',
  'TOTAL_CHECKOUT',
  'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_CLICK_CHECKOUT',
  'TOTAL_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_VIEW_CHECKOUT',
  'TOTAL_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_ENGAGEMENT_CHECKOUT',
  'TOTAL_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_PAGE_VISIT',
  'TOTAL_SIGNUP',
  'TOTAL_LEAD',
  'TOTAL_CUSTOM',
  'CHECKOUT_ROAS',
  'TOTAL_WEB_SESSIONS',
  'TOTAL_VIDEO_3SEC_VIEWS',
  'TOTAL_VIDEO_P100_COMPLETE',
  'TOTAL_VIDEO_MRC_VIEWS',
];

/** "; did you mean X?" for a string close to a known name. */
const didYouMean = (input: unknown, known: readonly string[]): string | undefined => {
  const near = typeof input === 'string' ? nearestKey(input, known) : undefined;
  return near ? `; did you mean ${near}?` : undefined;
};

const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

const dateField = (title: string, description: string, order: number) =>
  z
    .string()
    .regex(new RegExp(DATE_PATTERN), 'must be a date written YYYY-MM-DD')
    .refine(isCalendarDate, 'is not a calendar date')
    .optional()
    .meta({ title, description, order, format: 'date', pattern_descriptor: 'YYYY-MM-DD', examples: ['2026-01-01'] });

const secret = (title: string, description: string, order: number) =>
  z.string().min(1, 'must not be empty').meta({ title, description, order, airbyte_secret: true });

/**
 * A credential the connector masks in its output: one shorter than any real Pinterest token or app secret
 * is refused, since masking it would rewrite ordinary text (a secret "type" or "05-30" would edit every line).
 */
const credential = (title: string, description: string, order: number) =>
  z
    .string()
    .min(MIN_CREDENTIAL_LENGTH, {
      error: (issue) =>
        issue.input === ''
          ? 'must not be empty'
          : `must be at least ${MIN_CREDENTIAL_LENGTH} characters: a Pinterest credential is longer (copy the whole value)`,
    })
    .meta({ title, description, order, airbyte_secret: true });

const attributionWindow = (title: string, description: string, fallback: number, order: number) =>
  z
    .int()
    .refine(
      (v) => (ATTRIBUTION_WINDOWS as readonly number[]).includes(v),
      `must be one of ${ATTRIBUTION_WINDOWS.join(', ')}`,
    )
    .default(fallback)
    .meta({ title, description, order, enum: [...ATTRIBUTION_WINDOWS] });

export const OAuthCredentials = z
  .object({
    auth_method: z.literal('oauth2.0').meta({ order: 0 }),
    client_id: secret('Client ID', 'The Client ID of your Pinterest app.', 1),
    client_secret: credential('Client Secret', 'The Client Secret of your Pinterest app.', 2),
    refresh_token: credential(
      'Refresh Token',
      'A refresh token of your Pinterest app with the scopes boards:read, pins:read, user_accounts:read and ads:read (and boards:read_secret, pins:read_secret, catalogs:read for secret boards and pins and the catalog streams).',
      3,
    ),
  })
  .meta({ title: 'OAuth2.0' });

export const AccessTokenCredentials = z
  .object({
    auth_method: z.literal('access_token').meta({ order: 0 }),
    access_token: credential(
      'Access Token',
      'A Pinterest access token with the scopes boards:read, pins:read, user_accounts:read and ads:read (and boards:read_secret, pins:read_secret, catalogs:read for secret boards and pins and the catalog streams). It cannot be refreshed: syncs fail once it expires.',
      1,
    ),
  })
  .meta({ title: 'Access Token' });

export const ConfigSchema = z
  .object({
    credentials: z
      .discriminatedUnion('auth_method', [OAuthCredentials, AccessTokenCredentials])
      // Airbyte requires `type: object` on the parent of a oneOf; zod does not write it for a union.
      .meta({
        type: 'object',
        title: 'Authentication',
        description: 'How the connector authenticates with Pinterest.',
        order: 0,
      }),
    start_date: dateField(
      'Start Date',
      "First day (UTC) of the analytics to read. Ads analytics reach back to today − 913 (older days come from Pinterest's asynchronous reports); pin and user-account analytics to today − 89. An older date is moved to the earliest a stream reaches, with a warning. Default: today − 89.",
      1,
    ),
    end_date: dateField(
      'End Date',
      'Last day (UTC) of the analytics to read; with Start Date it selects a backfill period. A period ending before today − 89 yields only ads analytics (from reports). Default: today (yesterday for ad_analytics_daily).',
      2,
    ),
    ad_account_ids: z
      .array(z.string().regex(/^\d{1,18}$/, 'must be a numeric ad account id (digits only, at most 18)'))
      .optional()
      .meta({
        title: 'Ad Account IDs',
        description: 'The ad accounts to read. Default: every ad account the token can read.',
        order: 3,
        examples: [['549755885175']],
      }),
    entity_statuses: z
      .array(z.enum(ENTITY_STATUSES))
      .min(1, 'must list at least one status')
      .default([...ENTITY_STATUSES])
      .meta({
        title: 'Entity Statuses',
        description: 'Which campaigns, ad groups and ads are listed and analysed.',
        order: 4,
      }),
    lookback_days: z
      .int()
      .min(0)
      .max(SYNC_HISTORY_DAYS - 1)
      .optional()
      .meta({
        title: 'Lookback Days',
        description:
          'Incremental reads start this many days before the saved cursor, so that late conversions are read again. Default: the longest of the three attribution windows + 2 days for Pinterest to settle them (32 with the default windows), at most 89.',
        order: 5,
      }),
    window_days: z.int().min(15).max(MAX_SYNC_WINDOW_DAYS).default(MAX_SYNC_WINDOW_DAYS).meta({
      title: 'Window Days',
      description:
        'The longest date window of one analytics request; backfills are cut into windows of at most this many days.',
      order: 6,
    }),
    columns: z
      .array(
        z.enum(ANALYTICS_COLUMNS as [string, ...string[]], {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not a Pinterest analytics column${didYouMean(issue.input, ANALYTICS_COLUMNS) ?? " (see the columns enum of Pinterest's API)"}`,
        }),
      )
      .min(1, 'must list at least one column')
      .optional()
      .meta({
        title: 'Analytics Columns',
        description:
          'The metric columns requested for the ads analytics and targeting streams (Pinterest column names). Default: the set the README lists.',
        order: 7,
      }),
    max_rate_limit_wait_seconds: z.int().min(0).default(600).meta({
      title: 'Max Rate Limit Wait (seconds)',
      description:
        'The longest the connector waits for a rate limit to reset before it saves its state and stops; the next sync resumes from there.',
      order: 8,
    }),
    click_window_days: attributionWindow(
      'Click Attribution Window (days)',
      'Conversions attributed to a click within this many days.',
      30,
      9,
    ),
    engagement_window_days: attributionWindow(
      'Engagement Attribution Window (days)',
      'Conversions attributed to an engagement within this many days.',
      30,
      10,
    ),
    view_window_days: attributionWindow(
      'View Attribution Window (days)',
      'Conversions attributed to a view within this many days.',
      1,
      11,
    ),
    conversion_report_time: z.enum(['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION']).default('TIME_OF_AD_ACTION').meta({
      title: 'Conversion Report Time',
      description: 'Whether a conversion is reported on the day of the ad action or of the conversion.',
      order: 12,
    }),
    attribution_types: attributionTypesField.meta({
      title: 'Attribution Types',
      description:
        'INDIVIDUAL and/or HOUSEHOLD: which conversions ads analytics count (sent with every ads-analytics request and report). Not sent by default: Pinterest then applies its own default, which its API description does not state.',
      order: 18,
    }),
    targeting_types: z
      .array(
        z.enum(TARGETING_TYPES as [string, ...string[]], {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not a Pinterest targeting type${didYouMean(issue.input, TARGETING_TYPES) ?? ` (one of ${TARGETING_TYPES.join(', ')})`}`,
        }),
      )
      .min(1, 'must list at least one targeting type')
      .optional()
      .meta({
        title: 'Targeting Types',
        description:
          'The breakdowns the targeting-analytics streams read; each stream reads those of its level. AGE_BUCKET_AND_GENDER and CREATIVE_ENHANCEMENTS are a beta that some accounts lack: a type Pinterest refuses is left out with a warning. Default: every type of each level.',
        order: 15,
      }),
    reporting_timezone: z.enum(['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE']).optional().meta({
      title: 'Reporting Time Zone',
      description:
        "Not sent by default: Pinterest then reports days in UTC. AD_ACCOUNT_TIME_ZONE makes the ads-analytics days the ad account's own calendar days (a closed beta; check fails if Pinterest refuses it). Pin and user-account analytics stay in UTC, and the 90-day limit is counted in UTC either way.",
      order: 16,
    }),
    concurrency: z.int().min(1).max(32).default(8).meta({
      title: 'Concurrency',
      description: 'How many requests may be in flight at once (always within the rate limits).',
      order: 13,
    }),
    request_timeout_seconds: z.int().min(5).max(600).default(120).meta({
      title: 'Request Timeout (seconds)',
      description: 'How long one request may take before it is retried.',
      order: 14,
    }),
    custom_reports: CustomReportsSchema,
    // Organic analytics filters, top pins and Business Access.
    ...organicConfigFields,
  })
  .meta({ title: 'Pinterest Source Spec' });

/** The validated config; `lookback_days` is always set (its default depends on the attribution windows). */
export type ConnectorConfig = Omit<z.output<typeof ConfigSchema>, 'lookback_days'> & { lookback_days: number };
