/**
 * Ads analytics streams: campaign_analytics, ad_group_analytics, ad_analytics, ad_analytics_daily — read
 * in-process against the simulator. Per ad account × ≤250 ids × window, exact requests (valid for the
 * OpenAPI description); records equal to the ground truth (lower-cased, with ad_account_id and currency);
 * per-partition state `{date, partitions: {<id>: {date}}}` emitted after each finished window.
 */
import type { RunResult } from '../../test_kit/in-process';
import { expectedCursor, TODAY, type Json } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';
import {
  EARLIEST,
  expectSameRecords,
  stateCountProblems,
  streamStateInput,
  windowsOf,
} from '../../test_kit/read-checks';
import {
  ALL_STATUSES,
  accountsOf,
  ofAccount,
  requestLine,
  useSimulatedPinterest,
  type Entity,
} from '../../test_kit/simulated-read';
import { DEFAULT_COLUMNS } from '../../src/config/schema';

const p = useSimulatedPinterest();
const [USD, EUR] = accountsOf();

const COLS = ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_CONVERSIONS'];
const config = (extra: Json = {}) => p.config({ columns: COLS, ...extra });
const STREAM: Record<string, { entity: Entity; param: string }> = {
  campaign_analytics: { entity: 'campaigns', param: 'campaign_ids' },
  ad_group_analytics: { entity: 'ad_groups', param: 'ad_group_ids' },
  ad_analytics: { entity: 'ads', param: 'ad_ids' },
  ad_analytics_daily: { entity: 'ads', param: 'ad_ids' },
};
const BACKFILL_WINDOWS = [
  ['2026-05-01', '2026-05-30'],
  ['2026-05-31', '2026-06-29'],
  ['2026-06-30', '2026-06-30'],
] as const;
const BACKFILL = BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`);

/** The ground-truth records of `stream` for `account` over start…end. */
function expectedRecords(
  stream: string,
  account: string,
  start: string,
  end: string,
  columns = COLS,
  statuses = ALL_STATUSES,
): Json[] {
  const truth = p.truth({ columns, startDate: start, endDate: end, entityStatuses: statuses, adAccountIds: [account] });
  return ofAccount((truth.records as Record<string, Json[]>)[stream], account);
}

const COMMON = {
  click_window_days: '30',
  columns: COLS.join(','),
  conversion_report_time: 'TIME_OF_AD_ACTION',
  engagement_window_days: '30',
  granularity: 'DAY',
  view_window_days: '1',
};

/** Ids in batches of at most 250, in list order. */
const batches = (ids: string[]) =>
  Array.from({ length: Math.ceil(ids.length / 250) }, (_, i) => ids.slice(i * 250, i * 250 + 250));

/** The line of one analytics request. */
function analyticsRequest(
  stream: string,
  account: string,
  ids: string[],
  start: string,
  end: string,
  common: Json = COMMON,
): string {
  const { entity, param } = STREAM[stream];
  return requestLine('GET', `/ad_accounts/${account}/${entity}/analytics`, {
    ...common,
    [param]: ids.join(','),
    start_date: start,
    end_date: end,
  });
}
/** Every request of `stream` for `account` over the windows: one per id batch and window. */
const analyticsRequestsOf = (
  stream: string,
  account: string,
  windows: ReadonlyArray<readonly [string, string]>,
  statuses = ALL_STATUSES,
) =>
  windows.flatMap(([s, e]) =>
    batches(p.ids(STREAM[stream].entity, account, statuses)).map((ids) => analyticsRequest(stream, account, ids, s, e)),
  );

const analyticsLines = (entity: Entity, account?: string) =>
  p.lines(p.requestsTo(new RegExp(`^/ad_accounts/${account ?? '\\d+'}/${entity}/analytics$`)));

/** Partition dates of every state of `stream`, per account, in order (undefined = not yet in the state). */
function partitionDates(r: RunResult, stream: string, account: string): Array<string | undefined> {
  return r.states(stream).map((s) => s.stream.stream_state.partitions?.[account]?.date);
}

/**
 * The checkpoint promise: at every state message, every expected record of each partition up to the
 * partition's date (or the top date for partitions the state does not list) has been emitted before it.
 */
function checkpointProblems(r: RunResult, stream: string, expected: Record<string, Json[]>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let k = 0;
  for (const m of r.messages) {
    if (m.type === 'RECORD' && m.record.stream === stream) seen.add(canonical(m.record.data));
    if (m.type !== 'STATE' || m.state.stream.stream_descriptor.name !== stream) continue;
    k++;
    const st = m.state.stream.stream_state;
    for (const [account, records] of Object.entries(expected)) {
      const upTo = st.partitions ? st.partitions[account]?.date : st.date;
      if (!upTo) continue;
      const missing = records.filter((rec) => rec.date <= upTo && !seen.has(canonical(rec)));
      if (missing.length)
        problems.push(
          `state #${k} ${JSON.stringify(st)}: ${missing.length} records of ${account} up to ${upTo} not emitted before it`,
        );
    }
  }
  return problems;
}

