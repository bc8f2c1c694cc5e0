/**
 * Reads an analytics stream: date windows from the cursor state (per ad account, or one for the stream),
 * and per window the requests for every id batch (≤250 ids) and targeting-type group (≤14 types).
 * A checkpoint follows each finished window, so a killed read restarted from its last state loses nothing.
 */
import { ConnectorError } from '../errors';
import { ApiError, ResponseTooLargeError, RetriesExhaustedError } from '../http/errors';
import { parseJsonExact } from '../http/json-exact';
import { KeyCase } from '../streams/transforms';
import { batches, chunk, mergeTasks } from '../util/async';
import { maxDay, type Day } from '../util/dates';
import type { AnalyticsDefinition, Partition } from './definition';
import { RECORD_BATCH, fillPath, type ReadContext, type StreamEvent } from './context';
import { resolvePartitions } from './partition-router';
import { API_HISTORY_DAYS, earliestDay, resumeStart, slice, splitWindow, streamRange, windowLength, type Window } from './slicer';
import { TargetingTypes, typesNamedIn } from './targeting-types';
import { PartitionReports, planWindows, reportHistoryDays, type SourcedWindow } from '../reports/history';
import { advance, explainStart, parseCursorState, partitionCursor, serializeCursorState, withTopDate, type CursorState } from './state';

/** Requests of one window run this many at a time per partition (the rate limiter bounds the total). */
const REQUESTS_PER_WINDOW = 4;

export interface AnalyticsReadOptions {
  incremental: boolean;
  inputState?: Record<string, unknown>;
  onUnknownField: (field: string) => void;
}

interface Progress { skipped: Set<string>; split: number; earliestWarned?: Day; outside: number; outsideExample?: string }

/** What every part of one stream's analytics read shares. */
interface Job {
  def: AnalyticsDefinition;
  ctx: ReadContext;
  range: { start: Day; end: Day };
  keys: KeyCase;
  progress: Progress;
  targeting?: TargetingTypes;
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
  const progress: Progress = { skipped: new Set(), split: 0, outside: 0 };
  warnFutureCursors(def.name, saved, range.end, ctx);

  const job: Job = { def, ctx, range, keys, progress, historyDays };
  if (def.targeting) {
    const chosen = config.targeting_types;
    const types = chosen ? def.targeting.types.filter((t) => chosen.includes(t)) : def.targeting.types;
    if (types.length === 0) {
      ctx.log('WARN', `${def.name}: none of the configured targeting_types (${chosen!.join(', ')}) exists at this level; the stream reads nothing.`);
      return;
    }
    job.targeting = new TargetingTypes(types, def.targeting.perRequest, (message) => ctx.log('WARN', `${def.name}: ${message}`));
  }
  if (def.cursorScope === 'partition') {
    yield* readPerPartition(job, partitions, saved);
  } else {
    yield* readPerStream(job, partitions, saved);
  }
  if (progress.skipped.size > 0) {
    ctx.log('WARN', `${def.name}: skipped ${progress.skipped.size} partition(s) Pinterest refused to report on (HTTP ${def.skipPartitionOn?.join('/')}); their rows are not in this sync.`);
  }
  if (progress.outside > 0) {
    ctx.log('WARN', `${def.name}: Pinterest answered ${progress.outside} row(s) for ids or days that were not asked for (e.g. ${progress.outsideExample}); they are emitted as Pinterest sent them.`);
  }
  if (progress.split > 0) ctx.log('INFO', `${def.name}: ${progress.split} window(s) were split after repeated failures.`);
  const omitted = job.targeting?.summary();
  if (omitted) yield { kind: 'note', text: omitted };
}

async function* readPerPartition(job: Job, partitions: Partition[], saved: CursorState): AsyncGenerator<StreamEvent> {
  const { def, ctx, range, historyDays } = job;
  // Partitions this read knows keep their cursor even when the saved state had only a top date.
  let working: CursorState = { partitions: { ...(saved.partitions ?? {}) } };
  for (const p of partitions) {
    const cursor = partitionCursor(saved, p.key);
    if (cursor && p.key) working.partitions![p.key] = { date: cursor };
  }
  const covered = partitions.flatMap((p) => (p.key === undefined ? [] : [p.key]));
  working = Object.keys(working.partitions!).length === 0 ? (saved.date ? { date: saved.date } : {}) : withTopDate(working, covered);

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
        ids = def.ids && windows.length > 0 ? await ctx.shared.ids(def.ids.from, p) : undefined;
      } catch (err) {
        failure = err;
      }
      return { partition: p, windows, ids, cursor, failure };
    }),
  );
  logStarts(job, plans.map((plan) => ({ label: partitionLabel(plan.partition), cursor: plan.cursor, from: plan.windows[0]?.start })));
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

