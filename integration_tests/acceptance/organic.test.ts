/**
 * The organic options as a user sets them, against the simulator's ground truth: organic-only and paid-only
 * user-account analytics and top pins, a split read keyed by the split value, more sort metrics for top pins,
 * and the user_account snapshot appended once per day over two simulated days.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { type CatRun, primaryKeyOf, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { addDays, TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';
import { streamOfRequest, type GroundTruthConfig } from '../../simulator';

jest.setTimeout(spawnedRunsTimeout(4));

const ORGANIC_STREAMS = ['user_account_analytics', 'top_pins', 'top_video_pins'];

/** Discovers with the harness' config, then reads the named streams (full refresh unless `mode` says). */
async function readStreams(
  h: Harness,
  names: string[],
  opts: { mode?: 'full_refresh' | 'incremental'; state?: unknown; env?: Record<string, string> } = {},
): Promise<{ run: CatRun; streams: Array<Record<string, any>> }> {
  const discover = await h.run(['discover', '--config', h.configPath]);
  const streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => names.includes(s.name));
  const args = ['read', '--config', h.configPath, '--catalog'];
  args.push(h.write(`catalog-${names.join('-')}.json`, configureCatalog(streams, opts.mode ?? 'full_refresh')));
  if (opts.state) args.push('--state', h.write('state.json', opts.state));
  return { run: await h.run(args, { env: opts.env }), streams };
}

const truthOf = (h: Harness, cfg: Partial<GroundTruthConfig>) =>
  h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: 30, ...cfg });

function expectTruth(run: CatRun, stream: string, expected: Array<Record<string, unknown>>) {
  const got = run.records(stream).map((r) => r.data);
  expect([stream, got.length]).toEqual([stream, expected.length]);
  expect([stream, new Set(got.map(canonical))]).toEqual([stream, new Set(expected.map(canonical))]);
}

function requestsOf(h: Harness, stream: string): Array<Record<string, string | string[]>> {
  return h.sim.requestLog.filter((r) => streamOfRequest(r.method, r.path) === stream).map((r) => r.query);
}

describe.each(['ORGANIC', 'PAID'])('content_type %s', (contentType) => {
  let h: Harness;
  let run: CatRun;
  beforeAll(async () => {
    h = await startHarness({}, { content_type: contentType });
    h.sim.resetLog();
    ({ run } = await readStreams(h, ORGANIC_STREAMS));
  });
  afterAll(() => h?.close());

  test('records equal the ground truth of that content type, at the fewest requests, each sending it', () => {
    expect(run.exitCode).toBe(0);
    const truth = truthOf(h, { organicFilters: { content_type: contentType } });
    for (const s of ORGANIC_STREAMS) {
      expectTruth(run, s, truth.records[s]);
      const made = requestsOf(h, s);
      expect([s, made.length]).toEqual([s, truth.minRequests[s]]);
      for (const query of made) expect([s, query.content_type]).toEqual([s, contentType]);
    }
  });

  test('differs from the other content type and from all activity as the ground truth says', () => {
    const other = truthOf(h, { organicFilters: { content_type: contentType === 'PAID' ? 'ORGANIC' : 'PAID' } });
    const all = truthOf(h, {});
    const impressions = (rows: Array<Record<string, any>>) => rows.reduce((n, r) => n + (r.impression ?? 0), 0);
    const mine = run.records('user_account_analytics').map((r) => r.data);
    expect(mine.map(canonical)).not.toEqual(other.records.user_account_analytics.map(canonical));
    // The simulator gives organic activity three quarters of the whole, paid a quarter.
    const share = impressions(mine) / impressions(all.records.user_account_analytics);
    expect(share).toBeCloseTo(contentType === 'ORGANIC' ? 0.75 : 0.25, 1);
    expect(impressions(mine) > impressions(other.records.user_account_analytics)).toBe(contentType === 'ORGANIC');
  });
});

describe('split_field APP_TYPE, top pins by two metrics', () => {
  let h: Harness;
  let run: CatRun;
  let streams: Array<Record<string, any>>;
  beforeAll(async () => {
    h = await startHarness({}, { split_field: 'APP_TYPE', top_pins_sort_by: ['SAVE', 'IMPRESSION'] });
    h.sim.resetLog();
    ({ run, streams } = await readStreams(h, ORGANIC_STREAMS));
  });
  afterAll(() => h?.close());

  test("discover keys user_account_analytics by the split value; rows carry it and equal the split's ground truth", () => {
    expect(run.exitCode).toBe(0);
    const ua = streams.find((s) => s.name === 'user_account_analytics')!;
    expect(ua.source_defined_primary_key).toEqual([['user_id'], ['split_value'], ['date']]);
    const truth = truthOf(h, { splitField: 'APP_TYPE', topPinsSortBy: ['SAVE', 'IMPRESSION'] });
    const rows = run.records('user_account_analytics').map((r) => r.data);
    expect(new Set(rows.map((r) => `${r.split_field}:${r.split_value}`))).toEqual(
      new Set(['APP_TYPE:MOBILE', 'APP_TYPE:TABLET', 'APP_TYPE:WEB']),
    );
    const keys = rows.map((r) => primaryKeyOf(ua, r));
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of ORGANIC_STREAMS) {
      expectTruth(run, s, truth.records[s]);
      expect([s, requestsOf(h, s).length]).toEqual([s, truth.minRequests[s]]);
    }
    expect(requestsOf(h, 'user_account_analytics').map((q) => q.split_field)).toEqual(
      truth.minRequests.user_account_analytics > 0
        ? Array(truth.minRequests.user_account_analytics).fill('APP_TYPE')
        : [],
    );
    expect(new Set(run.records('top_pins').map((r) => r.data.sort_by))).toEqual(new Set(['SAVE', 'IMPRESSION']));
  });
});

