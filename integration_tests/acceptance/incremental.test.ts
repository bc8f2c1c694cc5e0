/**
 * CAT incremental: two sequential reads, re-reads from sampled checkpoints with
 * exact recordCount, and a future state that yields nothing; plus a stricter check of ours: a read resumed
 * from any checkpoint, with what came before it, holds every record of the uninterrupted read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test_kit/spawn';
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { canonical } from '../../test_kit/messages';
import { cursorOf as cursorFieldOf } from '../../src/streams/definition';
import { STREAMS } from '../../src/streams/definitions';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';

// Every test spawns a read or two (the re-read test up to five per incremental stream, set below).
jest.setTimeout(spawnedRunsTimeout(2));
const SAMPLES_PER_STREAM = 5;
const INCREMENTAL_STREAMS = STREAMS.filter((d) => cursorFieldOf(d) !== undefined).length;

let h: Harness;
let streams: Array<Record<string, any>>;
let first: CatRun;

const stateArray = (states: Array<Record<string, any>>) => states.map((s) => ({ type: 'STREAM', stream: s.stream }));
const lastStates = (run: CatRun) => {
  const last = new Map<string, Record<string, any>>();
  for (const s of run.states()) last.set(s.stream.stream_descriptor.name, s);
  return [...last.values()];
};

beforeAll(async () => {
  h = await startHarness();
  const discover = await h.run(['discover', '--config', h.configPath]);
  streams = discover
    .ofType('CATALOG')[0]
    .catalog.streams.filter((s: any) => s.supported_sync_modes.includes('incremental'));
  first = await h.run([
    'read',
    '--config',
    h.configPath,
    '--catalog',
    h.write('catalog.json', configureCatalog(streams, 'incremental')),
  ]);
});
afterAll(async () => {
  await h?.close();
});

test('every incremental stream of the registry, each keyed by its cursor field in the state', () => {
  expect(streams.map((s) => s.name)).toEqual(STREAMS.filter((d) => cursorFieldOf(d) !== undefined).map((d) => d.name));
  expect(first.exitCode).toBe(0);
  for (const s of streams) {
    const states = first.states(s.name);
    expect(states.length).toBeGreaterThan(0);
    const last = states[states.length - 1].stream.stream_state;
    const cursor = s.default_cursor_field[0];
    // dates as YYYY-MM-DD; an entity list's updated_time as Unix seconds
    if (cursor === 'updated_time') expect(Number.isSafeInteger(last[cursor])).toBe(true);
    else expect(last[cursor]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
});

test("two sequential reads: the second, from the first one's state, reads less and differs", async () => {
  const second = await h.run([
    'read',
    '--config',
    h.configPath,
    '--catalog',
    h.write('catalog.json', configureCatalog(streams, 'incremental')),
    '--state',
    h.write('state.json', stateArray(lastStates(first))),
  ]);
  expect(second.exitCode).toBe(0);
  for (const s of streams) {
    const a = first.records(s.name).map((r) => canonical(r.data));
    const b = second.records(s.name).map((r) => canonical(r.data));
    expect([s.name, b.length < a.length]).toEqual([s.name, true]);
    expect(b).not.toEqual(a);
  }
});

/** CAT's read_sequential_slices: checkpoints with records, consecutive duplicates merged; ~5 sampled inside. */
function sampleCheckpoints(
  states: Array<Record<string, any>>,
): Array<{ state: Record<string, any>; cumulative: number; index: number }> {
  const merged: Array<{ state: Record<string, any>; count: number; index: number }> = [];
  states.forEach((st, index) => {
    const prev = merged[merged.length - 1];
    if (prev && JSON.stringify(prev.state.stream.stream_state) === JSON.stringify(st.stream.stream_state)) {
      prev.count += st.sourceStats.recordCount;
      prev.index = index;
    } else {
      merged.push({ state: st, count: st.sourceStats.recordCount, index });
    }
  });
  let cumulative = 0;
  const withCounts = merged
    .map((m) => ({ state: m.state, index: m.index, cumulative: (cumulative += m.count), count: m.count }))
    .filter((m) => m.count > 0);
  if (withCounts.length < 3) return withCounts.slice(-1);
  const inner = withCounts.slice(1, -1);
  const step = Math.max(1, Math.floor(inner.length / 5));
  return inner.filter((_, i) => i % step === 0).slice(0, SAMPLES_PER_STREAM);
}

