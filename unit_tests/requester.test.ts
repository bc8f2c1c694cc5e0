/**
 * The HTTP layer against msw (which intercepts the global fetch the Requester calls): retries and backoff,
 * broken bodies, timeouts, rate limits and quota exhaustion, Pinterest's transient 400s, error messages,
 * OAuth token refresh, rotation (CONTROL message, --write-config), base-URL validation and request spacing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { delay, http, HttpResponse } from 'msw';
import { ConnectorError, QuotaExhaustedError } from '../src/errors';
import { OAuthTokens, StaticToken } from '../src/http/auth';
import { ApiError, RetriesExhaustedError } from '../src/http/errors';
import { budgetsFromEnv, RateLimiter, STANDARD_BUDGETS, type Budgets } from '../src/http/rate-limiter';
import { rateLimitWait } from '../src/http/decision';
import { DEFAULT_RETRY, Requester, validateBaseUrl, type RetryPolicy, type TokenSource } from '../src/http/requester';
import { API, OAUTH_CONFIG, runConnector, tempFiles } from '../test_kit/in-process';
import { catalogFor } from '../test_kit/catalog';
import { useLimiters, useMswServer } from '../test_kit/msw-server';

const server = useMswServer();

const TINY: Partial<RetryPolicy> = {
  maxAttempts: 3,
  baseDelayMs: 2,
  maxDelayMs: 8,
  spurious400DelayMs: 2,
  timeoutMs: 1000,
  maxRateLimitWaitMs: 5000,
};
const OFF = budgetsFromEnv('off');

const limiters = useLimiters();

function makeRequester(
  opts: { retry?: Partial<RetryPolicy>; tokens?: TokenSource; budgets?: Budgets; concurrency?: number } = {},
): Requester {
  const limiter = new RateLimiter(opts.budgets ?? OFF, opts.concurrency ?? 4);
  limiters.push(limiter);
  const r = new Requester({ baseUrl: API, limiter, retry: { ...TINY, ...opts.retry } });
  r.setTokenSource(opts.tokens ?? new StaticToken('pina.static'));
  return r;
}
const limiterOf = (r: Requester) => (r as unknown as { opts: { limiter: RateLimiter } }).opts.limiter;

/** A handler whose answers are taken in turn (the last one repeats); records each request's time and headers. */
function sequence(path: string, answers: Array<() => Response | Promise<Response>>, method: 'get' | 'post' = 'get') {
  const calls: Array<{ at: number; auth: string | null; url: URL }> = [];
  server.use(
    http[method](`${API}${path}`, async ({ request }) => {
      calls.push({ at: performance.now(), auth: request.headers.get('authorization'), url: new URL(request.url) });
      return answers[Math.min(calls.length - 1, answers.length - 1)]();
    }),
  );
  return calls;
}
const json = (body: unknown, init?: ResponseInit) => () => HttpResponse.json(body as Record<string, unknown>, init);
const apiError =
  (status: number, message: string, code = status, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json({ code, message }, { status, headers });
const OK = json({ items: [1], bookmark: null });
const get = (
  r: Requester,
  path = '/boards',
  category: 'ads_read' | 'ads_analytics' | 'org_read' | 'org_analytics' = 'org_read',
) => r.json({ path, category });
const gaps = (calls: Array<{ at: number }>) => calls.slice(1).map((c, i) => c.at - calls[i].at);

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a rejection');
}

describe('defaults fixed by the contract', () => {
  test('the spurious 400 is retried up to 3 times, 1 s apart', () => {
    expect(DEFAULT_RETRY.spurious400Attempts).toBe(3);
    expect(DEFAULT_RETRY.spurious400DelayMs).toBe(1000);
  });
});

