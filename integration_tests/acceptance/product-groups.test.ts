/**
 * Product groups: product_group_promotions (one request series per ad group of a shopping campaign, the ad
 * group and campaign lists shared) and product_group_analytics (the promotions' ids, ≤ 250 per request, the
 * last 90 days synchronous, older days from PRODUCT_GROUP reports) equal the simulator's ground truth at the
 * fewest requests and reports; an account without shopping campaigns gives nothing and asks nothing.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { addDays } from '../../src/util/dates';
import { streamOfRequest } from '../../simulator';
import { REPORT_ENV, expectEqualsTruth } from '../../test_kit/reports';
import { ACCEPTANCE_CONFIG, type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { fullCatalog } from '../../test_kit/catalog';
import { expectedCursor, TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';

const STREAMS = ['product_group_promotions', 'product_group_analytics'];
const ANALYTICS = 'product_group_analytics';

/** Requests of a run by stream (set-up requests apart). */
function requestsByStream(h: Harness, from = 0): Map<string, number> {
  const made = new Map<string, number>();
  for (const r of h.sim.requestLog.slice(from)) {
    const key = streamOfRequest(r.method, r.path) ?? 'set-up';
    made.set(key, (made.get(key) ?? 0) + 1);
  }
  return made;
}

describe('the last 90 days', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('full refresh: both streams equal the ground truth at the fewest requests, the entity lists once', async () => {
    const truth = h.truth();
    h.sim.resetLog();
    const run = await h.run([
      'read',
      '--config',
      h.configPath,
      '--catalog',
      h.write('fr.json', fullCatalog('full_refresh', STREAMS)),
    ]);
    expect(run.traces()).toEqual([]);
    expect(run.exitCode).toBe(0);
    expectEqualsTruth(run, truth.records as any, STREAMS);
    for (const s of STREAMS) expect([s, run.records(s).length > 0]).toEqual([s, true]);
    // Promotions carry the account and the ad group they were listed for.
    for (const r of run.records('product_group_promotions')) {
      expect(typeof r.data.ad_account_id).toBe('string');
      expect(typeof r.data.ad_group_id).toBe('string');
    }
    const made = requestsByStream(h);
    for (const s of STREAMS) expect([s, made.get(s) ?? 0]).toEqual([s, (truth.minRequests as any)[s]]);
    // The ad groups and campaigns the promotions need: each list fetched once, not once per stream.
    expect(made.get('campaigns')).toBe(truth.setupRequests.entityLists.campaign);
    expect(made.get('ad_groups')).toBe(truth.setupRequests.entityLists.ad_group);
    // Only ad groups of shopping campaigns are asked, each once.
    const asked = h.sim.requestLog
      .filter((r) => r.path.endsWith('/product_group_promotions'))
      .map((r) => `${r.path} ${String(r.query.ad_group_id)}`);
    expect(new Set(asked).size).toBe(asked.length);
    const shopping = new Set((truth.records as any).product_group_promotions.map((p: any) => p.ad_group_id));
    for (const a of asked) expect(shopping.has(a.split(' ')[1])).toBe(true);
  });

  test('an account without shopping campaigns: no promotions, no product group rows, no requests for it', async () => {
    const truth = h.truth();
    const empty = truth.adAccountIds.filter(
      (id) => !(truth.records as any).product_group_promotions.some((r: any) => r.ad_account_id === id),
    );
    expect(empty.length).toBeGreaterThan(0);
    const config = { ...h.config, ad_account_ids: empty };
    h.sim.resetLog();
    const run = await h.run([
      'read',
      '--config',
      h.write('empty.json', config),
      '--catalog',
      h.write('empty-catalog.json', fullCatalog('incremental', STREAMS)),
    ]);
    expect(run.traces()).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const s of STREAMS) {
      expect(run.records(s)).toEqual([]);
      expect(run.statuses(s)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    }
    const paths = h.sim.requestLog.map((r) => r.path);
    expect(paths.filter((p) => /product_group/.test(p))).toEqual([]);
  });

  test('incremental: the first read equals the ground truth; the next re-reads only from the saved cursor', async () => {
    const truth = h.truth();
    const catalog = h.write('inc.json', fullCatalog('incremental', [ANALYTICS]));
    const first = await h.run(['read', '--config', h.configPath, '--catalog', catalog]);
    expect(first.exitCode).toBe(0);
    expectEqualsTruth(first, truth.records as any, [ANALYTICS]);
    const last = first.states(ANALYTICS).at(-1)!;
    const state = last.stream.stream_state;
    expect(state.date).toBe(expectedCursor());
    const withRows = new Set((truth.records as any)[ANALYTICS].map((r: any) => r.ad_account_id));
    for (const id of withRows) expect(state.partitions[id as string]).toEqual({ date: expectedCursor() });

    // From that state, the next read starts lookback_days before the cursor: the same records for those days.
    const from = addDays(expectedCursor(), -ACCEPTANCE_CONFIG.lookback_days);
    const second = await h.run([
      'read',
      '--config',
      h.configPath,
      '--catalog',
      catalog,
      '--state',
      h.write('state.json', [last]),
    ]);
    expect(second.exitCode).toBe(0);
    const want = (truth.records as any)[ANALYTICS].filter((r: any) => r.date >= from)
      .map(canonical)
      .sort();
    expect(
      second
        .records(ANALYTICS)
        .map((r) => canonical(r.data))
        .sort(),
    ).toEqual(want);
  });
});

/** Flights long enough to run across the 90-day seam, so the days on both sides of it have rows. */
const SEAM_SIZE = { firstAccountCampaigns: 30, flightDaysMin: 60, flightDaysMax: 110 };

describe('a backfill from today − 913', () => {
  let h: Harness;
  let run: CatRun;
  const start = addDays(TODAY, -913);
  const truthOf = (countsOnly = false) =>
    h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: 30, startDate: start, countsOnly });

  beforeAll(async () => {
    h = await startHarness({ size: SEAM_SIZE }, { start_date: start });
    run = await h.run(
      ['read', '--config', h.configPath, '--catalog', h.write('c.json', fullCatalog('incremental', [ANALYTICS]))],
      {
        env: REPORT_ENV,
      },
    );
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('equals the ground truth, older days from reports included', () => {
    expect(run.traces()).toEqual([]);
    expect(run.exitCode).toBe(0);
    expectEqualsTruth(run, truthOf().records as any, [ANALYTICS]);
    expect(run.records(ANALYTICS).some((r) => r.data.date < addDays(TODAY, -89))).toBe(true);
  });

  test('no day is missing or doubled at the 90-day seam', () => {
    const seam = addDays(TODAY, -89);
    const truth = truthOf();
    for (const day of [addDays(seam, -1), seam]) {
      const got = run
        .records(ANALYTICS)
        .filter((r) => r.data.date === day)
        .map((r) => canonical(r.data))
        .sort();
      const want = (truth.records as any)[ANALYTICS].filter((r: any) => r.date === day)
        .map(canonical)
        .sort();
      expect([day, got.length > 0, got]).toEqual([day, true, want]);
    }
  });

  test('the fewest reports and synchronous requests', () => {
    const truth = truthOf(true);
    const posts = h.sim.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/reports'));
    expect(posts.length).toBe((truth.minReports as any)[ANALYTICS]);
    expect(posts.length).toBeGreaterThan(0);
    expect(h.sim.reports.stats.downloads).toBe(posts.length);
    expect(requestsByStream(h).get(ANALYTICS)).toBe((truth.minRequests as any)[ANALYTICS]);
  });
});
