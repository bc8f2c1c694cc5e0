// Asynchronous reports of the simulator: POST /ad_accounts/{id}/reports (JSON body), GET …/reports?token=,
// and a second loopback server for the pre-signed downloads (another host for the connector: it records
// any Authorization header it receives). Limits and error bodies follow the OpenAPI description of
// analytics/create_report; files are JSON keyed by entity id, or CSV with a header.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { entitiesOf } from './dataset';
import { productGroupEntities, runsKeywordAndShoppingAds } from './product-groups';
import type { Dataset, EntityMeta } from './types';
import {
  cellValue,
  entityDays,
  entityTargeting,
  fillRow,
  planColumns,
  targetingRowExists,
  targetingSub,
  zoneSub,
  REPORTING_TIMEZONES,
  type MetricsContext,
} from './metrics';
import { ApiError } from './answers';
import { Lru } from './response-cache';
import { refuseReportingTimezone } from './api-quirks';
import { lastReadyDay, periodEnd } from './metrics-ready';
import { formatDay, hash, parseDay, strHash } from './rng';
import { REACH_COLUMNS } from '../src/pinterest/limits';
import { refuseTargetingTypes } from './api-quirks';
import type { Level, ReportKnobs, SimulatorOptions } from './types';

const REPORT_LEVELS = [
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
  'PRODUCT_ITEM_TARGETING',
] as const;

/** TargetingTypeFilter's enum (it differs from the synchronous endpoints' list). */
export const REPORT_TARGETING_TYPES = [
  'KEYWORD',
  'APPTYPE',
  'GENDER',
  'LOCATION',
  'PLACEMENT',
  'COUNTRY',
  'TARGETED_INTEREST',
  'PINNER_INTEREST',
  'AUDIENCE_INCLUDE',
  'GEO',
  'AGE_BUCKET',
  'REGION',
  'MEDIA_TYPE',
  'AGE_BUCKET_AND_GENDER',
  'AUDIENCE_MULTIPLIER',
  'CREATIVE_ENHANCEMENTS',
  'LOCAL_ADS_STORE_CODE',
];

/** Whether a report at this targeting level accepts the type. */
export function reportAcceptsType(level: string, type: string): boolean {
  if (!REPORT_TARGETING_TYPES.includes(type)) return false;
  if (type === 'AUDIENCE_MULTIPLIER') return level === 'CAMPAIGN_TARGETING';
  if (type === 'MEDIA_TYPE') return level === 'PRODUCT_ITEM_TARGETING';
  return true;
}

/** Synchronous columns that the report API does not take (ReportingColumnAsync lacks them). */
export const REPORT_UNSUPPORTED_COLUMNS = new Set(['QUIZ_PIN_RESULT_OPEN']);

/** The dataset level whose entities (or synthetic children of them) a report level reads. */
const SIM_LEVEL: Record<string, Level> = {
  ADVERTISER: 'ad_account',
  CAMPAIGN: 'campaign',
  AD_GROUP: 'ad_group',
  PIN_PROMOTION: 'ad',
  KEYWORD: 'ad_group',
  PRODUCT_GROUP: 'ad_group',
  PRODUCT_ITEM: 'ad_group',
};
/** The id column a row carries per level (none where the file's key is the only id). */
const ROW_ID_COLUMN: Record<string, string | undefined> = {
  ADVERTISER: 'AD_ACCOUNT_ID',
  CAMPAIGN: 'CAMPAIGN_ID',
  AD_GROUP: 'AD_GROUP_ID',
  PIN_PROMOTION: 'AD_ID',
  PRODUCT_GROUP: 'PRODUCT_GROUP_ID',
};
/** Record key of the level's id (custom-report ground truth). */
const LEVEL_ID_KEY: Record<string, string> = {
  ADVERTISER: 'ad_account_id',
  CAMPAIGN: 'campaign_id',
  AD_GROUP: 'ad_group_id',
  PIN_PROMOTION: 'ad_id',
  KEYWORD: 'keyword_id',
  PRODUCT_GROUP: 'product_group_id',
  PRODUCT_ITEM: 'product_item_id',
};
/** The other name some report rows give their entity's id (the aliasIdColumns knob). */
const ALIAS_ID_COLUMN: Record<string, string> = { ADVERTISER: 'ADVERTISER_ID', PIN_PROMOTION: 'PIN_PROMOTION_ID' };
const CSV_ID_COLUMN: Record<string, string> = { KEYWORD: 'KEYWORD_ID', PRODUCT_ITEM: 'PRODUCT_ITEM_ID' };
const WINDOW_DAYS = [0, 1, 7, 14, 30, 60];
const GRANULARITIES = ['TOTAL', 'DAY', 'HOUR', 'WEEK', 'MONTH'];
const SUMMARY_TO_SIM: Record<string, string> = {
  RUNNING: 'ACTIVE',
  APPROVED: 'ACTIVE',
  PAUSED: 'PAUSED',
  ARCHIVED: 'ARCHIVED',
};