describe('retries', () => {
  test('HTTP 500 is retried with exponential backoff, then succeeds', async () => {
    const calls = sequence('/boards', [
      apiError(500, 'Internal'),
      apiError(500, 'Internal'),
      apiError(500, 'Internal'),
      OK,
    ]);
    const r = makeRequester({ retry: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 1000 } });
    await expect(get(r)).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(4);
    expect(r.stats).toMatchObject({ requests: 4, retries: 3 });
    // backoff(n) lies in [cap/2, cap] with cap = 10 · 2^(n−1): at least 5, 10, 20 ms.
    const g = gaps(calls);
    expect(g[0]).toBeGreaterThanOrEqual(4);
    expect(g[1]).toBeGreaterThanOrEqual(9);
    expect(g[2]).toBeGreaterThanOrEqual(19);
  });

  test('backoff is capped at maxDelayMs', async () => {
    const calls = sequence('/boards', [
      apiError(500, 'Internal'),
      apiError(500, 'Internal'),
      apiError(500, 'Internal'),
      OK,
    ]);
    // The delays it chose, not the time it took: a loaded machine stretches every wait.
    const r = makeRequester({ retry: { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30 } });
    const backoff = jest.spyOn(r as unknown as { backoff(attempt: number): number }, 'backoff');
    await get(r);
    expect(calls).toHaveLength(4);
    expect(backoff.mock.results).toHaveLength(3);
    for (const chosen of backoff.mock.results) expect(chosen.value).toBeLessThanOrEqual(30);
  });

  test.each([502, 503, 504, 408])('HTTP %i is retried, then succeeds', async (status) => {
    const calls = sequence('/boards', [apiError(status, 'Unavailable'), apiError(status, 'Unavailable'), OK]);
    await expect(get(makeRequester())).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(3);
  });

  test("5xx until maxAttempts → RetriesExhaustedError (transient) with the last problem and Pinterest's message", async () => {
    const calls = sequence('/boards', [apiError(503, 'Service is down for maintenance')]);
    const err = await rejection(get(makeRequester()));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.failureType).toBe('transient_error');
    expect(err.message).toContain('HTTP 503');
    expect(err.message).toContain('Service is down for maintenance');
    expect(err.message).toContain('after 3 attempts');
    expect(calls).toHaveLength(3);
  });

  test('a 5xx with Retry-After waits that long before the retry', async () => {
    const calls = sequence('/boards', [apiError(503, 'busy', 503, { 'retry-after': '0.08' }), OK]);
    await get(makeRequester());
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(75);
  });

  test('a network error (connection refused/reset) is retried', async () => {
    const calls = sequence('/boards', [() => HttpResponse.error(), () => HttpResponse.error(), OK]);
    const r = makeRequester();
    await expect(get(r)).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(3);
  });

  test('network errors until maxAttempts → RetriesExhaustedError naming a network error', async () => {
    sequence('/boards', [() => HttpResponse.error()]);
    const err = await rejection(get(makeRequester()));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/network error/);
  });

  test('a body shorter than its Content-Length (truncated) is retried', async () => {
    const body = JSON.stringify({ items: [1], bookmark: null });
    const calls = sequence('/boards', [
      () =>
        new HttpResponse(body.slice(0, 10), {
          headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        }),
      () =>
        new HttpResponse(body, {
          headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        }),
    ]);
    await expect(get(makeRequester())).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(2);
  });

  test('truncated bodies until maxAttempts → RetriesExhaustedError saying so', async () => {
    sequence('/boards', [() => new HttpResponse('{"items":[1,', { headers: { 'content-length': '500' } })]);
    const err = await rejection(get(makeRequester()));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/truncated body \(12 of 500 bytes\)/);
  });

  test('a body stream that breaks off (what undici does when the socket closes early) is retried', async () => {
    const calls = sequence('/boards', [
      () =>
        new HttpResponse(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('{"items":[1,2'));
              c.error(new TypeError('terminated'));
            },
          }),
          { headers: { 'content-type': 'application/json' } },
        ),
      OK,
    ]);
    await expect(get(makeRequester())).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(2);
  });

  test('a gzip-encoded body whose Content-Length is the compressed size is not mistaken for a truncated one', async () => {
    const body = JSON.stringify({
      items: Array.from({ length: 200 }, (_, i) => ({ id: String(i), name: 'same name again' })),
      bookmark: null,
    });
    const gz = gzipSync(body);
    expect(gz.length).toBeLessThan(body.length);
    const calls = sequence('/boards', [
      () =>
        new HttpResponse(gz, {
          headers: {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            'content-length': String(gz.length),
          },
        }),
    ]);
    const got = await get(makeRequester());
    expect((got as { items: unknown[] }).items).toHaveLength(200);
    expect(calls).toHaveLength(1);
  });

  test('a request slower than timeoutMs is abandoned and retried', async () => {
    // The first answer would come after 5 s: only abandoning it lets the second call happen at all.
    const calls = sequence('/boards', [
      async () => {
        await delay(5_000);
        return OK();
      },
      OK,
    ]);
    const requester = makeRequester({ retry: { timeoutMs: 80 } });
    await expect(get(requester)).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(2);
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(75);
    expect(requester.stats.retries).toBe(1);
  });

  test('timeouts until maxAttempts → RetriesExhaustedError saying "timed out"', async () => {
    sequence('/boards', [
      async () => {
        await delay(300);
        return OK();
      },
    ]);
    const err = await rejection(get(makeRequester({ retry: { timeoutMs: 30, maxAttempts: 2 } })));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/timed out/);
  });

  test('an HTML page with HTTP 200 is not an answer: retried', async () => {
    const calls = sequence('/boards', [() => HttpResponse.html('<html><body>Bad gateway</body></html>'), OK]);
    await expect(get(makeRequester())).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(2);
  });

  test('HTML with 200 until maxAttempts → RetriesExhaustedError that quotes the body', async () => {
    sequence('/boards', [() => HttpResponse.html('<html><body>Service Unavailable</body></html>')]);
    const err = await rejection(get(makeRequester()));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/not JSON.*Service Unavailable/);
  });

  test('an empty 200 body is retried, not returned as undefined', async () => {
    const calls = sequence('/boards', [() => new HttpResponse('', { status: 200 }), OK]);
    await expect(get(makeRequester())).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(2);
  });
});

