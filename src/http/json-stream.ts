/**
 * The one streaming JSON tokenizer: splits a body into the texts of its items as the bytes arrive, without
 * holding the body. Chunk boundaries may fall anywhere, inside strings, escapes and multi-byte characters.
 * Two emit modes over the same state machine:
 * - `elements`: the elements of the top-level array, or of the array under one top-level key
 *   (`{"data": [...]}`): API answers.
 * - `rows`: the rows of a report file, `{"<key>": [{row}, …], …}` or `[{row}, …]`, each row with the
 *   top-level key it was filed under (entity id or date). Every member must be a list, every row an object.
 * Both enforce the same bounds: nesting depth, the size of one item (and of one member name) held across
 * chunks, and the total size of the body. A leading UTF-8 byte-order mark is skipped.
 */

import { MAX_JSON_DEPTH } from './json-exact';

const QUOTE = 34,
  BACKSLASH = 92,
  COLON = 58,
  COMMA = 44;
const OPEN_BRACE = 123,
  CLOSE_BRACE = 125,
  OPEN_BRACKET = 91,
  CLOSE_BRACKET = 93;

/** Bytes with no meaning inside an item's own brackets, where only strings and brackets are tracked: 1, else 0. */
const INSIDE_ITEM = new Uint8Array(256).fill(1);
for (const c of [QUOTE, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET]) INSIDE_ITEM[c] = 0;

/** Bytes of a string looked through one by one before its end is searched for. */
const SHORT_STRING = 48;

/** One item (row) longer than this is refused: a string that never ends stops here. */
const MAX_ITEM_BYTES = 16 * 1024 * 1024;

export class MalformedJsonError extends Error {
  /** true when the body stopped early (worth a retry); false when it is complete but not of the expected shape (or over a bound). */
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

type EmitMode = { mode: 'elements'; key?: string } | { mode: 'rows' };

export interface TokenizerLimits {
  maxDepth: number;
  /** One item, and one member name, held across chunks. */
  maxItemBytes: number;
  /** The whole body (decoded bytes). */
  maxTotalBytes: number;
}

const DEFAULT_TOKENIZER_LIMITS: TokenizerLimits = {
  maxDepth: MAX_JSON_DEPTH,
  maxItemBytes: MAX_ITEM_BYTES,
  maxTotalBytes: Infinity,
};

/** One item: its JSON text, and in `rows` mode the top-level key it was filed under (absent for a bare array). */
export interface JsonItem {
  key?: string;
  text: string;
}

export class JsonStreamTokenizer {
  /** The open containers, innermost last (bounded by maxDepth, so a hostile nesting costs nothing). */
  private readonly stack: Uint8Array;
  private depth = 0;
  private inString = false;
  private escape = false;
  private started = false;
  private total = 0;
  /** Depth of the array whose items are emitted, or −1 while none is open. */
  private targetDepth = -1;
  private targetSeen = false;
  private targetClosed = false;
  /** In the top-level object: the next string is a member name (not a value). */
  private topExpectsKey = false;
  /** In the top-level object, `rows` mode: a member name was read, its value (a list) comes next. */
  private afterKey = false;
  /** Start of the item in this chunk; −1: no item; −2: the item continues from the previous chunk. */
  private itemStart = -1;
  private pieces: Buffer[] = [];
  private piecesBytes = 0;
  private keyStart = -1;
  private keyPieces: Buffer[] = [];
  private keyBytes = 0;
  private key: string | undefined;
  private readonly rows: boolean;
  private readonly wantKey: string | undefined;
  private readonly limits: TokenizerLimits;

  constructor(mode: EmitMode, limits: Partial<TokenizerLimits> = {}) {
    this.rows = mode.mode === 'rows';
    this.wantKey = mode.mode === 'elements' ? mode.key : undefined;
    this.limits = { ...DEFAULT_TOKENIZER_LIMITS, ...limits };
    this.stack = new Uint8Array(this.limits.maxDepth + 1);
  }

  /** Feeds one chunk; returns the items it finished (`rows` mode: with their keys). */
  push(input: Buffer): JsonItem[] {
    const out: Array<JsonItem | string> = [];
    this.scan(input, out);
    return out.map((item) => (typeof item === 'string' ? { text: item } : item));
  }

  /** Feeds one chunk; returns the texts of the items it finished (`elements` mode: no object per item, the hot path of analytics). */
  pushTexts(input: Buffer): string[] {
    if (this.rows) return this.push(input).map((item) => item.text);
    const out: string[] = [];
    this.scan(input, out); // elements mode emits texts only
    return out;
  }