describe('campaign_analytics', () => {
  test('backfill: 3 windows of ≤30 days × (250 + n ids | n ids), exact requests and records, a state after each window', async () => {
    const r = await p.read(config(), [{ name: 'campaign_analytics', sync_mode: 'incremental' }]);
    p.expectCleanRead(r, ['campaign_analytics']);

    expect(batches(p.ids('campaigns', USD))).toHaveLength(2);
    expect(analyticsLines('campaigns')).toEqual(
      [
        ...analyticsRequestsOf('campaign_analytics', USD, BACKFILL_WINDOWS),
        ...analyticsRequestsOf('campaign_analytics', EUR, BACKFILL_WINDOWS),
      ].sort(),
    );
    // Set-up and the id lists: one token, one ad-account list, the campaigns once per account (two pages for the first).
    expect(p.requestsTo('/oauth/token', 'POST')).toHaveLength(1);
    expect(p.requestsTo('/ad_accounts')).toHaveLength(1);
    expect(p.requestsTo(`/ad_accounts/${USD}/campaigns`)).toHaveLength(2);
    expect(p.requestsTo(`/ad_accounts/${EUR}/campaigns`)).toHaveLength(1);
    // …and the days Pinterest calls final, asked newest first once per read (set-up, as the ground truth counts it).
    const readyStates = p.truth().setupRequests.metricsReady;
    expect(p.requestsTo('/resources/metrics_ready_state')).toHaveLength(readyStates);
    expect(p.requests).toHaveLength(1 + 1 + 3 + 3 * 3 + readyStates);

    const expected = {
      [USD]: expectedRecords('campaign_analytics', USD, '2026-05-01', TODAY),
      [EUR]: expectedRecords('campaign_analytics', EUR, '2026-05-01', TODAY),
    };
    expect(expected[USD].length).toBeGreaterThan(0);
    expect(expected[EUR].length).toBeGreaterThan(0);
    const records = r.records('campaign_analytics');
    expectSameRecords(records, [...expected[USD], ...expected[EUR]]);
    expect(
      records.every((rec) => rec.currency === p.currency(rec.ad_account_id) && typeof rec.campaign_id === 'string'),
    ).toBe(true);
    // Columns the API leaves out of a row are left out of the record.
    expect(records.some((rec) => COLS.some((c) => !(c.toLowerCase() in rec)))).toBe(true);
    expect(records.every((rec) => Object.keys(rec).every((k) => k === k.toLowerCase()))).toBe(true);

    // A state after each finished window of each account; partition dates step through the window ends.
    const states = r.states('campaign_analytics');
    expect(states).toHaveLength(3 * 2 + 1);
    for (const account of [USD, EUR]) {
      const dates = partitionDates(r, 'campaign_analytics', account);
      // each window's end, up to the last day whose metrics are final
      expect([...new Set(dates.filter(Boolean))]).toEqual([
        ...new Set(['2026-05-30', '2026-06-29', '2026-06-30'].map((d) => expectedCursor(d))),
      ]);
      expect(dates.filter(Boolean)).toEqual([...dates.filter(Boolean)].sort()); // never goes back
    }
    for (const s of states) {
      const partitions = s.stream.stream_state.partitions as Record<string, { date: string }>;
      const parts = Object.values(partitions).map((x) => x.date);
      // the top date is the smallest partition date, and only once every ad account has one
      expect(s.stream.stream_state.date).toBe(partitions[USD] && partitions[EUR] ? [...parts].sort()[0] : undefined);
    }
    expect(states[states.length - 1].stream.stream_state).toEqual({
      date: expectedCursor(),
      partitions: { [USD]: { date: expectedCursor() }, [EUR]: { date: expectedCursor() } },
    });
    expect(checkpointProblems(r, 'campaign_analytics', expected)).toEqual([]);
  });

  test('incremental from per-partition state: the listed account resumes at its date − lookback, a missing account is backfilled from start_date', async () => {
    const state = streamStateInput({
      campaign_analytics: { date: '2026-06-20', partitions: { [USD]: { date: '2026-06-20' } } },
    });
    const r = await p.read(
      config({ lookback_days: 5 }),
      [{ name: 'campaign_analytics', sync_mode: 'incremental' }],
      state,
    );
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(new RegExp(`^/ad_accounts/${USD}/campaigns/analytics$`)))).toEqual([
      '2026-06-15..2026-06-30',
    ]);
    expect(windowsOf(p.requestsTo(new RegExp(`^/ad_accounts/${EUR}/campaigns/analytics$`)))).toEqual(BACKFILL);
    expect(p.requestsTo(new RegExp(`^/ad_accounts/${USD}/campaigns/analytics$`))).toHaveLength(2); // 250 + n ids
    expectSameRecords(r.records('campaign_analytics'), [
      ...expectedRecords('campaign_analytics', USD, '2026-06-15', TODAY),
      ...expectedRecords('campaign_analytics', EUR, '2026-05-01', TODAY),
    ]);
    // USD keeps its cursor from the first state on; EUR appears once its first window is done.
    const states = r.states('campaign_analytics');
    expect(states[0].stream.stream_state.partitions[USD].date >= '2026-06-20').toBe(true);
    expect(states[states.length - 1].stream.stream_state).toEqual({
      date: expectedCursor(),
      partitions: { [USD]: { date: expectedCursor() }, [EUR]: { date: expectedCursor() } },
    });
  });

  test('incremental from a top-date-only state: every account continues from it, minus lookback', async () => {
    const state = streamStateInput({ campaign_analytics: { date: '2026-06-20' } });
    const r = await p.read(
      config({ lookback_days: 3 }),
      [{ name: 'campaign_analytics', sync_mode: 'incremental' }],
      state,
    );
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(/\/campaigns\/analytics$/))).toEqual(['2026-06-17..2026-06-30']);
    expect(p.requestsTo(/\/campaigns\/analytics$/)).toHaveLength(3);
    expectSameRecords(r.records('campaign_analytics'), [
      ...expectedRecords('campaign_analytics', USD, '2026-06-17', TODAY),
      ...expectedRecords('campaign_analytics', EUR, '2026-06-17', TODAY),
    ]);
    const first = r.states('campaign_analytics')[0].stream.stream_state;
    // Partitions never go back behind the saved cursor while the lookback is re-read.
    expect(
      Object.values(first.partitions as Record<string, { date: string }>).every((x) => x.date >= '2026-06-20'),
    ).toBe(true);
  });

  test('the legacy {stream: state} object is accepted as input state', async () => {
    const r = await p.read(config(), [{ name: 'campaign_analytics', sync_mode: 'incremental' }], {
      campaign_analytics: { date: '2026-06-28' },
    });
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(/\/campaigns\/analytics$/))).toEqual(['2026-06-28..2026-06-30']);
  });

  test('lookback never reaches behind today − 89 or start_date', async () => {
    const incremental = [{ name: 'campaign_analytics', sync_mode: 'incremental' as const }];
    let r = await p.read(
      config({ start_date: undefined, lookback_days: 30, ad_account_ids: [EUR] }),
      incremental,
      streamStateInput({ campaign_analytics: { date: '2026-04-10' } }),
    );
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(/\/campaigns\/analytics$/))).toEqual([
      '2026-04-02..2026-05-01',
      '2026-05-02..2026-05-31',
      '2026-06-01..2026-06-30',
    ]);
    p.sim.resetLog();
    r = await p.read(
      config({ lookback_days: 20, ad_account_ids: [EUR] }),
      incremental,
      streamStateInput({ campaign_analytics: { date: '2026-05-10' } }),
    );
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(/\/campaigns\/analytics$/))).toEqual(BACKFILL);
  });

  test('full_refresh ignores the saved state and reads the whole range', async () => {
    const r = await p.read(
      config({ ad_account_ids: [EUR] }),
      [{ name: 'campaign_analytics', sync_mode: 'full_refresh' }],
      streamStateInput({ campaign_analytics: { date: '2026-06-28' } }),
    );
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(/\/campaigns\/analytics$/))).toEqual(BACKFILL);
    expectSameRecords(r.records('campaign_analytics'), expectedRecords('campaign_analytics', EUR, '2026-05-01', TODAY));
  });

  test('entity_statuses restricts the listed and analysed campaigns', async () => {
    const r = await p.read(config({ start_date: '2026-06-20', entity_statuses: ['PAUSED'] }), ['campaign_analytics']);
    p.expectCleanRead(r, ['campaign_analytics']);
    const window = [['2026-06-20', TODAY]] as const;
    for (const account of [USD, EUR]) {
      expect(p.ids('campaigns', account, ['PAUSED']).length).toBeGreaterThan(0);
      expect(p.ids('campaigns', account, ['PAUSED']).length).toBeLessThan(p.ids('campaigns', account).length);
      expect(analyticsLines('campaigns', account)).toEqual(
        analyticsRequestsOf('campaign_analytics', account, window, ['PAUSED']),
      );
      expect(p.requestsTo(`/ad_accounts/${account}/campaigns`).map((q) => q.query.entity_statuses)).toEqual(['PAUSED']);
    }
    const expected = [USD, EUR].flatMap((a) =>
      expectedRecords('campaign_analytics', a, '2026-06-20', TODAY, COLS, ['PAUSED']),
    );
    expect(expected.length).toBeGreaterThan(0);
    expectSameRecords(r.records('campaign_analytics'), expected);
  });

  test('defaults: the whole 90 days in one window, the default columns, attribution settings passed through', async () => {
    const r = await p.read(
      p.config({
        start_date: undefined,
        window_days: 90,
        ad_account_ids: [EUR],
        click_window_days: 7,
        view_window_days: 0,
        engagement_window_days: 60,
        conversion_report_time: 'TIME_OF_CONVERSION',
      }),
      ['campaign_analytics'],
    );
    p.expectCleanRead(r, ['campaign_analytics']);
    const reqs = p.requestsTo(/\/campaigns\/analytics$/);
    expect(reqs).toHaveLength(1);
    expect(reqs[0].query).toMatchObject({
      start_date: EARLIEST,
      end_date: TODAY,
      click_window_days: '7',
      view_window_days: '0',
      engagement_window_days: '60',
      conversion_report_time: 'TIME_OF_CONVERSION',
      granularity: 'DAY',
    });
    const columns = reqs[0].query.columns.split(',');
    expect(columns).toEqual([...DEFAULT_COLUMNS]);
    expect(columns).toEqual(
      expect.arrayContaining(['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH']),
    );
    const expected = expectedRecords('campaign_analytics', EUR, EARLIEST, TODAY, columns);
    expect(expected.some((x) => x.date < '2026-05-01')).toBe(true); // the 90 days, not just the last 60
    expectSameRecords(r.records('campaign_analytics'), expected);
  });

  // Days older than today − 89 come from asynchronous reports (unit_tests/reports.test.ts and the acceptance
  // suite's history tests); here the synchronous part: from today − 89, cut into windows, up to end_date.
  test('from today − 89 the synchronous endpoints serve the range; end_date ends it', async () => {
    const r = await p.read(config({ start_date: EARLIEST, end_date: '2026-05-15', ad_account_ids: [EUR] }), [
      'campaign_analytics',
    ]);
    p.expectCleanRead(r, ['campaign_analytics']);
    expect(windowsOf(p.requestsTo(/\/campaigns\/analytics$/))).toEqual([
      '2026-04-02..2026-05-01',
      '2026-05-02..2026-05-15',
    ]);
    expect(p.requestsTo(/\/reports$/)).toEqual([]);
    expect(r.logs('WARN').filter((w) => w.includes('campaign_analytics'))).toHaveLength(0);
    expectSameRecords(
      r.records('campaign_analytics'),
      expectedRecords('campaign_analytics', EUR, EARLIEST, '2026-05-15'),
    );
  });
});