/** Entity columns belong to a level and those below it (the connector's rule, as Pinterest refuses them). */
function columnAllowedAt(base: string, column: string): boolean {
  if (column.startsWith('CAMPAIGN_')) return base !== 'ADVERTISER';
  if (column.startsWith('AD_GROUP_')) return !['ADVERTISER', 'CAMPAIGN'].includes(base);
  if (['AD_ID', 'AD_NAME', 'AD_STATUS', 'PIN_ID'].includes(column) || column.startsWith('PIN_PROMOTION_'))
    return base === 'PIN_PROMOTION';
  if (column.startsWith('PRODUCT_GROUP_')) return base === 'PRODUCT_GROUP' || base === 'PRODUCT_ITEM';
  if (column.startsWith('PRODUCT_ITEM_')) return base === 'PRODUCT_ITEM';
  return true;
}

const mondayOf = (d: number) => d - ((d + 3) % 7); // day 0 (1970-01-01) was a Thursday
function monthOf(d: number): number {
  const t = new Date(d * 86_400_000);
  return Math.round(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) / 86_400_000);
}

class ReportError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
const bad = (message: string) => new ReportError(400, 1, message);

interface ReportRequest {
  level: string;
  simLevel: Level;
  targeting: boolean;
  start: number;
  end: number;
  columns: string[];
  types: string[];
  format: 'JSON' | 'CSV';
  base: string;
  granularity: string;
  statuses?: Set<string>;
  /** fillRow's salt for the days of `reporting_timezone` (metrics.ts zoneSub) */
  zone: number;
}

interface Report {
  token: string;
  accountId: string;
  req: ReportRequest;
  createdAt: number;
  polls: number;
  fails: boolean;
  expireOnce: boolean;
  cutOnce: boolean;
  downloads: number;
  file?: Buffer;
  links: Map<string, number>;
}

interface ReportApiStats {
  created: number;
  /** files built (a report asked again is served its file from the cache) */
  built: number;
  polls: number;
  downloads: number;
  failed: number;
  expiredLinks: number;
  cut: number;
  bytes: number;
}

export class ReportApi {
  /** The last day whose metrics are final (metrics-ready.ts): custom-report truth's data_ready. The server follows its live knobs. */
  lastReadyDay: () => number;
  /** Every Authorization header the download server received (should stay empty). */
  readonly authorizationHeaders: string[] = [];
  /** The JSON body of every report creation that parsed, in order (what a test inspects of report requests). */
  readonly bodies: Array<Record<string, unknown>> = [];
  readonly stats: ReportApiStats = {
    created: 0,
    built: 0,
    polls: 0,
    downloads: 0,
    failed: 0,
    expiredLinks: 0,
    cut: 0,
    bytes: 0,
  };
  private reports = new Map<string, Report>();
  private creations = new Map<string, number>();
  private entityCache = new Map<string, EntityMeta[]>();
  /**
   * Files built, by account, request and last final day: the data is deterministic, so a report asked again
   * (the next read of a benchmark) is not built again on the event loop, stalling every other answer, as the
   * response cache spares pages. Bounded like it (cacheMaxBytes).
   */
  private files: Lru;
  private seq = 0;
  private server: http.Server;
  private sockets = new Set<Socket>();
  downloadBase = '';

