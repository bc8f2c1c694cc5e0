/**
 * Spawns the built connector (node dist/main.js) as a process, the way Airbyte runs it, and collects its
 * stdout messages. Used by the demo, the acceptance suite and the benchmark.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '..');
export const MAIN = join(ROOT, 'dist', 'main.js');

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  messages: Array<Record<string, any>>;
  stderr: string;
  /** Non-JSON stdout lines (there must be none). */
  junk: string[];
  startedAt: number;
  firstRecordAt?: number;
  endedAt: number;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Append every stdout line to this file. */
  rawOutput?: string;
  /** Keep messages in memory (default true); false for big benchmark reads. */
  keep?: boolean;
  onMessage?: (message: Record<string, any>, line: string) => void;
  node?: string;
  nodeArgs?: string[];
  /** Kill the process (SIGKILL) when this returns true for a message. */
  killWhen?: (message: Record<string, any>) => boolean;
}

export function runProcess(args: string[], opts: SpawnOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(opts.node ?? process.execPath, [...(opts.nodeArgs ?? []), MAIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: ProcessResult = { exitCode: null, signal: null, messages: [], stderr: '', junk: [], startedAt, endedAt: 0 };
    const raw = opts.rawOutput ? createWriteStream(opts.rawOutput, { flags: 'a' }) : undefined;
    let killed = false;
    child.stderr.on('data', (d) => { result.stderr += d.toString(); });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      raw?.write(line + '\n');
      if (line === '') return;
      let message: Record<string, any>;
      try {
        message = JSON.parse(line);
      } catch {
        result.junk.push(line);
        return;
      }
      if (message.type === 'RECORD' && result.firstRecordAt === undefined) result.firstRecordAt = Date.now();
      if (opts.keep !== false) result.messages.push(message);
      opts.onMessage?.(message, line);
      if (!killed && opts.killWhen?.(message)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      result.exitCode = code;
      result.signal = signal;
      result.endedAt = Date.now();
      if (raw) raw.end(() => resolve(result));
      else resolve(result);
    });
  });
}

/** Stream states of the last STATE message of each stream, in the array form Airbyte hands back. */
export function finalStates(messages: Array<Record<string, any>>): Array<Record<string, any>> {
  const last = new Map<string, Record<string, any>>();
  for (const m of messages) if (m.type === 'STATE') last.set(m.state.stream.stream_descriptor.name, m.state);
  return [...last.values()].map((s) => ({ type: 'STREAM', stream: s.stream }));
}
