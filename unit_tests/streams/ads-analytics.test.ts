/**
 * Ads analytics streams: campaign_analytics, ad_group_analytics, ad_analytics, ad_analytics_daily.
 * Per ad account × ≤250 ids × window; records lower-cased with ad_account_id and currency; per-partition
 * state `{date, partitions: {<id>: {date}}}` emitted after each finished window.
 */
import {
  AD_EUR, AD_USD, ALL_STATUSES, BASE_CONFIG, CURRENCY, EARLIEST, TODAY, adsAnalyticsRow, daysIn, describeRequest,
  expectCleanRead, expectSameRecords, read, recordKey, stateCountProblems, streamStateInput, useFakePinterest, windowsOf,
  type RecordedRequest,
} from '../helpers/fake-pinterest';
import type { RunResult } from '../helpers/harness';

const fake = useFakePinterest();

type Entity = 'campaigns' | 'ad_groups' | 'ads';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const COLS = ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_CONVERSIONS'];
const CONFIG = { ...BASE_CONFIG, columns: COLS };
const STREAM: Record<string, { entity: Entity; param: string; key: string }> = {
  campaign_analytics: { entity: 'campaigns', param: 'campaign_ids', key: 'campaign_id' },
  ad_group_analytics: { entity: 'ad_groups', param: 'ad_group_ids', key: 'ad_group_id' },
  ad_analytics: { entity: 'ads', param: 'ad_ids', key: 'ad_id' },
  ad_analytics_daily: { entity: 'ads', param: 'ad_ids', key: 'ad_id' },
};
const BACKFILL_WINDOWS = [['2026-05-01', '2026-05-30'], ['2026-05-31', '2026-06-29'], ['2026-06-30', '2026-06-30']] as const;

/** The record's id field; always the id as a string, whatever JSON type the API used. */
const KEY: Record<Entity, string> = { campaigns: 'campaign_id', ad_groups: 'ad_group_id', ads: 'ad_id' };

const entities = (entity: Entity, account: string, statuses = ALL_STATUSES): Json[] =>
  (entity === 'campaigns' ? fake.data.campaigns : entity === 'ad_groups' ? fake.data.adGroups : fake.data.ads)[account].filter((e) => statuses.includes(e.status));
const idsOf = (entity: Entity, account: string, statuses = ALL_STATUSES) => entities(entity, account, statuses).map((e) => e.id as string);

/** Upper-case API row → record, written out independently of the connector. */
const lower = (row: Json): Json => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));

/** The records a read of `entity` for `account` over start…end must emit. */
function expectedRecords(entity: Entity, account: string, start: string, end: string, columns = COLS, statuses = ALL_STATUSES): Json[] {
  return idsOf(entity, account, statuses).flatMap((id) =>
    daysIn(start, end).map((d) => ({ ad_account_id: account, currency: CURRENCY[account], ...lower(adsAnalyticsRow(entity, id, d, columns)), [KEY[entity]]: id })));
}

const COMMON = { click_window_days: '30', columns: COLS.join(','), conversion_report_time: 'TIME_OF_AD_ACTION', engagement_window_days: '30', granularity: 'DAY', view_window_days: '1' };

/** `path?query` of one analytics request, in describeRequest's form. */
function analyticsRequest(stream: string, account: string, ids: string[], start: string, end: string, common: Json = COMMON): string {
  const { entity, param } = STREAM[stream];
  const r: RecordedRequest = { method: 'GET', path: `/ad_accounts/${account}/${entity}/analytics`, url: '', query: { ...common, [param]: ids.join(','), start_date: start, end_date: end } };
  return describeRequest(r);
}

const analyticsRequests = (entity: Entity, account?: string) =>
  fake.requestsTo(new RegExp(`^/ad_accounts/${account ?? '\\d+'}/${entity}/analytics$`)).map((r) => describeRequest(r)).sort();

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
    if (m.type === 'RECORD' && m.record.stream === stream) seen.add(recordKey(m.record.data));
    if (m.type !== 'STATE' || m.state.stream.stream_descriptor.name !== stream) continue;
    k++;
    const st = m.state.stream.stream_state;
    for (const [account, records] of Object.entries(expected)) {
      const upTo = st.partitions ? st.partitions[account]?.date : st.date;
      if (!upTo) continue;
      const missing = records.filter((rec) => rec.date <= upTo && !seen.has(recordKey(rec)));
      if (missing.length) problems.push(`state #${k} ${JSON.stringify(st)}: ${missing.length} records of ${account} up to ${upTo} not emitted before it`);
    }
  }
  return problems;
}

