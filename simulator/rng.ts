// Deterministic hashing, a small seeded PRNG and UTC day arithmetic for the simulator.

/** 32-bit finaliser (xorshift-multiply); returns an unsigned 32-bit integer. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of up to five integers (each used modulo 2^32). */
export function hash(seed: number, a: number, b = 0, c = 0, d = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ (a | 0));
  h = mix32((h + Math.imul(b | 0, 0x85ebca6b)) | 0);
  h = mix32(h ^ Math.imul(c | 0, 0xc2b2ae35));
  h = mix32((h + Math.imul(d | 0, 0x27d4eb2f)) | 0);
  return h;
}

/** Uniform [0, 1) from a hash of the arguments. */
export function unit(seed: number, a: number, b = 0, c = 0, d = 0): number {
  return hash(seed, a, b, c, d) / 4294967296;
}

/** Stable 32-bit hash of a string (FNV-1a then finalised). */
export function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** mulberry32: a seeded PRNG for sequential draws (faults, generation). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = mix32(seed ^ 0x5bd1e995) || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.next() * arr.length)];
  }
}

// ---- UTC days ---------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → days since 1970-01-01, or NaN when the string is not a real date. */
export function parseDay(s: string): number {
  const m = DATE_RE.exec(s);
  if (!m) return NaN;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return Math.round(t / DAY_MS);
}

const dayCache = new Map<number, string>();
/** days since epoch → 'YYYY-MM-DD' (memoised). */
export function formatDay(day: number): string {
  let s = dayCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayCache.size < 100_000) dayCache.set(day, s);
  }
  return s;
}

export function todayUtcDay(): number {
  return Math.floor(Date.now() / DAY_MS);
}

export function dayToEpochSeconds(day: number): number {
  return day * 86_400;
}
