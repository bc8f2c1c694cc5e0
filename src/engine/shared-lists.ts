/**
 * Lists that other streams draw from — boards for board pins and sections, sections for section pins,
 * campaign / ad group / ad ids for analytics and keywords, shopping ad groups for product group promotions,
 * the owned pins for pin_analytics — fetched once per read. Which list feeds which stream comes from the
 * definitions (`parentsOf`), never from names known here. A list is identified by the path it is read from
 * (one per parent partition) and its `where` and `within` filters.
 * When the list's own stream is part of the read it runs first and feeds the list as it emits; otherwise
 * the first stream that needs it fetches it (ids only, nothing emitted).
 */
import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import type { Requester } from '../http/requester';
import { MAX_SHARED_LIST_ITEMS } from '../pinterest/limits';
import type { ListDefinition, ParentRef, Partition } from '../streams/definition';
import { refKey, type StreamRegistry } from '../streams/registry';
import { chunk, deferred } from '../util/async';
import { bookmarkPages } from './paginator';
import { fillPath } from './paths';

type Item = Record<string, unknown>;

interface SharedListsDeps {
  config: ConnectorConfig;
  requester: Requester;
  registry: StreamRegistry;
  /** Ids one list may hold (the limit of Pinterest's facts; tests pass a small one). */
  maxItems?: number;
  /** The streams of the read (a list also serves another stream's fields only when that one is read). */
  selected?: ReadonlySet<string>;
}

export class SharedLists {
  /** Ids (or whole items, for a ref that asks for them) with the field a `within` filter checks. */
  private readonly lists = new Map<string, Promise<Kept[]>>();
  private readonly maxItems: number;

  constructor(private readonly deps: SharedListsDeps) {
    this.maxItems = deps.maxItems ?? MAX_SHARED_LIST_ITEMS;
  }

  /**
   * Called by a list stream for one partition before it reads: returns a collector to call with each item and
   * a `done`/`failed` pair. Consumers of the list wait for it instead of fetching it.
   */
  feed(
    stream: string,
    partition: Partition,
    also?: ParentRef,
  ): { add(item: Item): void; done(): void; failed(err: unknown): void } {
    const def = this.deps.registry.get(stream);
    const path = def ? fillPath(def.path, partition) : stream;
    const refs = this.deps.registry.consumersOf(stream);
    if (also && !refs.some((r) => refKey(r) === refKey(also))) refs.push(also);
    const collectors = refs.map((ref) => {
      const kept: Kept[] = [];
      const { promise, resolve, reject } = deferred<Kept[]>();
      promise.catch(() => undefined);
      const k = listKey(path, ref);
      this.lists.set(k, promise);
      return { ref, kept, resolve, reject, k };
    });
    return {
      add: (item) => {
        for (const c of collectors) if (matches(item, c.ref)) this.keep(c.kept, item, c.ref, stream, path);
      },
      done: () => collectors.forEach((c) => c.resolve(c.kept)),
      failed: (err) =>
        collectors.forEach((c) => {
          this.lists.delete(c.k);
          c.reject(err);
        }),
    };
  }

  /**
   * The query a list is read with (its own and the config's parameters, plus those of a stream it also serves
   * in this read) and the item fields its own records leave out.
   */
  queryOf(def: ListDefinition): {
    query: Record<string, string | number | boolean | undefined>;
    omit: readonly string[];
  } {
    const query = { ...def.params?.(this.deps.config) };
    const also = def.servesAlso;
    if (!also || !this.deps.selected?.has(also.stream)) return { query, omit: [] };
    return { query: { ...query, ...also.query }, omit: also.fields };
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
        return await this.joined(await existing, ref, partition);
      } catch {
        // The stream that was feeding it failed; fetch it ourselves below.
      }
    }
    await this.fetch(def, partition, ref);
    return this.joined(await this.lists.get(k)!, ref, partition);
  }

  /**
   * Items kept under a `within` filter become ids when a consumer asks (after the lists' own streams ran),
   * once the other list is known (fetched if it must be).
   */
  private async joined(kept: Kept[], ref: ParentRef, partition: Partition): Promise<unknown[]> {
    let out = kept;
    if (ref.within) {
      const allowed = new Set(await this.ids(ref.within.list, partition));
      out = kept.filter((x) => x.join !== undefined && allowed.has(x.join));
    }
    return out.map((x) => (ref.items ? x.item : x.id));
  }

  /** Reads a list whose stream is not part of the read: once, for every stream that draws on it (and `ref`). */
  private async fetch(def: ListDefinition, partition: Partition, ref: ParentRef): Promise<void> {
    const { requester } = this.deps;
    const path = fillPath(def.path, partition);
    const feed = this.feed(def.name, partition, ref);
    const base = this.queryOf(def).query;
    // An id-batched list (promotions per ad group) is fetched per batch of its own parent list's ids.
    let queries: Array<Record<string, string | number | boolean | undefined> | undefined> = [base];
    if (def.ids) {
      const batches = chunk(await this.ids(def.ids.from, partition), def.ids.batchSize);
      queries = [
        ...(def.ids.alsoUnfiltered ? [base] : []),
        ...batches.map((ids) => ({ ...base, [def.ids!.param]: ids.join(',') })),
      ];
    }
    try {
      for (const query of queries)
        for await (const page of bookmarkPages(requester, { path, category: def.category, query }))
          for (const item of page as Item[]) feed.add(item);
    } catch (err) {
      feed.failed(err);
      throw err;
    }
    feed.done();
  }

  /** Adds an item's id, unless the list has outgrown what a read keeps in memory: then the read of it stops. */
  private keep(kept: Kept[], item: Item, ref: ParentRef, stream: string, path: string): void {
    if (kept.length >= this.maxItems) {
      throw new ConnectorError(
        `The ${stream} list at ${path} has more than ${this.maxItems} items, more than a read keeps in memory for the streams it feeds; the read stops rather than grow without bound.`,
        'system_error',
      );
    }
    const join = ref.within ? item[ref.within.field] : undefined;
    kept.push({
      id: String(item.id),
      join: join === undefined || join === null ? undefined : String(join),
      ...(ref.items ? { item: { ...item } } : {}),
    });
  }
}

/** An item's id (the whole item too for a ref that asks for it), and the value of the field a `within` filter checks. */
interface Kept {
  id: string;
  join?: string;
  item?: Item;
}

const listKey = (path: string, ref: ParentRef) => `${path}|${refKey(ref)}`;
const matches = (item: Item, ref: ParentRef) =>
  Object.entries(ref.where ?? {}).every(([field, value]) => item[field] === value);
