// The endpoint table: every path the simulator serves under /v5, with its rate-limit category, the scopes
// it needs, the parameters it checks, the items it lists and the connector streams that read it. Routing
// (server.ts), the stream of a logged request, the ground truth (groundTruth.ts) and the simulator's own
// conformance tests all iterate this one table: a new list endpoint is one row here.
import type { AnalyticsEndpoints } from './analytics';
import type { SimClock } from './api-quirks';
import { clientProfile, organicOwner } from './organic-access';
import { profileOn } from './organic-profile';
import { ApiError, bad, json, type Answer } from './answers';
import type { ListEndpoints } from './lists';
import type { MetricsContext } from './metrics';
import type { MetricsReadyState } from './metrics-ready';
import { adAccountOf, boolParam, enumParam, idList, type Query } from './params';
import type { Dataset, Json, Level, RateCategory, StreamName } from './types';
import { pinWithMetrics, visibleBoards, visiblePins } from './views';
import { entitiesOf } from './dataset';
import { productGroupPromotions, shoppingAdGroups } from './product-groups';
import { serveAudienceInsight, serveTargetingOptions } from './lookups-data';
import { REPORT_ONLY_STREAMS } from './reports';

/** The path parameter a partitioned list is read for: one request series per ad account, board or board section. */
type Parent = 'ad_account' | 'board' | 'board_section';

/** What a list's items are computed from. */
interface ListInput {
  ds: Dataset;
  ctx: MetricsContext;
  /** the partition's id (ad account, board or board section); '' for an unpartitioned list */
  parentId: string;
  q: Query;
  scopes: string[];
}

export interface ListSpec {
  parent?: Parent;
  /** set from the parent id on items that lack it, as the connector does */
  carries?: string;
  /** false: one answer with every item, and page_size / bookmark are refused (default true) */
  paged?: boolean;
  /** the items a query asks for (the function checks the query's parameters); the ground truth passes an empty query */
  items(input: ListInput): Json[];
  /** the part of the query that changes the items (a bookmark is valid only for the same) */
  filterKey?(q: Query): string;
  /** the queries a full read makes per partition (default: one without parameters) */
  readQueries?(ds: Dataset, parentId: string, entityStatuses: ReadonlySet<string>): URLSearchParams[];
}

/** The ground-truth computation of an endpoint that is not a plain list (groundTruth.ts). */
export type TruthKind =
  | 'ad_accounts'
  | 'pins'
  | 'interests'
  | 'entities'
  | 'ads_analytics'
  | 'pin_analytics'
  | 'user_analytics'
  | 'product_group_analytics'
  | 'audience_insights'
  | 'targeting_values'
  | 'reports'
  | 'top_pins'
  | 'profile'
  | 'board_snapshots'
  | 'pin_metrics';

export interface Handlers {
  ds: Dataset;
  ctx: MetricsContext;
  lists: ListEndpoints;
  analytics: AnalyticsEndpoints;
  metricsReady: MetricsReadyState;
  clock: SimClock;
}

interface EndpointRequest {
  /** decoded path parameters, by the template's names */
  params: Record<string, string>;
  /** the request path without /v5 */
  path: string;
  q: Query;
  scopes: string[];
}

export interface Endpoint {
  /** path template below /v5, as in Pinterest's OpenAPI file */
  path: string;
  method: 'GET' | 'POST';
  category: RateCategory | 'none';
  scopes: string[];
  /** the connector's streams that read it (several when streams share it); [] for set-up requests */
  streams: StreamName[];
  /** the connector fetches it once for every stream: its requests count as set-up, not as its stream's */
  setup?: boolean;
  /** analytics endpoints (spurious400 faults hit these only) */
  analytics?: boolean;
  level?: Level;
  targeting?: boolean;
  /** answered before authorization's cache: the token endpoint and the asynchronous reports */
  kind?: 'token' | 'reports';
  list?: ListSpec;
  truth?: TruthKind;
  /** the per-item row (path) this row serves many items of at once: same streams, that row's ground truth */
  batchOf?: string;
  serve?(h: Handlers, r: EndpointRequest): Answer;
}

