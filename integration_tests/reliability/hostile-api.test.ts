/**
 * Hostile and broken input, part 2: API responses. The connector runs in-process (test_kit/in-process.ts
 * runConnector) against the msw fake of Pinterest, with one answer made hostile per case: HTML
 * with 200, bodies that are not JSON, wrong field types, empty pages with bookmarks, repeating bookmarks,
 * huge pages, 401/403/429/5xx. Each case is its own test: a clear message with the right failure_type,
 * never a hang (15 s per case), never a stack trace as the message, no STATE past the failure; and, for
 * failures, a second run from the last states against a healthy API loses nothing of a clean read.
 */
import { http, HttpResponse } from 'msw';
import { AD_EUR, AD_USD, BASE_CONFIG, useFakePinterest, type FakePinterest } from '../../test_kit/msw-pinterest';
import { API, runConnector, tempFiles, type RunResult } from '../../test_kit/in-process';
import type { RetryPolicy } from '../../src/http/requester';
import { hasStackLines, lostRecords, recordFigure, stateAfterFailure } from '../../test_kit/reliability';
import { catalogFor } from '../../test_kit/catalog';
import { type Json } from '../../test_kit/constants';
import { committedRecords, lastStates } from '../../test_kit/messages';
import { type StreamSelection } from '../../test_kit/read-checks';

const fake = useFakePinterest({ campaigns: { [AD_USD]: 3, [AD_EUR]: 2 } });

const CASE_TIMEOUT = 15_000;
const CONFIG: Json = { ...BASE_CONFIG };
const ACCESS_TOKEN_CONFIG: Json = {
  ...BASE_CONFIG,
  credentials: { auth_method: 'access_token', access_token: 'pina.fixture-access-token' },
};

async function readWith(
  config: Json,
  streams: StreamSelection[],
  state?: unknown,
  retry?: Partial<RetryPolicy>,
): Promise<RunResult> {
  const selection = streams.map((s) => (typeof s === 'string' ? { name: s } : s));
  const files = tempFiles({ config, catalog: catalogFor(selection), ...(state !== undefined ? { state } : {}) });
  return runConnector(
    [
      'read',
      '--config',
      files.config,
      '--catalog',
      files.catalog,
      ...(state !== undefined ? ['--state', files.state] : []),
    ],
    { retry },
  );
}

const html = (status: number) =>
  new HttpResponse(
    '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Something broke</h1></body></html>',
    { status, headers: { 'content-type': 'text/html' } },
  );
const json = (body: unknown, status = 200, headers?: Record<string, string>) =>
  HttpResponse.json(body as never, { status, headers });
const boards = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    id: String(610000000 + from + i),
    name: `Board ${from + i}`,
    privacy: 'PUBLIC',
    description: 'x'.repeat(20),
  }));
const incremental = (name: string): StreamSelection => ({ name, sync_mode: 'incremental' });

interface Case {
  name: string;
  streams: StreamSelection[];
  config?: Json;
  retry?: Partial<RetryPolicy>;
  setup: (f: FakePinterest) => void;
  failure?: 'config_error' | 'transient_error' | 'system_error';
  message?: RegExp;
  /** Checks of a run that must succeed. */
  ok?: (r: RunResult) => void;
  /** The failing stream (default: the first one selected); undefined for a failure of the whole read. */
  stream?: string | null;
}

