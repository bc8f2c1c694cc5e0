/**
 * Lists that other streams draw from — boards for board pins and sections, sections for section pins,
 * campaign / ad group / ad ids for analytics and keywords, the owned pins for pin_analytics — fetched once
 * per read. Which list feeds which stream comes from the definitions (`parentsOf`), never from names known
 * here. A list is identified by the path it is read from (one per parent partition) and its `where` filter.
 * When the list's own stream is part of the read it runs first and feeds the list as it emits; otherwise
 * the first stream that needs it fetches it (ids only, nothing emitted).
 */
import { STREAMS, STREAMS_BY_NAME } from '../streams/definitions';
import { parentsOf, type ListDefinition, type ParentRef, type Partition } from './definition';
import type { ReadContext } from './context';
import { fillPath } from './context';
import { bookmarkPages } from './paginator';

type Item = Record<string, unknown>;

export class SharedLists {
  private readonly lists = new Map<string, Promise<string[]>>();
  private ctx?: ReadContext;

  bind(ctx: ReadContext): void {
    this.ctx = ctx;
  }

  /** The filters under which other streams draw on the list of `stream` (one per distinct `where`). */
  static consumersOf(stream: string): ParentRef[] {
    const refs = STREAMS.flatMap(parentsOf).filter((ref) => ref.stream === stream);
    return [...new Map(refs.map((ref) => [whereKey(ref), ref])).values()];
  }

  /**
   * Called by a list stream for one partition (read from `path`) before it reads: returns a collector to
   * call with each item and a `done`/`failed` pair. Consumers of the list wait for it instead of fetching it.
   */
  feed(stream: string, path: string): { add(item: Item): void; done(): void; failed(err: unknown): void } {
    const collectors = SharedLists.consumersOf(stream).map((ref) => {
      const ids: string[] = [];
      let resolve!: (ids: string[]) => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<string[]>((res, rej) => { resolve = res; reject = rej; });
      promise.catch(() => undefined);
      const k = listKey(path, ref);
      this.lists.set(k, promise);
      return { ref, ids, resolve, reject, k };
    });
    return {
      add: (item) => {
        for (const c of collectors) if (matches(item, c.ref)) c.ids.push(String(item.id));
      },
      done: () => collectors.forEach((c) => c.resolve(c.ids)),
      failed: (err) => collectors.forEach((c) => { this.lists.delete(c.k); c.reject(err); }),
    };
  }

  /** The ids of a parent's list within one of the parent's partitions. */
  async ids(ref: ParentRef, partition: Partition): Promise<string[]> {
    const def = STREAMS_BY_NAME.get(ref.stream) as ListDefinition | undefined;
    if (!def || def.kind !== 'list') throw new Error(`stream ${ref.stream} is not a list another stream can draw from`);
    const path = fillPath(def.path, partition);
    const k = listKey(path, ref);
    const existing = this.lists.get(k);
    if (existing) {
      try {
        return await existing;
      } catch {
        // The stream that was feeding it failed; fetch it ourselves below.
      }
    }
    const fresh = this.fetch(def, path, ref);
    this.lists.set(k, fresh);
    return fresh;
  }

  private async fetch(def: ListDefinition, path: string, ref: ParentRef): Promise<string[]> {
    const ctx = this.ctx!;
    const ids: string[] = [];
    for await (const page of bookmarkPages(ctx.requester, { path, category: def.category, query: def.params?.(ctx.config) })) {
      for (const item of page as Item[]) if (matches(item, ref)) ids.push(String(item.id));
    }
    return ids;
  }
}

const whereKey = (ref: ParentRef) => JSON.stringify(Object.entries(ref.where ?? {}).sort());
const listKey = (path: string, ref: ParentRef) => `${path}|${whereKey(ref)}`;
const matches = (item: Item, ref: ParentRef) => Object.entries(ref.where ?? {}).every(([field, value]) => item[field] === value);
