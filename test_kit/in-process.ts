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
import { TODAY } from './constants';
import { errorTraces, logs, records, states, statuses } from './messages';

export const API = 'https://api.pinterest.com/v5';

/** Short backoff so that retries cost milliseconds in tests. */
export const FAST_RETRY: Partial<RetryPolicy> = {
  baseDelayMs: 1,
  maxDelayMs: 5,
  spurious400DelayMs: 1,
  timeoutMs: 2000,
};

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

interface RunOptions {
  env?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
}

export async function runConnector(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d) => {
    stdout += d.toString();
  });
  const writer = new MessageWriter(out, 'debug');
  const env = {
    PINTEREST_API_URL: API,
    PINTEREST_TODAY: TODAY,
    PINTEREST_RATE_LIMITS: 'off',
    ...opts.env,
  } as NodeJS.ProcessEnv;
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
    records: (stream) => records(messages, stream),
    states: (stream) => states(messages, stream),
    statuses: (stream) => statuses(messages, stream),
    traces: () => errorTraces(messages),
    logs: (level) => logs(messages, level),
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
  credentials: {
    auth_method: 'oauth2.0',
    client_id: 'client-id-1',
    client_secret: 'client-secret-XYZ',
    refresh_token: 'pinr.refresh-token-ABC',
  },
};
