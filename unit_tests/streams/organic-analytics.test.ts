/**
 * Organic analytics: pin_analytics (one request per owned pin per window) and user_account_analytics (one
 * per window) — read in-process against the simulator. Rows flattened from {all: {daily_metrics: [{date,
 * data_status, metrics}]}}; one `{date}` state for the stream after each window; pins Pinterest refuses to
 * report on (403 and 404) skipped with a counted warning.
 */
import enums from '../../src/schemas/pinterest-enums.json';
import { TODAY, type Json } from '../../test_kit/constants';
import { EARLIEST, expectSameRecords, streamStateInput, windowsOf } from '../../test_kit/read-checks';
import { between, requestLine, useSimulatedPinterest } from '../../test_kit/simulated-read';

const p = useSimulatedPinterest();

const PIN_METRICS = enums.pin_standard_metric_types;
const USER_METRICS = enums.user_account_metric_types;
const WINDOWS = [
  ['2026-05-01', '2026-05-30'],
  ['2026-05-31', '2026-06-29'],
  ['2026-06-30', '2026-06-30'],
] as const;
const TOKEN = 'POST /oauth/token';

const truth = (startDate: string) => p.truth({ startDate, pinMetricTypes: PIN_METRICS, userMetricTypes: USER_METRICS });
/** Listed owned pins: those Pinterest reports on, and those it refuses. */
function ownedPins(): { served: string[]; refused: Array<{ pinId: string; status: number }> } {
  const t = truth(TODAY);
  const refused = t.refusedPins;
  const served = t.records.pins
    .filter((x) => x.is_owner && !refused.some((r) => r.pinId === x.id))
    .map((x) => x.id as string);
  return { served, refused };
}
const pinRequest = (pin: string, start: string, end: string) =>
  requestLine('GET', `/pins/${pin}/analytics`, {
    app_types: 'ALL',
    metric_types: PIN_METRICS.join(','),
    split_field: 'NO_SPLIT',
    start_date: start,
    end_date: end,
  });
const userRequest = (start: string, end: string) =>
  requestLine('GET', '/user_account/analytics', {
    metric_types: USER_METRICS.join(','),
    split_field: 'NO_SPLIT',
    start_date: start,
    end_date: end,
  });
const pinAnalyticsRequests = () => p.requestsTo(/^\/pins\/\d+\/analytics$/);