describe('ad_group_analytics', () => {
  test('exact requests and records for a small range: lower-case keys, ad_account_id and currency of each account', async () => {
    const r = await p.read(config({ start_date: '2026-06-29' }), ['ad_group_analytics']);
    p.expectCleanRead(r, ['ad_group_analytics']);
    const window = [['2026-06-29', TODAY]] as const;
    expect(analyticsLines('ad_groups')).toEqual(
      [
        ...analyticsRequestsOf('ad_group_analytics', USD, window),
        ...analyticsRequestsOf('ad_group_analytics', EUR, window),
      ].sort(),
    );
    const expected = [
      ...expectedRecords('ad_group_analytics', USD, '2026-06-29', TODAY),
      ...expectedRecords('ad_group_analytics', EUR, '2026-06-29', TODAY),
    ];
    expectSameRecords(r.records('ad_group_analytics'), expected);
    expect(new Set(expected.map((x) => x.currency))).toEqual(new Set([p.currency(USD), p.currency(EUR)]));
    expect(
      r
        .records('ad_group_analytics')
        .every((x) => !('spend_in_micro_dollar' in x) || typeof x.spend_in_micro_dollar === 'number'),
    ).toBe(true);
  });

  test('backfill windows and per-window states; incremental with a new account', async () => {
    let r = await p.read(config(), [{ name: 'ad_group_analytics', sync_mode: 'incremental' }]);
    p.expectCleanRead(r, ['ad_group_analytics']);
    expect(windowsOf(p.requestsTo(/\/ad_groups\/analytics$/))).toEqual(BACKFILL);
    expect(p.requestsTo(/\/ad_groups\/analytics$/)).toHaveLength(3 * (2 + 1));
    expect(r.states('ad_group_analytics')).toHaveLength(7);
    expectSameRecords(r.records('ad_group_analytics'), [
      ...expectedRecords('ad_group_analytics', USD, '2026-05-01', TODAY),
      ...expectedRecords('ad_group_analytics', EUR, '2026-05-01', TODAY),
    ]);
    p.sim.resetLog();
    r = await p.read(
      config({ lookback_days: 2 }),
      [{ name: 'ad_group_analytics', sync_mode: 'incremental' }],
      streamStateInput({ ad_group_analytics: { date: '2026-06-25', partitions: { [EUR]: { date: '2026-06-25' } } } }),
    );
    p.expectCleanRead(r, ['ad_group_analytics']);
    expect(windowsOf(p.requestsTo(`/ad_accounts/${EUR}/ad_groups/analytics`))).toEqual(['2026-06-23..2026-06-30']);
    expect(windowsOf(p.requestsTo(`/ad_accounts/${USD}/ad_groups/analytics`))).toEqual(BACKFILL);
  });
});

