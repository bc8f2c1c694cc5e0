/**
 * The history seam of the ads-analytics streams: days older than today − 89 come from asynchronous
 * reports (windows of at most 186 days, ≤ 5 targeting types per report), the last 90 days from the
 * synchronous endpoints. Generic over the AnalyticsDefinition: the report level follows from the stream's
 * endpoint (or its `report` field), the columns and attribution from its parameters.
 */
import { ConnectorError } from '../errors';
import type { AnalyticsDefinition, Partition } from '../engine/definition';
import { RECORD_BATCH, type ReadContext, type StreamEvent } from '../engine/context';
import type { Window } from '../engine/slicer';
import type { Requester } from '../http/requester';
import type { KeyCase, Row } from '../streams/transforms';
import { chunk } from '../util/async';
import { addDays, minDay, maxDay, type Day } from '../util/dates';
import { ReportEngine, type ReportSpec } from './engine';
import { REPORT_TARGETING_TYPES, REPORT_UNSUPPORTED_COLUMNS, REPORT_LIMITS, TARGETING_TYPES_PER_REPORT } from './limits';
import { schemaOf } from '../streams/definitions';
import { csvHeader, csvReportRecord, jsonReportRecord, shapeFromSchema, type RowShape } from './records';

/** The synchronous endpoints serve today − 89 … today; reports reach today − 913. */
export const SYNC_HISTORY_DAYS = 90;

export type SourcedWindow = Window & { source: 'report' | 'sync' };

/**
 * Windows covering start … end in date order: the part older than today − 89 in report windows of at most
 * `reportDays`, the rest in synchronous windows of at most `windowDays`. Pure.
 */
export function sliceWithReports(start: Day, end: Day, today: Day, windowDays: number, reportDays: number, syncSlice: (s: Day, e: Day, n: number) => Window[]): SourcedWindow[] {
  const syncFirst = addDays(today, -(SYNC_HISTORY_DAYS - 1));
  const out: SourcedWindow[] = [];
  if (start > end) return out;
  if (start < syncFirst) {
    const reportEnd = minDay(end, addDays(syncFirst, -1));
    for (let s = start; s <= reportEnd;) {
      const e = minDay(addDays(s, reportDays - 1), reportEnd);
      out.push({ start: s, end: e, source: 'report' });
      s = addDays(e, 1);
    }
  }
  const syncStart = maxDay(start, syncFirst);
  if (syncStart <= end) for (const w of syncSlice(syncStart, end, windowDays)) out.push({ ...w, source: 'sync' });
  return out;
}

/** Days back (today included) a stream reaches: 914 (or its report's own limit) for report streams, else undefined (90). */
export function reportHistoryDays(def: AnalyticsDefinition): number | undefined {
  if (!reportLevelOf(def)) return undefined;
  return (def.report && def.report.historyDays) || REPORT_LIMITS.default.historyDays;
}

/** The windows of one partition: the history seam, or for custom reports every window from reports. */
export function planWindows(def: AnalyticsDefinition, from: Day, end: Day, today: Day, windowDays: number, syncSlice: (s: Day, e: Day, n: number) => Window[]): SourcedWindow[] {
  const settings = def.report || undefined;
  const maxDays = settings?.maxDays ?? REPORT_LIMITS.default.maxDays;
  if (!settings?.reportsOnly) return sliceWithReports(from, end, today, windowDays, maxDays, syncSlice);
  const earliest = addDays(today, -((settings.historyDays ?? REPORT_LIMITS.default.historyDays) - 1));
  return periodWindows(from, end, earliest, maxDays, settings.granularity ?? 'DAY').map((w) => ({ ...w, source: 'report' as const }));
}

const weekStart = (d: Day): Day => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7)); // Monday
const monthStart = (d: Day): Day => `${d.slice(0, 8)}01`;
const nextMonth = (d: Day): Day => { const t = new Date(`${monthStart(d)}T00:00:00Z`); t.setUTCMonth(t.getUTCMonth() + 1); return t.toISOString().slice(0, 10); };

/**
 * Report windows of at most `maxDays` that never split a WEEK or MONTH period (a period's row covers it whole):
 * the start moves back to its period's first day (forward to the next one if that is older than Pinterest
 * serves), and windows hold whole periods. Pure.
 */
