/**
 * Shared pieces of the reliability suite (docs/reliability.md): the connector spawned as Airbyte runs it
 * (`node dist/main.js`), with a signal sent after the N-th message; ground-truth comparisons; a seeded
 * RNG for kill points; and the figures each test adds up (faults injected, crash points, bad inputs).
 *
 * Figures: with RELIABILITY_FIGURES=<file> every test appends one JSON line per measured run;
 * `npx tsx integration_tests/reliability/helpers.ts <file>` sums them into the table of docs/reliability.md.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { MAIN, ROOT } from '../../scripts/lib/run-connector';
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { discoverCatalog } from '../../src/engine/catalog';
import { STREAMS_BY_NAME } from '../../src/streams/definitions';
import type { FaultKind, GroundTruth, LoggedRequest, Simulator } from '../simulator';

export type Json = Record<string, any>;

export const TODAY = '2026-06-30';
export const ALL_FAULTS: FaultKind[] = ['http500', 'http502', 'http503', 'drop', 'truncate', 'slow', 'spurious400'];

/** Env of every spawned run: the simulator, a pinned calendar, millisecond backoff. */
export function connectorEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return { PINTEREST_API_URL: sim.url, PINTEREST_TODAY: TODAY, PINTEREST_RATE_LIMITS: 'off', PINTEREST_RETRY_BASE_MS: '1', LOG_LEVEL: 'info', ...extra };
}

export function oauthConfig(sim: Simulator, extra: Json = {}): Json {
  return {
    credentials: { auth_method: 'oauth2.0', client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret, refresh_token: sim.credentials.refreshToken },
    window_days: 30,
    lookback_days: 3,
    ...extra,
  };
}

export function accessTokenConfig(sim: Simulator, extra: Json = {}): Json {
  return { credentials: { auth_method: 'access_token', access_token: sim.credentials.staticAccessToken }, window_days: 30, lookback_days: 3, ...extra };
}

/** All 16 streams; `incremental` configures the analytics streams incrementally (the lists stay full refresh). */
export function fullCatalog(mode: 'full_refresh' | 'incremental' = 'full_refresh', only?: string[]): Json {
  return {
    streams: discoverCatalog().streams
      .filter((s) => !only || only.includes(s.name))
      .map((s) => {
        const sync_mode = mode === 'incremental' && s.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh';
        return {
          stream: s,
          sync_mode,
          destination_sync_mode: sync_mode === 'incremental' ? 'append' : 'overwrite',
          ...(s.default_cursor_field ? { cursor_field: s.default_cursor_field } : {}),
          primary_key: s.source_defined_primary_key,
        };
      }),
  };
}

export const truthOf = (sim: Simulator, columns: readonly string[] = DEFAULT_COLUMNS): GroundTruth => sim.groundTruth({ today: TODAY, columns: [...columns], windowDays: 30 });

// ------------------------------------------------------------------------------------------ spawning

export interface Spawned {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Raw stdout, exactly as written. */
  stdout: string;
  stderr: string;
  messages: Json[];
  /** Lines of stdout that are not JSON (a torn line after SIGKILL is the only acceptable one, at the end). */
  junk: string[];
  /** How many messages had arrived when the signal was sent (undefined: no signal). */
  signalledAfter?: number;
  ms: number;
  startedAt: number;
  endedAt: number;
}

export interface SpawnOpts {
  env: Record<string, string>;
  /** Send `signal` once `n` messages have arrived. */
  signalAfter?: { n: number; signal: NodeJS.Signals };
  onMessage?: (message: Json, index: number) => void;
  /** Options for node before the script (e.g. `--require` a preload). */
  nodeArgs?: string[];
}

export function spawnConnector(args: string[], opts: SpawnOpts): Promise<Spawned> {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does it).');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Spawned = { exitCode: null, signal: null, stdout: '', stderr: '', messages: [], junk: [], ms: 0, startedAt: started, endedAt: 0 };
    let pending = '';
    let count = 0;
    const take = (line: string) => {
      if (line === '') return;
      let m: Json;
      try {
        m = JSON.parse(line);
      } catch {
        out.junk.push(line);
        return;
      }
      out.messages.push(m);
      count++;
      opts.onMessage?.(m, count);
      if (opts.signalAfter && out.signalledAfter === undefined && count >= opts.signalAfter.n) {
        out.signalledAfter = count;
        child.kill(opts.signalAfter.signal);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out.stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) take(line);
    });
    child.stderr.on('data', (chunk: string) => { out.stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending !== '') out.junk.push(pending); // a line without its newline: torn
      out.exitCode = code;
      out.signal = signal;
      out.endedAt = Date.now();
      out.ms = out.endedAt - started;
      resolve(out);
    });
  });
}

// ------------------------------------------------------------------------------------------ message views

export const records = (messages: Json[], stream?: string): Json[] =>
  messages.filter((m) => m.type === 'RECORD' && (!stream || m.record.stream === stream)).map((m) => m.record.data);
