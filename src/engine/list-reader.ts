/**
 * Reads a list stream: every partition (concurrently, within the rate limits) through the bookmark
 * paginator, per batch of entity ids where the stream asks for them; items are records as Pinterest
 * returns them, plus the parent ids the definition carries. Feeds the lists other streams draw from.
 */
import { ApiError } from '../http/errors';
import { ScopeRefusedError, scopeRefusalFor } from '../http/pinterest-errors';
import type { RequestSpec } from '../http/requester';
import { ConnectorError } from '../errors';
import { chunk, mergeTasks } from '../util/async';
import type { KnownAnswer, ListDefinition, Partition } from '../streams/definition';
import type { ReadContext, StreamEvent } from './context';
import { bookmarkPages } from './paginator';
import { resolvePartitions } from './partitions';
import { fillPath } from './paths';
import { UpdatedTimeCursor } from './updated-time';

type Item = Record<string, unknown>;

/** How a list is read: whole (full refresh), or emitting only what changed since the saved `updated_time`. */
interface ListReadOptions {
  incremental?: boolean;
  inputState?: Record<string, unknown>;
}

export async function* readList(
  def: ListDefinition,
  ctx: ReadContext,
  opts: ListReadOptions = {},
): AsyncGenerator<StreamEvent> {
  const cursor =
    opts.incremental && def.cursorField === 'updated_time'
      ? new UpdatedTimeCursor(def.name, opts.inputState, def.partition.by === 'ad_account')
      : undefined;
  if (def.setupAdAccounts) {
    // The set-up list of the read (configured accounts, or every readable one): no request of its own.
    let items = (await ctx.accounts.listAdAccounts()).map((a) => ({ ...a.item }));
    if (cursor) items = cursor.filter(items, undefined);
    if (items.length > 0) yield { kind: 'records', data: items };
  } else {
    const partitions = await resolvePartitions(def.partition, ctx);
    const tasks = partitions.map((p) => () => readPartition(def, ctx, p, cursor));
    yield* mergeTasks(tasks, ctx.config.concurrency);
  }
  // The whole list was read: the cursor moves to the newest change seen.
  if (cursor) yield { kind: 'checkpoint', state: cursor.state() };
}

async function* readPartition(
  def: ListDefinition,
  ctx: ReadContext,
  partition: Partition,
  cursor?: UpdatedTimeCursor,
): AsyncGenerator<StreamEvent> {
  const path = fillPath(def.path, partition);
  const feed = ctx.shared.feed(def.name, partition);
  const { query: base, omit } = ctx.shared.queryOf(def);
  // Id-batched lists: one request sequence per batch (plus one without ids for the items above them). A batch's
  // ids (one ad group id per promotions request) are a field the items can carry, as the partition's are.
  let queries: Array<{ query: RequestSpec['query']; fields: Partition }> = [{ query: base, fields: partition }];
  if (def.ids) {
    const { param, batchSize, alsoUnfiltered } = def.ids;
    const batches = chunk(await ctx.shared.ids(def.ids.from, partition), batchSize);
    queries = [
      ...(alsoUnfiltered ? [{ query: base, fields: partition }] : []),
      ...batches.map((ids) => ({
        query: { ...base, [param]: ids.join(',') },
        fields: { ...partition, [param]: ids.join(',') },
      })),
    ];
  }
  if (def.variants) {
    const { param, values } = def.variants;
    queries = queries.flatMap((q) => values.map((v) => ({ query: { ...q.query, [param]: v }, fields: q.fields })));
  }
  const knownAnswers = def.routeGone;
  try {
    for (const { query, fields } of queries) {
      const spec: RequestSpec = { path, category: def.category, query, knownAnswers };
      if (def.answer) {
        const records = def.answer.records(await ctx.requester.json<unknown>(spec), partition, query ?? {});
        carry(def, fields, records);
        if (records.length > 0) yield { kind: 'records', data: records };
        continue;
      }
      for await (const page of def.unpaged ? onePage(ctx, spec) : bookmarkPages(ctx.requester, spec)) {
        const items = page as Item[];
        for (const item of items) feed.add(item);
        carry(def, fields, items);
        // Other streams draw on the whole list; only the records are filtered (and leave out what only they asked for).
        const own = omit.length > 0 ? items.map((item) => without(item, omit)) : items;
        const records = cursor ? cursor.filter(own, partition.key) : own;
        if (records.length > 0) yield { kind: 'records', data: records };
      }
    }
    feed.done();
  } catch (err) {
    if (err instanceof ApiError && isKnown(err, def.routeGone)) {
      ctx.log(
        'WARN',
        `${def.name}: Pinterest answered ${err.status}${err.apiCode !== undefined ? ` (code ${err.apiCode})` : ''} for ${path} (${err.apiMessage}); the endpoint is deprecated upstream and appears to be gone, so the stream completes empty.`,
      );
      feed.done();
      return;
    }
    feed.failed(err);
    if (err instanceof ScopeRefusedError) throw scopeRefusalFor(def.name, def.scopes, err);
    if (err instanceof ApiError && err.status === 403 && def.scopes?.length) {
      throw new ConnectorError(
        `${def.name} needs the OAuth scope ${def.scopes.join(', ')}, which the token may lack (HTTP 403: ${err.apiMessage}). Re-authenticate granting it, or deselect the stream.`,
        'config_error',
      );
    }
    throw err;
  }
}

/** Record fields the definition fills from the partition (or the request's id batch) where the record lacks them. */
function carry(def: ListDefinition, fields: Partition, records: Item[]): void {
  for (const record of records)
    for (const field in def.carry)
      if (record[field] === undefined || record[field] === null) record[field] = fields[def.carry[field]];
}

function without(item: Item, fields: readonly string[]): Item {
  const out = { ...item };
  for (const f of fields) delete out[f];
  return out;
}

/** An endpoint without paging: its one answer's `items`. */
async function* onePage(ctx: ReadContext, spec: RequestSpec): AsyncGenerator<unknown[]> {
  const body = await ctx.requester.json<{ items?: unknown }>(spec);
  if (body === null || typeof body !== 'object' || !Array.isArray(body.items)) {
    throw new ConnectorError(
      `Pinterest answered ${ctx.requester.describe(spec)} without an items list; the read stops rather than skip data.`,
      'transient_error',
    );
  }
  yield body.items;
}

function isKnown(err: ApiError, answers: KnownAnswer[] | undefined): boolean {
  return !!answers?.some((a) => a.status === err.status && (a.code === undefined || a.code === err.apiCode));
}
