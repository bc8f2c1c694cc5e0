/**
 * An analytics stream's days read from asynchronous reports, one partition (ad account) at a time:
 * ≤ 5 targeting types per report, the body built from the stream's request parts, the rows shaped by its
 * schema. Which days come from reports is the engine's plan (engine/window-plan.ts).
 */
import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import type { Requester } from '../http/requester';
import { REPORT_TARGETING_TYPES, TARGETING_TYPES_PER_REPORT, columnsRefusedAtLevel } from '../pinterest/limits';
import type { LogLevel } from '../protocol/messages';
import { RECORD_BATCH, type AnalyticsDefinition, type Partition } from '../streams/definition';
import { schemaOf } from '../streams/definitions';
import { reportBodies, reportLevel, requestParts } from '../streams/request-parts';
import { reportRowText } from '../streams/row-text';
import { dataReady, type KeyCase, type Row } from '../streams/transforms';
import { chunk } from '../util/async';
import type { Day } from '../util/dates';
import { ReportRunner, type ReportSpec } from './report-runner';
import { csvHeader, csvReportRecord, jsonReportRecord, shapeFromSchema, type RowShape } from './records';

interface ReportWindow {
  start: Day;
  end: Day;
}

/** What reading reports needs from the read it is part of. */
interface ReportReadDeps {
  config: ConnectorConfig;
  requester: Requester;
  log: (level: LogLevel, message: string) => void;
}

const runners = new WeakMap<Requester, ReportRunner>();
/** One report runner per read (per requester), so its counters cover every stream. */
function reportRunnerFor(deps: ReportReadDeps): ReportRunner {
  let runner = runners.get(deps.requester);
  if (!runner) {
    runner = new ReportRunner(deps.requester, (level, message) => deps.log(level, message), reportPolicyFromEnv());
    runners.set(deps.requester, runner);
  }
  return runner;
}

/** PINTEREST_REPORT_POLL_MS (tests and benchmarks, as PINTEREST_RETRY_BASE_MS) polls at a fixed pace; production keeps the schedule. */
function reportPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ReportRunner['policy']> {
  const ms = Number(env.PINTEREST_REPORT_POLL_MS);
  return env.PINTEREST_REPORT_POLL_MS && Number.isFinite(ms) && ms >= 0 ? { pollScheduleMs: [ms] } : {};
}

/** One window's reports for one group of types: several when a status filter has more values than a request takes. */
interface ReportUnit {
  specs: ReportSpec[];
  prepared?: Array<Promise<Awaited<ReturnType<ReportRunner['prepare']>>>>;
}

/** A group of targeting types one report asks for; `undefined` for a report without targeting types. */
export type TypeGroup = readonly string[] | undefined;

/** Columns left out of one stream's reports, warned once per read. */
const warnedColumns = new WeakMap<Requester, Set<string>>();

/**
 * Reads the report windows of one partition in date order, one report per group of targeting types. The
 * next window's reports are created while the current one downloads, so Pinterest prepares them in the
 * meantime (a report is kept for an hour). Which groups to ask for, and what to do when Pinterest refuses
 * one, is the engine's decision (`typesNow` gives the types not refused so far).
 */
export class PartitionReports {
  private readonly runner: ReportRunner;
  private readonly units = new Map<string, Map<string, ReportUnit>>();
  private readonly shape: RowShape;
  private readonly idKey: string;
  private readonly level: string;
  /** TOTAL rows are totals over their report's range: dated by start_date and end_date, not date. */
  private readonly total: boolean;
  private closed = false;
  /** Columns Pinterest refused in this partition's reports (left out of the ones asked from now on). */
  private readonly refusedColumns = new Set<string>();

  constructor(
    private readonly def: AnalyticsDefinition,
    private readonly deps: ReportReadDeps,
    private readonly partition: Partition,
    /** The partition's report windows in date order (the next one is prepared while one downloads). */
    private readonly windows: ReportWindow[],
    private readonly keys: KeyCase,
    /** The targeting-analytics stream's types that this partition has not refused so far. */
    private readonly typesNow?: () => readonly string[],
  ) {
    this.runner = reportRunnerFor(deps);
    this.level = reportLevel(def.level)!;
    this.idKey = def.primaryKey[0];
    this.shape = shapeFromSchema(schemaOf(def), this.idKey);
    this.total = requestParts(def, deps.config).granularity === 'TOTAL';
  }

