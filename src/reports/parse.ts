/**
 * Streaming parsers for report files, fed chunk by chunk as the download arrives (never the whole file):
 * - JSON: an object whose keys are entity ids (or dates, for BY_DATE reports) and whose values are arrays
 *   of row objects; a top-level array of rows is accepted too. Each row comes out as its own text.
 * - CSV: a header line, then one row per line (RFC 4180 quoting, CRLF or LF, a UTF-8 BOM tolerated).
 */
import { JsonStreamTokenizer, type JsonItem, type TokenizerLimits } from '../http/json-stream';

/** One row of a JSON report: its text, and the top-level key it was filed under (absent for a bare array). */
type JsonReportRow = JsonItem;

/**
 * Splits `{"<key>": [{row}, …], …}` (or `[{row}, …]`) into rows: the one streaming tokenizer in its `rows`
 * mode, with the API answers' bounds (nesting depth, row size; the total is the report's own limit).
 */
export class ReportJsonSplitter {
  private readonly tokenizer: JsonStreamTokenizer;

  constructor(limits: Partial<TokenizerLimits> = {}) {
    this.tokenizer = new JsonStreamTokenizer({ mode: 'rows' }, limits);
  }

  push(chunk: Buffer): JsonReportRow[] {
    return this.tokenizer.push(chunk);
  }

  /** After the last chunk: throws when the file ended early. */
  end(): void {
    this.tokenizer.end();
  }
}

export class MalformedCsvError extends Error {
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
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
        if (ch === 10) {
          i++;
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === 34) {
            this.field += '"';
            i++;
            continue;
          }
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
      if (ch === 44) {
        this.endField();
        i++;
        continue;
      }
      if (ch === 10 || ch === 13) {
        this.endField();
        out.push(this.record);
        this.record = [];
        this.pendingCr = ch === 13;
        i++;
        continue;
      }
      if (ch === 34 && this.atFieldStart) {
        this.inQuotes = true;
        this.atFieldStart = false;
        i++;
        continue;
      }
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
  return name
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}