const ORDER = ['ASCENDING', 'DESCENDING'];
const MATCH_TYPES = ['BROAD', 'PHRASE', 'EXACT', 'EXACT_NEGATIVE', 'PHRASE_NEGATIVE'];
const ADS = ['ads:read'];
const BOARDS = ['boards:read'];
const PINS = ['boards:read', 'pins:read'];
const CATALOGS = ['catalogs:read'];
const USER = ['user_accounts:read'];

function optionalAdAccount(ds: Dataset, q: Query): void {
  const id = q.one('ad_account_id');
  if (id !== undefined) adAccountOf(ds, id);
}

const entityList = (segment: string, level: Level): Endpoint => ({
  path: `/ad_accounts/{ad_account_id}/${segment}`,
  method: 'GET',
  category: 'ads_read',
  scopes: ADS,
  streams: [segment],
  level,
  truth: 'entities',
  serve: (h, r) => h.lists.entities(level, r.params.ad_account_id, r.path, r.q),
});

const adsAnalytics = (prefix: string, level: Level, targeting: boolean, streams: StreamName[]): Endpoint => ({
  path: `/ad_accounts/{ad_account_id}${prefix}/${targeting ? 'targeting_analytics' : 'analytics'}`,
  method: 'GET',
  category: 'ads_analytics',
  scopes: ADS,
  streams,
  analytics: true,
  level,
  targeting,
  truth: 'ads_analytics',
  serve: (h, r) => h.analytics.adsAnalytics(level, r.params.ad_account_id, r.q, targeting),
});

/** Product group promotions (one ad group per request) and their analytics: data in product-groups.ts. */
const PRODUCT_GROUP_ENDPOINTS: Endpoint[] = [
  {
    path: '/ad_accounts/{ad_account_id}/product_group_promotions',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['product_group_promotions'],
    list: {
      parent: 'ad_account',
      carries: 'ad_account_id',
      items: ({ ds, q, parentId }) => productGroupPromotions(ds, parentId, q),
      filterKey: (q) =>
        `${q.list('product_group_promotion_ids')?.join(',') ?? q.one('ad_group_id') ?? ''}|${q.list('entity_statuses')?.join(',') ?? ''}`,
      // One request series per ad group of a shopping campaign, asking for the read's statuses.
      readQueries: (ds, accountId, statuses) =>
        shoppingAdGroups(ds, accountId, statuses).map(
          (g) => new URLSearchParams({ ad_group_id: g.id, entity_statuses: [...statuses].join(',') }),
        ),
    },
  },
  {
    path: '/ad_accounts/{ad_account_id}/product_groups/analytics',
    method: 'GET',
    category: 'ads_analytics',
    scopes: ADS,
    streams: ['product_group_analytics'],
    analytics: true,
    truth: 'product_group_analytics',
    serve: (h, r) => h.analytics.productGroupAnalytics(r.params.ad_account_id, r.q),
  },
];
/** The user's top Pins (or top video Pins) by one sort metric over a period: one request per metric. */
const topPinsRow = (name: 'top_pins' | 'top_video_pins'): Endpoint => ({
  path: `/user_account/analytics/${name}`,
  method: 'GET',
  category: 'org_analytics',
  scopes: [...PINS, ...USER],
  streams: [name],
  analytics: true,
  truth: 'top_pins',
  serve: (h, r) => h.analytics.topPins(r.q, name === 'top_video_pins'),
});

