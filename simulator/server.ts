// HTTP layer of the Pinterest API simulator (node:http only): the server's life cycle, the control API,
// the request pipeline (logging, latency, faults, auth, rate limits, cache) and the dispatch to the
// endpoint table (endpoints.ts), whose rows answer through lists.ts and analytics.ts, and to auth.ts and reports.ts.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { organicOwner } from './organic-access';
import { AnalyticsEndpoints } from './analytics';
import { ApiError, bodyLength, errorAnswer, json, MESSAGES, type Answer } from './answers';
import { grantedScopes, TokenAuthority, type TokenInfo } from './auth';
import { ConsentFlow } from './consent';
import type { Dataset } from './types';
import { FaultInjector, serverErrorAnswer } from './faults';
import { ListEndpoints } from './lists';
import { lastReadyDay, MetricsReadyState } from './metrics-ready';
import { metricsContext, type MetricsContext } from './metrics';
import { refusalFor } from './overrides';
import { adAccountOf, Query } from './params';
import { RateLimiter } from './rate-limits';
import { SimClock } from './api-quirks';
import { ReportApi } from './reports';
import { Lru } from './response-cache';
import { matchRoute, serveList, type Handlers, type Route } from './endpoints';
import type {
  Credentials,
  FaultKind,
  GroundTruth,
  GroundTruthConfig,
  LoggedRequest,
  MetricsReadyKnobs,
  SimulatorOptions,
} from './types';

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

export class SimServer {
  readonly ctx: MetricsContext;
  readonly reportApi: ReportApi;
  readonly log: LoggedRequest[] = [];
  private server: http.Server;
  private sockets = new Set<Socket>();
  private timers = new Set<NodeJS.Timeout>();
  readonly consent: ConsentFlow;
  private auth: TokenAuthority;
  private rateLimiter: RateLimiter;
  private faults: FaultInjector;
  private cache: Lru;
  private handlers: Handlers;
  private ridSeq = 0;
  private started = Date.now();
  private cpuStart = process.cpuUsage();
  readonly clock: SimClock;
  readonly metricsReady: MetricsReadyState;
  private statsData = {
    requests: 0,
    byStatus: {} as Record<string, number>,
    byCategory: {} as Record<string, number>,
    faults: 0,
    bytesOut: 0,
  };
  url = '';