  constructor(
    private readonly ds: Dataset,
    private readonly ctx: MetricsContext,
    private readonly knobs: ReportKnobs = {},
    private readonly seed = 1,
    /** the options the report endpoint's refusals read (beta targeting types per account) */
    private readonly quirks: SimulatorOptions = {},
  ) {
    this.lastReadyDay = () => lastReadyDay(ds.todayDay, quirks.metricsReady);
    this.files = new Lru(quirks.cacheMaxBytes ?? 256 * 1024 * 1024);
    this.server = http.createServer((req, res) => {
      try {
        this.download(req, res);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => {
        const a = this.server.address() as AddressInfo;
        this.downloadBase = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections?.();
    });
  }

  /** The /v5 side: POST creates, GET ?token= polls. Answers {status, body}. */
  handle(method: string, accountId: string, query: URLSearchParams, body: string): { status: number; body: unknown } {
    try {
      if (method === 'POST') return { status: 200, body: this.create(accountId, query, body) };
      return { status: 200, body: this.poll(accountId, query) };
    } catch (e) {
      if (e instanceof ReportError) return { status: e.status, body: { code: e.code, message: e.message } };
      throw e;
    }
  }

  private create(accountId: string, query: URLSearchParams, raw: string): unknown {
    if ([...query.keys()].length > 0)
      throw bad('This endpoint does not support URL query parameters; send the parameters as a JSON body.');
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw);
    } catch {
      throw bad('Invalid request body: it must be a JSON object.');
    }
    if (typeof b !== 'object' || b === null || Array.isArray(b))
      throw bad('Invalid request body: it must be a JSON object.');
    this.bodies.push(b);
    const req = this.validate(b);
    this.refuse(accountId, req);
    const key = `${accountId}|${req.level}|${req.start}|${req.end}|${req.types.join(',')}|${req.columns.join(',')}`;
    const n = (this.creations.get(key) ?? 0) + 1;
    this.creations.set(key, n);
    const h = strHash(key);
    const rate = (r: number | undefined, salt: number, attempt = 1) =>
      !!r && hash(this.seed, h, attempt, salt) / 4294967296 < r;
    const token = `rpt_${(++this.seq).toString(36)}_${(hash(this.seed, h, n) >>> 0).toString(36)}`;
    this.reports.set(token, {
      token,
      accountId,
      req,
      createdAt: Date.now(),
      polls: 0,
      fails: rate(this.knobs.failRate, 0xfa, n),
      expireOnce: rate(this.knobs.expireLinkRate, 0xe1, n),
      cutOnce: rate(this.knobs.cutRate, 0xc7, n),
      downloads: 0,
      links: new Map(),
    });
    this.stats.created++;
    return { report_status: 'IN_PROGRESS', token, message: null };
  }

  private validate(b: Record<string, unknown>): ReportRequest {
    for (const f of ['start_date', 'end_date', 'granularity', 'level', 'columns'])
      if (b[f] === undefined) throw bad(`Missing required parameter: ${f}`);
    const level = String(b.level);
    if (!(REPORT_LEVELS as readonly string[]).includes(level))
      throw bad(`Invalid parameter level: '${level}' is not one of ${REPORT_LEVELS.join(', ')}`);
    const gran = String(b.granularity);
    if (!GRANULARITIES.includes(gran)) throw bad(`Invalid parameter granularity: '${gran}'`);
    if (!Array.isArray(b.columns) || b.columns.length === 0)
      throw bad('Invalid parameter columns: at least 1 item is required');
    const columns = (b.columns as unknown[]).map(String);
    const base = level.replace(/_TARGETING$/, '');
    for (const c of columns) {
      // Report columns beyond the synchronous enum are accepted (the simulator has no values for them).
      if (!/^[A-Z][A-Z0-9_]*$/.test(c) || REPORT_UNSUPPORTED_COLUMNS.has(c))
        throw bad(`Invalid parameter columns: '${c}' is not a valid reporting column`);
      if (!columnAllowedAt(base, c)) throw bad(`Invalid parameter columns: '${c}' is not available at level ${level}`);
      if (this.knobs.refuseColumns?.includes(c)) throw bad(`Column ${c} is not available for this ad account.`);
    }
    const sd = parseDay(String(b.start_date));
    const ed = parseDay(String(b.end_date));
    if (Number.isNaN(sd)) throw bad(`Invalid parameter start_date: '${String(b.start_date)}'`);
    if (Number.isNaN(ed)) throw bad(`Invalid parameter end_date: '${String(b.end_date)}'`);
    const today = this.ds.todayDay;
    const productItem = level.startsWith('PRODUCT_ITEM');
    const back = gran === 'HOUR' ? 8 : productItem ? 92 : 914;
    const span = gran === 'HOUR' ? 3 : productItem ? 31 : 186;
    if (sd < today - (back - 1))
      throw bad(
        `start_date ${formatDay(sd)} is too far in the past: reports go back at most ${back} days before the current date in UTC.`,
      );
    if (ed > today) throw bad(`end_date ${formatDay(ed)} is in the future.`);
    if (ed < sd) throw bad('end_date must not be before start_date.');
    if (ed - sd + 1 > span) throw bad(`The date range of a report may span at most ${span} days; got ${ed - sd + 1}.`);
    const targeting = level.endsWith('_TARGETING');
    let types: string[] = [];
    // The real API ignores targeting_types on a level that is not a targeting level.
    if (b.targeting_types !== undefined && targeting) {
      if (!Array.isArray(b.targeting_types) || b.targeting_types.length === 0)
        throw bad('Invalid parameter targeting_types: at least 1 item is required');
      if (b.targeting_types.length > 5)
        throw bad(`Invalid parameter targeting_types: at most 5 items are allowed, got ${b.targeting_types.length}`);
      types = (b.targeting_types as unknown[]).map(String);
      for (const t of types)
        if (!reportAcceptsType(level, t))
          throw bad(`Invalid parameter targeting_types: '${t}' is not available at level ${level}`);
    } else if (targeting) throw bad(`Level ${level} requires targeting_types.`);
    for (const w of ['click_window_days', 'engagement_window_days', 'view_window_days']) {
      if (b[w] !== undefined && !WINDOW_DAYS.includes(Number(b[w])))
        throw bad(`Invalid parameter ${w}: '${String(b[w])}'`);
    }
    if (
      b.conversion_report_time !== undefined &&
      !['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'].includes(String(b.conversion_report_time))
    ) {
      throw bad(`Invalid parameter conversion_report_time: '${String(b.conversion_report_time)}'`);
    }
    const format = b.report_format === undefined ? 'JSON' : String(b.report_format);
    if (format !== 'JSON' && format !== 'CSV') throw bad(`Invalid parameter report_format: '${format}'`);
    const simLevel = SIM_LEVEL[base];
    if (!simLevel) throw bad(`level ${level} is not supported by this simulator's reports`);
    for (const f of ['campaign_statuses', 'ad_group_statuses', 'ad_statuses', 'product_group_statuses'])
      if (Array.isArray(b[f]) && ((b[f] as unknown[]).length > 6 || (b[f] as unknown[]).length === 0))
        throw bad(`Invalid parameter ${f}: it takes 1 to 6 values`);
    if (
      b.attribution_types !== undefined &&
      (!Array.isArray(b.attribution_types) || b.attribution_types.some((t) => t !== 'INDIVIDUAL' && t !== 'HOUSEHOLD'))
    )
      throw bad(`Invalid parameter attribution_types: ${JSON.stringify(b.attribution_types)}`);
    const filter = (b.campaign_statuses ?? b.ad_group_statuses ?? b.ad_statuses) as unknown;
    const statuses = Array.isArray(filter)
      ? new Set(filter.map((x) => SUMMARY_TO_SIM[String(x)] ?? String(x)))
      : undefined;
    return {
      level,
      simLevel,
      targeting,
      start: sd,
      end: ed,
      columns,
      types,
      format: this.knobs.format ?? (format as 'JSON' | 'CSV'),
      base,
      granularity: gran,
      statuses,
      zone: reportZone(b, this.knobs),
    };
  }

