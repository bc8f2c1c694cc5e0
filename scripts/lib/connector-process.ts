/**
 * Spawns the built connector (node dist/main.js) as a process, the way Airbyte runs it, and collects its
 * stdout messages. Used by the demo, the benchmark and (through the test kit) the acceptance and reliability suites.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** A connector message, loosely typed: the protocol schema, not TypeScript, is what checks its shape. */
type Json = Record<string, any>;

export const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'main.js');

export interface Spawned {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  messages: Json[];
  /** Raw stdout, exactly as written (empty when `keep` is false). */
  stdout: string;
  stderr: string;
  /** Lines of stdout that are not JSON (a torn line after SIGKILL is the only acceptable one, at the end). */
  junk: string[];
  /** How many messages had arrived when the signal was sent (undefined: no signal). */
  signalledAfter?: number;
  startedAt: number;
  firstRecordAt?: number;
  endedAt: number;
  ms: number;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Append every stdout line to this file. */
  rawOutput?: string;
  /** Keep messages and raw stdout in memory (default true); false for big benchmark reads. */
  keep?: boolean;
  /** Called with each message and its 1-based index. */
  onMessage?: (message: Json, index: number) => void;
  /** Send `signal` once `n` messages have arrived. */
  signalAfter?: { n: number; signal: NodeJS.Signals };
  /** Kill the process (SIGKILL) when this returns true for a message. */
  killWhen?: (message: Json) => boolean;
  node?: string;
  nodeArgs?: string[];
}

export function spawnConnector(args: string[], opts: SpawnOptions = {}): Promise<Spawned> {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does it).');
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(opts.node ?? process.execPath, [...(opts.nodeArgs ?? []), MAIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Spawned = {
      exitCode: null,
      signal: null,
      messages: [],
      stdout: '',
      stderr: '',
      junk: [],
      startedAt,
      endedAt: 0,
      ms: 0,
    };
    const keep = opts.keep !== false;
    const raw = opts.rawOutput ? createWriteStream(opts.rawOutput, { flags: 'a' }) : undefined;
    let pending = '';
    let count = 0;
    let stopped = false;
    const stop = (signal: NodeJS.Signals) => {
      stopped = true;
      out.signalledAfter = count;
      child.kill(signal);
    };
    const take = (line: string) => {
      raw?.write(line + '\n');
      if (line === '') return;
      let message: Json;
      try {
        message = JSON.parse(line);
      } catch {
        out.junk.push(line);
        return;
      }
      count++;
      if (message.type === 'RECORD' && out.firstRecordAt === undefined) out.firstRecordAt = Date.now();
      if (keep) out.messages.push(message);
      opts.onMessage?.(message, count);
      if (stopped) return;
      if (opts.signalAfter && count >= opts.signalAfter.n) stop(opts.signalAfter.signal);
      else if (opts.killWhen?.(message)) stop('SIGKILL');
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (keep) out.stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) take(line);
    });
    child.stderr.on('data', (chunk: string) => {
      out.stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending !== '') out.junk.push(pending); // a line without its newline: torn
      out.exitCode = code;
      out.signal = signal;
      out.endedAt = Date.now();
      out.ms = out.endedAt - startedAt;
      if (raw) raw.end(() => resolve(out));
      else resolve(out);
    });
  });
}

/**
 * The connector as a bare process, stdout and stderr left to the caller: for tests that must watch a stream
 * as it comes (authorize prints its consent URL on stderr) or stop reading it (a destination that stalls).
 */
export function launchConnector(
  args: string[],
  env: Record<string, string | undefined> = {},
): ChildProcessByStdio<null, Readable, Readable> {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does it).');
  return spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The last STATE of each stream, in the per-stream array form Airbyte hands back to the next run. */
export function lastStates(messages: Json[]): Json[] {
  const last = new Map<string, Json>();
  for (const m of messages) if (m.type === 'STATE') last.set(m.state.stream.stream_descriptor.name, m.state);
  return [...last.values()].map((s) => ({ type: 'STREAM', stream: s.stream }));
}
