/**
 * Targeting analytics: campaign_targeting_analytics, ad_group_targeting_analytics, ad_targeting_analytics.
 * As the ads analytics (ad account × ≤250 ids × window), times groups of ≤14 targeting types; rows
 * carry targeting_type and targeting_value (always a string), ad_account_id and currency.
 */
import enums from '../../src/schemas/pinterest-enums.json';
import {
  AD_EUR, AD_USD, BASE_CONFIG, CURRENCY, TARGETING_VALUES, TODAY, daysIn, describeRequest, expectCleanRead, expectSameRecords,
  read, streamStateInput, targetingMetrics, useFakePinterest, windowsOf, type RecordedRequest,
} from '../helpers/fake-pinterest';

const fake = useFakePinterest();

type Entity = 'campaigns' | 'ad_groups' | 'ads';
type Json = Record<string, any>;

const COLS = ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'];
const CONFIG = { ...BASE_CONFIG, columns: COLS };
const LEVEL: Record<string, { entity: Entity; param: string; types: string[] }> = {
  campaign_targeting_analytics: { entity: 'campaigns', param: 'campaign_ids', types: enums.targeting_types.campaign },
  ad_group_targeting_analytics: { entity: 'ad_groups', param: 'ad_group_ids', types: enums.targeting_types.ad_group },
  ad_targeting_analytics: { entity: 'ads', param: 'ad_ids', types: enums.targeting_types.ad },
};
const BACKFILL_WINDOWS = ['2026-05-01..2026-05-30', '2026-05-31..2026-06-29', '2026-06-30..2026-06-30'];
const COMMON = { click_window_days: '30', columns: COLS.join(','), conversion_report_time: 'TIME_OF_AD_ACTION', engagement_window_days: '30', granularity: 'DAY', view_window_days: '1' };

const entityList = (entity: Entity, account: string): Json[] =>
  (entity === 'campaigns' ? fake.data.campaigns : entity === 'ad_groups' ? fake.data.adGroups : fake.data.ads)[account];
const idsOf = (entity: Entity, account: string) => entityList(entity, account).map((e) => e.id as string);
const lower = (row: Json): Json => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));

function expectedRecords(stream: string, account: string, start: string, end: string): Json[] {
  const { entity, types } = LEVEL[stream];
  return idsOf(entity, account).flatMap((id) => daysIn(start, end).flatMap((d) => types.flatMap((t) => (TARGETING_VALUES[t] ?? []).map((value) => ({
    ad_account_id: account,
    currency: CURRENCY[account],
    ...lower(targetingMetrics(entity, id, t, value, d, COLS)),
    [`${entity.replace(/s$/, '')}_id`]: id, // ids are strings in records, whatever JSON type the API used
    targeting_type: t,
    targeting_value: String(value),
  })))));
}

function targetingRequest(stream: string, account: string, ids: string[], types: string[], start: string, end: string): string {
  const { entity, param } = LEVEL[stream];
  const r: RecordedRequest = {
    method: 'GET', path: `/ad_accounts/${account}/${entity}/targeting_analytics`, url: '',
    query: { ...COMMON, [param]: ids.join(','), targeting_types: types.join(','), start_date: start, end_date: end },
  };
  return describeRequest(r);
}

const requestsOf = (entity: Entity, account = '\\d+') => fake.requestsTo(new RegExp(`^/ad_accounts/${account}/${entity}/targeting_analytics$`));
const described = (reqs: RecordedRequest[]) => reqs.map((r) => describeRequest(r)).sort();

