/**
 * The streams of docs/contract.md §3, as declarative definitions: the one registry of streams. Discover, the
 * engine, the schema generator, the tests, the demo and the simulator's ground truth all derive names, keys,
 * cursors and parents from this list. Adding a stream: README "Adding a stream".
 */
import type { ConnectorConfig } from '../config/schema';
import { DEFAULT_COLUMNS } from '../config/schema';
import {
  MAX_IDS_PER_REQUEST,
  MAX_PINS_PER_ANALYTICS_REQUEST,
  MAX_TARGETING_TYPES_PER_REQUEST,
  REPORT_LIMITS,
  REPORT_TARGETING_TYPES,
  TARGETING_TYPES_PER_REPORT,
} from '../pinterest/limits';
import { columnAllowedAt } from '../config/custom-reports';
import { organicAccountParams } from '../config/organic';
import enums from '../schemas/pinterest-enums.json';
import type {
  AnalyticsDefinition,
  AnalyticsRequestParts,
  ListDefinition,
  ParentRef,
  StreamDefinition,
} from './definition';
import { boardSnapshots, pinMetrics, topPins, userAccountAnalytics, userAccountSnapshot } from './organic';
import { adsAnalyticsRecord, dailyMetricsRows, targetingRecord } from './transforms';
import { AUDIENCE_INSIGHT_TYPES, TARGETING_LOOKUP_TYPES } from '../pinterest/lookups';
import { audienceInsightRecords, targetingValueRecords } from './lookups';

const entityStatuses = (c: ConnectorConfig) => ({ entity_statuses: c.entity_statuses.join(',') });

/** What every ads-analytics request asks for: the configured columns by DAY, attribution and time zone as configured. */
export function adsAnalyticsParts(c: ConnectorConfig): Omit<AnalyticsRequestParts, 'level'> {
  return {
    columns: c.columns ?? DEFAULT_COLUMNS,
    granularity: 'DAY',
    attribution: {
      click_window_days: c.click_window_days,
      engagement_window_days: c.engagement_window_days,
      view_window_days: c.view_window_days,
      conversion_report_time: c.conversion_report_time,
    },
    reportingTimezone: c.reporting_timezone,
    attributionTypes: c.attribution_types,
  };
}

const list = (d: Omit<ListDefinition, 'kind'>): ListDefinition => ({ kind: 'list', ...d });

/** Pinterest's ads reporting levels: where their rows live and which list their ids come from. */
type AdsLevel = 'ad_account' | 'campaign' | 'ad_group' | 'ad' | 'product_group';
const LEVELS: Record<
  AdsLevel,
  { base: string; idKey: string; reportLevel: string; entities?: { stream: string; param: string } }
> = {
  ad_account: { base: '/ad_accounts/{ad_account_id}', idKey: 'ad_account_id', reportLevel: 'ADVERTISER' },
  campaign: {
    base: '/ad_accounts/{ad_account_id}/campaigns',
    idKey: 'campaign_id',
    reportLevel: 'CAMPAIGN',
    entities: { stream: 'campaigns', param: 'campaign_ids' },
  },
  ad_group: {
    base: '/ad_accounts/{ad_account_id}/ad_groups',
    idKey: 'ad_group_id',
    reportLevel: 'AD_GROUP',
    entities: { stream: 'ad_groups', param: 'ad_group_ids' },
  },
  ad: {
    base: '/ad_accounts/{ad_account_id}/ads',
    idKey: 'ad_id',
    reportLevel: 'PIN_PROMOTION',
    entities: { stream: 'ads', param: 'ad_ids' },
  },
  // Product groups: the analytics endpoint takes the ids of the account's product group promotions.
  product_group: {
    base: '/ad_accounts/{ad_account_id}/product_groups',
    idKey: 'product_group_id',
    reportLevel: 'PRODUCT_GROUP',
    entities: { stream: 'product_group_promotions', param: 'product_group_ids' },
  },
};

