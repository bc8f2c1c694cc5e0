/**
 * Analytics rows written from their text: a strict scanner of flat rows that copies each member with its key
 * lower-cased (from the stream's KeyCase) and ids quoted, into exactly the line that JSON.parse,
 * adsAnalyticsRecord / targetingRecord and JSON.stringify would write — without building either object.
 * Anything it is not sure of (an escape, nesting, a duplicate key, a number JSON.stringify would write
 * otherwise, a key that changes place in an object) gives undefined, and the row takes the parser's path.
 * The record object it returns holds the row's strings and ids (what the engine reads: date, the key);
 * the line is under RECORD_JSON.
 */
import { RECORD_JSON, type WithRecordJson } from '../protocol/record-json';
import {
  adsAnalyticsRecord,
  dataReady,
  targetingRecord,
  type Field,
  type KeyCase,
  type Row,
  type TransformContext,
} from './transforms';
import { DAY_SHAPE as DAY } from '../util/dates';

/** The members every analytics record starts with, in order; a row's own member of that name takes the place. */
const LEADING = ['ad_account_id', 'currency', 'data_ready'] as const;

interface Scan {
  /** A row's own values of the leading members (text). */
  lead: [string | undefined, string | undefined, string | undefined];
  /** The row's DATE, when a string (for data_ready). */
  date: unknown;
  out: WithRecordJson;
}

/**
 * The pieces of the line being written: slot 0 for the leading members, then `,"key":` and value … (one row at
 * a time, reused). Joined once, the line is one flat string: no chain of concatenations per member for the
 * collector to walk, nor slices keeping the row's text alive while the line waits for the writer.
 */
const PIECES: string[] = [];

const isDigit = (c: number) => c >= 48 && c <= 57;

function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
  return i;
}

/** The end of a plain string starting at `i` (a quote): -1 when it holds an escape or a control character. */
function stringEnd(text: string, i: number): number {
  const e = text.indexOf('"', i + 1);
  if (e < 0) return -1;
  for (let k = i + 1; k < e; k++) {
    const c = text.charCodeAt(k);
    if (c < 32 || c === 92) return -1;
  }
  return e + 1;
}

/** The end of a number starting at `i`. */
function numberEnd(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (isDigit(c) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) c = text.charCodeAt(++i);
  return i;
}

/**
 * Whether a number's text is what JSON.stringify writes for its value, decided from its digits alone:
 * `-?(0|[1-9][0-9]*).[0-9]*[1-9]` with at most 15 significant digits (which a double holds exactly, so no
 * shorter text names the same value) and at least 1e-6 (smaller ones are written with an exponent). False
 * means not known: the caller makes the round trip.
 */
export function isShortestDecimal(n: string): boolean {
  let k = n.charCodeAt(0) === 45 ? 1 : 0;
  const start = k;
  while (isDigit(n.charCodeAt(k))) k++;
  const intDigits = k - start;
  if (intDigits === 0 || (intDigits > 1 && n.charCodeAt(start) === 48) || n.charCodeAt(k) !== 46) return false;
  const point = k++;
  while (isDigit(n.charCodeAt(k))) k++;
  if (k !== n.length || k === point + 1 || n.charCodeAt(k - 1) === 48) return false;
  let significant = k - point - 1;
  if (intDigits === 1 && n.charCodeAt(start) === 48) {
    let zeros = 0;
    while (n.charCodeAt(point + 1 + zeros) === 48) zeros++;
    if (zeros > 5) return false;
    significant -= zeros;
  } else significant += intDigits;
  return significant <= 15;
}

/**
 * A copy of a piece of the row's text: V8 makes a longer substring a view of its whole text, and a record
 * keeping its id (what the engine reads) would keep the row's text alive until the record is written.
 */
const detached = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));

/**
 * A value's text as the record writes it (ids as strings, long integers as their digits), or undefined to
 * fall back. `end[0]` receives the index after the value; `js[0]` its value when a string or an id.
 */
