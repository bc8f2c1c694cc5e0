/**
 * Report rows → the records the synchronous endpoints give: lower-case keys, ids as strings,
 * `ad_account_id` and `currency` of the account, `targeting_type` / `targeting_value` as strings, `date`.
 * Pure functions; the column types for CSV cells come from the stream's JSON schema.
 */
import { ConnectorError } from '../errors';
import { dataReady, ID_KEYS, type KeyCase, type Row, type TransformContext } from '../streams/transforms';
import { parseJsonExact } from '../http/json-exact';
import { normalizeHeader } from './parse';
import { DAY_SHAPE as DAY } from '../util/dates';

export interface RowShape {
  /** The record key of the level's id column (campaign_id …), filled from the file's key when a row lacks it. */
  idKey?: string;
  /** Keys whose CSV text becomes a number / a boolean (from the stream schema); others stay strings. */
  numeric: ReadonlySet<string>;
  boolean: ReadonlySet<string>;
}

/** Which record keys of a JSON schema hold numbers and booleans. */
export function shapeFromSchema(schema: Record<string, unknown>, idKey?: string): RowShape {
  const numeric = new Set<string>();
  const bool = new Set<string>();
  const props = (schema.properties ?? {}) as Record<string, { type?: string | string[] }>;
  for (const [name, prop] of Object.entries(props)) {
    const types = Array.isArray(prop.type) ? prop.type : [prop.type];
    if (ID_KEYS.has(name)) continue;
    if (types.includes('number') || types.includes('integer')) numeric.add(name);
    else if (types.includes('boolean')) bool.add(name);
  }
  return { idKey, numeric, boolean: bool };
}

/**
 * A record without a prototype: a column named `__proto__` stays an ordinary key and cannot lend the
 * record an inherited `date` or id that would keep the real one from being filled in.
 */
function newRecord(ctx: TransformContext): Row {
  const out = Object.create(null) as Row;
  out.ad_account_id = ctx.ad_account_id;
  out.currency = ctx.currency;
  return out;
}

function finish(out: Row, key: string | undefined, shape: RowShape, ctx: TransformContext): Row {
  if (
    shape.idKey &&
    (out[shape.idKey] === undefined || out[shape.idKey] === null) &&
    key !== undefined &&
    !DAY.test(key)
  )
    out[shape.idKey] = key;
  if (out.date === undefined && key !== undefined && DAY.test(key)) out.date = key;
  // HOUR rows: a DATE with a time ("2025-01-01 13:00:00") becomes date + hour; an HOUR column is a number.
  if (typeof out.date === 'string' && out.date.length > 10) {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2})/.exec(out.date);
    if (m) {
      out.date = m[1];
      if (out.hour === undefined) out.hour = Number(m[2]);
    }
  }
  if (typeof out.hour === 'string' && /^\d{1,2}$/.test(out.hour)) out.hour = Number(out.hour);
  if ('targeting_type' in out && out.targeting_type !== null) out.targeting_type = String(out.targeting_type);
  if ('targeting_value' in out && out.targeting_value !== null) out.targeting_value = String(out.targeting_value);
  out.data_ready = dataReady(out.date, ctx);
  return out;
}

/** One JSON report row (upper-case keys) as a record. */
export function jsonReportRecord(
  text: string,
  key: string | undefined,
  ctx: TransformContext,
  keys: KeyCase,
  shape: RowShape,
  what: string,
): Row {
  let row: unknown;
  try {
    // Exact: ids sent as numbers beyond 2^53 keep every digit, as on the synchronous path.
    row = parseJsonExact(text);
  } catch {
    throw new ConnectorError(
      `${what}: a row of the report file is not valid JSON; the window is not skipped, the read stops.`,
      'transient_error',
    );
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new ConnectorError(`${what}: a report row is not an object.`, 'transient_error');
  const out = newRecord(ctx);
  const src = row as Row;
  for (const k in src) {
    const name = keys.lower(k);
    const v = src[k];
    out[name] = ID_KEYS.has(name) && v !== null && v !== undefined ? String(v) : v;
  }
  return finish(out, key, shape, ctx);
}

/** The record keys of a CSV header. */
export function csvHeader(fields: string[], keys: KeyCase): string[] {
  return fields.map((f) => keys.lower(normalizeHeader(f)));
}

/** One CSV record as a record: empty cells are absent (never invented), numbers and booleans typed by the schema. */
export function csvReportRecord(
  header: string[],
  fields: string[],
  ctx: TransformContext,
  shape: RowShape,
  what: string,
): Row {
  if (fields.length !== header.length) {
    throw new ConnectorError(
      `${what}: a CSV row has ${fields.length} fields where the header has ${header.length}; the read stops rather than guess.`,
      'transient_error',
    );
  }
  const out = newRecord(ctx);
  for (let i = 0; i < header.length; i++) {
    const name = header[i];
    const text = fields[i];
    if (text === '') continue;
    if (shape.numeric.has(name)) {
      const n = Number(text.replace(/,/g, ''));
      if (!Number.isFinite(n))
        throw new ConnectorError(
          `${what}: column ${name} holds ${JSON.stringify(text.slice(0, 40))}, not a number.`,
          'transient_error',
        );
      out[name] = n;
    } else if (shape.boolean.has(name)) {
      out[name] = /^(true|1)$/i.test(text);
    } else {
      out[name] = text;
    }
  }
  return finish(out, undefined, shape, ctx);
}
