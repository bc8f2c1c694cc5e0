/**
 * Reads a list stream: every partition (concurrently, within the rate limits) through the bookmark
 * paginator; items are records as Pinterest returns them. Feeds the shared lists built from this stream.
 */
import { ApiError } from '../http/errors';
import { mergeTasks } from '../util/async';
import type { ListDefinition, Partition } from './definition';
import { fillPath, type ReadContext, type StreamEvent } from './context';
import { bookmarkPages } from './paginator';
import { resolvePartitions } from './partition-router';

export async function* readList(def: ListDefinition, ctx: ReadContext): AsyncGenerator<StreamEvent> {
  const partitions = await resolvePartitions(def.partition, ctx);
  const tasks = partitions.map((p) => () => readPartition(def, ctx, p));
  yield* mergeTasks(tasks, ctx.config.concurrency);
}

async function* readPartition(def: ListDefinition, ctx: ReadContext, partition: Partition): AsyncGenerator<StreamEvent> {
  const feed = ctx.shared.feed(def.name, partition.ad_account_id);
  const path = fillPath(def.path, { ad_account_id: partition.ad_account_id, username: partition.username });
  try {
    for await (const page of bookmarkPages(ctx.requester, { path, category: def.category, query: def.params?.(ctx.config) })) {
      for (const item of page) feed.add(item as Record<string, unknown>);
      if (page.length > 0) yield { kind: 'records', data: page as Array<Record<string, unknown>> };
    }
    feed.done();
  } catch (err) {
    if (def.routeMayBeGone && err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      ctx.log('WARN', `${def.name}: Pinterest answered ${err.status} for ${path} (${err.apiMessage}); the endpoint is deprecated upstream and appears to be gone, so the stream completes empty.`);
      feed.done();
      return;
    }
    feed.failed(err);
    throw err;
  }
}