/** An ads-analytics stream: per ad account × window (× ≤250 entity ids below the account level). */
const adsAnalytics = (
  name: string,
  level: AdsLevel,
  opts: { targeting?: boolean; lastDay?: 'today' | 'yesterday' } = {},
): AnalyticsDefinition => {
  const { base, idKey, reportLevel, entities } = LEVELS[level];
  return {
    kind: 'analytics',
    name,
    primaryKey: opts.targeting ? [idKey, 'targeting_type', 'targeting_value', 'date'] : [idKey, 'date'],
    category: 'ads_analytics',
    path: `${base}/${opts.targeting ? 'targeting_analytics' : 'analytics'}`,
    partition: { by: 'ad_account' },
    cursorField: 'date',
    cursorScope: 'partition',
    lastDay: opts.lastDay ?? 'today',
    rows: 'ads_columns',
    ids: entities && { from: { stream: entities.stream }, param: entities.param, batchSize: MAX_IDS_PER_REQUEST },
    level: { name: reportLevel, targeting: !!opts.targeting },
    request: adsAnalyticsParts,
    ...(opts.targeting
      ? {
          targeting: {
            types: (enums.targeting_types as Record<string, string[]>)[level] ?? [],
            perRequest: MAX_TARGETING_TYPES_PER_REQUEST,
          },
          stream: { key: 'data', record: targetingRecord },
        }
      : { stream: { record: adsAnalyticsRecord } }),
  };
};

/** A list under an ad account; the records carry the account's id where the item does not. */
const adAccountList = (
  name: string,
  primaryKey: string[],
  segment: string,
  extra: Partial<ListDefinition> = {},
): ListDefinition =>
  list({
    name,
    primaryKey,
    category: 'ads_read',
    path: `/ad_accounts/{ad_account_id}/${segment}`,
    partition: { by: 'ad_account' },
    carry: { ad_account_id: 'ad_account_id' },
    ...extra,
  });

const catalogList = (name: string, path: string): ListDefinition =>
  list({
    name,
    primaryKey: ['id'],
    category: 'catalogs_read',
    path,
    partition: { by: 'none' },
    scopes: ['catalogs:read'],
  });

/** Campaigns, ad groups and ads: per ad account, filtered by the configured entity statuses. */
const adsEntityList = (name: 'campaigns' | 'ad_groups' | 'ads'): ListDefinition =>
  list({
    name,
    primaryKey: ['id', 'name'],
    category: 'ads_read',
    path: `/ad_accounts/{ad_account_id}/${name}`,
    partition: { by: 'ad_account' },
    params: entityStatuses,
    cursorField: 'updated_time',
  });

const BOARDS = { stream: 'boards' };

/** The ad groups that can carry product groups: those of shopping (CATALOG_SALES) campaigns, from the shared lists. */
const SHOPPING_AD_GROUPS: ParentRef = {
  stream: 'ad_groups',
  within: { field: 'campaign_id', list: { stream: 'campaigns', where: { objective_type: 'CATALOG_SALES' } } },
};

/** Product group promotions: the endpoint wants one ad_group_id per request, so one request series per shopping ad group. */
const productGroupPromotions = (): ListDefinition =>
  adAccountList('product_group_promotions', ['id'], 'product_group_promotions', {
    params: entityStatuses,
    carry: { ad_account_id: 'ad_account_id', ad_group_id: 'ad_group_id' },
    ids: { from: SHOPPING_AD_GROUPS, param: 'ad_group_id', batchSize: 1 },
  });
/** Lookups: audience insights per ad account × audience type, and the names of targeting codes per type. */
const LOOKUP_STREAMS: readonly ListDefinition[] = [
  adAccountList(
    'audience_insights',
    ['ad_account_id', 'audience_insight_type', 'category', 'id'],
    'audience_insights',
    {
      variants: { param: 'audience_insight_type', values: AUDIENCE_INSIGHT_TYPES },
      answer: { shape: 'audience_insights', records: audienceInsightRecords },
    },
  ),
  list({
    name: 'targeting_values',
    primaryKey: ['targeting_type', 'id'],
    category: 'ads_read',
    path: '/resources/targeting/{targeting_type}',
    partition: { by: 'values', values: TARGETING_LOOKUP_TYPES, as: 'targeting_type' },
    answer: { shape: 'targeting_values', records: targetingValueRecords },
  }),
];

// ---- report-only ads analytics: levels Pinterest serves through asynchronous reports alone ----

/** The path every report is created and polled at; these streams have no synchronous endpoint. */
const REPORTS_PATH = '/ad_accounts/{ad_account_id}/reports';

/**
 * An ads-analytics stream read only through reports (every window a report window, the level's own limits):
 * the ads-analytics settings (attribution, time zone, currency, state, lookback), the configured columns
 * that the level takes.
 */
