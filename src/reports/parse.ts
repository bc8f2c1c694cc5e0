/**
 * Streaming parsers for report files, fed chunk by chunk as the download arrives (never the whole file):
 * - JSON: an object whose keys are entity ids (or dates, for BY_DATE reports) and whose values are arrays
 *   of row objects; a top-level array of rows is accepted too. Each row comes out as its own text.
 * - CSV: a header line, then one row per line (RFC 4180 quoting, CRLF or LF, a UTF-8 BOM tolerated).
 */
import { MalformedJsonError, nextStringStop } from '../http/json-stream';

const QUOTE = 34, BACKSLASH = 92;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

/** One row of a JSON report: its text, and the top-level key it was filed under (absent for a bare array). */
export interface JsonReportRow { key?: string; text: string }

/**
 * Splits `{"<key>": [{row}, …], …}` (or `[{row}, …]`) into rows. Containers are tracked as a stack of
 * 'o'/'a'; a row is an object directly inside an array that is the top level or a top-level member.
 */
export class ReportJsonSplitter {
  private stack: number[] = [];
  private inString = false;
  private escape = false;
  private rowStart = -1;        // −1: no row; −2: a row continues from the previous chunk
  private pieces: Buffer[] = [];
  private keyStart = -1;
  private keyPieces: Buffer[] = [];
  private key: string | undefined;
  private started = false;
  /** A top-level member name was read: its value (a list) comes next. */
  private afterKey = false;

  push(chunk: Buffer): JsonReportRow[] {
    const out: JsonReportRow[] = [];
    const n = chunk.length;
    if (this.rowStart === -2) this.rowStart = 0;
    if (this.keyStart === -2) this.keyStart = 0;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escape) { this.escape = false; continue; }
        if (c === BACKSLASH) { this.escape = true; continue; }
        if (c !== QUOTE) {
          const next = nextStringStop(chunk, i);
          if (next < 0) { i = n - 1; continue; }
          i = next - 1;
          continue;
        }
        this.inString = false;
        if (this.keyStart >= 0) {
          this.keyPieces.push(chunk.subarray(this.keyStart, i + 1));
          this.key = JSON.parse(Buffer.concat(this.keyPieces).toString('utf8')) as string;
          this.keyPieces = [];
          this.keyStart = -1;
        }
        continue;
      }
      if (c <= 32 || c === 44 || c === 58) continue; // whitespace , :
      if (!this.started) {
        this.started = true;
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET) throw new MalformedJsonError('a JSON report must be an object or a list', false);
      }
      const topObject = this.stack.length === 1 && this.stack[0] === OPEN_BRACE;
      if (topObject && this.afterKey && c !== OPEN_BRACKET) throw new MalformedJsonError('a member of the report is not a list of rows', false);
      if (c === QUOTE) {
        this.inString = true;
        // A member name of the top-level object: the entity id (or date) its rows are filed under.
        if (topObject) { this.keyStart = i; this.keyPieces = []; this.afterKey = true; }
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (c === OPEN_BRACE && this.rowStart === -1 && this.atRowLevel()) this.rowStart = i;
        this.afterKey = false;
        this.stack.push(c);
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = this.stack.pop();
        if (open === undefined || (open === OPEN_BRACE) !== (c === CLOSE_BRACE)) throw new MalformedJsonError('unbalanced brackets', false);
        if (c === CLOSE_BRACE && this.rowStart !== -1 && this.atRowLevel()) out.push(this.finishRow(chunk, i + 1));
        continue;
      }
      // A scalar where rows are expected (e.g. [1, 2]): not a report we understand.
      if (this.atRowLevel() && this.rowStart === -1) throw new MalformedJsonError('a report row is not an object', false);
    }
    if (this.rowStart >= 0) { this.pieces.push(chunk.subarray(this.rowStart)); this.rowStart = -2; }
    if (this.keyStart >= 0) { this.keyPieces.push(chunk.subarray(this.keyStart)); this.keyStart = -2; }
    return out;
  }

  /** After the last chunk: throws when the file ended early. */
  end(): void {
    if (!this.started) throw new MalformedJsonError('the report file is empty', true);
    if (this.inString || this.stack.length !== 0 || this.rowStart !== -1) throw new MalformedJsonError('the file ended before the JSON did', true);
  }

  /** Inside an array that is the top level, or the value of a top-level member. */
  private atRowLevel(): boolean {
    const d = this.stack.length;
    if (d === 1) return this.stack[0] === OPEN_BRACKET;
    return d === 2 && this.stack[0] === OPEN_BRACE && this.stack[1] === OPEN_BRACKET;
  }

  private finishRow(chunk: Buffer, end: number): JsonReportRow {
    let text: string;
    if (this.pieces.length > 0) {
      this.pieces.push(chunk.subarray(0, end));
      text = Buffer.concat(this.pieces).toString('utf8');
      this.pieces = [];
    } else {
      text = chunk.toString('utf8', this.rowStart, end);
    }
    this.rowStart = -1;
    const d = this.stack.length;
    return d === 2 ? { key: this.key, text } : { text };
  }
}

export class MalformedCsvError extends Error {
  constructor(message: string, readonly truncated: boolean) {
    super(message);
  }
}

/**
 * A CSV parser over chunks: returns complete records (arrays of fields) as lines finish. The first
 * record is the header. Quoted fields may hold commas, quotes ("") and newlines.
 */
export class CsvSplitter {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // a quote inside a quoted field: either "" or the field's end
  private atFieldStart = true;
  private pendingCr = false;
  private first = true;
  private decoder = new TextDecoder('utf-8', { fatal: false });
  private sawAny = false;

  push(chunk: Buffer): string[][] {
    let text = this.decoder.decode(chunk, { stream: true });
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.consume(text);
  }

  end(): string[][] {
    const out = this.consume(this.decoder.decode());
    if (this.inQuotes && !this.quoteSeen) throw new MalformedCsvError('the file ended inside a quoted field', true);
    if (!this.atFieldStart || this.record.length > 0 || this.field.length > 0 || this.quoteSeen) {
      this.endField();
      out.push(this.record);
      this.record = [];
    }
    if (!this.sawAny) throw new MalformedCsvError('the report file is empty', true);
    return out;
  }

  private consume(text: string): string[][] {
    const out: string[][] = [];
    const n = text.length;
    let i = 0;
    if (n > 0) this.sawAny = true;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === 10) { i++; continue; }
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === 34) { this.field += '"'; i++; continue; }
          this.inQuotes = false; // the closing quote: fall through to the separator handling below
        } else if (ch === 34) {
          this.quoteSeen = true;
          i++;
          continue;
        } else {
          // Take the run up to the next quote in one slice.
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          this.field += text.slice(i, end);
          i = end;
          continue;
        }
      }
      if (ch === 44) { this.endField(); i++; continue; }
      if (ch === 10 || ch === 13) {
        this.endField();
        out.push(this.record);
        this.record = [];
        this.pendingCr = ch === 13;
        i++;
        continue;
      }
      if (ch === 34 && this.atFieldStart) { this.inQuotes = true; this.atFieldStart = false; i++; continue; }
      // An unquoted run up to the next separator.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      this.field += text.slice(i, j);
      this.atFieldStart = false;
      i = j;
    }
    return out.filter((r) => !(r.length === 1 && r[0] === ''));
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.atFieldStart = true;
    this.inQuotes = false;
    this.quoteSeen = false;
  }
}

/** "Campaign ID", "campaign_id", "CAMPAIGN_ID" → CAMPAIGN_ID: CSV headers name the same columns as JSON keys. */
export function normalizeHeader(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
}
