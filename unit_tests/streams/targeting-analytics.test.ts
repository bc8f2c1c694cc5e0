/**
 * Targeting analytics: campaign_targeting_analytics, ad_group_targeting_analytics, ad_targeting_analytics —
 * read in-process against the simulator. As the ads analytics (ad account × ≤250 ids × window), times groups
 * of ≤14 targeting types; rows carry targeting_type and targeting_value (always a string, though Pinterest
 * sends LOCATION values as numbers), the entity id as a string (Pinterest sends a number), ad_account_id and currency.
 */
import enums from '../../src/schemas/pinterest-enums.json';
import { expectedCursor, TODAY, type Json } from '../../test_kit/constants';
import { expectSameRecords, streamStateInput, windowsOf } from '../../test_kit/read-checks';
import {
  accountsOf,
  between,
  ofAccount,
  requestLine,
  useSimulatedPinterest,
  type Entity,
} from '../../test_kit/simulated-read';

const p = useSimulatedPinterest();
const [USD, EUR] = accountsOf();

const COLS = ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'];
const config = (extra: Json = {}) => p.config({ columns: COLS, ...extra });
const LEVEL: Record<string, { entity: Entity; param: string; idKey: string; types: string[] }> = {
  campaign_targeting_analytics: {
    entity: 'campaigns',
    param: 'campaign_ids',
    idKey: 'campaign_id',
    types: enums.targeting_types.campaign,
  },
  ad_group_targeting_analytics: {
    entity: 'ad_groups',
    param: 'ad_group_ids',
    idKey: 'ad_group_id',
    types: enums.targeting_types.ad_group,
  },
  ad_targeting_analytics: { entity: 'ads', param: 'ad_ids', idKey: 'ad_id', types: enums.targeting_types.ad },
};
const BACKFILL_WINDOWS = [
  ['2026-05-01', '2026-05-30'],
  ['2026-05-31', '2026-06-29'],
  ['2026-06-30', '2026-06-30'],
] as const;
const BACKFILL = BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`);
const COMMON = {
  click_window_days: '30',
  columns: COLS.join(','),
  conversion_report_time: 'TIME_OF_AD_ACTION',
  engagement_window_days: '30',
  granularity: 'DAY',
  view_window_days: '1',
};

const chunks = <T>(list: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

/** The ground-truth records of `stream` for `account` over start…end. */
function expectedRecords(stream: string, account: string, start: string, end: string): Json[] {
  const truth = p.truth({ columns: COLS, startDate: start, endDate: end, adAccountIds: [account] });
  return ofAccount((truth.records as Record<string, Json[]>)[stream], account);
}

/** Every request of `stream` for `account`: per window, per batch of ≤250 ids, per group of ≤14 types. */
function targetingRequests(
  stream: string,
  account: string,
  windows: ReadonlyArray<readonly [string, string]>,
): string[] {
  const { entity, param, types } = LEVEL[stream];
  return windows.flatMap(([start, end]) =>
    chunks(p.ids(entity, account), 250).flatMap((ids) =>
      chunks(types, 14).map((group) =>
        requestLine('GET', `/ad_accounts/${account}/${entity}/targeting_analytics`, {
          ...COMMON,
          [param]: ids.join(','),
          targeting_types: group.join(','),
          start_date: start,
          end_date: end,
        }),
      ),
    ),
  );
}

const requestsOf = (entity: Entity, account = '\\d+') =>
  p.requestsTo(new RegExp(`^/ad_accounts/${account}/${entity}/targeting_analytics$`));

describe('campaign_targeting_analytics', () => {
  const stream = 'campaign_targeting_analytics';
  const types = enums.targeting_types.campaign;

  test('15 campaign targeting types go out as 14 + 1; > 250 ids as 250 + n; values and ids as strings', async () => {
    expect(types).toHaveLength(15);
    const r = await p.read(config({ start_date: '2026-06-25' }), [stream]);
    p.expectCleanRead(r, [stream]);
    const window = [['2026-06-25', TODAY]] as const;
    expect(p.lines(requestsOf('campaigns'))).toEqual(
      [...targetingRequests(stream, USD, window), ...targetingRequests(stream, EUR, window)].sort(),
    );
    expect(requestsOf('campaigns', USD)).toHaveLength(2 * 2);
    const expected = [
      ...expectedRecords(stream, USD, '2026-06-25', TODAY),
      ...expectedRecords(stream, EUR, '2026-06-25', TODAY),
    ];
    expectSameRecords(r.records(stream), expected);
    // AUDIENCE_MULTIPLIER, the 15th type, comes only from the second group.
    expect(types[14]).toBe('AUDIENCE_MULTIPLIER');
    expect(r.records(stream).filter((x) => x.targeting_type === 'AUDIENCE_MULTIPLIER').length).toBeGreaterThan(0);
    // LOCATION and AUDIENCE_INCLUDE values come as JSON numbers and are kept as strings; ids come as numbers too.
    const numeric = r.records(stream).filter((x) => ['LOCATION', 'AUDIENCE_INCLUDE'].includes(x.targeting_type));
    expect(numeric.length).toBeGreaterThan(0);
    expect(numeric.every((x) => typeof x.targeting_value === 'string' && /^\d+$/.test(x.targeting_value))).toBe(true);
    expect(
      r.records(stream).every((x) => typeof x.targeting_value === 'string' && typeof x.campaign_id === 'string'),
    ).toBe(true);
  });

  test('backfill: exact windows, one state per window counting its records, exact records', async () => {
    const r = await p.read(config({ ad_account_ids: [EUR] }), [{ name: stream, sync_mode: 'incremental' }]);
    p.expectCleanRead(r, [stream]);
    expect(windowsOf(requestsOf('campaigns'))).toEqual(BACKFILL);
    expect(p.lines(requestsOf('campaigns'))).toEqual(targetingRequests(stream, EUR, BACKFILL_WINDOWS).sort());
    expect(requestsOf('campaigns')).toHaveLength(3 * 2);
    const expected = expectedRecords(stream, EUR, '2026-05-01', TODAY);
    expect(expected.length).toBeGreaterThan(0);
    expectSameRecords(r.records(stream), expected);
    expect(r.states(stream).map((s) => s.stream.stream_state)).toEqual([
      { date: '2026-05-30', partitions: { [EUR]: { date: '2026-05-30' } } },
      { date: expectedCursor('2026-06-29'), partitions: { [EUR]: { date: expectedCursor('2026-06-29') } } },
      { date: expectedCursor(), partitions: { [EUR]: { date: expectedCursor() } } },
      { date: expectedCursor(), partitions: { [EUR]: { date: expectedCursor() } } },
    ]);
    expect(r.states(stream).map((s) => s.sourceStats.recordCount)).toEqual([
      ...BACKFILL_WINDOWS.map(([s, e]) => between(expected, s, e).length),
      0,
    ]);
  });

  test('incremental from a top-date-only state with lookback; a future state reads nothing', async () => {
    let r = await p.read(
      config({ ad_account_ids: [EUR], lookback_days: 7 }),
      [{ name: stream, sync_mode: 'incremental' }],
      streamStateInput({ [stream]: { date: '2026-06-27' } }),
    );
    p.expectCleanRead(r, [stream]);
    expect(windowsOf(requestsOf('campaigns'))).toEqual(['2026-06-20..2026-06-30']);
    expectSameRecords(r.records(stream), expectedRecords(stream, EUR, '2026-06-20', TODAY));
    p.sim.resetLog();
    r = await p.read(
      config(),
      [{ name: stream, sync_mode: 'incremental' }],
      streamStateInput({ [stream]: { date: '3021-01-01' } }),
    );
    p.expectCleanRead(r, [stream]);
    expect(r.records(stream)).toEqual([]);
    expect(requestsOf('campaigns')).toEqual([]);
    expect(r.states(stream).length).toBeGreaterThanOrEqual(1);
    expect(r.states(stream).every((s) => s.stream.stream_state.date === '3021-01-01')).toBe(true);
  });
});

describe.each(['ad_group_targeting_analytics', 'ad_targeting_analytics'])('%s', (stream) => {
  const { entity, types, idKey } = LEVEL[stream];

  test('its 14 types in one request per id batch and window; backfill windows and records', async () => {
    expect(types).toHaveLength(14);
    const r = await p.read(config(), [{ name: stream, sync_mode: 'incremental' }]);
    p.expectCleanRead(r, [stream]);
    expect(p.lines(requestsOf(entity))).toEqual(
      [...targetingRequests(stream, USD, BACKFILL_WINDOWS), ...targetingRequests(stream, EUR, BACKFILL_WINDOWS)].sort(),
    );
    expect(requestsOf(entity)).toHaveLength(3 * (2 + 1));
    expectSameRecords(r.records(stream), [
      ...expectedRecords(stream, USD, '2026-05-01', TODAY),
      ...expectedRecords(stream, EUR, '2026-05-01', TODAY),
    ]);
    expect(r.records(stream).every((x) => typeof x[idKey] === 'string')).toBe(true);
    // The type only this level has (CREATIVE_ENHANCEMENTS for ad groups, QUIZ_RESULT for ads) is asked for and kept.
    const own = entity === 'ad_groups' ? 'CREATIVE_ENHANCEMENTS' : 'QUIZ_RESULT';
    expect(types).toContain(own);
    expect(r.records(stream).some((x) => x.targeting_type === own)).toBe(true);
    expect(r.states(stream)).toHaveLength(3 * 2 + 1);
    expect(r.states(stream)[r.states(stream).length - 1].stream.stream_state).toEqual({
      date: expectedCursor(),
      partitions: { [USD]: { date: expectedCursor() }, [EUR]: { date: expectedCursor() } },
    });
  });

  test('incremental: per-partition state with lookback; the missing account backfilled from start_date', async () => {
    const state = streamStateInput({ [stream]: { date: '2026-06-25', partitions: { [USD]: { date: '2026-06-25' } } } });
    const r = await p.read(config({ lookback_days: 4 }), [{ name: stream, sync_mode: 'incremental' }], state);
    p.expectCleanRead(r, [stream]);
    expect(windowsOf(requestsOf(entity, USD))).toEqual(['2026-06-21..2026-06-30']);
    expect(windowsOf(requestsOf(entity, EUR))).toEqual(BACKFILL);
    expectSameRecords(r.records(stream), [
      ...expectedRecords(stream, USD, '2026-06-21', TODAY),
      ...expectedRecords(stream, EUR, '2026-05-01', TODAY),
    ]);
  });

  test('a future state yields no records and at least one state', async () => {
    const r = await p.read(
      config(),
      [{ name: stream, sync_mode: 'incremental' }],
      streamStateInput({ [stream]: { date: '3021-01-01' } }),
    );
    p.expectCleanRead(r, [stream]);
    expect(r.records(stream)).toEqual([]);
    expect(requestsOf(entity)).toEqual([]);
    expect(r.states(stream).length).toBeGreaterThanOrEqual(1);
  });
});

describe('a 403 on one targeting stream', () => {
  const refused = useSimulatedPinterest({ refusals: [{ path: /\/ads\/targeting_analytics$/, status: 403 }] });

  test('fails that stream only', async () => {
    const r = await refused.read(refused.config({ columns: COLS, start_date: TODAY }), [
      'ad_targeting_analytics',
      'ad_group_targeting_analytics',
    ]);
    expect(r.statuses('ad_targeting_analytics')).toEqual(['STARTED', 'INCOMPLETE']);
    expect(r.statuses('ad_group_targeting_analytics')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expectSameRecords(
      r.records('ad_group_targeting_analytics'),
      [USD, EUR].flatMap((a) => expectedRecords('ad_group_targeting_analytics', a, TODAY, TODAY)),
    );
    expect(r.traces()).toEqual([
      expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'ad_targeting_analytics' } }),
    ]);
    expect(r.exitCode).toBe(1);
  });
});
