/**
 * Pinterest's asynchronous reports as one component of the toolkit: create (POST JSON through the shared
 * requester, category ads_analytics) → poll (GET …/reports?token=, backing off) → download the file at the
 * pre-signed `url` (another host: never an Authorization header) → stream-parse it into rows.
 *
 * Failures are asked again, bounded, then surface as a transient error — a window is never skipped:
 * a FAILED / CANCELLED / EXPIRED / DOES_NOT_EXIST report is created anew; an expired or refused link is
 * polled again for a fresh one; a broken or truncated download is downloaded again and resumed after the
 * rows already given (checked identical, as the requester does for streamed answers).
 */
import { ConnectorError } from '../errors';
import { MAX_TIMER_MS, contentLength, discardBody, fetchWithoutCredentials, isEncoded } from '../http/bounded-fetch';
import { MalformedJsonError } from '../http/json-stream';
import type { Requester } from '../http/requester';
import { GivenPrefix } from '../http/resumable-download';
import { sleep } from '../util/async';
import { CsvSplitter, MalformedCsvError, ReportJsonSplitter } from './parse';

/** Seconds between polls: quick at first (small reports finish in seconds), then every 30 s. */
const POLL_SCHEDULE_SECONDS = [0.5, 1, 2, 4, 8, 15, 30];

export interface ReportPolicy {
  pollScheduleMs: number[];
  /** A report not FINISHED after this long is given up and created anew (Pinterest keeps one for an hour). */
  maxWaitMs: number;
  /**
   * Everything one report window may take: creations, polls, re-creations and downloads together. A status
   * that cycles or never finishes, or a download announced as huge, ends here with a transient error.
   */
  maxWindowMs: number;
  /** Creations of one report (FAILED, CANCELLED, EXPIRED, too slow) before the read stops. */
  maxCreations: number;
  /** Downloads of one report (expired link, cut or broken file) before the read stops. */
  maxDownloads: number;
  /** Download deadline: this much, plus the announced size at `minBytesPerSecond`, at most `maxDownloadMs`. */
  downloadBaseMs: number;
  minBytesPerSecond: number;
  maxDownloadMs: number;
  /** Decoded bytes one file may have at most (a gzip bomb or a runaway file stops here). */
  maxDecodedBytes: number;
  /** A link older than this is refreshed by polling before the download starts (Pinterest's last 5 minutes). */
  linkFreshMs: number;
}

const DEFAULT_REPORT_POLICY: ReportPolicy = {
  pollScheduleMs: POLL_SCHEDULE_SECONDS.map((s) => s * 1000),
  maxWaitMs: 55 * 60_000,
  maxWindowMs: 2 * 60 * 60_000,
  maxCreations: 5,
  maxDownloads: 6,
  downloadBaseMs: 120_000,
  minBytesPerSecond: 1024 * 1024,
  maxDownloadMs: 60 * 60_000,
  maxDecodedBytes: 16 * 1024 ** 3,
  linkFreshMs: 4 * 60_000,
};

export interface ReportSpec {
  adAccountId: string;
  /** The JSON body of POST /ad_accounts/{id}/reports. */
  body: Record<string, unknown>;
  /** For messages: "campaign_analytics 2024-01-01…2024-07-04 (account 123)". */
  label: string;
}

/** What a parsed file yields: JSON rows (text + top-level key) or CSV records (header first). */
export type ReportChunk =
  | { kind: 'json'; rows: Array<{ key?: string; text: string }> }
  | { kind: 'csv'; header: string[]; records: string[][] };

interface ReportStats {
  created: number;
  polls: number;
  downloads: number;
  bytes: number;
  recreated: number;
  redownloaded: number;
}

/** A finished report's link; `deadline` is the end of its window's time (epoch ms), carried over re-creations. */
interface Ready {
  token: string;
  url: string;
  size?: number;
  at: number;
  deadline: number;
}

const TERMINAL_BAD = new Set(['FAILED', 'CANCELLED', 'EXPIRED', 'DOES_NOT_EXIST']);

/** A look-ahead report whose stream stopped: it is no longer polled (else its timers would keep the process alive). */
export class ReportCancelled extends Error {
  constructor(label: string) {
    super(`${label}: no longer needed`);
  }
}

class RetryableReportProblem extends Error {
  constructor(
    message: string,
    readonly recreate: boolean,
  ) {
    super(message);
  }
}

