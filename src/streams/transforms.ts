/**
 * Record selectors and transforms: pure functions from a Pinterest response body to records.
 * Analytics keys are lower-cased (SPEND_IN_MICRO_DOLLAR → spend_in_micro_dollar) through a per-stream
 * cache of fields (record key, id or not), so the hot path does one Map lookup per key and nothing else.
 */
import { ConnectorError } from '../errors';

export type Row = Record<string, unknown>;

export interface TransformContext {
  ad_account_id?: string;
  currency?: string;
  pin_id?: string;
  user_id?: string;
  /** Ads-analytics rows dated on or before it carry data_ready true (the engine sets it per read). */
  ready_through?: string;
}

/** What an API key becomes in a record, decided once per stream and key. */
export interface Field {
  /** The API key, as the answer spells it. */
  api: string;
  key: string;
  /** A Pinterest id: written as a string. */
  id: boolean;
  /** `__proto__`: defined as a field, not handed to the setter. */
  proto: boolean;
  /** `,"key":`, as JSON.stringify writes a member after the first (the text-level writer of rows, row-text.ts). */
  member: string;
  /** Its place in `KeyCase.seq`: the keys of a stream's rows in the order rows name them. */
  seq: number;
  /** The API key needs no escape and its record key keeps its place in an object (not an array index, not `__proto__`). */
  plain: boolean;
  /** Shared by every API key that becomes this record key: the last row that set it (duplicates in a row). */
  slot: { row: number };
}

/** The farthest KeyCase.place moves a key in `seq` (a stream has a few dozen columns; an answer may have any). */
const MAX_MOVE = 256;

