/**
 * Timeouts of hooks and tests that spawn connector runs, scaled with what they do: a run that takes 3 s on
 * an idle machine takes several times that beside other loads on 2 cores, and a fixed total fails there
 * while nothing is wrong. Generous on purpose: a timeout only has to catch a run that hangs.
 */
const PER_RUN_MS = 45_000;
const SETUP_MS = 30_000;

/** For `runs` spawned reads, `parallel` at a time (plus starting a simulator). */
export function spawnedRunsTimeout(runs: number, opts: { parallel?: number; perRunMs?: number } = {}): number {
  return SETUP_MS + Math.ceil(runs / (opts.parallel ?? 1)) * (opts.perRunMs ?? PER_RUN_MS);
}