export function periodWindows(from: Day, end: Day, earliest: Day, maxDays: number, granularity: string): Window[] {
  const out: Window[] = [];
  if (granularity !== 'WEEK' && granularity !== 'MONTH') {
    for (let s = maxDay(from, earliest); s <= end;) {
      const e = minDay(addDays(s, maxDays - 1), end);
      out.push({ start: s, end: e });
      s = addDays(e, 1);
    }
    return out;
  }
  const floor = granularity === 'WEEK' ? weekStart : monthStart;
  const next = granularity === 'WEEK' ? (d: Day) => addDays(weekStart(d), 7) : nextMonth;
  let s = floor(maxDay(from, earliest));
  if (s < earliest) s = next(s);
  while (s <= end) {
    // Whole periods while they fit in maxDays; a window holds at least one period.
    let e = addDays(next(s), -1);
    for (;;) {
      const after = addDays(next(addDays(e, 1)), -1);
      if (daysBetweenInclusive(s, after) > maxDays || addDays(e, 1) > end) break;
      e = after;
    }
    out.push({ start: s, end: minDay(e, end) });
    s = addDays(e, 1);
  }
  return out;
}

const daysBetweenInclusive = (a: Day, b: Day) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000) + 1;

/** The report level of an ads-analytics stream: its `report` field, else read from its endpoint. */
export function reportLevelOf(def: AnalyticsDefinition): string | undefined {
  if (def.report === false) return undefined;
  if (def.report) return def.report.level;
  if (def.category !== 'ads_analytics') return undefined;
  const m = /^\/ad_accounts\/\{ad_account_id\}(?:\/(campaigns|ad_groups|ads))?\/(analytics|targeting_analytics)$/.exec(def.path);
  if (!m) return undefined;
  const base = m[1] === 'campaigns' ? 'CAMPAIGN' : m[1] === 'ad_groups' ? 'AD_GROUP' : m[1] === 'ads' ? 'PIN_PROMOTION' : 'ADVERTISER';
  return m[2] === 'targeting_analytics' ? `${base}_TARGETING` : base;
}

const engines = new WeakMap<Requester, ReportEngine>();
/** One report engine per read (per requester), so its counters cover every stream. */
export function reportEngineFor(ctx: ReadContext): ReportEngine {
  let engine = engines.get(ctx.requester);
  if (!engine) {
    engine = new ReportEngine(ctx.requester, (level, message) => ctx.log(level, message), reportPolicyFromEnv());
    engines.set(ctx.requester, engine);
  }
  return engine;
}

/** PINTEREST_REPORT_POLL_MS (tests and benchmarks, as PINTEREST_RETRY_BASE_MS) polls at a fixed pace; production keeps the schedule. */
function reportPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ReportEngine['policy']> {
  const ms = Number(env.PINTEREST_REPORT_POLL_MS);
  return env.PINTEREST_REPORT_POLL_MS && Number.isFinite(ms) && ms >= 0 ? { pollScheduleMs: [ms] } : {};
}

interface ReportUnit { spec: ReportSpec; prepared?: Promise<Awaited<ReturnType<ReportEngine['prepare']>>> }

/**
 * Reads the report windows of one partition in date order. The next window's reports are created while
 * the current one downloads, so Pinterest prepares them in the meantime (a report is kept for an hour).
 */
export class PartitionReports {
  private readonly engine: ReportEngine;
  private readonly units = new Map<string, ReportUnit[]>();
  private readonly shape: RowShape;
  private readonly idKey: string;
  private readonly level: string;
  private closed = false;

  constructor(
    private readonly def: AnalyticsDefinition,
    private readonly ctx: ReadContext,
    private readonly partition: Partition,
    private readonly windows: SourcedWindow[],
    private readonly keys: KeyCase,
  ) {
    this.engine = reportEngineFor(ctx);
    this.level = reportLevelOf(def)!;
    this.idKey = def.primaryKey[0];
    this.shape = shapeFromSchema(schemaOf(def), this.idKey);
  }

