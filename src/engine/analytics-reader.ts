/**
 * Reads an analytics stream: date windows from the cursor state (per ad account, or one for the stream),
 * and per window the requests for every id batch (≤250 ids) and targeting-type group (≤14 types).
 * A checkpoint follows each finished window, so a killed read restarted from its last state loses nothing.
 */
import { SYNC_HISTORY_DAYS } from '../pinterest/limits';
import type { AnalyticsDefinition, Partition } from '../streams/definition';
import { KeyCase } from '../streams/transforms';
import { ApiError } from '../http/errors';
import { isPinRefusal } from '../http/pinterest-errors';
import { chunk, mergeTasks } from '../util/async';
import { maxDay, type Day } from '../util/dates';
import type { ReadContext, StreamEvent } from './context';
import { cappedCursor, readyThrough, type Readiness } from './metrics-ready';
import { resolvePartitions } from './partitions';
import { resumeStart, slice, streamRange, windowLength, type Window } from './slicer';
import {
  advance,
  explainStart,
  parseCursorState,
  partitionCursor,
  serializeCursorState,
  withTopDate,
  type CursorState,
} from './state';
import { SyncWindowSource, partitionLabel, type ReadProgress, type SyncReadJob } from './sync-window-source';
import { TargetingTypes } from './targeting-types';
import { planWindows, reportHistoryDays } from './window-plan';
import { PartitionSources } from './window-source';

interface AnalyticsReadOptions {
  incremental: boolean;
  inputState?: Record<string, unknown>;
  onUnknownField: (field: string) => void;
}

/** What every part of one stream's analytics read shares. */
interface Job extends SyncReadJob {
  range: { start: Day; end: Day };
  /** Ads-analytics streams: which days Pinterest calls final (data_ready, and where cursors stop). */
  readiness?: Readiness;
}

export async function* readAnalytics(
  def: AnalyticsDefinition,
  ctx: ReadContext,
  opts: AnalyticsReadOptions,
): AsyncGenerator<StreamEvent> {
  const { config } = ctx;
  const historyDays = reportHistoryDays(def);
  const startDate = (def.report && def.report.startDate) || config.start_date;
  const range = streamRange({
    today: ctx.today,
    startDate,
    endDate: config.end_date,
    lastDay: def.lastDay,
    historyDays,
  });
  if (!historyDays && config.end_date && range.start > range.end) {
    ctx.log(
      'WARN',
      `${def.name}: end_date ${config.end_date} is before today − 89, older than Pinterest serves this stream; it yields no records.`,
    );
  } else if (range.clamped) {
    ctx.log(
      'WARN',
      `${def.name}: start_date ${startDate} is older than Pinterest serves; reading from ${range.start} (today − ${(historyDays ?? SYNC_HISTORY_DAYS) - 1}).`,
    );
  }
  const saved: CursorState = opts.incremental ? parseCursorState(def.name, opts.inputState) : {};
  let partitions = await resolvePartitions(def.partition, ctx);
  // Ads-analytics rows say whether Pinterest called their day final: asked once per read, for its newest day.
  const readiness =
    def.rows === 'ads_columns' && range.start <= range.end ? await ctx.readiness.readiness(range.end) : undefined;
  if (readiness) {
    const ready_through = readyThrough(readiness.lastReady, def.request(config).granularity);
    partitions = partitions.map((p) => ({ ...p, ready_through }));
  }
  const keys = new KeyCase(opts.onUnknownField);
  const progress: ReadProgress = { skipped: new Set(), split: 0, outside: 0 };
  warnFutureCursors(def.name, saved, range.end, ctx);

  const job: Job = { def, ctx, range, keys, progress, readiness };
  if (def.targeting) {
    const chosen = config.targeting_types;
    const types = chosen ? def.targeting.types.filter((t) => chosen.includes(t)) : def.targeting.types;
    if (types.length === 0) {
      ctx.log(
        'WARN',
        `${def.name}: none of the configured targeting_types (${chosen!.join(', ')}) exists at this level; the stream reads nothing.`,
      );
      return;
    }
    job.targeting = new TargetingTypes(types, def.targeting.perRequest, (message) =>
      ctx.log('WARN', `${def.name}: ${message}`),
    );
  }
  if (def.cursorScope === 'partition') {
    yield* readPerPartition(job, partitions, saved);
  } else {
    yield* readPerStream(job, partitions, saved);
  }
  if (progress.skipped.size > 0) {
    ctx.log(
      'WARN',
      `${def.name}: skipped ${progress.skipped.size} partition(s) Pinterest refused to report on (HTTP ${def.skipPartitionOn?.join('/')}${def.batched ? `, or left out of the answer of GET ${def.batched.path}` : ''}: ${[...progress.skipped].slice(0, 5).join(', ')}${progress.skipped.size > 5 ? ', …' : ''}); their rows are not in this sync.`,
    );
  }
  if (progress.outside > 0) {
    ctx.log(
      'WARN',
      `${def.name}: Pinterest answered ${progress.outside} row(s) for ids or days that were not asked for (e.g. ${progress.outsideExample}); they are emitted as Pinterest sent them.`,
    );
  }
  if (progress.split > 0)
    ctx.log('INFO', `${def.name}: ${progress.split} window(s) were split after repeated failures.`);
  const omitted = job.targeting?.summary();
  if (omitted) yield { kind: 'note', text: omitted };
}