describe('429 and rate-limit headers', () => {
  test('Retry-After (seconds) is waited out, then the request succeeds', async () => {
    const calls = sequence('/boards', [
      apiError(429, 'This request exceeded a rate limit.', 8, { 'retry-after': '0.08' }),
      OK,
    ]);
    const r = makeRequester();
    await expect(get(r)).resolves.toEqual({ items: [1], bookmark: null });
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(75);
    expect(r.stats.rateLimited).toBe(1);
  });

  test('X-RateLimit-Reset as seconds to wait', async () => {
    const calls = sequence('/boards', [apiError(429, 'rate limit', 8, { 'x-ratelimit-reset': '0.08' }), OK]);
    await get(makeRequester());
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(75);
  });

  test('X-RateLimit-Reset as epoch seconds', async () => {
    const calls = sequence('/boards', [
      () =>
        HttpResponse.json(
          { code: 8, message: 'rate limit' },
          { status: 429, headers: { 'x-ratelimit-reset': String((Date.now() + 120) / 1000) } },
        ),
      OK,
    ]);
    await get(makeRequester());
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(80);
    // read as seconds to wait, ~1.8e9 s would be beyond max_rate_limit_wait: a QuotaExhaustedError, not a retry
    expect(calls).toHaveLength(2);
  });

  test('a 429 without headers backs off and retries', async () => {
    const calls = sequence('/boards', [apiError(429, 'rate limit', 8), apiError(429, 'rate limit', 8), OK]);
    const r = makeRequester();
    await get(r);
    expect(calls).toHaveLength(3);
    expect(r.stats.rateLimited).toBe(2);
  });

  test('rateLimitWait: Retry-After first, else X-RateLimit-Reset (seconds below 10^9, epoch above), else nothing', () => {
    const now = 1_700_000_000_000;
    const h = (o: Record<string, string>) => new Headers(o);
    expect(rateLimitWait(h({ 'retry-after': '30' }), now)).toEqual({ waitMs: 30_000, resetAtMs: now + 30_000 });
    expect(rateLimitWait(h({ 'retry-after': '30', 'x-ratelimit-reset': '5' }), now)).toEqual({
      waitMs: 30_000,
      resetAtMs: now + 30_000,
    });
    expect(rateLimitWait(h({ 'retry-after': new Date(now + 45_000).toUTCString() }), now)).toEqual({
      waitMs: 45_000,
      resetAtMs: now + 45_000,
    });
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '42' }), now)).toEqual({ waitMs: 42_000, resetAtMs: now + 42_000 });
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '999999999' }), now)).toEqual({
      waitMs: 999_999_999_000,
      resetAtMs: now + 999_999_999_000,
    });
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '1700000060' }), now)).toEqual({
      waitMs: 60_000,
      resetAtMs: 1_700_000_060_000,
    });
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '1000000000' }), now)).toEqual({
      waitMs: 0,
      resetAtMs: 1_000_000_000_000,
    });
    expect(rateLimitWait(h({ 'retry-after': '-5' }), now)).toEqual({ waitMs: 0, resetAtMs: now });
    expect(rateLimitWait(h({ 'x-ratelimit-reset': 'soon' }), now)).toEqual({});
    expect(rateLimitWait(h({}), now)).toEqual({});
  });

  test('org_analytics (unpublished) has a conservative default budget that PINTEREST_RATE_LIMITS raises', () => {
    expect(
      STANDARD_BUDGETS.org_analytics!.limit / (STANDARD_BUDGETS.org_analytics!.windowMs / 60_000),
    ).toBeLessThanOrEqual(60);
    expect(budgetsFromEnv('{"org_analytics": {"limit": 300, "windowMs": 60000}}').org_analytics).toEqual({
      limit: 300,
      windowMs: 60_000,
    });
    expect(budgetsFromEnv('{"org_analytics": {"limit": 300, "windowMs": 60000}}').ads_read).toEqual(
      STANDARD_BUDGETS.ads_read,
    );
  });

  test('rateLimitWait: X-Userendpoint-Ratelimit-Reset-Seconds when the x-ratelimit family is absent', () => {
    const now = 1_700_000_000_000;
    const h = (o: Record<string, string>) => new Headers(o);
    expect(rateLimitWait(h({ 'x-userendpoint-ratelimit-reset-seconds': '7' }), now)).toEqual({
      waitMs: 7_000,
      resetAtMs: now + 7_000,
    });
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '3', 'x-userendpoint-ratelimit-reset-seconds': '7' }), now)).toEqual({
      waitMs: 3_000,
      resetAtMs: now + 3_000,
    });
    expect(rateLimitWait(h({ 'x-userendpoint-ratelimit-reset-seconds': 'later' }), now)).toEqual({});
  });

  test('a 429 while other requests of the category are waiting holds the whole category, not another one', async () => {
    const boards = sequence('/boards', [apiError(429, 'rate limit', 8, { 'retry-after': '1' }), OK]);
    const accounts = sequence('/ad_accounts', [OK]);
    const r = makeRequester();
    const first = get(r, '/boards', 'org_read');
    while (boards.length === 0) await delay(10); // the 429 has been answered; the category is blocked for 1 s
    await get(r, '/ad_accounts', 'ads_read');
    const second = get(r, '/boards', 'org_read');
    await Promise.all([first, second]);
    expect(boards).toHaveLength(3);
    expect(boards[2].at - boards[0].at).toBeGreaterThanOrEqual(995);
    // the other category went first, while this one was held
    expect(accounts).toHaveLength(1);
    expect(accounts[0].at).toBeLessThan(boards[1].at);
  });

  test('X-RateLimit-Remaining 0 on a success holds the category until X-RateLimit-Reset', async () => {
    const calls = sequence('/boards', [
      json({ items: [], bookmark: null }, { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0.08' } }),
      OK,
    ]);
    const r = makeRequester();
    await get(r);
    await get(r);
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(75);
  });

  test('a wait beyond max_rate_limit_wait → QuotaExhaustedError; the category then fails fast, another still works', async () => {
    const analytics = sequence('/ad_accounts/1/campaigns/analytics', [
      apiError(429, 'rate limit', 8, { 'retry-after': '3600' }),
    ]);
    const boards = sequence('/boards', [OK]);
    const r = makeRequester({ retry: { maxRateLimitWaitMs: 1000 } });
    const before = Date.now();
    const err = await rejection(get(r, '/ad_accounts/1/campaigns/analytics', 'ads_analytics'));
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    const q = err as QuotaExhaustedError;
    expect(q.failureType).toBe('transient_error');
    expect(q.category).toBe('ads_analytics');
    expect(q.resetAtMs).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(q.resetAtMs).toBeLessThan(Date.now() + 3_600_000 + 1000);
    expect(q.message).toMatch(/ads_analytics/);
    expect(q.message).toMatch(/max_rate_limit_wait_seconds/);
    expect(analytics).toHaveLength(1);

    // Later requests of the category fail at once, without a request (a wait would outlast the test).
    await expect(get(r, '/ad_accounts/1/campaigns/analytics', 'ads_analytics')).rejects.toBe(q);
    expect(analytics).toHaveLength(1);
    expect(limiterOf(r).exhaustedCategories()).toEqual([q]);

    // Another category is untouched.
    await expect(get(r, '/boards', 'org_read')).resolves.toEqual({ items: [1], bookmark: null });
    expect(boards).toHaveLength(1);
  });

  test('waits add up: the quota is spent once the total wait would pass max_rate_limit_wait', async () => {
    const calls = sequence('/boards', [apiError(429, 'rate limit', 8, { 'retry-after': '0.05' })]);
    const err = await rejection(get(makeRequester({ retry: { maxRateLimitWaitMs: 120 } })));
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    // 50 + 50 ms waited; the third wait would make 150 > 120.
    expect(calls).toHaveLength(3);
  });

  test('max_rate_limit_wait 0: the first 429 with a wait ends the category', async () => {
    const calls = sequence('/boards', [apiError(429, 'rate limit', 8, { 'retry-after': '1' })]);
    await expect(get(makeRequester({ retry: { maxRateLimitWaitMs: 0 } }))).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(calls).toHaveLength(1);
  });
});

