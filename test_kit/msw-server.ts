/**
 * An msw server for one test file (listening before its tests, handlers reset after each, closed at the end;
 * a request no handler answers fails the test), and rate limiters stopped after each test.
 */
import { setupServer, type SetupServer } from 'msw/node';
import type { RateLimiter } from '../src/http/rate-limiter';

export function useMswServer(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Limiters a test creates are stopped after it (their timers would keep jest waiting). */
export function useLimiters(): RateLimiter[] {
  const limiters: RateLimiter[] = [];
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.stop()));
  });
  return limiters;
}