describe('ad_analytics and ad_analytics_daily', () => {
  test('ad_analytics ends today, ad_analytics_daily yesterday; the ads list is fetched once for both', async () => {
    const r = await p.read(config({ start_date: '2026-06-25' }), [
      { name: 'ad_analytics', sync_mode: 'incremental' },
      { name: 'ad_analytics_daily', sync_mode: 'incremental' },
    ]);
    p.expectCleanRead(r, ['ad_analytics', 'ad_analytics_daily']);
    // Each stream asks on its own (they count separately), with its own last day.
    expect(analyticsLines('ads')).toEqual(
      [
        ...analyticsRequestsOf('ad_analytics', USD, [['2026-06-25', TODAY]]),
        ...analyticsRequestsOf('ad_analytics', EUR, [['2026-06-25', TODAY]]),
        ...analyticsRequestsOf('ad_analytics_daily', USD, [['2026-06-25', '2026-06-29']]),
        ...analyticsRequestsOf('ad_analytics_daily', EUR, [['2026-06-25', '2026-06-29']]),
      ].sort(),
    );
    expect(p.requestsTo(`/ad_accounts/${USD}/ads`)).toHaveLength(2); // two pages, once
    expect(p.requestsTo(`/ad_accounts/${EUR}/ads`)).toHaveLength(1);
    expectSameRecords(r.records('ad_analytics'), [
      ...expectedRecords('ad_analytics', USD, '2026-06-25', TODAY),
      ...expectedRecords('ad_analytics', EUR, '2026-06-25', TODAY),
    ]);
    const daily = [
      ...expectedRecords('ad_analytics_daily', USD, '2026-06-25', TODAY),
      ...expectedRecords('ad_analytics_daily', EUR, '2026-06-25', TODAY),
    ];
    expect(daily.every((x) => x.date <= '2026-06-29')).toBe(true);
    expectSameRecords(r.records('ad_analytics_daily'), daily);
    const last = (s: string) => r.states(s)[r.states(s).length - 1].stream.stream_state;
    expect(last('ad_analytics')).toEqual({
      date: expectedCursor(),
      partitions: { [USD]: { date: expectedCursor() }, [EUR]: { date: expectedCursor() } },
    });
    expect(last('ad_analytics_daily')).toEqual({
      date: expectedCursor('2026-06-29'),
      partitions: { [USD]: { date: expectedCursor('2026-06-29') }, [EUR]: { date: expectedCursor('2026-06-29') } },
    });
  });

  test('backfill windows of both; ad_analytics_daily re-reads its cursor day (yesterday) only', async () => {
    let r = await p.read(config(), [
      { name: 'ad_analytics_daily', sync_mode: 'incremental' },
      { name: 'ad_analytics', sync_mode: 'incremental' },
    ]);
    p.expectCleanRead(r, ['ad_analytics', 'ad_analytics_daily']);
    // Same endpoint for both: per window, the requests of 3 id batches (2 + 1 per account) × the streams that read it.
    // ad_analytics_daily has two windows, the second ending yesterday; ad_analytics three.
    const perWindow: Record<string, number> = {};
    for (const q of p.requestsTo(/\/ads\/analytics$/))
      perWindow[`${q.query.start_date}..${q.query.end_date}`] =
        (perWindow[`${q.query.start_date}..${q.query.end_date}`] ?? 0) + 1;
    expect(perWindow).toEqual({
      '2026-05-01..2026-05-30': 6,
      '2026-05-31..2026-06-29': 6,
      '2026-06-30..2026-06-30': 3,
    });
    expect(r.records('ad_analytics_daily').some((x) => x.date === TODAY)).toBe(false);
    const today = [USD, EUR].flatMap((a) => expectedRecords('ad_analytics', a, TODAY, TODAY));
    expect(today.length).toBeGreaterThan(0);
    expectSameRecords(
      r.records('ad_analytics').filter((x) => x.date === TODAY),
      today,
    );
    expect(r.states('ad_analytics_daily')).toHaveLength(2 * 2 + 1);
    p.sim.resetLog();
    r = await p.read(
      config(),
      [{ name: 'ad_analytics_daily', sync_mode: 'incremental' }],
      streamStateInput({
        ad_analytics_daily: {
          date: '2026-06-29',
          partitions: { [USD]: { date: '2026-06-29' }, [EUR]: { date: '2026-06-29' } },
        },
      }),
    );
    p.expectCleanRead(r, ['ad_analytics_daily']);
    expect(windowsOf(p.requestsTo(/\/ads\/analytics$/))).toEqual(['2026-06-29..2026-06-29']);
    expectSameRecords(
      r.records('ad_analytics_daily'),
      [USD, EUR].flatMap((a) => expectedRecords('ad_analytics_daily', a, '2026-06-29', '2026-06-29')),
    );
    p.sim.resetLog();
    r = await p.read(
      config({ lookback_days: 3 }),
      [{ name: 'ad_analytics_daily', sync_mode: 'incremental' }],
      streamStateInput({ ad_analytics_daily: { date: '2026-06-29' } }),
    );
    p.expectCleanRead(r, ['ad_analytics_daily']);
    expect(windowsOf(p.requestsTo(/\/ads\/analytics$/))).toEqual(['2026-06-26..2026-06-29']);
    expectSameRecords(
      r.records('ad_analytics_daily'),
      [USD, EUR].flatMap((a) => expectedRecords('ad_analytics_daily', a, '2026-06-26', '2026-06-29')),
    );
  });

  test('ad_analytics incremental with lookback; a future state reads nothing', async () => {
    let r = await p.read(
      config({ lookback_days: 10 }),
      [{ name: 'ad_analytics', sync_mode: 'incremental' }],
      streamStateInput({ ad_analytics: { date: '2026-06-28' } }),
    );
    p.expectCleanRead(r, ['ad_analytics']);
    expect(windowsOf(p.requestsTo(/\/ads\/analytics$/))).toEqual(['2026-06-18..2026-06-30']);
    expectSameRecords(
      r.records('ad_analytics'),
      [USD, EUR].flatMap((a) => expectedRecords('ad_analytics', a, '2026-06-18', TODAY)),
    );
    p.sim.resetLog();
    r = await p.read(
      config(),
      [
        { name: 'ad_analytics', sync_mode: 'incremental' },
        { name: 'ad_analytics_daily', sync_mode: 'incremental' },
      ],
      streamStateInput({ ad_analytics: { date: '3021-01-01' }, ad_analytics_daily: { date: '3021-01-01' } }),
    );
    p.expectCleanRead(r, ['ad_analytics', 'ad_analytics_daily']);
    expect(r.records()).toEqual([]);
    expect(p.requestsTo(/\/analytics$/)).toEqual([]);
    expect(r.states('ad_analytics').length).toBeGreaterThanOrEqual(1);
    expect(r.states('ad_analytics_daily').length).toBeGreaterThanOrEqual(1);
  });
});