test(
  'read_sequential_slices: a re-read from a checkpoint reads at least total − recordCount so far, and with what came before holds every record',
  async () => {
    let checked = 0;
    for (const s of streams) {
      const catalog = h.write(`catalog-${s.name}.json`, configureCatalog([s], 'incremental'));
      const all = first.records(s.name).map((r) => canonical(r.data));
      const samples = sampleCheckpoints(first.states(s.name));
      expect([s.name, samples.length > 0]).toEqual([s.name, true]);
      const runs = await Promise.all(
        samples.map((sample) =>
          h.run([
            'read',
            '--config',
            h.configPath,
            '--catalog',
            catalog,
            '--state',
            h.write(`state-${s.name}-${sample.index}.json`, stateArray([sample.state])),
          ]),
        ),
      );
      samples.forEach((sample, i) => {
        const rerun = runs[i];
        expect(rerun.exitCode).toBe(0);
        const got = rerun.records(s.name).map((r) => canonical(r.data));
        expect([s.name, sample.index, got.length >= all.length - sample.cumulative]).toEqual([
          s.name,
          sample.index,
          true,
        ]);
        // Records before this checkpoint in read 1, plus the re-read, cover read 1 entirely.
        const position = first.messages.indexOf(
          first.messages.find((m) => m.type === 'STATE' && m.state === sample.state)!,
        );
        const before = first.messages
          .slice(0, position)
          .filter((m) => m.type === 'RECORD' && m.record.stream === s.name)
          .map((m) => canonical(m.record.data));
        const union = new Set([...before, ...got]);
        const missing = all.filter((r) => !union.has(r));
        expect([s.name, sample.index, missing.length]).toEqual([s.name, sample.index, 0]);
        checked++;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(streams.length);
  },
  spawnedRunsTimeout(INCREMENTAL_STREAMS * SAMPLES_PER_STREAM, { parallel: 2 }),
);

test('state_with_abnormally_large_values: abnormal_state.json yields no records and a state per stream', async () => {
  const abnormal = JSON.parse(readFileSync(join(ROOT, 'integration_tests/abnormal_state.json'), 'utf8'));
  expect(abnormal.map((s: any) => s.stream.stream_descriptor.name).sort()).toEqual(streams.map((s) => s.name).sort());
  const run = await h.run([
    'read',
    '--config',
    h.configPath,
    '--catalog',
    h.write('catalog.json', configureCatalog(streams, 'incremental')),
    '--state',
    join(ROOT, 'integration_tests/abnormal_state.json'),
  ]);
  expect(run.exitCode).toBe(0);
  expect(run.records()).toHaveLength(0);
  for (const s of streams) expect([s.name, run.states(s.name).length > 0]).toEqual([s.name, true]);
});

test('a state for a stream this connector lacks, or of another shape, is one WARN naming it; the log says where each stream starts and why', async () => {
  const catalog = h.write(
    'campaign-catalog.json',
    configureCatalog(
      streams.filter((s) => s.name === 'campaign_analytics'),
      'incremental',
    ),
  );
  const cursorOf = lastStates(first).find((s) => s.stream.stream_descriptor.name === 'campaign_analytics')!.stream
    .stream_state;
  const state = h.write('odd-state.json', [
    {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'campaign_analytics' }, stream_state: { cursor: '2026-06-01' } },
    },
    {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'campaign_analytic' }, stream_state: { date: '2026-06-01' } },
    },
  ]);
  // --write-config keeps the refresh token Pinterest rotates in the file, so the only WARNs are the state's.
  const odd = await h.run(['read', '--config', h.configPath, '--catalog', catalog, '--state', state, '--write-config']);
  expect(odd.exitCode).toBe(0);
  const warnings = odd
    .ofType('LOG')
    .filter((m) => m.log.level === 'WARN')
    .map((m) => m.log.message);
  expect(warnings).toEqual([
    "The input state of stream 'campaign_analytics' has neither 'date' nor 'partitions' (it has 'cursor'); the stream is read from its start.",
    "The input state names stream 'campaign_analytic', which this connector does not have; its state is ignored.",
  ]);
  const infos = odd
    .ofType('LOG')
    .filter((m) => m.log.level === 'INFO')
    .map((m) => m.log.message as string);
  expect(infos).toContainEqual(
    expect.stringMatching(
      /^campaign_analytics: 3 partition\(s\) start at \d{4}-\d{2}-\d{2} \((start_date|the earliest day the stream reaches.*)\); through \d{4}-\d{2}-\d{2}\.$/,
    ),
  );

  const good = h.write('good-state.json', [
    { type: 'STREAM', stream: { stream_descriptor: { name: 'campaign_analytics' }, stream_state: cursorOf } },
  ]);
  const resumed = await h.run(
    ['read', '--config', h.configPath, '--catalog', catalog, '--state', good, '--write-config'],
    {
      env: { LOG_LEVEL: 'debug' },
    },
  );
  expect(resumed.ofType('LOG').filter((m) => m.log.level === 'WARN')).toEqual([]);
  const debug = resumed
    .ofType('LOG')
    .filter((m) => m.log.level === 'DEBUG')
    .map((m) => m.log.message as string)
    .filter((m) => /^campaign_analytics: ad account \d+ starts at /.test(m));
  expect(debug).toHaveLength(3);
  for (const [account, p] of Object.entries(cursorOf.partitions as Record<string, { date: string }>)) {
    expect(debug).toContainEqual(expect.stringContaining(`campaign_analytics: ad account ${account} starts at `));
    expect(debug.find((m) => m.includes(account))).toMatch(
      new RegExp(`\\(cursor ${p.date} − lookback \\d+ day\\(s\\)\\)`),
    );
  }
});
