/**
 * "A read killed after any state message and restarted from it emits every record of the uninterrupted
 * read" (docs/contract.md §5). For each analytics stream below: one uninterrupted incremental read; then, for
 * EVERY state message k of it, a read restarted from the k-th state (per-stream array form). The records
 * emitted before the k-th state plus the records of the restarted read must contain every record of the
 * uninterrupted read (compared by primary key and values). lookback_days is 0, so nothing is re-read by
 * the lookback and the check is strict.
 */
import { STREAMS_BY_NAME } from '../src/streams/definitions';
import type { RunResult } from '../test_kit/in-process';
import type { Json } from '../test_kit/constants';
import { canonical } from '../test_kit/messages';
import { expectSameRecords, streamStateInput } from '../test_kit/read-checks';
import enums from '../src/schemas/pinterest-enums.json';
import { accountsOf, UNIT_SIZE, useSimulatedPinterest } from '../test_kit/simulated-read';

// Small entity lists keep the (states × re-reads) affordable; two accounts, three windows and refused pins remain.
const SIZE = { ...UNIT_SIZE, firstAccountCampaigns: 6, campaignsPerAccount: 4 };
const p = useSimulatedPinterest({ size: SIZE });
const [USD] = accountsOf({ size: SIZE });

const CONFIG = {
  lookback_days: 0,
  window_days: 30,
  start_date: '2026-05-01',
  columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'],
};
const read = (selection: Array<{ name: string; sync_mode: 'incremental' }>, state?: unknown) =>
  p.read(p.config(CONFIG), selection, state);

/** The stream's records before each of its state messages, and the states. */
function checkpoints(r: RunResult, stream: string): Array<{ state: Json; before: Json[] }> {
  const out: Array<{ state: Json; before: Json[] }> = [];
  const seen: Json[] = [];
  for (const m of r.messages) {
    if (m.type === 'RECORD' && m.record.stream === stream) seen.push(m.record.data);
    if (m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream)
      out.push({ state: m.state.stream.stream_state, before: [...seen] });
  }
  return out;
}

const pkOf = (stream: string, rec: Json) => JSON.stringify(STREAMS_BY_NAME.get(stream)!.primaryKey.map((k) => rec[k]));

/** Records of `all` that `union` lacks, by primary key and values. */
function lost(stream: string, all: Json[], union: Json[]): string[] {
  const have = new Map<string, Set<string>>();
  for (const rec of union) {
    const pk = pkOf(stream, rec);
    if (!have.has(pk)) have.set(pk, new Set());
    have.get(pk)!.add(canonical(rec));
  }
  return all.filter((rec) => !have.get(pkOf(stream, rec))?.has(canonical(rec))).map((rec) => pkOf(stream, rec));
}

async function checkResume(stream: string, inputState?: Json, minStates = 3): Promise<void> {
  const selection = [{ name: stream, sync_mode: 'incremental' as const }];
  const full = await read(selection, inputState ? streamStateInput({ [stream]: inputState }) : undefined);
  expect(full.exitCode).toBe(0);
  const all = full.records(stream);
  // The uninterrupted read is the simulator's ground truth (from start_date; from a state, the part after it).
  const truth = (
    p.truth({
      columns: CONFIG.columns,
      startDate: CONFIG.start_date,
      pinMetricTypes: enums.pin_standard_metric_types,
      userMetricTypes: enums.user_account_metric_types,
    }).records as Record<string, Json[]>
  )[stream];
  const known = new Set(truth.map(canonical));
  if (inputState) expect(all.filter((rec) => !known.has(canonical(rec)))).toEqual([]);
  else expectSameRecords(all, truth);
  const points = checkpoints(full, stream);
  expect(all.length).toBeGreaterThan(0);
  expect(points.length).toBeGreaterThanOrEqual(minStates);
  // Every primary key is distinct in the uninterrupted read (otherwise "by primary key" would be moot).
  expect(new Set(all.map((rec) => pkOf(stream, rec))).size).toBe(all.length);

  const problems: string[] = [];
  let resumedSmaller = 0;
  for (const [k, { state, before }] of points.entries()) {
    const restarted = await read(selection, streamStateInput({ [stream]: state }));
    if (restarted.exitCode !== 0 || restarted.traces().length)
      problems.push(`restart from state #${k} failed: ${JSON.stringify(restarted.traces())}`);
    const missing = lost(stream, all, [...before, ...restarted.records(stream)]);
    if (missing.length)
      problems.push(
        `restart from state #${k} ${JSON.stringify(state)}: ${missing.length} records lost, e.g. ${missing.slice(0, 3).join(' ')}`,
      );
    if (restarted.records(stream).length < all.length) resumedSmaller++;
  }
  expect(problems).toEqual([]);
  expect(p.openApiProblems()).toEqual([]);
  // The restarts really resumed (read less than everything) from the later checkpoints.
  expect(resumedSmaller).toBeGreaterThanOrEqual(points.length - 2);
}

describe('a read killed after any state message and restarted from it emits every record of the uninterrupted read', () => {
  test('campaign_analytics: 2 ad accounts × 3 windows, backfill', async () => {
    await checkResume('campaign_analytics', undefined, 7);
  });

  test('campaign_analytics: from a per-partition state (one account listed, the other new)', async () => {
    await checkResume('campaign_analytics', { date: '2026-05-20', partitions: { [USD]: { date: '2026-05-20' } } }, 4);
  });

  test('ad_group_targeting_analytics: 2 ad accounts × 3 windows', async () => {
    await checkResume('ad_group_targeting_analytics', undefined, 7);
  });

  test('ad_analytics_daily: from a top-date-only state', async () => {
    await checkResume('ad_analytics_daily', { date: '2026-05-15' }, 4);
  });

  test('pin_analytics: owned pins × 3 windows (two pins refused)', async () => {
    await checkResume('pin_analytics', undefined, 4);
  });

  test('user_account_analytics: 3 windows', async () => {
    await checkResume('user_account_analytics', undefined, 4);
  });

  test('the check would notice a lost window (a restart that skips the day after its checkpoint)', async () => {
    // Control: a restart from a state moved one day past the checkpoint loses that day's records.
    const selection = [{ name: 'user_account_analytics', sync_mode: 'incremental' as const }];
    const full = await read(selection);
    const [first] = checkpoints(full, 'user_account_analytics');
    const skipped = await read(selection, streamStateInput({ user_account_analytics: { date: '2026-06-01' } }));
    expect(first.state).toEqual({ date: '2026-05-30' });
    expect(
      lost('user_account_analytics', full.records('user_account_analytics'), [
        ...first.before,
        ...skipped.records('user_account_analytics'),
      ]),
    ).toEqual([JSON.stringify([p.sim.data.user.id, '2026-05-31'])]);
  });
});