async function* readPerPartition(job: Job, partitions: Partition[], saved: CursorState): AsyncGenerator<StreamEvent> {
  const { def, ctx, range } = job;
  // Partitions this read knows keep their cursor even when the saved state had only a top date.
  let working: CursorState = { partitions: { ...(saved.partitions ?? {}) } };
  for (const p of partitions) {
    const cursor = partitionCursor(saved, p.key);
    if (cursor && p.key) working.partitions![p.key] = { date: cursor };
  }
  const covered = partitions.flatMap((p) => (p.key === undefined ? [] : [p.key]));
  working =
    Object.keys(working.partitions!).length === 0
      ? saved.date
        ? { date: saved.date }
        : {}
      : withTopDate(working, covered);

  const plans = await Promise.all(
    partitions.map(async (p) => {
      const cursor = partitionCursor(saved, p.key);
      const from = resumeStart(range.start, cursor, ctx.config.lookback_days);
      const windows = planWindows(def, ctx.config, from, range.end, ctx.today);
      // An account whose id list fails fails on its own (below), after the healthy accounts are read.
      let ids: string[] | undefined;
      let failure: unknown;
      try {
        ids = def.ids && windows.length > 0 ? await ctx.shared.ids(def.ids.from, p) : undefined;
      } catch (err) {
        failure = err;
      }
      return { partition: p, windows, ids, cursor, failure };
    }),
  );
  logStarts(
    job,
    plans.map((plan) => ({ label: partitionLabel(plan.partition), cursor: plan.cursor, from: plan.windows[0]?.start })),
  );
  yield {
    kind: 'estimate',
    rows: plans.reduce(
      (n, plan) =>
        n +
        (plan.failure !== undefined ? 0 : (plan.ids?.length ?? 1)) *
          plan.windows.reduce((d, w) => d + windowLength(w), 0),
      0,
    ),
  };

  type Advance = { kind: 'advance'; partition: string; date: Day };
  const tasks = plans.map(
    (plan) =>
      async function* (): AsyncGenerator<StreamEvent | Advance> {
        if (plan.failure !== undefined) throw plan.failure;
        let cursor = plan.cursor;
        const sources = new PartitionSources(job, plan.partition, plan.windows);
        try {
          for (const window of plan.windows) {
            yield* sources.read(window, plan.ids);
            const end = cappedCursor(window.end, job.readiness);
            cursor = cursor ? maxDay(cursor, end) : end;
            yield { kind: 'advance', partition: plan.partition.key!, date: cursor };
          }
        } finally {
          sources.close();
        }
      },
  );
  for await (const event of mergeTasks(tasks, ctx.config.concurrency)) {
    if (event.kind === 'advance') {
      working = advance(working, event.partition, event.date, covered);
      yield { kind: 'checkpoint', state: serializeCursorState(working) };
    } else {
      yield event;
    }
  }
  yield { kind: 'checkpoint', state: serializeCursorState(working) };
}

async function* readPerStream(job: Job, partitions: Partition[], saved: CursorState): AsyncGenerator<StreamEvent> {
  const { ctx, range, progress } = job;
  let cursor = saved.date;
  const windows = slice(resumeStart(range.start, cursor, ctx.config.lookback_days), range.end, ctx.config.window_days);
  logStarts(job, [{ label: 'the stream', cursor, from: windows[0]?.start }]);
  yield { kind: 'estimate', rows: partitions.length * windows.reduce((d, w) => d + windowLength(w), 0) };
  const sources = partitions.map((p) => ({
    label: partitionLabel(p),
    partition: p,
    source: new SyncWindowSource(job, p),
  }));
  const batched = job.def.batched && job.def.partition.by === 'parent' ? new BatchedReads(job) : undefined;
  for (const window of windows) {
    const open = sources.filter((p) => !progress.skipped.has(p.label));
    const tasks = batched ? batched.tasks(window, open) : open.map((p) => () => p.source.read(window, undefined));
    yield* mergeTasks(tasks, ctx.config.concurrency);
    const end = cappedCursor(window.end, job.readiness);
    cursor = cursor ? maxDay(cursor, end) : end;
    yield { kind: 'checkpoint', state: { date: cursor } };
  }
  yield { kind: 'checkpoint', state: cursor ? { date: cursor } : {} };
}

type PartitionSource = { label: string; partition: Partition; source: SyncWindowSource };

/**
 * A window's partitions read through the stream's batched endpoint, `batched.size` at a time (pin_analytics:
 * ≤ 100 pins per GET /pins/analytics). A batch refused whole over one of its partitions (code 7 or 50) is read
 * one request per partition, which tells the refused ones apart. When Pinterest refuses the route (403 or 404
 * otherwise: the app lacks the beta), the batch and every later one are read per partition, after one warning.
 */
