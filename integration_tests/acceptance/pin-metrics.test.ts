/**
 * pin_metrics against the simulator's ground truth: one /pins read (with pin_metrics=true only when the stream
 * is selected) serves pins, pin_metrics and pin_analytics; pins' records do not change; one snapshot a day over
 * two simulated days; organic_ad_account_id on pin analytics.
 */
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { addDays, TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';
import { streamOfRequest } from '../../simulator';

jest.setTimeout(spawnedRunsTimeout(8));

async function readStreams(
  h: Harness,
  names: string[],
  opts: { mode?: 'full_refresh' | 'incremental'; state?: unknown; env?: Record<string, string> } = {},
): Promise<CatRun> {
  const discover = await h.run(['discover', '--config', h.configPath]);
  const streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => names.includes(s.name));
  const args = ['read', '--config', h.configPath, '--catalog'];
  args.push(h.write(`catalog-${names.join('-')}.json`, configureCatalog(streams, opts.mode ?? 'full_refresh')));
  if (opts.state) args.push('--state', h.write('state.json', opts.state));
  return h.run(args, { env: opts.env });
}

function expectTruth(run: CatRun, stream: string, expected: Array<Record<string, unknown>>) {
  const got = run.records(stream).map((r) => r.data);
  expect([stream, got.length]).toEqual([stream, expected.length]);
  expect([stream, new Set(got.map(canonical))]).toEqual([stream, new Set(expected.map(canonical))]);
}

const requestsOf = (h: Harness, stream: string) =>
  h.sim.requestLog.filter((r) => streamOfRequest(r.method, r.path) === stream).map((r) => r.query);

describe('pin_metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  test('with pins and pin_analytics: one /pins read with pin_metrics=true serves all three; records equal the ground truth', async () => {
    const truth = h.truth();
    h.sim.resetLog();
    const run = await readStreams(h, ['pins', 'pin_metrics', 'pin_analytics']);
    expect(run.exitCode).toBe(0);
    expect(truth.records.pin_metrics.length).toBeGreaterThan(0);
    expectTruth(run, 'pin_metrics', truth.records.pin_metrics);
    expectTruth(run, 'pins', truth.records.pins);
    expectTruth(run, 'pin_analytics', truth.records.pin_analytics);
    expect(run.records('pins').some((r) => 'pin_metrics' in r.data)).toBe(false);
    const pins = requestsOf(h, 'pins');
    expect(pins).toHaveLength(truth.minRequests.pins);
    expect(pins.every((q) => q.pin_metrics === 'true')).toBe(true);
    expect(requestsOf(h, 'pin_metrics')).toHaveLength(truth.minRequests.pin_metrics);
    expect(requestsOf(h, 'pin_analytics')).toHaveLength(truth.minRequests.pin_analytics);
  });

  test('without pins: the list is still read once for pin_metrics and pin_analytics together', async () => {
    const truth = h.truth();
    h.sim.resetLog();
    const run = await readStreams(h, ['pin_metrics', 'pin_analytics']);
    expect(run.exitCode).toBe(0);
    expectTruth(run, 'pin_metrics', truth.records.pin_metrics);
    expectTruth(run, 'pin_analytics', truth.records.pin_analytics);
    const pins = requestsOf(h, 'pins');
    expect(pins).toHaveLength(truth.setupRequests.pinsList);
    expect(pins.every((q) => q.pin_metrics === 'true')).toBe(true);
  });

  test('pins without pin_metrics: read as before (no pin_metrics parameter), the same records', async () => {
    const truth = h.truth();
    h.sim.resetLog();
    const run = await readStreams(h, ['pins']);
    expect(run.exitCode).toBe(0);
    expectTruth(run, 'pins', truth.records.pins);
    const pins = requestsOf(h, 'pins');
    expect(pins).toHaveLength(truth.minRequests.pins);
    expect(pins.every((q) => q.pin_metrics === undefined)).toBe(true);
  });

  test('two syncs on two simulated days append two snapshots; a second sync the same day adds none', async () => {
    const first = await readStreams(h, ['pin_metrics'], { mode: 'incremental' });
    expect(first.exitCode).toBe(0);
    const state = first.states('pin_metrics').map((s) => ({ type: 'STREAM', stream: s.stream }));
    expect(state.at(-1)!.stream.stream_state).toEqual({ snapshot_date: TODAY });
    expectTruth(first, 'pin_metrics', h.truth().records.pin_metrics);

    h.sim.resetLog();
    const sameDay = await readStreams(h, ['pin_metrics'], { mode: 'incremental', state });
    expect(sameDay.exitCode).toBe(0);
    expect(sameDay.records('pin_metrics')).toHaveLength(0);
    expect(requestsOf(h, 'pins')).toHaveLength(0);

    h.sim.advanceDay(1);
    const tomorrow = addDays(TODAY, 1);
    const second = await readStreams(h, ['pin_metrics'], {
      mode: 'incremental',
      state,
      env: { PINTEREST_TODAY: tomorrow },
    });
    expect(second.exitCode).toBe(0);
    expect(second.states('pin_metrics').at(-1)!.stream.stream_state).toEqual({ snapshot_date: tomorrow });
    const truthTomorrow = h.sim.groundTruth({ today: tomorrow, columns: [], windowDays: 30 });
    expectTruth(second, 'pin_metrics', truthTomorrow.records.pin_metrics);
    const days = [...first.records('pin_metrics'), ...second.records('pin_metrics')].map((r) => r.data.snapshot_date);
    expect(new Set(days)).toEqual(new Set([TODAY, tomorrow]));
  });
});

describe('organic_ad_account_id on pin analytics', () => {
  let h: Harness;
  let client: string;
  beforeAll(async () => {
    h = await startHarness({ businessAccessRole: 'ANALYST' });
    client = h.sim.data.adAccounts.find((a) => a.shared)!.id;
    h.config.organic_ad_account_id = client;
    h.configPath = h.write('config-client.json', h.config);
  });
  afterAll(() => h?.close());

  test('every /pins/analytics request (and the pins list) sends it', async () => {
    h.sim.resetLog();
    const run = await readStreams(h, ['pin_metrics', 'pin_analytics']);
    expect(run.exitCode).toBe(0);
    const analytics = requestsOf(h, 'pin_analytics');
    expect(analytics.length).toBeGreaterThan(0);
    expect(analytics.every((q) => q.ad_account_id === client)).toBe(true);
    expect(requestsOf(h, 'pins').every((q) => q.ad_account_id === client)).toBe(true);
  });
});

describe('organic_ad_account_id on the per-pin fallback', () => {
  let h: Harness;
  let client: string;
  beforeAll(async () => {
    h = await startHarness({ businessAccessRole: 'ANALYST', pinAnalyticsBeta: false });
    client = h.sim.data.adAccounts.find((a) => a.shared)!.id;
    h.config.organic_ad_account_id = client;
    h.configPath = h.write('config-client.json', h.config);
  });
  afterAll(() => h?.close());

  test('GET /pins/{pin_id}/analytics sends it too', async () => {
    h.sim.resetLog();
    const run = await readStreams(h, ['pin_analytics']);
    expect(run.exitCode).toBe(0);
    const perPin = h.sim.requestLog.filter((r) => /^\/pins\/\d+\/analytics$/.test(r.path));
    expect(perPin.length).toBeGreaterThan(0);
    expect(perPin.every((r) => r.query.ad_account_id === client)).toBe(true);
  });
});
