// HTTP layer of the Pinterest API simulator (node:http only).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { entitiesOf, type Dataset, type EntityMeta, type Json } from './dataset';
import {
  entityDays,
  entityTargeting,
  cellValue,
  fillRow,
  ID_COLUMN,
  isAnalyticsColumn,
  isTargetingType,
  metricsContext,
  PIN_METRIC_TYPES,
  pinDay,
  pinLifetime,
  planColumns,
  summarise,
  targetingRowExists,
  targetingSub,
  userDay,
  USER_METRIC_TYPES,
  writeCells,
  type ColSpec,
  type DailyMetrics,
  type MetricsContext,
} from './metrics';
import { ByteWriter, utf8 } from './bytes';
import { ConsentFlow } from './consent';
import { ReportApi } from './reports';
import { formatDay, parseDay, Rng, strHash } from './rng';
import { pinWithMetrics, visibleBoards, visiblePins } from './views';
import { refuseAttribution, refuseReportingTimezone, refuseTargetingTypes, settleDays, SimClock, unsettle } from './realapi';
import { refusalFor } from './overrides';
import {
  ENTITY_STATUSES,
  FAULT_KINDS,
  type Credentials,
  type FaultKind,
  type GroundTruth,
  type GroundTruthConfig,
  type Level,
  type LoggedRequest,
  type RateCategory,
  type RateLimitSpec,
  type SimulatorOptions,
} from './types';

// ---- errors and messages --------------------------------------------------------------------

export const MESSAGES = {
  authFailed: 'Authentication failed.',
  rateLimited:
    'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
  last90Days: 'You can only get data from the last 90 days',
  pinForbidden: 'Not authorized to access board or Pin.',
  pinNotFound: 'Pin not found.',
  adAccountForbidden: 'You are not permitted to access that resource.',
  invalidRefreshToken: 'Invalid refresh token: it is unknown, expired or has been revoked.',
  rampedDown: 'The endpoint has been ramped down and is currently not accepting any traffic.',
} as const;

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: number,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string, code = 1) => new ApiError(400, code, message);

// ---- routing --------------------------------------------------------------------------------

type RouteName =
  | 'token'
  | 'user_account'
  | 'user_account_analytics'
  | 'followers'
  | 'interests'
  | 'ad_accounts'
  | 'ad_account'
  | 'entities'
  | 'ads_analytics'
  | 'targeting_analytics'
  | 'boards'
  | 'pins'
  | 'pin_analytics'
  | 'more_lists'
  | 'reports';

interface Route {
  name: RouteName;
  method: 'GET' | 'POST';
  category: RateCategory | 'none';
  scopes: string[];
  params: Record<string, string>;
  analytics: boolean;
  level?: Level;
  /** which of the other lists (more_lists) */
  list?: 'audiences' | 'customer_lists' | 'conversion_tags' | 'keywords' | 'board_sections' | 'board_pins' | 'board_section_pins' | 'catalogs' | 'feeds' | 'product_groups';
}

const LEVEL_OF_SEGMENT: Record<string, Level> = { campaigns: 'campaign', ad_groups: 'ad_group', ads: 'ad' };