describe("Pinterest's transient 400s (pinterest-api.md §11)", () => {
  const NINETY = 'You can only get data from the last 90 days.';

  test('the spurious "last 90 days" 400 is retried, spurious400DelayMs apart, and the request then succeeds', async () => {
    const calls = sequence('/ad_accounts/1/campaigns/analytics', [
      apiError(400, NINETY, 1),
      apiError(400, NINETY, 1),
      apiError(400, NINETY, 1),
      json([{ DATE: '2026-06-01' }]),
    ]);
    const r = makeRequester({ retry: { spurious400DelayMs: 25 } });
    await expect(get(r, '/ad_accounts/1/campaigns/analytics', 'ads_analytics')).resolves.toEqual([
      { DATE: '2026-06-01' },
    ]);
    expect(calls).toHaveLength(4);
    for (const g of gaps(calls)) expect(g).toBeGreaterThanOrEqual(24);
  });

  test('a 4th "last 90 days" 400 fails with an ApiError carrying Pinterest\'s message', async () => {
    const calls = sequence('/ad_accounts/1/campaigns/analytics', [apiError(400, NINETY, 1)]);
    const err = await rejection(get(makeRequester(), '/ad_accounts/1/campaigns/analytics', 'ads_analytics'));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect(err.message).toContain(NINETY);
    expect(calls).toHaveLength(4); // the request and 3 retries
  });

  test('"Retry after N seconds" waits N seconds, then retries', async () => {
    const calls = sequence('/ad_accounts/1/ads/analytics', [
      apiError(400, 'Analytics are being computed. Retry after 1 seconds.', 1),
      json([]),
    ]);
    await expect(get(makeRequester(), '/ad_accounts/1/ads/analytics', 'ads_analytics')).resolves.toEqual([]);
    expect(calls).toHaveLength(2);
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(990);
  });

  test.each([
    ['code 12', { code: 12, message: 'Service temporarily unavailable' }],
    ['"something went wrong"', { code: 400, message: 'Oops! Something went wrong, please try again.' }],
  ])('a 400 with %s is retried like a 5xx', async (_name, body) => {
    const calls = sequence('/boards', [() => HttpResponse.json(body, { status: 400 }), OK]);
    await expect(get(makeRequester())).resolves.toEqual({ items: [1], bookmark: null });
    expect(calls).toHaveLength(2);
  });
});

