/**
 * Runs the connector in-process, exactly as main.ts does, with stdout captured: tests see the same
 * messages a platform would, and every line is checked against the Airbyte protocol schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/main';
import { MessageWriter } from '../src/protocol/output';
import type { RetryPolicy } from '../src/http/requester';
import { parseAndValidate } from './protocol';

export const TEST_TODAY = '2026-06-30';
export const API = 'https://api.pinterest.com/v5';

/** Short backoff so that retries cost milliseconds in tests. */
export const FAST_RETRY: Partial<RetryPolicy> = { baseDelayMs: 1, maxDelayMs: 5, spurious400DelayMs: 1, timeoutMs: 2000 };

export interface RunResult {
  exitCode: number;
  messages: Array<Record<string, any>>;
  stdout: string;
  records(stream?: string): Array<Record<string, any>>;
  states(stream?: string): Array<Record<string, any>>;
  statuses(stream: string): string[];
  traces(): Array<Record<string, any>>;
  logs(level?: string): string[];
}

export interface RunOptions {
  env?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
}

export async function runConnector(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d) => { stdout += d.toString(); });
  const writer = new MessageWriter(out, 'debug');
  const env = { PINTEREST_API_URL: API, PINTEREST_TODAY: TEST_TODAY, PINTEREST_RATE_LIMITS: 'off', ...opts.env } as NodeJS.ProcessEnv;
  const exitCode = await main(args, { writer, env, runtime: { retry: { ...FAST_RETRY, ...opts.retry } } });
  await writer.flush();
  const messages = parseAndValidate(stdout);
  return wrap(exitCode, messages, stdout);
}

export function wrap(exitCode: number, messages: Array<Record<string, any>>, stdout: string): RunResult {
  return {
    exitCode,
    messages,
    stdout,
    records: (stream) => messages.filter((m) => m.type === 'RECORD' && (!stream || m.record.stream === stream)).map((m) => m.record.data),
    states: (stream) => messages.filter((m) => m.type === 'STATE' && (!stream || m.state.stream.stream_descriptor.name === stream)).map((m) => m.state),
    statuses: (stream) => messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream).map((m) => m.trace.stream_status.status),
    traces: () => messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error),
    logs: (level) => messages.filter((m) => m.type === 'LOG' && (!level || m.log.level === level)).map((m) => m.log.message),
  };
}

/** Writes JSON files for --config/--catalog/--state into a fresh temp directory. */
export function tempFiles(files: Record<string, unknown>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-test-'));
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    paths[name] = path;
  }
  return paths;
}

export const OAUTH_CONFIG = {
  credentials: { auth_method: 'oauth2.0', client_id: 'client-id-1', client_secret: 'client-secret-XYZ', refresh_token: 'pinr.refresh-token-ABC' },
};

export function catalogFor(streams: Array<{ name: string; sync_mode?: 'full_refresh' | 'incremental' }>) {
  return {
    streams: streams.map((s) => ({
      stream: { name: s.name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: s.sync_mode ?? 'full_refresh',
      destination_sync_mode: s.sync_mode === 'incremental' ? 'append' : 'overwrite',
    })),
  };
}