function valueText(text: string, i: number, id: boolean, end: number[], js: unknown[]): string | undefined {
  const c = text.charCodeAt(i);
  js[0] = undefined;
  if (c === 34) {
    const e = stringEnd(text, i);
    if (e < 0) return undefined;
    end[0] = e;
    js[0] = detached(text.slice(i + 1, e - 1));
    return text.slice(i, e);
  }
  if (c === 110 && text.startsWith('null', i)) {
    end[0] = i + 4;
    js[0] = null;
    return 'null';
  }
  if (c === 116 && text.startsWith('true', i)) {
    end[0] = i + 4;
    return id ? undefined : 'true';
  }
  if (c === 102 && text.startsWith('false', i)) {
    end[0] = i + 5;
    return id ? undefined : 'false';
  }
  if (c !== 45 && !isDigit(c)) return undefined;
  // The integer's digits in one pass; a fraction or an exponent is read on by numberEnd.
  const d = c === 45 ? i + 1 : i;
  let k = d;
  while (isDigit(text.charCodeAt(k))) k++;
  const e = numberEnd(text, k);
  const n = text.slice(i, e);
  end[0] = e;
  // An integer as JSON writes one: `-?(0|[1-9][0-9]*)`, not `-0`.
  if (e === k && k > d && (text.charCodeAt(d) !== 48 || (k === d + 1 && d === i))) {
    // Integers past 2^53 are kept as their digits, as parseJsonExact does.
    const long = n.length >= 16 && !Number.isSafeInteger(Number(n));
    if (id || long) {
      js[0] = detached(n);
      return `"${n}"`;
    }
    return n;
  }
  if (id || !(isShortestDecimal(n) || String(Number(n)) === n)) return undefined;
  return n;
}

/** Record keys a row may hold and how (per path): `refused` send the row to the parser, `asId` are written as ids. */
interface Rules {
  refused: ReadonlySet<string>;
  asId?: ReadonlySet<string>;
}

/** Synchronous rows: a targeting type or value among the metrics would clash with the item's own. */
const SYNC_RULES: Rules = { refused: new Set(['targeting_type', 'targeting_value']) };

/** Whether `text` holds `key` at `i`; compared from the end, where keys of one length differ (IMPRESSION_1, _2). */
function keyAt(text: string, i: number, key: string): boolean {
  for (let k = key.length - 1; k >= 0; k--) if (text.charCodeAt(i + k) !== key.charCodeAt(k)) return false;
  return true;
}

/** How many of the stream's keys after the last member are compared in place: columns left out of a row. */
const LOOK_AHEAD = 8;

/** Scans the flat object at `i` (a brace) into `scan`: the index after it, or -1 to fall back. */
function scanFlat(text: string, i: number, keys: KeyCase, scan: Scan, row: number, rules: Rules): number {
  const end = [0];
  const js: unknown[] = [undefined];
  const { seq } = keys;
  let next = 0;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 125) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== 34) return -1;
    // The stream's keys are compared in place from the one after the last member on (KeyCase.seq); only a
    // key not among them is cut out and looked up.
    let f: Field | undefined;
    let ke = -1;
    for (let p = next, last = Math.min(next + LOOK_AHEAD, seq.length); p < last; p++) {
      const g = seq[p];
      const e = i + 1 + g.api.length;
      if (text.charCodeAt(e) === 34 && keyAt(text, i + 1, g.api)) {
        f = g;
        ke = e;
        break;
      }
    }
    if (f === undefined) {
      ke = text.indexOf('"', i + 1);
      if (ke < 0) return -1;
      f = keys.field(text.slice(i + 1, ke));
      keys.place(f, next);
    }
    next = f.seq + 1;
    if (!f.plain || f.slot.row === row || rules.refused.has(f.key)) return -1;
    f.slot.row = row;
    i = skipSpace(text, ke + 1);
    if (text.charCodeAt(i) !== 58) return -1;
    const v = valueText(text, skipSpace(text, i + 1), f.id || rules.asId?.has(f.key) === true, end, js);
    if (v === undefined) return -1;
    const lead = LEADING.indexOf(f.key as (typeof LEADING)[number]);
    if (lead >= 0) scan.lead[lead] = v;
    else PIECES.push(f.member, v);
    if (js[0] !== undefined) scan.out[f.key] = js[0];
    if (f.api === 'DATE') scan.date = js[0];
    i = skipSpace(text, end[0]);
    const c = text.charCodeAt(i);
    if (c === 125) return i + 1;
    if (c !== 44) return -1;
    i = skipSpace(text, i + 1);
  }
}