describe('other errors', () => {
  test.each([
    [400, 1, 'Invalid parameters: columns'],
    [403, 3, 'Not authorized to access the user account.'],
    [404, 2804, 'Ad account not found.'],
    [409, 409, 'Conflict'],
  ])(
    "HTTP %i → ApiError (config_error) with Pinterest's code and message, not retried",
    async (status, code, message) => {
      const calls = sequence('/boards', [apiError(status, message, code)]);
      const err = await rejection(get(makeRequester()));
      expect(err).toBeInstanceOf(ApiError);
      const e = err as ApiError;
      expect(e.status).toBe(status);
      expect(e.apiCode).toBe(code);
      expect(e.apiMessage).toBe(message);
      expect(e.failureType).toBe('config_error');
      expect(e.message).toContain(message);
      expect(e.message).toContain(`HTTP ${status}`);
      expect(e.message).toContain('GET /boards');
      expect(calls).toHaveLength(1);
    },
  );

  test('an error page that is not JSON is quoted in the message', async () => {
    sequence('/pins/9/analytics', [
      () => HttpResponse.html('<html><body><h1>404 Not Found</h1></body></html>', { status: 404 }),
    ]);
    const err = await rejection(get(makeRequester(), '/pins/9/analytics', 'org_analytics'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toContain('404 Not Found');
  });

  test('query parameters are sent, undefined ones are left out', async () => {
    const calls = sequence('/boards', [OK]);
    await makeRequester().json({
      path: '/boards',
      category: 'org_read',
      query: { page_size: 250, bookmark: undefined, privacy: 'ALL', flag: true },
    });
    expect(Object.fromEntries(calls[0].url.searchParams)).toEqual({ page_size: '250', privacy: 'ALL', flag: 'true' });
    expect(calls[0].auth).toBe('Bearer pina.static');
  });
});

describe('access tokens', () => {
  test('access-token mode: a 401 is a config_error that says to re-authenticate, after one request', async () => {
    const calls = sequence('/boards', [apiError(401, 'Authentication failed.', 2)]);
    const err = await rejection(get(makeRequester()));
    expect(err.failureType).toBe('config_error');
    expect(err.message).toMatch(/re-authenticate/);
    expect(err.message).toContain('Authentication failed.');
    expect(calls).toHaveLength(1);
  });

  /** An OAuth token source on its own Requester, with a token endpoint answering `answers` in turn. */
  function oauth(answers: Array<() => Response | Promise<Response>>, now?: () => number) {
    const tokenCalls: Array<{ request: { method: string; url: string; headers: Headers }; body: string }> = [];
    server.use(
      http.post(`${API}/oauth/token`, async ({ request }) => {
        tokenCalls.push({
          request: { method: request.method, url: request.url, headers: request.headers },
          body: await request.clone().text(),
        });
        return answers[Math.min(tokenCalls.length - 1, answers.length - 1)]();
      }),
    );
    const rotated: string[] = [];
    const r = makeRequester();
    const tokens = new OAuthTokens(
      r,
      'client-id-1',
      'client-secret-XYZ',
      'pinr.original',
      (t) => {
        rotated.push(t);
      },
      now,
    );
    r.setTokenSource(tokens);
    return { r, tokens, tokenCalls, rotated };
  }
  const token = (access: string, extra: Record<string, unknown> = {}) =>
    json({ access_token: access, expires_in: 3600, token_type: 'bearer', ...extra });

  test('the refresh request: POST form grant_type=refresh_token (continuous_refresh=true), Basic base64(client_id:client_secret), no bearer', async () => {
    const { tokens, tokenCalls } = oauth([token('pina.A-access-0123456789')]);
    await expect(tokens.token()).resolves.toBe('pina.A-access-0123456789');
    expect(tokenCalls).toHaveLength(1);
    const { request, body } = tokenCalls[0];
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${API}/oauth/token`);
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers.get('authorization')).toBe(
      `Basic ${Buffer.from('client-id-1:client-secret-XYZ').toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'pinr.original',
      continuous_refresh: 'true',
    });
  });

  test('a 401 triggers one refresh, and the request is repeated with the new token', async () => {
    const { r, tokenCalls } = oauth([token('pina.A-access-0123456789'), token('pina.B-access-0123456789')]);
    const calls = sequence('/boards', [apiError(401, 'Authentication failed.', 2), OK]);
    await expect(get(r)).resolves.toEqual({ items: [1], bookmark: null });
    expect(tokenCalls).toHaveLength(2);
    expect(calls.map((c) => c.auth)).toEqual(['Bearer pina.A-access-0123456789', 'Bearer pina.B-access-0123456789']);
  });

  test('a second 401 after the refresh is a config_error saying to re-authenticate', async () => {
    const { r, tokenCalls } = oauth([token('pina.A-access-0123456789'), token('pina.B-access-0123456789')]);
    const calls = sequence('/boards', [apiError(401, 'Authentication failed.', 2)]);
    const err = await rejection(get(r));
    expect(err.failureType).toBe('config_error');
    expect(err.message).toMatch(/re-authenticate/);
    expect(calls).toHaveLength(2);
    expect(tokenCalls).toHaveLength(2);
  });

  test('the token is cached until shortly before expires_in', async () => {
    let now = 1_000_000;
    const { tokens, tokenCalls } = oauth(
      [token('pina.A-access-0123456789'), token('pina.B-access-0123456789')],
      () => now,
    );
    expect(await tokens.token()).toBe('pina.A-access-0123456789');
    expect(await tokens.token()).toBe('pina.A-access-0123456789');
    now += 3_539_000; // a minute before expiry: still good
    expect(await tokens.token()).toBe('pina.A-access-0123456789');
    expect(tokenCalls).toHaveLength(1);
    now += 2_000; // inside the last minute: refreshed
    expect(await tokens.token()).toBe('pina.B-access-0123456789');
    expect(tokenCalls).toHaveLength(2);
  });

  test('a short-lived token is refreshed at half-life; a missing expires_in counts as an hour', async () => {
    let now = 0;
    const short = oauth(
      [token('pina.A-access-0123456789', { expires_in: 20 }), json({ access_token: 'pina.B-access-0123456789' })],
      () => now,
    );
    await short.tokens.token();
    now = 9_999;
    expect(await short.tokens.token()).toBe('pina.A-access-0123456789');
    now = 10_001;
    expect(await short.tokens.token()).toBe('pina.B-access-0123456789');
    now = 10_001 + 3_539_000;
    expect(await short.tokens.token()).toBe('pina.B-access-0123456789');
    expect(short.tokenCalls).toHaveLength(2);
  });

  test('concurrent callers share one refresh', async () => {
    const { tokens, tokenCalls } = oauth([
      async () => {
        await delay(40);
        return token('pina.A-access-0123456789')();
      },
    ]);
    const got = await Promise.all(Array.from({ length: 10 }, () => tokens.token()));
    expect(new Set(got)).toEqual(new Set(['pina.A-access-0123456789']));
    expect(tokenCalls).toHaveLength(1);
  });

  test('concurrent requests rejected with the same token cause one refresh, not one each', async () => {
    const { r, tokenCalls } = oauth([
      token('pina.A-access-0123456789'),
      token('pina.B-access-0123456789'),
      token('pina.C'),
      token('pina.D'),
    ]);
    let n = 0;
    server.use(
      http.get(`${API}/boards`, async ({ request }) => {
        // Answers arrive spread out, so that later 401s come after the first refresh finished.
        await delay(10 * (n++ % 5));
        return request.headers.get('authorization') === 'Bearer pina.A-access-0123456789'
          ? apiError(401, 'Authentication failed.', 2)()
          : OK();
      }),
    );
    await expect(Promise.all(Array.from({ length: 5 }, () => get(r)))).resolves.toHaveLength(5);
    expect(tokenCalls).toHaveLength(2);
  });

  test('a rotated refresh token is handed over once and used for the next refresh', async () => {
    const { tokens, tokenCalls, rotated } = oauth([
      token('pina.A-access-0123456789', { refresh_token: 'pinr.rotated-0123456789' }),
      token('pina.B-access-0123456789', { refresh_token: 'pinr.rotated-0123456789' }),
    ]);
    await tokens.token();
    await tokens.refresh();
    expect(rotated).toEqual(['pinr.rotated-0123456789']);
    expect(new URLSearchParams(tokenCalls[1].body).get('refresh_token')).toBe('pinr.rotated-0123456789');
  });

  test('token endpoint 401 → config_error naming client_id and client_secret', async () => {
    const { tokens } = oauth([apiError(401, 'Authentication failed.', 2)]);
    const err = await rejection(tokens.token());
    expect(err.failureType).toBe('config_error');
    expect(err.message).toMatch(/client_id/);
    expect(err.message).toMatch(/client_secret/);
  });

  test('token endpoint 400 → config_error saying to re-authenticate', async () => {
    const { tokens, tokenCalls } = oauth([apiError(400, 'Invalid refresh token.', 1)]);
    const err = await rejection(tokens.token());
    expect(err.failureType).toBe('config_error');
    expect(err.message).toMatch(/re-authenticate/);
    expect(err.message).toContain('Invalid refresh token.');
    expect(tokenCalls).toHaveLength(1);
  });

  test('token endpoint 5xx is retried like any request', async () => {
    const { tokens, tokenCalls } = oauth([apiError(502, 'Bad gateway'), token('pina.A-access-0123456789')]);
    await expect(tokens.token()).resolves.toBe('pina.A-access-0123456789');
    expect(tokenCalls).toHaveLength(2);
  });

  test('a token answer without access_token is a transient error', async () => {
    const { tokens } = oauth([json({ token_type: 'bearer' })]);
    await expect(tokens.token()).rejects.toMatchObject({ failureType: 'transient_error' });
  });
});

describe('through the connector: rotation and credentials errors', () => {
  const ROTATED = 'pinr.rotated-refresh-token-NEW';
  const withBoards = () =>
    server.use(http.get(`${API}/boards`, () => HttpResponse.json({ items: [{ id: '1' }], bookmark: null })));

  test('a rotated refresh token reaches a CONTROL message with the whole updated config; the file is untouched', async () => {
    server.use(
      http.post(`${API}/oauth/token`, () =>
        HttpResponse.json({ access_token: 'pina.acc-0123456789abc', expires_in: 3600, refresh_token: ROTATED }),
      ),
    );
    withBoards();
    const raw = { ...OAUTH_CONFIG, lookback_days: 3, _note: 'kept as is' };
    const f = tempFiles({ config: raw, catalog: catalogFor([{ name: 'boards' }]) });
    const before = readFileSync(f.config, 'utf8');
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog]);
    expect(r.exitCode).toBe(0);
    const controls = r.messages.filter((m) => m.type === 'CONTROL');
    expect(controls).toHaveLength(1);
    expect(controls[0].control.type).toBe('CONNECTOR_CONFIG');
    expect(controls[0].control.connectorConfig.config).toEqual({
      ...raw,
      credentials: { ...raw.credentials, refresh_token: ROTATED },
    });
    expect(readFileSync(f.config, 'utf8')).toBe(before);
    // The new secret is masked wherever logs mention it.
    for (const m of r.messages.filter((x) => x.type === 'LOG' || x.type === 'TRACE'))
      expect(JSON.stringify(m)).not.toContain(ROTATED);
    expect(r.records('boards')).toEqual([{ id: '1' }]);
  });

  test('with --write-config the config file is replaced atomically, mode 0600', async () => {
    server.use(
      http.post(`${API}/oauth/token`, () =>
        HttpResponse.json({ access_token: 'pina.acc-0123456789abc', expires_in: 3600, refresh_token: ROTATED }),
      ),
    );
    withBoards();
    const raw = { ...OAUTH_CONFIG, window_days: 30 };
    const f = tempFiles({ config: raw, catalog: catalogFor([{ name: 'boards' }]) });
    const inodeBefore = statSync(f.config).ino;
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog, '--write-config']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(f.config, 'utf8'))).toEqual({
      ...raw,
      credentials: { ...raw.credentials, refresh_token: ROTATED },
    });
    const st = statSync(f.config);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.ino).not.toBe(inodeBefore); // a new file renamed over the old one, not rewritten in place
    expect(readdirSync(dirname(f.config)).sort()).toEqual(['catalog.json', 'config.json']); // no temp file left
    expect(r.messages.filter((m) => m.type === 'CONTROL')).toHaveLength(1);
  });

  test('no rotation, no CONTROL message and no rewrite', async () => {
    server.use(
      http.post(`${API}/oauth/token`, () =>
        HttpResponse.json({
          access_token: 'pina.acc-0123456789abc',
          expires_in: 3600,
          refresh_token: OAUTH_CONFIG.credentials.refresh_token,
        }),
      ),
    );
    withBoards();
    const f = tempFiles({ config: OAUTH_CONFIG, catalog: catalogFor([{ name: 'boards' }]) });
    const before = statSync(f.config);
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog, '--write-config']);
    expect(r.exitCode).toBe(0);
    expect(r.messages.filter((m) => m.type === 'CONTROL')).toEqual([]);
    expect(statSync(f.config).ino).toBe(before.ino);
  });

  test('token endpoint 401 during read → one config_error TRACE naming client_id/client_secret, no stream request', async () => {
    server.use(
      http.post(`${API}/oauth/token`, () =>
        HttpResponse.json({ code: 2, message: 'Authentication failed.' }, { status: 401 }),
      ),
    );
    const boards = sequence('/boards', [OK]);
    const f = tempFiles({ config: OAUTH_CONFIG, catalog: catalogFor([{ name: 'boards' }]) });
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog]);
    expect(r.exitCode).not.toBe(0);
    expect(r.traces()).toEqual([
      expect.objectContaining({
        failure_type: 'config_error',
        message: expect.stringMatching(/client_id and client_secret/),
      }),
    ]);
    expect(boards).toHaveLength(0);
    expect(r.stdout).not.toContain(OAUTH_CONFIG.credentials.client_secret);
  });

  test('token endpoint 400 during check → CONNECTION_STATUS FAILED saying to re-authenticate, exit 0', async () => {
    server.use(
      http.post(`${API}/oauth/token`, () =>
        HttpResponse.json({ code: 1, message: 'Invalid refresh token' }, { status: 400 }),
      ),
    );
    const f = tempFiles({ config: OAUTH_CONFIG });
    const r = await runConnector(['check', '--config', f.config]);
    expect(r.exitCode).toBe(0);
    const status = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
    expect(status).toHaveLength(1);
    expect(status[0].connectionStatus.status).toBe('FAILED');
    expect(status[0].connectionStatus.message).toMatch(/re-authenticate/);
  });
});