describe('campaign_analytics', () => {
  test('backfill: 3 windows of ≤30 days × (250 + 10 ids | 2 ids), exact requests and records, a state after each window', async () => {
    const r = await read(CONFIG, [{ name: 'campaign_analytics', sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, ['campaign_analytics']);

    const usd = idsOf('campaigns', AD_USD);
    const eur = idsOf('campaigns', AD_EUR);
    expect(usd).toHaveLength(260);
    expect(analyticsRequests('campaigns')).toEqual(BACKFILL_WINDOWS.flatMap(([s, e]) => [
      analyticsRequest('campaign_analytics', AD_USD, usd.slice(0, 250), s, e),
      analyticsRequest('campaign_analytics', AD_USD, usd.slice(250), s, e),
      analyticsRequest('campaign_analytics', AD_EUR, eur, s, e),
    ]).sort());
    // Set-up and the id lists: one token, one ad-account list, the campaigns once per account (two pages for AD_USD).
    expect(fake.requestsTo('/oauth/token', 'POST')).toHaveLength(1);
    expect(fake.requestsTo('/ad_accounts')).toHaveLength(1);
    expect(fake.requestsTo(`/ad_accounts/${AD_USD}/campaigns`)).toHaveLength(2);
    expect(fake.requestsTo(`/ad_accounts/${AD_EUR}/campaigns`)).toHaveLength(1);
    expect(fake.requests).toHaveLength(1 + 1 + 3 + 9);

    const expected = {
      [AD_USD]: expectedRecords('campaigns', AD_USD, '2026-05-01', TODAY),
      [AD_EUR]: expectedRecords('campaigns', AD_EUR, '2026-05-01', TODAY),
    };
    const records = r.records('campaign_analytics');
    expect(records).toHaveLength(262 * 61);
    expectSameRecords(records, [...expected[AD_USD], ...expected[AD_EUR]]);
    // Columns the API leaves out of a row are left out of the record.
    expect(records.some((rec) => !('total_conversions' in rec))).toBe(true);
    expect(records.every((rec) => Object.keys(rec).every((k) => k === k.toLowerCase()))).toBe(true);

    // A state after each finished window of each account; partition dates step through the window ends.
    const states = r.states('campaign_analytics');
    expect(states).toHaveLength(3 * 2 + 1);
    for (const account of [AD_USD, AD_EUR]) {
      const dates = partitionDates(r, 'campaign_analytics', account);
      expect([...new Set(dates.filter(Boolean))]).toEqual(['2026-05-30', '2026-06-29', '2026-06-30']);
      expect(dates.filter(Boolean)).toEqual([...dates.filter(Boolean)].sort()); // never goes back
    }
    for (const s of states) {
      const parts = Object.values(s.stream.stream_state.partitions as Record<string, { date: string }>).map((p) => p.date);
      expect(s.stream.stream_state.date).toBe([...parts].sort()[0]); // the top date is the smallest partition date
    }
    expect(states[states.length - 1].stream.stream_state).toEqual({ date: TODAY, partitions: { [AD_USD]: { date: TODAY }, [AD_EUR]: { date: TODAY } } });
    expect(checkpointProblems(r, 'campaign_analytics', expected)).toEqual([]);
  });

  test('incremental from per-partition state: the listed account resumes at its date − lookback, a missing account is backfilled from start_date', async () => {
    const state = streamStateInput({ campaign_analytics: { date: '2026-06-20', partitions: { [AD_USD]: { date: '2026-06-20' } } } });
    const r = await read({ ...CONFIG, lookback_days: 5 }, [{ name: 'campaign_analytics', sync_mode: 'incremental' }], state);
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(new RegExp(`^/ad_accounts/${AD_USD}/campaigns/analytics$`)))).toEqual(['2026-06-15..2026-06-30']);
    expect(windowsOf(fake.requestsTo(new RegExp(`^/ad_accounts/${AD_EUR}/campaigns/analytics$`)))).toEqual(BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`));
    expect(fake.requestsTo(new RegExp(`^/ad_accounts/${AD_USD}/campaigns/analytics$`))).toHaveLength(2); // 250 + 10 ids
    expectSameRecords(r.records('campaign_analytics'), [
      ...expectedRecords('campaigns', AD_USD, '2026-06-15', TODAY),
      ...expectedRecords('campaigns', AD_EUR, '2026-05-01', TODAY),
    ]);
    // AD_USD keeps its cursor from the first state on; AD_EUR appears once its first window is done.
    const states = r.states('campaign_analytics');
    expect(states[0].stream.stream_state.partitions[AD_USD].date >= '2026-06-20').toBe(true);
    expect(states[states.length - 1].stream.stream_state).toEqual({ date: TODAY, partitions: { [AD_USD]: { date: TODAY }, [AD_EUR]: { date: TODAY } } });
  });

  test('incremental from a top-date-only state: every account continues from it, minus lookback', async () => {
    const state = streamStateInput({ campaign_analytics: { date: '2026-06-20' } });
    const r = await read({ ...CONFIG, lookback_days: 3 }, [{ name: 'campaign_analytics', sync_mode: 'incremental' }], state);
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(/\/campaigns\/analytics$/))).toEqual(['2026-06-17..2026-06-30']);
    expect(fake.requestsTo(/\/campaigns\/analytics$/)).toHaveLength(3);
    expect(r.records('campaign_analytics')).toHaveLength(262 * 14);
    const first = r.states('campaign_analytics')[0].stream.stream_state;
    // Partitions never go back behind the saved cursor while the lookback is re-read.
    expect(Object.values(first.partitions as Record<string, { date: string }>).every((p) => p.date >= '2026-06-20')).toBe(true);
  });

  test('the legacy {stream: state} object is accepted as input state', async () => {
    const r = await read({ ...CONFIG, lookback_days: 0 }, [{ name: 'campaign_analytics', sync_mode: 'incremental' }], { campaign_analytics: { date: '2026-06-28' } });
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(/\/campaigns\/analytics$/))).toEqual(['2026-06-28..2026-06-30']);
  });

  test('lookback never reaches behind today − 89 or start_date', async () => {
    const incremental = [{ name: 'campaign_analytics', sync_mode: 'incremental' as const }];
    let r = await read({ ...CONFIG, start_date: undefined, window_days: 30, lookback_days: 30, ad_account_ids: [AD_EUR] }, incremental, streamStateInput({ campaign_analytics: { date: '2026-04-10' } }));
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(/\/campaigns\/analytics$/))).toEqual(['2026-04-02..2026-05-01', '2026-05-02..2026-05-31', '2026-06-01..2026-06-30']);
    fake.reset();
    r = await read({ ...CONFIG, lookback_days: 20, ad_account_ids: [AD_EUR] }, incremental, streamStateInput({ campaign_analytics: { date: '2026-05-10' } }));
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(/\/campaigns\/analytics$/))).toEqual(BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`));
  });

  test('a future state yields no records, no analytics requests, and keeps its cursor', async () => {
    const r = await read(CONFIG, [{ name: 'campaign_analytics', sync_mode: 'incremental' }], streamStateInput({ campaign_analytics: { date: '3021-01-01' } }));
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(r.records('campaign_analytics')).toEqual([]);
    expect(fake.requestsTo(/\/analytics$/)).toEqual([]);
    const states = r.states('campaign_analytics');
    expect(states.length).toBeGreaterThanOrEqual(1);
    for (const s of states) {
      expect(s.stream.stream_state.date).toBe('3021-01-01');
      expect(s.sourceStats.recordCount).toBe(0);
    }
  });

  test('full_refresh ignores the saved state and reads the whole range', async () => {
    const r = await read({ ...CONFIG, ad_account_ids: [AD_EUR] }, [{ name: 'campaign_analytics', sync_mode: 'full_refresh' }], streamStateInput({ campaign_analytics: { date: '2026-06-28' } }));
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(/\/campaigns\/analytics$/))).toEqual(BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`));
  });

  test('entity_statuses restricts the analysed campaigns', async () => {
    const r = await read({ ...CONFIG, start_date: '2026-06-29', entity_statuses: ['PAUSED'] }, ['campaign_analytics']);
    expectCleanRead(r, fake, ['campaign_analytics']);
    const paused = idsOf('campaigns', AD_USD, ['PAUSED']);
    expect(paused).toHaveLength(26);
    expect(analyticsRequests('campaigns', AD_USD)).toEqual([analyticsRequest('campaign_analytics', AD_USD, paused, '2026-06-29', TODAY)]);
    // AD_EUR has no paused campaign: nothing to ask for.
    expect(analyticsRequests('campaigns', AD_EUR)).toEqual([]);
    expect(fake.requestsTo(`/ad_accounts/${AD_USD}/campaigns`).map((q) => q.query.entity_statuses)).toEqual(['PAUSED']);
    expectSameRecords(r.records('campaign_analytics'), expectedRecords('campaigns', AD_USD, '2026-06-29', TODAY, COLS, ['PAUSED']));
  });

  test('defaults: the whole 90 days in one window, the default columns, attribution settings passed through', async () => {
    const r = await read({ ...BASE_CONFIG, start_date: undefined, window_days: 90, ad_account_ids: [AD_EUR], click_window_days: 7, view_window_days: 0, engagement_window_days: 60, conversion_report_time: 'TIME_OF_CONVERSION' }, ['campaign_analytics']);
    expectCleanRead(r, fake, ['campaign_analytics']);
    const reqs = fake.requestsTo(/\/campaigns\/analytics$/);
    expect(reqs).toHaveLength(1);
    expect(reqs[0].query).toMatchObject({ start_date: EARLIEST, end_date: TODAY, click_window_days: '7', view_window_days: '0', engagement_window_days: '60', conversion_report_time: 'TIME_OF_CONVERSION', granularity: 'DAY' });
    const columns = reqs[0].query.columns.split(',');
    expect(columns.length).toBeGreaterThan(10);
    expect(columns).toEqual(expect.arrayContaining(['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH']));
    expect(r.records('campaign_analytics')).toHaveLength(2 * 90);
    expectSameRecords(r.records('campaign_analytics'), expectedRecords('campaigns', AD_EUR, EARLIEST, TODAY, columns));
  });

  // Days older than today − 89 come from asynchronous reports (unit_tests/reports.test.ts and the acceptance
  // suite's history tests); here the synchronous part: from today − 89, cut into windows, up to end_date.
  test('from today − 89 the synchronous endpoints serve the range; end_date ends it', async () => {
    const r = await read({ ...CONFIG, start_date: EARLIEST, end_date: '2026-05-15', window_days: 30, ad_account_ids: [AD_EUR] }, ['campaign_analytics']);
    expectCleanRead(r, fake, ['campaign_analytics']);
    expect(windowsOf(fake.requestsTo(/\/campaigns\/analytics$/))).toEqual(['2026-04-02..2026-05-01', '2026-05-02..2026-05-15']);
    expect(r.logs('WARN').filter((w) => w.includes('campaign_analytics'))).toHaveLength(0);
    expect(r.records('campaign_analytics').map((x) => x.date).sort()[0]).toBe(EARLIEST);
  });
});

describe('ad_group_analytics', () => {
  test('exact records for a small range: lower-case keys, ad_account_id and currency of each account', async () => {
    const r = await read({ ...CONFIG, start_date: '2026-06-29' }, ['ad_group_analytics']);
    expectCleanRead(r, fake, ['ad_group_analytics']);
    expect(analyticsRequests('ad_groups')).toEqual([
      analyticsRequest('ad_group_analytics', AD_USD, ['41000001', '41000002', '41000003'], '2026-06-29', TODAY),
      analyticsRequest('ad_group_analytics', AD_EUR, ['42000001'], '2026-06-29', TODAY),
    ].sort());
    const v = (id: string, d: string, c: string) => {
      const row = adsAnalyticsRow('ad_groups', id, d, [c]);
      return row[c] === undefined ? {} : { [c.toLowerCase()]: row[c] };
    };
    const rec = (account: string, currency: string, id: string, d: string) => ({
      ad_account_id: account, currency, ad_group_id: id, date: d, ...v(id, d, 'SPEND_IN_MICRO_DOLLAR'), ...v(id, d, 'TOTAL_CONVERSIONS'),
    });
    expectSameRecords(r.records('ad_group_analytics'), [
      rec(AD_USD, 'USD', '41000001', '2026-06-29'), rec(AD_USD, 'USD', '41000001', '2026-06-30'),
      rec(AD_USD, 'USD', '41000002', '2026-06-29'), rec(AD_USD, 'USD', '41000002', '2026-06-30'),
      rec(AD_USD, 'USD', '41000003', '2026-06-29'), rec(AD_USD, 'USD', '41000003', '2026-06-30'),
      rec(AD_EUR, 'EUR', '42000001', '2026-06-29'), rec(AD_EUR, 'EUR', '42000001', '2026-06-30'),
    ]);
    expect(r.records('ad_group_analytics').every((x) => typeof x.spend_in_micro_dollar === 'number')).toBe(true);
  });

  test('backfill windows and per-window states; incremental with a new account', async () => {
    let r = await read(CONFIG, [{ name: 'ad_group_analytics', sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, ['ad_group_analytics']);
    expect(windowsOf(fake.requestsTo(/\/ad_groups\/analytics$/))).toEqual(BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`));
    expect(fake.requestsTo(/\/ad_groups\/analytics$/)).toHaveLength(6);
    expect(r.states('ad_group_analytics')).toHaveLength(7);
    expectSameRecords(r.records('ad_group_analytics'), [
      ...expectedRecords('ad_groups', AD_USD, '2026-05-01', TODAY), ...expectedRecords('ad_groups', AD_EUR, '2026-05-01', TODAY),
    ]);
    fake.reset();
    r = await read({ ...CONFIG, lookback_days: 2 }, [{ name: 'ad_group_analytics', sync_mode: 'incremental' }],
      streamStateInput({ ad_group_analytics: { date: '2026-06-25', partitions: { [AD_EUR]: { date: '2026-06-25' } } } }));
    expectCleanRead(r, fake, ['ad_group_analytics']);
    expect(windowsOf(fake.requestsTo(`/ad_accounts/${AD_EUR}/ad_groups/analytics`))).toEqual(['2026-06-23..2026-06-30']);
    expect(windowsOf(fake.requestsTo(`/ad_accounts/${AD_USD}/ad_groups/analytics`))).toEqual(BACKFILL_WINDOWS.map(([s, e]) => `${s}..${e}`));
  });
});