describe('campaign_targeting_analytics', () => {
  const stream = 'campaign_targeting_analytics';
  const types = enums.targeting_types.campaign;

  test('15 campaign targeting types go out as 14 + 1; 260 ids as 250 + 10', async () => {
    expect(types).toHaveLength(15);
    const r = await read({ ...CONFIG, start_date: TODAY }, [stream]);
    expectCleanRead(r, fake, [stream]);
    const usd = idsOf('campaigns', AD_USD);
    const eur = idsOf('campaigns', AD_EUR);
    expect(described(requestsOf('campaigns'))).toEqual([
      targetingRequest(stream, AD_USD, usd.slice(0, 250), types.slice(0, 14), TODAY, TODAY),
      targetingRequest(stream, AD_USD, usd.slice(0, 250), types.slice(14), TODAY, TODAY),
      targetingRequest(stream, AD_USD, usd.slice(250), types.slice(0, 14), TODAY, TODAY),
      targetingRequest(stream, AD_USD, usd.slice(250), types.slice(14), TODAY, TODAY),
      targetingRequest(stream, AD_EUR, eur, types.slice(0, 14), TODAY, TODAY),
      targetingRequest(stream, AD_EUR, eur, types.slice(14), TODAY, TODAY),
    ].sort());
    expectSameRecords(r.records(stream), [...expectedRecords(stream, AD_USD, TODAY, TODAY), ...expectedRecords(stream, AD_EUR, TODAY, TODAY)]);
    // AUDIENCE_MULTIPLIER, the 15th type, comes only from the second group.
    expect(r.records(stream).filter((x) => x.targeting_type === 'AUDIENCE_MULTIPLIER')).toHaveLength(262);
  });

  test('backfill: exact windows, one state per window, exact records with string targeting values', async () => {
    const r = await read({ ...CONFIG, ad_account_ids: [AD_EUR] }, [{ name: stream, sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, [stream]);
    expect(windowsOf(requestsOf('campaigns'))).toEqual(BACKFILL_WINDOWS);
    expect(requestsOf('campaigns')).toHaveLength(3 * 2);
    const expected = expectedRecords(stream, AD_EUR, '2026-05-01', TODAY);
    expect(expected).toHaveLength(2 * 61 * 4);
    expectSameRecords(r.records(stream), expected);
    const location = r.records(stream).filter((x) => x.targeting_type === 'LOCATION');
    expect(location.length).toBeGreaterThan(0);
    expect(location.every((x) => x.targeting_value === '500')).toBe(true);
    const first = r.records(stream).find((x) => x.campaign_id === '32000001' && x.date === '2026-05-01' && x.targeting_type === 'APPTYPE' && x.targeting_value === 'iphone');
    expect(first).toEqual({
      ad_account_id: AD_EUR, currency: 'EUR', campaign_id: '32000001', date: '2026-05-01', targeting_type: 'APPTYPE', targeting_value: 'iphone',
      ...lower(targetingMetrics('campaigns', '32000001', 'APPTYPE', 'iphone', '2026-05-01', COLS)),
    });
    expect(r.states(stream).map((s) => s.stream.stream_state)).toEqual([
      { date: '2026-05-30', partitions: { [AD_EUR]: { date: '2026-05-30' } } },
      { date: '2026-06-29', partitions: { [AD_EUR]: { date: '2026-06-29' } } },
      { date: TODAY, partitions: { [AD_EUR]: { date: TODAY } } },
      { date: TODAY, partitions: { [AD_EUR]: { date: TODAY } } },
    ]);
    expect(r.states(stream).map((s) => s.sourceStats.recordCount)).toEqual([2 * 30 * 4, 2 * 30 * 4, 2 * 4, 0]);
  });

  test('incremental from a top-date-only state with lookback; a future state reads nothing', async () => {
    let r = await read({ ...CONFIG, ad_account_ids: [AD_EUR], lookback_days: 7 }, [{ name: stream, sync_mode: 'incremental' }], streamStateInput({ [stream]: { date: '2026-06-27' } }));
    expectCleanRead(r, fake, [stream]);
    expect(windowsOf(requestsOf('campaigns'))).toEqual(['2026-06-20..2026-06-30']);
    expectSameRecords(r.records(stream), expectedRecords(stream, AD_EUR, '2026-06-20', TODAY));
    fake.reset();
    r = await read(CONFIG, [{ name: stream, sync_mode: 'incremental' }], streamStateInput({ [stream]: { date: '3021-01-01' } }));
    expectCleanRead(r, fake, [stream]);
    expect(r.records(stream)).toEqual([]);
    expect(requestsOf('campaigns')).toEqual([]);
    expect(r.states(stream).length).toBeGreaterThanOrEqual(1);
    expect(r.states(stream).every((s) => s.stream.stream_state.date === '3021-01-01')).toBe(true);
  });
});

describe.each(['ad_group_targeting_analytics', 'ad_targeting_analytics'])('%s', (stream) => {
  const { entity, types } = LEVEL[stream];

  test('its 14 types in one request per id batch and window; backfill windows and records', async () => {
    expect(types).toHaveLength(14);
    const r = await read(CONFIG, [{ name: stream, sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, [stream]);
    const windows = BACKFILL_WINDOWS.map((w) => w.split('..'));
    expect(described(requestsOf(entity))).toEqual(windows.flatMap(([s, e]) => [
      targetingRequest(stream, AD_USD, idsOf(entity, AD_USD), types, s, e),
      targetingRequest(stream, AD_EUR, idsOf(entity, AD_EUR), types, s, e),
    ]).sort());
    expectSameRecords(r.records(stream), [...expectedRecords(stream, AD_USD, '2026-05-01', TODAY), ...expectedRecords(stream, AD_EUR, '2026-05-01', TODAY)]);
    // The type only this level has (CREATIVE_ENHANCEMENTS for ad groups, QUIZ_RESULT for ads) is asked for and kept.
    const own = entity === 'ad_groups' ? 'CREATIVE_ENHANCEMENTS' : 'QUIZ_RESULT';
    expect(r.records(stream).some((x) => x.targeting_type === own)).toBe(true);
    expect(r.states(stream)).toHaveLength(3 * 2 + 1);
    expect(r.states(stream)[r.states(stream).length - 1].stream.stream_state).toEqual({ date: TODAY, partitions: { [AD_USD]: { date: TODAY }, [AD_EUR]: { date: TODAY } } });
  });

  test('incremental: per-partition state with lookback; the missing account backfilled from start_date', async () => {
    const state = streamStateInput({ [stream]: { date: '2026-06-25', partitions: { [AD_USD]: { date: '2026-06-25' } } } });
    const r = await read({ ...CONFIG, lookback_days: 4 }, [{ name: stream, sync_mode: 'incremental' }], state);
    expectCleanRead(r, fake, [stream]);
    expect(windowsOf(requestsOf(entity, AD_USD))).toEqual(['2026-06-21..2026-06-30']);
    expect(windowsOf(requestsOf(entity, AD_EUR))).toEqual(BACKFILL_WINDOWS);
    expectSameRecords(r.records(stream), [...expectedRecords(stream, AD_USD, '2026-06-21', TODAY), ...expectedRecords(stream, AD_EUR, '2026-05-01', TODAY)]);
  });

  test('a future state yields no records and at least one state', async () => {
    const r = await read(CONFIG, [{ name: stream, sync_mode: 'incremental' }], streamStateInput({ [stream]: { date: '3021-01-01' } }));
    expectCleanRead(r, fake, [stream]);
    expect(r.records(stream)).toEqual([]);
    expect(requestsOf(entity)).toEqual([]);
    expect(r.states(stream).length).toBeGreaterThanOrEqual(1);
  });
});

test('a 403 on one targeting stream fails that stream only', async () => {
  fake.failOn({ path: /\/ads\/targeting_analytics$/, status: 403, body: { code: 29, message: 'Not permitted.' } });
  const r = await read({ ...CONFIG, start_date: TODAY }, ['ad_targeting_analytics', 'ad_group_targeting_analytics']);
  expect(r.statuses('ad_targeting_analytics')).toEqual(['STARTED', 'INCOMPLETE']);
  expect(r.statuses('ad_group_targeting_analytics')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  expect(r.traces()).toEqual([expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'ad_targeting_analytics' } })]);
  expect(r.exitCode).toBe(1);
});