export const ENDPOINTS: readonly Endpoint[] = [
  { path: '/oauth/token', method: 'POST', category: 'org_read', scopes: [], streams: [], kind: 'token' },
  {
    path: '/user_account',
    method: 'GET',
    category: 'org_read',
    scopes: USER,
    // set-up (fetched once per read); the user_account stream's record is that answer
    streams: ['user_account'],
    setup: true,
    truth: 'profile',
    serve: (h, r) => {
      const client = organicOwner(h.ds, r.q, undefined);
      return json(200, client ? clientProfile(h.ds, client, h.clock.day) : profileOn(h.ds, h.clock.day));
    },
  },
  {
    path: '/user_account/analytics',
    method: 'GET',
    category: 'org_analytics',
    scopes: USER,
    streams: ['user_account_analytics'],
    analytics: true,
    truth: 'user_analytics',
    serve: (h, r) => h.analytics.userAnalytics(r.q),
  },
  {
    path: '/user_account/followers',
    method: 'GET',
    category: 'ads_read',
    scopes: USER,
    streams: ['followers'],
    list: { items: ({ ds }) => ds.followers },
  },
  {
    path: '/users/{username}/interests/follow',
    method: 'GET',
    category: 'org_read',
    scopes: USER,
    streams: ['user_interests'],
    truth: 'interests',
    serve: (h, r) => h.lists.interests(r.params.username, r.path, r.q),
  },
  {
    path: '/boards',
    method: 'GET',
    category: 'org_read',
    scopes: BOARDS,
    streams: ['boards'],
    list: {
      items: ({ ds, q, scopes }) => {
        enumParam(q, 'privacy', ['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET']);
        optionalAdAccount(ds, q);
        return visibleBoards(ds, scopes, q.one('privacy'));
      },
      filterKey: (q) => q.one('privacy') ?? '',
    },
  },
  {
    path: '/boards/{board_id}/sections',
    method: 'GET',
    category: 'org_read',
    scopes: BOARDS,
    streams: ['board_sections'],
    list: {
      parent: 'board',
      carries: 'board_id',
      items: ({ ds, q, parentId }) => {
        optionalAdAccount(ds, q);
        return ds.accountLists.sections.get(parentId) ?? [];
      },
    },
  },
  {
    path: '/boards/{board_id}/pins',
    method: 'GET',
    category: 'org_read',
    scopes: PINS,
    streams: ['board_pins'],
    list: {
      parent: 'board',
      carries: 'board_id',
      items: ({ ds, ctx, q, parentId, scopes }) => {
        optionalAdAccount(ds, q);
        const creative = q.list('creative_types');
        const withMetrics = boolParam(q, 'pin_metrics') ?? false;
        let pins = visiblePins(ds, scopes, true).filter((p) => p.item.board_id === parentId);
        if (creative) pins = pins.filter((p) => creative.includes(p.item.creative_type as string));
        return pins.map((p) => (withMetrics ? pinWithMetrics(ctx, p) : p.item));
      },
      filterKey: (q) => `${q.list('creative_types')?.join(',') ?? ''}|${q.one('pin_metrics') ?? ''}`,
    },
  },
  {
    path: '/boards/{board_id}/sections/{section_id}/pins',
    method: 'GET',
    category: 'org_read',
    scopes: PINS,
    streams: ['board_section_pins'],
    list: {
      parent: 'board_section',
      carries: 'board_section_id',
      items: ({ ds, q, parentId }) => {
        optionalAdAccount(ds, q);
        return (ds.accountLists.sectionPins.get(parentId) ?? []).map((p) => p.item);
      },
    },
  },
  {
    path: '/catalogs',
    method: 'GET',
    category: 'catalogs_read',
    scopes: CATALOGS,
    streams: ['catalogs'],
    list: {
      items: ({ ds, q }) => {
        optionalAdAccount(ds, q);
        return ds.accountLists.catalogs;
      },
    },
  },
  {
    path: '/catalogs/feeds',
    method: 'GET',
    category: 'catalogs_read',
    scopes: CATALOGS,
    streams: ['catalogs_feeds'],
    list: {
      items: ({ ds, q }) => {
        optionalAdAccount(ds, q);
        const catalogId = q.one('catalog_id');
        return ds.accountLists.feeds.filter(
          (f) => catalogId === undefined || ds.accountLists.feedCatalog.get(f.id as string) === catalogId,
        );
      },
      filterKey: (q) => q.one('catalog_id') ?? '',
    },
  },
  {
    path: '/catalogs/product_groups',
    method: 'GET',
    category: 'catalogs_read',
    scopes: CATALOGS,
    streams: ['catalogs_product_groups'],
    list: {
      items: ({ ds, q }) => {
        optionalAdAccount(ds, q);
        const catalogId = q.one('catalog_id');
        const feedId = q.one('feed_id');
        const ids = q.list('id');
        if (ids && ids.length > 1000) throw bad('Invalid parameter id: at most 1000 items are allowed');
        return ds.accountLists.productGroups.filter(
          (g) =>
            (catalogId === undefined || g.catalog_id === catalogId) &&
            (feedId === undefined || g.feed_id === feedId) &&
            (!ids || ids.includes(g.id as string)),
        );
      },
      filterKey: (q) => `${q.one('catalog_id') ?? ''}|${q.one('feed_id') ?? ''}|${q.list('id')?.join(',') ?? ''}`,
    },
  },
  {
    path: '/pins',
    method: 'GET',
    category: 'org_read',
    scopes: PINS,
    streams: ['pins'],
    truth: 'pins',
    serve: (h, r) => h.lists.pins(r.q, r.scopes),
  },
  {
    // Beta: up to 100 pins a request; the connector falls back to the per-pin row below where it is refused.
    path: '/pins/analytics',
    method: 'GET',
    category: 'org_analytics',
    scopes: PINS,
    streams: ['pin_analytics'],
    analytics: true,
    batchOf: '/pins/{pin_id}/analytics',
    serve: (h, r) => h.analytics.pinAnalyticsBulk(r.q),
  },
  {
    path: '/pins/{pin_id}/analytics',
    method: 'GET',
    category: 'org_analytics',
    scopes: PINS,
    streams: ['pin_analytics'],
    analytics: true,
    truth: 'pin_analytics',
    serve: (h, r) => h.analytics.pinAnalytics(r.params.pin_id, r.q),
  },
  {
    path: '/ad_accounts',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['ad_accounts'],
    setup: true,
    truth: 'ad_accounts',
    serve: (h, r) => h.lists.adAccounts(r.path, r.q),
  },
  {
    path: '/ad_accounts/{ad_account_id}',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: [],
    setup: true,
    serve: (h, r) => json(200, adAccountOf(h.ds, r.params.ad_account_id).item),
  },
  adsAnalytics('', 'ad_account', false, ['ad_account_analytics']),
  adsAnalytics('', 'ad_account', true, ['ad_account_targeting_analytics']),
  {
    path: '/ad_accounts/{ad_account_id}/audiences',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['audiences'],
    list: {
      parent: 'ad_account',
      carries: 'ad_account_id',
      items: ({ ds, q, parentId }) => {
        enumParam(q, 'order', ORDER);
        if ((enumParam(q, 'ownership_type', ['OWNED', 'RECEIVED']) ?? 'OWNED') === 'RECEIVED') return [];
        return ds.accountLists.audiences.get(parentId) ?? [];
      },
      filterKey: (q) => q.one('ownership_type') ?? '',
    },
  },
  {
    path: '/ad_accounts/{ad_account_id}/customer_lists',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['customer_lists'],
    list: {
      parent: 'ad_account',
      carries: 'ad_account_id',
      items: ({ ds, q, parentId }) => {
        enumParam(q, 'order', ORDER);
        return ds.accountLists.customerLists.get(parentId) ?? [];
      },
    },
  },
  {
    path: '/ad_accounts/{ad_account_id}/conversion_tags',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['conversion_tags'],
    list: {
      // Not paged: the OpenAPI file declares no page_size or bookmark here.
      parent: 'ad_account',
      carries: 'ad_account_id',
      paged: false,
      items: ({ ds, q, parentId }) => {
        const tags = ds.accountLists.conversionTags.get(parentId) ?? [];
        return boolParam(q, 'filter_deleted') ? tags.filter((t) => t.status !== 'DELETED') : tags;
      },
    },
  },
  {
    path: '/ad_accounts/{ad_account_id}/keywords',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['keywords'],
    list: {
      parent: 'ad_account',
      carries: 'ad_account_id',
      items: ({ ds, q, parentId }) => {
        const campaignId = q.one('campaign_id');
        const adGroupId = q.one('ad_group_id');
        const adGroupIds = idList(q, 'ad_group_ids', false, 250, 18);
        for (const v of [campaignId, adGroupId])
          if (v !== undefined && !/^\d{1,18}$/.test(v)) throw bad(`Invalid parameter: '${v}' does not match ^\\d+$`);
        const matchTypes = q.list('match_types');
        for (const m of matchTypes ?? [])
          if (!MATCH_TYPES.includes(m)) throw bad(`Invalid parameter match_types: '${m}'`);
        const ex = ds.accountLists;
        let items: Json[];
        if (adGroupIds || adGroupId)
          items = (adGroupIds ?? [adGroupId!]).flatMap((g) =>
            ds.entityById.get(g)?.accountId === parentId ? (ex.adGroupKeywords.get(g) ?? []) : [],
          );
        else if (campaignId) items = [];
        else items = ex.accountKeywords.get(parentId) ?? [];
        return matchTypes ? items.filter((k) => matchTypes.includes(k.match_type as string)) : items;
      },
      filterKey: (q) =>
        `${q.list('ad_group_ids')?.join(',') ?? q.one('ad_group_id') ?? q.one('campaign_id') ?? ''}|${q.list('match_types')?.join(',') ?? ''}`,
      // The account's own keywords, then those of its ad groups, ≤ 250 ad group ids a request.
      readQueries: (ds, accountId, statuses) => {
        const groups = entitiesOf(ds, 'ad_group', accountId).filter((g) => statuses.has(g.status));
        const batches: URLSearchParams[] = [new URLSearchParams()];
        for (let i = 0; i < groups.length; i += 250)
          batches.push(
            new URLSearchParams({
              ad_group_ids: groups
                .slice(i, i + 250)
                .map((g) => g.id)
                .join(','),
            }),
          );
        return batches;
      },
    },
  },
  {
    path: '/ad_accounts/{ad_account_id}/reports',
    method: 'GET',
    category: 'ads_analytics',
    scopes: ADS,
    // The streams read only through reports; every report-reading stream (custom reports, older days) uses it too.
    streams: REPORT_ONLY_STREAMS.map((r) => r.stream),
    kind: 'reports',
    truth: 'reports',
  },
  entityList('campaigns', 'campaign'),
  entityList('ad_groups', 'ad_group'),
  entityList('ads', 'ad'),
  adsAnalytics('/campaigns', 'campaign', false, ['campaign_analytics']),
  adsAnalytics('/ad_groups', 'ad_group', false, ['ad_group_analytics']),
  // One endpoint, two streams: the daily stream reads it up to yesterday.
  adsAnalytics('/ads', 'ad', false, ['ad_analytics', 'ad_analytics_daily']),
  adsAnalytics('/campaigns', 'campaign', true, ['campaign_targeting_analytics']),
  adsAnalytics('/ad_groups', 'ad_group', true, ['ad_group_targeting_analytics']),
  adsAnalytics('/ads', 'ad', true, ['ad_targeting_analytics']),
  ...PRODUCT_GROUP_ENDPOINTS,
  // Lookups: answers that are not pages of items (lookups-data.ts).
  {
    path: '/ad_accounts/{ad_account_id}/audience_insights',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['audience_insights'],
    truth: 'audience_insights',
    serve: (h, r) => json(200, serveAudienceInsight(h.ds, r.params.ad_account_id, r.q)),
  },
  {
    path: '/resources/targeting/{targeting_type}',
    method: 'GET',
    category: 'ads_read',
    scopes: ADS,
    streams: ['targeting_values'],
    truth: 'targeting_values',
    serve: (h, r) => json(200, serveTargetingOptions(h.ds, r.params.targeting_type, r.q)),
  },
  // Asked once per read for every ads-analytics stream (data_ready and the cursor): set-up, not a stream's.
  {
    path: '/resources/metrics_ready_state',
    method: 'GET',
    category: 'ads_analytics',
    scopes: ADS,
    streams: [],
    setup: true,
    serve: (h, r) => h.metricsReady.answer(r.q),
  },
  // ---- organic: top pins ----
  topPinsRow('top_pins'),
  topPinsRow('top_video_pins'),
  // board_snapshots makes no request of its own: its records are the /boards items the read shares (the row
  // above serves and counts them). Listed for the stream table and the ground truth, never routed.
  {
    path: '/boards',
    method: 'GET',
    category: 'org_read',
    scopes: BOARDS,
    streams: ['board_snapshots'],
    truth: 'board_snapshots',
  },
  // pin_metrics makes no request of its own either: its records are the /pins items of a read that lists pins
  // with pin_metrics=true (the pins row above serves and counts that request). Never routed.
  {
    path: '/pins',
    method: 'GET',
    category: 'org_read',
    scopes: PINS,
    streams: ['pin_metrics'],
    truth: 'pin_metrics',
  },
];