let counter = 0;
const CASES: Case[] = [
  {
    name: 'an HTML error page with status 200 (boards)',
    streams: ['boards'],
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => html(200))),
    failure: 'transient_error',
    message: /did not answer GET \/boards after \d+ attempts .*not JSON/,
  },
  {
    name: 'an HTML page with 200 for the user account (set-up)',
    streams: ['user_interests'],
    setup: (f) => f.server.use(http.get(`${API}/user_account`, () => html(200))),
    failure: 'transient_error',
    message: /did not answer GET \/user_account after/,
  },
  {
    name: 'a body that is not JSON for ads analytics (bounded retries and splits)',
    streams: [incremental('campaign_analytics')],
    setup: (f) =>
      f.server.use(
        http.get(
          `${API}/ad_accounts/:id/campaigns/analytics`,
          () => new HttpResponse('OK', { status: 200, headers: { 'content-type': 'application/json' } }),
        ),
      ),
    failure: 'transient_error',
    message: /did not answer GET \/ad_accounts\/\d+\/campaigns\/analytics .*not JSON/,
  },
  {
    name: 'a JSON body cut short with a matching Content-Length',
    streams: ['pins'],
    setup: (f) =>
      f.server.use(
        http.get(
          `${API}/pins`,
          () =>
            new HttpResponse('{"items": [{"id": "1"', { status: 200, headers: { 'content-type': 'application/json' } }),
        ),
      ),
    failure: 'transient_error',
    message: /did not answer GET \/pins .*not JSON/,
  },
  {
    name: 'items is not a list',
    streams: ['boards'],
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => json({ items: 'boards', bookmark: null }))),
    failure: 'transient_error',
    message: /answered GET \/boards \(page 1\) without an items list/,
  },
  {
    name: 'a list answer that is JSON null',
    streams: ['followers'],
    setup: (f) => f.server.use(http.get(`${API}/user_account/followers`, () => json(null))),
    failure: 'transient_error',
    message: /did not answer GET \/user_account\/followers after \d+ attempts .*not JSON \(null\)/,
  },
  {
    name: 'ads analytics as an object instead of a list of rows',
    streams: [incremental('campaign_analytics')],
    setup: (f) => f.server.use(http.get(`${API}/ad_accounts/:id/campaigns/analytics`, () => json({ rows: [] }))),
    failure: 'transient_error',
    message: /campaigns\/analytics .*unexpected shape \(object\)/,
  },
  {
    name: 'a targeting row without metrics',
    streams: [incremental('campaign_targeting_analytics')],
    setup: (f) =>
      f.server.use(
        http.get(`${API}/ad_accounts/:id/campaigns/targeting_analytics`, () =>
          json({ data: [{ targeting_type: 'APPTYPE', targeting_value: 'web', metrics: 'n/a' }] }),
        ),
      ),
    failure: 'transient_error',
    message: /targeting_analytics .*unexpected shape/,
  },
  {
    name: 'pin analytics whose daily_metrics is a string',
    streams: [incremental('pin_analytics')],
    setup: (f) => f.server.use(http.get(`${API}/pins/:id/analytics`, () => json({ all: { daily_metrics: 'none' } }))),
    failure: 'transient_error',
    message: /pins\/(\d+\/)?analytics .*unexpected shape/,
  },
  {
    name: 'an empty page with a bookmark, then the items: nothing is lost',
    streams: ['boards'],
    setup: (f) =>
      f.server.use(
        http.get(`${API}/boards`, ({ request }) => {
          const bookmark = new URL(request.url).searchParams.get('bookmark');
          return bookmark === 'after-empty'
            ? json({ items: f.data.boards, bookmark: null })
            : json({ items: [], bookmark: 'after-empty' });
        }),
      ),
    ok: (r) =>
      expect(
        r
          .records('boards')
          .map((b) => b.id)
          .sort(),
      ).toEqual(fake.data.boards.map((b) => b.id).sort()),
  },
  {
    name: 'empty pages forever, each with a new bookmark: an error, not an endless read',
    streams: ['boards'],
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => json({ items: [], bookmark: `empty-${++counter}` }))),
    failure: 'transient_error',
    message: /empty pages in a row/,
  },
  {
    name: 'a bookmark that repeats',
    streams: ['boards'],
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => json({ items: boards(1), bookmark: 'same-again' }))),
    failure: 'transient_error',
    message: /same bookmark twice for GET \/boards/,
  },
  {
    name: 'a bookmark that is a number',
    streams: ['boards'],
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => json({ items: boards(1), bookmark: 12345 }))),
    failure: 'transient_error',
    message: /bookmark that is not a string/,
  },
  {
    name: 'a huge page (20,000 items, far above page_size): every item delivered once',
    streams: ['boards'],
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => json({ items: boards(20_000), bookmark: null }))),
    ok: (r) => {
      const ids = r.records('boards').map((b) => b.id);
      expect(ids).toHaveLength(20_000);
      expect(new Set(ids).size).toBe(20_000);
    },
  },
  {
    name: 'a list page larger than the response limit',
    streams: ['boards'],
    retry: { maxBodyBytes: 100_000 },
    setup: (f) => f.server.use(http.get(`${API}/boards`, () => json({ items: boards(2_000), bookmark: null }))),
    failure: 'transient_error',
    message: /response to GET \/boards .*larger than/,
  },
  {
    name: 'ads analytics too large for long windows: the window is split and nothing is lost',
    streams: [incremental('campaign_analytics')],
    retry: { maxResponseBytes: 50_000 },
    setup: (f) =>
      f.server.use(
        http.get(`${API}/ad_accounts/:id/campaigns/analytics`, ({ request }) => {
          const q = new URL(request.url).searchParams;
          const days = (Date.parse(q.get('end_date')!) - Date.parse(q.get('start_date')!)) / 86_400_000 + 1;
          if (days > 10) return json([{ CAMPAIGN_ID: '1', DATE: q.get('start_date'), PADDING: 'x'.repeat(60_000) }]);
          return undefined; // the fake's own answer
        }),
      ),
    ok: (r) => {
      expect(r.records('campaign_analytics').length).toBeGreaterThan(0);
      expect(r.logs('WARN').some((l) => /splitting the window/.test(l))).toBe(true);
      expect(r.records('campaign_analytics').some((x) => 'padding' in x)).toBe(false);
    },
  },
  {
    name: 'a 403 for a configured ad account (access revoked)',
    streams: ['campaigns'],
    config: { ...CONFIG, ad_account_ids: [AD_USD] },
    setup: (f) =>
      f.failOn({
        path: new RegExp(`^/ad_accounts/${AD_USD}$`),
        status: 403,
        body: { code: 29, message: 'You are not permitted to access that resource.' },
      }),
    failure: 'config_error',
    message: /No access to ad account 549755885175 \(HTTP 403: You are not permitted/,
    stream: 'campaigns',
  },
  {
    name: "a 403 for one account's analytics mid-read (the other account is read and checkpointed)",
    streams: [incremental('campaign_analytics')],
    setup: (f) =>
      f.failOn({
        path: new RegExp(`^/ad_accounts/${AD_EUR}/campaigns/analytics$`),
        status: 403,
        body: { code: 29, message: 'You are not permitted to access that resource.' },
      }),
    failure: 'config_error',
    message: /HTTP 403, code 29.*not permitted/,
  },
  {
    name: 'a 401 for every request in access-token mode',
    streams: ['boards'],
    config: ACCESS_TOKEN_CONFIG,
    setup: (f) => f.server.use(http.get(`${API}/*`, () => json({ code: 2, message: 'Authentication failed.' }, 401))),
    failure: 'config_error',
    message: /rejected the credentials .*re-authenticate/,
    stream: null,
  },
  {
    name: 'a 500 forever for the user account',
    streams: [incremental('user_account_analytics')],
    setup: (f) =>
      f.failOn({
        path: /^\/user_account$/,
        status: 500,
        body: { code: 0, message: 'Something went wrong. Please try again later.' },
      }),
    failure: 'transient_error',
    message: /did not answer GET \/user_account after \d+ attempts .*HTTP 500/,
  },
  {
    name: 'the token endpoint answers 200 without an access_token',
    streams: ['boards'],
    setup: (f) => f.server.use(http.post(`${API}/oauth/token`, () => json({ token_type: 'bearer', expires_in: 3600 }))),
    failure: 'transient_error',
    message: /token refresh without an access_token/,
    stream: null,
  },
  {
    name: 'the token endpoint answers an HTML page with 200',
    streams: ['boards'],
    setup: (f) => f.server.use(http.post(`${API}/oauth/token`, () => html(200))),
    failure: 'transient_error',
    message: /did not answer POST \/oauth\/token/,
    stream: null,
  },
  {
    name: 'the token endpoint answers 400 for the refresh token',
    streams: ['boards'],
    setup: (f) =>
      f.failOn({
        method: 'POST',
        path: /^\/oauth\/token$/,
        status: 400,
        body: { code: 1, message: 'Invalid refresh token' },
      }),
    failure: 'config_error',
    message: /re-authenticate/,
    stream: null,
  },
  {
    name: 'a 429 whose Retry-After passes max_rate_limit_wait_seconds',
    streams: [incremental('campaign_analytics'), 'boards'],
    config: { ...CONFIG, max_rate_limit_wait_seconds: 1 },
    setup: (f) =>
      f.failOn({
        path: /campaigns\/analytics$/,
        status: 429,
        headers: { 'retry-after': '3600' },
        body: { code: 8, message: 'This request exceeded a rate limit.' },
      }),
    failure: 'transient_error',
    message: /rate limit is spent/,
  },
  {
    name: 'a 503 with Retry-After: 0 twice, then the answer',
    streams: ['boards'],
    setup: (f) => f.failOn({ path: /^\/boards$/, status: 503, headers: { 'retry-after': '0' }, times: 2 }),
    ok: (r) => expect(r.records('boards')).toHaveLength(fake.data.boards.length),
  },
  {
    name: 'the interests route is gone (410): the stream completes empty with a warning',
    streams: ['user_interests'],
    setup: (f) => f.failOn({ path: /interests\/follow$/, status: 410, body: { code: 410, message: 'Gone' } }),
    ok: (r) => {
      expect(r.records('user_interests')).toEqual([]);
      expect(r.logs('WARN').some((l) => /deprecated upstream/.test(l))).toBe(true);
    },
  },
  {
    name: 'a JSON error body for a 400 with an unknown message on a list',
    streams: ['boards'],
    setup: (f) => f.failOn({ path: /^\/boards$/, status: 400, body: { code: 1, message: 'Invalid parameters.' } }),
    failure: 'config_error',
    message: /Pinterest refused GET \/boards \(HTTP 400, code 1\): Invalid parameters\./,
  },
];