const reportOnlyAnalytics = (
  name: string,
  level: 'KEYWORD' | 'PRODUCT_GROUP' | 'PRODUCT_ITEM',
  idKey: string,
  opts: { targeting?: boolean; limits?: { historyDays: number; maxDays: number } } = {},
): AnalyticsDefinition => {
  const limits = opts.limits ?? REPORT_LIMITS.default;
  const reportLevel = opts.targeting ? `${level}_TARGETING` : level;
  return {
    kind: 'analytics',
    name,
    primaryKey: opts.targeting ? [idKey, 'targeting_type', 'targeting_value', 'date'] : [idKey, 'date'],
    category: 'ads_analytics',
    path: REPORTS_PATH,
    partition: { by: 'ad_account' },
    cursorField: 'date',
    cursorScope: 'partition',
    lastDay: 'today',
    rows: 'ads_columns',
    level: { name: level, targeting: !!opts.targeting },
    request: (c) => {
      const parts = adsAnalyticsParts(c);
      // Entity columns of other levels (AD_ID, PIN_ID …) would make Pinterest refuse the whole report.
      return { ...parts, columns: parts.columns?.filter((col) => columnAllowedAt(reportLevel, col)) };
    },
    ...(opts.targeting
      ? {
          targeting: {
            types: REPORT_TARGETING_TYPES[reportLevel] ?? [],
            perRequest: TARGETING_TYPES_PER_REPORT,
          },
        }
      : {}),
    report: { historyDays: limits.historyDays, maxDays: limits.maxDays, reportsOnly: true },
  };
};

const REPORT_ONLY_STREAMS: readonly StreamDefinition[] = [
  reportOnlyAnalytics('keyword_analytics', 'KEYWORD', 'keyword_id'),
  reportOnlyAnalytics('product_group_targeting_analytics', 'PRODUCT_GROUP', 'product_group_id', { targeting: true }),
  reportOnlyAnalytics('product_item_analytics', 'PRODUCT_ITEM', 'product_item_id', {
    limits: REPORT_LIMITS.productItem,
  }),
];

