/**
 * Reads a snapshot stream: each query answered whole (the top-pins streams), or the profile the read already
 * fetched at set-up (no request of its own). A dated snapshot carries the read's day as `snapshot_date` and
 * checkpoints it; an incremental read whose saved `snapshot_date` is today or later yields nothing.
 */
import { configError } from '../errors';
import type { SnapshotDefinition } from '../streams/definition';
import { KeyCase } from '../streams/transforms';
import { isDay } from '../util/dates';
import type { ReadContext, StreamEvent } from './context';
import { fillPath } from './paths';

export async function* readSnapshot(
  def: SnapshotDefinition,
  ctx: ReadContext,
  opts: { incremental: boolean; inputState?: Record<string, unknown> },
): AsyncGenerator<StreamEvent> {
  const today = ctx.today;
  const saved = opts.inputState?.snapshot_date;
  if (saved !== undefined && saved !== null && !isDay(saved))
    throw configError(
      `Invalid state for stream '${def.name}': 'snapshot_date' must be a date written YYYY-MM-DD, got ${JSON.stringify(saved)}.`,
    );
  // One snapshot a day: a saved day of today (or later) has it already.
  if (def.cursorField && opts.incremental && typeof saved === 'string' && saved >= today) {
    yield { kind: 'checkpoint', state: { snapshot_date: saved } };
    return;
  }
  const keys = new KeyCase();
  if (def.parentItems) {
    const items = await ctx.shared.items(def.parentItems, {});
    const rows = items.flatMap((item) => def.records(item, { snapshot_date: today }, keys, def.parentItems!.stream));
    if (rows.length > 0) yield { kind: 'records', data: rows };
  } else if (!def.queries) {
    const user = await ctx.accounts.userAccount();
    yield { kind: 'records', data: def.records(user.item, { snapshot_date: today }, keys, 'GET /user_account') };
  } else {
    const path = fillPath(def.path, {});
    for (const query of def.queries(ctx.config, today)) {
      const spec = { path, category: def.category, query };
      const body = await ctx.requester.json<unknown>(spec);
      const rows = def.records(body, query, keys, ctx.requester.describe(spec));
      if (rows.length > 0) yield { kind: 'records', data: rows };
    }
  }
  if (def.cursorField) yield { kind: 'checkpoint', state: { snapshot_date: today } };
}
