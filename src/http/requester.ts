/**
 * The one HTTP layer every stream uses: builds URLs under the base URL, signs requests, spaces them
 * through the rate limiter, retries what is transient and turns everything else into a ConnectorError
 * with Pinterest's own message.
 *
 * It calls the global `fetch` (undici's Agent is installed behind it by `installHttpAgent`, for keep-alive
 * and timeouts), so tests that intercept fetch (msw) run exactly this code.
 */
import { Agent, setGlobalDispatcher } from 'undici';
import { ConnectorError, QuotaExhaustedError, configError } from '../errors';
import { sleep } from '../util/async';
import { ApiError, ResponseTooLargeError, RetriesExhaustedError } from './errors';
import { ArrayElementSplitter, MalformedJsonError } from './json-stream';
import { Channel, ChannelClosedError } from '../util/async';
import type { RateLimitCategory, RateLimiter } from './rate-limiter';

export interface RetryPolicy {
  maxAttempts: number;      // attempts for 5xx, network errors, timeouts, broken bodies
  baseDelayMs: number;      // exponential backoff: base · 2^(attempt−1), with full jitter, capped
  maxDelayMs: number;
  spurious400Attempts: number; // the "last 90 days" 400 on a valid window
  spurious400DelayMs: number;
  timeoutMs: number;        // whole request, headers and body
  maxResponseBytes: number;
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  spurious400Attempts: 3,
  spurious400DelayMs: 1000,
  timeoutMs: 120_000,
  maxResponseBytes: 512 * 1024 * 1024,
  maxRateLimitWaitMs: 600_000,
};

export interface RequestSpec {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  category: RateLimitCategory;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json (the report API takes its parameters only as a JSON body). */
  jsonBody?: unknown;
  headers?: Record<string, string>;
  /** false for the token endpoint, which carries its own Basic authorization. */
  auth?: boolean;
  /** Consume a 2xx body as it arrives (arrayStream); returns the attempt's outcome. */
  onBody?: (response: Response, what: string, watchdog: Watchdog) => Promise<Attempt>;
}

/**
 * The request timeout as a watchdog: it runs while we wait on the network and is paused while our own
 * consumer works on what arrived (a slow destination must not make Pinterest look slow).
 */
export interface Watchdog { pause(): void; resume(): void }

export interface TokenSource {
  token(): Promise<string>;
  /** The token was rejected (401): refresh it if that is possible. Returns false when it is not. */
  invalidate(rejected: string): Promise<boolean>;
}

export interface RequesterOptions {
  baseUrl: string;
  limiter: RateLimiter;
  retry?: Partial<RetryPolicy>;
  log?: (level: 'DEBUG' | 'INFO' | 'WARN', message: string) => void;
}

export interface RequestStats { requests: number; retries: number; rateLimited: number }

let agentInstalled = false;
/** Keep-alive connections and socket timeouts for every fetch of the process. */
export function installHttpAgent(timeoutMs: number): void {
  if (agentInstalled) return;
  agentInstalled = true;
  // The body timeout is the requester's watchdog (paused while a streamed answer waits on our consumer).
  setGlobalDispatcher(new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, headersTimeout: timeoutMs, bodyTimeout: 0, connections: 64 }));
}

/** Only https, or http on loopback (tests and the simulator); anything else could leak the token. */
export function validateBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(`PINTEREST_API_URL is not a URL: ${raw}`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]', '::1'].includes(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw configError(`PINTEREST_API_URL must be an https:// URL (or http:// on loopback), got ${url.protocol}//${url.host}`);
  }
  return raw.replace(/\/+$/, '');
}

export type Attempt =
  | { kind: 'ok'; body: unknown }
  | { kind: 'retry'; problem: string; delayMs?: number }
  | { kind: 'rate_limited'; waitMs?: number; resetAtMs?: number }
  | { kind: 'unauthorized'; error: ApiError }
  | { kind: 'spurious400'; error: ApiError; delayMs?: number }
  | { kind: 'fail'; error: ConnectorError };

export class Requester {
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  readonly stats: RequestStats = { requests: 0, retries: 0, rateLimited: 0 };
  private tokens?: TokenSource;