describe('record shape', () => {
  test('ids are strings even when the API sends numbers; a column Pinterest adds is passed through and warned about once', async () => {
    const day = (d: string, extra: Json = {}) => ({ AD_GROUP_ID: 42000001, DATE: d, SPEND_IN_MICRO_DOLLAR: 5, BRAND_NEW_METRIC: 9, ...extra });
    fake.failOn({ path: new RegExp(`^/ad_accounts/${AD_EUR}/ad_groups/analytics$`), status: 200, body: [day('2026-06-29'), day(TODAY, { SPEND_IN_MICRO_DOLLAR: null })] });
    const r = await read({ ...CONFIG, start_date: '2026-06-29', ad_account_ids: [AD_EUR] }, ['ad_group_analytics', 'ad_analytics']);
    expectCleanRead(r, fake, ['ad_group_analytics', 'ad_analytics']);
    expect(r.records('ad_group_analytics')).toEqual([
      { ad_account_id: AD_EUR, currency: 'EUR', ad_group_id: '42000001', date: '2026-06-29', spend_in_micro_dollar: 5, brand_new_metric: 9 },
      { ad_account_id: AD_EUR, currency: 'EUR', ad_group_id: '42000001', date: TODAY, spend_in_micro_dollar: null, brand_new_metric: 9 },
    ]);
    const warnings = r.logs('WARN').filter((w) => w.includes('brand_new_metric'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ad_group_analytics');
    // The fake sends AD_ID as a JSON number.
    expect(r.records('ad_analytics').map((x) => x.ad_id)).toEqual(['52000001', '52000001']);
  });
});

describe('ad_analytics and ad_analytics_daily', () => {
  test('ad_analytics ends today, ad_analytics_daily yesterday; the ads list is fetched once for both', async () => {
    const r = await read({ ...CONFIG, start_date: '2026-06-25' }, [
      { name: 'ad_analytics', sync_mode: 'incremental' }, { name: 'ad_analytics_daily', sync_mode: 'incremental' },
    ]);
    expectCleanRead(r, fake, ['ad_analytics', 'ad_analytics_daily']);
    const usd = idsOf('ads', AD_USD);
    const eur = idsOf('ads', AD_EUR);
    // Each stream asks on its own (they count separately), with its own last day.
    expect(analyticsRequests('ads')).toEqual([
      analyticsRequest('ad_analytics', AD_USD, usd, '2026-06-25', TODAY),
      analyticsRequest('ad_analytics', AD_EUR, eur, '2026-06-25', TODAY),
      analyticsRequest('ad_analytics_daily', AD_USD, usd, '2026-06-25', '2026-06-29'),
      analyticsRequest('ad_analytics_daily', AD_EUR, eur, '2026-06-25', '2026-06-29'),
    ].sort());
    expect(fake.requestsTo(`/ad_accounts/${AD_USD}/ads`)).toHaveLength(1);
    expect(fake.requestsTo(`/ad_accounts/${AD_EUR}/ads`)).toHaveLength(1);
    expectSameRecords(r.records('ad_analytics'), [
      ...expectedRecords('ads', AD_USD, '2026-06-25', TODAY), ...expectedRecords('ads', AD_EUR, '2026-06-25', TODAY),
    ]);
    expectSameRecords(r.records('ad_analytics_daily'), [
      ...expectedRecords('ads', AD_USD, '2026-06-25', '2026-06-29'), ...expectedRecords('ads', AD_EUR, '2026-06-25', '2026-06-29'),
    ]);
    const last = (s: string) => r.states(s)[r.states(s).length - 1].stream.stream_state;
    expect(last('ad_analytics')).toEqual({ date: TODAY, partitions: { [AD_USD]: { date: TODAY }, [AD_EUR]: { date: TODAY } } });
    expect(last('ad_analytics_daily')).toEqual({ date: '2026-06-29', partitions: { [AD_USD]: { date: '2026-06-29' }, [AD_EUR]: { date: '2026-06-29' } } });
  });

  test('backfill windows of both; ad_analytics_daily re-reads its cursor day (yesterday) only', async () => {
    let r = await read(CONFIG, [{ name: 'ad_analytics_daily', sync_mode: 'incremental' }, { name: 'ad_analytics', sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, ['ad_analytics', 'ad_analytics_daily']);
    // Same endpoint for both: per window, the number of requests (2 accounts × the streams that read it).
    // ad_analytics_daily has two windows, the second ending yesterday; ad_analytics three.
    const perWindow: Record<string, number> = {};
    for (const q of fake.requestsTo(/\/ads\/analytics$/)) perWindow[`${q.query.start_date}..${q.query.end_date}`] = (perWindow[`${q.query.start_date}..${q.query.end_date}`] ?? 0) + 1;
    expect(perWindow).toEqual({ '2026-05-01..2026-05-30': 4, '2026-05-31..2026-06-29': 4, '2026-06-30..2026-06-30': 2 });
    expect(r.records('ad_analytics_daily').some((x) => x.date === TODAY)).toBe(false);
    expect(r.records('ad_analytics').filter((x) => x.date === TODAY)).toHaveLength(3);
    expect(r.states('ad_analytics_daily')).toHaveLength(2 * 2 + 1);
    fake.reset();
    r = await read(CONFIG, [{ name: 'ad_analytics_daily', sync_mode: 'incremental' }], streamStateInput({ ad_analytics_daily: { date: '2026-06-29', partitions: { [AD_USD]: { date: '2026-06-29' }, [AD_EUR]: { date: '2026-06-29' } } } }));
    expectCleanRead(r, fake, ['ad_analytics_daily']);
    expect(windowsOf(fake.requestsTo(/\/ads\/analytics$/))).toEqual(['2026-06-29..2026-06-29']);
    expect(r.records('ad_analytics_daily')).toHaveLength(3);
    fake.reset();
    r = await read({ ...CONFIG, lookback_days: 3 }, [{ name: 'ad_analytics_daily', sync_mode: 'incremental' }], streamStateInput({ ad_analytics_daily: { date: '2026-06-29' } }));
    expectCleanRead(r, fake, ['ad_analytics_daily']);
    expect(windowsOf(fake.requestsTo(/\/ads\/analytics$/))).toEqual(['2026-06-26..2026-06-29']);
    expectSameRecords(r.records('ad_analytics_daily'), [...expectedRecords('ads', AD_USD, '2026-06-26', '2026-06-29'), ...expectedRecords('ads', AD_EUR, '2026-06-26', '2026-06-29')]);
  });

  test('ad_analytics incremental with lookback; a future state reads nothing', async () => {
    let r = await read({ ...CONFIG, lookback_days: 10 }, [{ name: 'ad_analytics', sync_mode: 'incremental' }], streamStateInput({ ad_analytics: { date: '2026-06-28' } }));
    expectCleanRead(r, fake, ['ad_analytics']);
    expect(windowsOf(fake.requestsTo(/\/ads\/analytics$/))).toEqual(['2026-06-18..2026-06-30']);
    expect(r.records('ad_analytics')).toHaveLength(3 * 13);
    fake.reset();
    r = await read(CONFIG, [{ name: 'ad_analytics', sync_mode: 'incremental' }, { name: 'ad_analytics_daily', sync_mode: 'incremental' }],
      streamStateInput({ ad_analytics: { date: '3021-01-01' }, ad_analytics_daily: { date: '3021-01-01' } }));
    expectCleanRead(r, fake, ['ad_analytics', 'ad_analytics_daily']);
    expect(r.records()).toEqual([]);
    expect(fake.requestsTo(/\/analytics$/)).toEqual([]);
    expect(r.states('ad_analytics').length).toBeGreaterThanOrEqual(1);
    expect(r.states('ad_analytics_daily').length).toBeGreaterThanOrEqual(1);
  });
});

test.each(Object.keys(STREAM))('%s: a future state {date: 3021-01-01} yields 0 records, no analytics request, and at least one state', async (stream) => {
  const r = await read(CONFIG, [{ name: stream, sync_mode: 'incremental' }], streamStateInput({ [stream]: { date: '3021-01-01' } }));
  expectCleanRead(r, fake, [stream]);
  expect(r.records(stream)).toEqual([]);
  expect(fake.requestsTo(/analytics$/)).toEqual([]);
  expect(r.states(stream).length).toBeGreaterThanOrEqual(1);
  expect(r.states(stream).every((s) => s.stream.stream_state.date === '3021-01-01' && s.sourceStats.recordCount === 0)).toBe(true);
});

describe('shared entity lists', () => {
  test('campaigns, campaign_analytics and campaign_targeting_analytics read together list the campaigns once', async () => {
    const r = await read({ ...CONFIG, start_date: '2026-06-30' }, ['campaigns', 'campaign_analytics', 'campaign_targeting_analytics']);
    expectCleanRead(r, fake, ['campaigns', 'campaign_analytics', 'campaign_targeting_analytics']);
    expect(fake.requestsTo(`/ad_accounts/${AD_USD}/campaigns`)).toHaveLength(2);
    expect(fake.requestsTo(`/ad_accounts/${AD_EUR}/campaigns`)).toHaveLength(1);
    expect(fake.requestsTo('/ad_accounts')).toHaveLength(1);
  });

  test('without the entity stream, analytics streams still share one fetch of each list', async () => {
    const r = await read({ ...CONFIG, start_date: '2026-06-30' }, ['campaign_analytics', 'campaign_targeting_analytics', 'ad_group_analytics', 'ad_group_targeting_analytics', 'ad_analytics', 'ad_targeting_analytics', 'ad_analytics_daily']);
    expectCleanRead(r, fake, ['campaign_analytics', 'campaign_targeting_analytics', 'ad_group_analytics', 'ad_group_targeting_analytics', 'ad_analytics', 'ad_targeting_analytics', 'ad_analytics_daily']);
    expect(fake.requestsTo(/^\/ad_accounts\/\d+\/campaigns$/)).toHaveLength(3);
    expect(fake.requestsTo(/^\/ad_accounts\/\d+\/ad_groups$/)).toHaveLength(2);
    expect(fake.requestsTo(/^\/ad_accounts\/\d+\/ads$/)).toHaveLength(2);
    expect(r.records('campaigns')).toEqual([]); // ids only, nothing emitted for unselected streams
  });
});

describe('a failing ad account', () => {
  test("403 on one account's analytics: that stream INCOMPLETE with a config_error naming it, the others COMPLETE, exit 1", async () => {
    fake.failOn({ path: new RegExp(`^/ad_accounts/${AD_EUR}/ad_groups/analytics$`), status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } });
    const r = await read(CONFIG, [{ name: 'ad_group_analytics', sync_mode: 'incremental' }, 'ad_analytics', 'boards']);
    expect(r.exitCode).toBe(1);
    expect(r.statuses('ad_group_analytics')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(r.statuses('ad_analytics')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(r.statuses('boards')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const traces = r.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ failure_type: 'config_error', stream_descriptor: { name: 'ad_group_analytics' } });
    expect(traces[0].message).toMatch(/403/);
    // The healthy account's work is kept: its records, and states up to its last window.
    expectSameRecords(r.records('ad_group_analytics'), expectedRecords('ad_groups', AD_USD, '2026-05-01', TODAY));
    const states = r.states('ad_group_analytics');
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect(states[states.length - 1].stream.stream_state).toEqual({ date: TODAY, partitions: { [AD_USD]: { date: TODAY } } });
    expect(stateCountProblems(r, 'ad_group_analytics').problems).toEqual([]);
    expectSameRecords(r.records('ad_analytics'), [...expectedRecords('ads', AD_USD, '2026-05-01', TODAY), ...expectedRecords('ads', AD_EUR, '2026-05-01', TODAY)]);
    expect(fake.openApiProblems()).toEqual([]);
  });

  test("403 on one account's id list: the other account's analytics are still read and checkpointed, then the stream fails", async () => {
    fake.failOn({ path: new RegExp(`^/ad_accounts/${AD_EUR}/ad_groups$`), status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } });
    const r = await read(CONFIG, [{ name: 'ad_group_analytics', sync_mode: 'incremental' }, 'ad_analytics']);
    expect(r.exitCode).toBe(1);
    expect(r.statuses('ad_group_analytics')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(r.statuses('ad_analytics')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(r.traces()).toEqual([expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'ad_group_analytics' } })]);
    expect(fake.requestsTo(`/ad_accounts/${AD_EUR}/ad_groups/analytics`)).toEqual([]);
    expectSameRecords(r.records('ad_group_analytics'), expectedRecords('ad_groups', AD_USD, '2026-05-01', TODAY));
    const states = r.states('ad_group_analytics');
    expect(states.map((s) => s.stream.stream_state)).toEqual([
      { date: '2026-05-30', partitions: { [AD_USD]: { date: '2026-05-30' } } },
      { date: '2026-06-29', partitions: { [AD_USD]: { date: '2026-06-29' } } },
      { date: TODAY, partitions: { [AD_USD]: { date: TODAY } } },
    ]);
    expect(stateCountProblems(r, 'ad_group_analytics').problems).toEqual([]);
  });

  test('a transient 503 is retried and the read completes', async () => {
    fake.failOn({ path: /\/ad_groups\/analytics$/, status: 503, times: 2 });
    const r = await read({ ...CONFIG, start_date: '2026-06-30' }, ['ad_group_analytics']);
    expectCleanRead(r, fake, ['ad_group_analytics']);
    expect(r.records('ad_group_analytics')).toHaveLength(4);
    expect(fake.requestsTo(/\/ad_groups\/analytics$/)).toHaveLength(2 + 2);
  });
});

