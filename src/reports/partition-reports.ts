/**
 * An analytics stream's days read from asynchronous reports, one partition (ad account) at a time:
 * ≤ 5 targeting types per report, the body built from the stream's request parts, the rows shaped by its
 * schema. Which days come from reports is the engine's plan (engine/window-plan.ts).
 */
import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import type { Requester } from '../http/requester';
import { REPORT_TARGETING_TYPES, TARGETING_TYPES_PER_REPORT } from '../pinterest/limits';
import type { LogLevel } from '../protocol/messages';
import { RECORD_BATCH, type AnalyticsDefinition, type Partition } from '../streams/definition';
import { schemaOf } from '../streams/definitions';
import { reportBodies, reportLevel, requestParts } from '../streams/request-parts';
import type { KeyCase, Row } from '../streams/transforms';
import { chunk } from '../util/async';
import type { Day } from '../util/dates';
import { ReportRunner, type ReportSpec } from './report-runner';
import { csvHeader, csvReportRecord, jsonReportRecord, shapeFromSchema, type RowShape } from './records';

export interface ReportWindow {
  start: Day;
  end: Day;
}

/** What reading reports needs from the read it is part of. */
export interface ReportReadDeps {
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

interface ReportUnit {
  spec: ReportSpec;
  prepared?: Promise<Awaited<ReturnType<ReportRunner['prepare']>>>;
}

/**
 * Reads the report windows of one partition in date order. The next window's reports are created while
 * the current one downloads, so Pinterest prepares them in the meantime (a report is kept for an hour).
 */
export class PartitionReports {
  private readonly runner: ReportRunner;
  private readonly units = new Map<string, ReportUnit[]>();
  private readonly shape: RowShape;
  private readonly idKey: string;
  private readonly level: string;
  private closed = false;

  constructor(
    private readonly def: AnalyticsDefinition,
    private readonly deps: ReportReadDeps,
    private readonly partition: Partition,
    /** The partition's report windows in date order (the next one is prepared while one downloads). */
    private readonly windows: ReportWindow[],
    private readonly keys: KeyCase,
  ) {
    this.runner = reportRunnerFor(deps);
    this.level = reportLevel(def.level)!;
    this.idKey = def.primaryKey[0];
    this.shape = shapeFromSchema(schemaOf(def), this.idKey);
  }

  /** The records of one report window, in batches; `ids` (when the stream has them) keep only the listed entities. */
  async *read(window: ReportWindow, ids: string[] | undefined): AsyncGenerator<Row[]> {
    if (ids && ids.length === 0) return;
    const units = this.unitsOf(window);
    for (const u of units) if (!u.prepared) u.prepared = this.start(u.spec);
    // Look-ahead: the next report window is being prepared while this one downloads.
    const next = this.windows[this.windows.findIndex((w) => key(w) === key(window)) + 1];
    if (next) for (const u of this.unitsOf(next)) if (!u.prepared) u.prepared = this.start(u.spec);
    const keep = ids ? new Set(ids) : undefined;
    for (const u of units) {
      let rows = 0;
      let batch: Row[] = [];
      for await (const part of this.runner.rows(u.spec, u.prepared)) {
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
          yield* chunk(batch, RECORD_BATCH);
          batch = [];
        }
      }
      if (batch.length > 0) {
        rows += batch.length;
        yield batch;
      }
      this.deps.log('INFO', `${u.spec.label}: report downloaded, ${rows} records.`);
    }
    this.units.delete(key(window));
  }

  /** A row that names no entity (or no day) cannot be keyed: the read stops rather than emit it. */
  private requireId(record: Row, label: string): void {
    const missing = [this.idKey, 'date'].filter(
      (k) => record[k] === undefined || record[k] === null || record[k] === '',
    );
    if (missing.length)
      throw new ConnectorError(
        `${label}: a report row has no ${missing.join(' or ')}; the read stops rather than emit a record without its key.`,
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

  private unitsOf(window: ReportWindow): ReportUnit[] {
    const k = key(window);
    let units = this.units.get(k);
    if (!units) {
      units = this.specs(window).map((spec) => ({ spec }));
      this.units.set(k, units);
    }
    return units;
  }

  /** One report per targeting group of ≤ 5 types (one for a stream without targeting). */
  private specs(window: ReportWindow): ReportSpec[] {
    const { config } = this.deps;
    const parts = requestParts(this.def, config);
    const account = this.partition.ad_account_id!;
    const label = `${this.def.name} ${window.start}…${window.end} (ad account ${account})`;
    const allowed = REPORT_TARGETING_TYPES[this.level] ?? [];
    // The stream's types that reports take (and, where the config chooses targeting types, only those).
    const chosen = config.targeting_types;
    const settings = this.def.report || undefined;
    const types = settings?.targetingTypes
      ? [...settings.targetingTypes]
      : (this.def.targeting?.types ?? []).filter((t) => allowed.includes(t) && (!chosen || chosen.includes(t)));
    const groups = types.length === 0 ? [undefined] : chunk(types, TARGETING_TYPES_PER_REPORT);
    return groups.flatMap((g, i) => {
      // More status values than one request takes: several reports, whose rows are disjoint.
      const bodies = reportBodies(parts, window, g);
      return bodies.map((body, j) => ({
        adAccountId: account,
        body,
        label: `${label}${groups.length > 1 ? ` [types ${i + 1}/${groups.length}]` : ''}${bodies.length > 1 ? ` [statuses ${j + 1}/${bodies.length}]` : ''}`,
      }));
    });
  }
}

const key = (w: ReportWindow) => `${w.start}/${w.end}`;

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}
