/**
 * Real Pinterest error bodies and token answers (test_kit/error-corpus/pinterest-errors.json), each replayed
 * through the connector's decisions: decide() for the answer's kind, then over HTTP (msw) through the
 * requester and the OAuth token source, once (is it retried, is the token refreshed?) and for good (which
 * failure type, which words). An entry without a complete expectation fails the suite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { ConnectorError } from '../src/errors';
import { OAuthTokens } from '../src/http/auth';
import { decide } from '../src/http/decision';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester, type RetryPolicy } from '../src/http/requester';
import { API } from '../test_kit/in-process';
import { useLimiters, useMswServer } from '../test_kit/msw-server';

interface Expectation {
  decision?: 'ok' | 'retry' | 'rate_limited' | 'unauthorized' | 'spurious400' | 'fail';
  retry: boolean;
  refresh: boolean;
  failure_type?: 'config_error' | 'transient_error' | 'system_error';
  message_contains?: string[];
  message_lacks?: string[];
  token_lifetime_days?: number;
  rotated_refresh_token?: string;
}
interface Entry {
  id: string;
  source: string;
  at: 'api' | 'token_endpoint';
  request?: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  expect?: Expectation;
}

const CORPUS: Entry[] = JSON.parse(
  readFileSync(join(__dirname, '../test_kit/error-corpus/pinterest-errors.json'), 'utf8'),
).entries;
const API_ENTRIES = CORPUS.filter((e) => e.at === 'api');
const TOKEN_ENTRIES = CORPUS.filter((e) => e.at === 'token_endpoint');
const DAY_MS = 86_400_000;

const server = useMswServer();
const limiters = useLimiters();
const FAST: Partial<RetryPolicy> = {
  maxAttempts: 3,
  baseDelayMs: 2,
  maxDelayMs: 8,
  spurious400DelayMs: 2,
  timeoutMs: 2000,
  maxRateLimitWaitMs: 60,
};

/** What is missing from an entry's expectation (empty when complete). */
function missingExpectation(e: Entry): string[] {
  const x = e.expect;
  if (!x) return ['expect'];
  const missing: string[] = [];
  if (typeof x.retry !== 'boolean') missing.push('retry');
  if (typeof x.refresh !== 'boolean') missing.push('refresh');
  if (!e.source) missing.push('source');
  if (e.at === 'api' && !x.decision) missing.push('decision');
  if (e.at === 'api' && !e.request) missing.push('request');
  const succeeds = e.status >= 200 && e.status < 300;
  if (!succeeds && !x.failure_type) missing.push('failure_type');
  if (!succeeds && !x.message_contains?.length) missing.push('message_contains');
  if (succeeds && (x.token_lifetime_days === undefined || x.rotated_refresh_token === undefined))
    missing.push('token_lifetime_days/rotated_refresh_token');
  return missing;
}

function answer(e: Entry): Response {
  return HttpResponse.json(e.body as Record<string, unknown>, { status: e.status, headers: e.headers });
}

/** The access token the n-th refresh hands out (as long as a real one: shorter ones are refused). */
const tokenNumber = (n: number) => `pina_corpus_access_token_${n}`;

/** A requester whose token source refreshes against msw (each refresh hands out the next numbered token). */
function oauthRequester(tokenAnswer?: (n: number) => Response, now: () => number = Date.now) {
  const tokenCalls: string[] = [];
  server.use(
    http.post(`${API}/oauth/token`, async ({ request }) => {
      tokenCalls.push(await request.text());
      return tokenAnswer
        ? tokenAnswer(tokenCalls.length)
        : HttpResponse.json({
            access_token: tokenNumber(tokenCalls.length),
            token_type: 'bearer',
            expires_in: 2592000,
          });
    }),
  );
  const limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  limiters.push(limiter);
  const requester = new Requester({ baseUrl: API, limiter, retry: FAST });
  const rotated: string[] = [];
  const tokens = new OAuthTokens(
    requester,
    'client-id-1',
    'client-secret-XYZ',
    'pinr.original',
    (t) => {
      rotated.push(t);
    },
    now,
  );
  requester.setTokenSource(tokens);
  return { requester, tokens, tokenCalls, rotated };
}

/** The entry's request path on msw: its answer `first` time(s), then an empty page. */
function serveApi(e: Entry, first: number) {
  const [method, path] = e.request!.split(' ');
  const calls: Array<string | null> = [];
  const handler = method === 'POST' ? http.post : http.get;
  server.use(
    handler(`${API}${path}`, ({ request }) => {
      calls.push(request.headers.get('authorization'));
      return calls.length <= first ? answer(e) : HttpResponse.json({ items: [], bookmark: null });
    }),
  );
  return { calls, spec: { method: method as 'GET' | 'POST', path, category: 'ads_read' as const } };
}