/**
 * Where each partition starts and why: one INFO line per stream (partitions grouped by start), and one DEBUG
 * line per partition. A partition without a window reads nothing.
 */
function logStarts(job: Job, starts: Array<{ label: string; cursor: Day | undefined; from: Day | undefined }>): void {
  const { def, ctx, range } = job;
  const startDate = (def.report && def.report.startDate) || ctx.config.start_date;
  const groups = new Map<string, string[]>();
  for (const s of starts) {
    const text = s.from === undefined ? `nothing to read (up to ${range.end} is done)` : (() => { const p = explainStart(range, startDate, s.cursor, ctx.config.lookback_days, s.from); return `${p.from} (${p.why})`; })();
    ctx.log('DEBUG', `${def.name}: ${s.label} starts at ${text}, through ${range.end}.`);
    groups.set(text, [...(groups.get(text) ?? []), s.label]);
  }
  if (groups.size === 0) return;
  const parts = [...groups].map(([text, labels]) => (starts.length === 1 ? `starts at ${text}` : `${labels.length} partition(s) start at ${text}`));
  ctx.log('INFO', `${def.name}: ${parts.join('; ')}; through ${range.end}.`);
}

/** Every request of one partition's window: id batches × targeting-type groups. */
async function* readWindow(job: Job, partition: Partition, window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
  const { def } = job;
  if (ids && ids.length === 0) return;
  job.ctx.log('DEBUG', `${def.name}: ${partitionLabel(partition)}, window ${window.start}…${window.end}${ids ? `, ${ids.length} id(s)` : ''}`);
  const batches: Array<string[] | undefined> = ids ? chunk(ids, def.ids!.batchSize) : [undefined];
  const groups: Array<readonly string[] | undefined> = job.targeting ? job.targeting.groups(partitionLabel(partition)) : [undefined];
  const units = batches.flatMap((batch) => groups.map((types) => ({ batch, types })));
  const tasks = units.map((u) => () => readUnit(job, partition, window, u.batch, u.types));
  yield* mergeTasks(tasks, REQUESTS_PER_WINDOW);
}