  constructor(
    readonly ds: Dataset,
    readonly opts: SimulatorOptions,
    readonly creds: Credentials,
    private groundTruth?: (cfg: GroundTruthConfig) => GroundTruth,
  ) {
    this.ctx = metricsContext(ds);
    this.clock = new SimClock(ds.todayDay, opts);
    this.reportApi = new ReportApi(
      ds,
      this.ctx,
      { refuseReportingTimezone: opts.refuseReportingTimezone, ...opts.reports },
      opts.seed ?? 1,
      opts,
    );
    this.metricsReady = new MetricsReadyState(this.clock, opts.metricsReady);
    this.reportApi.lastReadyDay = () => lastReadyDay(ds.todayDay, this.metricsReady.knobs);
    this.consent = new ConsentFlow(creds.clientId, () => grantedScopes(opts), opts.consent, opts.redirectUris);
    this.auth = new TokenAuthority(creds, opts, this.consent);
    this.rateLimiter = new RateLimiter(opts);
    this.faults = new FaultInjector(opts);
    this.cache = new Lru(opts.cacheMaxBytes ?? 256 * 1024 * 1024);
    this.handlers = {
      ds,
      ctx: this.ctx,
      lists: new ListEndpoints(ds, this.ctx, opts),
      analytics: new AnalyticsEndpoints(ds, this.ctx, opts, this.clock),
      metricsReady: this.metricsReady,
      clock: this.clock,
    };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // never let a handler bug kill the process; answer 500 when still possible
        try {
          if (!res.headersSent) {
            const body = Buffer.from(
              JSON.stringify({ code: 0, message: `simulator bug: ${String(err?.stack ?? err)}` }),
            );
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
    this.faults.failNext(kind, o);
  }
  revokeRefreshToken(): void {
    this.auth.revokeRefreshToken();
  }
  expireAccessTokens(): void {
    this.auth.expireAccessTokens();
  }
  currentRefreshToken(): string {
    return this.auth.currentRefreshToken();
  }
  resetRateLimits(): void {
    this.rateLimiter.reset();
  }
  /** New knobs for GET /resources/metrics_ready_state (metrics become ready between reads); cached answers go. */
  setMetricsReady(knobs: MetricsReadyKnobs): void {
    this.metricsReady.knobs = knobs;
    this.cache.clear();
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
   * expire-access-tokens | reset-log | reset-rate-limits | metrics-ready (body: MetricsReadyKnobs) |
   * ground-truth (body: GroundTruthConfig).
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
      // A full collection now (a benchmark, between measured runs), when Node runs with --expose-gc.
      else if (method === 'POST' && op === 'collect') (globalThis as { gc?: () => void }).gc?.();
      else if (method === 'POST' && op === 'reset-rate-limits') this.resetRateLimits();
      else if (method === 'POST' && op === 'advance-day') this.clock.advance(arg.days ?? 1);
      else if (method === 'POST' && op === 'metrics-ready') this.setMetricsReady(arg);
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
    const entry: LoggedRequest = {
      method,
      path,
      query: q.record(),
      status: 0,
      category: route?.endpoint.category ?? 'none',
      at,
    };
    if (this.opts.logRequests !== false) this.log.push(entry);
    this.statsData.requests++;
    if (route) this.clock.onRequest(path);

    if (this.opts.latencyMs) await this.sleep(this.opts.latencyMs);

    let answer: Answer;
    let fault: FaultKind | undefined;
    if (!route) {
      answer = json(404, { code: 404, message: `Resource not found: ${method} ${url.pathname}` });
    } else if (route.endpoint.method !== method && !(route.endpoint.kind === 'reports' && method === 'POST')) {
      answer = json(405, { code: 405, message: `Method ${method} not allowed on ${url.pathname}` });
    } else {
      fault = this.faults.pick(route, path);
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
        answer = serverErrorAnswer(fault);
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

  private process(
    route: Route,
    path: string,
    q: Query,
    req: http.IncomingMessage,
    body: string,
    url: URL,
    spurious: boolean,
  ): Answer {
    try {
      if (route.endpoint.kind === 'token') return this.auth.token(req, body);
      const tok = this.auth.authorize(req, route.endpoint.scopes);
      const refused = refusalFor(this.opts.refusals, path);
      if (refused) throw new ApiError(refused.status, refused.code, refused.message);
      const rl = this.rateLimiter.check(route.endpoint.category);
      if (rl.limited) return rl.limited;
      if (spurious) return { ...json(400, { code: 1, message: MESSAGES.last90Days }), headers: rl.headers };
      if (route.endpoint.kind === 'reports') {
        // Asynchronous reports (reports.ts): never cached, a poll's answer changes.
        adAccountOf(this.ds, route.params.ad_account_id);
        const a = this.reportApi.handle(
          String(req.method).toUpperCase(),
          route.params.ad_account_id,
          url.searchParams,
          body,
        );
        return { ...json(a.status, a.body), headers: rl.headers };
      }
      // Business Access: an organic request for a client's ad account needs a role that allows it.
      if (route.endpoint.category.startsWith('org_')) organicOwner(this.ds, q, this.opts.businessAccessRole);
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

  // ---- dispatch ---------------------------------------------------------------------------

  private dispatch(route: Route, path: string, q: Query, tok: TokenInfo): Answer {
    const { endpoint, params } = route;
    const r = { params, path, q, scopes: tok.scopes };
    if (endpoint.list) return serveList(this.handlers, endpoint.list, r);
    if (endpoint.serve) return endpoint.serve(this.handlers, r);
    throw new ApiError(404, 404, 'Not found.');
  }
}