  /** The text of every report file built so far (what the download host serves). */
  fileTexts(): string[] {
    return [...this.reports.values()].flatMap((r) => (r.file ? [r.file.toString('utf8')] : []));
  }

  /**
   * What Pinterest refuses of a valid request: beta targeting types for an account without the beta, and
   * reach / frequency columns on targeting levels (400 "Columns … are not available.", as peers report).
   */
  private refuse(accountId: string, req: ReportRequest): void {
    try {
      refuseTargetingTypes(this.quirks, req.types, accountId);
    } catch (e) {
      throw bad((e as Error).message);
    }
    const reach = req.targeting ? req.columns.filter((c) => REACH_COLUMNS.includes(c)) : [];
    if (reach.length > 0) throw bad(`Columns ${reach.join(', ')} are not available.`);
  }

  private poll(accountId: string, query: URLSearchParams): unknown {
    const token = query.get('token');
    if (!token) throw bad('Missing required parameter: token');
    const r = this.reports.get(token);
    this.stats.polls++;
    if (!r || r.accountId !== accountId) return { report_status: 'DOES_NOT_EXIST', url: null, size: null };
    if (Date.now() - r.createdAt > (this.knobs.reportTtlMs ?? 3_600_000))
      return { report_status: 'EXPIRED', url: null, size: null };
    r.polls++;
    if (r.polls <= (this.knobs.pollsUntilReady ?? 1)) return { report_status: 'IN_PROGRESS', url: null, size: null };
    if (r.fails) {
      if (r.polls === (this.knobs.pollsUntilReady ?? 1) + 1) this.stats.failed++;
      return { report_status: 'FAILED', url: null, size: null };
    }
    if (!r.file) {
      const req = JSON.stringify(r.req, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v));
      const key = `${r.accountId}|${this.lastReadyDay()}|${req}`;
      r.file = this.files.get(key) as Buffer | undefined;
      if (!r.file) {
        this.files.set(key, (r.file = this.build(r)));
        this.stats.built++;
      }
    }
    const nonce = (hash(this.seed, strHash(token), r.polls, 0x11) >>> 0).toString(36);
    r.links.set(nonce, Date.now() + (this.knobs.linkTtlMs ?? 300_000));
    const ext = r.req.format === 'CSV' ? 'csv' : 'json';
    const prefix = this.knobs.redirect ? 'r' : 'f';
    return {
      report_status: 'FINISHED',
      url: `${this.downloadBase}/${prefix}/${token}/${nonce}/report.${ext}?X-Amz-Expires=300&X-Amz-Signature=${nonce}`,
      size: this.fileSize(r),
    };
  }

  // ---- the download host ------------------------------------------------------------------

  private download(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.headers.authorization !== undefined) this.authorizationHeaders.push(String(req.headers.authorization));
    const url = new URL(req.url ?? '/', 'http://dl');
    const m = /^\/(r|f)\/([^/]+)\/([^/]+)\/report\.(json|csv)$/.exec(url.pathname);
    const r = m ? this.reports.get(m[2]) : undefined;
    if (!m || !r || !r.file) return this.s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    if (m[1] === 'r') {
      res.writeHead(302, { location: `/f/${m[2]}/${m[3]}/report.${m[4]}${url.search}` });
      res.end();
      return;
    }
    const expires = r.links.get(m[3]);
    if (expires === undefined) return this.s3Error(res, 403, 'AccessDenied', 'Request signature does not match.');
    this.stats.downloads++;
    r.downloads++;
    if (expires < Date.now() || (r.expireOnce && r.downloads === 1)) {
      this.stats.expiredLinks++;
      return this.s3Error(res, 403, 'AccessDenied', 'Request has expired');
    }
    const file = r.file;
    const cut = r.cutOnce && r.downloads === (r.expireOnce ? 2 : 1);
    res.writeHead(200, {
      'content-type': r.req.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/json',
      'content-length': this.fileSize(r),
    });
    if (this.repeats(r) > 1 && !cut) return this.streamRepeated(r, res);
    if (cut) {
      this.stats.cut++;
      const half = file.subarray(0, Math.floor(file.length / 2));
      this.stats.bytes += half.length;
      res.write(half, () => res.socket?.destroy());
      return;
    }
    this.stats.bytes += file.length;
    res.end(file);
  }

  private malformed<T extends { cells: Record<string, unknown> }>(rows: T[]): T[] {
    return this.knobs.rowsWithoutTargeting ? withoutTargeting(rows) : rows;
  }

  private repeats(r: Report): number {
    return r.req.format === 'JSON' && r.file && r.file.length > 2 ? Math.max(1, Math.floor(this.knobs.repeat ?? 1)) : 1;
  }

  private fileSize(r: Report): number {
    const n = this.repeats(r);
    return n === 1 ? r.file!.length : 2 + n * (r.file!.length - 2) + (n - 1);
  }

  /** `{members}` written `repeat` times inside one object, with backpressure: a file of any size in constant memory. */
  private streamRepeated(r: Report, res: http.ServerResponse): void {
    const inner = r.file!.subarray(1, r.file!.length - 1);
    const n = this.repeats(r);
    let i = 0;
    res.write('{');
    const pump = () => {
      while (i < n) {
        const more = res.write(i === 0 ? inner : Buffer.concat([Buffer.from(','), inner]));
        i++;
        this.stats.bytes += inner.length;
        if (!more) {
          res.once('drain', pump);
          return;
        }
      }
      res.end('}');
    };
    pump();
  }

  private s3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  // ---- files --------------------------------------------------------------------------------

  /**
   * The entities a level reports on: the dataset's campaigns, ad groups and ads; the account's own entity
   * for ADVERTISER; the product groups of shopping ad groups (product-groups.ts); synthetic keywords and
   * product items under each ad group.
   */
  levelEntities(base: string, accountId: string): EntityMeta[] {
    const key = `${base}|${accountId}`;
    let out = this.entityCache.get(key);
    if (out) return out;
    const simLevel = SIM_LEVEL[base];
    const parents = hasKeywordAndShoppingCampaigns(this.ds, base, accountId)
      ? entitiesOf(this.ds, simLevel, accountId)
      : [];
    const child = (p: EntityMeta, salt: number, j: number): EntityMeta => ({
      ...p,
      id: String(9_000_000_000_000 + ((hash(this.seed, p.key, salt, j) >>> 0) % 999_999_999) * 1000 + j),
      key: (hash(this.seed, p.key, salt, j) & 0x3fffffff) + 1_000_000,
      attrJson: undefined,
    });
    // Product item ids are 19 digits (beyond 2^53), so a row that rounds them shows.
    const productItem = (p: EntityMeta, j: number): EntityMeta => {
      const c = child(p, 0x1e, j);
      const h = hash(this.seed, p.key, 0x1f, j) >>> 0;
      return { ...c, id: `4${String(h % 1_000_000_000).padStart(9, '0')}${String(c.id).slice(-9)}` };
    };
    // ADVERTISER reads the account's own analytics entity (account-lists.ts): the rows GET /ad_accounts/{id}/analytics gives.
    if (base === 'KEYWORD') out = parents.flatMap((p) => [child(p, 0x4b, 0), child(p, 0x4b, 1)]);
    else if (base === 'PRODUCT_GROUP') out = productGroupEntities(this.ds, accountId);
    else if (base === 'PRODUCT_ITEM') out = parents.flatMap((p) => [productItem(p, 0), productItem(p, 1)]);
    else out = parents;
    this.entityCache.set(key, out);
    return out;
  }

  /** The report's rows, as the synchronous endpoints would give them for the same days (DAY), or per hour / week / month. */
  rows(accountId: string, req: ReportRequest): Array<{ ent: EntityMeta; cells: Record<string, unknown> }> {
    const specs = planColumns(req.columns, req.simLevel).filter(
      (s) => !ROW_ID_COLUMN[req.base] || s.name !== ROW_ID_COLUMN[req.base],
    );
    const idCol = ROW_ID_COLUMN[req.base];
    const aliasCol = this.knobs.aliasIdColumns ? ALIAS_ID_COLUMN[req.base] : undefined;
    const raw: number[] = new Array(specs.length);
    const out: Array<{ ent: EntityMeta; cells: Record<string, unknown> }> = [];
    for (const e of this.levelEntities(req.base, accountId)) {
      if (req.statuses && !req.statuses.has(e.status)) continue;
      const days = entityDays(this.ctx, e, req.start, req.end);
      if (days.length === 0) continue;
      const put = (d: number, sub: number, extra: Record<string, unknown>, undated = false) => {
        fillRow(this.ctx, e, d, sub + req.zone, specs, raw);
        const cells: Record<string, unknown> = idCol ? { [idCol]: e.id } : {};
        if (req.base === 'PRODUCT_ITEM') cells.PRODUCT_ITEM_ID = e.id;
        if (aliasCol) cells[aliasCol] = e.id;
        if (!undated) cells.DATE = formatDay(d);
        Object.assign(cells, extra);
        for (let i = 0; i < specs.length; i++) {
          const v = cellValue(specs[i], e, raw[i]);
          if (v !== undefined) cells[specs[i].name] = v;
        }
        out.push({ ent: e, cells });
      };
      // Periods (or hours) with data: a period has a row when one of its days has one.
      const slots: Array<{ day: number; sub: number; extra: Record<string, unknown>; undated?: boolean }> = [];
      if (req.granularity === 'WEEK' || req.granularity === 'MONTH') {
        const seen = new Set<number>();
        for (const d of days) {
          const p = req.granularity === 'WEEK' ? mondayOf(d) : monthOf(d);
          if (!seen.has(p)) {
            seen.add(p);
            slots.push({ day: p, sub: req.granularity === 'WEEK' ? 0x20000 : 0x30000, extra: {} });
          }
        }
      } else if (req.granularity === 'HOUR') {
        for (const d of days)
          for (let h = 0; h < 24; h++)
            if (hash(this.seed, e.key, d, h, 0xb0) / 4294967296 < 0.25)
              slots.push({ day: d, sub: 0x10000 * (h + 1), extra: { HOUR: h } });
      } else if (req.granularity === 'TOTAL') {
        // One row over the whole range, without DATE (UNCONFIRMED: how Pinterest dates a TOTAL row).
        slots.push({ day: req.start, sub: 0x40000 + (req.end - req.start), extra: {}, undated: true });
      } else for (const d of days) slots.push({ day: d, sub: 0, extra: {} });
      if (!req.targeting) {
        for (const sl of slots) put(sl.day, sl.sub, sl.extra, sl.undated);
        continue;
      }
      for (const cell of entityTargeting(this.ctx, e, req.types)) {
        for (const sl of slots) {
          // A TOTAL row exists when one of the range's days has one.
          const exists = sl.undated
            ? days.some((d) => targetingRowExists(this.ctx, e, d, cell))
            : targetingRowExists(this.ctx, e, sl.day, cell);
          if (!exists) continue;
          put(
            sl.day,
            sl.sub + targetingSub(cell.typeIdx, cell.valueIdx),
            { ...sl.extra, TARGETING_TYPE: cell.type, TARGETING_VALUE: cell.value },
            sl.undated,
          );
        }
      }
    }
    return out;
  }

  /**
   * Ground truth of a custom report: the records a connector should give for it over start … end (whole
   * periods), in the record shape of docs/contract.md §4.
   */
  customTruth(cfg: {
    level: string;
    granularity?: string;
    columns: string[];
    targetingTypes?: string[];
    start: string;
    end: string;
    adAccountIds?: string[];
    statuses?: string[];
    /** the custom report's (or the config's) reporting_timezone */
    reportingTimezone?: string;
  }): Array<Record<string, unknown>> {
    const base = cfg.level.replace(/_TARGETING$/, '');
    const req: ReportRequest = {
      level: cfg.level,
      simLevel: SIM_LEVEL[base],
      targeting: cfg.level.endsWith('_TARGETING'),
      start: parseDay(cfg.start),
      end: parseDay(cfg.end),
      columns: cfg.columns,
      types: cfg.targetingTypes ?? [],
      format: 'JSON',
      base,
      granularity: cfg.granularity ?? 'DAY',
      statuses: cfg.statuses ? new Set(cfg.statuses) : undefined,
      zone: zoneSub(cfg.reportingTimezone),
    };
    const out: Array<Record<string, unknown>> = [];
    for (const acc of this.ds.adAccounts) {
      if (cfg.adAccountIds && !cfg.adAccountIds.includes(acc.id)) continue;
      for (const { ent, cells } of this.rows(acc.id, req)) {
        const r: Record<string, unknown> = {
          ad_account_id: acc.id,
          currency: acc.currency,
          [LEVEL_ID_KEY[base]]: ent.id,
        };
        for (const [k, v] of Object.entries(cells)) r[k.toLowerCase()] = v;
        if (r.targeting_value !== undefined) r.targeting_value = String(r.targeting_value);
        // A TOTAL row is dated by the report's range (one report: the caller's start … end).
        if (req.granularity === 'TOTAL') Object.assign(r, { start_date: cfg.start, end_date: cfg.end });
        r.data_ready =
          req.granularity === 'TOTAL'
            ? parseDay(cfg.end) <= this.lastReadyDay()
            : periodEnd(parseDay(r.date as string), req.granularity) <= this.lastReadyDay();
        for (const k of [
          'campaign_id',
          'ad_group_id',
          'ad_id',
          'advertiser_id',
          'pin_id',
          'pin_promotion_id',
          'product_group_id',
        ])
          if (r[k] !== undefined && r[k] !== null) r[k] = String(r[k]);
        out.push(r);
      }
    }
    return out;
  }

  private build(r: Report): Buffer {
    const rows = this.malformed(this.rows(r.accountId, r.req));
    if (r.req.format === 'CSV') {
      const header: string[] = [];
      const seen = new Set<string>();
      // A CSV file has no keys: every row names its entity in a column.
      const idCol = ROW_ID_COLUMN[r.req.base] ?? CSV_ID_COLUMN[r.req.base];
      for (const h of [
        ...(idCol ? [idCol] : []),
        ...(this.knobs.aliasIdColumns && ALIAS_ID_COLUMN[r.req.base] ? [ALIAS_ID_COLUMN[r.req.base]] : []),
        ...(r.req.granularity === 'TOTAL' ? [] : ['DATE']),
        ...(r.req.granularity === 'HOUR' ? ['HOUR'] : []),
        ...(r.req.targeting ? ['TARGETING_TYPE', 'TARGETING_VALUE'] : []),
        ...planColumns(r.req.columns, r.req.simLevel).map((s) => s.name),
      ]) {
        if (!seen.has(h)) {
          seen.add(h);
          header.push(h);
        }
      }
      const lines = [header.join(',')];
      for (const { ent, cells } of rows)
        lines.push(header.map((h) => csvCell(h === idCol ? ent.id : cells[h])).join(','));
      return Buffer.from(lines.join('\r\n') + '\r\n');
    }
    // JSON: one member per entity id, its rows in date order.
    const byId = new Map<string, string[]>();
    for (const { ent, cells } of rows) {
      let list = byId.get(ent.id);
      if (!list) byId.set(ent.id, (list = []));
      list.push(this.knobs.idsAsStrings ? JSON.stringify(cells) : rowJson(cells));
    }
    const parts: string[] = [];
    for (const [id, list] of byId) parts.push(`${JSON.stringify(id)}:[${list.join(',')}]`);
    return Buffer.from(`{${parts.join(',')}}`);
  }
}

