/**
 * Organic analytics: pin_analytics (≤ 100 owned pins per GET /pins/analytics per window; one request per pin
 * where Pinterest refuses that beta) and user_account_analytics (one per window) — read in-process against
 * the simulator. Rows flattened from {all: {daily_metrics: [{date, data_status, metrics}]}}; one `{date}`
 * state for the stream after each window; pins Pinterest refuses to report on skipped with a counted warning.
 */
import enums from '../../src/schemas/pinterest-enums.json';
import { TODAY, type Json } from '../../test_kit/constants';
import { EARLIEST, expectSameRecords, streamStateInput, windowsOf } from '../../test_kit/read-checks';
import {
  between,
  requestLine,
  UNIT_SIZE,
  useSimulatedPinterest,
  type SimulatedPinterest,
} from '../../test_kit/simulated-read';

const p = useSimulatedPinterest();

const PIN_METRICS = enums.pin_standard_metric_types;
const USER_METRICS = enums.user_account_metric_types;
const WINDOWS = [
  ['2026-05-01', '2026-05-30'],
  ['2026-05-31', '2026-06-29'],
  ['2026-06-30', '2026-06-30'],
] as const;
const TOKEN = 'POST /oauth/token';

const truthOf = (sp: SimulatedPinterest, startDate: string) =>
  sp.truth({ startDate, pinMetricTypes: PIN_METRICS, userMetricTypes: USER_METRICS });
const truth = (startDate: string) => truthOf(p, startDate);
/** Listed owned pins, in list order: all of them, those Pinterest reports on, and those it refuses. */
function ownedPins(sp = p): { owned: string[]; served: string[]; refused: Array<{ pinId: string; status: number }> } {
  const t = truthOf(sp, TODAY);
  const refused = t.refusedPins;
  const owned = t.records.pins.filter((x) => x.is_owner).map((x) => x.id as string);
  const served = owned.filter((id) => !refused.some((r) => r.pinId === id));
  return { owned, served, refused };
}
/** The pins in groups of at most 100, in list order, as the connector batches them. */
const hundreds = (ids: string[]) =>
  Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
const batchRequest = (pins: string[], start: string, end: string) =>
  requestLine('GET', '/pins/analytics', {
    app_types: 'ALL',
    metric_types: PIN_METRICS.join(','),
    pin_ids: pins.join(','),
    start_date: start,
    end_date: end,
  });
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