async function* readUnit(job: Job, partition: Partition, window: Window, batch: string[] | undefined, types: readonly string[] | undefined): AsyncGenerator<StreamEvent> {
  const { def, ctx, keys, progress } = job;
  const path = fillPath(def.path, partition);
  // Holding a slot from request to last record bounds the answers in progress, whatever the concurrency.
  const release = await ctx.responses.acquire();
  // The earliest day Pinterest serves is decided now, not when the windows were cut: midnight may have passed.
  const served = servedPart(job, window);
  if (!served) {
    release();
    return;
  }
  window = served;
  const query: Record<string, string | number | boolean | undefined> = {
    start_date: window.start,
    end_date: window.end,
    ...def.params?.(ctx.config),
  };
  if (batch && def.ids) query[def.ids.param] = batch.join(',');
  if (types) query.targeting_types = types.join(',');
  const what = `GET ${path} (${window.start}…${window.end})`;
  const asked = batch ? new Set(batch) : undefined;
  let emitted = 0;
  try {
    if (def.stream) {
      // Rows are read as the answer arrives: a 30 MB answer is never held whole.
      const { key, record } = def.stream;
      for await (const texts of ctx.requester.arrayStream({ path, category: def.category, query }, key)) {
        const data = texts.map((text) => record(parseElement(text, what), partition, keys, what));
        countOutside(job, data, window, asked);
        emitted += data.length;
        yield { kind: 'records', data };
      }
    } else {
      const body = await ctx.requester.json({ path, category: def.category, query });
      for (const data of batches(def.select!(body, partition, keys, what), RECORD_BATCH)) {
        countOutside(job, data, window, asked);
        emitted += data.length;
        yield { kind: 'records', data };
      }
    }
  } catch (err) {
    release();
    // Once rows of this request are out, it cannot be split or skipped without emitting them twice:
    // the stream fails and its state stays before this window.
    if (emitted > 0) throw err;
    const clock = ctx.clock;
    if (clock && err instanceof ApiError && err.status === 400 && isHistoryLimit(err)
      && (window.start < earliestDay(clock.today()) || clock.observeRefusedStart(window.start, API_HISTORY_DAYS))) {
      // Refused although the clock had not seen midnight (it had not seen the server's new day yet): re-clamp and go on.
      yield* readUnit(job, partition, window, batch, types);
      return;
    }
    if (def.skipPartitionOn && err instanceof ApiError && def.skipPartitionOn.includes(err.status)) {
      const label = partitionLabel(partition);
      if (!progress.skipped.has(label)) {
        progress.skipped.add(label);
        ctx.log('WARN', `${def.name}: skipping ${label}: Pinterest answered HTTP ${err.status} (${err.apiMessage}).`);
      }
      return;
    }
    if (types && job.targeting && err instanceof ApiError && err.status === 400 && !isHistoryLimit(err)) {
      yield* readWithoutRefusedTypes(job, partition, window, batch, types, err);
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

/**
 * A targeting request refused with 400: the types Pinterest names are left out and the rest read again;
 * when it names none, the group is halved until the refused type is alone. The refusal is the stream's
 * error only when every selected type is refused (then it is not about a type at all).
 */
async function* readWithoutRefusedTypes(job: Job, partition: Partition, window: Window, batch: string[] | undefined, types: readonly string[], err: ApiError): AsyncGenerator<StreamEvent> {
  const targeting = job.targeting!;
  const label = partitionLabel(partition);
  const named = typesNamedIn(err.apiMessage, types);
  let refused: readonly string[] = named;
  let rest: Array<readonly string[]> = [types.filter((t) => !named.includes(t))];
  if (named.length === 0) {
    if (types.length > 1) {
      const half = Math.ceil(types.length / 2);
      rest = [types.slice(0, half), types.slice(half)];
    } else {
      refused = types;
      rest = [];
    }
  }
  if (refused.length > 0 && targeting.refuse(label, refused, `HTTP 400: ${err.apiMessage}`)) throw err;
  for (const group of rest) {
    // A type refused meanwhile (by another request of this account) is not asked again.
    const wanted = group.filter((t) => !targeting.isRefused(label, t));
    if (wanted.length > 0) yield* readUnit(job, partition, window, batch, wanted);
  }
}

/**
 * The part of a window Pinterest serves today (as of now): the window itself, its days from the earliest
 * served day on (midnight passed during the read; warned once per new day), or nothing.
 */
function servedPart(job: Job, window: Window): Window | undefined {
  const { ctx, def, progress } = job;
  if (!ctx.clock) return window;
  const earliest = earliestDay(ctx.clock.today());
  if (window.start >= earliest) return window;
  if (progress.earliestWarned !== earliest) {
    progress.earliestWarned = earliest;
    ctx.log('WARN', `${def.name}: a new UTC day began during the read; Pinterest now serves analytics from ${earliest}, so older days of this read's range are no longer available and are left out.`);
  }
  return window.end < earliest ? undefined : { start: earliest, end: window.end };
}

/** Pinterest's refusal of a start date older than it serves (not a refusal of the request's other values). */
export const isHistoryLimit = (err: ApiError): boolean => /only get data from the last 90 days/i.test(err.apiMessage);

/** Rows dated outside the window, or for an id not in the request: counted, for one warning at the end. */
function countOutside(job: Job, rows: Array<Record<string, unknown>>, window: Window, asked: Set<string> | undefined): void {
  const idKey = job.def.primaryKey[0];
  for (const row of rows) {
    const date = row.date;
    const outsideWindow = typeof date === 'string' && (date < window.start || date.slice(0, 10) > window.end);
    const notAsked = asked !== undefined && !asked.has(String(row[idKey]));
    if (outsideWindow || notAsked) {
      job.progress.outside++;
      job.progress.outsideExample ??= `${idKey} ${String(row[idKey])} on ${String(date)}, asked ${window.start}…${window.end}`;
    }
  }
}

/** A saved cursor after the last day Pinterest serves reads nothing: say so, naming the stream and the date. */
function warnFutureCursors(stream: string, saved: CursorState, lastDay: Day, ctx: ReadContext): void {
  const dates = [saved.date, ...Object.values(saved.partitions ?? {}).map((p) => p.date)].filter((d): d is Day => typeof d === 'string' && d > lastDay);
  if (dates.length === 0) return;
  const latest = dates.reduce((a, b) => maxDay(a, b));
  ctx.log('WARN', `${stream}: the saved state is at ${latest}, after today's last readable day ${lastDay} (a clock ahead, PINTEREST_TODAY, or a corrupt state); nothing is read until then. Reset the stream to read again.`);
}

function parseElement(text: string, what: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    throw new ConnectorError(`Pinterest answered ${what} with a row that is not valid JSON; the read stops rather than skip data.`, 'transient_error');
  }
}

function partitionLabel(p: Partition): string {
  if (p.pin_id) return `pin ${p.pin_id}`;
  if (p.ad_account_id) return `ad account ${p.ad_account_id}`;
  return 'the user account';
}