// ---- report-only streams: the connector's streams at levels only reports serve --------------

/** The connector's streams read only through reports: their level, and Pinterest's limits there. */
export const REPORT_ONLY_STREAMS = [
  { stream: 'keyword_analytics', level: 'KEYWORD', historyDays: 914, maxDays: 186 },
  { stream: 'product_group_targeting_analytics', level: 'PRODUCT_GROUP_TARGETING', historyDays: 914, maxDays: 186 },
  { stream: 'product_item_analytics', level: 'PRODUCT_ITEM', historyDays: 92, maxDays: 31 },
] as const;

/**
 * The records and fewest reports of each report-only stream: every day from start (clamped to the level's
 * reach) to end, the configured columns the level takes; per ad account one report per window of at most
 * `maxDays` and per group of ≤ 5 targeting types (every type the level takes), whether or not it has rows.
 */
export function reportOnlyTruth(
  api: ReportApi,
  cfg: {
    today: number;
    start: number;
    end: number;
    columns: string[];
    adAccountIds: string[];
    reportingTimezone?: string;
  },
): Record<string, { records: Array<Record<string, unknown>>; reports: number }> {
  const out: Record<string, { records: Array<Record<string, unknown>>; reports: number }> = {};
  for (const s of REPORT_ONLY_STREAMS) {
    const start = Math.max(cfg.today - (s.historyDays - 1), cfg.start);
    const span = Math.max(0, cfg.end - start + 1);
    const targeting = s.level.endsWith('_TARGETING');
    const base = s.level.replace(/_TARGETING$/, '');
    const types = targeting ? REPORT_TARGETING_TYPES.filter((t) => reportAcceptsType(s.level, t)) : [];
    const columns = cfg.columns.filter(
      (c) =>
        columnAllowedAt(base, c) && !REPORT_UNSUPPORTED_COLUMNS.has(c) && !(targeting && REACH_COLUMNS.includes(c)),
    );
    const records =
      span === 0
        ? []
        : api.customTruth({
            level: s.level,
            columns,
            targetingTypes: types,
            start: formatDay(start),
            end: formatDay(cfg.end),
            adAccountIds: cfg.adAccountIds,
            reportingTimezone: cfg.reportingTimezone,
          });
    const groups = targeting ? Math.ceil(types.length / 5) : 1;
    out[s.stream] = { records, reports: cfg.adAccountIds.length * Math.ceil(span / s.maxDays) * groups };
  }
  return out;
}

