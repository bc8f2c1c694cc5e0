// A growable byte buffer for writing large JSON responses without building intermediate strings.

export class ByteWriter {
  buf: Buffer;
  pos = 0;
  private done: Buffer[] = [];
  private doneBytes = 0;
  constructor(private chunkSize = 1 << 18) {
    this.buf = Buffer.allocUnsafe(chunkSize);
  }

  /** Starts a new chunk (no copying of what was written). */
  private grow(n: number): void {
    if (this.pos > 0) {
      this.done.push(this.buf.subarray(0, this.pos));
      this.doneBytes += this.pos;
    }
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkSize, n));
    this.pos = 0;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.pos;
    if (n <= 64) for (let i = 0; i < n; i++) buf[p++] = b[i];
    else {
      buf.set(b, p);
      p += n;
    }
    this.pos = p;
  }

  byte(c: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
  }

  /** Writes an integer (|n| < 2^53) in decimal. */
  int(n: number): void {
    if (this.pos + 24 > this.buf.length) this.grow(24);
    const buf = this.buf;
    if (n < 0) {
      buf[this.pos++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[this.pos++] = 48 + n;
      return;
    }
    let len = 1;
    for (let t = n; t >= 10; len++) t = Math.floor(t / 10);
    let p = this.pos + len;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    }
    buf[--p] = 48 + n;
    this.pos += len;
  }

  /** Writes raw / 10^d in its shortest decimal form (same double as raw / 10 ** d when parsed). */
  dec(raw: number, d: number): void {
    if (d === 0) return this.int(raw);
    if (raw < 0) {
      this.byte(45);
      raw = -raw;
    }
    const f = 10 ** d;
    const ip = Math.floor(raw / f);
    let frac = raw - ip * f;
    this.int(ip);
    if (frac === 0) return;
    while (frac % 10 === 0) {
      frac /= 10;
      d--;
    }
    if (this.pos + d + 1 > this.buf.length) this.grow(d + 1);
    const buf = this.buf;
    buf[this.pos++] = 46;
    let p = this.pos + d;
    for (let i = 0; i < d; i++) {
      const q = Math.floor(frac / 10);
      buf[--p] = 48 + (frac - q * 10);
      frac = q;
    }
    this.pos += d;
  }

  ascii(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  get length(): number {
    return this.doneBytes + this.pos;
  }

  /** The written bytes as a list of chunks. */
  chunks(): Buffer[] {
    if (this.pos === 0) return [...this.done];
    // a short last chunk is copied so that it does not pin a whole chunk-sized allocation
    const last = this.buf.subarray(0, this.pos);
    return [...this.done, this.pos < this.buf.length / 4 ? Buffer.from(last) : last];
  }

  /** The written bytes as one buffer (copies when there are several chunks). */
  result(): Buffer {
    const c = this.chunks();
    return c.length === 1 ? c[0] : Buffer.concat(c, this.length);
  }
}

const cache = new Map<string, Buffer>();
/** UTF-8 bytes of a string, memoised (for keys and other repeated fragments). */
export function utf8(s: string): Buffer {
  let b = cache.get(s);
  if (!b) {
    b = Buffer.from(s, 'utf8');
    if (cache.size < 50_000) cache.set(s, b);
  }
  return b;
}