  constructor(private readonly opts: RequesterOptions) {
    this.baseUrl = validateBaseUrl(opts.baseUrl);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  setTokenSource(tokens: TokenSource): void {
    this.tokens = tokens;
  }

  describe(spec: RequestSpec): string {
    return `${spec.method ?? 'GET'} ${spec.path}`;
  }

  /**
   * The elements of an array answer (the top-level array, or the one under `key`), as their JSON texts, in
   * batches as the bytes arrive: a large answer is never held whole. A download that breaks is retried and
   * resumed after the elements already given, once the retried answer is checked to start with the very
   * same elements — so nothing is given twice and nothing is skipped.
   */
  async *arrayStream(spec: RequestSpec, key?: string): AsyncGenerator<string[]> {
    const channel = new Channel<string[]>();
    let given = 0;
    let givenHash = FNV_OFFSET;
    const onBody = async (response: Response, what: string, watchdog: Watchdog): Promise<Attempt> => {
      const splitter = new ArrayElementSplitter(key);
      const length = Number(response.headers.get('content-length') ?? NaN);
      const encoded = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
      let seen = 0;
      let seenHash = FNV_OFFSET;
      let received = 0;
      let first = true;
      let leadType = 'empty';
      // A reader, not for-await: leaving early must not wait for the stream's cancellation.
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const abandon = () => { void reader.cancel().catch(() => undefined); };
      try {
        for (;;) {
          watchdog.resume();
          const { done, value: raw } = await reader.read();
          watchdog.pause();
          if (done) break;
          const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
          received += chunk.length;
          if (first && chunk.length > 0) {
            first = false;
            const lead = chunk.toString('latin1', 0, 64).trimStart()[0];
            leadType = lead === '{' ? 'object' : 'list';
            if (lead !== '{' && lead !== '[') {
              abandon();
              return { kind: 'retry', problem: `HTTP ${response.status} with a body that is not JSON (${snippet(chunk.toString('utf8', 0, 200))})` };
            }
          }
          let elements = splitter.push(chunk);
          if (elements.length === 0) continue;
          if (seen < given) {
            // A retried download: the elements already given must come back first, unchanged.
            const skip = Math.min(given - seen, elements.length);
            for (let k = 0; k < skip; k++) seenHash = fnv1a(seenHash, elements[k]);
            seen += skip;
            if (seen === given && seenHash !== givenHash) {
              abandon();
              return { kind: 'fail', error: new ConnectorError(`Pinterest answered the retried ${what} differently from the interrupted one; this window is read again in the next sync.`, 'transient_error') };
            }
            elements = elements.slice(skip);
            if (elements.length === 0) continue;
          }
          for (const e of elements) givenHash = fnv1a(givenHash, e);
          given += elements.length;
          seen = given;
          seenHash = givenHash;
          await channel.put(elements);
        }
        splitter.end();
      } catch (err) {
        abandon();
        if (err instanceof ChannelClosedError) throw err;
        if (err instanceof MalformedJsonError && !err.truncated) {
          return { kind: 'fail', error: new ConnectorError(`Pinterest answered ${what} with an unexpected shape (${leadType}) — ${err.message}; no records were taken from it.`, 'transient_error') };
        }
        return { kind: 'retry', problem: err instanceof MalformedJsonError ? `truncated body (${err.message})` : networkProblem(err) };
      }
      if (Number.isFinite(length) && !encoded && received !== length) return { kind: 'retry', problem: `truncated body (${received} of ${length} bytes)` };
      if (seen < given) {
        return { kind: 'fail', error: new ConnectorError(`Pinterest answered the retried ${what} with fewer rows than the interrupted one; this window is read again in the next sync.`, 'transient_error') };
      }
      return { kind: 'ok', body: undefined };
    };
    const done = this.json({ ...spec, onBody }).then(() => channel.close(), (err) => channel.fail(err));
    try {
      yield* channel;
    } finally {
      channel.cancel();
      await done;
    }
  }

  /** Sends a request and returns its parsed JSON body; retries and rate limits are handled here. */
  async json<T = unknown>(spec: RequestSpec): Promise<T> {
    const what = this.describe(spec);
    let attempts = 0;
    let spurious = 0;
    let refreshed = false;
    let rateLimitWaitedMs = 0;
    let rateLimitHits = 0;
    let lastProblem = '';
    for (;;) {
      attempts++;
      const token = spec.auth === false ? undefined : await this.requireTokens().token();
      const result = await this.opts.limiter.schedule(spec.category, () => this.attempt(spec, token));
      switch (result.kind) {
        case 'ok':
          return result.body as T;
        case 'unauthorized':
          // The token endpoint itself (no bearer): the caller turns Pinterest's answer into its own message.
          if (spec.auth === false) throw result.error;
          if (!refreshed && token && (await this.requireTokens().invalidate(token))) {
            refreshed = true;
            attempts--;
            continue;
          }
          throw configError(
            `Pinterest rejected the credentials (HTTP 401: ${result.error.apiMessage}). The access token is expired or revoked: re-authenticate the source (or give a new access token).`,
          );
        case 'spurious400':
          if (++spurious > this.retry.spurious400Attempts) throw result.error;
          if ((result.delayMs ?? 0) > this.retry.maxRateLimitWaitMs) {
            throw new ConnectorError(`Pinterest asked to retry ${what} after ${Math.ceil(result.delayMs! / 1000)} s, longer than max_rate_limit_wait_seconds; the next sync resumes from the saved state.`, 'transient_error');
          }
          this.stats.retries++;
          attempts--;
          this.opts.log?.('DEBUG', `${what}: Pinterest answered "${result.error.apiMessage}"; retrying (${spurious}/${this.retry.spurious400Attempts})`);
          await sleep(result.delayMs ?? this.retry.spurious400DelayMs);
          continue;
        case 'rate_limited': {
          this.stats.rateLimited++;
          attempts--;
          // A wait of 0 (a reset already past) still backs off: an immediate retry would hammer the API.
          const hit = ++rateLimitHits;
          const waitMs = result.waitMs && result.waitMs > 0 ? result.waitMs : this.backoff(Math.min(hit, 10));
          if (rateLimitWaitedMs + waitMs > this.retry.maxRateLimitWaitMs) {
            const error = new QuotaExhaustedError(
              spec.category,
              result.resetAtMs ?? Date.now() + waitMs,
              `Pinterest's ${spec.category} rate limit is spent: it resets in ${Math.ceil(waitMs / 1000)} s, longer than max_rate_limit_wait_seconds (${Math.round(this.retry.maxRateLimitWaitMs / 1000)} s). The state of finished windows is saved; the next sync resumes from there.`,
            );
            this.opts.limiter.markExhausted(error);
            throw error;
          }
          rateLimitWaitedMs += waitMs;
          this.opts.limiter.block(spec.category, Date.now() + waitMs);
          this.opts.log?.('DEBUG', `${what}: rate limited (${spec.category}); waiting ${Math.ceil(waitMs / 1000)} s`);
          continue;
        }
        case 'retry':
          lastProblem = result.problem;
          if (attempts >= this.retry.maxAttempts) throw new RetriesExhaustedError(what, attempts, lastProblem);
          this.stats.retries++;
          this.opts.log?.('DEBUG', `${what}: ${result.problem}; retry ${attempts}/${this.retry.maxAttempts - 1}`);
          await sleep(result.delayMs ?? this.backoff(attempts));
          continue;
        case 'fail':
          throw result.error;
      }
    }
  }

  private requireTokens(): TokenSource {
    if (!this.tokens) throw new Error('Requester used before a token source was set');
    return this.tokens;
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return cap / 2 + Math.random() * (cap / 2);
  }

  private buildUrl(spec: RequestSpec): string {
    const url = new URL(this.baseUrl + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private async attempt(spec: RequestSpec, token: string | undefined): Promise<Attempt> {
    const what = this.describe(spec);
    this.stats.requests++;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'source-pinterest (Airbyte connector)', ...spec.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (spec.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(spec.form).toString();
    } else if (spec.jsonBody !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.jsonBody);
    }
    let response: Response;
    let bytes: Buffer;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const watchdog: Watchdog = {
      pause: () => { clearTimeout(timer); timer = undefined; },
      resume: () => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new DOMException('the request timed out', 'TimeoutError')), this.retry.timeoutMs);
      },
    };
    watchdog.resume();
    try {
      response = await fetch(this.buildUrl(spec), {
        method: spec.method ?? 'GET',
        headers,
        body,
        signal: controller.signal,
      });
      const length = Number(response.headers.get('content-length') ?? NaN);
      if (length > this.retry.maxResponseBytes) {
        // Not awaited: a body stream whose cancel never settles (seen with interceptors) must not hang the read.
        void response.body?.cancel().catch(() => undefined);
        return { kind: 'fail', error: new ResponseTooLargeError(what, length) };
      }
      if (spec.onBody && response.status >= 200 && response.status < 300) {
        this.observeRemaining(spec.category, response.headers);
        return await spec.onBody(response, what, watchdog);
      }
      // Bytes, not text: the length check counts what was sent, and a large answer stays compact (UTF-8).
      bytes = await readBody(response, length);
      // With a Content-Encoding, Content-Length counts the compressed bytes, not the decoded body.
      const encoded = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
      if (Number.isFinite(length) && !encoded && bytes.length !== length) {
        return { kind: 'retry', problem: `truncated body (${bytes.length} of ${length} bytes)` };
      }
    } catch (err) {
      return { kind: 'retry', problem: networkProblem(err) };
    } finally {
      watchdog.pause();
    }
    const status = response.status;
    const text = bytes.toString('utf8');
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) {
      if (parsed === undefined) return { kind: 'retry', problem: `HTTP ${status} with a body that is not JSON (${snippet(text)})` };
      this.observeRemaining(spec.category, response.headers);
      return { kind: 'ok', body: parsed };
    }
    const apiCode = typeof (parsed as { code?: unknown })?.code === 'number' ? ((parsed as { code: number }).code) : undefined;
    const apiMessage = typeof (parsed as { message?: unknown })?.message === 'string' ? (parsed as { message: string }).message : snippet(text) || '(no message)';
    if (status === 429) {
      return { kind: 'rate_limited', ...rateLimitWait(response.headers) };
    }
    if (status >= 500 || status === 408) {
      const wait = rateLimitWait(response.headers);
      return { kind: 'retry', problem: `HTTP ${status}: ${apiMessage}`, delayMs: wait.waitMs };
    }
    const error = new ApiError(status, apiCode, apiMessage, what, 'config_error');
    if (status === 401) return { kind: 'unauthorized', error };
    if (status === 400) {
      if (/only get data from the last 90 days/i.test(apiMessage)) return { kind: 'spurious400', error };
      const retryAfter = /retry after (\d+) seconds?/i.exec(apiMessage);
      if (retryAfter) return { kind: 'spurious400', error, delayMs: Number(retryAfter[1]) * 1000 };
      if (apiCode === 12 || /something went wrong/i.test(apiMessage)) return { kind: 'retry', problem: `HTTP 400: ${apiMessage}` };
    }
    return { kind: 'fail', error };
  }

  /** Pinterest may announce a nearly spent budget: hold the category until its reset instead of hitting 429. */
  private observeRemaining(category: RateLimitCategory, headers: Headers): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    if (!Number.isFinite(remaining) || headers.get('x-ratelimit-remaining') === null || remaining > 1) return;
    const wait = rateLimitWait(headers);
    if (wait.waitMs !== undefined && wait.waitMs <= this.retry.maxRateLimitWaitMs) this.opts.limiter.block(category, Date.now() + wait.waitMs);
  }
}