/** Upper-case API key → record key; `onNewKey` sees every key once (the engine warns about unknown ones). */
export class KeyCase {
  private readonly cache = new Map<string, Field>();
  private readonly slots = new Map<string, { row: number }>();
  /** A counter of rows written from their text (row-text.ts), matched against `Field.slot`. */
  row = 0;
  /**
   * Every field, in the order rows name them. Pinterest writes a row's columns in one order and leaves
   * out the empty ones, so the key after a member is most often the next one here, or one a few places on:
   * row-text.ts compares those in place before cutting the key out and looking it up, and moves a key it had
   * to look up to where the row named it (the first rows teach the order).
   */
  readonly seq: Field[] = [];
  constructor(private readonly onNewKey?: (key: string) => void) {}
  /**
   * Moves `f` to place `at` of `seq`, where a row named it: the next rows find it in place. A move is bounded
   * (MAX_MOVE places): rows whose keys keep no order cost a lookup a key, not a walk over every key.
   */
  place(f: Field, at: number): void {
    const { seq } = this;
    const from = f.seq;
    const to = from < at ? at - 1 : at;
    if (from === to || Math.abs(to - from) > MAX_MOVE) return;
    seq.splice(from, 1);
    seq.splice(to, 0, f);
    for (let k = Math.min(from, to); k <= Math.max(from, to); k++) seq[k].seq = k;
  }
  /** Whether row `row` (a counter value of rows written from their text) held a member of this record key. */
  holds(key: string, row: number): boolean {
    return this.slots.get(key)?.row === row;
  }
  lower(key: string): string {
    return this.field(key).key;
  }
  field(apiKey: string): Field {
    let out = this.cache.get(apiKey);
    if (out === undefined) {
      const key = apiKey.toLowerCase();
      let slot = this.slots.get(key);
      if (slot === undefined) this.slots.set(key, (slot = { row: -1 }));
      out = {
        api: apiKey,
        key,
        id: ID_KEYS.has(key),
        proto: key === '__proto__',
        member: `,${JSON.stringify(key)}:`,
        seq: this.seq.length,
        plain: !/[\\"\u0000-\u001f]/.test(apiKey) && !/^\d+$/.test(key) && key !== '__proto__',
        slot,
      };
      this.cache.set(apiKey, out);
      this.seq.push(out);
      this.onNewKey?.(key);
    }
    return out;
  }
}

/** Record keys that hold Pinterest ids: always strings in records, however an answer or a report file wrote them. */
export const ID_KEYS: ReadonlySet<string> = new Set([
  'campaign_id',
  'ad_group_id',
  'ad_id',
  'ad_account_id',
  'advertiser_id',
  'pin_id',
  'pin_promotion_id',
  'promo_id',
  'order_line_id',
  'keyword_id',
  'product_group_id',
  'product_item_id',
]);

function shapeError(what: string, body: unknown): ConnectorError {
  const got = Array.isArray(body) ? 'a list' : body === null ? 'null' : typeof body;
  return new ConnectorError(
    `Pinterest answered ${what} with an unexpected shape (${got}); no records were taken from it.`,
    'transient_error',
  );
}

function lowerRow(source: Row, keys: KeyCase, into: Row): Row {
  for (const k in source) {
    const f = keys.field(k);
    const v = source[k];
    const value = f.id && v !== null && v !== undefined ? String(v) : v;
    if (f.proto) setKey(into, f.key, value);
    else into[f.key] = value;
  }
  return into;
}

/** `row[key] = value`, except that a key `__proto__` (a metric named `__PROTO__`) is kept as a field, not eaten by the setter. */
function setKey(row: Row, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}

/** The rows of an array body: the top level, or under `key`. */
function arrayOf(body: unknown, what: string, key?: string): Iterable<unknown> {
  const rows = key === undefined ? body : (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(rows)) throw shapeError(what, body);
  return rows;
}

/** Whether Pinterest called the day of a row (`YYYY-MM-DD`, or with a time) final: on or before `ready_through`. */
export const dataReady = (date: unknown, ctx: TransformContext): boolean =>
  typeof date === 'string' && ctx.ready_through !== undefined && date.slice(0, 10) <= ctx.ready_through;

/** One ads-analytics row (flat, upper-case keys) as a record. */
export function adsAnalyticsRecord(row: unknown, ctx: TransformContext, keys: KeyCase, what: string): Row {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw shapeError(what, row);
  return lowerRow(row as Row, keys, {
    ad_account_id: ctx.ad_account_id,
    currency: ctx.currency,
    data_ready: dataReady((row as Row).DATE, ctx),
  });
}

/** One targeting item ({targeting_type, targeting_value, metrics}) as a record. */
export function targetingRecord(item: unknown, ctx: TransformContext, keys: KeyCase, what: string): Row {
  const it = item as Record<string, unknown> | null;
  if (typeof it !== 'object' || it === null || typeof it.metrics !== 'object' || it.metrics === null)
    throw shapeError(what, item);
  const out: Row = {
    ad_account_id: ctx.ad_account_id,
    currency: ctx.currency,
    data_ready: dataReady((it.metrics as Row).DATE, ctx),
  };
  lowerRow(it.metrics as Row, keys, out);
  out.targeting_type = it.targeting_type === undefined || it.targeting_type === null ? null : String(it.targeting_type);
  out.targeting_value =
    it.targeting_value === undefined || it.targeting_value === null ? null : String(it.targeting_value);
  return out;
}

/** Ads analytics: a JSON array of flat rows, one per entity and day. */
export function* adsAnalyticsRows(body: unknown, ctx: TransformContext, keys: KeyCase, what: string): Generator<Row> {
  for (const row of arrayOf(body, what)) yield adsAnalyticsRecord(row, ctx, keys, what);
}

/** Targeting analytics: {data: [{targeting_type, targeting_value, metrics: {...}}]}. */
export function* targetingRows(body: unknown, ctx: TransformContext, keys: KeyCase, what: string): Generator<Row> {
  for (const item of arrayOf(body, what, 'data')) yield targetingRecord(item, ctx, keys, what);
}

/** Pin and user-account analytics: {all: {daily_metrics: [{date, data_status, metrics}]}} (NO_SPLIT). */
export function* dailyMetricsRows(
  body: unknown,
  idField: 'pin_id' | 'user_id',
  id: string,
  keys: KeyCase,
  what: string,
): Generator<Row> {
  const daily = (body as { all?: { daily_metrics?: unknown } })?.all?.daily_metrics;
  if (!Array.isArray(daily)) {
    // No data at all for the period comes back as an empty object for some pins.
    if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
    throw shapeError(what, body);
  }
  for (const day of daily as Array<Record<string, unknown>>) {
    if (typeof day !== 'object' || day === null) throw shapeError(what, day);
    const out: Row = { [idField]: id, date: day.date, data_status: day.data_status };
    const metrics = day.metrics;
    if (metrics && typeof metrics === 'object') {
      for (const k in metrics as Row) setKey(out, keys.lower(k), (metrics as Row)[k]);
    }
    yield out;
  }
}

/**
 * User-account analytics split by a dimension: {<split value>: {daily_metrics: [...]}, ...}; each row carries
 * the dimension (`split_field`) and the group's key (`split_value`).
 */
export function* splitMetricsRows(
  body: unknown,
  idField: 'user_id',
  id: string,
  splitField: string,
  keys: KeyCase,
  what: string,
): Generator<Row> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw shapeError(what, body);
  for (const [value, group] of Object.entries(body as Record<string, unknown>)) {
    for (const row of dailyMetricsRows({ all: group }, idField, id, keys, what))
      yield { [idField]: row[idField], split_field: splitField, split_value: value, ...row };
  }
}

/** One top-pins answer ({pins: [{pin_id, metrics, data_status}], sort_by}) as records of the period asked. */
export function topPinsRows(body: unknown, query: Record<string, string | number>, keys: KeyCase, what: string): Row[] {
  const pins = (body as { pins?: unknown } | null)?.pins;
  if (!Array.isArray(pins)) throw shapeError(what, body);
  return pins.map((p: unknown) => {
    const pin = p as Record<string, unknown> | null;
    if (!pin || typeof pin !== 'object' || pin.pin_id === undefined || pin.pin_id === null) throw shapeError(what, p);
    const out: Row = {
      pin_id: String(pin.pin_id),
      sort_by: query.sort_by,
      start_date: query.start_date,
      end_date: query.end_date,
    };
    for (const k in pin) if (k !== 'pin_id' && k !== 'metrics') setKey(out, k, pin[k]);
    const metrics = pin.metrics;
    if (metrics && typeof metrics === 'object')
      for (const k in metrics as Row) setKey(out, keys.lower(k), (metrics as Row)[k]);
    return out;
  });
}
