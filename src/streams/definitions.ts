/**
 * The 16 streams of CONTRACT.md §3, as declarative definitions. Adding a stream is one entry here and one
 * JSON schema in src/schemas.
 */
import type { ConnectorConfig } from '../config/schema';
import { DEFAULT_COLUMNS } from '../config/schema';
import { attributionParams } from '../config/attribution';
import type { AnalyticsDefinition, ListDefinition, StreamDefinition } from '../engine/definition';
import enums from '../schemas/pinterest-enums.json';
import { adsAnalyticsRecord, dailyMetricsRows, targetingRecord } from './transforms';

import boards from '../schemas/boards.json';
import pins from '../schemas/pins.json';
import followers from '../schemas/followers.json';
import userInterests from '../schemas/user_interests.json';
import campaigns from '../schemas/campaigns.json';
import adGroups from '../schemas/ad_groups.json';
import ads from '../schemas/ads.json';
import pinAnalytics from '../schemas/pin_analytics.json';
import userAccountAnalytics from '../schemas/user_account_analytics.json';
import campaignAnalytics from '../schemas/campaign_analytics.json';
import adGroupAnalytics from '../schemas/ad_group_analytics.json';
import adAnalytics from '../schemas/ad_analytics.json';
import campaignTargeting from '../schemas/campaign_targeting_analytics.json';
import adGroupTargeting from '../schemas/ad_group_targeting_analytics.json';
import adTargeting from '../schemas/ad_targeting_analytics.json';
import adAnalyticsDaily from '../schemas/ad_analytics_daily.json';

export const MAX_IDS_PER_REQUEST = 250;
export const MAX_TARGETING_TYPES_PER_REQUEST = 14;

const entityStatuses = (c: ConnectorConfig) => ({ entity_statuses: c.entity_statuses.join(',') });

/** Parameters every ads-analytics request carries (DAY granularity; attribution as configured). */
const adsAnalyticsParams = (c: ConnectorConfig) => ({
  columns: (c.columns ?? DEFAULT_COLUMNS).join(','),
  granularity: 'DAY',
  ...attributionParams(c),
});

const list = (d: Omit<ListDefinition, 'kind'>): ListDefinition => ({ kind: 'list', ...d });

const adsAnalytics = (
  name: string,
  entity: 'campaigns' | 'ad_groups' | 'ads',
  idParam: string,
  idKey: string,
  schema: Record<string, unknown>,
  lastDay: 'today' | 'yesterday' = 'today',
): AnalyticsDefinition => ({
  kind: 'analytics',
  name,
  primaryKey: [idKey, 'date'],
  schema,
  category: 'ads_analytics',
  path: `/ad_accounts/{ad_account_id}/${entity}/analytics`,
  partition: 'ad_account',
  cursorField: 'date',
  cursorScope: 'partition',
  lastDay,
  ids: { list: entity, param: idParam, batchSize: MAX_IDS_PER_REQUEST },
  params: adsAnalyticsParams,
  stream: { record: adsAnalyticsRecord },
});

const targetingAnalytics = (
  name: string,
  entity: 'campaigns' | 'ad_groups' | 'ads',
  idParam: string,
  idKey: string,
  types: readonly string[],
  schema: Record<string, unknown>,
): AnalyticsDefinition => ({
  ...adsAnalytics(name, entity, idParam, idKey, schema),
  primaryKey: [idKey, 'targeting_type', 'targeting_value', 'date'],
  path: `/ad_accounts/{ad_account_id}/${entity}/targeting_analytics`,
  targeting: { types, perRequest: MAX_TARGETING_TYPES_PER_REQUEST },
  stream: { key: 'data', record: targetingRecord },
});