/** The error a promise ends with (it must end with one). */
const rejection = (p: Promise<unknown>): Promise<ConnectorError> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as ConnectorError,
  );

function expectMessage(err: ConnectorError, x: Expectation): void {
  expect(err).toBeInstanceOf(ConnectorError);
  expect(err.failureType).toBe(x.failure_type);
  for (const words of x.message_contains ?? []) expect(err.message).toContain(words);
  for (const words of x.message_lacks ?? []) expect(err.message).not.toContain(words);
}

test('the corpus has entries from both the API and the token endpoint, each with a complete expectation', () => {
  expect(API_ENTRIES.length).toBeGreaterThan(10);
  expect(TOKEN_ENTRIES.length).toBeGreaterThanOrEqual(3);
  expect(CORPUS.filter((e) => e.at !== 'api' && e.at !== 'token_endpoint').map((e) => e.id)).toEqual([]);
  expect(CORPUS.map((e) => [e.id, missingExpectation(e)]).filter(([, m]) => m.length > 0)).toEqual([]);
  expect(new Set(CORPUS.map((e) => e.id)).size).toBe(CORPUS.length);
});

describe.each(API_ENTRIES.map((e) => [e.id, e] as const))('API answer %s', (_id, e) => {
  const x = e.expect!;

  test(`decide() → ${x.decision}`, () => {
    const decision = decide(e.status, new Headers(e.headers), Buffer.from(JSON.stringify(e.body)), e.request!);
    expect(decision.kind).toBe(x.decision);
  });

  test(`once: ${x.retry ? 'sent again' : 'not sent again'}, ${x.refresh ? 'token refreshed' : 'token not refreshed'}`, async () => {
    const { requester, tokenCalls } = oauthRequester();
    const { calls, spec } = serveApi(e, 1);
    const outcome = requester.json(spec);
    if (x.retry) {
      await expect(outcome).resolves.toEqual({ items: [], bookmark: null });
      expect(calls).toHaveLength(2);
    } else {
      expectMessage(await rejection(outcome), x);
      expect(calls).toHaveLength(1);
    }
    expect(tokenCalls).toHaveLength(x.refresh ? 2 : 1);
    if (x.refresh) expect(calls).toEqual([`Bearer ${tokenNumber(1)}`, `Bearer ${tokenNumber(2)}`]);
  });

  test(`for good: ${x.failure_type}, naming the cause`, async () => {
    const { requester, tokenCalls } = oauthRequester();
    const { calls, spec } = serveApi(e, Number.MAX_SAFE_INTEGER);
    expectMessage(await rejection(requester.json(spec)), x);
    // A refresh is worth one try: the token is not refreshed again for an answer a refresh did not cure.
    expect(tokenCalls).toHaveLength(x.refresh ? 2 : 1);
    expect(calls.length > 1).toBe(x.retry);
  });
});

describe.each(TOKEN_ENTRIES.map((e) => [e.id, e] as const))('token endpoint answer %s', (_id, e) => {
  const x = e.expect!;

  if (e.status >= 200 && e.status < 300) {
    test(`the access token is kept about ${x.token_lifetime_days} days and the rotated refresh token is handed over`, async () => {
      let now = 1_000_000;
      const { tokens, tokenCalls, rotated } = oauthRequester(
        (n) => (n === 1 ? answer(e) : HttpResponse.json({ access_token: tokenNumber(2), expires_in: 2592000 })),
        () => now,
      );
      const access = (e.body as { access_token: string }).access_token;
      await expect(tokens.token()).resolves.toBe(access);
      expect(rotated).toEqual([x.rotated_refresh_token]);
      now += (x.token_lifetime_days! - 1) * DAY_MS;
      await expect(tokens.token()).resolves.toBe(access);
      expect(tokenCalls).toHaveLength(1);
      now += DAY_MS;
      await expect(tokens.token()).resolves.toBe(tokenNumber(2));
      // The next refresh sends the rotated refresh token.
      expect(new URLSearchParams(tokenCalls[1]).get('refresh_token')).toBe(x.rotated_refresh_token);
    });
    return;
  }

  test(`refresh fails with ${x.failure_type}, naming the cause, asked once`, async () => {
    const { tokens, tokenCalls } = oauthRequester(() => answer(e));
    expectMessage(await rejection(tokens.token()), x);
    expect(tokenCalls).toHaveLength(1);
  });

  test('met by a read: the request ends with that error, no API call is made with a token', async () => {
    const { requester, tokenCalls } = oauthRequester(() => answer(e));
    const calls: unknown[] = [];
    server.use(
      http.get(`${API}/boards`, () => {
        calls.push(1);
        return HttpResponse.json({ items: [] });
      }),
    );
    expectMessage(await rejection(requester.json({ path: '/boards', category: 'org_read' })), x);
    expect([calls.length, tokenCalls.length]).toEqual([0, 1]);
  });
});