/**
 * Keyword and product levels report on search and shopping campaigns; every third ad account (idx 2, 5 …)
 * runs none, so its KEYWORD and PRODUCT_* reports are empty (a valid report with no rows).
 */
function hasKeywordAndShoppingCampaigns(ds: Dataset, base: string, accountId: string): boolean {
  if (base !== 'KEYWORD' && !base.startsWith('PRODUCT_')) return true;
  return runsKeywordAndShoppingAds(ds, accountId);
}

/** `reporting_timezone` of a report body, checked as the synchronous endpoints check it; the row salt of its days. */
function reportZone(b: Record<string, unknown>, knobs: ReportKnobs): number {
  const tz = b.reporting_timezone;
  if (tz !== undefined && !(REPORTING_TIMEZONES as readonly unknown[]).includes(tz))
    throw bad(`Invalid parameter reporting_timezone: '${String(tz)}' is not one of ${REPORTING_TIMEZONES.join(', ')}`);
  try {
    refuseReportingTimezone({ refuseReportingTimezone: knobs.refuseReportingTimezone }, tz as string | undefined);
  } catch (e) {
    // The same refusal as the synchronous endpoints', as the report endpoint answers it.
    if (e instanceof ApiError) throw new ReportError(e.status, e.code, e.message);
    throw e;
  }
  return zoneSub(tz);
}

/** Ids Pinterest writes into report rows as JSON numbers (18–19 digits: beyond what a double holds). */
const NUMERIC_ID_COLUMNS = new Set(['PIN_ID', 'PRODUCT_ITEM_ID']);

/** A report row as Pinterest writes it: the numeric ids as bare digits, every other cell as JSON.stringify does. */
function rowJson(cells: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(cells)) {
    const digits = NUMERIC_ID_COLUMNS.has(k) && typeof v === 'string' && /^[1-9]\d*$/.test(v);
    parts.push(`${JSON.stringify(k)}:${digits ? v : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** With `rowsWithoutTargeting`, targeting rows lose TARGETING_TYPE and TARGETING_VALUE (a malformed file). */
function withoutTargeting<T extends { cells: Record<string, unknown> }>(rows: T[]): T[] {
  return rows.map((row) => {
    const { TARGETING_TYPE: _type, TARGETING_VALUE: _value, ...cells } = row.cells;
    return { ...row, cells };
  });
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