describe('PINTEREST_API_URL', () => {
  test.each([
    'https://api.pinterest.com/v5',
    'https://api-sandbox.pinterest.com/v5',
    'http://127.0.0.1:8080/v5',
    'http://127.0.0.2:1',
    'http://localhost:3000',
    'http://[::1]:9000/v5',
  ])('%s is accepted', (url) => {
    expect(validateBaseUrl(url)).toBe(url);
  });

  test('a trailing slash is dropped, so paths join cleanly', () => {
    expect(validateBaseUrl('https://api.pinterest.com/v5/')).toBe('https://api.pinterest.com/v5');
  });

  test.each([
    'http://example.com',
    'http://api.pinterest.com/v5',
    'http://127.0.0.1.example.com/v5',
    'http://127.attacker.net',
    'http://localhost.example.com',
    'ftp://127.0.0.1',
    'not a url',
    '',
  ])('%p is refused as a config error', (url) => {
    let err: unknown;
    try {
      validateBaseUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).failureType).toBe('config_error');
    expect((err as ConnectorError).message).toContain('PINTEREST_API_URL');
  });

  test('the Requester refuses a plain-http remote base URL', () => {
    expect(() => new Requester({ baseUrl: 'http://example.com', limiter: new RateLimiter(OFF, 1) })).toThrow(
      /PINTEREST_API_URL/,
    );
  });

  test('the connector reports a refused URL as a config_error TRACE and sends nothing', async () => {
    const seen: string[] = [];
    const listener = ({ request }: { request: Request }) => {
      seen.push(request.url);
    };
    server.events.on('request:start', listener);
    const f = tempFiles({ config: OAUTH_CONFIG, catalog: catalogFor([{ name: 'boards' }]) });
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog], {
      env: { PINTEREST_API_URL: 'http://example.com' },
    });
    server.events.removeListener('request:start', listener);
    expect(r.exitCode).not.toBe(0);
    expect(r.traces()).toEqual([
      expect.objectContaining({ failure_type: 'config_error', message: expect.stringContaining('PINTEREST_API_URL') }),
    ]);
    expect(seen).toEqual([]);
  });
});

