/**
 * Organic analytics: pin_analytics (one request per owned pin per window) and user_account_analytics (one
 * per window). Rows flattened from {all: {daily_metrics: [{date, data_status, metrics}]}}; one `{date}`
 * state for the stream after each window.
 */
import enums from '../../src/schemas/pinterest-enums.json';
import {
  BASE_CONFIG, EARLIEST, PIN_ANALYTICS_404, TODAY, USER, bookmarkFor, dailyMetric, daysIn, describeRequest, expectCleanRead,
  expectSameRecords, read, streamStateInput, useFakePinterest, windowsOf, type RecordedRequest,
} from '../helpers/fake-pinterest';
import { OAUTH_CONFIG } from '../helpers/harness';

const fake = useFakePinterest();

type Json = Record<string, any>;

const PIN_METRICS = enums.pin_standard_metric_types;
const USER_METRICS = enums.user_account_metric_types;
const WINDOWS = [['2026-05-01', '2026-05-30'], ['2026-05-31', '2026-06-29'], ['2026-06-30', '2026-06-30']];

/** {date, data_status, metrics: {IMPRESSION: …}} → {<idField>, date, data_status, impression: …}, written out independently. */
function flatten(idField: string, id: string, entry: Json): Json {
  const out: Json = { [idField]: id, date: entry.date, data_status: entry.data_status };
  for (const [k, v] of Object.entries(entry.metrics as Json)) out[k.toLowerCase()] = v;
  return out;
}
const pinRecords = (pin: string, start: string, end: string) => daysIn(start, end).map((d) => flatten('pin_id', pin, dailyMetric(pin, d, PIN_METRICS)));
const userRecords = (start: string, end: string) => daysIn(start, end).map((d) => flatten('user_id', USER.id, dailyMetric(USER.id, d, USER_METRICS)));

const req = (path: string, query: Record<string, string>) => describeRequest({ method: 'GET', path, query, url: '' } as RecordedRequest);
const pinRequest = (pin: string, start: string, end: string) =>
  req(`/pins/${pin}/analytics`, { app_types: 'ALL', metric_types: PIN_METRICS.join(','), split_field: 'NO_SPLIT', start_date: start, end_date: end });
const userRequest = (start: string, end: string) =>
  req('/user_account/analytics', { metric_types: USER_METRICS.join(','), split_field: 'NO_SPLIT', start_date: start, end_date: end });
const all = () => fake.requests.map((r) => `${r.method} ${describeRequest(r)}`).sort();