afterAll(() => {
  recordFigure({ suite: 'hostile-api', badInputs: CASES.length, note: 'API responses (msw)' });
});

test.each(CASES.map((c) => [c.name, c] as const))(
  '%s',
  async (_name, c) => {
    c.setup(fake);
    const r = await readWith(c.config ?? CONFIG, c.streams, undefined, c.retry);
    const errors = r.traces();
    for (const e of errors) expect(hasStackLines(e.message)).toBe(false);
    expect(stateAfterFailure(r.messages)).toEqual([]);
    if (!c.failure) {
      expect(errors).toEqual([]);
      expect(r.exitCode).toBe(0);
      c.ok!(r);
      return;
    }
    expect(r.exitCode).not.toBe(0);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.map((e) => e.failure_type)).toEqual(errors.map(() => c.failure));
    expect(errors[0].message).toMatch(c.message!);
    const selected = typeof c.streams[0] === 'string' ? c.streams[0] : c.streams[0].name;
    const failing = c.stream === undefined ? selected : c.stream;
    if (failing) {
      expect(errors[0].stream_descriptor?.name).toBe(failing);
      expect(r.statuses(failing).slice(-1)).toEqual(['INCOMPLETE']);
    }

    // Recovery: against a healthy API, a run from the last states plus what the failed run checkpointed
    // holds every record of a clean read: the failure left no state that skips data.
    fake.server.resetHandlers();
    fake.reset();
    const clean = await readWith(c.config ?? CONFIG, c.streams);
    expect(clean.exitCode).toBe(0);
    const resumed = await readWith(c.config ?? CONFIG, c.streams, lastStates(r.messages));
    expect(resumed.exitCode).toBe(0);
    const truth = { records: {} as Record<string, Json[]> };
    for (const m of clean.messages)
      if (m.type === 'RECORD') (truth.records[m.record.stream] ??= []).push(m.record.data);
    const lost = lostRecords([committedRecords(r.messages), resumed.messages], truth as never);
    expect(lost.samples).toEqual([]);
  },
  CASE_TIMEOUT,
);
