// Pinterest API v5 simulator: entry point. See README.md in this folder.
import { generateDataset } from './dataset';
import type { Dataset } from './types';
import { computeGroundTruth } from './groundTruth';
import { addExtraItemFields } from './overrides';
import { formatDay, parseDay, todayUtcDay } from './rng';
import type { ReportApi } from './reports';
import { SimServer, type SimulatorStats } from './server';
import { DEFAULT_SIZE } from './sizes';
import type { CodeExchange } from './consent';
import type {
  ConsentMode,
  Credentials,
  FaultKind,
  GroundTruth,
  GroundTruthConfig,
  LoggedRequest,
  MetricsReadyKnobs,
  SimulatorOptions,
  SizeKnobs,
} from './types';

export * from './types';
export { SIZES, DEFAULT_SIZE } from './sizes';
export { REPORT_TARGETING_TYPES, reportAcceptsType } from './reports';
export {
  ENDPOINTS,
  STREAM_NAMES,
  streamForPath,
  streamOfRequest,
  type Endpoint,
  type ListSpec,
  type StreamOfPath,
} from './endpoints';
export { CONSENT_MODES, type CodeExchange } from './consent';
export { MESSAGES } from './answers';
export { DEFAULT_SCOPES } from './auth';
export { type SimulatorStats } from './server';
export { NON_NUMERIC_COLUMNS, TARGETING_TYPES, PIN_METRIC_TYPES, USER_METRIC_TYPES } from './metrics';
export {
  ANALYTICS_COLUMNS,
  CAMPAIGN_TARGETING_TYPES,
  AD_GROUP_TARGETING_TYPES,
  AD_TARGETING_TYPES,
  AD_ACCOUNT_TARGETING_TYPES,
  PIN_STANDARD_METRIC_TYPES,
  PIN_VIDEO_METRIC_TYPES,
  USER_ACCOUNT_METRIC_TYPES,
} from './enums';

export const DEFAULT_CREDENTIALS: Required<Credentials> = {
  clientId: '1500123',
  clientSecret: 'sim-client-secret-0123456789abcdef',
  refreshToken: 'pinr_sim_refresh_token_0001',
  staticAccessToken: 'pina_sim_static_access_token_0001',
};

export interface Simulator {
  /** base URL incl. /v5, e.g. http://127.0.0.1:41234/v5 */
  url: string;
  port: number;
  /** the day the simulator takes as today (YYYY-MM-DD) */
  today: string;
  seed: number;
  credentials: Required<Credentials>;
  close(): Promise<void>;
  /** live array of every request received (cleared in place by resetLog) */
  requestLog: LoggedRequest[];
  resetLog(): void;
  /** deterministic one-shot faults: the next `count` matching requests (default 1) get `kind` */
  failNext(kind: FaultKind, opts?: { count?: number; pathIncludes?: string }): void;
  revokeRefreshToken(): void;
  /** what the consent page does from now on (see consent.ts) */
  setConsent(mode: ConsentMode): void;
  /** every authorization-code exchange so far: redirect_uri, continuous_refresh, accepted */
  codeExchanges(): CodeExchange[];
  /** every access token issued so far, and the static one, is expired from now on */
  expireAccessTokens(): void;
  currentRefreshToken(): string;
  /** forget sliding windows and daily quota counters */
  resetRateLimits(): void;
  groundTruth(cfg: GroundTruthConfig): GroundTruth;
  stats(): SimulatorStats;
  /** the generated dataset (read-only) */
  readonly data: Dataset;
  /** new knobs for GET /resources/metrics_ready_state from now on (the ground truth follows them) */
  setMetricsReady(knobs: MetricsReadyKnobs): void;
  /** move the simulated calendar (date limits, Date header) forward: midnight during a read */
  advanceDay(days?: number): void;
  /** the simulated day now (today, plus the days the clock advanced) */
  currentDay(): string;
  /**
   * Changes entities (campaigns, ad groups, ads) as an advertiser's edit would: their `updated_time` becomes
   * `at` (default: one hour after the newest updated_time of the dataset). The ground truth follows.
   */
  touchEntities(ids: readonly string[], at?: number): void;
  /** the report API: its download host's received Authorization headers and its counters */
  readonly reports: Pick<
    ReportApi,
    'authorizationHeaders' | 'stats' | 'downloadBase' | 'customTruth' | 'bodies' | 'fileTexts'
  >;
}

