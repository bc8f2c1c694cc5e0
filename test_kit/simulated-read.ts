/**
 * The connector read in-process (test_kit/in-process.ts) against the simulator on loopback — the one model
 * of Pinterest's behaviour — for the unit stream tests: a simulator per test file (or describe block) at a
 * small size, its request log as `METHOD path?sorted-query` lines, every request checked against the
 * OpenAPI parameter definitions, the exact list requests a read must make (the bookmarks taken from the
 * simulator itself), ids and records from its dataset and ground truth.
 */
import {
  groundTruthFor,
  startSimulator,
  type GroundTruth,
  type GroundTruthConfig,
  type LoggedRequest,
  type Simulator,
  type SimulatorOptions,
  type SizeKnobs,
} from '../simulator';
import type { FakePinterest } from './msw-pinterest';
import type { RunResult } from './in-process';
import { checkRequestAgainstOpenApi } from './openapi';
import { connectorEnv } from './simulator-run';
import { TODAY, type Json } from './constants';
import { describeRequest, expectCleanRead, read, type RecordedRequest, type StreamSelection } from './read-checks';

/**
 * Small enough for many reads per file, big enough for every rule of a read: two ad accounts (USD owned,
 * EUR shared); the first has > 250 campaigns, ad groups and ads in ACTIVE+PAUSED+ARCHIVED (two list pages,
 * two id batches), the second a handful in every status; /pins and followers take two pages; of 20 owned
 * pins one refuses analytics with 404 and one with 403.
 */
export const UNIT_SIZE: Partial<SizeKnobs> = {
  adAccounts: 2,
  sharedAdAccounts: 1,
  campaignsPerAccount: 8,
  flightDaysMin: 5,
  flightDaysMax: 40,
  ownedPins: 20,
  refusingPinRate: 0.1,
};

export const ALL_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED'];
export type Entity = 'campaigns' | 'ad_groups' | 'ads';

/** A logged request in the form the read checks take (flat query, absolute URL). */
function recorded(entry: LoggedRequest, baseUrl: string): RecordedRequest {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(entry.query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  const query = Object.fromEntries(
    Object.entries(entry.query).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : v]),
  );
  return {
    method: entry.method,
    path: entry.path,
    query,
    url: `${baseUrl}${entry.path}${params.size ? `?${params}` : ''}`,
  };
}

/** `METHOD path?sorted-query`, the form in which tests compare request lists. */
export const requestLine = (method: string, path: string, query: Record<string, string> = {}): string =>
  `${method} ${describeRequest({ method, path, query, url: '' })}`;

export class SimulatedPinterest {
  private started?: Simulator;
  constructor(readonly options: SimulatorOptions) {}

  get sim(): Simulator {
    if (!this.started) throw new Error('the simulator runs inside the test hooks only');
    return this.started;
  }
  async start(): Promise<void> {
    this.started = await startSimulator(this.options);
  }
  async close(): Promise<void> {
    await this.started?.close();
  }

  /** Requests the connector made since the test began. */
  get requests(): RecordedRequest[] {
    return this.sim.requestLog.map((e) => recorded(e, this.sim.url));
  }
  requestsTo(path: string | RegExp, method = 'GET'): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }
  /** The requests as sorted `METHOD path?query` lines (concurrency decides their order). */
  lines(requests = this.requests): string[] {
    return requests.map((r) => requestLine(r.method, r.path, r.query)).sort();
  }
  /** Every logged request against the OpenAPI parameter definitions: [] when all conform. */
  openApiProblems(): string[] {
    return this.requests.flatMap((r) => checkRequestAgainstOpenApi(r.method, r.url));
  }

  get accounts(): string[] {
    return this.sim.data.adAccounts.map((a) => a.id);
  }
  currency(account: string): string {
    return this.sim.data.adAccountById.get(account)!.currency;
  }
  /** Ids of an account's entities in the given statuses, in list order (the order the connector batches them). */
  ids(entity: Entity, account: string, statuses = ALL_STATUSES): string[] {
    const byAccount =
      entity === 'campaigns'
        ? this.sim.data.campaigns
        : entity === 'ad_groups'
          ? this.sim.data.adGroups
          : this.sim.data.ads;
    return (byAccount.get(account) ?? []).filter((e) => statuses.includes(e.status)).map((e) => e.id);
  }
  truth(cfg: Partial<GroundTruthConfig> = {}): GroundTruth {
    return this.sim.groundTruth({ today: TODAY, columns: [], ...cfg });
  }

  /**
   * The requests that read a whole list with `query` (page_size included): the first page, then one per
   * bookmark until the simulator answers null. Walked here with the static token; the walk leaves the log as it was.
   */
  async listRequests(path: string, query: Record<string, string>): Promise<string[]> {
    const log = this.sim.requestLog;
    const before = log.length;
    const lines: string[] = [];
    let bookmark: string | null = null;
    try {
      do {
        const q: Record<string, string> = { ...query, ...(bookmark ? { bookmark } : {}) };
        const res = await fetch(`${this.sim.url}${path}?${new URLSearchParams(q)}`, {
          headers: { authorization: `Bearer ${this.sim.credentials.staticAccessToken}` },
        });
        if (res.status !== 200) throw new Error(`listRequests ${path}: HTTP ${res.status} ${await res.text()}`);
        lines.push(requestLine('GET', path, q));
        bookmark = ((await res.json()) as { bookmark: string | null }).bookmark;
      } while (bookmark);
    } finally {
      log.splice(before);
    }
    return lines;
  }

  /** An OAuth config with the simulator's credentials: three windows of 30 days from 2026-05-01, no lookback. */
  config(extra: Json = {}): Json {
    const c = this.sim.credentials;
    return {
      credentials: {
        auth_method: 'oauth2.0',
        client_id: c.clientId,
        client_secret: c.clientSecret,
        refresh_token: c.refreshToken,
      },
      start_date: '2026-05-01',
      window_days: 30,
      lookback_days: 0,
      ...extra,
    };
  }
  /** `read` in-process with PINTEREST_API_URL = the simulator. */
  read(config: Json, streams: StreamSelection[], state?: unknown): Promise<RunResult> {
    return read(config, streams, state, connectorEnv(this.sim));
  }
  /** exit 0, no error, STARTED → RUNNING → COMPLETE, recordCount on every state, records fit the schema, requests fit OpenAPI. */
  expectCleanRead(r: RunResult, streams: string[]): void {
    // expectCleanRead asks its fake for openApiProblems() only.
    expectCleanRead(r, { openApiProblems: () => this.openApiProblems() } as unknown as FakePinterest, streams);
  }
}

/** The ad account ids a simulator with these options serves (known before it starts, for knobs that name one). */
export const accountsOf = (options: SimulatorOptions = {}): string[] =>
  groundTruthFor({ today: TODAY, size: UNIT_SIZE, ...options }, { columns: [] }).adAccountIds;

/** A simulator for the enclosing file or describe block: started before its tests, log cleared before each, closed after. */
export function useSimulatedPinterest(options: SimulatorOptions = {}): SimulatedPinterest {
  const p = new SimulatedPinterest({ today: TODAY, size: UNIT_SIZE, ...options });
  beforeAll(() => p.start());
  beforeEach(() => p.sim.resetLog());
  afterAll(() => p.close());
  return p;
}

/** Records of one ad account. */
export const ofAccount = (records: Json[], account: string): Json[] =>
  records.filter((r) => r.ad_account_id === account);
/** Records dated start … end (inclusive). */
export const between = (records: Json[], start: string, end: string): Json[] =>
  records.filter((r) => r.date >= start && r.date <= end);
