/**
 * request_timeout_seconds bounds the whole request, headers and whole body together: a body trickled one
 * byte at a time, an endless streamed answer and an answer whose headers never come each end within
 * timeout × attempts (+ backoff) with a clear transient error. Raw node:http on loopback, real undici.
 *
 * Stated bound per case: timeoutMs (1 s) × maxAttempts (2) + backoff (≤ 2 ms) = about 2 s. The assertions
 * allow 15 s: never tighter than the bound.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StaticToken } from '../src/http/auth';
import { RetriesExhaustedError } from '../src/http/errors';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester } from '../src/http/requester';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end('{}');
let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  handler(req, res);
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v5`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const limiters: RateLimiter[] = [];
const requesters: Requester[] = [];
afterEach(async () => {
  server.closeAllConnections();
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
  await Promise.all(requesters.splice(0).map((r) => r.close()));
});

const TIMEOUT_MS = 1000;
const BOUND_ALLOWED_MS = 15_000;

function requester(): Requester {
  const limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  limiters.push(limiter);
  const r = new Requester({
    baseUrl: base,
    limiter,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: TIMEOUT_MS },
  });
  r.setTokenSource(new StaticToken('pina.static'));
  requesters.push(r);
  return r;
}

/** Writes `piece` every `everyMs` until the client leaves. */
function trickle(head: string, piece: string, everyMs: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(head);
    const timer = setInterval(() => res.write(piece), everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Reads a streamed answer to its end (or error), counting its rows. */
async function streamRows(): Promise<{ error: unknown; ms: number; rows: number }> {
  let rows = 0;
  const outcome = await timed(async () => {
    for await (const batch of requester().arrayStream({
      path: '/ad_accounts/1/ads/analytics',
      category: 'ads_analytics',
    }))
      rows += batch.length;
  });
  return { ...outcome, rows };
}

async function timed<T>(work: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  let error: unknown;
  try {
    await work();
  } catch (err) {
    error = err;
  }
  return { error, ms: Date.now() - started };
}

test('an answer read whole, trickled one byte every 200 ms, ends at the request timeout on every attempt (bound ≈ 2 s)', async () => {
  handler = trickle('{"items": [', ' ', 200);
  requests = 0;
  const { error, ms } = await timed(() => requester().json({ path: '/boards', category: 'org_read' }));
  expect(error).toBeInstanceOf(RetriesExhaustedError);
  expect((error as Error).message).toMatch(
    /after 2 attempts \(last problem: timed out: the request took longer than its deadline of 1 s \(headers and body\)\)/,
  );
  expect((error as RetriesExhaustedError).failureType).toBe('transient_error');
  expect(requests).toBe(2);
  expect(ms).toBeLessThan(BOUND_ALLOWED_MS);
}, 30_000);

test('an endless streamed answer (a row every 10 ms, for ever) ends at the request timeout on every attempt (bound ≈ 2 s)', async () => {
  handler = trickle('[', '{"AD_ID": "1", "DATE": "2026-06-01", "SPEND": 1},', 10);
  requests = 0;
  const { error, ms, rows } = await streamRows();
  expect((error as Error).message).toMatch(/timed out: the request took longer than its deadline of 1 s/);
  expect((error as { failureType?: string }).failureType).toBe('transient_error');
  expect(rows).toBeGreaterThan(0);
  expect(ms).toBeLessThan(BOUND_ALLOWED_MS);
}, 30_000);

test('a streamed answer dripping one byte every 300 ms ends at the request timeout, not after a 15-minute deadline (bound ≈ 2 s)', async () => {
  handler = trickle('[', ' ', 300);
  requests = 0;
  const { error, ms } = await streamRows();
  expect(error).toBeInstanceOf(RetriesExhaustedError);
  expect((error as Error).message).toMatch(/deadline of 1 s/);
  expect(requests).toBe(2);
  expect(ms).toBeLessThan(BOUND_ALLOWED_MS);
}, 30_000);

test('headers that never come end at the request timeout (bound ≈ 2 s)', async () => {
  handler = () => undefined; // accepted, never answered
  requests = 0;
  const { error, ms } = await timed(() => requester().json({ path: '/user_account', category: 'org_read' }));
  expect(error).toBeInstanceOf(RetriesExhaustedError);
  expect((error as Error).message).toMatch(/timed out/);
  expect(requests).toBe(2);
  expect(ms).toBeLessThan(BOUND_ALLOWED_MS);
}, 30_000);