/** Every stream the simulator serves, in table order. */
export const STREAM_NAMES: readonly StreamName[] = [...new Set(ENDPOINTS.flatMap((e) => e.streams))];

// ---- routing ----------------------------------------------------------------------------------

export interface Route {
  endpoint: Endpoint;
  params: Record<string, string>;
}

const COMPILED = ENDPOINTS.map((endpoint) => {
  const names: string[] = [];
  const source = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { endpoint, names, re: new RegExp(`^${source}$`) };
});

/** The endpoint a path (without /v5) is, with its decoded path parameters; null for an unknown path. */
export function matchRoute(path: string): Route | null {
  for (const { endpoint, names, re } of COMPILED) {
    const m = re.exec(path);
    if (!m) continue;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    } catch {
      return null;
    }
    return { endpoint, params };
  }
  return null;
}

/** A stream name, or several joined by '|' when streams share one endpoint (ad_analytics|ad_analytics_daily). */
export type StreamOfPath = StreamName | null;

/**
 * The stream a logged request belongs to. Set-up requests (/oauth/token, /user_account, /ad_accounts,
 * /ad_accounts/{id}) and unknown paths give null. Entity lists map to their entity stream even when they
 * were fetched only for analytics. Accepts paths with or without /v5 and with a query string.
 */
