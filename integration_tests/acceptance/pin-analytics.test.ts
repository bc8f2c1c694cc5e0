/**
 * pin_analytics as Airbyte runs it: through GET /pins/analytics, at most 100 owned pins a request (the
 * records of the per-pin endpoint, ≤ ceil(pins / 100) requests per window), the pins Pinterest leaves out of
 * the answer counted in one warning; and, where Pinterest refuses that beta, one request per pin after one
 * warning, with the same records.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { ACCEPTANCE_CONFIG, type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';
import type { SimulatorOptions } from '../../simulator';

const MANY_PINS: SimulatorOptions = { size: { ownedPins: 230, repins: 40, refusingPinRate: 0.05 } };

async function readPins(h: Harness): Promise<CatRun> {
  h.sim.resetLog();
  return h.run([
    'read',
    '--config',
    h.configPath,
    '--catalog',
    h.write('catalog.json', fullCatalog('incremental', ['pin_analytics'])),
    '--write-config',
  ]);
}

function truthOf(h: Harness) {
  return h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: ACCEPTANCE_CONFIG.window_days });
}

function expectTruth(h: Harness, run: CatRun): void {
  expect(run.traces()).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(run.statuses('pin_analytics').at(-1)).toBe('COMPLETE');
  const got = run.records('pin_analytics').map((r: any) => canonical(r.data));
  const expected = truthOf(h).records.pin_analytics.map(canonical);
  expect(got.length).toBe(expected.length);
  expect(new Set(got)).toEqual(new Set(expected));
}

const warnings = (run: CatRun) =>
  run
    .ofType('LOG')
    .filter((m: any) => m.log.level === 'WARN' && m.log.message.includes('pin_analytics'))
    .map((m: any) => m.log.message as string);

describe('with the batched beta', () => {
  let h: Harness;
  let run: CatRun;
  beforeAll(async () => {
    h = await startHarness(MANY_PINS);
    run = await readPins(h);
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('the records equal the ground truth', () => expectTruth(h, run));

  test('at most ceil(owned pins / 100) requests per window, no per-pin request: the ground truth minimum', () => {
    const truth = truthOf(h);
    const owned = truth.records.pins.filter((p) => p.is_owner).length;
    expect(owned).toBeGreaterThan(200);
    const batched = h.sim.requestLog.filter((r) => r.path === '/pins/analytics');
    const windows = new Map<string, number>();
    for (const r of batched) {
      const key = String(r.query.start_date);
      windows.set(key, (windows.get(key) ?? 0) + 1);
    }
    expect(windows.size).toBe(Math.ceil(truth.dateRange.days / ACCEPTANCE_CONFIG.window_days));
    for (const n of windows.values()) expect(n).toBeLessThanOrEqual(Math.ceil(owned / 100));
    expect(batched).toHaveLength(truth.minRequests.pin_analytics);
    expect(h.sim.requestLog.filter((r) => /\/pins\/\d+\/analytics/.test(r.path))).toEqual([]);
  });

  test('the pins Pinterest leaves out of the answer are counted in one warning, never silently', () => {
    const refused = truthOf(h).refusedPins;
    expect(refused.length).toBeGreaterThan(1);
    const w = warnings(run);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain(`skipped ${refused.length} `);
  });
});

describe('without the batched beta (GET /pins/analytics refused)', () => {
  let h: Harness;
  let run: CatRun;
  beforeAll(async () => {
    h = await startHarness({ ...MANY_PINS, pinAnalyticsBeta: false });
    run = await readPins(h);
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('falls back to one request per pin with one warning, and still equals the ground truth', () => {
    expectTruth(h, run);
    const w = warnings(run);
    expect(w.filter((m) => /refused GET \/pins\/analytics \(HTTP 403/.test(m))).toHaveLength(1);
    expect(w.filter((m) => /skipped \d+ /.test(m))).toHaveLength(1);
    const truth = truthOf(h);
    const perPin = h.sim.requestLog.filter((r) => /\/pins\/\d+\/analytics/.test(r.path));
    const refusedBatches = h.sim.requestLog.filter((r) => r.path === '/pins/analytics');
    // One refused batch: the read's first batched request goes alone, the others wait for its answer.
    expect(refusedBatches).toHaveLength(1);
    expect(refusedBatches.every((r) => r.status === 403)).toBe(true);
    expect(perPin.length + 1).toBe(truth.minRequests.pin_analytics);
  });
});
