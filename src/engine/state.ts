/**
 * Input state in every shape Airbyte may hand over (per-stream array, legacy object, legacy message, empty),
 * normalised to one map, and the cursor state of the analytics streams: `{date}` plus, for ad-account
 * streams, `partitions: {<ad_account_id>: {date}}`.
 */
import { configError } from '../errors';
import { isDay, type Day } from '../util/dates';

export type StreamStates = Map<string, Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseInputState(raw: unknown): StreamStates {
  const out: StreamStates = new Map();
  if (raw === undefined || raw === null) return out;
  if (Array.isArray(raw)) {
    raw.forEach((message, i) => {
      if (!isObject(message)) throw configError(`Invalid state: element ${i} is not an object.`);
      if (message.type === 'GLOBAL' && isObject(message.global)) {
        const streams = (message.global as Record<string, unknown>).stream_states;
        if (Array.isArray(streams)) for (const s of streams) addStreamState(out, s, i);
        return;
      }
      if (message.type === 'LEGACY' || (message.type === undefined && 'data' in message && !('stream' in message))) {
        if (!isObject(message.data))
          throw configError(`Invalid state: element ${i} is a LEGACY state without a data object.`);
        for (const [k, v] of Object.entries(message.data)) if (isObject(v)) out.set(k, v);
        return;
      }
      addStreamState(out, message.stream, i);
    });
    return out;
  }
  if (!isObject(raw))
    throw configError('Invalid state: expected a list of STREAM state messages or an object keyed by stream name.');
  // A single STREAM or GLOBAL message, a legacy { type: LEGACY, data } message, or the legacy {stream: state} object.
  if ((raw.type === 'STREAM' && isObject(raw.stream)) || (raw.type === 'GLOBAL' && isObject(raw.global)))
    return parseInputState([raw]);
  if (
    (raw.type === 'LEGACY' || raw.type === undefined) &&
    isObject(raw.data) &&
    Object.keys(raw).every((k) => k === 'type' || k === 'data')
  ) {
    return parseInputState(raw.data);
  }
  for (const [k, v] of Object.entries(raw)) {
    if (v === null || v === undefined) continue;
    if (!isObject(v)) throw configError(`Invalid state: the state of stream '${k}' is not an object.`);
    out.set(k, v);
  }
  return out;
}

function addStreamState(out: StreamStates, stream: unknown, i: number): void {
  if (!isObject(stream) || !isObject(stream.stream_descriptor) || typeof stream.stream_descriptor.name !== 'string') {
    throw configError(`Invalid state: element ${i} has no stream.stream_descriptor.name.`);
  }
  const state = stream.stream_state;
  if (state === null || state === undefined) return; // a reset stream
  if (!isObject(state))
    throw configError(`Invalid state: stream_state of '${stream.stream_descriptor.name}' is not an object.`);
  out.set(stream.stream_descriptor.name, state);
}

export interface CursorState {
  date?: Day;
  partitions?: Record<string, { date: Day }>;
}

/** Validates an analytics stream's saved state; a value that is not a date is named in the error. */
export function parseCursorState(stream: string, raw: Record<string, unknown> | undefined): CursorState {
  if (!raw) return {};
  const out: CursorState = {};
  if (raw.date !== undefined && raw.date !== null) {
    if (!isDay(raw.date))
      throw configError(
        `Invalid state for stream '${stream}': 'date' must be a date written YYYY-MM-DD, got ${JSON.stringify(raw.date)}.`,
      );
    out.date = raw.date;
  }
  if (raw.partitions !== undefined && raw.partitions !== null) {
    if (!isObject(raw.partitions))
      throw configError(`Invalid state for stream '${stream}': 'partitions' must be an object keyed by ad account id.`);
    out.partitions = {};
    for (const [id, p] of Object.entries(raw.partitions)) {
      if (!isObject(p) || !isDay(p.date))
        throw configError(`Invalid state for stream '${stream}': partition '${id}' needs a 'date' written YYYY-MM-DD.`);
      out.partitions[id] = { date: p.date };
    }
  }
  return out;
}