  /** The groups of targeting types a window's reports ask for now (one `undefined` for a stream without targeting). */
  groups(): TypeGroup[] {
    const types = this.types();
    return types.length === 0 ? [undefined] : chunk(types, TARGETING_TYPES_PER_REPORT);
  }

  /**
   * The records of one report (one window, one group of types), in batches; `ids` (when the stream has
   * them) keep only the listed entities. A refusal of the report surfaces as the requester's ApiError.
   */
  async *read(window: ReportWindow, ids: string[] | undefined, types: TypeGroup): AsyncGenerator<Row[]> {
    if (ids && ids.length === 0) return;
    const at = this.windows.findIndex((w) => key(w) === key(window));
    // Reports of earlier windows no longer asked for (a group refused meanwhile) are dropped.
    for (const w of this.windows.slice(0, Math.max(0, at))) this.units.delete(key(w));
    const u = this.unitOf(window, types);
    const prepared = (u.prepared ??= u.specs.map((spec) => this.start(spec)));
    // Look-ahead: the next report window is being prepared while this one downloads.
    const next = this.windows[at + 1];
    if (next) for (const g of this.groups()) this.prepareAhead(next, g);
    const keep = ids ? new Set(ids) : undefined;
    for (const [n, spec] of u.specs.entries()) {
      let rows = 0;
      let batch: Row[] = [];
      for await (const part of this.runner.rows(spec, prepared[n])) {
        if (part.kind === 'json') {
          for (const r of part.rows) {
            // Written from its text where the scanner is sure (not TOTAL rows, which are dated by their range).
            const record =
              (this.total ? undefined : reportRowText(r.text, r.key, this.partition, this.keys, this.shape.idKey)) ??
              this.dated(jsonReportRecord(r.text, r.key, this.partition, this.keys, this.shape, spec.label), window);
            this.requireId(record, spec.label);
            if (keep && !keep.has(record[this.idKey] as string)) continue;
            batch.push(record);
          }
        } else {
          const header = csvHeader(part.header, this.keys);
          for (const fields of part.records) {
            const record = this.dated(csvReportRecord(header, fields, this.partition, this.shape, spec.label), window);
            this.requireId(record, spec.label);
            if (keep && !keep.has(record[this.idKey] as string)) continue;
            batch.push(record);
          }
        }
        if (batch.length >= RECORD_BATCH) {
          rows += batch.length;
          yield* chunk(batch, RECORD_BATCH);
          batch = [];
        }
      }
      if (batch.length > 0) {
        rows += batch.length;
        yield batch;
      }
      this.deps.log('INFO', `${spec.label}: report downloaded, ${rows} records.`);
    }
    this.units.get(key(window))?.delete(groupKey(types));
  }

  /** A TOTAL row carries its report's range (whatever date Pinterest puts on it); other rows are as read. */
  private dated(record: Row, window: ReportWindow): Row {
    if (!this.total) return record;
    delete record.date;
    record.start_date = window.start;
    record.end_date = window.end;
    // Totals over the range are final when its last day is.
    record.data_ready = dataReady(window.end, this.partition);
    return record;
  }

  /**
   * A row that names no entity (or no day) cannot be keyed, and a targeting row without its type or value
   * would fold every breakdown into one key: the read stops rather than emit it.
   */
  private requireId(record: Row, label: string): void {
    const empty = (k: string) => record[k] === undefined || record[k] === null || record[k] === '';
    const missing = [this.idKey, this.total ? 'start_date' : 'date'].filter(empty);
    if (missing.length)
      throw new ConnectorError(
        `${label}: a report row has no ${missing.join(' or ')}; the read stops rather than emit a record without its key.`,
        'transient_error',
      );
    const breakdown = this.level.endsWith('_TARGETING') ? ['targeting_type', 'targeting_value'].filter(empty) : [];
    if (breakdown.length)
      throw new ConnectorError(
        `${label}: a row of this targeting report (${this.idKey} ${String(record[this.idKey])}, ${String(record.date)}) has no ${breakdown.map((k) => k.toUpperCase()).join(' or ')}; the read stops rather than fold its breakdowns into one record.`,
        'transient_error',
      );
  }