function matchRoute(p: string): Route | null {
  const seg = p.split('/').slice(1);
  const r = (name: RouteName, category: RateCategory, scopes: string[], params: Record<string, string> = {}, extra: Partial<Route> = {}): Route => ({
    name,
    method: 'GET',
    category,
    scopes,
    params,
    analytics: false,
    ...extra,
  });
  const n = seg.length;
  if (p === '/oauth/token') return { name: 'token', method: 'POST', category: 'org_read', scopes: [], params: {}, analytics: false };
  if (p === '/user_account') return r('user_account', 'org_read', ['user_accounts:read']);
  if (p === '/user_account/analytics') return r('user_account_analytics', 'org_analytics', ['user_accounts:read'], {}, { analytics: true });
  if (p === '/user_account/followers') return r('followers', 'ads_read', ['user_accounts:read']);
  if (n === 4 && seg[0] === 'users' && seg[2] === 'interests' && seg[3] === 'follow')
    return r('interests', 'org_read', ['user_accounts:read'], { username: decodeURIComponent(seg[1]) });
  if (p === '/boards') return r('boards', 'org_read', ['boards:read']);
  if (seg[0] === 'boards' && n >= 3) {
    const board_id = decodeURIComponent(seg[1]);
    if (n === 3 && seg[2] === 'sections') return r('more_lists', 'org_read', ['boards:read'], { board_id }, { list: 'board_sections' });
    if (n === 3 && seg[2] === 'pins') return r('more_lists', 'org_read', ['boards:read', 'pins:read'], { board_id }, { list: 'board_pins' });
    if (n === 5 && seg[2] === 'sections' && seg[4] === 'pins')
      return r('more_lists', 'org_read', ['boards:read', 'pins:read'], { board_id, section_id: decodeURIComponent(seg[3]) }, { list: 'board_section_pins' });
  }
  if (p === '/catalogs') return r('more_lists', 'catalogs_read', ['catalogs:read'], {}, { list: 'catalogs' });
  if (p === '/catalogs/feeds') return r('more_lists', 'catalogs_read', ['catalogs:read'], {}, { list: 'feeds' });
  if (p === '/catalogs/product_groups') return r('more_lists', 'catalogs_read', ['catalogs:read'], {}, { list: 'product_groups' });
  if (p === '/pins') return r('pins', 'org_read', ['boards:read', 'pins:read']);
  if (n === 3 && seg[0] === 'pins' && seg[2] === 'analytics')
    return r('pin_analytics', 'org_analytics', ['boards:read', 'pins:read'], { pin_id: decodeURIComponent(seg[1]) }, { analytics: true });
  if (seg[0] === 'ad_accounts') {
    if (n === 1) return r('ad_accounts', 'ads_read', ['ads:read']);
    const id = decodeURIComponent(seg[1]);
    if (n === 2) return r('ad_account', 'ads_read', ['ads:read'], { ad_account_id: id });
    if (n === 3 && seg[2] === 'analytics') return r('ads_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level: 'ad_account', analytics: true });
    if (n === 3 && seg[2] === 'targeting_analytics')
      return r('targeting_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level: 'ad_account', analytics: true });
    if (n === 3 && ['audiences', 'customer_lists', 'conversion_tags', 'keywords'].includes(seg[2]))
      return r('more_lists', 'ads_read', ['ads:read'], { ad_account_id: id }, { list: seg[2] as Route['list'] });
    if (n === 3 && seg[2] === 'reports') return r('reports', 'ads_analytics', ['ads:read'], { ad_account_id: id });
    const level = LEVEL_OF_SEGMENT[seg[2]];
    if (!level) return null;
    if (n === 3) return r('entities', 'ads_read', ['ads:read'], { ad_account_id: id }, { level });
    if (n === 4 && seg[3] === 'analytics') return r('ads_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level, analytics: true });
    if (n === 4 && seg[3] === 'targeting_analytics')
      return r('targeting_analytics', 'ads_analytics', ['ads:read'], { ad_account_id: id }, { level, analytics: true });
  }
  return null;
}

// ---- query helpers --------------------------------------------------------------------------

class Query {
  constructor(private sp: URLSearchParams) {}
  has(name: string): boolean {
    return this.sp.has(name) || this.sp.has(name + '[]');
  }
  one(name: string): string | undefined {
    const v = this.sp.get(name);
    return v === null ? undefined : v;
  }
  /** All values of a repeated key or of `name[]`, each split on commas; undefined when absent. */
  list(name: string): string[] | undefined {
    if (!this.has(name)) return undefined;
    const raw = [...this.sp.getAll(name), ...this.sp.getAll(name + '[]')];
    const out: string[] = [];
    for (const v of raw) for (const part of v.split(',')) if (part.trim() !== '') out.push(part.trim());
    return out;
  }
  record(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of this.sp) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    return out;
  }
}

/** The dates, columns and granularity every ads-analytics endpoint requires, checked as the API reports them. */
function requiredAnalyticsParams(q: Query): { columns: string[]; gran: string } {
  if (!q.has('start_date')) throw bad('Missing required parameter: start_date');
  if (!q.has('end_date')) throw bad('Missing required parameter: end_date');
  const columns = q.list('columns');
  if (!columns || columns.length === 0) throw bad('Missing required parameter: columns');
  const gran = q.one('granularity');
  if (gran === undefined) throw bad('Missing required parameter: granularity');
  if (!GRANULARITIES.includes(gran)) throw bad(`Invalid parameter granularity: '${gran}' is not one of ${GRANULARITIES.join(', ')}`);
  for (const c of columns) if (!isAnalyticsColumn(c)) throw bad(`Invalid parameter columns: '${c}' is not a valid column`);
  return { columns, gran };
}

function enumParam(q: Query, name: string, allowed: readonly (string | number)[]): string | undefined {
  const v = q.one(name);
  if (v === undefined) return undefined;
  if (!allowed.map(String).includes(v)) throw bad(`Invalid parameter ${name}: '${v}' is not one of ${allowed.join(', ')}`);
  return v;
}

function boolParam(q: Query, name: string): boolean | undefined {
  const v = q.one(name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw bad(`Invalid parameter ${name}: '${v}' is not a boolean`);
  return v === 'true';
}

function idList(q: Query, name: string, required: boolean, max = 250, maxLength = 0): string[] | undefined {
  const v = q.list(name);
  if (v === undefined) {
    if (required) throw bad(`Missing required parameter: ${name}`);
    return undefined;
  }
  if (v.length === 0) throw bad(`Invalid parameter ${name}: at least 1 item is required`);
  if (v.length > max) throw bad(`Invalid parameter ${name}: at most ${max} items are allowed, got ${v.length}`);
  for (const id of v) {
    if (!/^\d+$/.test(id)) throw bad(`Invalid parameter ${name}: '${id}' does not match ^\\d+$`);
    if (maxLength && id.length > maxLength) throw bad(`Invalid parameter ${name}: '${id}' is longer than ${maxLength} characters`);
  }
  return v;
}

// ---- bookmark pagination --------------------------------------------------------------------

function encodeBookmark(offset: number, sig: number): string {
  // standard base64 (may contain '+', '/' and '='): clients must URL-encode it
  return Buffer.from(`sim~bm~${offset}~${sig.toString(16)}~${'x'.repeat(offset % 3)}`).toString('base64');
}

function decodeBookmark(bm: string, sig: number): number {
  const s = Buffer.from(bm, 'base64').toString('latin1');
  const m = /^sim~bm~(\d+)~([0-9a-f]+)~x*$/.exec(s);
  if (!m || parseInt(m[2], 16) !== sig) throw bad('Invalid bookmark.');
  return +m[1];
}

function pageSizeOf(q: Query): number {
  const v = q.one('page_size');
  if (v === undefined) return 25;
  if (!/^\d+$/.test(v) || +v < 1 || +v > 250) throw bad(`Invalid parameter page_size: '${v}' must be an integer between 1 and 250`);
  return +v;
}

// ---- response cache -------------------------------------------------------------------------

type Body = Buffer | Buffer[];
const bodyLength = (b: Body) => (Array.isArray(b) ? b.reduce((n, c) => n + c.length, 0) : b.length);

class Lru {
  private m = new Map<string, Body>();
  private bytes = 0;
  hits = 0;
  constructor(private max: number) {}
  get(k: string): Body | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
      this.hits++;
    }
    return v;
  }
  set(k: string, v: Body): void {
    const len = bodyLength(v);
    if (this.max <= 0 || len > this.max / 8) return;
    const old = this.m.get(k);
    if (old) {
      this.bytes -= bodyLength(old);
      this.m.delete(k);
    }
    this.m.set(k, v);
    this.bytes += len;
    while (this.bytes > this.max) {
      const first = this.m.keys().next();
      if (first.done) break;
      this.bytes -= bodyLength(this.m.get(first.value)!);
      this.m.delete(first.value);
    }
  }
  clear(): void {
    this.m.clear();
    this.bytes = 0;
  }
}

// ---- the server -----------------------------------------------------------------------------

interface Answer {
  status: number;
  /** one buffer, or the chunks of a large analytics response */
  body: Buffer | Buffer[];
  contentType?: string;
  headers?: Record<string, string>;
}

/** The older family some clients read (v3-era): no Retry-After, the wait in -reset-seconds. */
function userEndpointHeaders(limit: number, remaining: number, secs: number): Record<string, string> {
  return {
    'x-userendpoint-ratelimit-limit': String(limit),
    'x-userendpoint-ratelimit-remaining': String(remaining),
    'x-userendpoint-ratelimit-reset-seconds': String(secs),
  };
}

interface TokenInfo {
  expiresAt: number;
  scopes: string[];
  /** authenticated requests made with it (accessTokenMaxRequests) */
  uses?: number;
}

interface PendingFault {
  kind: FaultKind;
  remaining: number;
  pathIncludes?: string;
}

export interface SimulatorStats {
  requests: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  faults: number;
  bytesOut: number;
  cacheHits: number;
  /** CPU of this process since the simulator started (µs); includes any code sharing the process */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  uptimeMs: number;
}

export const DEFAULT_SCOPES = ['boards:read', 'boards:read_secret', 'pins:read', 'pins:read_secret', 'user_accounts:read', 'ads:read', 'catalogs:read'];

const TARGETING_ATTRIBUTION_TYPES = ['INDIVIDUAL', 'HOUSEHOLD'];
const WINDOW_DAYS = [0, 1, 7, 14, 30, 60];
const GRANULARITIES = ['TOTAL', 'DAY', 'HOUR', 'WEEK', 'MONTH'];

function json(status: number, value: unknown, headers?: Record<string, string>): Answer {
  return { status, body: Buffer.from(JSON.stringify(value)), headers };
}

function errorAnswer(e: ApiError): Answer {
  return json(e.status, { code: e.code, message: e.message });
}

export class SimServer {
  readonly ctx: MetricsContext;
  readonly reportApi: ReportApi;
  readonly log: LoggedRequest[] = [];
  private server: http.Server;
  private sockets = new Set<Socket>();
  private timers = new Set<NodeJS.Timeout>();
  private tokens = new Map<string, TokenInfo>();
  readonly consent: ConsentFlow;
  private staticExpired = false;
  private refreshToken: string;
  private refreshValid = true;
  private refreshSeq = 0;
  private pending: PendingFault[] = [];
  private faultRng: Rng;
  private windows = new Map<RateCategory, number[]>();
  private quotaCount = new Map<RateCategory, { day: number; n: number }>();
  private cache: Lru;
  private itemJson = new WeakMap<object, string>();
  private ridSeq = 0;
  private started = Date.now();
  private cpuStart = process.cpuUsage();
  readonly clock: SimClock;
  private statsData = { requests: 0, byStatus: {} as Record<string, number>, byCategory: {} as Record<string, number>, faults: 0, bytesOut: 0 };
  url = '';

  constructor(
    readonly ds: Dataset,
    readonly opts: SimulatorOptions,
    readonly creds: Credentials,
    private groundTruth?: (cfg: GroundTruthConfig) => GroundTruth,
  ) {
    this.ctx = metricsContext(ds);
    this.clock = new SimClock(ds.todayDay, opts);
    this.reportApi = new ReportApi(ds, this.ctx, opts.reports, opts.seed ?? 1);
    this.refreshToken = creds.refreshToken;
    this.consent = new ConsentFlow(creds.clientId, () => this.scopes(), opts.consent, opts.redirectUris);
    this.faultRng = new Rng(opts.faults?.seed ?? (opts.seed ?? 1) + 1);
    this.cache = new Lru(opts.cacheMaxBytes ?? 256 * 1024 * 1024);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // never let a handler bug kill the process; answer 500 when still possible
        try {
          if (!res.headersSent) {
            const body = Buffer.from(JSON.stringify({ code: 0, message: `simulator bug: ${String(err?.stack ?? err)}` }));
            res.writeHead(500, { 'content-type': 'application/json', 'content-length': body.length });
            res.end(body);
          } else res.destroy();
        } catch {
          /* ignore */
        }
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 35_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address() as AddressInfo;
        this.url = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}/v5`;
        this.reportApi.listen(host).then(resolve, reject);
      });
    });
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => void this.reportApi.close().then(() => resolve()));
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections?.();
    });
  }

  // ---- test controls ----------------------------------------------------------------------

  failNext(kind: FaultKind, o: { count?: number; pathIncludes?: string } = {}): void {
    if (!FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind ${kind}`);
    this.pending.push({ kind, remaining: o.count ?? 1, pathIncludes: o.pathIncludes });
  }
  revokeRefreshToken(): void {
    this.refreshValid = false;
  }
  expireAccessTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
    this.staticExpired = true;
  }
  currentRefreshToken(): string {
    return this.refreshToken;
  }
  resetRateLimits(): void {
    this.windows.clear();
    this.quotaCount.clear();
  }
  clearCache(): void {
    this.cache.clear();
  }
  stats(): SimulatorStats {
    const cpu = process.cpuUsage(this.cpuStart);
    return {
      ...this.statsData,
      byStatus: { ...this.statsData.byStatus },
      byCategory: { ...this.statsData.byCategory },
      cacheHits: this.cache.hits,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      uptimeMs: Date.now() - this.started,
    };
  }

  /**
   * Control API for simulators run as a separate process (cli.ts), outside /v5 and not logged:
   * GET stats | log | refresh-token; POST fail-next {kind,count?,pathIncludes?} | revoke-refresh-token |
   * expire-access-tokens | reset-log | reset-rate-limits | ground-truth (body: GroundTruthConfig).
   */
  private control(method: string, op: string, body: string): Answer {
    try {
      const arg = body ? JSON.parse(body) : {};
      if (method === 'GET' && op === 'stats') return json(200, { ...this.stats(), reports: this.reportApi.stats });
      if (method === 'GET' && op === 'log') return json(200, this.log);
      if (method === 'GET' && op === 'refresh-token') return json(200, { refresh_token: this.currentRefreshToken() });
      if (method === 'POST' && op === 'fail-next') {
        this.failNext(arg.kind, arg);
        return json(200, { ok: true });
      }
      if (method === 'POST' && op === 'consent') this.consent.setMode(arg.mode);
      else if (method === 'POST' && op === 'revoke-refresh-token') this.revokeRefreshToken();
      else if (method === 'POST' && op === 'expire-access-tokens') this.expireAccessTokens();
      else if (method === 'POST' && op === 'reset-log') this.log.length = 0;
      else if (method === 'POST' && op === 'reset-rate-limits') this.resetRateLimits();
      else if (method === 'POST' && op === 'advance-day') this.clock.advance(arg.days ?? 1);
      else if (method === 'POST' && op === 'ground-truth' && this.groundTruth) return json(200, this.groundTruth(arg));
      else return json(404, { code: 404, message: `unknown control operation ${method} /__sim/${op}` });
      return json(200, { ok: true });
    } catch (e) {
      return json(400, { code: 1, message: String((e as Error).message ?? e) });
    }
  }

  // ---- request pipeline -------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://sim');
    let path = url.pathname;
    const q = new Query(url.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    const body = method === 'POST' || method === 'PUT' ? await this.readBody(req) : '';
    if (path.startsWith('/__sim/')) {
      const a = this.control(method, path.slice(7), body);
      const b = Array.isArray(a.body) ? Buffer.concat(a.body) : a.body;
      res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': b.length });
      res.end(b);
      return;
    }
    // Pinterest's consent page lives on www.pinterest.com, outside the API: not logged, not limited.
    if (method === 'GET' && (path === '/oauth' || path === '/oauth/')) {
      const a = this.consent.consentPage(url.searchParams);
      res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': a.body.length, ...a.headers });
      res.end(a.body);
      return;
    }
    if (!req.url?.startsWith('/v5/') && req.url !== '/v5') {
      path = path || '/';
    } else path = path.slice(3) || '/';
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const route = req.url?.startsWith('/v5') ? matchRoute(path) : null;
    const entry: LoggedRequest = { method, path, query: q.record(), status: 0, category: route?.category ?? 'none', at };
    if (this.opts.logRequests !== false) this.log.push(entry);
    this.statsData.requests++;
    if (route) this.clock.onRequest(path);

    if (this.opts.latencyMs) await this.sleep(this.opts.latencyMs);

    let answer: Answer;
    let fault: FaultKind | undefined;
    if (!route) {
      answer = json(404, { code: 404, message: `Resource not found: ${method} ${url.pathname}` });
    } else if (route.method !== method && !(route.name === 'reports' && method === 'POST')) {
      answer = json(405, { code: 405, message: `Method ${method} not allowed on ${url.pathname}` });
    } else {
      fault = this.pickFault(route, path);
      if (fault) {
        entry.fault = fault;
        this.statsData.faults++;
      }
      if (fault === 'drop') {
        entry.status = 0;
        entry.durationMs = Date.now() - at;
        req.socket.destroy();
        return;
      }
      if (fault === 'http500' || fault === 'http502' || fault === 'http503') {
        answer = this.serverError(fault);
      } else {
        if (fault === 'slow') await this.sleep(this.opts.faults?.slowMs ?? 30_000);
        answer = this.process(route, path, q, req, body, url, fault === 'spurious400');
      }
    }
    entry.status = answer.status;
    const chunks = Array.isArray(answer.body) ? answer.body : [answer.body];
    const full = bodyLength(chunks);
    entry.bytes = full;
    this.statsData.byStatus[answer.status] = (this.statsData.byStatus[answer.status] ?? 0) + 1;
    this.statsData.byCategory[entry.category] = (this.statsData.byCategory[entry.category] ?? 0) + 1;
    if (res.destroyed || req.socket.destroyed) {
      entry.durationMs = Date.now() - at;
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': answer.contentType ?? 'application/json; charset=utf-8',
      'x-pinterest-rid': (++this.ridSeq).toString(16).padStart(12, '0'),
      date: this.clock.dateHeader(),
      ...answer.headers,
    };
    if (fault === 'truncate') {
      // announce more bytes than sent, send about half of the body, then close the connection
      headers['content-length'] = full + Math.max(64, full);
      res.writeHead(answer.status, headers);
      const half = Buffer.concat(chunks, full).subarray(0, Math.floor(full / 2));
      this.statsData.bytesOut += half.length;
      res.write(half, () => res.socket?.destroy());
      entry.durationMs = Date.now() - at;
      return;
    }
    headers['content-length'] = full;
    res.writeHead(answer.status, headers);
    for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]);
    res.end(chunks[chunks.length - 1]);
    this.statsData.bytesOut += full;
    entry.durationMs = Date.now() - at;
  }

  private pickFault(route: Route, path: string): FaultKind | undefined {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p.pathIncludes !== undefined ? !path.includes(p.pathIncludes) : route.name === 'token') continue;
      if (p.kind === 'spurious400' && !route.analytics) continue;
      p.remaining--;
      if (p.remaining <= 0) this.pending.splice(i, 1);
      return p.kind;
    }
    const f = this.opts.faults;
    if (!f || !(f.rate > 0) || !f.kinds?.length) return undefined;
    if (route.name === 'token' && !f.includeToken) return undefined;
    if (this.faultRng.next() >= f.rate) return undefined;
    const kinds = f.kinds.filter((k) => k !== 'spurious400' || route.analytics);
    if (!kinds.length) return undefined;
    return kinds[Math.floor(this.faultRng.next() * kinds.length)];
  }

  private serverError(kind: 'http500' | 'http502' | 'http503'): Answer {
    if (kind === 'http500') return json(500, { code: 0, message: 'Something went wrong. Please try again later.' });
    if (kind === 'http502')
      return {
        status: 502,
        contentType: 'text/html; charset=utf-8',
        body: Buffer.from('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n'),
      };
    return {
      status: 503,
      contentType: 'text/plain; charset=utf-8',
      body: Buffer.from('upstream connect error or disconnect/reset before headers. reset reason: overflow'),
      headers: {},
    };
  }

  private process(route: Route, path: string, q: Query, req: http.IncomingMessage, body: string, url: URL, spurious: boolean): Answer {
    try {
      if (route.name === 'token') return this.token(req, body);
      const tok = this.authenticate(req);
      const missing = route.scopes.filter((s) => !tok.scopes.includes(s));
      if (missing.length)
        throw new ApiError(
          403,
          3,
          `Your application consumer does not have the required scope(s): ${missing.join(', ')}. Re-authorize the app with these scopes.`,
        );
      const refused = refusalFor(this.opts.refusals, path);
      if (refused) throw new ApiError(refused.status, refused.code, refused.message);
      const rl = this.rateLimit(route);
      if (rl.limited) return rl.limited;
      if (spurious) return { ...json(400, { code: 1, message: MESSAGES.last90Days }), headers: rl.headers };
      if (route.name === 'reports') {
        // Asynchronous reports (reports.ts): never cached, a poll's answer changes.
        this.account(route.params.ad_account_id);
        const a = this.reportApi.handle(String(req.method).toUpperCase(), route.params.ad_account_id, url.searchParams, body);
        return { ...json(a.status, a.body), headers: rl.headers };
      }
      const cacheKey = `${this.clock.day}|${tok.scopes.length}|${tok.scopes.includes('boards:read_secret') ? 1 : 0}${tok.scopes.includes('pins:read_secret') ? 1 : 0}|${url.pathname}${url.search}`;
      const cached = this.cache.get(cacheKey);
      if (cached) return { status: 200, body: cached, headers: rl.headers };
      const a = this.dispatch(route, path, q, tok);
      if (a.status === 200) this.cache.set(cacheKey, a.body);
      return { ...a, headers: { ...rl.headers, ...a.headers } };
    } catch (e) {
      if (e instanceof ApiError) return errorAnswer(e);
      throw e;
    }
  }

  // ---- auth -------------------------------------------------------------------------------

  private scopes(): string[] {
    return this.opts.scopes ?? DEFAULT_SCOPES;
  }

  private authenticate(req: http.IncomingMessage): TokenInfo {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) throw new ApiError(401, 2, MESSAGES.authFailed);
    const t = m[1];
    if (this.creds.staticAccessToken && t === this.creds.staticAccessToken) {
      if (this.staticExpired) throw new ApiError(401, 2, MESSAGES.authFailed);
      return { expiresAt: Infinity, scopes: this.scopes() };
    }
    const info = this.tokens.get(t);
    if (!info || info.expiresAt <= Date.now()) throw new ApiError(401, 2, MESSAGES.authFailed);
    info.uses = (info.uses ?? 0) + 1;
    if (this.opts.accessTokenMaxRequests !== undefined && info.uses > this.opts.accessTokenMaxRequests) throw new ApiError(401, 2, MESSAGES.authFailed);
    return info;
  }

  private token(req: http.IncomingMessage, body: string): Answer {
    const h = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)\s*$/i.exec(h);
    let ok = false;
    if (m) {
      const dec = Buffer.from(m[1], 'base64').toString('utf8');
      const i = dec.indexOf(':');
      ok = i > 0 && dec.slice(0, i) === this.creds.clientId && dec.slice(i + 1) === this.creds.clientSecret;
    }
    if (!ok) return json(401, { code: 2, message: MESSAGES.authFailed });
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.toLowerCase().includes('application/x-www-form-urlencoded'))
      return json(400, { code: 1, message: 'Invalid request: the body must be application/x-www-form-urlencoded' });
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (!grant) return json(400, { code: 1, message: 'Missing request body parameter: grant_type' });
    if (grant === 'authorization_code') {
      // A new sign-in replaces the app's refresh token (the simulator keeps one valid refresh token).
      return this.consent.exchange(form, (scopes) => ({ ...this.issueAccessToken(scopes), ...this.newRefreshToken() }));
    }
    if (grant !== 'refresh_token') return json(400, { code: 1, message: `Unsupported grant_type: ${grant}` });
    const rt = form.get('refresh_token');
    if (!rt) return json(400, { code: 1, message: 'Missing request body parameter: refresh_token' });
    if (!this.refreshValid || rt !== this.refreshToken) return json(400, { code: 1, message: MESSAGES.invalidRefreshToken });
    if (this.opts.legacyApp && form.get('continuous_refresh') !== 'true') {
      return json(400, { code: 1, message: 'Legacy refresh tokens are no longer supported; apps created before September 25, 2025 must set continuous_refresh=true.' });
    }
    let scopes = this.scopes();
    const asked = form.get('scope');
    if (asked) {
      const want = asked.split(/[,\s]+/).filter(Boolean);
      const unknown = want.filter((s) => !scopes.includes(s));
      if (unknown.length) return json(400, { code: 1, message: `Invalid scope: ${unknown.join(', ')}` });
      scopes = want;
    }
    const out: Record<string, unknown> = { ...this.issueAccessToken(scopes), response_type: 'refresh_token' };
    if (this.opts.rotateRefreshToken) Object.assign(out, this.newRefreshToken());
    return json(200, out, { 'cache-control': 'no-store' });
  }

  private issueAccessToken(scopes: string[]): Record<string, unknown> {
    const ttl = this.opts.accessTokenTtlSeconds ?? 3600;
    const access = 'pina_' + randomBytes(24).toString('base64url');
    this.tokens.set(access, { expiresAt: Date.now() + ttl * 1000, scopes });
    const rtTtl = this.opts.refreshTokenTtlSeconds ?? 60 * 86400;
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: ttl,
      scope: scopes.join(','),
      refresh_token_expires_in: rtTtl,
      refresh_token_expires_at: Math.floor(Date.now() / 1000) + rtTtl,
    };
  }

  /** A new refresh token becomes the valid one; the old one is refused from now on. */
  private newRefreshToken(): { refresh_token: string } {
    this.refreshSeq++;
    this.refreshToken = `pinr_${randomBytes(18).toString('base64url')}_${this.refreshSeq}`;
    this.refreshValid = true;
    return { refresh_token: this.refreshToken };
  }

  // ---- rate limits ------------------------------------------------------------------------

  private rateLimit(route: Route): { limited?: Answer; headers?: Record<string, string> } {
    const cat = route.category;
    if (cat === 'none') return {};
    const now = Date.now();
    const resetValue = (secs: number) =>
      String(this.opts.rateLimitResetFormat === 'epoch' ? Math.ceil(now / 1000) + secs : secs);
    // daily quota (real UTC day)
    const quota = this.opts.dailyQuota?.[cat];
    if (quota !== undefined) {
      const day = Math.floor(now / 86_400_000);
      let c = this.quotaCount.get(cat);
      if (!c || c.day !== day) this.quotaCount.set(cat, (c = { day, n: 0 }));
      if (c.n >= quota) {
        const secs = Math.max(1, Math.ceil(((day + 1) * 86_400_000 - now) / 1000));
        const headers: Record<string, string> = { 'retry-after': String(secs) };
        if (this.opts.rateLimitHeaders) {
          headers['x-ratelimit-limit'] = String(quota);
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = resetValue(secs);
        }
        return { limited: json(429, { code: 8, message: MESSAGES.rateLimited }, headers) };
      }
      c.n++;
    }
    const spec: RateLimitSpec | undefined = this.opts.rateLimits ? this.opts.rateLimits[cat] : undefined;
    if (!spec) return {};
    let w = this.windows.get(cat);
    if (!w) this.windows.set(cat, (w = []));
    let drop = 0;
    while (drop < w.length && w[drop] <= now - spec.windowMs) drop++;
    if (drop) w.splice(0, drop);
    if (w.length >= spec.limit) {
      const secs = Math.max(1, Math.ceil((w[0] + spec.windowMs - now) / 1000));
      let headers: Record<string, string> = {};
      if (this.opts.rateLimitHeaders === 'userendpoint') {
        headers = userEndpointHeaders(spec.limit, 0, secs);
      } else if (this.opts.rateLimitHeaders) {
        headers['retry-after'] = String(secs);
        headers['x-ratelimit-limit'] = String(spec.limit);
        headers['x-ratelimit-remaining'] = '0';
        headers['x-ratelimit-reset'] = resetValue(secs);
      }
      // the quota slot taken above is given back: a rejected request does not count
      const c = this.quotaCount.get(cat);
      if (quota !== undefined && c) c.n--;
      return { limited: json(429, { code: 8, message: MESSAGES.rateLimited }, headers) };
    }
    w.push(now);
    if (!this.opts.rateLimitHeaders) return {};
    const secs = Math.max(1, Math.ceil((w[0] + spec.windowMs - now) / 1000));
    if (this.opts.rateLimitHeaders === 'userendpoint') return { headers: userEndpointHeaders(spec.limit, Math.max(0, spec.limit - w.length), secs) };
    return {
      headers: {
        'x-ratelimit-limit': String(spec.limit),
        'x-ratelimit-remaining': String(Math.max(0, spec.limit - w.length)),
        'x-ratelimit-reset': resetValue(secs),
      },
    };
  }

  // ---- handlers ---------------------------------------------------------------------------

  private dispatch(route: Route, path: string, q: Query, tok: TokenInfo): Answer {
    switch (route.name) {
      case 'user_account':
        return json(200, this.ds.user);
      case 'ad_accounts': {
        const shared = boolParam(q, 'include_shared_accounts') ?? true;
        return this.page(
          path,
          q,
          this.ds.adAccounts.filter((a) => shared || !a.shared).map((a) => a.item),
        );
      }
      case 'ad_account':
        return json(200, this.account(route.params.ad_account_id).item);
      case 'entities':
        return this.entities(route.level!, route.params.ad_account_id, path, q);
      case 'ads_analytics':
        return this.adsAnalytics(route.level!, route.params.ad_account_id, q, false);
      case 'targeting_analytics':
        return this.adsAnalytics(route.level!, route.params.ad_account_id, q, true);
      case 'boards': {
        enumParam(q, 'privacy', ['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET']);
        const adAcc = q.one('ad_account_id');
        if (adAcc !== undefined) this.account(adAcc);
        return this.page(path, q, visibleBoards(this.ds, tok.scopes, q.one('privacy')));
      }
      case 'pins':
        return this.pins(path, q, tok);
      case 'followers':
        return this.page(path, q, this.ds.followers);
      case 'interests': {
        const gone = this.opts.interestsGone;
        if (gone === 503) return json(503, { code: 4197, message: MESSAGES.rampedDown });
        if (gone) {
          const status = gone === 410 ? 410 : 404;
          return json(status, { code: status, message: status === 410 ? 'This endpoint has been removed.' : `Resource not found: GET /v5${path}` });
        }
        if (route.params.username !== this.ds.user.username) throw new ApiError(404, 50, 'User not found.');
        return this.page(path, q, this.ds.interests);
      }
      case 'pin_analytics':
        return this.pinAnalytics(route.params.pin_id, q);
      case 'user_account_analytics':
        return this.userAnalytics(q);
      case 'more_lists':
        return this.moreLists(route, path, q, tok);
      default:
        throw new ApiError(404, 404, 'Not found.');
    }
  }

  private account(id: string) {
    if (!/^\d+$/.test(id) || id.length > 18) throw bad(`Invalid ad_account_id: '${id}'`);
    const acc = this.ds.adAccountById.get(id);
    if (!acc) throw new ApiError(403, 29, MESSAGES.adAccountForbidden);
    return acc;
  }

  private page(path: string, q: Query, items: Json[]): Answer {
    const size = pageSizeOf(q);
    const bm = q.one('bookmark');
    const sig = strHash(path) & 0xffffff;
    const offset = bm ? decodeBookmark(bm, sig) : 0;
    const slice = items.slice(offset, offset + size);
    const next = offset + size < items.length ? encodeBookmark(offset + size, sig) : null;
    const parts: string[] = [];
    for (const it of slice) {
      let s = this.itemJson.get(it);
      if (s === undefined) {
        s = JSON.stringify(it);
        this.itemJson.set(it, s);
      }
      parts.push(s);
    }
    return { status: 200, body: Buffer.from(`{"items":[${parts.join(',')}],"bookmark":${JSON.stringify(next)}}`) };
  }

  private entities(level: Level, accountId: string, path: string, q: Query): Answer {
    const acc = this.account(accountId);
    const statuses = q.list('entity_statuses') ?? ['ACTIVE', 'PAUSED'];
    for (const s of statuses)
      if (!(ENTITY_STATUSES as readonly string[]).includes(s)) throw bad(`Invalid parameter entity_statuses: '${s}' is not one of ${ENTITY_STATUSES.join(', ')}`);
    const order = enumParam(q, 'order', ['ASCENDING', 'DESCENDING']);
    const campaignIds = idList(q, 'campaign_ids', false, 250, 18);
    const adGroupIds = level !== 'campaign' ? idList(q, 'ad_group_ids', false) : undefined;
    const adIds = level === 'ad' ? idList(q, 'ad_ids', false) : undefined;
    const kinds = [campaignIds, adGroupIds, adIds].filter((x) => x !== undefined).length;
    if (kinds > 1) throw bad(`Invalid ad account ${level === 'ad' ? 'ads' : 'group'} parameters: use only one of campaign_ids, ad_group_ids${level === 'ad' ? ', ad_ids' : ''}.`);
    if (level === 'ad_group') boolParam(q, 'translate_interests_to_names');
    const st = new Set(statuses);
    const cs = campaignIds && new Set(campaignIds);
    const gs = adGroupIds && new Set(adGroupIds);
    const as = adIds && new Set(adIds);
    let list = entitiesOf(this.ds, level, acc.id).filter(
      (e) => st.has(e.status) && (!cs || cs.has(e.campaignId)) && (!gs || gs.has(e.adGroupId!)) && (!as || as.has(e.id)),
    );
    if (order === 'DESCENDING') list = list.slice().reverse();
    return this.page(path + '|' + [...st].sort().join(',') + '|' + (campaignIds ?? adGroupIds ?? adIds ?? []).join(',') + '|' + (order ?? ''), q, list.map((e) => e.item));
  }

  private pins(path: string, q: Query, tok: TokenInfo): Answer {
    const filter = enumParam(q, 'pin_filter', ['exclude_native', 'exclude_repins', 'has_been_promoted']);
    const includeProtected = boolParam(q, 'include_protected_pins') ?? false;
    const pinType = enumParam(q, 'pin_type', ['PRIVATE']);
    const creative = q.list('creative_types');
    const withMetrics = boolParam(q, 'pin_metrics') ?? false;
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) this.account(adAcc);
    let pins = visiblePins(this.ds, tok.scopes, includeProtected);
    if (filter === 'exclude_native') pins = pins.filter((p) => !p.owned);
    if (filter === 'exclude_repins') pins = pins.filter((p) => p.owned);
    if (filter === 'has_been_promoted') pins = pins.filter((p) => p.item.has_been_promoted === true);
    if (pinType === 'PRIVATE') pins = pins.filter((p) => p.secretBoard);
    if (creative) pins = pins.filter((p) => creative.includes(p.item.creative_type as string));
    const items = withMetrics ? pins.map((p) => pinWithMetrics(this.ctx, p)) : pins.map((p) => p.item);
    return this.page('/pins|' + [filter, includeProtected, pinType, creative?.join(','), withMetrics].join('|'), q, items);
  }

  // ---- analytics --------------------------------------------------------------------------

  /** Validates start_date / end_date against the simulator's today; returns [d0, d1]. */
  private dates(q: Query, hourly = false): [number, number] {
    const s = q.one('start_date');
    const e = q.one('end_date');
    if (s === undefined) throw bad('Missing required parameter: start_date');
    if (e === undefined) throw bad('Missing required parameter: end_date');
    const d0 = parseDay(s);
    const d1 = parseDay(e);
    if (Number.isNaN(d0)) throw bad(`Invalid parameter start_date: '${s}' is not a date (YYYY-MM-DD)`);
    if (Number.isNaN(d1)) throw bad(`Invalid parameter end_date: '${e}' is not a date (YYYY-MM-DD)`);
    const today = this.clock.day;
    if (hourly) {
      if (d0 < today - 8) throw bad('You can only get hourly data from the last 8 days');
      if (d1 - d0 > 3) throw bad('The time range of an hourly request cannot be more than 3 days');
    }
    if (d0 < today - 89) throw bad(MESSAGES.last90Days);
    if (d1 < d0) throw bad('end_date must be on or after start_date');
    if (d1 - d0 > 90) throw bad('end_date cannot be more than 90 days past start_date');
    return [d0, d1];
  }

  private adsAnalytics(level: Level, accountId: string, q: Query, targeting: boolean): Answer {
    const acc = this.account(accountId);
    // required parameters first, as the API reports them
    const { columns, gran } = requiredAnalyticsParams(q);
    let ids: string[];
    if (level === 'ad_account') ids = [acc.id];
    else if (level === 'campaign') ids = idList(q, 'campaign_ids', true, 250, 18)!;
    else if (level === 'ad_group') ids = idList(q, 'ad_group_ids', true)!;
    else if (targeting) ids = idList(q, 'ad_ids', true)!;
    else {
      const adIds = idList(q, 'ad_ids', false);
      const campaignIds = idList(q, 'campaign_ids', false, 250, 18);
      const pinIds = idList(q, 'pin_ids', false, 100);
      if (adIds) ids = adIds;
      else if (campaignIds && pinIds) {
        const cs = new Set(campaignIds);
        const ps = new Set(pinIds);
        ids = entitiesOf(this.ds, 'ad', acc.id)
          .filter((e) => cs.has(e.campaignId) && ps.has(e.pinId!))
          .map((e) => e.id);
      } else throw bad('Request must contain either ad_ids or both campaign_ids and pin_ids');
    }
    let types: string[] = [];
    if (targeting) {
      const t = q.list('targeting_types');
      if (!t || t.length === 0) throw bad('Missing required parameter: targeting_types');
      if (t.length > 14) throw bad(`Invalid parameter targeting_types: at most 14 items are allowed, got ${t.length}`);
      for (const x of t) if (!isTargetingType(level, x)) throw bad(`Invalid parameter targeting_types: '${x}' is not a valid ${level} targeting type`);
      types = Array.from(new Set(t));
      refuseTargetingTypes(this.opts, types);
      const at = q.list('attribution_types');
      if (at) {
        if (at.length > 2) throw bad('Invalid parameter attribution_types: at most 2 items are allowed');
        for (const x of at) if (!TARGETING_ATTRIBUTION_TYPES.includes(x)) throw bad(`Invalid parameter attribution_types: '${x}'`);
      }
    }
    const settle = this.attribution(q);
    const aggregate = !targeting && (level === 'campaign' || level === 'ad_group') ? (boolParam(q, 'aggregate_report_rows') ?? false) : false;
    const [d0, d1] = this.dates(q, gran === 'HOUR');
    if (gran === 'HOUR') throw bad('granularity HOUR is not supported by this simulator');

    const specs = planColumns(columns, level);
    const idKey = ID_COLUMN[level];
    const seen = new Set<string>();
    const ents: EntityMeta[] = [];
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const e = level === 'ad_account' ? this.ds.extras.accountEntity.get(id) : this.ds.entityById.get(id);
      if (e && e.level === level && e.accountId === acc.id) ents.push(e);
    }
    if (targeting) return { status: 200, body: this.targetingJson(level, ents, types, specs, d0, d1) };
    if (gran === 'DAY' && !aggregate) return { status: 200, body: this.dailyJson(idKey, ents, specs, d0, d1, settle) };
    return json(200, this.aggregated(idKey, ents, specs, d0, d1, gran, aggregate));
  }

  /** Attribution windows, report time and time zone, as every ads-analytics endpoint validates them. */
  private attribution(q: Query): number | undefined {
    const [click, engagement, view] = ['click_window_days', 'engagement_window_days', 'view_window_days'].map((w) => enumParam(q, w, WINDOW_DAYS));
    enumParam(q, 'conversion_report_time', ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION']);
    refuseReportingTimezone(this.opts, enumParam(q, 'reporting_timezone', ['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE']));
    refuseAttribution(this.opts, click, engagement, view);
    return settleDays(this.opts, click, engagement, view);
  }

  private dailyJson(idKey: string, ents: EntityMeta[], specs: ColSpec[], d0: number, d1: number, settle?: number): Buffer[] {
    const w = new ByteWriter();
    const raw: number[] = new Array(specs.length);
    const dateKey = utf8(',"DATE":"');
    const close = utf8('"');
    let first = true;
    w.byte(0x5b); // [
    for (const e of ents) {
      const head = Buffer.from(`{"${idKey}":${JSON.stringify(e.id)}`);
      for (const d of entityDays(this.ctx, e, d0, d1)) {
        if (!first) w.byte(0x2c);
        first = false;
        fillRow(this.ctx, e, d, 0, specs, raw);
        if (settle !== undefined) unsettle(specs, raw, this.clock.day - d, settle, e.account.decimals === 0);
        w.bytes(head);
        w.bytes(dateKey);
        w.bytes(utf8(formatDay(d)));
        w.bytes(close);
        writeCells(w, specs, raw, e);
        w.byte(0x7d); // }
      }
    }
    w.byte(0x5d); // ]
    return w.chunks();
  }

  private targetingJson(level: Level, ents: EntityMeta[], types: string[], specs: ColSpec[], d0: number, d1: number): Buffer[] {
    const idKey = ID_COLUMN[level];
    const asNumber = this.opts.targetingIdsAsNumbers !== false;
    const w = new ByteWriter();
    const raw: number[] = new Array(specs.length);
    const close = utf8('"');
    const end = utf8('}}');
    let first = true;
    w.bytes(utf8('{"data":['));
    for (const e of ents) {
      const cells = entityTargeting(this.ctx, e, types);
      if (!cells.length) continue;
      const idJson = asNumber ? e.id : JSON.stringify(e.id);
      const days = entityDays(this.ctx, e, d0, d1);
      for (const cell of cells) {
        const head = Buffer.from(
          `{"targeting_type":${JSON.stringify(cell.type)},"targeting_value":${JSON.stringify(cell.value)},"metrics":{"${idKey}":${idJson},"DATE":"`,
        );
        const sub = targetingSub(cell.typeIdx, cell.valueIdx);
        for (const d of days) {
          if (!targetingRowExists(this.ctx, e, d, cell)) continue;
          if (!first) w.byte(0x2c);
          first = false;
          fillRow(this.ctx, e, d, sub, specs, raw);
          w.bytes(head);
          w.bytes(utf8(formatDay(d)));
          w.bytes(close);
          writeCells(w, specs, raw, e);
          w.bytes(end);
        }
      }
    }
    w.bytes(utf8(']}'));
    return w.chunks();
  }

  /** TOTAL / WEEK / MONTH (and DAY with aggregate_report_rows): sums of the daily values. */
  private aggregated(idKey: string, ents: EntityMeta[], specs: ColSpec[], d0: number, d1: number, gran: string, aggregate: boolean): Json[] {
    const bucketOf = (d: number): string | undefined => {
      if (gran === 'TOTAL') return undefined;
      if (gran === 'DAY') return formatDay(d);
      if (gran === 'WEEK') return formatDay(d - ((new Date(d * 86_400_000).getUTCDay() + 6) % 7));
      return formatDay(d).slice(0, 8) + '01';
    };
    const rows = new Map<string, Json>();
    const raw: number[] = new Array(specs.length);
    for (const e of ents) {
      for (const d of entityDays(this.ctx, e, d0, d1)) {
        fillRow(this.ctx, e, d, 0, specs, raw);
        const vals = specs.map((s, i) => cellValue(s, e, raw[i]));
        const b = bucketOf(d);
        const key = (aggregate ? '' : e.id) + '|' + (b ?? '');
        let row = rows.get(key);
        if (!row) {
          row = aggregate ? {} : { [idKey]: e.id };
          if (b !== undefined) row.DATE = b;
          rows.set(key, row);
        }
        specs.forEach((s, i) => {
          const v = vals[i];
          if (v === undefined) return;
          if (typeof v === 'number' && s.kind !== 'attr') row![s.name] = Math.round((((row![s.name] as number) ?? 0) + v) * 1e6) / 1e6;
          else row![s.name] = v;
        });
      }
    }
    return [...rows.values()];
  }

  private organicDays(d0: number, d1: number): number[] {
    const out: number[] = [];
    for (let d = Math.max(d0, this.ds.dataStartDay); d <= Math.min(d1, this.ds.todayDay); d++) out.push(d);
    return out;
  }

  private pinAnalytics(pinId: string, q: Query): Answer {
    const [d0, d1] = this.dates(q);
    const types = q.list('metric_types');
    if (!types || types.length === 0) throw bad('Missing required parameter: metric_types');
    for (const t of types) if (!PIN_METRIC_TYPES.includes(t)) throw bad(`Invalid parameter metric_types: '${t}' is not a valid Pin metric type`);
    enumParam(q, 'app_types', ['ALL', 'MOBILE', 'TABLET', 'WEB']);
    enumParam(q, 'split_field', ['NO_SPLIT', 'APP_TYPE']);
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) this.account(adAcc);
    const pin = this.ds.pinById.get(pinId);
    if (!pin) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    if (!pin.owned) throw new ApiError(403, 7, MESSAGES.pinForbidden);
    if (pin.refuse === 404) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    if (pin.refuse === 403) throw new ApiError(403, 7, MESSAGES.pinForbidden);
    const uniq = Array.from(new Set(types));
    const daily: DailyMetrics[] = this.organicDays(d0, d1).map((d) => pinDay(this.ctx, pin, d, uniq, formatDay(d)));
    return json(200, {
      all: { daily_metrics: daily, summary_metrics: summarise(daily), lifetime_metrics: pinLifetime(this.ctx, pin) },
    });
  }

  private userAnalytics(q: Query): Answer {
    const [d0, d1] = this.dates(q);
    const types = q.list('metric_types') ?? [...USER_METRIC_TYPES];
    if (types.length === 0) throw bad('Invalid parameter metric_types: at least 1 item is required');
    for (const t of types) if (!USER_METRIC_TYPES.includes(t)) throw bad(`Invalid parameter metric_types: '${t}' is not a valid metric type`);
    enumParam(q, 'from_claimed_content', ['OTHER', 'CLAIMED', 'BOTH']);
    enumParam(q, 'pin_format', ['ALL', 'ORGANIC_IMAGE', 'ORGANIC_PRODUCT', 'ORGANIC_VIDEO', 'ADS_STANDARD', 'ADS_PRODUCT', 'ADS_VIDEO', 'ADS_IDEA']);
    enumParam(q, 'app_types', ['ALL', 'MOBILE', 'TABLET', 'WEB']);
    enumParam(q, 'content_type', ['ALL', 'PAID', 'ORGANIC']);
    enumParam(q, 'source', ['ALL', 'YOUR_PINS', 'OTHER_PINS']);
    enumParam(q, 'split_field', ['NO_SPLIT', 'APP_TYPE', 'OWNED_CONTENT', 'SOURCE', 'PIN_FORMAT']);
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) this.account(adAcc);
    const uniq = Array.from(new Set(types));
    const daily = this.organicDays(d0, d1).map((d) => userDay(this.ctx, this.ds.userKey, d, uniq, formatDay(d)));
    return json(200, { all: { daily_metrics: daily, summary_metrics: summarise(daily) } });
  }

  // ---- the other lists (extras.ts) ------------------------------------------------------------

  private moreLists(route: Route, path: string, q: Query, tok: TokenInfo): Answer {
    const ex = this.ds.extras;
    const adAccountOf = () => this.account(route.params.ad_account_id).id;
    const boardOf = () => {
      const id = route.params.board_id;
      if (!/^\d+$/.test(id)) throw bad(`Invalid board_id: '${id}'`);
      const board = visibleBoards(this.ds, tok.scopes).find((b) => b.id === id);
      if (!board) throw new ApiError(404, 40, 'Board not found.');
      return id;
    };
    const optionalAdAccount = () => {
      const adAcc = q.one('ad_account_id');
      if (adAcc !== undefined) this.account(adAcc);
    };
    switch (route.list!) {
      case 'audiences':
        enumParam(q, 'order', ['ASCENDING', 'DESCENDING']);
        if ((enumParam(q, 'ownership_type', ['OWNED', 'RECEIVED']) ?? 'OWNED') === 'RECEIVED') return this.page(path, q, []);
        return this.page(path, q, ex.audiences.get(adAccountOf()) ?? []);
      case 'customer_lists':
        enumParam(q, 'order', ['ASCENDING', 'DESCENDING']);
        return this.page(path, q, ex.customerLists.get(adAccountOf()) ?? []);
      case 'conversion_tags': {
        // Not paged: the OpenAPI file declares no page_size or bookmark here.
        for (const p of ['page_size', 'bookmark']) if (q.has(p)) throw bad(`Unknown parameter: ${p}`);
        const deleted = boolParam(q, 'filter_deleted') ?? false;
        const tags = ex.conversionTags.get(adAccountOf()) ?? [];
        return json(200, { items: deleted ? tags.filter((t) => t.status !== 'DELETED') : tags });
      }
      case 'keywords': {
        const acc = adAccountOf();
        const campaignId = q.one('campaign_id');
        const adGroupId = q.one('ad_group_id');
        const adGroupIds = idList(q, 'ad_group_ids', false, 250, 18);
        for (const v of [campaignId, adGroupId]) if (v !== undefined && !/^\d{1,18}$/.test(v)) throw bad(`Invalid parameter: '${v}' does not match ^\\d+$`);
        const matchTypes = q.list('match_types');
        if (matchTypes) for (const m of matchTypes) if (!['BROAD', 'PHRASE', 'EXACT', 'EXACT_NEGATIVE', 'PHRASE_NEGATIVE'].includes(m)) throw bad(`Invalid parameter match_types: '${m}'`);
        let items: Json[];
        if (adGroupIds || adGroupId) items = (adGroupIds ?? [adGroupId!]).flatMap((g) => (this.ds.entityById.get(g)?.accountId === acc ? ex.adGroupKeywords.get(g) ?? [] : []));
        else if (campaignId) items = [];
        else items = ex.accountKeywords.get(acc) ?? [];
        if (matchTypes) items = items.filter((k) => matchTypes.includes(k.match_type as string));
        return this.page(`${path}|${adGroupIds?.join(',') ?? adGroupId ?? campaignId ?? ''}|${matchTypes?.join(',') ?? ''}`, q, items);
      }
      case 'board_sections':
        optionalAdAccount();
        return this.page(path, q, ex.sections.get(boardOf()) ?? []);
      case 'board_pins': {
        optionalAdAccount();
        const board = boardOf();
        const creative = q.list('creative_types');
        const withMetrics = boolParam(q, 'pin_metrics') ?? false;
        let pins = visiblePins(this.ds, tok.scopes, true).filter((p) => p.item.board_id === board);
        if (creative) pins = pins.filter((p) => creative.includes(p.item.creative_type as string));
        return this.page(`${path}|${creative?.join(',') ?? ''}|${withMetrics}`, q, pins.map((p) => (withMetrics ? pinWithMetrics(this.ctx, p) : p.item)));
      }
      case 'board_section_pins': {
        optionalAdAccount();
        const board = boardOf();
        const section = route.params.section_id;
        if (!(ex.sections.get(board) ?? []).some((s) => s.id === section)) throw new ApiError(404, 40, 'Board section not found.');
        return this.page(path, q, (ex.sectionPins.get(section) ?? []).map((p) => p.item));
      }
      case 'catalogs':
        optionalAdAccount();
        return this.page(path, q, ex.catalogs);
      case 'feeds': {
        optionalAdAccount();
        const catalogId = q.one('catalog_id');
        return this.page(`${path}|${catalogId ?? ''}`, q, ex.feeds.filter((f) => catalogId === undefined || ex.feedCatalog.get(f.id as string) === catalogId));
      }
      case 'product_groups': {
        optionalAdAccount();
        const catalogId = q.one('catalog_id');
        const feedId = q.one('feed_id');
        const ids = q.list('id');
        if (ids && ids.length > 1000) throw bad('Invalid parameter id: at most 1000 items are allowed');
        const items = ex.productGroups.filter((g) => (catalogId === undefined || g.catalog_id === catalogId) && (feedId === undefined || g.feed_id === feedId) && (!ids || ids.includes(g.id as string)));
        return this.page(`${path}|${catalogId ?? ''}|${feedId ?? ''}|${ids?.join(',') ?? ''}`, q, items);
      }
    }
  }
}
