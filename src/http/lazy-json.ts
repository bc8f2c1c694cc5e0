/**
 * A response body kept as UTF-8 bytes and parsed one array element at a time. A 250-id, 90-day analytics
 * answer can be tens of megabytes: decoded it doubles (V8 keeps non-ASCII text as UTF-16), parsed whole it is
 * several times that in objects, all alive at once. Scanning the bytes for element boundaries and parsing
 * each element as it is consumed keeps only the bytes and one row alive.
 */
import { ConnectorError } from '../errors';

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

export class LazyJson {
  constructor(readonly bytes: Buffer, private readonly what: string) {}

  /** The whole body parsed (for small answers). */
  value(): unknown {
    try {
      return JSON.parse(this.bytes.toString('utf8'));
    } catch {
      throw this.malformed();
    }
  }

  /**
   * Elements of the top-level array (no key), or of the array under `key` in the top-level object. Returns
   * undefined when the body is not of that shape (the caller reports what it got).
   */
  array(key?: string): Iterable<unknown> | undefined {
    const b = this.bytes;
    let i = skipWs(b, 0);
    if (key !== undefined) {
      if (b[i] !== OPEN_BRACE) return undefined;
      const at = this.findMember(i, key);
      if (at < 0) return undefined;
      i = at;
    }
    if (b[i] !== OPEN_BRACKET) return undefined;
    return this.elements(i + 1);
  }

  private *elements(start: number): Generator<unknown> {
    const b = this.bytes;
    let i = skipWs(b, start);
    if (b[i] === CLOSE_BRACKET) return;
    for (;;) {
      const end = this.skipValue(i);
      let element: unknown;
      try {
        element = JSON.parse(b.toString('utf8', i, end));
      } catch {
        throw this.malformed();
      }
      yield element;
      i = skipWs(b, end);
      const c = b[i];
      if (c === CLOSE_BRACKET) return;
      if (c !== COMMA) throw this.malformed();
      i = skipWs(b, i + 1);
    }
  }

  /** Index of the value of `key` in the object starting at `i`, or −1. */
  private findMember(i: number, key: string): number {
    const b = this.bytes;
    i = skipWs(b, i + 1);
    while (i < b.length && b[i] !== CLOSE_BRACE) {
      if (b[i] !== QUOTE) throw this.malformed();
      const keyEnd = this.skipString(i);
      const name = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
      i = skipWs(b, keyEnd);
      if (b[i] !== COLON) throw this.malformed();
      i = skipWs(b, i + 1);
      if (name === key) return i;
      i = skipWs(b, this.skipValue(i));
      if (b[i] === COMMA) i = skipWs(b, i + 1);
    }
    return -1;
  }

  private skipValue(i: number): number {
    const b = this.bytes;
    const c = b[i];
    if (c === QUOTE) return this.skipString(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      let depth = 0;
      for (let j = i; j < b.length; j++) {
        const ch = b[j];
        if (ch === QUOTE) j = this.skipString(j) - 1;
        else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth++;
        else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
          if (--depth === 0) return j + 1;
        }
      }
      throw this.malformed();
    }
    let j = i;
    while (j < b.length) {
      const ch = b[j];
      if (ch === COMMA || ch === CLOSE_BRACE || ch === CLOSE_BRACKET || ch <= 32) break;
      j++;
    }
    if (j === i) throw this.malformed();
    return j;
  }

  /** End (exclusive) of the string starting at `i`; UTF-8 continuation bytes never equal '"' or '\\'. */
  private skipString(i: number): number {
    const b = this.bytes;
    let from = i + 1;
    for (;;) {
      const q = b.indexOf(QUOTE, from);
      if (q < 0) throw this.malformed();
      let backslashes = 0;
      for (let k = q - 1; b[k] === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
      from = q + 1;
    }
  }

  private malformed(): ConnectorError {
    return new ConnectorError(`Pinterest answered ${this.what} with a body that is not valid JSON; the read stops rather than skip data.`, 'transient_error');
  }
}

function skipWs(b: Buffer, i: number): number {
  while (i < b.length) {
    const c = b[i];
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** Cheap plausibility check of a body kept as bytes: an object or array, not an HTML page or a cut-off body. */
export function looksLikeJson(b: Buffer): boolean {
  const first = skipWs(b, 0);
  let last = b.length - 1;
  while (last >= 0 && b[last] <= 32) last--;
  const x = b[first], y = b[last];
  return (x === OPEN_BRACE && y === CLOSE_BRACE) || (x === OPEN_BRACKET && y === CLOSE_BRACKET);
}
