/**
 * CAT basic_read with exact expectations: every stream's records equal the
 * simulator's ground truth, and every stream makes exactly the fewest requests docs/contract.md §3 allows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test_kit/spawn';
import { streamOfRequest } from '../../simulator';
import { type CatRun, primaryKeyOf, recordValidator, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { canonical } from '../../test_kit/messages';

let h: Harness;
let streams: Array<Record<string, any>>;
let run: CatRun;

beforeAll(async () => {
  h = await startHarness();
  const discover = await h.run(['discover', '--config', h.configPath]);
  streams = discover.ofType('CATALOG')[0].catalog.streams;
  h.sim.resetLog();
  run = await h.run([
    'read',
    '--config',
    h.configPath,
    '--catalog',
    h.write('catalog.json', configureCatalog(streams)),
  ]);
});
afterAll(async () => {
  await h?.close();
});

test('the read succeeds and every stream has records', () => {
  expect(run.traces()).toEqual([]);
  expect(run.exitCode).toBe(0);
  for (const s of streams) expect([s.name, run.records(s.name).length > 0]).toEqual([s.name, true]);
});

test('records validate strictly against their schema, with no undeclared top-level field', () => {
  for (const s of streams) {
    const validate = recordValidator(s.json_schema);
    for (const r of run.records(s.name)) {
      if (!validate(r.data))
        throw new Error(
          `${s.name}: ${JSON.stringify(validate.errors?.slice(0, 3))} in ${JSON.stringify(r.data).slice(0, 300)}`,
        );
    }
  }
});

test('primary-key values are scalar and not all null', () => {
  for (const s of streams) {
    for (const r of run.records(s.name)) {
      const values = (s.source_defined_primary_key as string[][]).map((p) => r.data[p[0]]);
      expect(values.some((v) => v !== null && v !== undefined)).toBe(true);
      for (const v of values) expect(typeof v === 'object' && v !== null).toBe(false);
    }
  }
});

test('state: at least one STREAM state per stream, none LEGACY, each with sourceStats whose counts add up', () => {
  const states = run.states();
  expect(states.length).toBeGreaterThanOrEqual(streams.length);
  for (const st of states) {
    expect(st.type).toBe('STREAM');
    expect(st.stream.stream_descriptor.name).toBeTruthy();
    expect(typeof st.sourceStats.recordCount).toBe('number');
  }
  for (const s of streams) {
    const counted = run.states(s.name).reduce((n, st) => n + st.sourceStats.recordCount, 0);
    expect([s.name, counted]).toEqual([s.name, run.records(s.name).length]);
  }
});

test('stream statuses: STARTED, then RUNNING, then COMPLETE, for every stream', () => {
  for (const s of streams) {
    const statuses = run.statuses(s.name);
    expect([s.name, statuses[0], statuses[statuses.length - 1]]).toEqual([s.name, 'STARTED', 'COMPLETE']);
    expect(statuses.slice(1, -1).length).toBeGreaterThan(0);
    expect(statuses.slice(1, -1).every((x) => x === 'RUNNING')).toBe(true);
    // every record of the stream comes after its RUNNING status and before COMPLETE
    const idx = (pred: (m: Record<string, any>) => boolean) => run.messages.findIndex(pred);
    const running = idx(
      (m) =>
        m.type === 'TRACE' &&
        m.trace.type === 'STREAM_STATUS' &&
        m.trace.stream_status.stream_descriptor.name === s.name &&
        m.trace.stream_status.status === 'RUNNING',
    );
    const firstRecord = idx((m) => m.type === 'RECORD' && m.record.stream === s.name);
    expect(running).toBeLessThan(firstRecord);
  }
});

test('expected_records.jsonl: every expected record is read (by primary key, with equal data)', () => {
  const lines = readFileSync(join(ROOT, 'integration_tests/expected_records.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  expect(lines.length).toBeGreaterThan(0);
  const byStream = new Map(streams.map((s) => [s.name, s]));
  const read = new Map<string, Map<string, Record<string, unknown>>>();
  for (const s of streams) read.set(s.name, new Map(run.records(s.name).map((r) => [primaryKeyOf(s, r.data), r.data])));
  for (const s of streams) expect([s.name, lines.some((l) => l.stream === s.name)]).toEqual([s.name, true]);
  for (const line of lines) {
    const stream = byStream.get(line.stream)!;
    expect(read.get(line.stream)!.get(primaryKeyOf(stream, line.data))).toEqual(line.data);
  }
});

test('beyond CAT: each stream yields exactly the ground truth, no duplicate keys', () => {
  const truth = h.truth();
  for (const s of streams) {
    const got = run.records(s.name).map((r) => r.data);
    const keys = got.map((d) => primaryKeyOf(s, d));
    expect([s.name, new Set(keys).size]).toEqual([s.name, keys.length]);
    const expected = (truth.records as Record<string, Array<Record<string, unknown>>>)[s.name];
    expect([s.name, got.length]).toEqual([s.name, expected.length]);
    expect(new Set(got.map(canonical))).toEqual(new Set(expected.map(canonical)));
  }
});

test('beyond CAT: each stream makes exactly the fewest requests (docs/contract.md §3), set-up once', () => {
  const truth = h.truth();
  const made = new Map<string, number>();
  for (const r of h.sim.requestLog) {
    const key = streamOfRequest(r.method, r.path) ?? `set-up ${r.method} ${r.path.replace(/\d+/g, '{id}')}`;
    made.set(key, (made.get(key) ?? 0) + 1);
  }
  const min = truth.minRequests as Record<string, number>;
  for (const s of streams) {
    if (s.name === 'ad_analytics' || s.name === 'ad_analytics_daily') continue;
    expect([s.name, made.get(s.name) ?? 0]).toEqual([s.name, min[s.name]]);
  }
  expect(made.get('ad_analytics|ad_analytics_daily')).toBe(min.ad_analytics + min.ad_analytics_daily);
  expect(made.get('set-up POST /oauth/token')).toBe(1);
  expect(made.get('set-up GET /user_account')).toBe(1);
  expect(made.get('set-up GET /ad_accounts')).toBe(truth.setupRequests.adAccountsList);
  // Every answer is a 200: pins Pinterest refuses are left out of the batched pin analytics answers.
  expect(truth.refusedPins.length).toBeGreaterThan(0);
  expect(h.sim.requestLog.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.path}`)).toEqual([]);
  // Which days are final: asked once per read for every ads-analytics stream, newest day first.
  expect(made.get('set-up GET /resources/metrics_ready_state')).toBe(truth.setupRequests.metricsReady);
});

test('a catalog with a stream that does not exist and sync_mode INVALID gives a TRACE ERROR and a non-zero exit', async () => {
  const bogus = {
    streams: [
      {
        stream: {
          name: '__AIRBYTE__stream_that_does_not_exist',
          json_schema: {},
          supported_sync_modes: ['full_refresh'],
        },
        sync_mode: 'INVALID',
        destination_sync_mode: 'overwrite',
      },
    ],
  };
  const bad = await h.run(['read', '--config', h.configPath, '--catalog', h.write('bogus.json', bogus)]);
  expect(bad.exitCode).not.toBe(0);
  const traces = bad.traces();
  expect(traces.length).toBeGreaterThanOrEqual(1);
  expect(traces[0].error.failure_type).toBe('config_error');
  expect(traces[0].error.message).toContain('__AIRBYTE__stream_that_does_not_exist');
});
