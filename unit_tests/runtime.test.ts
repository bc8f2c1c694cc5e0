/**
 * The composition root: each runtime builds its own HTTP connections with its own timeout (no process-wide
 * dispatcher where the first config's timeout silently wins).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { parseConfig } from '../src/config/load';
import { MessageWriter } from '../src/protocol/output';
import { createRuntime } from '../src/runtime';

test('two runtimes in one process keep their own request timeouts', async () => {
  // Headers after 5.5 s: past a 5 s timeout, well within a 30 s one.
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end(JSON.stringify({ id: '1', username: 'u' })), 5500);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v5`;
  const runtime = (seconds: number) => {
    const raw = {
      credentials: { auth_method: 'access_token', access_token: 'pina_test_token_0123456789' },
      request_timeout_seconds: seconds,
    };
    return createRuntime({
      config: parseConfig(raw),
      rawConfig: raw,
      writer: new MessageWriter(new PassThrough(), 'info'),
      env: { PINTEREST_API_URL: url, PINTEREST_RATE_LIMITS: 'off' },
      retry: { maxAttempts: 1 },
    });
  };
  const short = runtime(5);
  const long = runtime(30);
  try {
    const [a, b] = await Promise.allSettled([
      short.requester.json({ path: '/user_account', category: 'org_read' }),
      long.requester.json({ path: '/user_account', category: 'org_read' }),
    ]);
    expect(a.status).toBe('rejected');
    expect(String((a as PromiseRejectedResult).reason?.message)).toMatch(/timed out/);
    expect(b).toEqual({ status: 'fulfilled', value: { id: '1', username: 'u' } });
  } finally {
    await short.close();
    await long.close();
    server.closeAllConnections();
    server.close();
  }
}, 20_000);