class BatchedReads {
  private refused = false;
  /** Settled once the read's first batched request has answered (or failed). */
  private probe?: Promise<void>;
  private readonly whole: SyncWindowSource;
  private readonly as: string;

  constructor(private readonly job: Job) {
    const spec = job.def.partition as Extract<AnalyticsDefinition['partition'], { by: 'parent' }>;
    this.as = spec.as;
    this.whole = new SyncWindowSource(job, {});
  }

  tasks(window: Window, open: PartitionSource[]): Array<() => AsyncGenerator<StreamEvent>> {
    const { def, ctx, progress } = this.job;
    const one = (group: PartitionSource[]) =>
      mergeTasks(
        group.filter((p) => !progress.skipped.has(p.label)).map((p) => () => p.source.read(window, undefined)),
        ctx.config.concurrency,
      );
    if (this.refused) return [() => one(open)];
    return chunk(open, def.batched!.size).map((group) =>
      async function* (this: BatchedReads): AsyncGenerator<StreamEvent> {
        // The read's first batched request goes alone: a route refused (no beta) costs one request, not one per
        // batch already in flight. The others wait for its first answer.
        const first = this.probe === undefined;
        let settle = () => {};
        if (first) this.probe = new Promise<void>((resolve) => (settle = resolve));
        else await this.probe;
        if (!this.refused) {
          try {
            for await (const event of this.whole.read(
              window,
              group.map((p) => p.partition[this.as]!),
            )) {
              settle();
              yield event;
            }
            return;
          } catch (err) {
            // Refused before any row: about a pin of the batch (read it per pin, which tells which), or about the route.
            if (!(err instanceof ApiError) || ![401, 403, 404].includes(err.status)) throw err;
            if (isPinRefusal(err.status, err.apiCode)) this.pinRefused(err);
            else if (err.status === 401) throw err;
            else this.refuse(err);
          } finally {
            settle();
          }
        }
        yield* one(group);
      }.bind(this),
    );
  }

  private pinRefused(err: ApiError): void {
    const { def, ctx } = this.job;
    ctx.log(
      'DEBUG',
      `${def.name}: Pinterest refused a batch of GET ${def.batched!.path} over a pin it will not report on (HTTP ${err.status}: ${err.apiMessage}); that batch is read per pin.`,
    );
  }

  private refuse(err: ApiError): void {
    if (this.refused) return;
    this.refused = true;
    const { def, ctx } = this.job;
    ctx.log(
      'WARN',
      `${def.name}: Pinterest refused GET ${def.batched!.path} (HTTP ${err.status}${err.apiCode !== undefined ? `, code ${err.apiCode}` : ''}: ${err.apiMessage}), a beta not every app has; reading one request per ${this.as.replace(/_id$/, '')} (GET ${def.path}) for the rest of this read.`,
    );
  }
}

/**
 * Where each partition starts and why: one INFO line per stream (partitions grouped by start), and one DEBUG
 * line per partition. A partition without a window reads nothing.
 */
function logStarts(job: Job, starts: Array<{ label: string; cursor: Day | undefined; from: Day | undefined }>): void {
  const { def, ctx, range } = job;
  const startDate = (def.report && def.report.startDate) || ctx.config.start_date;
  const groups = new Map<string, string[]>();
  for (const s of starts) {
    const text =
      s.from === undefined
        ? `nothing to read (up to ${range.end} is done)`
        : (() => {
            const p = explainStart(range, startDate, s.cursor, ctx.config.lookback_days, s.from);
            return `${p.from} (${p.why})`;
          })();
    ctx.log('DEBUG', `${def.name}: ${s.label} starts at ${text}, through ${range.end}.`);
    groups.set(text, [...(groups.get(text) ?? []), s.label]);
  }
  if (groups.size === 0) return;
  const parts = [...groups].map(([text, labels]) =>
    starts.length === 1 ? `starts at ${text}` : `${labels.length} partition(s) start at ${text}`,
  );
  ctx.log('INFO', `${def.name}: ${parts.join('; ')}; through ${range.end}.`);
}

/** A saved cursor after the last day Pinterest serves reads nothing: say so, naming the stream and the date. */
function warnFutureCursors(stream: string, saved: CursorState, lastDay: Day, ctx: ReadContext): void {
  const dates = [saved.date, ...Object.values(saved.partitions ?? {}).map((p) => p.date)].filter(
    (d): d is Day => typeof d === 'string' && d > lastDay,
  );
  if (dates.length === 0) return;
  const latest = dates.reduce((a, b) => maxDay(a, b));
  ctx.log(
    'WARN',
    `${stream}: the saved state is at ${latest}, after today's last readable day ${lastDay} (a clock ahead, PINTEREST_TODAY, or a corrupt state); nothing is read until then. Reset the stream to read again.`,
  );
}
