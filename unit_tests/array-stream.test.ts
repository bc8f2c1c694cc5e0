/**
 * Requester.arrayStream: the rows of a large answer as they arrive; a download that breaks mid-body is
 * retried and resumed after the rows already given (checked to be the same) — nothing twice, nothing lost.
 */
import { http, HttpResponse } from 'msw';
import { ConnectorError } from '../src/errors';
import { StaticToken } from '../src/http/auth';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester } from '../src/http/requester';
import { API } from '../test_kit/in-process';
import { useLimiters, useMswServer } from '../test_kit/msw-server';

const server = useMswServer();

const limiters = useLimiters();
function requester(): Requester {
  const limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  limiters.push(limiter);
  const r = new Requester({
    baseUrl: API,
    limiter,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 },
  });
  r.setTokenSource(new StaticToken('pina.static'));
  return r;
}

const rows = (n: number, tag = 'a') =>
  Array.from({ length: n }, (_, i) => ({
    AD_ID: String(i),
    DATE: '2026-06-01',
    NAME: `${tag}-${i} "q" ✓`,
    SPEND: i * 1.5,
  }));

/** A body sent in small chunks, one per read; with `breakAfter`, the connection fails after that many bytes. */
function chunked(body: string, breakAfter?: number): Response {
  const bytes = Buffer.from(body);
  const end = breakAfter ?? bytes.length;
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setImmediate(r));
      if (at >= end) {
        if (breakAfter !== undefined) controller.error(new Error('socket hang up'));
        else controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(bytes.subarray(at, Math.min(at + 97, end))));
      at += 97;
    },
  });
  return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
}

async function collect(r: Requester, key?: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of r.arrayStream({ path: '/ad_accounts/1/ads/analytics', category: 'ads_analytics' }, key))
    out.push(...batch.map((t) => JSON.parse(t)));
  return out;
}

test('rows arrive in order, in batches, from a chunked answer', async () => {
  const data = rows(300);
  server.use(http.get(`${API}/ad_accounts/1/ads/analytics`, () => chunked(JSON.stringify(data))));
  expect(await collect(requester())).toEqual(data);
});

test('a download broken mid-body is resumed: every row exactly once', async () => {
  const data = rows(300);
  const body = JSON.stringify(data);
  let calls = 0;
  server.use(
    http.get(`${API}/ad_accounts/1/ads/analytics`, () =>
      ++calls === 1 ? chunked(body, Math.floor(body.length / 2)) : chunked(body),
    ),
  );
  const got: unknown[] = [];
  let givenBeforeRetry = 0;
  for await (const batch of requester().arrayStream({
    path: '/ad_accounts/1/ads/analytics',
    category: 'ads_analytics',
  })) {
    if (calls === 1) givenBeforeRetry += batch.length;
    got.push(...batch.map((t) => JSON.parse(t)));
  }
  expect(givenBeforeRetry).toBeGreaterThan(50); // rows went out before the break: the resume path ran
  expect(got).toEqual(data);
  expect(calls).toBe(2);
});

test('under a key ({"data": [...]}), broken twice, still every row exactly once', async () => {
  const data = rows(200).map((m, i) => ({ targeting_type: 'LOCATION', targeting_value: 500 + i, metrics: m }));
  const body = JSON.stringify({ data });
  let calls = 0;
  server.use(
    http.get(`${API}/ad_accounts/1/ads/analytics`, () => {
      calls++;
      if (calls === 1) return chunked(body, 1000);
      if (calls === 2) return chunked(body, 7000);
      return chunked(body);
    }),
  );
  expect(await collect(requester(), 'data')).toEqual(data);
  expect(calls).toBe(3);
});

test('a retried answer that starts differently is refused (transient_error), not merged', async () => {
  const first = JSON.stringify(rows(300, 'a'));
  const second = JSON.stringify(rows(300, 'b'));
  let calls = 0;
  server.use(
    http.get(`${API}/ad_accounts/1/ads/analytics`, () => (++calls === 1 ? chunked(first, 5000) : chunked(second))),
  );
  const got: unknown[] = [];
  let error: unknown;
  try {
    for await (const batch of requester().arrayStream({
      path: '/ad_accounts/1/ads/analytics',
      category: 'ads_analytics',
    }))
      got.push(...batch);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConnectorError);
  expect((error as ConnectorError).failureType).toBe('transient_error');
  expect((error as ConnectorError).message).toMatch(/differently/);
  expect(got.length).toBeGreaterThan(0);
  expect(got.length).toBeLessThan(300);
});

test('an HTML page with 200 is retried, then the JSON answer is read', async () => {
  const data = rows(5);
  let calls = 0;
  server.use(
    http.get(`${API}/ad_accounts/1/ads/analytics`, () =>
      ++calls === 1
        ? new HttpResponse('<html>oops</html>', { headers: { 'content-type': 'text/html' } })
        : chunked(JSON.stringify(data)),
    ),
  );
  expect(await collect(requester())).toEqual(data);
  expect(calls).toBe(2);
});

test('a complete answer of another shape fails at once as an unexpected shape', async () => {
  server.use(http.get(`${API}/ad_accounts/1/ads/analytics`, () => HttpResponse.json({ items: [] })));
  await expect(collect(requester())).rejects.toThrow(/unexpected shape/);
});
