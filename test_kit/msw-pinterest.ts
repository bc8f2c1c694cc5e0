/**
 * A small fake of Pinterest API v5 (msw handlers) with a fixed dataset, for per-stream tests that run the
 * connector's production code path (global fetch → msw):
 *
 * - two ad accounts with different currencies (AD_USD: USD, AD_EUR: EUR);
 * - AD_USD has 260 campaigns (two list pages; two id batches of 250 + 10 in analytics), AD_EUR 2;
 *   ad groups and ads in both; entity statuses mixed (ACTIVE, PAUSED, one ARCHIVED);
 * - boards (3, two pages), pins (4, two pages: 3 owned — one of which answers 404 to analytics — 1 not owned);
 *   the batched GET /pins/analytics is refused (403, code 29: an app without that beta), so pin analytics are read per pin,
 *   followers, interests of the token's user;
 * - analytics answer one row per requested id and day of the requested window (and per targeting value),
 *   with deterministic values (`metricValue`), so tests compute the exact records they expect.
 *
 * Every request is recorded (method, path under /v5, query). Like Pinterest, the fake rejects what the API
 * rejects: windows older than today − 89 or longer than 90 days, more than 250 ids, more than 14 targeting
 * types, page_size outside 1…250, a bad bearer token.
 */
import { http, HttpResponse, type RequestHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { API, OAUTH_CONFIG } from './in-process';
import { checkRequestAgainstOpenApi } from './openapi';
import { TODAY, addDays } from './constants';
import { EARLIEST, type RecordedRequest } from './read-checks';
import { STREAMS } from '../src/streams/definitions';

type Json = Record<string, any>;

const ACCESS_TOKEN = 'pina.fixture-access-token';
export const ROTATED_REFRESH_TOKEN = 'pinr.rotated-refresh-token-NEW';
const USER = { id: '900000001', username: 'fixture_user' };
export const AD_USD = '549755885175';
export const AD_EUR = '549755885176';

// ---------------------------------------------------------------------------------------------- dates

/** start … end inclusive. */
function daysIn(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

// ---------------------------------------------------------------------------------------------- dataset

interface FixtureOptions {
  /** Campaigns per ad account (default AD_USD 260, AD_EUR 2). */
  campaigns?: Record<string, number>;
}

interface Dataset {
  user: Json;
  adAccounts: Json[];
  campaigns: Record<string, Json[]>;
  adGroups: Record<string, Json[]>;
  ads: Record<string, Json[]>;
  boards: Json[];
  pins: Json[];
  followers: Json[];
  interests: Json[];
}

const pad = (n: number) => String(n).padStart(6, '0');

function buildDataset(opts: FixtureOptions = {}): Dataset {
  const campaignCounts: Record<string, number> = { [AD_USD]: 260, [AD_EUR]: 2, ...opts.campaigns };
  const campaigns: Record<string, Json[]> = {};
  const adGroups: Record<string, Json[]> = {};
  const ads: Record<string, Json[]> = {};
  [AD_USD, AD_EUR].forEach((account, a) => {
    const prefix = String(31 + a); // 31… for AD_USD, 32… for AD_EUR
    campaigns[account] = Array.from({ length: campaignCounts[account] }, (_, i) => ({
      id: `${prefix}${pad(i + 1)}`,
      ad_account_id: account,
      name: `Campaign ${a + 1}-${i + 1}`,
      // Every 10th is PAUSED, the 7th ARCHIVED (so the default filter ACTIVE,PAUSED would miss it).
      status: i + 1 === 7 ? 'ARCHIVED' : (i + 1) % 10 === 0 ? 'PAUSED' : 'ACTIVE',
      objective_type: 'AWARENESS',
      daily_spend_cap: 5_000_000,
      created_time: 1767225600 + i,
      updated_time: 1767225600 + i,
      type: 'campaign',
    }));
    const groupCount = a === 0 ? 3 : 1;
    adGroups[account] = Array.from({ length: groupCount }, (_, i) => ({
      id: `${41 + a}${pad(i + 1)}`,
      ad_account_id: account,
      campaign_id: campaigns[account][0].id,
      name: `Ad group ${a + 1}-${i + 1}`,
      status: i === 2 ? 'ARCHIVED' : 'ACTIVE',
      budget_in_micro_currency: 1_000_000,
      billable_event: 'IMPRESSION',
      type: 'adgroup',
    }));
    const adCount = a === 0 ? 2 : 1;
    ads[account] = Array.from({ length: adCount }, (_, i) => ({
      id: `${51 + a}${pad(i + 1)}`,
      ad_account_id: account,
      campaign_id: campaigns[account][0].id,
      ad_group_id: adGroups[account][0].id,
      pin_id: '7001',
      name: `Ad ${a + 1}-${i + 1}`,
      status: i === 1 ? 'PAUSED' : 'ACTIVE',
      creative_type: 'REGULAR',
      review_status: 'APPROVED',
      type: 'pinpromotion',
    }));
  });
  return {
    user: {
      id: USER.id,
      username: USER.username,
      account_type: 'BUSINESS',
      board_count: 3,
      pin_count: 4,
      follower_count: 2,
    },
    adAccounts: [
      {
        id: AD_USD,
        name: 'US account',
        currency: 'USD',
        country: 'US',
        owner: { id: USER.id, username: USER.username },
        permissions: ['OWNER'],
        created_time: 1700000000,
        updated_time: 1700000001,
      },
      {
        id: AD_EUR,
        name: 'EU account',
        currency: 'EUR',
        country: 'FR',
        owner: { id: USER.id, username: USER.username },
        permissions: ['ADMIN'],
        created_time: 1700000002,
        updated_time: 1700000003,
      },
    ],
    campaigns,
    adGroups,
    ads,
    boards: [1, 2, 3].map((i) => ({
      id: `60000000${i}`,
      name: `Board ${i}`,
      description: `Board number ${i}`,
      privacy: i === 3 ? 'SECRET' : 'PUBLIC',
      owner: { username: USER.username },
      pin_count: i,
      follower_count: 10 * i,
      collaborator_count: 0,
      created_at: `2025-0${i}-01T00:00:00Z`,
    })),
    pins: [
      {
        id: '7001',
        title: 'Owned pin',
        board_id: '600000001',
        is_owner: true,
        creative_type: 'REGULAR',
        created_at: '2025-01-01T00:00:00Z',
      },
      {
        id: '7002',
        title: 'Owned pin, analytics 404',
        board_id: '600000001',
        is_owner: true,
        creative_type: 'REGULAR',
        created_at: '2025-01-02T00:00:00Z',
      },
      {
        id: '7003',
        title: 'Saved pin of someone else',
        board_id: '600000002',
        is_owner: false,
        parent_pin_id: '8888',
        creative_type: 'REGULAR',
        created_at: '2025-01-03T00:00:00Z',
      },
      {
        id: '7004',
        title: 'Owned video pin',
        board_id: '600000002',
        is_owner: true,
        creative_type: 'VIDEO',
        created_at: '2025-01-04T00:00:00Z',
      },
    ],
    followers: [
      { type: 'user', username: 'follower_one' },
      { type: 'user', username: 'follower_two' },
    ],
    interests: [
      { id: '901', key: 'cooking', name: 'Cooking', canonical_url: 'https://www.pinterest.com/ideas/cooking/901/' },
      { id: '902', key: 'travel', name: 'Travel', canonical_url: 'https://www.pinterest.com/ideas/travel/902/' },
    ],
  };
}

/** The pin whose analytics answer 404 ("Pin not found."), although the pin list says it is owned. */
const PIN_ANALYTICS_404 = '7002';

/** Most items per page the fake returns for a list, whatever page_size asks (Pinterest may return fewer). */
const PAGE_CAP: Record<string, number> = { boards: 2, pins: 3 };

// ---------------------------------------------------------------------------------------------- values

/** Deterministic metric value of (entity, day, metric); `undefined` means the API leaves the column out. */
function metricValue(id: string, date: string, metric: string): number | undefined {
  let h = 2166136261;
  for (const c of `${id}|${date}|${metric}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  if (metric === 'TOTAL_CONVERSIONS' && h % 3 === 0) return undefined; // "If a column has no value, it may not be returned."
  return h % 10000;
}

const ID_COLUMN: Record<string, string> = { campaigns: 'CAMPAIGN_ID', ad_groups: 'AD_GROUP_ID', ads: 'AD_ID' };

/** Targeting values the fake has data for (other types answer no rows). LOCATION values are numbers, as in Pinterest's example. */
const TARGETING_VALUES: Record<string, Array<string | number>> = {
  APPTYPE: ['iphone', 'web'],
  LOCATION: [500],
  AUDIENCE_MULTIPLIER: ['1.5'],
  CREATIVE_ENHANCEMENTS: ['BACKGROUND'],
  QUIZ_RESULT: ['result_a'],
};

/**
 * One ads-analytics row as the API returns it. Ad ids come back as JSON numbers (the connector must
 * turn every id into a string); campaign and ad group ids as strings, as in Pinterest's examples.
 */
function adsAnalyticsRow(entity: string, id: string, date: string, columns: string[]): Json {
  const row: Json = { [ID_COLUMN[entity]]: entity === 'ads' ? Number(id) : id, DATE: date };
  for (const c of columns) {
    const v = metricValue(id, date, c);
    if (v !== undefined) row[c] = v;
  }
  return row;
}

/** The `metrics` of one targeting row: the entity id, DATE and the columns for (id, type, value, day). */
function targetingMetrics(
  entity: string,
  id: string,
  type: string,
  value: string | number,
  date: string,
  columns: string[],
): Json {
  return {
    ...adsAnalyticsRow(entity, `${id}/${type}/${value}`, date, columns),
    [ID_COLUMN[entity]]: entity === 'ads' ? Number(id) : id,
  };
}

/** One daily_metrics entry of pin / user analytics. */
function dailyMetric(id: string, date: string, metricTypes: string[]): Json {
  const metrics: Json = {};
  for (const m of metricTypes) metrics[m] = metricValue(id, date, m) ?? 0;
  return { date, data_status: date === TODAY ? 'PROCESSING' : 'READY', metrics };
}

// ---------------------------------------------------------------------------------------------- recording

interface Failure {
  method?: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many times it answers (default: always). */
  times?: number;
  /** Only requests whose query matches. */
  when?: (query: Record<string, string>) => boolean;
}

export interface FakePinterest {
  server: SetupServer;
  data: Dataset;
  requests: RecordedRequest[];
  /** Requests whose path matches (string: exact path; RegExp: test). */
  requestsTo(path: string | RegExp, method?: string): RecordedRequest[];
  /** Every recorded request against the OpenAPI description: a list of problems, [] when all conform. */
  openApiProblems(): string[];
  /** Answer matching requests with an error (checked before the normal answer). */
  failOn(failure: Failure): void;
  /** When true, the token endpoint returns a new refresh token (→ CONTROL message). */
  rotateRefreshToken: boolean;
  /** Fields added to every item of a list (e.g. a field Pinterest added that the schema does not know). */
  extraItemFields: Partial<
    Record<'boards' | 'pins' | 'followers' | 'interests' | 'campaigns' | 'ad_groups' | 'ads', Json>
  >;
  /** Registry streams this fake has no data for: it answers them with empty lists (the simulator has their data). */
  unmodelled: string[];
  reset(): void;
}

const apiPath = (url: URL) => url.pathname.replace(/^\/v5/, '');
const error = (status: number, message: string, code = status) => HttpResponse.json({ code, message }, { status });

function createFakePinterest(opts: FixtureOptions = {}): FakePinterest {
  const data = buildDataset(opts);
  const failures: Failure[] = [];
  const fake: FakePinterest = {
    server: undefined as unknown as SetupServer,
    data,
    requests: [],
    requestsTo(path, method = 'GET') {
      return fake.requests.filter(
        (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
      );
    },
    openApiProblems() {
      // A report file's host is not the API's.
      return fake.requests
        .filter((r) => r.url.startsWith(API))
        .flatMap((r) => checkRequestAgainstOpenApi(r.method, r.url));
    },
    failOn(failure) {
      failures.push({ ...failure });
    },
    rotateRefreshToken: false,
    extraItemFields: {},
    unmodelled: [],
    reset() {
      fake.requests.length = 0;
      failures.length = 0;
      fake.rotateRefreshToken = false;
      fake.extraItemFields = {};
    },
  };

  const injected = (request: Request): Response | undefined => {
    const url = new URL(request.url);
    const query = Object.fromEntries(url.searchParams);
    const i = failures.findIndex(
      (f) =>
        (!f.method || f.method === request.method) &&
        f.path.test(apiPath(url)) &&
        (!f.when || f.when(query)) &&
        (f.times === undefined || f.times > 0),
    );
    if (i < 0) return undefined;
    const f = failures[i];
    if (f.times !== undefined) f.times--;
    return HttpResponse.json(f.body ?? { code: f.status, message: `injected HTTP ${f.status}` }, {
      status: f.status,
      headers: f.headers,
    }) as Response;
  };

  const authorized = (request: Request) => request.headers.get('authorization') === `Bearer ${ACCESS_TOKEN}`;

  /** Wraps a GET handler: injected failures, bearer check, page_size check. */
  const get = (
    path: string,
    answer: (url: URL, params: Record<string, string>) => Response | Promise<Response>,
  ): RequestHandler =>
    http.get(`${API}${path}`, ({ request, params }) => {
      const hit = injected(request);
      if (hit) return hit;
      if (!authorized(request)) return error(401, 'Authentication failed.', 2);
      const url = new URL(request.url);
      return answer(url, params as Record<string, string>);
    });

  const page = (name: string, items: Json[], url: URL): Response => {
    const size = url.searchParams.has('page_size') ? Number(url.searchParams.get('page_size')) : 25;
    if (!Number.isInteger(size) || size < 1 || size > 250)
      return error(400, `Invalid page_size ${url.searchParams.get('page_size')}`, 1);
    const bookmark = url.searchParams.get('bookmark');
    let offset = 0;
    if (bookmark !== null) {
      const decoded = Buffer.from(bookmark, 'base64url').toString();
      const m = /^(\w+):(\d+)$/.exec(decoded);
      if (!m || m[1] !== name) return error(400, `Invalid bookmark ${bookmark}`, 1);
      offset = Number(m[2]);
    }
    const n = Math.min(size, PAGE_CAP[name] ?? size);
    const extra = fake.extraItemFields[name as keyof FakePinterest['extraItemFields']] ?? {};
    const slice = items.slice(offset, offset + n).map((item) => ({ ...item, ...extra }));
    const next = offset + n < items.length ? Buffer.from(`${name}:${offset + n}`).toString('base64url') : null;
    return HttpResponse.json({ items: slice, bookmark: next }) as Response;
  };

  const byStatus = (items: Json[], url: URL) => {
    const statuses = (url.searchParams.get('entity_statuses') ?? 'ACTIVE,PAUSED').split(',');
    return items.filter((i) => statuses.includes(i.status));
  };

  const account = (params: Record<string, string>) => data.adAccounts.find((a) => a.id === params.ad_account_id);

  /** Validates an analytics window like Pinterest does; returns an error response or the days. */
  const window = (url: URL): Response | string[] => {
    const start = url.searchParams.get('start_date');
    const end = url.searchParams.get('end_date');
    if (!start || !end || !/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end))
      return error(400, 'start_date and end_date are required (YYYY-MM-DD)', 1);
    if (start < EARLIEST) return error(400, 'You can only get data from the last 90 days.', 1);
    if (end < start) return error(400, 'end_date must not be before start_date', 1);
    if (daysIn(start, end).length > 90) return error(400, 'The date range cannot be more than 90 days.', 1);
    return daysIn(start, end).filter((d) => d <= TODAY);
  };

  const idsOf = (url: URL, param: string, required: boolean): Response | string[] => {
    const raw = url.searchParams.getAll(param).flatMap((v) => v.split(','));
    if (raw.length === 0) return required ? error(400, `${param} is required`, 1) : [];
    if (raw.length > 250) return error(400, `${param} accepts at most 250 ids`, 1);
    return raw;
  };

  const adsAnalytics = (entity: 'campaigns' | 'ad_groups' | 'ads', param: string, targeting: boolean) =>
    get(`/ad_accounts/:ad_account_id/${entity}/${targeting ? 'targeting_analytics' : 'analytics'}`, (url, params) => {
      const acc = account(params);
      if (!acc) return error(404, 'Ad account not found.');
      const days = window(url);
      if (!Array.isArray(days)) return days;
      const ids = idsOf(url, param, true);
      if (!Array.isArray(ids)) return ids;
      const columns = (url.searchParams.get('columns') ?? '').split(',').filter(Boolean);
      if (columns.length === 0) return error(400, 'columns is required', 1);
      if (url.searchParams.get('granularity') !== 'DAY') return error(400, 'The fake serves granularity=DAY only', 1);
      const known = new Set(data[entity === 'ad_groups' ? 'adGroups' : entity][acc.id].map((e) => e.id));
      const mine = ids.filter((id) => known.has(id));
      if (!targeting) {
        return HttpResponse.json(mine.flatMap((id) => days.map((d) => adsAnalyticsRow(entity, id, d, columns))));
      }
      const types = (url.searchParams.get('targeting_types') ?? '').split(',').filter(Boolean);
      if (types.length === 0 || types.length > 14)
        return error(400, `targeting_types must list 1 to 14 types, got ${types.length}`, 1);
      const rows = mine.flatMap((id) =>
        days.flatMap((d) =>
          types.flatMap((t) =>
            (TARGETING_VALUES[t] ?? []).map((value) => ({
              targeting_type: t,
              targeting_value: value,
              metrics: targetingMetrics(entity, id, t, value, d, columns),
            })),
          ),
        ),
      );
      return HttpResponse.json({ data: rows });
    });

  const organic = (url: URL, id: string, requiredMetrics: boolean, defaults: string[]): Response => {
    const days = window(url);
    if (!Array.isArray(days)) return days;
    const metricTypes = (url.searchParams.get('metric_types') ?? '').split(',').filter(Boolean);
    if (requiredMetrics && metricTypes.length === 0) return error(400, 'metric_types is required', 1);
    const types = metricTypes.length ? metricTypes : defaults;
    const summary: Json = {};
    for (const t of types) summary[t] = days.reduce((s, d) => s + (metricValue(id, d, t) ?? 0), 0);
    return HttpResponse.json({
      all: { daily_metrics: days.map((d) => dailyMetric(id, d, types)), summary_metrics: summary },
    }) as Response;
  };

  const handlers: RequestHandler[] = [
    http.post(`${API}/oauth/token`, async ({ request }) => {
      const hit = injected(request);
      if (hit) return hit;
      const basic = `Basic ${Buffer.from(`${OAUTH_CONFIG.credentials.client_id}:${OAUTH_CONFIG.credentials.client_secret}`).toString('base64')}`;
      if (request.headers.get('authorization') !== basic) return error(401, 'Invalid client credentials', 2);
      const form = new URLSearchParams(await request.text());
      if (form.get('grant_type') !== 'refresh_token') return error(400, 'unsupported grant_type', 1);
      if (![OAUTH_CONFIG.credentials.refresh_token, ROTATED_REFRESH_TOKEN].includes(form.get('refresh_token') ?? ''))
        return error(400, 'Invalid refresh token', 1);
      return HttpResponse.json({
        access_token: ACCESS_TOKEN,
        token_type: 'bearer',
        expires_in: 2592000,
        scope: 'boards:read,boards:read_secret,pins:read,pins:read_secret,user_accounts:read,ads:read',
        ...(fake.rotateRefreshToken ? { refresh_token: ROTATED_REFRESH_TOKEN, refresh_token_expires_in: 5184000 } : {}),
      });
    }),
    get('/user_account', () => HttpResponse.json(data.user) as Response),
    get('/user_account/followers', (url) => page('followers', data.followers, url)),
    get('/user_account/analytics', (url) => organic(url, USER.id, false, ['ENGAGEMENT', 'IMPRESSION', 'SAVE'])),
    get('/users/:username/interests/follow', (url, params) =>
      params.username === USER.username ? page('interests', data.interests, url) : error(404, 'User not found.'),
    ),
    get('/boards', (url) => page('boards', data.boards, url)),
    // pin_metrics=true adds each owned pin's 90-day and lifetime totals, as the OpenAPI example shows them.
    get('/pins', (url) =>
      page(
        'pins',
        url.searchParams.get('pin_metrics') === 'true'
          ? data.pins.map((p, i) => ({
              ...p,
              pin_metrics: p.is_owner
                ? {
                    '90d': { pin_click: 7 + i, impression: 100 + i, clickthrough: 3 },
                    lifetime_metrics: {
                      pin_click: 70 + i,
                      impression: 1000 + i,
                      clickthrough: 30,
                      reaction: 2,
                      comment: 1,
                    },
                  }
                : null,
            }))
          : data.pins,
        url,
      ),
    ),
    // The fake's app lacks the batched beta: pin analytics go through the per-pin route below (the batched one is the simulator's).
    get('/pins/analytics', () => error(403, 'You are not permitted to access that resource.', 29)),
    get('/pins/:pin_id/analytics', (url, params) => {
      const pin = data.pins.find((p) => p.id === params.pin_id);
      if (!pin || params.pin_id === PIN_ANALYTICS_404) return error(404, 'Pin not found.', 50);
      if (!pin.is_owner) return error(403, 'Not authorized to access board or Pin.', 7);
      return organic(url, pin.id, true, []);
    }),
    get('/ad_accounts', (url) => page('ad_accounts', data.adAccounts, url)),
    get('/ad_accounts/:ad_account_id', (_url, params) => {
      const acc = account(params);
      return acc ? (HttpResponse.json(acc) as Response) : error(404, 'Ad account not found.');
    }),
    get('/ad_accounts/:ad_account_id/campaigns', (url, params) =>
      account(params)
        ? page('campaigns', byStatus(data.campaigns[params.ad_account_id], url), url)
        : error(404, 'Ad account not found.'),
    ),
    get('/ad_accounts/:ad_account_id/ad_groups', (url, params) =>
      account(params)
        ? page('ad_groups', byStatus(data.adGroups[params.ad_account_id], url), url)
        : error(404, 'Ad account not found.'),
    ),
    get('/ad_accounts/:ad_account_id/ads', (url, params) =>
      account(params)
        ? page('ads', byStatus(data.ads[params.ad_account_id], url), url)
        : error(404, 'Ad account not found.'),
    ),
    get('/ad_accounts/:ad_account_id/analytics', (url, params) => {
      const acc = account(params);
      if (!acc) return error(404, 'Ad account not found.');
      const days = window(url);
      if (!Array.isArray(days)) return days;
      const columns = (url.searchParams.get('columns') ?? '').split(',').filter(Boolean);
      if (columns.length === 0) return error(400, 'columns is required', 1);
      return HttpResponse.json(
        days.map((d) => ({
          ...adsAnalyticsRow('campaigns', acc.id, d, columns),
          CAMPAIGN_ID: undefined,
          AD_ACCOUNT_ID: acc.id,
        })),
      );
    }),
    // Every day final: the fake's rows carry data_ready true and cursors reach the window's end.
    get('/resources/metrics_ready_state', () =>
      HttpResponse.json({ conversion_metrics_ready: true, non_conversion_metrics_ready: true }),
    ),
    adsAnalytics('campaigns', 'campaign_ids', false),
    adsAnalytics('ad_groups', 'ad_group_ids', false),
    adsAnalytics('ads', 'ad_ids', false),
    adsAnalytics('campaigns', 'campaign_ids', true),
    adsAnalytics('ad_groups', 'ad_group_ids', true),
    adsAnalytics('ads', 'ad_ids', true),
  ];

  // Streams of the registry this fake has no data for answer empty (their data is the simulator's, in the
  // acceptance suite): a stream added to the registry needs no edit here.
  const modelled = (path: string) => handlers.some((h) => (h.info as { path?: unknown }).path === `${API}${path}`);
  for (const def of STREAMS) {
    const path = def.path.replace(/\{(\w+)\}/g, ':$1');
    if (def.kind === 'analytics' && def.report && def.report.reportsOnly) {
      fake.unmodelled.push(def.name); // read only through reports: a finished, empty report (below)
      continue;
    }
    if (modelled(path)) continue;
    fake.unmodelled.push(def.name);
    const emptyList =
      def.kind === 'list' && def.answer ? (def.answer.shape === 'targeting_values' ? [] : {}) : undefined;
    const empty =
      emptyList ??
      (def.kind === 'list'
        ? { items: [], bookmark: null }
        : def.kind === 'snapshot'
          ? { pins: [] }
          : def.stream?.key
            ? { [def.stream.key]: [] }
            : []);
    handlers.push(get(path, () => HttpResponse.json(empty) as Response));
  }
  const reportFile = 'https://reports.fake.test/report.json';
  handlers.push(
    http.post(`${API}/ad_accounts/:ad_account_id/reports`, () =>
      HttpResponse.json({ report_status: 'IN_PROGRESS', token: 'fake-report', message: null }),
    ),
    http.get(`${API}/ad_accounts/:ad_account_id/reports`, () =>
      HttpResponse.json({ report_status: 'FINISHED', url: reportFile, size: 2 }),
    ),
    http.get(reportFile, () => HttpResponse.json({})),
  );
  const server = setupServer(...handlers);
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    fake.requests.push({
      method: request.method,
      path: apiPath(url),
      query: Object.fromEntries(url.searchParams),
      url: request.url,
    });
  });
  fake.server = server;
  return fake;
}

/** A fake registered with jest's hooks: listens for the file, forgets requests and overrides before each test. */
export function useFakePinterest(opts: FixtureOptions = {}): FakePinterest {
  const fake = createFakePinterest(opts);
  beforeAll(() => fake.server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    fake.server.resetHandlers();
    fake.reset();
  });
  afterAll(() => fake.server.close());
  return fake;
}

// ---------------------------------------------------------------------------------------------- running

// ---------------------------------------------------------------------------------------------- running

/** The config most tests start from: OAuth, three windows of 30 days from 2026-05-01, no lookback. */
export const BASE_CONFIG = { ...OAUTH_CONFIG, start_date: '2026-05-01', window_days: 30, lookback_days: 0 };
