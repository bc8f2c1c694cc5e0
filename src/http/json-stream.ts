/**
 * Splits a JSON body into the elements of one array as the bytes arrive, without holding the body: the
 * top-level array, or the array under a top-level key (`{"data": [...]}`). Each element comes out as its
 * own UTF-8 text, to be parsed alone. Chunk boundaries may fall anywhere, inside strings and escapes too.
 */

import { MAX_JSON_DEPTH } from './json-exact';

const QUOTE = 34, BACKSLASH = 92, COLON = 58, COMMA = 44;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

/** Index of the next quote or backslash at or after `from` (−1 when none): a string's plain run is skipped in one search. */
export function nextStringStop(chunk: Buffer, from: number): number {
  const q = chunk.indexOf(QUOTE, from);
  const b = chunk.indexOf(BACKSLASH, from);
  return q < 0 ? b : b < 0 ? q : Math.min(q, b);
}

export class MalformedJsonError extends Error {
  /** true when the body stopped early (worth a retry); false when it is complete but not of the expected shape. */
  constructor(message: string, readonly truncated: boolean) {
    super(message);
  }
}

export class ArrayElementSplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth inside the target array (its elements start there), or −1 before it opens / after it closes. */
  private targetDepth = -1;
  private targetSeen = false;
  private targetClosed = false;
  /** Pieces of the element being read, when it spans chunks. */
  private pieces: Buffer[] = [];
  private elementStart = -1;
  /** The last string closed at depth 1 (a member name of the top-level object), as raw bytes. */
  private keyBytes: Buffer[] = [];
  private keyStart = -1;
  private lastKey = '';
  private piecesBytes = 0;
  private readonly wantKey: string | undefined;

  /** `maxElementBytes` bounds one element (and one member name) held across chunks: a row that never ends. */
  constructor(key?: string, private readonly maxElementBytes = Infinity) {
    this.wantKey = key;
  }

  /** Feeds one chunk; returns the complete elements it finished, as strings. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    const n = chunk.length;
    if (this.elementStart === -2) this.elementStart = 0; // an element continues from the previous chunk
    if (this.keyStart === -2) this.keyStart = 0;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escape) { this.escape = false; continue; }
        if (c === BACKSLASH) { this.escape = true; continue; }
        if (c !== QUOTE) {
          // Jump to the next quote or backslash: strings are most of the bytes.
          const next = nextStringStop(chunk, i);
          if (next < 0) { i = n - 1; continue; }
          i = next - 1;
          continue;
        }
        this.inString = false;
        if (this.keyStart >= 0) {
          this.keyBytes.push(chunk.subarray(this.keyStart, i + 1));
          this.lastKey = Buffer.concat(this.keyBytes).toString('utf8');
          this.keyBytes = [];
          this.keyStart = -1;
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.targetDepth < 0 && this.wantKey !== undefined) { this.keyStart = i; this.keyBytes = []; }
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.targetDepth >= 0 && this.depth === this.targetDepth && this.elementStart === -1) this.elementStart = i;
        this.depth++;
        if (this.depth > MAX_JSON_DEPTH) throw new MalformedJsonError(`nested deeper than ${MAX_JSON_DEPTH} levels`, false);
        if (c === OPEN_BRACKET && !this.targetSeen && this.opensTarget()) {
          this.targetSeen = true;
          this.targetDepth = this.depth;
        }
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth < 0) throw new MalformedJsonError('unbalanced brackets', false);
        if (this.targetDepth >= 0 && this.depth === this.targetDepth && this.elementStart >= 0) {
          out.push(this.finishElement(chunk, i + 1));
        } else if (this.targetDepth >= 0 && this.depth === this.targetDepth - 1) {
          if (this.elementStart >= 0) out.push(this.finishElement(chunk, i)); // a scalar last element
          this.targetDepth = -1;
          this.targetClosed = true;
        }
        continue;
      }
      if (this.targetDepth >= 0 && this.depth === this.targetDepth) {
        if (c === COMMA) {
          if (this.elementStart >= 0) out.push(this.finishElement(chunk, i)); // a scalar element
        } else if (this.elementStart === -1 && c > 32 && c !== COLON) {
          this.elementStart = i; // a scalar element starts
        }
      }
    }
    if (this.elementStart >= 0) {
      const piece = chunk.subarray(this.elementStart);
      this.pieces.push(piece);
      this.piecesBytes += piece.length;
      this.elementStart = -2;
      if (this.piecesBytes > this.maxElementBytes) throw new MalformedJsonError(`one element is longer than the limit of ${this.maxElementBytes} bytes`, false);
    }
    if (this.keyStart >= 0) {
      this.keyBytes.push(chunk.subarray(this.keyStart));
      this.keyStart = -2;
      if (this.keyBytes.reduce((n, b) => n + b.length, 0) > this.maxElementBytes) throw new MalformedJsonError(`a member name is longer than the limit of ${this.maxElementBytes} bytes`, false);
    }
    return out;
  }

  /** After the last chunk: throws when the body ended early or had no such array. */
  end(): void {
    if (this.inString || this.depth !== 0 || this.elementStart !== -1) throw new MalformedJsonError('the body ended before the JSON did', true);
    if (!this.targetClosed) throw new MalformedJsonError(this.wantKey ? `no "${this.wantKey}" list in the body` : 'the body is not a list', false);
  }

  private opensTarget(): boolean {
    if (this.wantKey === undefined) return this.depth === 1;
    return this.depth === 2 && this.lastKey === JSON.stringify(this.wantKey);
  }

  private finishElement(chunk: Buffer, end: number): string {
    let text: string;
    if (this.elementStart === -2 || this.pieces.length > 0) {
      this.pieces.push(chunk.subarray(0, end));
      text = Buffer.concat(this.pieces).toString('utf8').trim();
      this.pieces = [];
      this.piecesBytes = 0;
    } else {
      text = chunk.toString('utf8', this.elementStart, end).trim();
    }
    this.elementStart = -1;
    return text;
  }
}
