/**
 * Reads an analytics stream: date windows from the cursor state (per ad account, or one for the stream),
 * and per window the requests for every id batch (≤250 ids) and targeting-type group (≤14 types).
 * A checkpoint follows each finished window, so a killed read restarted from its last state loses nothing.
 */
import { ConnectorError } from '../errors';
import { ApiError, ResponseTooLargeError, RetriesExhaustedError } from '../http/errors';
import { KeyCase } from '../streams/transforms';
import { batches, chunk, mergeTasks } from '../util/async';
import { maxDay, type Day } from '../util/dates';
import type { AnalyticsDefinition, Partition } from './definition';
import { RECORD_BATCH, fillPath, type ReadContext, type StreamEvent } from './context';
import { resolvePartitions } from './partition-router';
import { resumeStart, slice, splitWindow, streamRange, windowLength, type Window } from './slicer';
import { PartitionReports, planWindows, reportHistoryDays, type SourcedWindow } from '../reports/history';
import { advance, parseCursorState, partitionCursor, serializeCursorState, type CursorState } from './state';

/** Requests of one window run this many at a time per partition (the rate limiter bounds the total). */
const REQUESTS_PER_WINDOW = 4;

export interface AnalyticsReadOptions {
  incremental: boolean;
  inputState?: Record<string, unknown>;
  onUnknownField: (field: string) => void;
}

interface Progress { skipped: Set<string>; split: number }

/** What every part of one stream's analytics read shares. */
interface Job {
  def: AnalyticsDefinition;
  ctx: ReadContext;
  range: { start: Day; end: Day };
  keys: KeyCase;
  progress: Progress;
  /** Set for streams whose older days come from asynchronous reports: the days back they reach. */
  historyDays?: number;
}

export async function* readAnalytics(def: AnalyticsDefinition, ctx: ReadContext, opts: AnalyticsReadOptions): AsyncGenerator<StreamEvent> {
  const { config } = ctx;
  const historyDays = reportHistoryDays(def);
  const startDate = (def.report && def.report.startDate) || config.start_date;
  const range = streamRange({ today: ctx.today, startDate, endDate: config.end_date, lastDay: def.lastDay, historyDays });
  if (!historyDays && config.end_date && range.start > range.end) {
    ctx.log('WARN', `${def.name}: end_date ${config.end_date} is before today − 89, older than Pinterest serves this stream; it yields no records.`);
  } else if (range.clamped) {
    ctx.log('WARN', `${def.name}: start_date ${startDate} is older than Pinterest serves; reading from ${range.start} (today − ${(historyDays ?? 90) - 1}).`);
  }
  const saved: CursorState = opts.incremental ? parseCursorState(def.name, opts.inputState) : {};
  const partitions = await resolvePartitions(def.partition, ctx);
  const keys = new KeyCase(opts.onUnknownField);
  const progress: Progress = { skipped: new Set(), split: 0 };

  const job: Job = { def, ctx, range, keys, progress, historyDays };
  if (def.cursorScope === 'partition') {
    yield* readPerPartition(job, partitions, saved);
  } else {
    yield* readPerStream(job, partitions, saved);
  }
  if (progress.skipped.size > 0) {
    ctx.log('WARN', `${def.name}: skipped ${progress.skipped.size} partition(s) Pinterest refused to report on (HTTP ${def.skipPartitionOn?.join('/')}); their rows are not in this sync.`);
  }
  if (progress.split > 0) ctx.log('INFO', `${def.name}: ${progress.split} window(s) were split after repeated failures.`);
}