describe('rate limiter', () => {
  const only = (over: Partial<Budgets>): Budgets => ({ ...OFF, ...over });

  /** Largest number of timestamps inside any window of `windowMs`. */
  function maxInWindow(times: number[], windowMs: number): number {
    const t = [...times].sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; j < t.length; j++) {
      while (t[j] - t[i] >= windowMs) i++;
      best = Math.max(best, j - i + 1);
    }
    return best;
  }

  // Bottleneck spaces the planned start of each job by windowMs / limit · 1.01; a timer that fires late (a busy
  // event loop, a loaded CI machine) can bring two starts closer by some ms. Production windows (60 s, 1 s)
  // have slack far above that; here a window 40 ms shorter than the budget's absorbs it, and a limiter that
  // did not space (all requests within a few ms) or spaced 15 % too tight would still fail.
  const JITTER_MS = 40;

  test('a category budget of 4 per 300 ms: no 300 ms window holds more than 4 requests', async () => {
    const calls = sequence('/ad_accounts/1/campaigns/analytics', [json([])]);
    sequence('/boards', [OK]);
    const r = makeRequester({ budgets: only({ ads_analytics: { limit: 4, windowMs: 300 } }), concurrency: 8 });
    await get(r, '/boards', 'org_read'); // warms the shared code paths, so that the first timestamp is not late
    await Promise.all(Array.from({ length: 6 }, () => get(r, '/ad_accounts/1/campaigns/analytics', 'ads_analytics')));
    expect(calls).toHaveLength(6);
    const times = calls.map((c) => c.at);
    expect(maxInWindow(times, 300 - JITTER_MS)).toBeLessThanOrEqual(4);
    expect(times[5] - times[0]).toBeGreaterThanOrEqual(5 * 75 - JITTER_MS);
  });

  test('the universal budget spaces requests of all categories together', async () => {
    const a = sequence('/boards', [OK]);
    const b = sequence('/ad_accounts', [OK]);
    const r = makeRequester({ budgets: only({ universal: { limit: 3, windowMs: 200 } }), concurrency: 8 });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => (i % 2 ? get(r, '/boards', 'org_read') : get(r, '/ad_accounts', 'ads_read'))),
    );
    expect(a.length + b.length).toBe(5);
    expect(
      maxInWindow(
        [...a, ...b].map((c) => c.at),
        200 - JITTER_MS,
      ),
    ).toBeLessThanOrEqual(3);
  });

  test('budgets of different categories do not slow each other', async () => {
    const a = sequence('/boards', [OK]);
    const b = sequence('/ad_accounts/1/ads/analytics', [json([])]);
    const r = makeRequester({ budgets: only({ ads_analytics: { limit: 2, windowMs: 2000 } }) });
    const slow = Promise.all([
      get(r, '/ad_accounts/1/ads/analytics', 'ads_analytics'),
      get(r, '/ad_accounts/1/ads/analytics', 'ads_analytics'),
    ]);
    await Promise.all(Array.from({ length: 5 }, () => get(r, '/boards', 'org_read')));
    await slow;
    expect(a).toHaveLength(5);
    // spaced ~1010 ms (less the first request's extra latency); the other category's five went in between
    expect(b[1].at - b[0].at).toBeGreaterThanOrEqual(750);
    for (const call of a) expect(call.at).toBeLessThan(b[1].at);
  });

  test('at most `concurrency` requests are in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    server.use(
      http.get(`${API}/boards`, async () => {
        peak = Math.max(peak, ++inFlight);
        await delay(20);
        inFlight--;
        return OK();
      }),
    );
    const r = makeRequester({ concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => get(r)));
    expect(peak).toBe(3);
  });

  test('budgetsFromEnv: unset → standard access, "off" → none, JSON overrides some', () => {
    expect(budgetsFromEnv(undefined).ads_analytics).toEqual({ limit: 300, windowMs: 60_000 });
    expect(budgetsFromEnv(undefined).universal).toEqual({ limit: 100, windowMs: 1000 });
    expect(Object.values(budgetsFromEnv('off')).every((b) => b === null)).toBe(true);
    const custom = budgetsFromEnv('{"ads_analytics":{"limit":1000,"windowMs":60000}}');
    expect(custom.ads_analytics).toEqual({ limit: 1000, windowMs: 60_000 });
    expect(custom.ads_read).toEqual({ limit: 1000, windowMs: 60_000 });
  });
});
