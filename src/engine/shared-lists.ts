/**
 * Lists that other streams draw from — boards for board pins and sections, sections for section pins,
 * campaign / ad group / ad ids for analytics and keywords, the owned pins for pin_analytics — fetched once
 * per read. Which list feeds which stream comes from the definitions (`parentsOf`), never from names known
 * here. A list is identified by the path it is read from (one per parent partition) and its `where` filter.
 * When the list's own stream is part of the read it runs first and feeds the list as it emits; otherwise
 * the first stream that needs it fetches it (ids only, nothing emitted).
 */
import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import type { Requester } from '../http/requester';
import { MAX_SHARED_LIST_ITEMS } from '../pinterest/limits';
import type { ListDefinition, ParentRef, Partition } from '../streams/definition';
import type { StreamRegistry } from '../streams/registry';
import { bookmarkPages } from './paginator';
import { fillPath } from './paths';

type Item = Record<string, unknown>;

interface SharedListsDeps {
  config: ConnectorConfig;
  requester: Requester;
  registry: StreamRegistry;
  /** Ids one list may hold (the limit of Pinterest's facts; tests pass a small one). */
  maxItems?: number;
}

export class SharedLists {
  /** Ids, or whole items for a ref that asks for them. */
  private readonly lists = new Map<string, Promise<unknown[]>>();
  private readonly maxItems: number;

  constructor(private readonly deps: SharedListsDeps) {
    this.maxItems = deps.maxItems ?? MAX_SHARED_LIST_ITEMS;
  }

  /**
   * Called by a list stream for one partition (read from `path`) before it reads: returns a collector to
   * call with each item and a `done`/`failed` pair. Consumers of the list wait for it instead of fetching it.
   */
  feed(stream: string, path: string): { add(item: Item): void; done(): void; failed(err: unknown): void } {
    const collectors = this.deps.registry.consumersOf(stream).map((ref) => {
      const ids: unknown[] = [];
      let resolve!: (ids: unknown[]) => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<unknown[]>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => undefined);
      const k = listKey(path, ref);
      this.lists.set(k, promise);
      return { ref, ids, resolve, reject, k };
    });
    return {
      add: (item) => {
        for (const c of collectors) if (matches(item, c.ref)) this.keep(c.ids, item, c.ref, stream, path);
      },
      done: () => collectors.forEach((c) => c.resolve(c.ids)),
      failed: (err) =>
        collectors.forEach((c) => {
          this.lists.delete(c.k);
          c.reject(err);
        }),
    };
  }

  /** The ids of a parent's list within one of the parent's partitions. */
  async ids(ref: ParentRef, partition: Partition): Promise<string[]> {
    return (await this.list({ ...ref, items: undefined }, partition)) as string[];
  }

  /** The whole items of a parent's list within one of the parent's partitions. */
  async items(ref: ParentRef, partition: Partition): Promise<Item[]> {
    return (await this.list({ ...ref, items: true }, partition)) as Item[];
  }

  private async list(ref: ParentRef, partition: Partition): Promise<unknown[]> {
    const def = this.deps.registry.get(ref.stream) as ListDefinition | undefined;
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

  private async fetch(def: ListDefinition, path: string, ref: ParentRef): Promise<unknown[]> {
    const { requester, config } = this.deps;
    const ids: unknown[] = [];
    for await (const page of bookmarkPages(requester, { path, category: def.category, query: def.params?.(config) })) {
      for (const item of page as Item[]) if (matches(item, ref)) this.keep(ids, item, ref, def.name, path);
    }
    return ids;
  }

  /** Adds an item's id, unless the list has outgrown what a read keeps in memory: then the read of it stops. */
  private keep(ids: unknown[], item: Item, ref: ParentRef, stream: string, path: string): void {
    if (ids.length >= this.maxItems) {
      throw new ConnectorError(
        `The ${stream} list at ${path} has more than ${this.maxItems} items, more than a read keeps in memory for the streams it feeds; the read stops rather than grow without bound.`,
        'system_error',
      );
    }
    ids.push(ref.items ? { ...item } : String(item.id));
  }
}

const whereKey = (ref: ParentRef) => JSON.stringify(Object.entries(ref.where ?? {}).sort());
const listKey = (path: string, ref: ParentRef) => `${path}|${whereKey(ref)}${ref.items ? '|items' : ''}`;
const matches = (item: Item, ref: ParentRef) =>
  Object.entries(ref.where ?? {}).every(([field, value]) => item[field] === value);
