/**
 * Crash and resume: the read (every stream; analytics incremental) is killed with SIGKILL after the N-th
 * message, at 10 seeded random points, and restarted from the last state message it printed (per-stream
 * array). The records the killed run had checkpointed (each stream's records before its last STATE) plus
 * the restarted run's records cover the ground truth. The same with SIGTERM, which also flushes what was
 * buffered: the output ends with complete lines and the shutdown notice, and every line is a message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../simulator';
import { lostRecords, pool, recordFigure, truthOf } from '../../test_kit/reliability';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY, type Json } from '../../test_kit/constants';
import { canonical, committedRecords, errorTraces, lastStates } from '../../test_kit/messages';
import { prng } from '../../test_kit/prng';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';
import { connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnConnector, type Spawned } from '../../test_kit/spawn';
import { STREAMS } from '../../src/streams/definitions';

const KILL_SEED = 20260630;
// Three metric columns instead of the default 42: the same records, a third of the bytes (the suite stays fast).
const COLUMNS = ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'];
const SIGKILL_POINTS = 10;
const SIGTERM_POINTS = 3;

let sim: Simulator;
let dir: string;
let config: string;
let catalog: string;
let truth: ReturnType<typeof truthOf>;

interface CrashOutcome {
  n: number;
  signal: NodeJS.Signals;
  killed: Spawned;
  states: Json[];
  resumed: Spawned;
  lost: ReturnType<typeof lostRecords>;
}
const outcomes: CrashOutcome[] = [];

function killPoints(): Array<{ n: number; signal: NodeJS.Signals }> {
  const rnd = prng(KILL_SEED);
  const total = Object.values(truth.counts).reduce((a, b) => a + b, 0);
  // Within the first 80 % of the records: near the end the read may finish before the signal arrives.
  const draw = () => 1 + Math.floor(rnd() * total * 0.8);
  return [
    ...Array.from({ length: SIGKILL_POINTS }, () => ({ n: draw(), signal: 'SIGKILL' as const })),
    ...Array.from({ length: SIGTERM_POINTS }, () => ({ n: draw(), signal: 'SIGTERM' as const })),
  ];
}

beforeAll(
  async () => {
    sim = await startSimulator({ today: TODAY });
    truth = truthOf(sim, COLUMNS);
    dir = mkdtempSync(join(tmpdir(), 'source-pinterest-crash-'));
    config = join(dir, 'config.json');
    catalog = join(dir, 'catalog.json');
    writeFileSync(config, JSON.stringify(oauthConfig(sim, { columns: COLUMNS })));
    writeFileSync(catalog, JSON.stringify(fullCatalog('incremental')));
    const env = connectorEnv(sim);
    await pool(killPoints(), 2, async ({ n, signal }, i) => {
      const killed = await spawnConnector(['read', '--config', config, '--catalog', catalog], {
        env,
        signalAfter: { n, signal },
      });
      const states = lastStates(killed.messages);
      const statePath = join(dir, `state-${i}.json`);
      writeFileSync(statePath, JSON.stringify(states));
      const resumed = await spawnConnector(['read', '--config', config, '--catalog', catalog, '--state', statePath], {
        env,
      });
      const lost = lostRecords([committedRecords(killed.messages), resumed.messages], truth);
      outcomes[i] = { n, signal, killed, states, resumed, lost };
      recordFigure({
        suite: 'crash-resume',
        crashPoints: 1,
        recordsChecked: lost.total,
        recordsLost: lost.lost,
        note: `${signal} after message ${n}`,
      });
    });
  },
  spawnedRunsTimeout(2 * (SIGKILL_POINTS + SIGTERM_POINTS), { parallel: 2 }),
);

afterAll(async () => {
  await sim?.close();
});

const byIndex = (i: number) => outcomes[i];
const points = [
  ...Array.from({ length: SIGKILL_POINTS }, (_, i) => ['SIGKILL', i] as const),
  ...Array.from({ length: SIGTERM_POINTS }, (_, i) => ['SIGTERM', SIGKILL_POINTS + i] as const),
];

describe.each(points)('%s at seeded point #%i', (signal, i) => {
  test('the run was really interrupted mid-read', () => {
    const o = byIndex(i);
    expect(o.killed.signalledAfter).toBe(o.n);
    if (signal === 'SIGKILL') expect(o.killed.signal).toBe('SIGKILL');
    else expect(o.killed.exitCode).toBe(143);
    // it did not get to finish: some stream never reached COMPLETE
    const completes = o.killed.messages.filter(
      (m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.status === 'COMPLETE',
    ).length;
    expect(completes).toBeLessThan(STREAMS.length);
  });

  test('the restarted read succeeds from the last state of every stream', () => {
    const o = byIndex(i);
    expect(errorTraces(o.resumed.messages)).toEqual([]);
    expect(o.resumed.exitCode).toBe(0);
    expect(o.resumed.junk).toEqual([]);
  });

  test('checkpointed records of the killed run + the restarted run cover the ground truth (0 lost)', () => {
    const o = byIndex(i);
    expect(o.lost.samples).toEqual([]);
    expect(o.lost.lost).toBe(0);
  });

  if (signal === 'SIGKILL') {
    test('stdout holds only whole messages, except at most one torn last line', () => {
      const o = byIndex(i);
      expect(o.killed.junk.length).toBeLessThanOrEqual(1);
      if (o.killed.junk.length === 1) expect(o.killed.stdout.endsWith(o.killed.junk[0])).toBe(true);
    });
  } else {
    test('SIGTERM flushes what was buffered: complete lines, the shutdown notice last, states intact', () => {
      const o = byIndex(i);
      expect(o.killed.stdout.endsWith('\n')).toBe(true);
      expect(o.killed.junk).toEqual([]);
      const notice = o.killed.messages.findIndex((m) => m.type === 'LOG' && /Received SIGTERM/.test(m.log.message));
      expect(notice).toBeGreaterThanOrEqual(0);
      // Everything buffered when the signal came (records since the last checkpoint included) was written
      // before the notice; at most a few messages the read produced while flushing follow it.
      expect(o.killed.messages.length - notice).toBeLessThan(200);
      for (const s of o.killed.messages.filter((m) => m.type === 'STATE'))
        expect(typeof s.state.sourceStats.recordCount).toBe('number');
    });
  }
});

/**
 * What a STATE claims that the run had not read: for each partition date D (and the top date, over every
 * ad account), a ground-truth record of that stream (and account) dated up to D that no message before the
 * STATE carried — in this run, or checkpointed by the run it resumed from. And a top date while an ad
 * account has no entry.
 */