  private scan(input: Buffer, out: Array<JsonItem | string>): void {
    let chunk = input;
    this.total += chunk.length;
    if (this.total > this.limits.maxTotalBytes)
      throw new MalformedJsonError(`the body is larger than the limit of ${this.limits.maxTotalBytes} bytes`, false);
    // A byte-order mark leads some exported files (only a whole one in the first chunk is recognised).
    if (this.total === chunk.length && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
      chunk = chunk.subarray(3);
    const n = chunk.length;
    if (this.itemStart === -2) this.itemStart = 0;
    if (this.keyStart === -2) this.keyStart = 0;
    // The chunk's next backslash, searched again only once passed (n: none left): most chunks have none, and
    // searching for it from every string would scan the rest of the chunk once per string.
    let backslashAt = -1;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          continue;
        }
        if (c === BACKSLASH) {
          this.escape = true;
          continue;
        }
        if (c !== QUOTE) {
          // Jump to the next quote or backslash: a short string (a member name) byte by byte, since a search
          // is a call out of JavaScript; past SHORT_STRING bytes, by search (strings are most of the bytes).
          const near = Math.min(n, i + SHORT_STRING);
          let j = i + 1;
          while (j < near && chunk[j] !== QUOTE && chunk[j] !== BACKSLASH) j++;
          if (j < near || j === n) {
            i = j - 1;
            continue;
          }
          if (backslashAt < i) {
            backslashAt = chunk.indexOf(BACKSLASH, i);
            if (backslashAt < 0) backslashAt = n;
          }
          const quoteAt = chunk.indexOf(QUOTE, i);
          i = (quoteAt < 0 ? Math.min(n, backslashAt) : Math.min(quoteAt, backslashAt)) - 1;
          continue;
        }
        this.inString = false;
        if (this.keyStart >= 0) this.finishKey(chunk, i + 1);
        continue;
      }
      // Inside an item's own brackets (most of the bytes outside strings) a run of numbers, commas and colons
      // changes nothing: it is passed in one tight loop.
      if (INSIDE_ITEM[c] === 1 && this.itemStart !== -1 && this.depth > this.targetDepth) {
        while (i + 1 < n && INSIDE_ITEM[chunk[i + 1]] === 1) i++;
        continue;
      }
      if (c <= 32) continue;
      // A byte of a scalar element, or of a number or literal outside the list being split: nothing to track.
      if (
        c !== QUOTE &&
        c !== COMMA &&
        c !== COLON &&
        c !== OPEN_BRACE &&
        c !== CLOSE_BRACE &&
        c !== OPEN_BRACKET &&
        c !== CLOSE_BRACKET &&
        (this.itemStart !== -1 || this.depth !== this.targetDepth) &&
        this.started &&
        !this.afterKey
      )
        continue;
      if (!this.started) {
        this.started = true;
        if (this.rows && c !== OPEN_BRACE && c !== OPEN_BRACKET)
          throw new MalformedJsonError('a JSON report must be an object or a list', false);
      }
      const atTop = this.depth === 1 && this.stack[1] === OPEN_BRACE;
      if (c === COMMA || c === COLON) {
        if (atTop) this.topExpectsKey = c === COMMA;
        else if (c === COMMA && this.depth === this.targetDepth && this.itemStart >= 0)
          out.push(this.finishItem(chunk, i)); // a scalar element
        continue;
      }
      if (this.rows && atTop && this.afterKey && c !== OPEN_BRACKET)
        throw new MalformedJsonError('a member of the report is not a list of rows', false);
      const atItemLevel = this.depth === this.targetDepth && this.itemStart === -1;
      if (atItemLevel && c !== CLOSE_BRACKET) {
        if (this.rows && c !== OPEN_BRACE) throw new MalformedJsonError('a report row is not an object', false);
        this.itemStart = i;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (atTop && this.topExpectsKey && (this.rows || (this.wantKey !== undefined && !this.targetSeen))) {
          this.keyStart = i;
          this.keyPieces = [];
          this.keyBytes = 0;
          this.afterKey = this.rows;
        }
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.afterKey = false;
        if (++this.depth > this.limits.maxDepth)
          throw new MalformedJsonError(`nested deeper than ${this.limits.maxDepth} levels`, false);
        this.stack[this.depth] = c;
        if (c === OPEN_BRACE && this.depth === 1) this.topExpectsKey = true;
        if (c === OPEN_BRACKET && this.opensTarget()) {
          this.targetSeen = true;
          this.targetDepth = this.depth;
        }
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = this.depth > 0 ? this.stack[this.depth] : 0;
        if (open !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET))
          throw new MalformedJsonError('unbalanced brackets', false);
        this.depth--;
        if (this.targetDepth >= 0 && this.depth === this.targetDepth && this.itemStart >= 0) {
          out.push(this.finishItem(chunk, i + 1));
        } else if (this.targetDepth >= 0 && this.depth === this.targetDepth - 1) {
          if (this.itemStart >= 0) out.push(this.finishItem(chunk, i)); // a scalar last element
          this.targetDepth = -1;
          this.targetClosed = true;
        }
        continue;
      }
      // Any other byte is part of a scalar: at item level it started an element above.
    }
    if (this.itemStart >= 0) {
      const piece = chunk.subarray(this.itemStart);
      this.pieces.push(piece);
      this.piecesBytes += piece.length;
      this.itemStart = -2;
      if (this.piecesBytes > this.limits.maxItemBytes)
        throw new MalformedJsonError(
          `one ${this.rows ? 'row' : 'element'} is longer than the limit of ${this.limits.maxItemBytes} bytes`,
          false,
        );
    }
    if (this.keyStart >= 0) {
      const piece = chunk.subarray(this.keyStart);
      this.keyPieces.push(piece);
      this.keyBytes += piece.length;
      this.keyStart = -2;
      if (this.keyBytes > this.limits.maxItemBytes)
        throw new MalformedJsonError(
          `a member name is longer than the limit of ${this.limits.maxItemBytes} bytes`,
          false,
        );
    }
  }

  /** After the last chunk: throws when the body ended early or is not of the expected shape. */
  end(): void {
    if (!this.started && this.rows) throw new MalformedJsonError('the report file is empty', true);
    if (this.inString || this.depth !== 0 || this.itemStart !== -1)
      throw new MalformedJsonError(`the ${this.rows ? 'file' : 'body'} ended before the JSON did`, true);
    if (this.rows) return;
    if (!this.targetClosed)
      throw new MalformedJsonError(
        this.wantKey ? `no "${this.wantKey}" list in the body` : 'the body is not a list',
        false,
      );
  }

  private opensTarget(): boolean {
    if (this.rows) return this.depth === 1 || (this.depth === 2 && this.stack[1] === OPEN_BRACE);
    if (this.targetSeen) return false;
    if (this.wantKey === undefined) return this.depth === 1;
    return this.depth === 2 && this.stack[1] === OPEN_BRACE && this.key === this.wantKey;
  }

  private finishKey(chunk: Buffer, end: number): void {
    let raw: string;
    if (this.keyStart === 0 && this.keyPieces.length > 0) {
      this.keyPieces.push(chunk.subarray(0, end));
      raw = Buffer.concat(this.keyPieces).toString('utf8');
    } else {
      raw = chunk.toString('utf8', this.keyStart, end);
    }
    this.keyPieces = [];
    this.keyStart = -1;
    try {
      this.key = JSON.parse(raw) as string;
    } catch {
      throw new MalformedJsonError('a member name is not a valid JSON string', false);
    }
  }

  private finishItem(chunk: Buffer, end: number): JsonItem | string {
    let text: string;
    if (this.pieces.length > 0) {
      this.pieces.push(chunk.subarray(0, end));
      text = Buffer.concat(this.pieces).toString('utf8');
      this.pieces = [];
      this.piecesBytes = 0;
    } else {
      text = chunk.toString('utf8', this.itemStart, end);
    }
    this.itemStart = -1;
    if (!this.rows) return text.trim();
    return this.depth === 2 ? { key: this.key, text } : { text };
  }
}

/** The elements of an array body (the top-level array, or the one under `key`), each as its own JSON text. */
export class ArrayElementSplitter {
  private readonly tokenizer: JsonStreamTokenizer;

  /** `maxElementBytes` bounds one element (and one member name) held across chunks: a row that never ends. */
  constructor(key?: string, maxElementBytes = MAX_ITEM_BYTES) {
    this.tokenizer = new JsonStreamTokenizer({ mode: 'elements', key }, { maxItemBytes: maxElementBytes });
  }

  push(chunk: Buffer): string[] {
    return this.tokenizer.pushTexts(chunk);
  }

  end(): void {
    this.tokenizer.end();
  }
}