describe('pin_analytics', () => {
  test('backfill: owned pins only, one request per pin per window; the 404 pin skipped with a counted warning; complete', async () => {
    const r = await read(BASE_CONFIG, [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, ['pin_analytics']);
    expect(all()).toEqual([
      'POST /oauth/token',
      'GET /pins?page_size=250',
      `GET /pins?bookmark=${bookmarkFor('pins', 3)}&page_size=250`,
      ...WINDOWS.flatMap(([s, e]) => [`GET ${pinRequest('7001', s, e)}`, `GET ${pinRequest('7004', s, e)}`]),
      // The refused pin is asked once, then left out of the later windows.
      `GET ${pinRequest(PIN_ANALYTICS_404, '2026-05-01', '2026-05-30')}`,
    ].sort());
    expect(fake.requestsTo('/pins/7003/analytics')).toEqual([]); // not owned: never asked
    expectSameRecords(r.records('pin_analytics'), [...pinRecords('7001', '2026-05-01', TODAY), ...pinRecords('7004', '2026-05-01', TODAY)]);
    expect(r.records('pin_analytics').find((x) => x.pin_id === '7001' && x.date === TODAY)?.data_status).toBe('PROCESSING');
    expect(r.records('pin_analytics').find((x) => x.pin_id === '7001' && x.date === '2026-06-01')).toEqual({
      pin_id: '7001', date: '2026-06-01', data_status: 'READY',
      ...Object.fromEntries(PIN_METRICS.map((m) => [m.toLowerCase(), dailyMetric('7001', '2026-06-01', [m]).metrics[m]])),
    });
    const warnings = r.logs('WARN').filter((w) => w.includes('pin_analytics'));
    expect(warnings.some((w) => /skipped 1 /.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes(PIN_ANALYTICS_404) && w.includes('404'))).toBe(true);
    expect(r.states('pin_analytics').map((s) => s.stream.stream_state)).toEqual([
      { date: '2026-05-30' }, { date: '2026-06-29' }, { date: TODAY }, { date: TODAY },
    ]);
    expect(r.states('pin_analytics').map((s) => s.sourceStats.recordCount)).toEqual([60, 60, 2, 0]);
  });

  test('a 403 pin is skipped too, and both refusals are counted', async () => {
    fake.failOn({ path: /^\/pins\/7004\/analytics$/, status: 403, body: { code: 7, message: 'Not authorized to access board or Pin.' } });
    const r = await read({ ...BASE_CONFIG, start_date: '2026-06-29' }, ['pin_analytics']);
    expectCleanRead(r, fake, ['pin_analytics']);
    expectSameRecords(r.records('pin_analytics'), pinRecords('7001', '2026-06-29', TODAY));
    expect(r.logs('WARN').some((w) => /pin_analytics: skipped 2 /.test(w))).toBe(true);
  });

  test('incremental: starts at cursor − lookback; the pins list is fetched once with the pins stream', async () => {
    const r = await read({ ...BASE_CONFIG, lookback_days: 2 }, [{ name: 'pin_analytics', sync_mode: 'incremental' }, 'pins'], streamStateInput({ pin_analytics: { date: '2026-06-20' } }));
    expectCleanRead(r, fake, ['pin_analytics', 'pins']);
    expect(fake.requestsTo('/pins')).toHaveLength(2);
    expect(windowsOf(fake.requestsTo(/^\/pins\/\d+\/analytics$/))).toEqual(['2026-06-18..2026-06-30']);
    expect(fake.requestsTo(/^\/pins\/\d+\/analytics$/)).toHaveLength(3);
    expectSameRecords(r.records('pin_analytics'), [...pinRecords('7001', '2026-06-18', TODAY), ...pinRecords('7004', '2026-06-18', TODAY)]);
    expect(r.records('pins')).toHaveLength(4);
  });

  test('a metric Pinterest adds is passed through and warned about once; an empty answer is no rows', async () => {
    const body = { all: { daily_metrics: [
      { date: '2026-06-29', data_status: 'READY', metrics: { IMPRESSION: 3, SPARKLE: 1 } },
      { date: TODAY, data_status: 'PROCESSING', metrics: { IMPRESSION: 4, SPARKLE: 2 } },
    ] } };
    fake.failOn({ path: /^\/pins\/7001\/analytics$/, status: 200, body });
    fake.failOn({ path: /^\/pins\/7004\/analytics$/, status: 200, body: {} });
    const r = await read({ ...BASE_CONFIG, start_date: '2026-06-29' }, ['pin_analytics']);
    expectCleanRead(r, fake, ['pin_analytics']);
    expect(r.records('pin_analytics')).toEqual([
      { pin_id: '7001', date: '2026-06-29', data_status: 'READY', impression: 3, sparkle: 1 },
      { pin_id: '7001', date: TODAY, data_status: 'PROCESSING', impression: 4, sparkle: 2 },
    ]);
    expect(r.logs('WARN').filter((w) => w.includes('sparkle'))).toHaveLength(1);
  });

  test('a future state yields no records and at least one state', async () => {
    const r = await read(BASE_CONFIG, [{ name: 'pin_analytics', sync_mode: 'incremental' }], streamStateInput({ pin_analytics: { date: '3021-01-01' } }));
    expectCleanRead(r, fake, ['pin_analytics']);
    expect(r.records('pin_analytics')).toEqual([]);
    expect(fake.requestsTo(/^\/pins\/\d+\/analytics$/)).toEqual([]);
    expect(r.states('pin_analytics').length).toBeGreaterThanOrEqual(1);
    expect(r.states('pin_analytics').every((s) => s.stream.stream_state.date === '3021-01-01')).toBe(true);
  });
});

describe('user_account_analytics', () => {
  test('backfill: one request per window, exact records, state after each window', async () => {
    const r = await read(BASE_CONFIG, [{ name: 'user_account_analytics', sync_mode: 'incremental' }]);
    expectCleanRead(r, fake, ['user_account_analytics']);
    expect(all()).toEqual(['POST /oauth/token', 'GET /user_account', ...WINDOWS.map(([s, e]) => `GET ${userRequest(s, e)}`)].sort());
    expectSameRecords(r.records('user_account_analytics'), userRecords('2026-05-01', TODAY));
    expect(r.records('user_account_analytics').find((x) => x.date === '2026-05-01')).toEqual({
      user_id: USER.id, date: '2026-05-01', data_status: 'READY',
      ...Object.fromEntries(USER_METRICS.map((m) => [m.toLowerCase(), dailyMetric(USER.id, '2026-05-01', [m]).metrics[m]])),
    });
    expect(r.states('user_account_analytics').map((s) => [s.stream.stream_state, s.sourceStats.recordCount])).toEqual([
      [{ date: '2026-05-30' }, 30], [{ date: '2026-06-29' }, 30], [{ date: TODAY }, 1], [{ date: TODAY }, 0],
    ]);
  });

  test('incremental with lookback, clamped to today − 89; the cursor day is re-read', async () => {
    let r = await read({ ...OAUTH_CONFIG, lookback_days: 30 }, [{ name: 'user_account_analytics', sync_mode: 'incremental' }], streamStateInput({ user_account_analytics: { date: '2026-04-20' } }));
    expectCleanRead(r, fake, ['user_account_analytics']);
    expect(windowsOf(fake.requestsTo('/user_account/analytics'))).toEqual([`${EARLIEST}..${TODAY}`]); // window_days 90: one window
    expect(r.records('user_account_analytics')).toHaveLength(90);
    fake.reset();
    r = await read({ ...BASE_CONFIG, lookback_days: 0 }, [{ name: 'user_account_analytics', sync_mode: 'incremental' }], streamStateInput({ user_account_analytics: { date: TODAY } }));
    expectCleanRead(r, fake, ['user_account_analytics']);
    expect(windowsOf(fake.requestsTo('/user_account/analytics'))).toEqual([`${TODAY}..${TODAY}`]);
    expect(r.records('user_account_analytics')).toEqual(userRecords(TODAY, TODAY));
  });

  test('a future state yields no records and at least one state', async () => {
    const r = await read(BASE_CONFIG, [{ name: 'user_account_analytics', sync_mode: 'incremental' }], streamStateInput({ user_account_analytics: { date: '3021-01-01' } }));
    expectCleanRead(r, fake, ['user_account_analytics']);
    expect(r.records('user_account_analytics')).toEqual([]);
    expect(fake.requestsTo('/user_account/analytics')).toEqual([]);
    expect(r.states('user_account_analytics').length).toBeGreaterThanOrEqual(1);
  });

  test('user_interests and user_account_analytics share one /user_account lookup', async () => {
    const r = await read({ ...BASE_CONFIG, start_date: TODAY }, ['user_interests', 'user_account_analytics']);
    expectCleanRead(r, fake, ['user_interests', 'user_account_analytics']);
    expect(fake.requestsTo('/user_account')).toHaveLength(1);
  });
});