/** `{` and the account's id and currency (the row's own values, else the context's; absent when neither). */
function leadingMembers({ lead }: Scan, ctx: TransformContext): string {
  const account = lead[0] ?? (ctx.ad_account_id === undefined ? undefined : JSON.stringify(ctx.ad_account_id));
  const currency = lead[1] ?? (ctx.currency === undefined ? undefined : JSON.stringify(ctx.currency));
  let head = '{';
  if (account !== undefined) head += `"ad_account_id":${account}`;
  if (currency !== undefined) head += `${head === '{' ? '' : ','}"currency":${currency}`;
  return head;
}

/** The record's line: the leading members (the row's own value, else the context's; absent when neither), then the rest. */
function finish(scan: Scan, ctx: TransformContext, tail: string): WithRecordJson {
  const { out, lead } = scan;
  const ready = dataReady(scan.date, ctx);
  const head = leadingMembers(scan, ctx);
  PIECES[0] = `${head}${head === '{' ? '' : ','}"data_ready":${lead[2] ?? String(ready)}`;
  PIECES.push(tail, '}');
  const json = PIECES.join('');
  if (lead[0] === undefined) out.ad_account_id = ctx.ad_account_id;
  if (lead[1] === undefined) out.currency = ctx.currency;
  if (lead[2] === undefined) out.data_ready = ready;
  out[RECORD_JSON] = json;
  return out;
}

const newScan = (): Scan => {
  PIECES.length = 1;
  return { lead: [undefined, undefined, undefined], date: undefined, out: {} };
};

/** One ads-analytics row from its text, or undefined for the parser's path. */
function adsAnalyticsText(text: string, ctx: TransformContext, keys: KeyCase): Row | undefined {
  const i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) return undefined;
  const scan = newScan();
  const e = scanFlat(text, i, keys, scan, ++keys.row, SYNC_RULES);
  if (e < 0 || skipSpace(text, e) !== text.length) return undefined;
  return finish(scan, ctx, '');
}

/** One targeting item ({targeting_type, targeting_value, metrics}) from its text, or undefined. */
function targetingText(text: string, ctx: TransformContext, keys: KeyCase): Row | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) return undefined;
  const scan = newScan();
  const row = ++keys.row;
  const end = [0];
  const js: unknown[] = [undefined];
  let type: string | undefined;
  let value: string | undefined;
  let typeJs: unknown = null;
  let valueJs: unknown = null;
  let metrics = false;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 125) return undefined;
  for (;;) {
    if (text.charCodeAt(i) !== 34) return undefined;
    const ke = text.indexOf('"', i + 1);
    if (ke < 0) return undefined;
    const key = text.slice(i + 1, ke);
    i = skipSpace(text, ke + 1);
    if (text.charCodeAt(i) !== 58) return undefined;
    i = skipSpace(text, i + 1);
    if (key === 'metrics' && !metrics) {
      if (text.charCodeAt(i) !== 123) return undefined;
      metrics = true;
      const e = scanFlat(text, i, keys, scan, row, SYNC_RULES);
      if (e < 0) return undefined;
      i = e;
    } else if (key === 'targeting_type' && type === undefined) {
      // As targetingRecord: String of the value, null when null (an id's rules).
      type = valueText(text, i, true, end, js);
      if (type === undefined) return undefined;
      typeJs = js[0];
      i = end[0];
    } else if (key === 'targeting_value' && value === undefined) {
      value = valueText(text, i, true, end, js);
      if (value === undefined) return undefined;
      valueJs = js[0];
      i = end[0];
    } else return undefined;
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === 125) break;
    if (c !== 44) return undefined;
    i = skipSpace(text, i + 1);
  }
  if (!metrics || skipSpace(text, i + 1) !== text.length) return undefined;
  const tail = `,"targeting_type":${type ?? 'null'},"targeting_value":${value ?? 'null'}`;
  const out = finish(scan, ctx, tail);
  out.targeting_type = typeJs;
  out.targeting_value = valueJs;
  return out;
}

