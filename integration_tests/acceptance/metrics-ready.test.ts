/**
 * Conversions you know are final: an incremental read whose newest 3 days Pinterest does not call final
 * (GET /resources/metrics_ready_state) leaves its cursors before them, and its rows say which days are final
 * (data_ready); the next read, with those days now final, reads them again whatever lookback_days says (0
 * here) and they come out final. When the endpoint fails the read falls back to the lookback rule, with one
 * warning. The connector runs as a process against the simulator; records equal its ground truth.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { startHarness, type CatRun, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { addDays, expectedCursor, TODAY } from '../../test_kit/constants';
import { canonical, logs } from '../../test_kit/messages';
import { windowsOf } from '../../test_kit/read-checks';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';

jest.setTimeout(spawnedRunsTimeout(3));

const START = '2026-06-01';
const STREAMS = ['campaign_analytics', 'ad_account_targeting_analytics'];
const NOT_READY = { notReadyDays: 3, conversionLagDays: 0 };
const ALL_READY = { notReadyDays: 0, conversionLagDays: 0 };
const READY_PATH = '/resources/metrics_ready_state';

let h: Harness;
let catalog: Record<string, unknown>;
/** The same streams and ad_analytics_daily, whose newest day is yesterday. */
let withDaily: Record<string, unknown>;

beforeAll(async () => {
  h = await startHarness({ metricsReady: NOT_READY }, { start_date: START, lookback_days: 0 });
  const discover = await h.run(['discover', '--config', h.configPath]);
  const streams = discover.ofType('CATALOG')[0].catalog.streams;
  catalog = configureCatalog(
    streams.filter((s: any) => STREAMS.includes(s.name)),
    'incremental',
  );
  withDaily = configureCatalog(
    streams.filter((s: any) => [...STREAMS, 'ad_analytics_daily'].includes(s.name)),
    'incremental',
  );
});
afterAll(async () => {
  await h?.close();
});

const read = (name: string, state?: unknown) =>
  h.run([
    'read',
    '--config',
    h.configPath,
    '--catalog',
    h.write(`${name}-catalog.json`, catalog),
    '--write-config',
    ...(state ? ['--state', h.write(`${name}-state.json`, state)] : []),
  ]);
const truthFrom = (startDate: string) =>
  h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: 30, startDate });
const lastState = (run: CatRun, stream: string) => run.states(stream)[run.states(stream).length - 1].stream;
const readyRequests = () => h.sim.requestLog.filter((r) => r.path === READY_PATH).map((r) => r.query.date);

test('metrics not final for the last 3 days: the cursor stops before them; the next read (now final) reads them again and they carry data_ready true', async () => {
  h.sim.resetLog();
  const first = await read('first');
  expect(first.exitCode).toBe(0);
  expect(first.traces()).toEqual([]);
  // Newest day first until one is final: the ground truth's fewest requests.
  const truth = truthFrom(START);
  expect(truth.lastReadyDay).toBe(addDays(TODAY, -3));
  expect(readyRequests()).toEqual([TODAY, addDays(TODAY, -1), addDays(TODAY, -2), addDays(TODAY, -3)]);
  expect(readyRequests()).toHaveLength(truth.setupRequests.metricsReady);
  const cursor = expectedCursor(TODAY, NOT_READY);
  expect(cursor).toBe(addDays(TODAY, -3));
  for (const stream of STREAMS) {
    const records = first.records(stream).map((r) => r.data);
    expect(new Set(records.map(canonical))).toEqual(new Set((truth.records[stream] ?? []).map(canonical)));
    expect(records.filter((r) => r.date > cursor).length).toBeGreaterThan(0);
    expect(records.every((r) => r.data_ready === r.date <= cursor)).toBe(true);
    const state = lastState(first, stream).stream_state;
    expect(state.date).toBe(cursor);
    expect(Object.values(state.partitions).every((p: any) => p.date === cursor)).toBe(true);
  }

  // The three days become final; lookback_days is 0.
  h.sim.setMetricsReady(ALL_READY);
  h.sim.resetLog();
  const state = STREAMS.map((s) => ({ type: 'STREAM', stream: lastState(first, s) }));
  const second = await read('second', state);
  expect(second.exitCode).toBe(0);
  expect(readyRequests()).toEqual([TODAY]);
  // Every analytics request of the second read asks the cursor day (always re-read) and the three days after it.
  const analytics = h.sim.requestLog.filter((r) => /analytics$/.test(r.path));
  expect(analytics.length).toBeGreaterThan(0);
  expect(windowsOf(analytics.map((r) => ({ method: r.method, path: r.path, url: '', query: r.query as any })))).toEqual(
    [`${cursor}..${TODAY}`],
  );
  const now = truthFrom(cursor);
  expect(now.lastReadyDay).toBe(TODAY);
  for (const stream of STREAMS) {
    const records = second.records(stream).map((r) => r.data);
    expect(new Set(records.map(canonical))).toEqual(new Set((now.records[stream] ?? []).map(canonical)));
    const reread = records.filter((r) => r.date > cursor);
    expect(reread.length).toBe(first.records(stream).filter((r) => r.data.date > cursor).length);
    expect(reread.every((r) => r.data_ready === true)).toBe(true);
    expect(lastState(second, stream).stream_state.date).toBe(expectedCursor(TODAY, ALL_READY));
  }
});

test.each([
  ['403', 403 as const],
  ['500 (retried)', 500 as const],
])(
  'the endpoint answers %s: one warning for the read, cursors follow the lookback rule, the newest days are not called final',
  async (_name, status) => {
    h.sim.setMetricsReady({ failWith: status });
    const run = await h.run([
      'read',
      '--config',
      h.configPath,
      '--catalog',
      h.write(`fail-${status}.json`, withDaily),
      '--write-config',
    ]);
    h.sim.setMetricsReady(NOT_READY);
    expect(run.exitCode).toBe(0);
    expect(run.traces()).toEqual([]);
    const warnings = logs(run.messages, 'WARN').filter((w) => w.includes(READY_PATH));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/incremental cursors follow lookback_days alone/);
    const fallback = addDays(TODAY, -3);
    for (const stream of [...STREAMS, 'ad_analytics_daily']) {
      const records = run.records(stream).map((r) => r.data);
      expect(records.length).toBeGreaterThan(0);
      expect(records.every((r) => r.data_ready === r.date <= fallback)).toBe(true);
      const last = stream === 'ad_analytics_daily' ? addDays(TODAY, -1) : TODAY;
      expect(lastState(run, stream).stream_state.date).toBe(last);
    }
  },
);
