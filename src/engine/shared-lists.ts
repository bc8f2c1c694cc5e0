/**
 * Entity lists that several streams need — campaign, ad group and ad ids for analytics, the owned pins for
 * pin_analytics — fetched once per read. When the list's own stream is part of the read it runs first and
 * feeds the list as it emits; otherwise the first stream that needs it fetches it (ids only, nothing emitted).
 */
import { STREAMS_BY_NAME, SHARED_LISTS } from '../streams/definitions';
import type { ListDefinition } from './definition';
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

  /** Names of the shared lists that the records of `stream` make up. */
  static fedBy(stream: string): string[] {
    return Object.entries(SHARED_LISTS).filter(([, spec]) => spec.stream === stream).map(([name]) => name);
  }

  /**
   * Called by a list stream for one partition before it reads: returns a collector to call with each item
   * and a `done`/`failed` pair. Consumers of the list wait for it instead of fetching it again.
   */
  feed(stream: string, partitionKey: string | undefined): { add(item: Item): void; done(): void; failed(err: unknown): void } {
    const names = SharedLists.fedBy(stream);
    const collectors = names.map((name) => {
      const ids: string[] = [];
      let resolve!: (ids: string[]) => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<string[]>((res, rej) => { resolve = res; reject = rej; });
      promise.catch(() => undefined);
      this.lists.set(key(name, partitionKey), promise);
      return { keep: SHARED_LISTS[name].keep, ids, resolve, reject, name };
    });
    return {
      add: (item) => {
        for (const c of collectors) if (!c.keep || c.keep(item)) c.ids.push(String(item.id));
      },
      done: () => collectors.forEach((c) => c.resolve(c.ids)),
      failed: (err) => collectors.forEach((c) => { this.lists.delete(key(c.name, partitionKey)); c.reject(err); }),
    };
  }

  /** The ids of a shared list for one partition (an ad account id, or undefined for the user's pins). */
  async ids(name: string, partition: { ad_account_id?: string }): Promise<string[]> {
    const k = key(name, partition.ad_account_id);
    const existing = this.lists.get(k);
    if (existing) {
      try {
        return await existing;
      } catch {
        // The stream that was feeding it failed; fetch it ourselves below.
      }
    }
    const fresh = this.fetch(name, partition);
    this.lists.set(k, fresh);
    return fresh;
  }

  private async fetch(name: string, partition: { ad_account_id?: string }): Promise<string[]> {
    const ctx = this.ctx!;
    const spec = SHARED_LISTS[name];
    const def = STREAMS_BY_NAME.get(spec.stream) as ListDefinition;
    const ids: string[] = [];
    const path = fillPath(def.path, { ad_account_id: partition.ad_account_id });
    for await (const page of bookmarkPages(ctx.requester, { path, category: def.category, query: def.params?.(ctx.config) })) {
      for (const item of page as Item[]) if (!spec.keep || spec.keep(item)) ids.push(String(item.id));
    }
    return ids;
  }
}

const key = (name: string, partitionKey: string | undefined) => `${name}|${partitionKey ?? ''}`;