export function streamForPath(path: string): StreamOfPath {
  let p = path.split('?')[0];
  if (p.startsWith('/v5/')) p = p.slice(3);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  const route = matchRoute(p);
  if (!route || route.endpoint.setup || route.endpoint.streams.length === 0) return null;
  // Every report-reading stream creates and polls reports at the same path: its requests are no one stream's.
  if (route.endpoint.kind === 'reports') return null;
  return route.endpoint.streams.join('|');
}

/** Same as streamForPath, for a logged request: non-GET requests (the token) are set-up (null). */
export function streamOfRequest(method: string, path: string): StreamOfPath {
  if (method.toUpperCase() !== 'GET') return null;
  return streamForPath(path);
}

// ---- the list endpoints' common handler ------------------------------------------------------

/** The partition a list request is for: its parent checked as the API checks it (malformed 400, unknown 403/404). */
function parentOf(ds: Dataset, spec: ListSpec, r: EndpointRequest): string {
  if (spec.parent === 'ad_account') return adAccountOf(ds, r.params.ad_account_id).id;
  if (spec.parent === undefined) return '';
  const boardId = r.params.board_id;
  if (!/^\d+$/.test(boardId)) throw bad(`Invalid board_id: '${boardId}'`);
  if (!visibleBoards(ds, r.scopes).some((b) => b.id === boardId)) throw new ApiError(404, 40, 'Board not found.');
  if (spec.parent === 'board') return boardId;
  const sectionId = r.params.section_id;
  if (!(ds.accountLists.sections.get(boardId) ?? []).some((s) => s.id === sectionId))
    throw new ApiError(404, 40, 'Board section not found.');
  return sectionId;
}

/** Answers a list row: the parent checked, the items computed, then one page of them (or all, when not paged). */
export function serveList(h: Handlers, spec: ListSpec, r: EndpointRequest): Answer {
  const parentId = parentOf(h.ds, spec, r);
  if (spec.paged === false)
    for (const p of ['page_size', 'bookmark']) if (r.q.has(p)) throw bad(`Unknown parameter: ${p}`);
  const items = spec.items({ ds: h.ds, ctx: h.ctx, parentId, q: r.q, scopes: r.scopes });
  if (spec.paged === false) return json(200, { items });
  return h.lists.page(spec.filterKey ? `${r.path}|${spec.filterKey(r.q)}` : r.path, r.q, items);
}
