/**
 * Faults: 10 % of the simulator's answers fail at random — 500, 502 (HTML), 503 (text), a dropped
 * connection, a truncated body, a response slower than the client timeout, and the spurious "last 90 days"
 * 400 — and a full read of every stream still equals the ground truth: every record, no duplicate key.
 * Several fault seeds; the connector runs as a process with millisecond backoff and an 800 ms timeout: a
 * healthy answer stays well inside it on a loaded machine, a "slow" fault takes 3 s.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../simulator';
import { ALL_FAULTS, exactProblems, faultCounts, pool, recordFigure, truthOf } from '../../test_kit/reliability';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { errorTraces } from '../../test_kit/messages';
import { connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnConnector, type Spawned } from '../../test_kit/spawn';

const SEEDS = [11, 23, 37];
const FAULT_RATE = 0.1;

interface Outcome {
  seed: number;
  run: Spawned;
  problems: string[];
  faults: Record<string, number>;
  requests: number;
  total: number;
}
const outcomes = new Map<number, Outcome>();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-faults-'));
  const catalog = join(dir, 'catalog.json');
  writeFileSync(catalog, JSON.stringify(fullCatalog('full_refresh')));
  await pool(SEEDS, 2, async (seed) => {
    const sim = await startSimulator({
      today: TODAY,
      faults: { rate: FAULT_RATE, kinds: ALL_FAULTS, slowMs: 3000, seed },
    });
    try {
      const config = join(dir, `config-${seed}.json`);
      writeFileSync(config, JSON.stringify(oauthConfig(sim)));
      const run = await spawnConnector(['read', '--config', config, '--catalog', catalog], {
        env: connectorEnv(sim, { PINTEREST_REQUEST_TIMEOUT_MS: '2000' }), // the whole request, headers and body: below slowMs, above a large answer's time on a busy machine
      });
      const truth = truthOf(sim);
      const problems = exactProblems(run.messages, truth);
      const faults = faultCounts(sim.requestLog);
      const total = Object.values(truth.counts).reduce((a, b) => a + b, 0);
      outcomes.set(seed, { seed, run, problems, faults, requests: sim.requestLog.length, total });
      recordFigure({
        suite: 'faults',
        faults,
        recordsChecked: total,
        recordsLost: problems.length ? -1 : 0,
        note: `seed ${seed}`,
      });
    } finally {
      await sim.close();
    }
  });
}, 150_000);

describe.each(SEEDS)('10%% random faults, fault seed %i', (seed) => {
  test('the read succeeds: exit 0, no TRACE ERROR, every stream COMPLETE', () => {
    const { run } = outcomes.get(seed)!;
    expect(errorTraces(run.messages)).toEqual([]);
    expect(run.junk).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  test('faults were injected (about 10% of the requests)', () => {
    const { faults, requests } = outcomes.get(seed)!;
    const injected = Object.values(faults).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThanOrEqual(5);
    expect(injected / requests).toBeLessThan(0.25);
  });

  test('records equal the ground truth, stream by stream: nothing missing, nothing extra, no duplicate primary key', () => {
    expect(outcomes.get(seed)!.problems).toEqual([]);
  });
});

test('across the seeds every fault kind was injected at least once, and survived', () => {
  const total: Record<string, number> = {};
  for (const o of outcomes.values()) for (const [k, v] of Object.entries(o.faults)) total[k] = (total[k] ?? 0) + v;
  for (const kind of ALL_FAULTS) expect([kind, (total[kind] ?? 0) > 0]).toEqual([kind, true]);
  // every run ended well (checked above); no run left a fault unanswered
  for (const o of outcomes.values()) expect([o.seed, o.run.exitCode]).toEqual([o.seed, 0]);
});
