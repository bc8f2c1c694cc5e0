/**
 * JSON as Pinterest sends it, read without losing anything: integers beyond 2^53 (ids sent as numbers)
 * become exact decimal strings instead of rounded doubles, and nesting is bounded so that a hostile answer
 * cannot overflow the stack of whatever serialises the record later.
 */

/** Deeper than this, an answer is refused: Pinterest's records are a few levels deep. */
export const MAX_JSON_DEPTH = 64;

/** A string, or an integer literal of 16+ digits (not part of a fraction or exponent). */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])(-?\d{16,})(?![\d.eE])/g;

/** JSON.parse, except that integers JavaScript cannot hold exactly are kept as their digits (strings). */
export function parseJsonExact(text: string): unknown {
  // Fast path: nearly every answer has no run of 16 digits at all.
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(quoteUnsafeIntegers(text));
}

function quoteUnsafeIntegers(text: string): string {
  return text.replace(STRING_OR_LONG_INTEGER, (match, digits: string | undefined) =>
    digits !== undefined && !Number.isSafeInteger(Number(digits)) ? `"${digits}"` : match,
  );
}

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), stopping once past `limit`. */
export function jsonDepthExceeds(bytes: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 34) {
      // Skip the string: to the next quote not escaped.
      for (i++; i < n; i++) {
        const q = bytes.indexOf(34, i);
        if (q < 0) return false;
        let backslashes = 0;
        for (let k = q - 1; k >= i && bytes[k] === 92; k--) backslashes++;
        i = q;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}