export const states = (messages: Json[], stream?: string): Json[] =>
  messages.filter((m) => m.type === 'STATE' && (!stream || m.state.stream.stream_descriptor.name === stream)).map((m) => m.state);
export const errorTraces = (messages: Json[]): Json[] => messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);
export const statusTraces = (messages: Json[], stream: string): Json[] =>
  messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream).map((m) => m.trace.stream_status);

/** The last STATE of each stream, in the per-stream array form Airbyte hands back to the next run. */
export function lastStates(messages: Json[]): Json[] {
  const last = new Map<string, Json>();
  for (const m of messages) if (m.type === 'STATE') last.set(m.state.stream.stream_descriptor.name, m.state);
  return [...last.values()].map((s) => ({ type: 'STREAM', stream: s.stream }));
}

/**
 * Records that a checkpoint vouches for: per stream, those emitted before that stream's last STATE (what a
 * platform commits). Records after the last state may be lost with the process, and the next run must re-read them.
 */
export function committedRecords(messages: Json[]): Map<string, Json[]> {
  const lastStateAt = new Map<string, number>();
  messages.forEach((m, i) => { if (m.type === 'STATE') lastStateAt.set(m.state.stream.stream_descriptor.name, i); });
  const out = new Map<string, Json[]>();
  messages.forEach((m, i) => {
    if (m.type !== 'RECORD') return;
    const s = m.record.stream;
    if ((lastStateAt.get(s) ?? -1) > i) (out.get(s) ?? out.set(s, []).get(s)!).push(m.record.data);
  });
  return out;
}

// ------------------------------------------------------------------------------------------ comparisons

/** A record's identity: sorted keys and values. */
export const canonical = (data: Json): string => JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
export const primaryKey = (stream: string, data: Json): string => JSON.stringify(STREAMS_BY_NAME.get(stream)!.primaryKey.map((k) => data[k]));

/** Problems of one full read against the ground truth: missing, unexpected, count mismatch, duplicate keys. */
export function exactProblems(messages: Json[], truth: GroundTruth, streams?: string[]): string[] {
  const problems: string[] = [];
  for (const [stream, expected] of Object.entries(truth.records) as Array<[string, Json[]]>) {
    if (streams && !streams.includes(stream)) continue;
    const got = records(messages, stream);
    const keys = got.map((d) => primaryKey(stream, d));
    const dupes = keys.length - new Set(keys).size;
    if (dupes) problems.push(`${stream}: ${dupes} duplicate primary key(s)`);
    if (got.length !== expected.length) problems.push(`${stream}: ${got.length} records, ground truth ${expected.length}`);
    const have = new Set(got.map(canonical));
    const want = new Set(expected.map(canonical));
    const missing = [...want].filter((c) => !have.has(c));
    const extra = [...have].filter((c) => !want.has(c));
    if (missing.length) problems.push(`${stream}: ${missing.length} missing, e.g. ${missing[0].slice(0, 200)}`);
    if (extra.length) problems.push(`${stream}: ${extra.length} not in the ground truth, e.g. ${extra[0].slice(0, 200)}`);
  }
  return problems;
}

/** Ground-truth records that no part of `parts` holds (per stream, by canonical form). Returns the count and samples. */
export function lostRecords(parts: Array<Map<string, Json[]> | Json[]>, truth: GroundTruth): { lost: number; total: number; samples: string[] } {
  const have = new Map<string, Set<string>>();
  const add = (stream: string, data: Json) => (have.get(stream) ?? have.set(stream, new Set()).get(stream)!).add(canonical(data));
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
      if (!stream || later.state.stream.stream_descriptor.name === stream) out.push(`STATE of ${later.state.stream.stream_descriptor.name} after the error "${m.trace.error.message.slice(0, 80)}"`);
    }
  });
  return out;
}

/** TRACE error messages must read as messages, never as stack traces. */
export const hasStackLines = (text: string) => /\n\s+at /.test(text) || /^\s+at .+:\d+:\d+\)?$/m.test(text);

// ------------------------------------------------------------------------------------------ seeded RNG

export { prng as mulberry32 } from '../../unit_tests/helpers/prng';

/** Runs `fn` over `items` with at most `limit` at once, keeping order in the results. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }));
  return results;
}

// ------------------------------------------------------------------------------------------ figures

export interface Figure {
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

/** `npx tsx integration_tests/reliability/helpers.ts <figures.jsonl>`: the totals for docs/reliability.md. */
function summarize(file: string): void {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Figure);
  const faults: Record<string, number> = {};
  let crash = 0, bad = 0, checked = 0, lost = 0, limited = 0;
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
  process.stdout.write(JSON.stringify({ runs: lines.length, bySuite, faultsInjected: totalFaults, faultsByKind: faults, crashPointsResumed: crash, badInputsTried: bad, rateLimitedAnswersWaitedOut: limited, recordsChecked: checked, recordsLost: lost, peakRssMb }, null, 2) + '\n');
}

if (require.main === module) summarize(process.argv[2] ?? '/tmp/reliability-figures.jsonl');