export const STREAMS: readonly StreamDefinition[] = [
  list({ name: 'boards', primaryKey: ['id'], schema: boards, category: 'org_read', path: '/boards', partition: 'none' }),
  list({ name: 'pins', primaryKey: ['id'], schema: pins, category: 'org_read', path: '/pins', partition: 'none' }),
  list({ name: 'followers', primaryKey: ['username'], schema: followers, category: 'ads_read', path: '/user_account/followers', partition: 'none' }),
  list({
    name: 'user_interests', primaryKey: ['id', 'name'], schema: userInterests, category: 'org_read',
    path: '/users/{username}/interests/follow', partition: 'user', routeMayBeGone: true,
  }),
  list({ name: 'campaigns', primaryKey: ['id', 'name'], schema: campaigns, category: 'ads_read', path: '/ad_accounts/{ad_account_id}/campaigns', partition: 'ad_account', params: entityStatuses }),
  list({ name: 'ad_groups', primaryKey: ['id', 'name'], schema: adGroups, category: 'ads_read', path: '/ad_accounts/{ad_account_id}/ad_groups', partition: 'ad_account', params: entityStatuses }),
  list({ name: 'ads', primaryKey: ['id', 'name'], schema: ads, category: 'ads_read', path: '/ad_accounts/{ad_account_id}/ads', partition: 'ad_account', params: entityStatuses }),
  {
    kind: 'analytics',
    name: 'pin_analytics',
    primaryKey: ['pin_id', 'date'],
    schema: pinAnalytics,
    category: 'org_analytics',
    path: '/pins/{pin_id}/analytics',
    partition: 'owned_pin',
    cursorField: 'date',
    cursorScope: 'stream',
    lastDay: 'today',
    skipPartitionOn: [403, 404],
    params: () => ({ metric_types: enums.pin_standard_metric_types.join(','), app_types: 'ALL', split_field: 'NO_SPLIT' }),
    select: (body, p, keys, what) => dailyMetricsRows(body, 'pin_id', p.pin_id!, keys, what),
  },
  {
    kind: 'analytics',
    name: 'user_account_analytics',
    primaryKey: ['user_id', 'date'],
    schema: userAccountAnalytics,
    category: 'org_analytics',
    path: '/user_account/analytics',
    partition: 'user',
    cursorField: 'date',
    cursorScope: 'stream',
    lastDay: 'today',
    params: () => ({ metric_types: enums.user_account_metric_types.join(','), split_field: 'NO_SPLIT' }),
    select: (body, p, keys, what) => dailyMetricsRows(body, 'user_id', p.user_id!, keys, what),
  },
  adsAnalytics('campaign_analytics', 'campaigns', 'campaign_ids', 'campaign_id', campaignAnalytics),
  adsAnalytics('ad_group_analytics', 'ad_groups', 'ad_group_ids', 'ad_group_id', adGroupAnalytics),
  adsAnalytics('ad_analytics', 'ads', 'ad_ids', 'ad_id', adAnalytics),
  targetingAnalytics('campaign_targeting_analytics', 'campaigns', 'campaign_ids', 'campaign_id', enums.targeting_types.campaign, campaignTargeting),
  targetingAnalytics('ad_group_targeting_analytics', 'ad_groups', 'ad_group_ids', 'ad_group_id', enums.targeting_types.ad_group, adGroupTargeting),
  targetingAnalytics('ad_targeting_analytics', 'ads', 'ad_ids', 'ad_id', enums.targeting_types.ad, adTargeting),
  adsAnalytics('ad_analytics_daily', 'ads', 'ad_ids', 'ad_id', adAnalyticsDaily, 'yesterday'),
];

export const STREAMS_BY_NAME: ReadonlyMap<string, StreamDefinition> = new Map(STREAMS.map((s) => [s.name, s]));

/** Lists other streams draw from; pin_analytics keeps only the token user's own pins. */
export const SHARED_LISTS: Record<string, { stream: string; keep?: (item: Record<string, unknown>) => boolean }> = {
  campaigns: { stream: 'campaigns' },
  ad_groups: { stream: 'ad_groups' },
  ads: { stream: 'ads' },
  owned_pins: { stream: 'pins', keep: (pin) => pin.is_owner === true },
};
