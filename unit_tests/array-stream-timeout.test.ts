/**
 * The request timeout is a watchdog on the network, paused while our consumer works: a slow destination
 * must not make a streamed answer time out. Real HTTP on loopback (undici), no interception.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StaticToken } from '../src/http/auth';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester } from '../src/http/requester';

const rows = Array.from({ length: 2000 }, (_, i) => ({
  AD_ID: String(i),
  DATE: '2026-06-01',
  NAME: `row ${i}`,
  SPEND: i,
}));
let calls = 0;
const server = http.createServer((_req, res) => {
  calls++;
  const body = Buffer.from(JSON.stringify(rows));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.end(body);
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v5`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('a consumer slower than the request timeout does not make the answer time out', async () => {
  const limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  const r = new Requester({
    baseUrl: base,
    limiter,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 150 },
  });
  r.setTokenSource(new StaticToken('pina.static'));
  const got: unknown[] = [];
  let batches = 0;
  try {
    for await (const batch of r.arrayStream({ path: '/ad_accounts/1/ads/analytics', category: 'ads_analytics' })) {
      if (batches++ < 2) await new Promise((resolve) => setTimeout(resolve, 200)); // a slow destination: 400 ms in all
      got.push(...batch.map((t) => JSON.parse(t)));
    }
  } finally {
    await limiter.stop();
  }
  expect(batches).toBeGreaterThanOrEqual(2);
  expect(got).toEqual(rows);
  expect(calls).toBe(1);
}, 20_000);
