/**
 * The streams Pinterest serves only through asynchronous reports — keyword_analytics,
 * product_group_targeting_analytics, product_item_analytics — equal the simulator's ground truth in full
 * refresh and incremental reads at the fewest reports; an ad account without keyword or shopping campaigns
 * gives none of their rows and no error; a 914-day keyword backfill has every day once. A TOTAL custom
 * report is full refresh only, validates against its schema and equals the ground truth.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { addDays } from '../../src/util/dates';
import { REPORT_ENV, expectEqualsTruth } from '../../test_kit/reports';
import { type CatRun, primaryKeyOf, recordValidator, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { expectedCursor, TODAY } from '../../test_kit/constants';
import { lastStates } from '../../test_kit/messages';

const STREAMS = ['keyword_analytics', 'product_group_targeting_analytics', 'product_item_analytics'];
const KEYS: Record<string, string[]> = {
  keyword_analytics: ['keyword_id', 'date'],
  product_group_targeting_analytics: ['product_group_id', 'targeting_type', 'targeting_value', 'date'],
  product_item_analytics: ['product_item_id', 'date'],
};

const posts = (h: Harness) => h.sim.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/reports'));

const readStreams = (h: Harness, mode: 'full_refresh' | 'incremental', state?: unknown): Promise<CatRun> =>
  h.readStreams((name) => STREAMS.includes(name), mode, { env: REPORT_ENV, state });

describe('report-only streams over the last 90 days', () => {
  let h: Harness;
  let full: CatRun;
  let fullPosts: number;
  let incremental: CatRun;
  let incrementalPosts: number;
  let streams: Array<Record<string, any>>;

  beforeAll(async () => {
    h = await startHarness();
    const discover = await h.run(['discover', '--config', h.configPath]);
    streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => STREAMS.includes(s.name));
    h.sim.resetLog();
    full = await readStreams(h, 'full_refresh');
    fullPosts = posts(h).length;
    h.sim.resetLog();
    incremental = await readStreams(h, 'incremental');
    incrementalPosts = posts(h).length;
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('discover: incremental on date, with the keys of the existing ads-analytics streams', () => {
    expect(streams.map((s) => s.name).sort()).toEqual([...STREAMS].sort());
    for (const s of streams) {
      expect([s.name, s.source_defined_primary_key.map((k: string[]) => k[0])]).toEqual([s.name, KEYS[s.name]]);
      expect(s.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
      expect(s.default_cursor_field).toEqual(['date']);
    }
  });

  test('full refresh and incremental equal the ground truth, validate, and keep their keys unique', () => {
    const truth = h.truth();
    for (const run of [full, incremental]) {
      expect(run.exitCode).toBe(0);
      expect(run.traces()).toEqual([]);
      expectEqualsTruth(run, truth.records as any, STREAMS);
      for (const s of streams) {
        const records = run.records(s.name).map((m) => m.data);
        expect([s.name, records.length > 0]).toEqual([s.name, true]);
        const validate = recordValidator(s.json_schema);
        for (const r of records) expect([s.name, validate(r) ? [] : validate.errors]).toEqual([s.name, []]);
        const keys = records.map((r) => primaryKeyOf(s, r));
        expect([s.name, new Set(keys).size]).toEqual([s.name, keys.length]);
      }
    }
  });

  test('the fewest reports: one per ad account × window (31 days for product items) × ≤ 5 targeting types', () => {
    const truth = h.truth();
    const minimum = STREAMS.reduce((n, s) => n + truth.minReports[s], 0);
    const accounts = truth.adAccountIds.length;
    // 90 days: one window, three for product items (31 + 31 + 28); 15 product-group targeting types: 3 groups.
    expect(STREAMS.map((s) => truth.minReports[s])).toEqual([accounts, accounts * 3, accounts * 3]);
    expect(fullPosts).toBe(minimum);
    expect(incrementalPosts).toBe(minimum);
    const levels = h.sim.reports.bodies.map((b) => b.level);
    expect(new Set(levels)).toEqual(new Set(['KEYWORD', 'PRODUCT_GROUP_TARGETING', 'PRODUCT_ITEM']));
    for (const b of h.sim.reports.bodies.filter((x) => x.level === 'PRODUCT_ITEM'))
      expect(
        (Date.parse(`${b.end_date}T00:00:00Z`) - Date.parse(`${b.start_date}T00:00:00Z`)) / 86_400_000,
      ).toBeLessThan(31);
    for (const b of h.sim.reports.bodies.filter((x) => x.level === 'PRODUCT_GROUP_TARGETING'))
      expect((b.targeting_types as string[]).length).toBeLessThanOrEqual(5);
  });

  test('an ad account without keyword or shopping campaigns: no rows, no error, its state advances', () => {
    const truth = h.truth();
    const withRows = (run: CatRun, s: string) => new Set(run.records(s).map((m) => m.data.ad_account_id));
    const empty = truth.adAccountIds.filter((id) => STREAMS.every((s) => !withRows(incremental, s).has(id)));
    expect(empty.length).toBeGreaterThan(0);
    expect(truth.adAccountIds.some((id) => !empty.includes(id))).toBe(true);
    for (const s of STREAMS) {
      const state = incremental.states(s).at(-1)!.stream.stream_state;
      expect([s, incremental.statuses(s).at(-1)]).toEqual([s, 'COMPLETE']);
      for (const id of empty) expect([s, id, state.partitions[id]]).toEqual([s, id, { date: expectedCursor() }]);
      expect(state.date).toBe(expectedCursor());
    }
  });

  test('the next incremental read starts at the cursor minus the lookback, and reads those days only', async () => {
    h.sim.resetLog();
    const next = await readStreams(h, 'incremental', lastStates(incremental.messages));
    expect(next.exitCode).toBe(0);
    // The cursor stops at the last day Pinterest calls final; the lookback (3) counts back from it.
    const from = addDays(expectedCursor(), -3);
    const truth = h.truth().records as Record<string, Array<Record<string, unknown>>>;
    const recent = Object.fromEntries(STREAMS.map((s) => [s, truth[s].filter((r) => (r.date as string) >= from)]));
    expectEqualsTruth(next, recent, STREAMS);
    for (const b of h.sim.reports.bodies.slice(-posts(h).length)) expect(b.start_date).toBe(from);
    expect(posts(h).length).toBe(h.truth().adAccountIds.length * (1 + 3 + 1));
  }, 600_000);
});

describe('keyword_analytics backfilled from today − 913', () => {
  let h: Harness;
  let run: CatRun;
  const start = addDays(TODAY, -913);

  beforeAll(async () => {
    h = await startHarness({}, { start_date: start });
    run = await h.readStreams((name) => name === 'keyword_analytics', 'incremental', { env: REPORT_ENV });
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('every day once: equal to the ground truth, on both sides of every report window boundary', () => {
    expect(run.exitCode).toBe(0);
    const truth = h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], startDate: start });
    const want = truth.records.keyword_analytics;
    expectEqualsTruth(run, { keyword_analytics: want }, ['keyword_analytics']);
    const got = run.records('keyword_analytics').map((m) => m.data);
    // The history is really there: rows in the first window.
    expect(got.some((r) => r.date < addDays(start, 186))).toBe(true);
    // Windows of 186 days from today − 913: 5 reports per account, the last one ending today.
    const windows = h.sim.reports.bodies.map((b) => `${b.start_date}…${b.end_date}`);
    const accounts = truth.adAccountIds.length;
    expect(windows).toHaveLength(accounts * 5);
    expect(truth.minReports.keyword_analytics).toBe(accounts * 5);
    for (let i = 0, s = start; i < 5; i++) {
      const e = i === 4 ? TODAY : addDays(s, 185);
      expect(windows.filter((w) => w === `${s}…${e}`)).toHaveLength(accounts);
      // The boundary days: the window's last and the next one's first, each exactly as often as the truth has it.
      for (const day of [e, addDays(e, 1)]) {
        const n = (rows: Array<Record<string, unknown>>) => rows.filter((r) => r.date === day).length;
        expect([day, n(got)]).toEqual([day, n(want)]);
      }
      s = addDays(e, 1);
    }
  });
});

describe('a TOTAL custom report', () => {
  const report = {
    name: 'campaign_total',
    level: 'CAMPAIGN',
    granularity: 'TOTAL',
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH', 'CAMPAIGN_NAME'],
    start_date: addDays(TODAY, -59),
  };
  let h: Harness;
  let run: CatRun;
  let stream: Record<string, any>;

  beforeAll(async () => {
    h = await startHarness({}, { custom_reports: [report] });
    const discover = await h.run(['discover', '--config', h.configPath]);
    stream = discover.ofType('CATALOG')[0].catalog.streams.find((s: any) => s.name === 'custom_campaign_total');
    run = await h.run(
      [
        'read',
        '--config',
        h.configPath,
        '--catalog',
        h.write('catalog.json', configureCatalog([stream], 'full_refresh')),
      ],
      { env: REPORT_ENV },
    );
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('discover: full refresh only, keyed by the id and the range, start_date and end_date instead of date', () => {
    expect(stream.supported_sync_modes).toEqual(['full_refresh']);
    expect(stream.source_defined_cursor).toBeUndefined();
    expect(stream.source_defined_primary_key).toEqual([['campaign_id'], ['start_date'], ['end_date']]);
    expect(stream.json_schema.properties.date).toBeUndefined();
    expect(stream.json_schema.properties.start_date.format).toBe('date');
    expect(stream.json_schema.properties.end_date.format).toBe('date');
  });

  test('its records validate against the discovered schema and equal the ground truth: one per campaign over the range', () => {
    expect(run.exitCode).toBe(0);
    expect(run.traces()).toEqual([]);
    const got = run.records('custom_campaign_total').map((m) => m.data);
    const truth = h.sim.reports.customTruth({
      level: report.level,
      granularity: 'TOTAL',
      columns: report.columns,
      start: report.start_date,
      end: TODAY,
    });
    expect(truth.length).toBeGreaterThan(0);
    expectEqualsTruth(run, { custom_campaign_total: truth }, ['custom_campaign_total']);
    const validate = recordValidator(stream.json_schema);
    for (const r of got) expect([r, validate(r) ? [] : validate.errors]).toEqual([r, []]);
    const keys = got.map((r) => primaryKeyOf(stream, r));
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of got) expect([r.start_date, r.end_date, r.date]).toEqual([report.start_date, TODAY, undefined]);
    expect(h.sim.reports.bodies.every((b) => b.granularity === 'TOTAL')).toBe(true);
  });
});