/**
 * The body as one Buffer. With a Content-Length the chunks are copied into a buffer of that size as they
 * arrive (arrayBuffer() would hold the chunks and their concatenation at once: twice a large answer).
 * A body longer than announced is cut there; a shorter one is returned short (the caller sees the gap).
 */
async function readBody(response: Response, length: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  if (!Number.isFinite(length) || length < 0 || (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity') {
    return Buffer.from(await response.arrayBuffer());
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const n = Math.min(chunk.length, length - at);
    if (n > 0) out.set(n === chunk.length ? chunk : chunk.subarray(0, n), at);
    at += chunk.length;
  }
  return at === length ? out : out.subarray(0, Math.min(at, length));
}

/** Retry-After (seconds), else X-RateLimit-Reset: seconds to wait below 10^9, epoch seconds above. */
export function rateLimitWait(headers: Headers, now = Date.now()): { waitMs?: number; resetAtMs?: number } {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return { waitMs: Math.max(0, seconds * 1000), resetAtMs: now + Math.max(0, seconds * 1000) };
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return { waitMs: Math.max(0, date - now), resetAtMs: date };
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && reset.trim() !== '' && Number.isFinite(Number(reset))) {
    const value = Number(reset);
    const resetAtMs = value < 1e9 ? now + value * 1000 : value * 1000;
    return { waitMs: Math.max(0, resetAtMs - now), resetAtMs };
  }
  return {};
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  const c = text.charCodeAt(0);
  // '{' or '[' (after optional whitespace): anything else (an HTML error page) is not an API answer.
  if (c !== 123 && c !== 91 && text.trimStart()[0] !== '{' && text.trimStart()[0] !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const FNV_OFFSET = 0x811c9dc5;
/**
 * FNV-1a over an element's length, its first 64 and last 16 characters: a cheap identity of the elements
 * already given (ids and dates lead each row), computed for every row so it must cost next to nothing.
 */
export function fnv1a(hash: number, text: string): number {
  let h = Math.imul(hash ^ text.length, 0x01000193);
  const head = Math.min(text.length, 64);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  for (let i = Math.max(head, text.length - 16); i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function snippet(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function networkProblem(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `network error: ${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}
