/**
 * A response body kept as text and parsed one array element at a time. A 250-id, 90-day analytics answer
 * can be tens of megabytes: parsed whole it is several times that in objects, all alive at once. Scanning
 * for element boundaries and parsing each element as it is consumed keeps only the text and one row alive.
 */
import { ConnectorError } from '../errors';

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

export class LazyJson {
  constructor(readonly text: string, private readonly what: string) {}

  /** The whole body parsed (for small answers). */
  value(): unknown {
    try {
      return JSON.parse(this.text);
    } catch {
      throw this.malformed();
    }
  }

  /**
   * Elements of the top-level array (no key), or of the array under `key` in the top-level object. Returns
   * undefined when the body is not of that shape (the caller reports what it got).
   */
  array(key?: string): Iterable<unknown> | undefined {
    const t = this.text;
    let i = skipWs(t, 0);
    if (key !== undefined) {
      if (t.charCodeAt(i) !== OPEN_BRACE) return undefined;
      const at = this.findMember(i, key);
      if (at < 0) return undefined;
      i = at;
    }
    if (t.charCodeAt(i) !== OPEN_BRACKET) return undefined;
    return this.elements(i + 1);
  }

  private *elements(start: number): Generator<unknown> {
    const t = this.text;
    let i = skipWs(t, start);
    if (t.charCodeAt(i) === CLOSE_BRACKET) return;
    for (;;) {
      const end = this.skipValue(i);
      let element: unknown;
      try {
        element = JSON.parse(t.slice(i, end));
      } catch {
        throw this.malformed();
      }
      yield element;
      i = skipWs(t, end);
      const c = t.charCodeAt(i);
      if (c === CLOSE_BRACKET) return;
      if (c !== COMMA) throw this.malformed();
      i = skipWs(t, i + 1);
    }
  }

  /** Index of the value of `key` in the object starting at `i`, or −1. */
  private findMember(i: number, key: string): number {
    const t = this.text;
    i = skipWs(t, i + 1);
    while (i < t.length && t.charCodeAt(i) !== CLOSE_BRACE) {
      if (t.charCodeAt(i) !== QUOTE) throw this.malformed();
      const keyEnd = this.skipString(i);
      const name = JSON.parse(t.slice(i, keyEnd)) as string;
      i = skipWs(t, keyEnd);
      if (t.charCodeAt(i) !== COLON) throw this.malformed();
      i = skipWs(t, i + 1);
      if (name === key) return i;
      i = skipWs(t, this.skipValue(i));
      if (t.charCodeAt(i) === COMMA) i = skipWs(t, i + 1);
    }
    return -1;
  }

  private skipValue(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === QUOTE) return this.skipString(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      let depth = 0;
      for (let j = i; j < t.length; j++) {
        const ch = t.charCodeAt(j);
        if (ch === QUOTE) j = this.skipString(j) - 1;
        else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth++;
        else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
          if (--depth === 0) return j + 1;
        }
      }
      throw this.malformed();
    }
    let j = i;
    while (j < t.length) {
      const ch = t.charCodeAt(j);
      if (ch === COMMA || ch === CLOSE_BRACE || ch === CLOSE_BRACKET || ch <= 32) break;
      j++;
    }
    if (j === i) throw this.malformed();
    return j;
  }

  private skipString(i: number): number {
    const t = this.text;
    let from = i + 1;
    for (;;) {
      const q = t.indexOf('"', from);
      if (q < 0) throw this.malformed();
      let backslashes = 0;
      for (let b = q - 1; t.charCodeAt(b) === BACKSLASH; b--) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
      from = q + 1;
    }
  }

  private malformed(): ConnectorError {
    return new ConnectorError(`Pinterest answered ${this.what} with a body that is not valid JSON; the read stops rather than skip data.`, 'transient_error');
  }
}

function skipWs(t: string, i: number): number {
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** Cheap plausibility check of a body kept as text: an object or array, not an HTML page or a cut-off body. */
export function looksLikeJson(text: string): boolean {
  const first = skipWs(text, 0);
  let last = text.length - 1;
  while (last >= 0 && text.charCodeAt(last) <= 32) last--;
  const a = text.charCodeAt(first), b = text.charCodeAt(last);
  return (a === OPEN_BRACE && b === CLOSE_BRACE) || (a === OPEN_BRACKET && b === CLOSE_BRACKET);
}
