// Byte-bounded LRU of successful response bodies (the data is deterministic per day and token scopes).
import { bodyLength, type Body } from './answers';

export class Lru {
  private m = new Map<string, Body>();
  private bytes = 0;
  hits = 0;
  constructor(private max: number) {}
  get(k: string): Body | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
      this.hits++;
    }
    return v;
  }
  set(k: string, v: Body): void {
    const len = bodyLength(v);
    if (this.max <= 0 || len > this.max / 8) return;
    const old = this.m.get(k);
    if (old) {
      this.bytes -= bodyLength(old);
      this.m.delete(k);
    }
    this.m.set(k, v);
    this.bytes += len;
    while (this.bytes > this.max) {
      const first = this.m.keys().next();
      if (first.done) break;
      this.bytes -= bodyLength(this.m.get(first.value)!);
      this.m.delete(first.value);
    }
  }
  clear(): void {
    this.m.clear();
    this.bytes = 0;
  }
}