function resolveSize(size?: Partial<SizeKnobs>): SizeKnobs {
  return { ...DEFAULT_SIZE, ...(size ?? {}) };
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? 1;
  const todayDay = opts.today ? parseDay(opts.today) : todayUtcDay();
  if (Number.isNaN(todayDay)) throw new Error(`startSimulator: bad today '${opts.today}' (want YYYY-MM-DD)`);
  const sizes = resolveSize(opts.size);
  const creds: Required<Credentials> = { ...DEFAULT_CREDENTIALS, ...(opts.credentials ?? {}) } as Required<Credentials>;
  const ds = generateDataset(seed, todayDay, sizes, opts.unknownFields !== false);
  addExtraItemFields(ds, opts.extraItemFields);
  // The ground truth follows the metrics-ready knobs as they are now (setMetricsReady changes them).
  const truth = (cfg: GroundTruthConfig) =>
    computeGroundTruth(ds, { ...opts, seed, metricsReady: srv.metricsReady.knobs }, cfg);
  const srv: SimServer = new SimServer(ds, { ...opts, seed }, creds, truth);
  await srv.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  const port = Number(new URL(srv.url).port);
  return {
    url: srv.url,
    port,
    today: ds.today,
    seed,
    credentials: creds,
    close: () => srv.close(),
    requestLog: srv.log,
    resetLog: () => {
      srv.log.length = 0;
    },
    failNext: (kind, o) => srv.failNext(kind, o),
    revokeRefreshToken: () => srv.revokeRefreshToken(),
    setConsent: (mode) => srv.consent.setMode(mode),
    codeExchanges: () => [...srv.consent.exchanges],
    expireAccessTokens: () => srv.expireAccessTokens(),
    currentRefreshToken: () => srv.currentRefreshToken(),
    resetRateLimits: () => srv.resetRateLimits(),
    groundTruth: truth,
    setMetricsReady: (knobs) => srv.setMetricsReady(knobs),
    stats: () => srv.stats(),
    data: ds,
    advanceDay: (days) => srv.clock.advance(days),
    currentDay: () => formatDay(srv.clock.day),
    touchEntities: (ids, at) => {
      touchEntities(ds, ids, at);
      srv.clearCache();
    },
    reports: srv.reportApi,
  };
}

function touchEntities(ds: Dataset, ids: readonly string[], at?: number): void {
  const entities = ids.map((id) => {
    const e = ds.entityById.get(id);
    if (!e) throw new Error(`touchEntities: no campaign, ad group or ad ${id}`);
    return e;
  });
  const newest = Math.max(...[...ds.entityById.values()].map((e) => Number(e.item.updated_time) || 0));
  // a new item object: the list pages cache each item's JSON by identity
  for (const e of entities) e.item = { ...e.item, updated_time: at ?? newest + 3600 };
}

/** Ground truth without starting a server (same dataset as startSimulator with the same options). */
export function groundTruthFor(opts: SimulatorOptions, cfg: GroundTruthConfig): GroundTruth {
  const seed = opts.seed ?? 1;
  const todayDay = opts.today ? parseDay(opts.today) : todayUtcDay();
  const ds = generateDataset(seed, todayDay, resolveSize(opts.size), opts.unknownFields !== false);
  addExtraItemFields(ds, opts.extraItemFields);
  return computeGroundTruth(ds, { ...opts, seed }, cfg);
}
