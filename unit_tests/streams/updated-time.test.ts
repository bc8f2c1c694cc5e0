/**
 * Entity lists incremental on updated_time, read in-process against the simulator: the list is read whole
 * (the same requests as full refresh), only items changed at or after the saved cursor are emitted, and the
 * state keeps the newest updated_time per ad account.
 */
import { sorted } from '../../test_kit/read-checks';
import { useSimulatedPinterest } from '../../test_kit/simulated-read';
import type { Json } from '../../test_kit/constants';

const p = useSimulatedPinterest();
const incremental = (stream: string) => ({ name: stream, sync_mode: 'incremental' as const });
const lastState = (r: { states(s: string): Json[] }, stream: string) => {
  const states = r.states(stream);
  return states[states.length - 1].stream.stream_state as Json;
};
const asInput = (stream: string, state: Json) => [
  { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: state } },
];

describe('campaigns incremental on updated_time', () => {
  test('a second sync after two campaigns changed emits those two (and the cursor second again), with the same requests', async () => {
    const config = p.config({ ad_account_ids: p.accounts });
    const first = await p.read(config, [incremental('campaigns')]);
    p.expectCleanRead(first, ['campaigns']);
    const truth = p.truth({ adAccountIds: p.accounts }).records.campaigns;
    expect(sorted(first.records('campaigns'))).toEqual(sorted(truth));
    const state = lastState(first, 'campaigns');
    const newest = (account: string) =>
      Math.max(...truth.filter((c) => c.ad_account_id === account).map((c) => c.updated_time as number));
    expect(state.partitions).toEqual(Object.fromEntries(p.accounts.map((a) => [a, { updated_time: newest(a) }])));
    expect(state.updated_time).toBe(Math.min(...p.accounts.map(newest)));
    const firstRequests = p.lines().filter((l) => l.includes('/campaigns'));

    // two campaigns of different accounts change; nothing else does
    const changed = [
      truth.find((c) => c.ad_account_id === p.accounts[0])!,
      truth.find((c) => c.ad_account_id === p.accounts[1])!,
    ];
    p.sim.touchEntities(changed.map((c) => String(c.id)));
    p.sim.resetLog();
    const second = await p.read(config, [incremental('campaigns')], asInput('campaigns', state));
    p.expectCleanRead(second, ['campaigns']);
    const changedIds = changed.map((c) => String(c.id));
    // ≥: the campaigns last changed in the saved cursor's second come again (one per account here), nothing else
    const boundary = truth
      .filter((c) => c.updated_time === newest(c.ad_account_id as string) && !changedIds.includes(String(c.id)))
      .map((c) => String(c.id));
    expect(boundary).toHaveLength(p.accounts.length);
    const nowTruth = p.truth({ adAccountIds: p.accounts }).records.campaigns;
    const expected = nowTruth.filter((c) => [...changedIds, ...boundary].includes(String(c.id)));
    expect(sorted(second.records('campaigns'))).toEqual(sorted(expected));
    const newer = second
      .records('campaigns')
      .filter((c) => (c.updated_time as number) > newest(c.ad_account_id as string));
    expect(newer.map((c) => String(c.id)).sort()).toEqual([...changedIds].sort());
    expect(p.lines().filter((l) => l.includes('/campaigns'))).toEqual(firstRequests);
    const after = lastState(second, 'campaigns');
    expect((after.partitions as Json)[p.accounts[0]].updated_time).toBe(
      nowTruth.find((c) => String(c.id) === String(changed[0].id))!.updated_time,
    );
    expect(second.states('campaigns').at(-1)!.sourceStats.recordCount).toBe(expected.length);
  });

  test('full refresh stays: every campaign, and no cursor in the state', async () => {
    const r = await p.read(p.config(), ['campaigns']);
    p.expectCleanRead(r, ['campaigns']);
    expect(r.records('campaigns')).toHaveLength(p.truth().counts.campaigns);
    expect(lastState(r, 'campaigns')).toEqual({});
  });

  test('items changed in the cursor second are emitted again (≥); a new ad account is read whole', async () => {
    const truth = p.truth().records.campaigns;
    const [a0, a1] = p.accounts;
    const newest = Math.max(...truth.filter((c) => c.ad_account_id === a0).map((c) => c.updated_time as number));
    const state = { updated_time: newest, partitions: { [a0]: { updated_time: newest } } };
    const r = await p.read(
      p.config({ ad_account_ids: [a0, a1] }),
      [incremental('campaigns')],
      asInput('campaigns', state),
    );
    p.expectCleanRead(r, ['campaigns']);
    const got = r.records('campaigns');
    expect(got.filter((c) => c.ad_account_id === a0).map((c) => c.updated_time)).toEqual(
      truth.filter((c) => c.ad_account_id === a0 && c.updated_time === newest).map((c) => c.updated_time),
    );
    expect(got.filter((c) => c.ad_account_id === a1)).toHaveLength(truth.filter((c) => c.ad_account_id === a1).length);
  });

  test('a saved updated_time that is not whole seconds is a config error naming it', async () => {
    const r = await p.read(p.config(), [incremental('ads')], asInput('ads', { updated_time: '2026-06-01' }));
    const errors = r.traces();
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].message).toMatch(/ads.*'updated_time'.*"2026-06-01"/);
  });

  test('a partition cursor that is not whole seconds is a config error naming the partition', async () => {
    const state = { updated_time: 1, partitions: { [p.accounts[0]]: { updated_time: 1.5 } } };
    const r = await p.read(p.config(), [incremental('campaigns')], asInput('campaigns', state));
    const errors = r.traces();
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].message).toContain(`partition '${p.accounts[0]}'`);
  });

  test('a cursor in the future emits nothing and keeps the cursor', async () => {
    const future = 33_166_368_000;
    const r = await p.read(p.config(), [incremental('ad_groups')], asInput('ad_groups', { updated_time: future }));
    p.expectCleanRead(r, ['ad_groups']);
    expect(r.records('ad_groups')).toEqual([]);
    const state = lastState(r, 'ad_groups');
    expect(state.updated_time).toBe(future);
    expect(
      Object.values(state.partitions as Record<string, { updated_time: number }>).map((x) => x.updated_time),
    ).toEqual(p.accounts.map(() => future));
  });
});
