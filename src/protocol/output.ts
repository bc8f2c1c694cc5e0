import type { Writable } from 'node:stream';
import { ConnectorError } from '../errors';
import type { AirbyteMessage, LogLevel } from './messages';
import { log as logMessage } from './messages';
import { processSecrets, SecretMask } from '../util/secrets';
import { RECORD_JSON, type WithRecordJson } from './record-json';

const FLUSH_BYTES = 64 * 1024;
const RECORD_LINE = '{"type":"RECORD"';
const LEVELS: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** LOG_LEVEL's problem, if it names no level (the writer then logs at info, and the command refuses to run). */
export function logLevelProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value.toLowerCase() in LEVELS) return undefined;
  return `LOG_LEVEL must be one of ${Object.keys(LEVELS).join(', ')}; got ${JSON.stringify(value.slice(0, 40))}.`;
}
const MESSAGE_LEVEL: Record<LogLevel, number> = { TRACE: 5, DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 };

/**
 * Writes Airbyte messages to stdout, one JSON object per line. Lines are batched into chunks (a write per
 * record costs more than the JSON itself) and every chunk waits for 'drain' when the pipe is full, so a slow
 * reader slows the connector instead of growing its memory. STATE messages flush the batch at once: a
 * checkpoint should reach the platform as soon as it is true.
 *
 * Secrets registered with `addSecret` are masked in every message but CONTROL (which exists precisely to
 * carry an updated credential), so that an error body that echoes a request cannot print one. Only string
 * values are masked, never keys or the message's structure: the line stays the message it was.
 */
export class MessageWriter {
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private readonly secrets = new SecretMask();
  private readonly recordPrefixes = new Map<string, string>();
  private readonly minLevel: number;
  private pending: Promise<void> = Promise.resolve();
  private drained?: Promise<void>;
  private stopped?: Promise<void>;
  readonly counts = { records: 0, messages: 0 };

  constructor(
    private readonly out: Writable = process.stdout,
    logLevel = process.env.LOG_LEVEL ?? 'info',
  ) {
    this.minLevel = LEVELS[logLevel.toLowerCase()] ?? LEVELS.info;
  }

  addSecret(value: string | undefined): void {
    this.secrets.add(value);
    // Error snippets are cut below the writer; they must be masked before the cut.
    processSecrets.add(value);
  }

  redact(text: string): string {
    return this.secrets.mask(text);
  }

  /** Queues a message; resolves once it is buffered or, when the buffer flushed, once the pipe took it. */
  write(message: AirbyteMessage): Promise<void> | void {
    if (this.stopped) return this.stopped;
    const line = this.masked(serialize(message), message);
    this.counts.messages++;
    if (message.type === 'RECORD') this.counts.records++;
    this.buffer.push(line, '\n');
    this.bufferedBytes += line.length + 1;
    if (
      this.bufferedBytes >= FLUSH_BYTES ||
      message.type === 'STATE' ||
      message.type === 'TRACE' ||
      message.type === 'CONTROL'
    ) {
      return this.flush();
    }
  }