describe('user_account: one snapshot a day', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  test('two syncs on two simulated days append two profile snapshots with the day’s values; a second sync the same day adds none', async () => {
    const first = await readStreams(h, ['user_account'], { mode: 'incremental' });
    expect(first.run.exitCode).toBe(0);
    const state = first.run.states('user_account').map((s) => ({ type: 'STREAM', stream: s.stream }));
    expect(state[state.length - 1].stream.stream_state).toEqual({ snapshot_date: TODAY });

    const sameDay = await readStreams(h, ['user_account'], { mode: 'incremental', state });
    expect(sameDay.run.records('user_account')).toHaveLength(0);

    h.sim.advanceDay(1);
    const tomorrow = addDays(TODAY, 1);
    const second = await readStreams(h, ['user_account'], {
      mode: 'incremental',
      state,
      env: { PINTEREST_TODAY: tomorrow },
    });
    expect(second.run.exitCode).toBe(0);
    const snapshots = [...first.run.records('user_account'), ...second.run.records('user_account')].map((r) => r.data);
    expect(snapshots.map((s) => s.snapshot_date)).toEqual([TODAY, tomorrow]);
    expect(snapshots[0]).toEqual(truthOf(h, { today: TODAY }).records.user_account[0]);
    expect(snapshots[1]).toEqual(truthOf(h, { today: tomorrow }).records.user_account[0]);
    expect(snapshots[1].follower_count).not.toBe(snapshots[0].follower_count);
    expect(second.run.states('user_account').at(-1)!.stream.stream_state).toEqual({ snapshot_date: tomorrow });
    // The profile is the read's set-up answer: no request of the stream's own.
    expect(h.sim.requestLog.filter((r) => streamOfRequest(r.method, r.path) === 'user_account')).toHaveLength(0);
  });
});

describe('board_snapshots', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  test('read with boards: the same list, no request of its own; alone: the boards list once, records equal', async () => {
    const truth = truthOf(h, {});
    h.sim.resetLog();
    const both = await readStreams(h, ['boards', 'board_snapshots'], { mode: 'incremental' });
    expect(both.run.exitCode).toBe(0);
    expectTruth(both.run, 'board_snapshots', truth.records.board_snapshots);
    expect(requestsOf(h, 'boards')).toHaveLength(truth.minRequests.boards);
    expect(both.run.states('board_snapshots').at(-1)!.stream.stream_state).toEqual({ snapshot_date: TODAY });

    h.sim.resetLog();
    const alone = await readStreams(h, ['board_snapshots'], { mode: 'incremental' });
    expect(alone.run.exitCode).toBe(0);
    expectTruth(alone.run, 'board_snapshots', truth.records.board_snapshots);
    expect(requestsOf(h, 'boards')).toHaveLength(truth.minRequests.boards);
  });
});

describe('organic_ad_account_id (Business Access)', () => {
  let analyst: Harness;
  let none: Harness;
  let client: string;
  beforeAll(async () => {
    analyst = await startHarness({ businessAccessRole: 'ANALYST' });
    client = analyst.sim.data.adAccounts.find((a) => a.shared)!.id;
    analyst.config.organic_ad_account_id = client;
    analyst.configPath = analyst.write('config-client.json', analyst.config);
    none = await startHarness({ businessAccessRole: 'NONE' }, { organic_ad_account_id: client });
  });
  afterAll(async () => {
    await analyst?.close();
    await none?.close();
  });

  test("with the Analyst role, check succeeds and the organic streams read the client's profile, every organic request with its ad_account_id", async () => {
    const check = await analyst.run(['check', '--config', analyst.configPath]);
    expect(check.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('SUCCEEDED');
    analyst.sim.resetLog();
    const streams = ['user_account', 'user_account_analytics', 'top_pins', 'boards', 'board_pins'];
    const { run } = await readStreams(analyst, streams);
    expect(run.exitCode).toBe(0);
    const truth = truthOf(analyst, { organicAdAccountId: client });
    for (const s of streams) expectTruth(run, s, truth.records[s]);
    const profile = run.records('user_account')[0].data;
    expect(profile.username).toBe(truth.records.user_account[0].username);
    expect(profile.username).not.toBe(analyst.sim.data.user.username);
    expect(new Set(run.records('user_account_analytics').map((r) => r.data.user_id))).toEqual(new Set([profile.id]));
    const organic = analyst.sim.requestLog.filter((r) => r.method === 'GET' && r.category.startsWith('org_'));
    expect(organic.length).toBeGreaterThan(0);
    for (const r of organic) expect([r.path, r.query.ad_account_id]).toEqual([r.path, client]);
  });

  test('without a role that allows it, check fails and names the role needed', async () => {
    const check = await none.run(['check', '--config', none.configPath]);
    expect(check.exitCode).toBe(0);
    const status = check.ofType('CONNECTION_STATUS')[0].connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('ANALYST');
    expect(status.message).toContain('organic_ad_account_id');
    expect(status.message).toContain(client);
  });
});