function overclaims(messages: Json[], before: Map<string, Json[]>, accounts: string[]): string[] {
  const seen = new Map<string, Set<string>>();
  const add = (stream: string, data: Json) =>
    (seen.get(stream) ?? seen.set(stream, new Set()).get(stream)!).add(canonical(data));
  for (const [stream, recs] of before) for (const r of recs) add(stream, r);
  const problems: string[] = [];
  const missingUpTo = (stream: string, date: string, account?: string) =>
    (truth.records[stream] ?? []).filter(
      (r: Json) =>
        typeof r.date === 'string' &&
        r.date.slice(0, 10) <= date &&
        (account === undefined || String(r.ad_account_id) === account) &&
        !seen.get(stream)?.has(canonical(r)),
    );
  messages.forEach((m, at) => {
    if (m.type === 'RECORD') add(m.record.stream, m.record.data);
    if (m.type !== 'STATE' || problems.length >= 5) return;
    const stream = m.state.stream.stream_descriptor.name as string;
    const state = m.state.stream.stream_state ?? {};
    if (!state.partitions) return;
    if (state.date !== undefined && accounts.some((a) => !state.partitions[a]))
      problems.push(`${stream} at message ${at}: top date ${state.date} before every ad account has an entry`);
    if (state.date !== undefined && missingUpTo(stream, state.date).length)
      problems.push(
        `${stream} at message ${at}: top date ${state.date} claims ${missingUpTo(stream, state.date).length} unread record(s)`,
      );
    for (const [account, p] of Object.entries(state.partitions as Record<string, { date: string }>)) {
      const missing = missingUpTo(stream, p.date, account);
      if (missing.length)
        problems.push(
          `${stream} at message ${at}: ad account ${account} at ${p.date} claims ${missing.length} unread record(s), e.g. ${canonical(missing[0]).slice(0, 120)}`,
        );
    }
  });
  return problems;
}

test('every STATE of a partitioned stream, killed run and restart alike, claims no more than was read', () => {
  const accounts = sim.data.adAccounts.map((a) => a.id);
  expect(accounts).toHaveLength(3);
  const partitioned = (o: CrashOutcome) =>
    o.killed.messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_state?.partitions).length;
  expect(outcomes.filter((o) => partitioned(o) > 0).length).toBeGreaterThan(3);
  for (const o of outcomes) {
    expect({ point: o.n, killed: overclaims(o.killed.messages, new Map(), accounts) }).toEqual({
      point: o.n,
      killed: [],
    });
    expect({
      point: o.n,
      resumed: overclaims(o.resumed.messages, committedRecords(o.killed.messages), accounts),
    }).toEqual({ point: o.n, resumed: [] });
  }
});

test('the restarts resumed: analytics streams read less than from scratch at late kill points', () => {
  const analytics = (run: Spawned) =>
    run.messages.filter((m) => m.type === 'RECORD' && /analytics/.test(m.record.stream)).length;
  const full = Object.entries(truth.counts)
    .filter(([s]) => /analytics/.test(s))
    .reduce((a, [, n]) => a + n, 0);
  const late = outcomes.filter((o) => o.states.some((s) => s.stream.stream_state?.date));
  expect(late.length).toBeGreaterThan(0);
  for (const o of late) expect(analytics(o.resumed)).toBeLessThan(full);
});
