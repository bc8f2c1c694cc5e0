/**
 * Checks of one in-process read that hold whichever fake answered it (the simulator or the msw fake of
 * malformed answers): run `read` with a config, streams and state; state messages count the records since
 * the previous one; records fit their stream's schema; record multisets compared; requests written as
 * `path?sorted-query`; the windows a read asked for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { catalogFor } from './catalog';
import { TODAY, addDays, type Json } from './constants';
import { runConnector, tempFiles, type RunResult } from './in-process';
import { canonical } from './messages';

/** The earliest day the synchronous analytics endpoints serve, seen from the test day. */
export const EARLIEST = addDays(TODAY, -89); // 2026-04-02

export interface RecordedRequest {
  method: string;
  /** Path under the base URL (/v5 stripped), e.g. /ad_accounts/549755885175/campaigns. */
  path: string;
  /** Query parameters; a repeated key keeps its last value here (see `url` for the raw string). */
  query: Record<string, string>;
  url: string;
}

type SyncMode = 'full_refresh' | 'incremental';
export type StreamSelection = string | { name: string; sync_mode?: SyncMode };

/** Runs `read` with the given config, streams and state (the per-stream array, or any raw value). */
export async function read(
  config: Json,
  streams: StreamSelection[],
  state?: unknown,
  env?: Record<string, string>,
): Promise<RunResult> {
  const selection = streams.map((s) => (typeof s === 'string' ? { name: s } : s));
  const files = tempFiles({ config, catalog: catalogFor(selection), ...(state !== undefined ? { state } : {}) });
  const args = [
    'read',
    '--config',
    files.config,
    '--catalog',
    files.catalog,
    ...(state !== undefined ? ['--state', files.state] : []),
  ];
  return runConnector(args, { env });
}

/** The per-stream state array Airbyte hands back. */
export function streamStateInput(states: Record<string, unknown>): unknown[] {
  return Object.entries(states).map(([name, stream_state]) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state },
  }));
}

// ---------------------------------------------------------------------------------------------- checks

/**
 * Every STATE of `stream` must carry sourceStats.recordCount equal to the records of that stream since its
 * previous state. Returns the problems ([] when right) and the number of state messages seen.
 */
export function stateCountProblems(r: RunResult, stream: string): { problems: string[]; states: number } {
  const problems: string[] = [];
  let since = 0;
  let states = 0;
  for (const m of r.messages) {
    if (m.type === 'RECORD' && m.record.stream === stream) since++;
    if (m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream) {
      states++;
      const count = m.state.sourceStats?.recordCount;
      if (count !== since)
        problems.push(
          `state #${states} of ${stream} says recordCount ${count}, ${since} records were emitted since the previous one`,
        );
      since = 0;
    }
  }
  if (since > 0) problems.push(`${since} records of ${stream} after its last state message`);
  return { problems, states };
}

const recordValidators = new Map<string, ValidateFunction>();
const schemaAjv = new Ajv({ strict: false, allErrors: true });
addFormats(schemaAjv);

/** Records of a stream against the stream's JSON schema (src/schemas/<stream>.json). */
function recordSchemaProblems(stream: string, records: Json[]): string[] {
  let v = recordValidators.get(stream);
  if (!v) {
    v = schemaAjv.compile(JSON.parse(readFileSync(join(__dirname, '../src/schemas', `${stream}.json`), 'utf8')));
    recordValidators.set(stream, v);
  }
  const out: string[] = [];
  for (const rec of records) {
    if (!v(rec))
      out.push(
        `${stream} ${JSON.stringify(rec).slice(0, 120)}: ${(v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`,
      );
    if (out.length > 5) break;
  }
  return out;
}

/** A request as `path?k=v&…` with keys sorted, for exact request lists. */
export function describeRequest(r: RecordedRequest, omit: string[] = []): string {
  const q = Object.entries(r.query)
    .filter(([k]) => !omit.includes(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return q ? `${r.path}?${q}` : r.path;
}

/** Windows [start, end] the requests to `path` asked for, deduplicated, sorted. */
export function windowsOf(requests: RecordedRequest[]): string[] {
  return [...new Set(requests.map((r) => `${r.query.start_date}..${r.query.end_date}`))].sort();
}

/**
 * What every successful read of `streams` must show: exit 0, no TRACE ERROR, STARTED → RUNNING → COMPLETE,
 * at least one STATE per stream with recordCount equal to the records since the previous state, records
 * valid against the stream's schema, and every request conforming to the OpenAPI description.
 */
export function expectCleanRead(r: RunResult, fake: { openApiProblems(): string[] }, streams: string[]): void {
  expect(r.traces()).toEqual([]);
  expect(r.exitCode).toBe(0);
  for (const s of streams) {
    expect({ stream: s, statuses: r.statuses(s) }).toEqual({ stream: s, statuses: ['STARTED', 'RUNNING', 'COMPLETE'] });
    const counts = stateCountProblems(r, s);
    expect({ stream: s, problems: counts.problems }).toEqual({ stream: s, problems: [] });
    expect(counts.states).toBeGreaterThanOrEqual(1);
    expect(recordSchemaProblems(s, r.records(s))).toEqual([]);
  }
  expect(fake.openApiProblems()).toEqual([]);
}

/** Sorts records by their identity, for order-independent comparison. */
export const sorted = (records: Json[]): Json[] =>
  records
    .map((r) => [canonical(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);

/**
 * Compares record multisets by value (order-free, fast on tens of thousands of records): the records
 * missing from `actual`, those not expected, and duplicates, each listed up to 5. All empty when equal.
 */
export function recordDiff(
  actual: Json[],
  expected: Json[],
): { missing: string[]; unexpected: string[]; counts: [number, number] } {
  const count = (list: Json[]) => {
    const m = new Map<string, number>();
    for (const r of list) {
      const k = canonical(r);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const a = count(actual);
  const e = count(expected);
  const missing: string[] = [];
  const unexpected: string[] = [];
  for (const [k, n] of e) if ((a.get(k) ?? 0) < n && missing.length < 5) missing.push(k);
  for (const [k, n] of a) if ((e.get(k) ?? 0) < n && unexpected.length < 5) unexpected.push(k);
  return { missing, unexpected, counts: [actual.length, expected.length] };
}

/** Asserts that `actual` holds exactly the `expected` records (any order). */
export function expectSameRecords(actual: Json[], expected: Json[]): void {
  expect(recordDiff(actual, expected)).toEqual({
    missing: [],
    unexpected: [],
    counts: [expected.length, expected.length],
  });
}