test.each(Object.keys(STREAM))(
  '%s: a future state {date: 3021-01-01} yields 0 records, no analytics request, and at least one state',
  async (stream) => {
    const r = await p.read(
      config(),
      [{ name: stream, sync_mode: 'incremental' }],
      streamStateInput({ [stream]: { date: '3021-01-01' } }),
    );
    p.expectCleanRead(r, [stream]);
    expect(r.records(stream)).toEqual([]);
    expect(p.requestsTo(/analytics$/)).toEqual([]);
    expect(r.states(stream).length).toBeGreaterThanOrEqual(1);
    expect(
      r.states(stream).every((s) => s.stream.stream_state.date === '3021-01-01' && s.sourceStats.recordCount === 0),
    ).toBe(true);
  },
);

describe('shared entity lists', () => {
  test('campaigns, campaign_analytics and campaign_targeting_analytics read together list the campaigns once', async () => {
    const r = await p.read(config({ start_date: TODAY }), [
      'campaigns',
      'campaign_analytics',
      'campaign_targeting_analytics',
    ]);
    p.expectCleanRead(r, ['campaigns', 'campaign_analytics', 'campaign_targeting_analytics']);
    expect(p.requestsTo(`/ad_accounts/${USD}/campaigns`)).toHaveLength(2);
    expect(p.requestsTo(`/ad_accounts/${EUR}/campaigns`)).toHaveLength(1);
    expect(p.requestsTo('/ad_accounts')).toHaveLength(1);
  });

  test('without the entity stream, analytics streams still share one fetch of each list', async () => {
    const streams = [
      'campaign_analytics',
      'campaign_targeting_analytics',
      'ad_group_analytics',
      'ad_group_targeting_analytics',
      'ad_analytics',
      'ad_targeting_analytics',
      'ad_analytics_daily',
    ];
    const r = await p.read(config({ start_date: TODAY }), streams);
    p.expectCleanRead(r, streams);
    expect(p.requestsTo(/^\/ad_accounts\/\d+\/campaigns$/)).toHaveLength(3);
    expect(p.requestsTo(/^\/ad_accounts\/\d+\/ad_groups$/)).toHaveLength(3);
    expect(p.requestsTo(/^\/ad_accounts\/\d+\/ads$/)).toHaveLength(3);
    expect(r.records('campaigns')).toEqual([]); // ids only, nothing emitted for unselected streams
  });
});

