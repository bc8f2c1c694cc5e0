/**
 * The one HTTP layer every stream uses: builds URLs under the base URL, signs requests, spaces them
 * through the rate limiter, retries what is transient and turns everything else into a ConnectorError
 * with Pinterest's own message.
 *
 * It calls the global `fetch` with its own undici Agent (keep-alive, connection and header timeouts of this
 * requester's config; no process-wide dispatcher), so tests that intercept fetch (msw) run exactly this code.
 */
import type { Agent } from 'undici';
import { ConnectorError, QuotaExhaustedError, configError } from '../errors';
import { sleep } from '../util/async';
import { ResponseTooLargeError, RetriesExhaustedError } from './errors';
import { decide, isDnsFailure, networkProblem, rateLimitWait, type Attempt, type KnownAnswer } from './decision';
import { ResumableArrayDownload } from './resumable-download';
import {
  boundedFetch,
  contentLength,
  discardBody,
  isEncoded,
  readBounded,
  requestDeadline,
  validateBaseUrl,
  type Watchdog,
} from './bounded-fetch';
import { Channel } from '../util/async';
import type { RateLimitCategory, RateLimiter } from './rate-limiter';

/**
 * Only the Agent, not the package's index (which also loads fetch, WebSocket, the cache and the mocks): about
 * 0.1 s less at every start, on the way to the first record. The same class the index exports.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AgentClass: typeof Agent = require('undici/lib/dispatcher/agent');

export interface RetryPolicy {
  maxAttempts: number; // attempts for 5xx, network errors, timeouts, broken bodies
  baseDelayMs: number; // exponential backoff: base · 2^(attempt−1), with full jitter, capped
  maxDelayMs: number;
  spurious400Attempts: number; // the "last 90 days" 400 on a valid window
  spurious400DelayMs: number;
  /** request_timeout_seconds: one attempt's time waiting on the network, headers and whole body together. */
  timeoutMs: number;
  /** A cap on that time below timeoutMs (tests shorten it; production leaves it above the timeout). */
  deadlineMs: number;
  /** Decoded bytes of a streamed answer (analytics rows, read as they arrive). */
  maxResponseBytes: number;
  /** Decoded bytes of an answer read whole (list pages, small answers): it is held in memory. */
  maxBodyBytes: number;
  /** One element of a streamed array (a row): a string that never ends stops here. */
  maxElementBytes: number;
  /** Pages of one list before it is taken to be endless. */
  maxPages: number;
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  spurious400Attempts: 3,
  spurious400DelayMs: 1000,
  timeoutMs: 120_000,
  deadlineMs: 15 * 60_000,
  maxResponseBytes: 512 * 1024 * 1024,
  maxBodyBytes: 32 * 1024 * 1024,
  maxElementBytes: 16 * 1024 * 1024,
  maxPages: 100_000,
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
  /** Error answers that are final for this request (e.g. a 503 with code 4197, "ramped down"): never retried. */
  knownAnswers?: readonly KnownAnswer[];
  /** Consume a 2xx body as it arrives (arrayStream); returns the attempt's outcome. */
  onBody?: (response: Response, what: string, watchdog: Watchdog) => Promise<Attempt>;
}

export interface TokenSource {
  token(): Promise<string>;
  /** The token was rejected (401): refresh it if that is possible. Returns false when it is not. */
  invalidate(rejected: string): Promise<boolean>;
  /** Pinterest answered a request carrying this token with anything but 401. */
  accepted?(token: string): void;
}

/** Fresh tokens one request may see rejected before the credentials are taken to be bad. */
const MAX_REFRESHES_PER_REQUEST = 10;

interface RequesterOptions {
  baseUrl: string;
  limiter: RateLimiter;
  retry?: Partial<RetryPolicy>;
  log?: (level: 'DEBUG' | 'INFO' | 'WARN', message: string) => void;
  /** Every answer's Date header (the server's day decides Pinterest's date limits). */
  onServerDate?: (date: string | null) => void;
}

interface RequestStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

/** The API's base URL check lives at the edge; re-exported for the commands that check PINTEREST_API_URL. */
export { validateBaseUrl };

export class Requester {
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  readonly stats: RequestStats = { requests: 0, retries: 0, rateLimited: 0 };
  private tokens?: TokenSource;
  /** This requester's connections; the body timeout is the watchdog's (paused while our consumer works). */
  private readonly dispatcher: Agent;

  constructor(private readonly opts: RequesterOptions) {
    this.baseUrl = validateBaseUrl(opts.baseUrl);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.dispatcher = new AgentClass({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: this.retry.timeoutMs,
      bodyTimeout: 0,
      connections: 64,
    });
  }