  /** The partition's read is over (finished or stopped): reports still being prepared are dropped. */
  close(): void {
    this.closed = true;
  }

  private start(spec: ReportSpec) {
    this.deps.log('INFO', `${spec.label}: report requested.`);
    const prepared = this.runner
      .prepare(spec, () => this.closed)
      .then((ready) => {
        this.deps.log(
          'INFO',
          `${spec.label}: report ready${ready.size !== undefined ? ` (${formatBytes(ready.size)})` : ''}.`,
        );
        return ready;
      });
    prepared.catch(() => undefined); // awaited by read(); a look-ahead never read must not crash the process
    return prepared;
  }

  private prepareAhead(window: ReportWindow, types: TypeGroup): void {
    const u = this.unitOf(window, types);
    u.prepared ??= u.specs.map((spec) => this.start(spec));
  }

  private unitOf(window: ReportWindow, types: TypeGroup): ReportUnit {
    let units = this.units.get(key(window));
    if (!units) this.units.set(key(window), (units = new Map()));
    let u = units.get(groupKey(types));
    if (!u) units.set(groupKey(types), (u = { specs: this.specs(window, types) }));
    return u;
  }

  /** The stream's types that reports take (and, where the config chooses targeting types, only those). */
  private types(): readonly string[] {
    const settings = this.def.report || undefined;
    if (settings?.targetingTypes) return [...settings.targetingTypes];
    const allowed = REPORT_TARGETING_TYPES[this.level] ?? [];
    const chosen = this.deps.config.targeting_types;
    const selected = this.typesNow ? this.typesNow() : (this.def.targeting?.types ?? []);
    return selected.filter((t) => allowed.includes(t) && (!chosen || chosen.includes(t)));
  }

  /** The columns this partition's reports ask for now. */
  columns(): string[] {
    return this.reportColumns(requestParts(this.def, this.deps.config).columns ?? []);
  }

  /**
   * Columns Pinterest refused at report creation: left out of this partition's reports from now on (one
   * warning per column); reports prepared ahead with them are dropped.
   */
  refuseColumns(columns: readonly string[], reason: string): void {
    for (const c of columns) this.refusedColumns.add(c);
    this.warnColumns(columns, `Pinterest refused it (${reason})`);
    this.units.clear();
  }

  private reportColumns(columns: readonly string[]): string[] {
    const refused = columnsRefusedAtLevel(this.level, columns);
    if (refused.length > 0) this.warnColumns(refused, `Pinterest does not report it at level ${this.level}`);
    return columns.filter((c) => !refused.includes(c) && !this.refusedColumns.has(c));
  }

  /**
   * The reports of a window and a group of ≤ 5 targeting types (none for a stream without targeting): one,
   * or one per group of status values where a filter has more than a request takes (their rows are disjoint).
   */
  private specs(window: ReportWindow, types: TypeGroup): ReportSpec[] {
    const parts = requestParts(this.def, this.deps.config);
    if (parts.columns) parts.columns = this.reportColumns(parts.columns);
    const account = this.partition.ad_account_id!;
    const label = `${this.def.name} ${window.start}…${window.end} (ad account ${account})${types ? ` [${types.join(', ')}]` : ''}`;
    const bodies = reportBodies(parts, window, types);
    return bodies.map((body, n) => ({
      adAccountId: account,
      body,
      label: bodies.length > 1 ? `${label} [statuses ${n + 1}/${bodies.length}]` : label,
    }));
  }

  /** One warning per column and stream in a read: Pinterest would refuse the whole report for it. */
  private warnColumns(columns: readonly string[], why: string): void {
    let warned = warnedColumns.get(this.deps.requester);
    if (!warned) warnedColumns.set(this.deps.requester, (warned = new Set()));
    for (const c of columns) {
      if (warned.has(`${this.def.name}/${c}`)) continue;
      warned.add(`${this.def.name}/${c}`);
      this.deps.log(
        'WARN',
        `${this.def.name}: column ${c} is left out of its reports: ${why} (days older than 90 are read from reports).`,
      );
    }
  }
}

const key = (w: ReportWindow) => `${w.start}/${w.end}`;
const groupKey = (types: TypeGroup) => (types ? types.join(',') : '');

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}