describe('a failing ad account', () => {
  describe("403 on one account's analytics", () => {
    const refused = useSimulatedPinterest({
      refusals: [{ path: `/ad_accounts/${EUR}/ad_groups/analytics`, status: 403 }],
    });

    test('that stream INCOMPLETE with a config_error naming it, the others COMPLETE, exit 1', async () => {
      const r = await refused.read(refused.config({ columns: COLS }), [
        { name: 'ad_group_analytics', sync_mode: 'incremental' },
        'ad_analytics',
        'boards',
      ]);
      expect(r.exitCode).toBe(1);
      expect(r.statuses('ad_group_analytics')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
      expect(r.statuses('ad_analytics')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(r.statuses('boards')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      const traces = r.traces();
      expect(traces).toHaveLength(1);
      expect(traces[0]).toMatchObject({
        failure_type: 'config_error',
        stream_descriptor: { name: 'ad_group_analytics' },
      });
      expect(traces[0].message).toMatch(/403/);
      // The healthy account's work is kept: its records, and states up to its last window.
      expectSameRecords(
        r.records('ad_group_analytics'),
        expectedRecords('ad_group_analytics', USD, '2026-05-01', TODAY),
      );
      const states = r.states('ad_group_analytics');
      expect(states.length).toBeGreaterThanOrEqual(3);
      // the refused account never got an entry: no top date claims it was read
      expect(states[states.length - 1].stream.stream_state).toEqual({
        partitions: { [USD]: { date: expectedCursor() } },
      });
      expect(stateCountProblems(r, 'ad_group_analytics').problems).toEqual([]);
      expectSameRecords(r.records('ad_analytics'), [
        ...expectedRecords('ad_analytics', USD, '2026-05-01', TODAY),
        ...expectedRecords('ad_analytics', EUR, '2026-05-01', TODAY),
      ]);
      expect(refused.openApiProblems()).toEqual([]);
    });
  });

  describe("403 on one account's id list", () => {
    const refused = useSimulatedPinterest({ refusals: [{ path: `/ad_accounts/${EUR}/ad_groups`, status: 403 }] });

    test("the other account's analytics are still read and checkpointed, then the stream fails", async () => {
      const r = await refused.read(refused.config({ columns: COLS }), [
        { name: 'ad_group_analytics', sync_mode: 'incremental' },
        'ad_analytics',
      ]);
      expect(r.exitCode).toBe(1);
      expect(r.statuses('ad_group_analytics')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
      expect(r.statuses('ad_analytics')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(r.traces()).toEqual([
        expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'ad_group_analytics' } }),
      ]);
      expect(refused.requestsTo(`/ad_accounts/${EUR}/ad_groups/analytics`)).toEqual([]);
      expectSameRecords(
        r.records('ad_group_analytics'),
        expectedRecords('ad_group_analytics', USD, '2026-05-01', TODAY),
      );
      expect(r.states('ad_group_analytics').map((s) => s.stream.stream_state)).toEqual([
        { partitions: { [USD]: { date: '2026-05-30' } } },
        { partitions: { [USD]: { date: expectedCursor('2026-06-29') } } },
        { partitions: { [USD]: { date: expectedCursor() } } },
      ]);
      expect(stateCountProblems(r, 'ad_group_analytics').problems).toEqual([]);
    });
  });

  test('a transient 503 is retried and the read completes', async () => {
    p.sim.failNext('http503', { count: 2, pathIncludes: '/ad_groups/analytics' });
    const r = await p.read(config({ start_date: TODAY }), ['ad_group_analytics']);
    p.expectCleanRead(r, ['ad_group_analytics']);
    expectSameRecords(
      r.records('ad_group_analytics'),
      [USD, EUR].flatMap((a) => expectedRecords('ad_group_analytics', a, TODAY, TODAY)),
    );
    expect(p.requestsTo(/\/ad_groups\/analytics$/).map((q) => q.query.ad_group_ids).length).toBe(3 + 2);
    expect(p.sim.requestLog.filter((e) => e.path.endsWith('/ad_groups/analytics') && e.status === 503)).toHaveLength(2);
  });
});