async function* readPerPartition(job: Job, partitions: Partition[], saved: CursorState): AsyncGenerator<StreamEvent> {
  const { def, ctx, range, historyDays } = job;
  // Partitions this read knows keep their cursor even when the saved state had only a top date.
  let working: CursorState = { date: saved.date, partitions: { ...(saved.partitions ?? {}) } };
  for (const p of partitions) {
    const cursor = partitionCursor(saved, p.key);
    if (cursor && p.key) working.partitions![p.key] = { date: cursor };
  }
  if (Object.keys(working.partitions!).length === 0) working = saved.date ? { date: saved.date } : {};

  const plans = await Promise.all(
    partitions.map(async (p) => {
      const cursor = partitionCursor(saved, p.key);
      const from = resumeStart(range.start, cursor, ctx.config.lookback_days);
      const windows: Array<Window & { source?: SourcedWindow['source'] }> = historyDays
        ? planWindows(def, from, range.end, ctx.today, ctx.config.window_days, slice)
        : slice(from, range.end, ctx.config.window_days);
      // An account whose id list fails fails on its own (below), after the healthy accounts are read.
      let ids: string[] | undefined;
      let failure: unknown;
      try {
        ids = def.ids && windows.length > 0 ? await ctx.shared.ids(def.ids.list, p) : undefined;
      } catch (err) {
        failure = err;
      }
      return { partition: p, windows, ids, cursor, failure };
    }),
  );
  yield { kind: 'estimate', rows: plans.reduce((n, plan) => n + (plan.failure !== undefined ? 0 : (plan.ids?.length ?? 1)) * plan.windows.reduce((d, w) => d + windowLength(w), 0), 0) };

  type Advance = { kind: 'advance'; partition: string; date: Day };
  const tasks = plans.map((plan) => async function* (): AsyncGenerator<StreamEvent | Advance> {
    if (plan.failure !== undefined) throw plan.failure;
    let cursor = plan.cursor;
    const reports = historyDays ? new PartitionReports(def, ctx, plan.partition, plan.windows as SourcedWindow[], job.keys) : undefined;
    try {
      for (const window of plan.windows) {
        if (window.source === 'report') yield* reports!.read(window as SourcedWindow, plan.ids);
        else yield* readWindow(job, plan.partition, window, plan.ids);
        cursor = cursor ? maxDay(cursor, window.end) : window.end;
        yield { kind: 'advance', partition: plan.partition.key!, date: cursor };
      }
    } finally {
      reports?.close();
    }
  });
  for await (const event of mergeTasks(tasks, ctx.config.concurrency)) {
    if (event.kind === 'advance') {
      working = advance(working, event.partition, event.date);
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
  yield { kind: 'estimate', rows: partitions.length * windows.reduce((d, w) => d + windowLength(w), 0) };
  for (const window of windows) {
    const tasks = partitions
      .filter((p) => !progress.skipped.has(partitionLabel(p)))
      .map((p) => () => readWindow(job, p, window, undefined));
    yield* mergeTasks(tasks, ctx.config.concurrency);
    cursor = cursor ? maxDay(cursor, window.end) : window.end;
    yield { kind: 'checkpoint', state: { date: cursor } };
  }
  yield { kind: 'checkpoint', state: cursor ? { date: cursor } : {} };
}

/** Every request of one partition's window: id batches × targeting-type groups. */
async function* readWindow(job: Job, partition: Partition, window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
  const { def } = job;
  if (ids && ids.length === 0) return;
  const batches: Array<string[] | undefined> = ids ? chunk(ids, def.ids!.batchSize) : [undefined];
  const groups: Array<readonly string[] | undefined> = def.targeting ? chunk(def.targeting.types, def.targeting.perRequest) : [undefined];
  const units = batches.flatMap((batch) => groups.map((types) => ({ batch, types })));
  const tasks = units.map((u) => () => readUnit(job, partition, window, u.batch, u.types));
  yield* mergeTasks(tasks, REQUESTS_PER_WINDOW);
}

async function* readUnit(job: Job, partition: Partition, window: Window, batch: string[] | undefined, types: readonly string[] | undefined): AsyncGenerator<StreamEvent> {
  const { def, ctx, keys, progress } = job;
  const path = fillPath(def.path, { ad_account_id: partition.ad_account_id, pin_id: partition.pin_id });
  const query: Record<string, string | number | boolean | undefined> = {
    start_date: window.start,
    end_date: window.end,
    ...def.params?.(ctx.config),
  };
  if (batch && def.ids) query[def.ids.param] = batch.join(',');
  if (types) query.targeting_types = types.join(',');
  const what = `GET ${path} (${window.start}…${window.end})`;
  // Holding a slot from request to last record bounds the answers in progress, whatever the concurrency.
  const release = await ctx.responses.acquire();
  let emitted = 0;
  try {
    if (def.stream) {
      // Rows are read as the answer arrives: a 30 MB answer is never held whole.
      const { key, record } = def.stream;
      for await (const texts of ctx.requester.arrayStream({ path, category: def.category, query }, key)) {
        const data = texts.map((text) => record(parseElement(text, what), partition, keys, what));
        emitted += data.length;
        yield { kind: 'records', data };
      }
    } else {
      const body = await ctx.requester.json({ path, category: def.category, query });
      for (const data of batches(def.select!(body, partition, keys, what), RECORD_BATCH)) {
        emitted += data.length;
        yield { kind: 'records', data };
      }
    }
  } catch (err) {
    release();
    // Once rows of this request are out, it cannot be split or skipped without emitting them twice:
    // the stream fails and its state stays before this window.
    if (emitted > 0) throw err;
    if (def.skipPartitionOn && err instanceof ApiError && def.skipPartitionOn.includes(err.status)) {
      const label = partitionLabel(partition);
      if (!progress.skipped.has(label)) {
        progress.skipped.add(label);
        ctx.log('WARN', `${def.name}: skipping ${label}: Pinterest answered HTTP ${err.status} (${err.apiMessage}).`);
      }
      return;
    }
    const halves = (err instanceof RetriesExhaustedError || err instanceof ResponseTooLargeError) ? splitWindow(window) : undefined;
    if (halves) {
      progress.split++;
      ctx.log('WARN', `${def.name}: ${what} failed (${(err as ConnectorError).message}); splitting the window in two.`);
      for (const half of halves) yield* readUnit(job, partition, half, batch, types);
      return;
    }
    throw err;
  } finally {
    release();
  }
}

function parseElement(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConnectorError(`Pinterest answered ${what} with a row that is not valid JSON; the read stops rather than skip data.`, 'transient_error');
  }
}

function partitionLabel(p: Partition): string {
  if (p.pin_id) return `pin ${p.pin_id}`;
  if (p.ad_account_id) return `ad account ${p.ad_account_id}`;
  return 'the user account';
}