/** Report rows: an HOUR (or a DATA_READY) column is the parser's to write; targeting types and values are strings. */
const REPORT_RULES: Rules = {
  refused: new Set(['data_ready', 'hour']),
  asId: new Set(['targeting_type', 'targeting_value']),
};

/**
 * One JSON row of a report file from its text: the line jsonReportRecord (reports/records.ts) and
 * JSON.stringify would write — the account's id and currency first, the row's members, then what the file's
 * key fills in (the entity's id, or the day) and data_ready — or undefined for the parser's path (anything
 * the scanner is not sure of, an id column that is null, a DATE with a time). Not for TOTAL rows.
 */
export function reportRowText(
  text: string,
  fileKey: string | undefined,
  ctx: TransformContext,
  keys: KeyCase,
  idKey: string | undefined,
): Row | undefined {
  const i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) return undefined;
  const scan = newScan();
  const e = scanFlat(text, i, keys, scan, ++keys.row, REPORT_RULES);
  if (e < 0 || skipSpace(text, e) !== text.length) return undefined;
  const { out, lead } = scan;
  const row = keys.row;
  let tail = '';
  if (idKey !== undefined && !keys.holds(idKey, row)) {
    if (fileKey !== undefined && !DAY.test(fileKey)) {
      out[idKey] = fileKey;
      tail += `,${JSON.stringify(idKey)}:${JSON.stringify(fileKey)}`;
    }
  } else if (idKey !== undefined && out[idKey] === null) return undefined;
  if (!keys.holds('date', row)) {
    if (fileKey !== undefined && DAY.test(fileKey)) {
      out.date = fileKey;
      tail += `,"date":"${fileKey}"`;
    }
  } else if (!('date' in out) || (typeof out.date === 'string' && out.date.length > 10)) return undefined;
  const ready = dataReady(out.date, ctx);
  out.data_ready = ready;
  const head = leadingMembers(scan, ctx);
  if (lead[0] === undefined) out.ad_account_id = ctx.ad_account_id;
  if (lead[1] === undefined) out.currency = ctx.currency;
  PIECES[0] = head;
  PIECES.push(tail, `,"data_ready":${ready}}`);
  const json = PIECES.join('');
  // Without either leading member, the first member after them loses its comma.
  out[RECORD_JSON] = json.charCodeAt(1) === 44 ? `{${json.slice(2)}` : json;
  return out;
}

type RecordFromText = (text: string, ctx: TransformContext, keys: KeyCase) => Row | undefined;

const FROM_TEXT = new Map<unknown, RecordFromText>([
  [adsAnalyticsRecord, adsAnalyticsText],
  [targetingRecord, targetingText],
]);

/** The text-level writer of a stream's row transform, if it has one. */
export function recordFromText<C extends TransformContext>(
  record: (element: unknown, ctx: C, keys: KeyCase, what: string) => Row,
): ((text: string, ctx: C, keys: KeyCase) => Row | undefined) | undefined {
  return FROM_TEXT.get(record);
}