/** The built-in streams (fixed: a command's registry adds the config's custom reports, see registry.ts). */
export const STREAMS: readonly StreamDefinition[] = Object.freeze([
  // Organic lists take organic_ad_account_id (Business Access) as ad_account_id.
  list({
    name: 'boards',
    primaryKey: ['id'],
    category: 'org_read',
    path: '/boards',
    partition: { by: 'none' },
    params: organicAccountParams,
  }),
  list({
    name: 'pins',
    primaryKey: ['id'],
    category: 'org_read',
    path: '/pins',
    partition: { by: 'none' },
    params: organicAccountParams,
    // One /pins read serves pin_metrics too: its records keep the pins as they are without the parameter.
    servesAlso: { stream: 'pin_metrics', query: { pin_metrics: true }, fields: ['pin_metrics'] },
  }),
  list({
    name: 'followers',
    primaryKey: ['username'],
    category: 'ads_read',
    path: '/user_account/followers',
    partition: { by: 'none' },
  }),
  list({
    name: 'user_interests',
    primaryKey: ['id', 'name'],
    category: 'org_read',
    path: '/users/{username}/interests/follow',
    partition: { by: 'user' },
    // Deprecated upstream: gone (404/410) or ramped down (503, code 4197).
    routeGone: [{ status: 404 }, { status: 410 }, { status: 503, code: 4197 }],
  }),
  adsEntityList('campaigns'),
  adsEntityList('ad_groups'),
  adsEntityList('ads'),
  {
    kind: 'analytics',
    name: 'pin_analytics',
    primaryKey: ['pin_id', 'date'],
    category: 'org_analytics',
    path: '/pins/{pin_id}/analytics',
    partition: { by: 'parent', parent: { stream: 'pins', where: { is_owner: true } }, as: 'pin_id' },
    cursorField: 'date',
    cursorScope: 'stream',
    lastDay: 'today',
    rows: 'daily_metrics',
    batched: {
      path: '/pins/analytics',
      param: 'pin_ids',
      size: MAX_PINS_PER_ANALYTICS_REQUEST,
      omit: ['split_field'],
    },
    skipPartitionOn: [403, 404],
    request: (c) => ({
      syncOnly: {
        metric_types: enums.pin_standard_metric_types.join(','),
        app_types: 'ALL',
        split_field: 'NO_SPLIT',
        ...organicAccountParams(c),
      },
    }),
    select: (body, p, keys, what) => dailyMetricsRows(body, 'pin_id', p.pin_id!, keys, what),
  },
  userAccountAnalytics(),
  adsAnalytics('campaign_analytics', 'campaign'),
  adsAnalytics('ad_group_analytics', 'ad_group'),
  adsAnalytics('ad_analytics', 'ad'),
  adsAnalytics('campaign_targeting_analytics', 'campaign', { targeting: true }),
  adsAnalytics('ad_group_targeting_analytics', 'ad_group', { targeting: true }),
  adsAnalytics('ad_targeting_analytics', 'ad', { targeting: true }),
  adsAnalytics('ad_analytics_daily', 'ad', { lastDay: 'yesterday' }),
  list({
    name: 'ad_accounts',
    primaryKey: ['id'],
    category: 'ads_read',
    path: '/ad_accounts',
    partition: { by: 'none' },
    setupAdAccounts: true,
    cursorField: 'updated_time',
    // Pinterest added the account's time zone after API 5.23.
    extraFields: {
      time_zone: {
        type: ['null', 'string'],
        description: "The ad account's time zone (IANA name), where Pinterest gives it.",
      },
    },
  }),
  adsAnalytics('ad_account_analytics', 'ad_account'),
  adsAnalytics('ad_account_targeting_analytics', 'ad_account', { targeting: true }),
  adAccountList('audiences', ['id'], 'audiences'),
  adAccountList('customer_lists', ['id'], 'customer_lists', { cursorField: 'updated_time' }),
  adAccountList('conversion_tags', ['id'], 'conversion_tags', { unpaged: true }),
  // Keywords hang under ad groups (Ads Manager) or the account (no filter); campaign-level ones (negative only) are not read.
  adAccountList('keywords', ['id'], 'keywords', {
    ids: { from: { stream: 'ad_groups' }, param: 'ad_group_ids', batchSize: MAX_IDS_PER_REQUEST, alsoUnfiltered: true },
  }),
  list({
    name: 'board_sections',
    primaryKey: ['id'],
    category: 'org_read',
    path: '/boards/{board_id}/sections',
    partition: { by: 'parent', parent: BOARDS, as: 'board_id' },
    carry: { board_id: 'board_id' },
    params: organicAccountParams,
  }),
  list({
    name: 'board_pins',
    primaryKey: ['board_id', 'id'],
    category: 'org_read',
    path: '/boards/{board_id}/pins',
    partition: { by: 'parent', parent: BOARDS, as: 'board_id' },
    carry: { board_id: 'board_id' },
    params: organicAccountParams,
  }),
  list({
    name: 'board_section_pins',
    primaryKey: ['board_section_id', 'id'],
    category: 'org_read',
    path: '/boards/{board_id}/sections/{section_id}/pins',
    partition: { by: 'parent', parent: { stream: 'board_sections' }, as: 'section_id' },
    carry: { board_section_id: 'section_id' },
    params: organicAccountParams,
  }),
  catalogList('catalogs', '/catalogs'),
  catalogList('catalogs_feeds', '/catalogs/feeds'),
  catalogList('catalogs_product_groups', '/catalogs/product_groups'),
  productGroupPromotions(),
  adsAnalytics('product_group_analytics', 'product_group'),
  ...LOOKUP_STREAMS,
  ...REPORT_ONLY_STREAMS,
  // Organic: top pins and the daily profile snapshot.
  topPins('top_pins'),
  topPins('top_video_pins'),
  userAccountSnapshot(),
  boardSnapshots(),
  pinMetrics(),
]);

/** The built-in streams by name. */
export const STREAMS_BY_NAME: ReadonlyMap<string, StreamDefinition> = new Map(STREAMS.map((s) => [s.name, s]));

/**
 * A stream's JSON schema: its own, or the generated src/schemas/<name>.json (loaded once, when first asked).
 * A template `require`: Node resolves it at run time, and the bundler (scripts/bundle.js) packs every file
 * of src/schemas into dist/connector.js, evaluating only those asked for.
 */
export function schemaOf(def: StreamDefinition): Record<string, unknown> {
  if (def.schema) return def.schema;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`../schemas/${def.name}.json`) as Record<string, unknown>;
}