  /** Closes the connections (open keep-alive sockets would hold the process). */
  async close(): Promise<void> {
    await this.dispatcher.close();
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
    const download = new ResumableArrayDownload(key, this.retry, (elements) => channel.put(elements));
    const onBody = (response: Response, what: string, watchdog: Watchdog) => download.consume(response, what, watchdog);
    const done = this.json({ ...spec, onBody }).then(
      () => channel.close(),
      (err) => channel.fail(err),
    );
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
    // Each new token this request sees rejected is refreshed (tokens may expire again and again during a long
    // read); a token refused before Pinterest ever accepted it means bad credentials (the token source says so).
    let rejected: string | undefined;
    let refreshes = 0;
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
          if (
            token &&
            token !== rejected &&
            refreshes < MAX_REFRESHES_PER_REQUEST &&
            (await this.requireTokens().invalidate(token))
          ) {
            rejected = token;
            refreshes++;
            attempts--;
            continue;
          }
          throw configError(
            `Pinterest rejected the credentials (HTTP 401: ${result.error.apiMessage}). The access token is expired or revoked: re-authenticate the source (or give a new access token).`,
          );
        case 'spurious400':
          if (++spurious > this.retry.spurious400Attempts) throw result.error;
          if ((result.delayMs ?? 0) > this.retry.maxRateLimitWaitMs) {
            throw new ConnectorError(
              `Pinterest asked to retry ${what} after ${Math.ceil(result.delayMs! / 1000)} s, longer than max_rate_limit_wait_seconds; the next sync resumes from the saved state.`,
              'transient_error',
            );
          }
          this.stats.retries++;
          attempts--;
          this.opts.log?.(
            'DEBUG',
            `${what}: Pinterest answered "${result.error.apiMessage}"; retrying (${spurious}/${this.retry.spurious400Attempts})`,
          );
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
          if (attempts >= this.retry.maxAttempts)
            throw new RetriesExhaustedError(
              what,
              attempts,
              lastProblem,
              result.local ? new URL(this.baseUrl).hostname : undefined,
            );
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
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'source-pinterest (Airbyte connector)',
      ...spec.headers,
    };
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
    const startedAt = Date.now();
    const controller = new AbortController();
    const budgetMs = Math.min(this.retry.timeoutMs, this.retry.deadlineMs);
    const watchdog = requestDeadline(
      controller,
      budgetMs,
      `timed out: the request took longer than its deadline of ${formatSeconds(budgetMs)} (headers and body)`,
    );
    watchdog.resume();
    try {
      response = await boundedFetch(this.buildUrl(spec), {
        method: spec.method ?? 'GET',
        headers,
        body,
        signal: controller.signal,
        dispatcher: this.dispatcher,
        // Every request carries a credential (and the token request a body): none is re-sent to another host.
        maxRedirects: 0,
      });
      this.opts.onServerDate?.(response.headers.get('date'));
      if (token && response.status !== 401) this.tokens?.accepted?.(token);
      // Method, path and status only: query values (bookmarks, ids) and headers stay out of the log.
      this.opts.log?.('DEBUG', `${what} → HTTP ${response.status} in ${Date.now() - startedAt} ms`);
      if (response.status >= 300 && response.status < 400) {
        discardBody(response);
        return decide(response.status, response.headers, Buffer.alloc(0), what);
      }
      const length = contentLength(response.headers);
      const limit = spec.onBody ? this.retry.maxResponseBytes : this.retry.maxBodyBytes;
      if (length > limit) {
        discardBody(response);
        return { kind: 'fail', error: new ResponseTooLargeError(what, length, limit) };
      }
      if (spec.onBody && response.status >= 200 && response.status < 300) {
        this.observeRemaining(spec.category, response.headers);
        return await spec.onBody(response, what, watchdog);
      }
      // Bytes, not text: the length check counts what was sent, and a large answer stays compact (UTF-8).
      const read = await readBounded(response, this.retry.maxBodyBytes);
      if (read === 'too large')
        return { kind: 'fail', error: new ResponseTooLargeError(what, undefined, this.retry.maxBodyBytes) };
      bytes = read;
      if (Number.isFinite(length) && !isEncoded(response.headers) && bytes.length !== length) {
        return { kind: 'retry', problem: `truncated body (${bytes.length} of ${length} bytes)` };
      }
    } catch (err) {
      return { kind: 'retry', problem: networkProblem(err, new URL(this.baseUrl).host), local: isDnsFailure(err) };
    } finally {
      watchdog.pause();
    }
    const decision = decide(response.status, response.headers, bytes, what, spec.knownAnswers);
    if (decision.kind === 'ok') this.observeRemaining(spec.category, response.headers);
    return decision;
  }

  /** Pinterest may announce a nearly spent budget: hold the category until its reset instead of hitting 429. */
  private observeRemaining(category: RateLimitCategory, headers: Headers): void {
    const header = headers.get('x-ratelimit-remaining') ?? headers.get('x-userendpoint-ratelimit-remaining');
    const remaining = Number(header);
    if (header === null || header.trim() === '' || !Number.isFinite(remaining) || remaining > 1) return;
    const wait = rateLimitWait(headers);
    if (wait.waitMs !== undefined && wait.waitMs <= this.retry.maxRateLimitWaitMs)
      this.opts.limiter.block(category, Date.now() + wait.waitMs);
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