export class ReportRunner {
  readonly stats: ReportStats = { created: 0, polls: 0, downloads: 0, bytes: 0, recreated: 0, redownloaded: 0 };
  readonly policy: ReportPolicy;

  constructor(
    private readonly requester: Requester,
    private readonly log: (level: 'DEBUG' | 'INFO' | 'WARN', message: string) => void,
    policy: Partial<ReportPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_REPORT_POLICY, ...policy };
  }

  private path(spec: ReportSpec): string {
    if (!/^\d{1,20}$/.test(spec.adAccountId))
      throw new ConnectorError(
        `Refusing to request a report for ad account ${JSON.stringify(spec.adAccountId)}: not a numeric id.`,
        'config_error',
      );
    return `/ad_accounts/${spec.adAccountId}/reports`;
  }

  /** POST the report; returns its token. Pinterest's refusal (400) surfaces as the requester's ApiError. */
  async create(spec: ReportSpec): Promise<string> {
    const answer = await this.requester.json<{ token?: unknown; report_status?: unknown; message?: unknown }>({
      method: 'POST',
      path: this.path(spec),
      category: 'ads_analytics',
      jsonBody: spec.body,
    });
    this.stats.created++;
    if (typeof answer?.token !== 'string' || answer.token === '') {
      const status = typeof answer?.report_status === 'string' ? answer.report_status : 'no status';
      const message = typeof answer?.message === 'string' ? `: ${answer.message}` : '';
      throw new RetryableReportProblem(
        `Pinterest accepted the report ${spec.label} but gave no token (${status}${message})`,
        true,
      );
    }
    return answer.token;
  }

  /** One poll: the report's status, and its link once FINISHED. */
  async poll(spec: ReportSpec, token: string): Promise<{ status: string; url?: string; size?: number }> {
    const answer = await this.requester.json<{ report_status?: unknown; url?: unknown; size?: unknown }>({
      path: this.path(spec),
      category: 'ads_analytics',
      query: { token },
    });
    this.stats.polls++;
    const status = typeof answer?.report_status === 'string' ? answer.report_status : 'UNKNOWN';
    const url = typeof answer?.url === 'string' && answer.url !== '' ? answer.url : undefined;
    const size =
      typeof answer?.size === 'number' && Number.isFinite(answer.size) && answer.size >= 0 ? answer.size : undefined;
    return { status, url, size };
  }

  /** Polls on the schedule until FINISHED with a link; a failed or vanished report asks to be created anew. */
  async waitReady(
    spec: ReportSpec,
    token: string,
    cancelled?: () => boolean,
    deadline = this.windowDeadline(),
  ): Promise<Ready> {
    const started = Date.now();
    for (let n = 0; ; n++) {
      const delays = this.policy.pollScheduleMs;
      await sleep(Math.min(delays[Math.min(n, delays.length - 1)], Math.max(0, deadline - Date.now())));
      if (cancelled?.()) throw new ReportCancelled(spec.label);
      this.checkWindow(spec, deadline);
      const { status, url, size } = await this.poll(spec, token);
      if (status === 'FINISHED' && url) return { token, url, size, at: Date.now(), deadline };
      if (TERMINAL_BAD.has(status))
        throw new RetryableReportProblem(`Pinterest reported the report ${spec.label} as ${status}`, true);
      if (Date.now() - started > this.policy.maxWaitMs) {
        throw new RetryableReportProblem(
          `the report ${spec.label} was not ready after ${Math.round((Date.now() - started) / 60_000)} minutes`,
          true,
        );
      }
    }
  }

  /** Create and wait; a report Pinterest fails is created again (bounded). */
  async prepare(spec: ReportSpec, cancelled?: () => boolean, deadline = this.windowDeadline()): Promise<Ready> {
    let last = '';
    for (let creation = 1; creation <= this.policy.maxCreations; creation++) {
      if (cancelled?.()) throw new ReportCancelled(spec.label);
      this.checkWindow(spec, deadline);
      try {
        const token = await this.create(spec);
        return await this.waitReady(spec, token, cancelled, deadline);
      } catch (err) {
        if (!(err instanceof RetryableReportProblem)) throw err;
        last = err.message;
        this.stats.recreated++;
        this.log('WARN', `${last}; asking for it again (${creation}/${this.policy.maxCreations}).`);
      }
    }
    throw new ConnectorError(
      `${last}, ${this.policy.maxCreations} times; the window is not skipped: the state stays before it and the next sync asks again.`,
      'transient_error',
    );
  }

  /**
   * The whole life of one report: prepared (or already prepared by the caller, for look-ahead), then
   * downloaded and parsed. Rows come in chunks as the file arrives; a download that breaks is resumed
   * after the rows already given, once the retried file is checked to begin with the very same rows.
   */
  async *rows(spec: ReportSpec, prepared?: Promise<Ready>): AsyncGenerator<ReportChunk> {
    let ready = await (prepared ?? this.prepare(spec));
    const prefix = new GivenPrefix();
    let creations = 1;
    let last = '';
    for (let download = 1; download <= this.policy.maxDownloads; download++) {
      if (Date.now() - ready.at > this.policy.linkFreshMs) ready = await this.refresh(spec, ready);
      prefix.restart();
      try {
        for await (const chunk of this.download(spec, ready)) {
          // Rows already given by an interrupted download must come back first, unchanged.
          const items: string[] =
            chunk.kind === 'json' ? chunk.rows.map((r) => r.text) : chunk.records.map((r) => r.join('\u0001'));
          const skip = prefix.take(items);
          if (skip === 'differs') {
            throw new ConnectorError(
              `${spec.label}: the report file downloaded again differs from the interrupted one; the window is read again by the next sync.`,
              'transient_error',
            );
          }
          if (skip === items.length) continue;
          yield chunk.kind === 'json'
            ? { kind: 'json', rows: chunk.rows.slice(skip) }
            : { kind: 'csv', header: chunk.header, records: chunk.records.slice(skip) };
        }
        if (prefix.short)
          throw new ConnectorError(
            `${spec.label}: the report file downloaded again has fewer rows than the interrupted one; the window is read again by the next sync.`,
            'transient_error',
          );
        return;
      } catch (err) {
        if (!(err instanceof RetryableReportProblem)) throw err;
        last = err.message;
        this.stats.redownloaded++;
        this.log('WARN', `${spec.label}: ${last}; downloading again (${download}/${this.policy.maxDownloads}).`);
        if (err.recreate) {
          if (++creations > this.policy.maxCreations) break;
          this.stats.recreated++;
          ready = await this.prepare(spec, undefined, ready.deadline);
        } else {
          ready = await this.refresh(spec, ready);
        }
      }
    }
    throw new ConnectorError(
      `${spec.label}: the report file could not be downloaded (${last}); the window is not skipped: the state stays before it and the next sync asks again.`,
      'transient_error',
    );
  }

  /** A fresh link for the same report; a report Pinterest has dropped is prepared again. */
  private async refresh(spec: ReportSpec, ready: Ready): Promise<Ready> {
    this.checkWindow(spec, ready.deadline);
    const { status, url, size } = await this.poll(spec, ready.token);
    if (status === 'FINISHED' && url)
      return { token: ready.token, url, size, at: Date.now(), deadline: ready.deadline };
    this.log('INFO', `${spec.label}: the report is ${status} when asked for a fresh link; asking for it again.`);
    this.stats.recreated++;
    return this.prepare(spec, undefined, ready.deadline);
  }

  private windowDeadline(): number {
    return Date.now() + this.policy.maxWindowMs;
  }

  /** The window's time is spent: the read stops (transient), the state stays before the window. */
  private checkWindow(spec: ReportSpec, deadline: number): void {
    if (Date.now() < deadline) return;
    throw new ConnectorError(
      `${spec.label}: the report was not read within ${formatMinutes(this.policy.maxWindowMs)} (creation, polls and downloads of one window together); the window is not skipped: the state stays before it and the next sync asks again.`,
      'transient_error',
    );
  }

  /**
   * The size-based download deadline: a base, plus the announced size at the slowest accepted pace, at most
   * `maxDownloadMs` and never past the window's deadline (a huge or absurd `size` cannot overflow the timer).
   */
  downloadDeadlineMs(size: number | undefined, windowDeadline: number): number {
    const bySize = this.policy.downloadBaseMs + Math.ceil(((size ?? 0) / this.policy.minBytesPerSecond) * 1000);
    return Math.max(1, Math.min(bySize, this.policy.maxDownloadMs, windowDeadline - Date.now(), MAX_TIMER_MS));
  }

  /** The file at the pre-signed link, parsed as it arrives. Throws RetryableReportProblem for what a new download may cure. */
  private async *download(spec: ReportSpec, ready: Ready): AsyncGenerator<ReportChunk> {
    this.checkWindow(spec, ready.deadline);
    const deadlineMs = this.downloadDeadlineMs(ready.size, ready.deadline);
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('the download timed out', 'TimeoutError')),
      deadlineMs,
    );
    this.stats.downloads++;
    let response: Response;
    try {
      response = await fetchWithoutCredentials(ready.url, controller.signal, this.requester.baseUrl);
    } catch (err) {
      clearTimeout(timer);
      if (err instanceof ConnectorError) throw err;
      throw new RetryableReportProblem(`the download failed (${problemOf(err)})`, false);
    }
    try {
      if (response.status === 403 || response.status === 404 || response.status === 410 || response.status === 400) {
        // An expired pre-signed link answers 403 (S3: "Request has expired"): ask for a fresh one.
        const text = await safeText(response);
        throw new RetryableReportProblem(
          `the download link was refused (HTTP ${response.status}${/expired/i.test(text) ? ', expired' : ''})`,
          false,
        );
      }
      if (response.status < 200 || response.status >= 300) {
        discardBody(response);
        throw new RetryableReportProblem(`the download answered HTTP ${response.status}`, false);
      }
      const length = contentLength(response.headers);
      const encoded = isEncoded(response.headers);
      const type = (response.headers.get('content-type') ?? '').toLowerCase();
      const urlPath = new URL(ready.url).pathname.toLowerCase();
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let received = 0;
      let parser: ReportJsonSplitter | CsvSplitter | undefined;
      let header: string[] | undefined;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const chunk = Buffer.from(value.buffer, value.byteOffset, value.length);
          received += chunk.length;
          this.stats.bytes += chunk.length;
          if (received > this.policy.maxDecodedBytes) {
            throw new ConnectorError(
              `${spec.label}: the report file is larger than ${this.policy.maxDecodedBytes} bytes decoded; the read stops rather than run out of memory or disk.`,
              'transient_error',
            );
          }
          if (!parser) parser = pickParser(chunk, type, urlPath);
          if (parser instanceof ReportJsonSplitter) {
            const rows = parser.push(chunk);
            if (rows.length > 0) yield { kind: 'json', rows };
          } else {
            let records = parser.push(chunk);
            if (!header && records.length > 0) {
              header = records[0];
              records = records.slice(1);
            }
            if (records.length > 0) yield { kind: 'csv', header: header!, records };
          }
        }
        if (!parser) throw new RetryableReportProblem('the report file was empty', false);
        if (parser instanceof ReportJsonSplitter) {
          parser.end();
        } else {
          let records = parser.end();
          if (!header && records.length > 0) {
            header = records[0];
            records = records.slice(1);
          }
          if (records.length > 0) yield { kind: 'csv', header: header!, records };
        }
        if (Number.isFinite(length) && !encoded && received !== length)
          throw new RetryableReportProblem(`the download stopped at ${received} of ${length} bytes`, false);
      } catch (err) {
        void reader.cancel().catch(() => undefined);
        if (err instanceof RetryableReportProblem || err instanceof ConnectorError) throw err;
        if ((err instanceof MalformedJsonError || err instanceof MalformedCsvError) && !err.truncated) {
          throw new ConnectorError(
            `${spec.label}: the report file has an unexpected shape (${err.message}); no window is skipped, the read stops.`,
            'transient_error',
          );
        }
        if (err instanceof MalformedJsonError || err instanceof MalformedCsvError)
          throw new RetryableReportProblem(`the report file was cut short (${err.message})`, false);
        throw new RetryableReportProblem(`the download broke (${problemOf(err)})`, false);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function pickParser(first: Buffer, contentType: string, path: string): ReportJsonSplitter | CsvSplitter {
  let i = 0;
  if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) i = 3;
  while (i < first.length && first[i] <= 32) i++;
  const lead = first[i];
  if (lead === 123 || lead === 91) return new ReportJsonSplitter();
  if (contentType.includes('csv')) return new CsvSplitter();
  if (contentType.includes('json') || path.endsWith('.json')) return new ReportJsonSplitter(); // it will say what is wrong
  return new CsvSplitter();
}

async function safeText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, 2000);
  } catch {
    return '';
  }
}

function formatMinutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 100) / 10} s`;
}

function problemOf(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return `${e?.message ?? String(err)}${e?.cause?.code ? ` (${e.cause.code})` : ''}`;
}