  /** The records of one report window; `ids` (when the stream has them) keep only the listed entities. */
  async *read(window: SourcedWindow, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
    if (ids && ids.length === 0) return;
    const units = this.unitsOf(window);
    for (const u of units) if (!u.prepared) u.prepared = this.start(u.spec);
    // Look-ahead: the next report window is being prepared while this one downloads.
    const next = this.windows[this.windows.indexOf(window) + 1];
    if (next && next.source === 'report') for (const u of this.unitsOf(next)) if (!u.prepared) u.prepared = this.start(u.spec);
    const keep = ids ? new Set(ids) : undefined;
    for (const u of units) {
      let rows = 0;
      let batch: Row[] = [];
      for await (const part of this.engine.rows(u.spec, u.prepared)) {
        if (part.kind === 'json') {
          for (const r of part.rows) {
            const record = jsonReportRecord(r.text, r.key, this.partition, this.keys, this.shape, u.spec.label);
            this.requireId(record, u.spec.label);
            if (keep && !keep.has(record[this.idKey] as string)) continue;
            batch.push(record);
          }
        } else {
          const header = csvHeader(part.header, this.keys);
          for (const fields of part.records) {
            const record = csvReportRecord(header, fields, this.partition, this.shape, u.spec.label);
            this.requireId(record, u.spec.label);
            if (keep && !keep.has(record[this.idKey] as string)) continue;
            batch.push(record);
          }
        }
        if (batch.length >= RECORD_BATCH) {
          rows += batch.length;
          for (const data of chunk(batch, RECORD_BATCH)) yield { kind: 'records', data };
          batch = [];
        }
      }
      if (batch.length > 0) {
        rows += batch.length;
        yield { kind: 'records', data: batch };
      }
      this.ctx.log('INFO', `${u.spec.label}: report downloaded, ${rows} records.`);
    }
    this.units.delete(key(window));
  }

  /** A row that names no entity (or no day) cannot be keyed: the read stops rather than emit it. */
  private requireId(record: Row, label: string): void {
    const missing = [this.idKey, 'date'].filter((k) => record[k] === undefined || record[k] === null || record[k] === '');
    if (missing.length) throw new ConnectorError(`${label}: a report row has no ${missing.join(' or ')}; the read stops rather than emit a record without its key.`, 'transient_error');
  }

  /** The partition's read is over (finished or stopped): reports still being prepared are dropped. */
  close(): void {
    this.closed = true;
  }

  private start(spec: ReportSpec) {
    this.ctx.log('INFO', `${spec.label}: report requested.`);
    const prepared = this.engine.prepare(spec, () => this.closed).then((ready) => {
      this.ctx.log('INFO', `${spec.label}: report ready${ready.size !== undefined ? ` (${formatBytes(ready.size)})` : ''}.`);
      return ready;
    });
    prepared.catch(() => undefined); // awaited by read(); a look-ahead never read must not crash the process
    return prepared;
  }

  private unitsOf(window: SourcedWindow): ReportUnit[] {
    const k = key(window);
    let units = this.units.get(k);
    if (!units) {
      units = this.specs(window).map((spec) => ({ spec }));
      this.units.set(k, units);
    }
    return units;
  }

  /** One report per targeting group of ≤ 5 types (one for a stream without targeting). */
  private specs(window: SourcedWindow): ReportSpec[] {
    const params = this.def.params?.(this.ctx.config) ?? {};
    const columns = String(params.columns ?? '').split(',').filter((c) => c !== '' && !REPORT_UNSUPPORTED_COLUMNS.has(c));
    const settings = this.def.report || undefined;
    const base: Record<string, unknown> = {
      start_date: window.start,
      end_date: window.end,
      granularity: settings?.granularity ?? 'DAY',
      level: this.level,
      columns,
      report_format: 'JSON',
      ...settings?.filters,
    };
    for (const name of ['click_window_days', 'engagement_window_days', 'view_window_days', 'conversion_report_time'] as const) {
      if (params[name] !== undefined) base[name] = params[name];
    }
    const account = this.partition.ad_account_id!;
    const label = `${this.def.name} ${window.start}…${window.end} (ad account ${account})`;
    const allowed = REPORT_TARGETING_TYPES[this.level] ?? [];
    // The stream's types that reports take (and, where the config chooses targeting types, only those).
    const chosen = (this.ctx.config as { targeting_types?: readonly string[] }).targeting_types;
    const types = settings?.targetingTypes
      ? [...settings.targetingTypes]
      : (this.def.targeting?.types ?? []).filter((t) => allowed.includes(t) && (!chosen || chosen.includes(t)));
    if (types.length === 0) return [{ adAccountId: account, body: base, label }];
    const groups = chunk(types, TARGETING_TYPES_PER_REPORT);
    return groups.map((g, i) => ({
      adAccountId: account,
      body: { ...base, targeting_types: g },
      label: groups.length > 1 ? `${label} [types ${i + 1}/${groups.length}]` : label,
    }));
  }
}

const key = (w: Window) => `${w.start}/${w.end}`;

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}