describe('pin_analytics', () => {
  test('backfill: owned pins in one GET /pins/analytics per window; the refused pins (left out of the answer) asked once, skipped with a counted warning; complete', async () => {
    const { owned, served, refused } = ownedPins();
    expect(refused.map((x) => x.status).sort()).toEqual([403, 404]);
    expect(owned.length).toBeLessThanOrEqual(100);
    const pages = await p.listRequests('/pins', { page_size: '250' });
    const r = await p.read(p.config(), [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    p.expectCleanRead(r, ['pin_analytics']);
    expect(p.lines()).toEqual(
      [
        TOKEN,
        ...pages,
        batchRequest(owned, ...WINDOWS[0]),
        // A refused pin is asked once, then left out of the later windows.
        ...WINDOWS.slice(1).map(([s, e]) => batchRequest(served, s, e)),
      ].sort(),
    );
    expect(p.requestsTo('/pins/analytics')).toHaveLength(
      p.truth({ startDate: '2026-05-01', windowDays: 30 }).minRequests.pin_analytics,
    );

    const expected = truth('2026-05-01').records.pin_analytics;
    expectSameRecords(r.records('pin_analytics'), expected);
    const records = r.records('pin_analytics');
    expect(records.filter((x) => x.date === TODAY).every((x) => x.data_status === 'PROCESSING')).toBe(true);
    expect(records.some((x) => x.data_status === 'BEFORE_PIN_CREATED')).toBe(true);
    expect(records.some((x) => x.data_status === 'READY')).toBe(true);
    const warnings = r.logs('WARN').filter((w) => w.includes('pin_analytics'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/skipped 2 .*left out of the answer of GET \/pins\/analytics/);
    for (const { pinId } of refused) expect(warnings[0]).toContain(pinId);
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
    const { owned } = ownedPins();
    const r = await p.read(
      p.config({ lookback_days: 2 }),
      [{ name: 'pin_analytics', sync_mode: 'incremental' }, 'pins'],
      streamStateInput({ pin_analytics: { date: '2026-06-20' } }),
    );
    p.expectCleanRead(r, ['pin_analytics', 'pins']);
    expect(p.requestsTo('/pins')).toHaveLength(2);
    expect(p.lines(p.requestsTo('/pins/analytics'))).toEqual([batchRequest(owned, '2026-06-18', TODAY)]);
    expect(p.requestsTo(/^\/pins\/\d+\/analytics$/)).toEqual([]);
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
    expect(p.requestsTo(/^\/pins\/(\d+\/)?analytics$/)).toEqual([]);
    expect(r.states('pin_analytics').length).toBeGreaterThanOrEqual(1);
    expect(r.states('pin_analytics').every((s) => s.stream.stream_state.date === '3021-01-01')).toBe(true);
  });
});

describe('pin_analytics with 230 owned pins: batches of at most 100', () => {
  const many = useSimulatedPinterest({ size: { ...UNIT_SIZE, ownedPins: 230, repins: 30 } });
  test('ceil(owned / 100) requests in the first window, ceil(served / 100) in the others; the records equal the truth', async () => {
    const { owned, served, refused } = ownedPins(many);
    // Pins on protected boards are not listed: three batches still.
    expect(owned.length).toBeGreaterThan(200);
    expect(refused.length).toBeGreaterThan(0);
    const r = await many.read(many.config(), [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    many.expectCleanRead(r, ['pin_analytics']);
    expect(many.lines(many.requestsTo('/pins/analytics'))).toEqual(
      [
        ...hundreds(owned).map((group) => batchRequest(group, ...WINDOWS[0])),
        ...WINDOWS.slice(1).flatMap(([s, e]) => hundreds(served).map((group) => batchRequest(group, s, e))),
      ].sort(),
    );
    expect(many.requestsTo(/^\/pins\/\d+\/analytics$/)).toEqual([]);
    expectSameRecords(r.records('pin_analytics'), truthOf(many, '2026-05-01').records.pin_analytics);
    expect(r.logs('WARN').filter((w) => w.includes(`skipped ${refused.length} `))).toHaveLength(1);
  });
});

describe('pin_analytics without the batched beta', () => {
  const noBeta = useSimulatedPinterest({ pinAnalyticsBeta: false });
  test('GET /pins/analytics refused (403): one warning, then one request per pin per window, the same records and state', async () => {
    const { served, refused } = ownedPins(noBeta);
    const r = await noBeta.read(noBeta.config(), [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    noBeta.expectCleanRead(r, ['pin_analytics']);
    // The owned pins fit one batch: one refused request, none after it.
    expect(noBeta.requestsTo('/pins/analytics').map((q) => q.query.start_date)).toEqual(['2026-05-01']);
    expect(
      noBeta.sim.requestLog
        .filter((q) => q.status !== 200)
        .map((q) => q.status)
        .sort(),
    ).toEqual([403, ...refused.map((x) => x.status)].sort());
    expect(noBeta.lines(noBeta.requestsTo(/^\/pins\/\d+\/analytics$/))).toEqual(
      [
        ...WINDOWS.flatMap(([s, e]) => served.map((pin) => pinRequest(pin, s, e))),
        ...refused.map((x) => pinRequest(x.pinId, ...WINDOWS[0])),
      ].sort(),
    );
    expectSameRecords(r.records('pin_analytics'), truthOf(noBeta, '2026-05-01').records.pin_analytics);
    const warnings = r.logs('WARN').filter((w) => w.includes('pin_analytics'));
    expect(warnings.filter((w) => /refused GET \/pins\/analytics \(HTTP 403, code 29/.test(w))).toHaveLength(1);
    expect(warnings.filter((w) => /skipped 2 /.test(w))).toHaveLength(1);
    expect(r.states('pin_analytics').map((s) => s.stream.stream_state)).toEqual([
      { date: '2026-05-30' },
      { date: '2026-06-29' },
      { date: TODAY },
      { date: TODAY },
    ]);
  });
});

describe('pin_analytics where Pinterest refuses a whole batch over one pin (401 code 7)', () => {
  const strict = useSimulatedPinterest({ pinAnalyticsRefusal: 'refuse-batch' });
  test('that batch is read per pin (no token refresh), later windows batched without the refused pins; the records equal the truth', async () => {
    const { owned, served, refused } = ownedPins(strict);
    const r = await strict.read(strict.config(), [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    strict.expectCleanRead(r, ['pin_analytics']);
    expect(strict.requestsTo('/oauth/token', 'POST')).toHaveLength(1);
    expect(strict.lines(strict.requestsTo('/pins/analytics'))).toEqual(
      [batchRequest(owned, ...WINDOWS[0]), ...WINDOWS.slice(1).map(([s, e]) => batchRequest(served, s, e))].sort(),
    );
    expect(strict.lines(strict.requestsTo(/^\/pins\/\d+\/analytics$/))).toEqual(
      owned.map((pin) => pinRequest(pin, ...WINDOWS[0])).sort(),
    );
    expect(strict.requests.filter((q) => /analytics$/.test(q.path))).toHaveLength(
      strict.truth({ startDate: '2026-05-01', windowDays: 30 }).minRequests.pin_analytics,
    );
    expectSameRecords(r.records('pin_analytics'), truthOf(strict, '2026-05-01').records.pin_analytics);
    const warnings = r.logs('WARN').filter((w) => w.includes('pin_analytics'));
    expect(warnings.filter((w) => /refused GET \/pins\/analytics/.test(w))).toEqual([]);
    expect(warnings.filter((w) => w.includes(`skipped ${refused.length} `))).toHaveLength(1);
  });
});

describe('pin_analytics where Pinterest answers 404 for the batched route', () => {
  const gone = useSimulatedPinterest({
    refusals: [{ path: '/pins/analytics', status: 404, code: 404, message: 'Not found.' }],
  });
  test('falls back to one request per pin with one warning; the records equal the truth', async () => {
    const r = await gone.read(gone.config(), [{ name: 'pin_analytics', sync_mode: 'incremental' }]);
    gone.expectCleanRead(r, ['pin_analytics']);
    expect(r.logs('WARN').filter((w) => /refused GET \/pins\/analytics \(HTTP 404/.test(w))).toHaveLength(1);
    expectSameRecords(r.records('pin_analytics'), truthOf(gone, '2026-05-01').records.pin_analytics);
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