  /**
   * Queues one RECORD message per row of a batch, the same lines `write` makes: the envelope is serialised once
   * per stream and batch, so each record costs one JSON.stringify of its data and no message object.
   */
  writeRecords(stream: string, rows: readonly Record<string, unknown>[]): Promise<void> | void {
    if (this.stopped) return this.stopped;
    let prefix = this.recordPrefixes.get(stream);
    if (prefix === undefined) {
      prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`;
      this.recordPrefixes.set(stream, prefix);
    }
    // The line's three parts go to the buffer as they are: the chunk's join copies each once, with no line between.
    const suffix = `,"emitted_at":${Date.now()}}}\n`;
    let flushed: Promise<void> | undefined;
    for (const data of rows as readonly WithRecordJson[]) {
      const json = data[RECORD_JSON] ?? serializeData(stream, data);
      this.buffer.push(prefix, json, suffix);
      this.bufferedBytes += prefix.length + json.length + suffix.length;
      // A batch becomes many chunks near FLUSH_BYTES, not one long string (V8 keeps those apart, freed late).
      if (this.bufferedBytes >= FLUSH_BYTES) flushed = this.flush();
    }
    this.counts.messages += rows.length;
    this.counts.records += rows.length;
    return flushed;
  }

  /** The plain line first (the common case holds no secret); only a line that does is built again, masked. */
  private masked(line: string, message: AirbyteMessage): string {
    if (message.type === 'CONTROL' || this.secrets.size === 0 || !this.secrets.occursIn(line)) return line;
    try {
      return JSON.stringify(message, (_key, value: unknown) =>
        typeof value === 'string' ? this.secrets.mask(value) : value,
      );
    } catch {
      // A replacer costs stack per level: a row nested near the limit is masked in its text instead.
      return this.secrets.mask(line);
    }
  }

  /**
   * A record line from `writeRecords` with every secret masked in its string values (other lines were masked
   * when written; CONTROL lines keep theirs). A record written from its text is whole only in that text
   * (exact: long integers are strings there), so the line is parsed back rather than its object reused.
   */
  private maskedRecord(line: string): string {
    if (!line.startsWith(RECORD_LINE) || !this.secrets.occursIn(line)) return line;
    return this.masked(line, JSON.parse(line) as AirbyteMessage);
  }

  log(level: LogLevel, message: string): Promise<void> | void {
    if (MESSAGE_LEVEL[level] < this.minLevel) return;
    return this.write(logMessage(level, message));
  }

  /**
   * After a stop signal: writes `notice` after everything already queued, then takes no more messages (later
   * writes wait for ever, which holds the producers still). Resolves once the notice is out, or after
   * `timeoutMs` when the reader does not drain the pipe: the caller exits either way.
   */
  stop(notice: AirbyteMessage, timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const out = this.write(notice);
    this.stopped = new Promise<void>(() => undefined);
    const flushed = Promise.resolve(out).then(() => this.flush());
    return Promise.race([flushed, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  /** Writes what is buffered; waits for 'drain' when the stream asks for it. */
  flush(): Promise<void> {
    if (this.buffer.length > 0) {
      let chunk = this.buffer.join('');
      // Records are tested for secrets a chunk at a time (one search of the joined text, not one per line);
      // only a chunk that holds one is built again, each record line that does masked.
      if (this.secrets.size > 0 && this.secrets.occursIn(chunk))
        chunk = chunk
          .split('\n')
          .map((line) => this.maskedRecord(line))
          .join('\n');
      this.buffer = [];
      this.bufferedBytes = 0;
      const ok = this.out.write(chunk);
      if (!ok) {
        // Listen now, not after earlier waits: one 'drain' (the pipe emptied) answers every chunk written before it.
        this.drained ??= new Promise<void>((resolve) => {
          const done = () => {
            this.out.off('drain', done);
            this.out.off('error', done);
            this.out.off('close', done);
            this.drained = undefined;
            resolve();
          };
          this.out.once('drain', done);
          this.out.once('error', done);
          this.out.once('close', done);
        });
        this.pending = this.drained;
      }
    }
    return this.pending;
  }
}

/** A batch of one stream's records, written by `writeRecords` (the engine's hand-off to the writer). */
export interface RecordBatch {
  type: 'RECORDS';
  stream: string;
  data: Array<Record<string, unknown>>;
}

/** A record too deep for JSON.stringify's stack fails its stream with a clear error, not the whole read. */
function serialize(message: AirbyteMessage): string {
  try {
    return JSON.stringify(message);
  } catch (err) {
    if (message.type !== 'RECORD' || !(err instanceof RangeError)) throw err;
    throw tooDeep(message.record.stream);
  }
}

function serializeData(stream: string, data: Record<string, unknown>): string {
  try {
    return JSON.stringify(data);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw tooDeep(stream);
  }
}

const tooDeep = (stream: string) =>
  new ConnectorError(
    `A record of ${stream} is nested too deeply to be written; the read of this stream stops.`,
    'transient_error',
  );