/**
 * The saved cursor of one partition: its own entry, or the top date when the state has no partitions
 * (older state, or a stream whose state is not per partition). A partition missing from a state that
 * has partitions is new: no cursor, so it is read from start_date.
 */
export function partitionCursor(state: CursorState, partition: string | undefined): Day | undefined {
  if (partition === undefined || !state.partitions) return state.date;
  return state.partitions[partition]?.date;
}

/**
 * The state after `partition` finished a window ending on `date`. The top date is the smallest partition date
 * over `covered` (the partitions this read covers) and is left out while one of them has no entry yet: a tool
 * that reads only `date` must never see more progress than was made. Without `covered`, every partition of
 * the state counts.
 */
export function advance(
  state: CursorState,
  partition: string | undefined,
  date: Day,
  covered?: readonly string[],
): CursorState {
  if (partition === undefined) return { date };
  return withTopDate({ partitions: { ...(state.partitions ?? {}), [partition]: { date } } }, covered);
}

/** `partitions` with the top date they allow (see `advance`). */
export function withTopDate(state: CursorState, covered?: readonly string[]): CursorState {
  const partitions = state.partitions ?? {};
  const keys = covered ?? Object.keys(partitions);
  let top: Day | undefined;
  for (const key of keys) {
    const entry = partitions[key];
    if (!entry) return { partitions };
    if (top === undefined || entry.date < top) top = entry.date;
  }
  return top === undefined ? { partitions } : { date: top, partitions };
}

export function serializeCursorState(state: CursorState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (state.date) out.date = state.date;
  if (state.partitions) out.partitions = state.partitions;
  return out;
}

/**
 * Saved states this read cannot use as they are, one warning each: a stream the connector does not have (a
 * renamed or removed stream, a typo), or an incremental stream's state without `date` or `partitions` (another
 * connector's shape): such a stream is read again from its start, which must not happen silently.
 */
export function stateWarnings(
  states: StreamStates,
  known: ReadonlySet<string>,
  incremental: ReadonlySet<string>,
  cursorFields: ReadonlyMap<string, string> = new Map(),
): string[] {
  const out: string[] = [];
  for (const [stream, state] of states) {
    if (!known.has(stream)) {
      out.push(`The input state names stream '${stream}', which this connector does not have; its state is ignored.`);
      continue;
    }
    if (!incremental.has(stream) || Object.keys(state).length === 0) continue;
    const cursor = cursorFields.get(stream) ?? 'date';
    const foreign = Object.keys(state).filter((key) => key !== cursor && key !== 'partitions');
    if (state[cursor] === undefined && state.partitions === undefined) {
      out.push(
        `The input state of stream '${stream}' has neither '${cursor}' nor 'partitions' (it has ${foreign.map((k) => `'${k}'`).join(', ')}); the stream is read from its start.`,
      );
    } else if (foreign.length) {
      out.push(
        `The input state of stream '${stream}' has key(s) this connector does not keep (${foreign.map((k) => `'${k}'`).join(', ')}); they are ignored.`,
      );
    }
  }
  return out;
}

/** Where a partition's read starts and why, for the log. */
interface StartPoint {
  from: Day;
  why: string;
}

/**
 * The reason for `resumeStart`'s answer: the saved cursor less the lookback, or the stream's first day —
 * start_date, or the earliest day the stream reaches (start_date older than that, or not set).
 */
export function explainStart(
  range: { start: Day },
  startDate: Day | undefined,
  cursor: Day | undefined,
  lookbackDays: number,
  from: Day,
): StartPoint {
  if (cursor && from > range.start) return { from, why: `cursor ${cursor} − lookback ${lookbackDays} day(s)` };
  const first =
    startDate && startDate === range.start
      ? 'start_date'
      : startDate
        ? `the earliest day the stream reaches (start_date ${startDate} is older)`
        : 'the earliest day the stream reaches (no start_date)';
  return { from, why: cursor ? `${first}; cursor ${cursor} − lookback ${lookbackDays} day(s) is earlier` : first };
}
