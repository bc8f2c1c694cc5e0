/**
 * Secret masking. A credential can reach text in several spellings: as sent (a header, a JSON body), inside a
 * form or a URL (percent-encoded, with upper- or lower-case hex, `+` for a space) and inside a JSON string
 * (escaped). Every spelling is masked. Text that was cut (an error body shortened to a snippet) may end in the
 * first characters of a secret, or begin with its last ones: `cut` masks first, then masks such an edge.
 */

/** Pinterest's tokens and app secrets are far longer; anything shorter would be masked inside ordinary words and dates. */
export const MIN_CREDENTIAL_LENGTH = 16;

/** Values shorter than this are never registered: masking them would rewrite ordinary text. */
const MIN_MASKED_LENGTH = 4;

/** A fragment of a secret at a cut edge longer than this is masked: it narrows a guess too much. */
const MAX_EDGE_FRAGMENT = 4;

const MASK = '****';

/** The spellings of `value` that may appear in text: raw, URL/form-encoded (both hex cases), JSON-escaped. */
export function spellingsOf(value: string): string[] {
  const uri = encodeURIComponent(value);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [...new Set([value, uri, form, lowerHex(uri), lowerHex(form), JSON.stringify(value).slice(1, -1)])];
}

export class SecretMask {
  /** Every spelling of every secret, longest first: a secret that contains another is masked whole. */
  private spellings: string[] = [];

  add(value: string | undefined): void {
    if (!value || value.length < MIN_MASKED_LENGTH) return;
    let added = false;
    for (const s of spellingsOf(value)) {
      if (!this.spellings.includes(s)) {
        this.spellings.push(s);
        added = true;
      }
    }
    if (added) this.spellings.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.spellings.length;
  }

  /** Whether any spelling of a secret occurs in `text` (a cheap test before the masking pass). */
  occursIn(text: string): boolean {
    for (const s of this.spellings) if (text.includes(s)) return true;
    return false;
  }

  /** Every whole occurrence replaced by `****`. */
  mask(text: string): string {
    let out = text;
    for (const s of this.spellings) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  }

  /**
   * Masks an end of `text` that is the beginning of a secret, and a start that is a secret's end, when the
   * fragment is longer than MAX_EDGE_FRAGMENT characters: what is left when a cut went through a secret.
   */
  maskEdges(text: string): string {
    let out = text;
    for (const s of this.spellings) {
      for (let k = Math.min(s.length - 1, out.length); k > MAX_EDGE_FRAGMENT; k--) {
        if (out.endsWith(s.slice(0, k))) {
          out = out.slice(0, out.length - k) + MASK;
          break;
        }
      }
      for (let k = Math.min(s.length - 1, out.length); k > MAX_EDGE_FRAGMENT; k--) {
        if (out.startsWith(s.slice(s.length - k))) {
          out = MASK + out.slice(k);
          break;
        }
      }
    }
    return out;
  }

  /** At most `max` characters of `text`, masked before the cut and at the cut edges after it. */
  cut(text: string, max: number): string {
    return this.maskEdges(this.mask(text).slice(0, max));
  }
}

/**
 * The process's secrets, for text cut to a snippet below the message writer (an HTTP error body): the cut
 * must happen after masking, and only the process knows every credential it holds. The writer registers
 * each secret it is given here too.
 */
export const processSecrets = new SecretMask();

/** The snippet of an answer quoted in an error: whitespace folded, masked, then cut to `max` characters. */
export function maskedSnippet(text: string, max: number, mask: SecretMask = processSecrets): string {
  return mask.cut(text.replace(/\s+/g, ' ').trim(), max);
}
