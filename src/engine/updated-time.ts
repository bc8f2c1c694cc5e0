/**
 * Incremental entity lists on `updated_time` (Unix seconds): Pinterest cannot filter a list by it, so the list
 * is read whole and only items with updated_time ≥ the saved cursor are emitted. ≥, not >: an item changed
 * again within the cursor's second is not lost (the items of that second are emitted once more).
 * State: `{"updated_time": N, "partitions": {"<ad_account_id>": {"updated_time": N}}}` for lists per ad
 * account (a new account is read whole), `{"updated_time": N}` for the others. The top `updated_time` is the
 * smallest partition cursor, so a tool that reads only it never skips a change.
 */
import { configError } from '../errors';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

interface UpdatedTimeState {
  updated_time?: number;
  partitions?: Record<string, { updated_time: number }>;
}

/** Validates a list stream's saved `updated_time` state; a bad value is a config error that names it. */
function parseUpdatedTimeState(stream: string, raw: Obj | undefined): UpdatedTimeState {
  if (!raw) return {};
  const out: UpdatedTimeState = {};
  const wrong = (where: string, got: unknown) =>
    configError(
      `Invalid state for stream '${stream}': ${where} must be a Unix timestamp in whole seconds, got ${JSON.stringify(got)}.`,
    );
  if (raw.updated_time !== undefined && raw.updated_time !== null) {
    if (!isSeconds(raw.updated_time)) throw wrong("'updated_time'", raw.updated_time);
    out.updated_time = raw.updated_time;
  }
  if (raw.partitions !== undefined && raw.partitions !== null) {
    if (!isObject(raw.partitions))
      throw configError(`Invalid state for stream '${stream}': 'partitions' must be an object keyed by ad account id.`);
    out.partitions = {};
    for (const [id, p] of Object.entries(raw.partitions)) {
      const v = isObject(p) ? p.updated_time : p;
      if (!isSeconds(v)) throw wrong(`'updated_time' of partition '${id}'`, v);
      out.partitions[id] = { updated_time: v };
    }
  }
  return out;
}

/** The cursor of one incremental list read: which items to emit, and the state after the whole list. */
export class UpdatedTimeCursor {
  private readonly saved: UpdatedTimeState;
  private readonly seen = new Map<string, number>();

  constructor(
    stream: string,
    raw: Obj | undefined,
    private readonly partitioned: boolean,
  ) {
    this.saved = parseUpdatedTimeState(stream, raw);
  }

  /** The saved cursor of a partition: its own entry, or the top one when the state has no partitions. */
  private since(partition: string | undefined): number | undefined {
    if (!this.partitioned || partition === undefined || !this.saved.partitions) return this.saved.updated_time;
    return this.saved.partitions[partition]?.updated_time;
  }

  /** The items to emit: changed at or after the cursor (an item without a numeric updated_time always is). */
  filter<T extends Obj>(items: T[], partition: string | undefined): T[] {
    const since = this.since(partition);
    const key = this.partitioned ? (partition ?? '') : '';
    const out: T[] = [];
    for (const item of items) {
      const t = item.updated_time;
      if (typeof t !== 'number') {
        out.push(item);
        continue;
      }
      if (t > (this.seen.get(key) ?? -Infinity)) this.seen.set(key, t);
      if (since === undefined || t >= since) out.push(item);
    }
    return out;
  }

  /** The state once every partition was read: each cursor moves to the newest updated_time seen (never back). */
  state(): Obj {
    if (!this.partitioned) {
      const t = Math.max(this.saved.updated_time ?? -Infinity, this.seen.get('') ?? -Infinity);
      return Number.isFinite(t) ? { updated_time: t } : {};
    }
    const partitions: Record<string, { updated_time: number }> = { ...(this.saved.partitions ?? {}) };
    for (const [key, t] of this.seen) {
      const before = this.since(key);
      partitions[key] = { updated_time: Math.max(t, before ?? -Infinity) };
    }
    let top: number | undefined;
    for (const p of Object.values(partitions)) if (top === undefined || p.updated_time < top) top = p.updated_time;
    return top === undefined ? {} : { updated_time: top, partitions };
  }
}