describe('pin_analytics', () => {
  test('backfill: owned pins only, one request per pin per window; the refused pins (404 and 403) asked once, skipped with a counted warning; complete', async () => {
    const { served, refused } = ownedPins();
    expect(refused.map((x) => x.status).sort()).toEqual([403, 404]);
    const pages = await p.listRequests('/pins', { page_size: '250' });
    const r = await p.read(p.config(), [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    p.expectCleanRead(r, ['pin_analytics']);
    expect(p.lines()).toEqual(
      [
        TOKEN,
        ...pages,
        ...WINDOWS.flatMap(([s, e]) => served.map((pin) => pinRequest(pin, s, e))),
        // A refused pin is asked once, then left out of the later windows.
        ...refused.map((x) => pinRequest(x.pinId, '2026-05-01', '2026-05-30')),
      ].sort(),
    );
    // Saved pins of others (is_owner false) are never asked.
    const asked = new Set(pinAnalyticsRequests().map((q) => q.path.split('/')[2]));
    expect(
      truth(TODAY)
        .records.pins.filter((x) => !x.is_owner)
        .some((x) => asked.has(x.id as string)),
    ).toBe(false);

    const expected = truth('2026-05-01').records.pin_analytics;
    expectSameRecords(r.records('pin_analytics'), expected);
    const records = r.records('pin_analytics');
    expect(records.filter((x) => x.date === TODAY).every((x) => x.data_status === 'PROCESSING')).toBe(true);
    expect(records.some((x) => x.data_status === 'BEFORE_PIN_CREATED')).toBe(true);
    expect(records.some((x) => x.data_status === 'READY')).toBe(true);
    const warnings = r.logs('WARN').filter((w) => w.includes('pin_analytics'));
    expect(warnings.filter((w) => /skipped 2 /.test(w))).toHaveLength(1);
    for (const { pinId, status } of refused)
      expect(warnings.filter((w) => w.includes(pinId) && w.includes(String(status)))).toHaveLength(1);
    expect(r.states('pin_analytics').map((s) => s.stream.stream_state)).toEqual([
      { date: '2026-05-30' },
      { date: '2026-06-29' },
      { date: TODAY },
      { date: TODAY },
    ]);
    expect(r.states('pin_analytics').map((s) => s.sourceStats.recordCount)).toEqual([
      ...WINDOWS.map(([s, e]) => between(expected, s, e).length),
      0,
    ]);
  });

  test('incremental: starts at cursor − lookback; the pins list is fetched once with the pins stream', async () => {
    const { served, refused } = ownedPins();
    const r = await p.read(
      p.config({ lookback_days: 2 }),
      [{ name: 'pin_analytics', sync_mode: 'incremental' }, 'pins'],
      streamStateInput({ pin_analytics: { date: '2026-06-20' } }),
    );
    p.expectCleanRead(r, ['pin_analytics', 'pins']);
    expect(p.requestsTo('/pins')).toHaveLength(2);
    expect(windowsOf(pinAnalyticsRequests())).toEqual(['2026-06-18..2026-06-30']);
    expect(pinAnalyticsRequests()).toHaveLength(served.length + refused.length);
    expectSameRecords(r.records('pin_analytics'), truth('2026-06-18').records.pin_analytics);
    expect(r.records('pins')).toEqual(truth(TODAY).records.pins);
  });

  test('a future state yields no records and at least one state', async () => {
    const r = await p.read(
      p.config(),
      [{ name: 'pin_analytics', sync_mode: 'incremental' }],
      streamStateInput({ pin_analytics: { date: '3021-01-01' } }),
    );
    p.expectCleanRead(r, ['pin_analytics']);
    expect(r.records('pin_analytics')).toEqual([]);
    expect(pinAnalyticsRequests()).toEqual([]);
    expect(r.states('pin_analytics').length).toBeGreaterThanOrEqual(1);
    expect(r.states('pin_analytics').every((s) => s.stream.stream_state.date === '3021-01-01')).toBe(true);
  });
});

describe('user_account_analytics', () => {
  test('backfill: one request per window, exact records, state after each window', async () => {
    const r = await p.read(p.config(), [{ name: 'user_account_analytics', sync_mode: 'incremental' }]);
    p.expectCleanRead(r, ['user_account_analytics']);
    expect(p.lines()).toEqual([TOKEN, 'GET /user_account', ...WINDOWS.map(([s, e]) => userRequest(s, e))].sort());
    const expected = truth('2026-05-01').records.user_account_analytics;
    expect(expected).toHaveLength(61);
    expectSameRecords(r.records('user_account_analytics'), expected);
    expect(r.records('user_account_analytics').every((x) => x.user_id === p.sim.data.user.id)).toBe(true);
    expect(r.states('user_account_analytics').map((s) => [s.stream.stream_state, s.sourceStats.recordCount])).toEqual([
      [{ date: '2026-05-30' }, 30],
      [{ date: '2026-06-29' }, 30],
      [{ date: TODAY }, 1],
      [{ date: TODAY }, 0],
    ]);
  });

  test('incremental with lookback, clamped to today − 89; the cursor day is re-read', async () => {
    const defaults: Json = { start_date: undefined, window_days: undefined };
    let r = await p.read(
      p.config({ ...defaults, lookback_days: 30 }),
      [{ name: 'user_account_analytics', sync_mode: 'incremental' }],
      streamStateInput({ user_account_analytics: { date: '2026-04-20' } }),
    );
    p.expectCleanRead(r, ['user_account_analytics']);
    expect(windowsOf(p.requestsTo('/user_account/analytics'))).toEqual([`${EARLIEST}..${TODAY}`]); // window_days 90: one window
    expect(r.records('user_account_analytics')).toHaveLength(90);
    expectSameRecords(r.records('user_account_analytics'), truth(EARLIEST).records.user_account_analytics);
    p.sim.resetLog();
    r = await p.read(
      p.config(),
      [{ name: 'user_account_analytics', sync_mode: 'incremental' }],
      streamStateInput({ user_account_analytics: { date: TODAY } }),
    );
    p.expectCleanRead(r, ['user_account_analytics']);
    expect(windowsOf(p.requestsTo('/user_account/analytics'))).toEqual([`${TODAY}..${TODAY}`]);
    expect(r.records('user_account_analytics')).toEqual(truth(TODAY).records.user_account_analytics);
  });

  test('a future state yields no records and at least one state', async () => {
    const r = await p.read(
      p.config(),
      [{ name: 'user_account_analytics', sync_mode: 'incremental' }],
      streamStateInput({ user_account_analytics: { date: '3021-01-01' } }),
    );
    p.expectCleanRead(r, ['user_account_analytics']);
    expect(r.records('user_account_analytics')).toEqual([]);
    expect(p.requestsTo('/user_account/analytics')).toEqual([]);
    expect(r.states('user_account_analytics').length).toBeGreaterThanOrEqual(1);
  });

  test('user_interests and user_account_analytics share one /user_account lookup', async () => {
    const r = await p.read(p.config({ start_date: TODAY }), ['user_interests', 'user_account_analytics']);
    p.expectCleanRead(r, ['user_interests', 'user_account_analytics']);
    expect(p.requestsTo('/user_account')).toHaveLength(1);
  });
});
