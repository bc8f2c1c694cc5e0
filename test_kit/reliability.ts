/**
 * Pieces of the reliability suite (docs/reliability.md): ground-truth comparisons (nothing lost, nothing
 * extra, no state after a failure) and the figures each test adds up (faults injected, crash points, bad inputs).
 *
 * Figures: with RELIABILITY_FIGURES=<file> every test appends one JSON line per measured run;
 * `npx tsx test_kit/reliability.ts <file>` sums them into the table of docs/reliability.md.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { DEFAULT_COLUMNS } from '../src/config/schema';
import { TODAY, type Json } from './constants';
import { canonical, records } from './messages';
import { STREAMS_BY_NAME } from '../src/streams/definitions';
import type { FaultKind, GroundTruth, LoggedRequest, Simulator } from '../simulator';

export const ALL_FAULTS: FaultKind[] = ['http500', 'http502', 'http503', 'drop', 'truncate', 'slow', 'spurious400'];

export const truthOf = (sim: Simulator, columns: readonly string[] = DEFAULT_COLUMNS): GroundTruth =>
  sim.groundTruth({ today: TODAY, columns: [...columns], windowDays: 30 });

// ------------------------------------------------------------------------------------------ comparisons

const primaryKey = (stream: string, data: Json): string =>
  JSON.stringify(STREAMS_BY_NAME.get(stream)!.primaryKey.map((k) => data[k]));

/** Problems of one full read against the ground truth: missing, unexpected, count mismatch, duplicate keys. */
export function exactProblems(messages: Json[], truth: GroundTruth, streams?: string[]): string[] {
  const problems: string[] = [];
  for (const [stream, expected] of Object.entries(truth.records) as Array<[string, Json[]]>) {
    if (streams && !streams.includes(stream)) continue;
    const got = records(messages, stream);
    const keys = got.map((d) => primaryKey(stream, d));
    const dupes = keys.length - new Set(keys).size;
    if (dupes) problems.push(`${stream}: ${dupes} duplicate primary key(s)`);
    if (got.length !== expected.length)
      problems.push(`${stream}: ${got.length} records, ground truth ${expected.length}`);
    const have = new Set(got.map(canonical));
    const want = new Set(expected.map(canonical));
    const missing = [...want].filter((c) => !have.has(c));
    const extra = [...have].filter((c) => !want.has(c));
    if (missing.length) problems.push(`${stream}: ${missing.length} missing, e.g. ${missing[0].slice(0, 200)}`);
    if (extra.length)
      problems.push(`${stream}: ${extra.length} not in the ground truth, e.g. ${extra[0].slice(0, 200)}`);
  }
  return problems;
}

/** Ground-truth records that no part of `parts` holds (per stream, by canonical form). Returns the count and samples. */
export function lostRecords(
  parts: Array<Map<string, Json[]> | Json[]>,
  truth: GroundTruth,
): { lost: number; total: number; samples: string[] } {
  const have = new Map<string, Set<string>>();
  const add = (stream: string, data: Json) =>
    (have.get(stream) ?? have.set(stream, new Set()).get(stream)!).add(canonical(data));
  for (const part of parts) {
    if (part instanceof Map) for (const [s, recs] of part) for (const r of recs) add(s, r);
    else for (const m of part) if (m.type === 'RECORD') add(m.record.stream, m.record.data);
  }
  let lost = 0;
  let total = 0;
  const samples: string[] = [];
  for (const [stream, expected] of Object.entries(truth.records) as Array<[string, Json[]]>) {
    for (const r of expected) {
      total++;
      if (!have.get(stream)?.has(canonical(r))) {
        lost++;
        if (samples.length < 5) samples.push(`${stream} ${canonical(r).slice(0, 160)}`);
      }
    }
  }
  return { lost, total, samples };
}

export function faultCounts(log: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of log) if (r.fault) out[r.fault] = (out[r.fault] ?? 0) + 1;
  return out;
}

/** No STATE after a failure point: none after a global error; none for a failed stream after its error. */
export function stateAfterFailure(messages: Json[]): string[] {
  const out: string[] = [];
  messages.forEach((m, i) => {
    if (m.type !== 'TRACE' || m.trace.type !== 'ERROR') return;
    const stream = m.trace.error.stream_descriptor?.name;
    for (const later of messages.slice(i + 1)) {
      if (later.type !== 'STATE') continue;
      if (!stream || later.state.stream.stream_descriptor.name === stream)
        out.push(
          `STATE of ${later.state.stream.stream_descriptor.name} after the error "${m.trace.error.message.slice(0, 80)}"`,
        );
    }
  });
  return out;
}

/** TRACE error messages must read as messages, never as stack traces. */
export const hasStackLines = (text: string) => /\n\s+at /.test(text) || /^\s+at .+:\d+:\d+\)?$/m.test(text);

/** Runs `fn` over `items` with at most `limit` at once, keeping order in the results. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

// ------------------------------------------------------------------------------------------ figures

interface Figure {
  suite: string;
  /** faults injected by the simulator (or msw) and survived, by kind */
  faults?: Record<string, number>;
  /** kill/terminate points resumed */
  crashPoints?: number;
  /** hostile or broken inputs tried */
  badInputs?: number;
  /** ground-truth records checked, and how many were lost */
  recordsChecked?: number;
  recordsLost?: number;
  /** 429 answers waited out */
  rateLimited?: number;
  /** peak RSS (MB) of a spawned connector, by case */
  peakRssMb?: Record<string, number>;
  note?: string;
}

/** Appends a figure line when RELIABILITY_FIGURES names a file (docs/reliability.md says how they add up). */
export function recordFigure(figure: Figure): void {
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, JSON.stringify(figure) + '\n');
}

/** `npx tsx test_kit/reliability.ts <figures.jsonl>`: the totals for docs/reliability.md. */
function summarize(file: string): void {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Figure);
  const faults: Record<string, number> = {};
  let crash = 0,
    bad = 0,
    checked = 0,
    lost = 0,
    limited = 0;
  const bySuite: Record<string, number> = {};
  const peakRssMb: Record<string, number> = {};
  for (const f of lines) {
    for (const [k, v] of Object.entries(f.faults ?? {})) faults[k] = (faults[k] ?? 0) + v;
    crash += f.crashPoints ?? 0;
    bad += f.badInputs ?? 0;
    checked += f.recordsChecked ?? 0;
    lost += f.recordsLost ?? 0;
    limited += f.rateLimited ?? 0;
    Object.assign(peakRssMb, f.peakRssMb ?? {});
    bySuite[f.suite] = (bySuite[f.suite] ?? 0) + 1;
  }
  const totalFaults = Object.values(faults).reduce((a, b) => a + b, 0);
  process.stdout.write(
    JSON.stringify(
      {
        runs: lines.length,
        bySuite,
        faultsInjected: totalFaults,
        faultsByKind: faults,
        crashPointsResumed: crash,
        badInputsTried: bad,
        rateLimitedAnswersWaitedOut: limited,
        recordsChecked: checked,
        recordsLost: lost,
        peakRssMb,
      },
      null,
      2,
    ) + '\n',
  );
}

if (require.main === module) summarize(process.argv[2] ?? '/tmp/reliability-figures.jsonl');
