/**
 * The holes a security review found, one test each, in-process against the msw fake of
 * Pinterest: secrets that leaked through error bodies, redirects that re-sent credentials, lists that never
 * end, records nested too deep, future cursors, --write-config through links and onto read-only files, ids
 * beyond 2^53, and the smaller ones. The cases that need a real process (memory, signals) are in
 * `bounds.test.ts`.
 */
import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { AD_USD, BASE_CONFIG, useFakePinterest } from '../../test_kit/msw-pinterest';
import { API, OAUTH_CONFIG, runConnector, tempFiles, type RunResult } from '../../test_kit/in-process';
import type { RetryPolicy } from '../../src/http/requester';
import { tempPathFor } from '../../src/config/write-back';
import { recordFigure } from '../../test_kit/reliability';
import { catalogFor } from '../../test_kit/catalog';
import { type Json } from '../../test_kit/constants';
import { type StreamSelection } from '../../test_kit/read-checks';

const fake = useFakePinterest({ campaigns: { [AD_USD]: 3 } });
const CASE_TIMEOUT = 20_000;
let badInputs = 0;
afterAll(() => recordFigure({ suite: 'security', badInputs, note: 'security review cases, in-process' }));

async function readWith(
  config: Json,
  streams: StreamSelection[],
  opts: { state?: unknown; retry?: Partial<RetryPolicy>; env?: Record<string, string> } = {},
): Promise<RunResult> {
  badInputs++;
  const selection = streams.map((s) => (typeof s === 'string' ? { name: s } : s));
  const files = tempFiles({
    config,
    catalog: catalogFor(selection),
    ...(opts.state !== undefined ? { state: opts.state } : {}),
  });
  return runConnector(
    [
      'read',
      '--config',
      files.config,
      '--catalog',
      files.catalog,
      ...(opts.state !== undefined ? ['--state', files.state] : []),
    ],
    { retry: opts.retry, env: opts.env },
  );
}

async function checkWith(config: Json | string): Promise<RunResult> {
  badInputs++;
  const files = tempFiles({ config });
  return runConnector(['check', '--config', files.config]);
}

/** stdout without CONTROL lines: where no secret may appear. */
const outsideControl = (r: RunResult) =>
  r.stdout
    .split('\n')
    .filter((l) => !l.includes('"type":"CONTROL"'))
    .join('\n');
const basicOf = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');
const token = (body: Json, status = 200) =>
  http.post(`${API}/oauth/token`, () => HttpResponse.json(body as never, { status }));

describe('secrets never appear outside a CONTROL message', () => {
  test(
    '1. an access token from the refresh, echoed back by an error body, is masked in LOG and TRACE',
    async () => {
      const fresh = 'pina_Fr3shAcc3ssT0ken_Kq7Zr2';
      fake.server.use(
        token({ access_token: fresh, token_type: 'bearer', expires_in: 3600 }),
        http.get(`${API}/boards`, () =>
          HttpResponse.json(
            { code: 1, message: `Invalid request headers: Authorization: Bearer ${fresh}` },
            { status: 400 },
          ),
        ),
      );
      const r = await readWith(BASE_CONFIG, ['boards']);
      expect(r.traces()[0].message).toMatch(/Invalid request headers: Authorization: Bearer \*\*\*\*/);
      expect(outsideControl(r)).not.toContain(fresh);
    },
    CASE_TIMEOUT,
  );

  test(
    '1. the Basic credential, echoed by the token endpoint, is masked',
    async () => {
      const basic = basicOf(OAUTH_CONFIG.credentials.client_id, OAUTH_CONFIG.credentials.client_secret);
      fake.server.use(token({ code: 2, message: `Authentication failed for Basic ${basic}` }, 401));
      const r = await readWith(BASE_CONFIG, ['boards']);
      expect(r.traces()[0].failure_type).toBe('config_error');
      expect(outsideControl(r)).not.toContain(basic);
    },
    CASE_TIMEOUT,
  );

  test(
    "2. check's CONNECTION_STATUS is masked: a token error that echoes the form body",
    async () => {
      fake.server.use(
        http.post(`${API}/oauth/token`, async ({ request }) =>
          HttpResponse.json({ code: 1, message: `Invalid body: ${await request.text()}` }, { status: 400 }),
        ),
      );
      const r = await checkWith(BASE_CONFIG);
      const status = r.messages.find((m) => m.type === 'CONNECTION_STATUS')!;
      expect(status.connectionStatus.status).toBe('FAILED');
      expect(status.connectionStatus.message).toMatch(/refresh_token=\*\*\*\*/);
      expect(r.stdout).not.toContain(OAUTH_CONFIG.credentials.refresh_token);
    },
    CASE_TIMEOUT,
  );

  test(
    '3. a 307 from the token endpoint is not followed: no form body reaches the named host, the error names it',
    async () => {
      const elsewhere: string[] = [];
      fake.server.use(
        http.post(
          `${API}/oauth/token`,
          () => new HttpResponse(null, { status: 307, headers: { location: 'https://collector.example.net/steal' } }),
        ),
        http.post('https://collector.example.net/steal', async ({ request }) => {
          elsewhere.push(await request.text());
          return HttpResponse.json({ access_token: 'pina_from_elsewhere', expires_in: 3600 });
        }),
      );
      const r = await readWith(BASE_CONFIG, ['boards']);
      expect(elsewhere).toEqual([]);
      expect(r.traces()[0].failure_type).toBe('config_error');
      expect(r.traces()[0].message).toMatch(/redirect \(HTTP 307\) to https:\/\/collector\.example\.net\/steal/);
      expect(r.records('boards')).toEqual([]);
    },
    CASE_TIMEOUT,
  );

  test(
    '3. a 302 on an API request (bearer token) is not followed either',
    async () => {
      const elsewhere: string[] = [];
      fake.server.use(
        http.get(
          `${API}/boards`,
          () => new HttpResponse(null, { status: 302, headers: { location: 'https://cdn.example.net/boards' } }),
        ),
        http.get('https://cdn.example.net/boards', ({ request }) => {
          elsewhere.push(request.headers.get('authorization') ?? '');
          return HttpResponse.json({ items: [], bookmark: null });
        }),
      );
      const r = await readWith(BASE_CONFIG, ['boards']);
      expect(elsewhere).toEqual([]);
      expect(r.traces()[0].message).toMatch(/redirect \(HTTP 302\) to https:\/\/cdn\.example\.net\/boards/);
    },
    CASE_TIMEOUT,
  );

  test(
    '4. a secret with characters JSON escapes is masked in its escaped form',
    async () => {
      const secret = 'se"cr\\et\tQ9-0123456789';
      fake.server.use(
        http.post(`${API}/oauth/token`, ({ request }) => {
          const decoded = Buffer.from(
            (request.headers.get('authorization') ?? '').replace(/^Basic /, ''),
            'base64',
          ).toString('utf8');
          return HttpResponse.json({ code: 2, message: `Unknown client ${decoded}` }, { status: 401 });
        }),
      );
      const config = {
        ...BASE_CONFIG,
        credentials: { ...OAUTH_CONFIG.credentials, client_secret: secret.replace('\t', '_') },
      };
      const r = await readWith(config, ['boards']);
      expect(r.traces()[0].message).toMatch(/Unknown client client-id-1:\*\*\*\*/);
      expect(outsideControl(r)).not.toContain(JSON.stringify(secret.replace('\t', '_')).slice(1, -1));
    },
    CASE_TIMEOUT,
  );

  test.each([
    ['a newline', 'pina_abc\ndef0123456789'],
    ['a NUL', 'pina_abc\u0000def0123456789'],
    ['a character outside Latin-1', 'pina_abc\u2028def0123456789'],
    ['Cyrillic letters', 'pina_токен0123456789'],
  ])(
    '4. an access token with %s is a config error at load, with no request',
    async (_what, accessToken) => {
      const r = await readWith(
        { ...BASE_CONFIG, credentials: { auth_method: 'access_token', access_token: accessToken } },
        ['boards'],
      );
      expect(r.traces()[0].failure_type).toBe('config_error');
      expect(r.traces()[0].message).toMatch(/'credentials\.access_token' contains .* at position/);
      expect(r.traces()[0].message).not.toContain('pina_');
      expect(fake.requests).toEqual([]);
    },
    CASE_TIMEOUT,
  );
});

describe('bounded whatever Pinterest sends', () => {
  const boards = (page: number, n = 250) =>
    Array.from({ length: n }, (_, i) => ({
      id: String(610000000 + page * 1000 + i),
      name: `Board ${page}-${i}`,
      privacy: 'PUBLIC',
    }));

  test(
    '5. full pages of the same items with new bookmarks: stopped at the second page, nothing twice',
    async () => {
      let served = 0;
      fake.server.use(
        http.get(`${API}/boards`, () => {
          served++;
          // Finite only so that a connector without the check ends (with duplicates) instead of hanging the suite.
          return HttpResponse.json({ items: boards(0), bookmark: served < 400 ? `b${served}` : null });
        }),
      );
      const r = await readWith(BASE_CONFIG, ['boards']);
      expect(r.traces()[0].failure_type).toBe('transient_error');
      expect(r.traces()[0].message).toMatch(/same 250 items twice in a row/);
      expect(r.records('boards')).toHaveLength(250);
    },
    CASE_TIMEOUT,
  );

  test(
    '5. full pages of new items for ever: stopped at the page limit with a transient error',
    async () => {
      let served = 0;
      fake.server.use(
        http.get(`${API}/boards`, () => {
          served++;
          return HttpResponse.json({ items: boards(served, 5), bookmark: served < 400 ? `b${served}` : null });
        }),
      );
      const r = await readWith(BASE_CONFIG, ['boards'], { retry: { maxPages: 30 } });
      expect(r.traces()[0].failure_type).toBe('transient_error');
      expect(r.traces()[0].message).toMatch(/stopping after 30 pages/);
      expect(served).toBe(30);
    },
    CASE_TIMEOUT,
  );

  test(
    '7. a record nested 100,000 deep fails its stream cleanly; the other streams complete',
    async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      fake.server.use(
        http.get(
          `${API}/boards`,
          () =>
            new HttpResponse(
              `{"items": [{"id": "610000001", "name": "deep", "description": ${deep}}], "bookmark": null}`,
              { headers: { 'content-type': 'application/json' } },
            ),
        ),
      );
      const r = await readWith(BASE_CONFIG, ['boards', 'campaigns']);
      expect(r.statuses('boards')).toContain('INCOMPLETE');
      expect(r.traces()).toHaveLength(1);
      expect(r.traces()[0].message).toMatch(/^boards: .*nested deeper than 64 levels/);
      expect(r.traces()[0].failure_type).toBe('transient_error');
      expect(r.statuses('campaigns')).toContain('COMPLETE');
      expect(r.records('campaigns').length).toBeGreaterThan(0);
    },
    CASE_TIMEOUT,
  );

  test(
    '7. a streamed analytics row nested 100,000 deep fails that stream only',
    async () => {
      const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
      fake.server.use(
        http.get(
          `${API}/ad_accounts/:id/campaigns/analytics`,
          () =>
            new HttpResponse(`[{"CAMPAIGN_ID": "31000001", "DATE": "2026-05-01", "SPEND_IN_DOLLAR": ${deep}}]`, {
              headers: { 'content-type': 'application/json' },
            }),
        ),
      );
      const r = await readWith(BASE_CONFIG, ['campaign_analytics', 'boards']);
      expect(r.statuses('campaign_analytics')).toContain('INCOMPLETE');
      expect(
        r
          .traces()
          .map((t) => t.message)
          .join('\n'),
      ).toMatch(/campaign_analytics: .*nested deeper than 64 levels/);
      expect(r.statuses('boards')).toContain('COMPLETE');
    },
    CASE_TIMEOUT,
  );
});

describe('data and files', () => {
  test(
    '9. a saved cursor in the future: the read warns, naming the stream and the date, and reads nothing',
    async () => {
      const state = [
        {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'user_account_analytics' }, stream_state: { date: '3021-01-01' } },
        },
      ];
      const r = await readWith(BASE_CONFIG, [{ name: 'user_account_analytics', sync_mode: 'incremental' }], { state });
      expect(r.exitCode).toBe(0);
      expect(r.records()).toEqual([]);
      expect(r.logs('WARN').join('\n')).toMatch(
        /user_account_analytics: the saved state is at 3021-01-01, after today's last readable day 2026-06-30/,
      );
    },
    CASE_TIMEOUT,
  );

  test.each([
    ['PINTEREST_TODAY is not a date', { PINTEREST_TODAY: '2026-13-45' }, /PINTEREST_TODAY must be a date/],
    [
      'PINTEREST_RATE_LIMITS is not JSON',
      { PINTEREST_RATE_LIMITS: '{org_read: 5' },
      /PINTEREST_RATE_LIMITS .* not JSON/,
    ],
    [
      'PINTEREST_RATE_LIMITS has a limit of 0',
      { PINTEREST_RATE_LIMITS: '{"org_read": {"limit": 0, "windowMs": 1000}}' },
      /budget of "org_read" .* a limit of 0/,
    ],
    [
      'PINTEREST_RATE_LIMITS names an unknown category',
      { PINTEREST_RATE_LIMITS: '{"org_reads": null}' },
      /unknown category "org_reads"/,
    ],
  ])(
    '9/12. %s: a config error, not "Unexpected error"',
    async (_what, env, message) => {
      const r = await readWith(BASE_CONFIG, ['boards'], { env });
      expect(r.traces()[0].failure_type).toBe('config_error');
      expect(r.traces()[0].message).toMatch(message);
      expect(r.traces()[0].message).not.toMatch(/Unexpected error/);
    },
    CASE_TIMEOUT,
  );

  describe('10. --write-config', () => {
    const rotatedRead = async (configPath: string) => {
      badInputs++;
      fake.rotateRefreshToken = true;
      const files = tempFiles({ catalog: catalogFor([{ name: 'boards' }]) });
      return runConnector(['read', '--config', configPath, '--catalog', files.catalog, '--write-config']);
    };
    const control = (r: RunResult) => r.messages.filter((m) => m.type === 'CONTROL');

    test(
      'a config that is a symlink: the target is updated (mode 0600) and the link stays a link',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sp-link-'));
        const target = join(dir, 'real-config.json');
        writeFileSync(target, JSON.stringify(BASE_CONFIG), { mode: 0o640 });
        chmodSync(target, 0o640);
        const link = join(dir, 'config.json');
        symlinkSync(target, link);
        const r = await rotatedRead(link);
        expect(control(r)).toHaveLength(1);
        expect(lstatSync(link).isSymbolicLink()).toBe(true);
        expect(JSON.parse(readFileSync(target, 'utf8')).credentials.refresh_token).toBe(
          'pinr.rotated-refresh-token-NEW',
        );
        expect(statSync(target).mode & 0o777).toBe(0o600);
      },
      CASE_TIMEOUT,
    );

    test(
      'a read-only config is left alone, with a WARN; the CONTROL message still goes out',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sp-ro-'));
        const path = join(dir, 'config.json');
        const before = JSON.stringify(BASE_CONFIG);
        writeFileSync(path, before);
        chmodSync(path, 0o444);
        const r = await rotatedRead(path);
        expect(control(r)).toHaveLength(1);
        expect(readFileSync(path, 'utf8')).toBe(before);
        expect(r.logs('WARN').join('\n')).toMatch(/Could not write the rotated refresh token into .*read-only/);
      },
      CASE_TIMEOUT,
    );

    test(
      'a link planted at the temporary name is not followed',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'sp-plant-'));
        const path = join(dir, 'config.json');
        writeFileSync(path, JSON.stringify(BASE_CONFIG));
        const victim = join(dir, 'victim.txt');
        writeFileSync(victim, 'untouched');
        symlinkSync(victim, tempPathFor(path));
        const r = await rotatedRead(path);
        expect(control(r)).toHaveLength(1);
        expect(readFileSync(victim, 'utf8')).toBe('untouched');
        expect(JSON.parse(readFileSync(path, 'utf8')).credentials.refresh_token).toBe('pinr.rotated-refresh-token-NEW');
      },
      CASE_TIMEOUT,
    );

    test(
      'ids above 2^53 in the config stay exact in the rewritten config',
      async () => {
        const path = join(mkdtempSync(join(tmpdir(), 'sp-big-')), 'config.json');
        writeFileSync(path, JSON.stringify(BASE_CONFIG).replace(/}$/, ', "x_partner_id": 12345678901234567891}'));
        const r = await rotatedRead(path);
        expect(control(r)[0].control.connectorConfig.config.x_partner_id).toBe('12345678901234567891');
        expect(readFileSync(path, 'utf8')).toContain('12345678901234567891');
      },
      CASE_TIMEOUT,
    );
  });

  test(
    '11. ad ids above 2^53 sent as numbers stay exact; __PROTO__ keys are kept; rows outside the request are counted and warned',
    async () => {
      const big = '9007199254740993'; // 2^53 + 1: a double rounds it to ...992
      fake.server.use(
        http.get(`${API}/ad_accounts/:id/ads`, ({ params }) =>
          HttpResponse.json({
            items: params.id === AD_USD ? [{ id: big, ad_account_id: AD_USD, name: 'Big ad', status: 'ACTIVE' }] : [],
            bookmark: null,
          }),
        ),
        http.get(`${API}/ad_accounts/:id/ads/analytics`, ({ request, params }) => {
          const url = new URL(request.url);
          if (params.id !== AD_USD) return HttpResponse.json([]);
          const start = url.searchParams.get('start_date');
          const rows = [
            `{"AD_ID": ${big}, "DATE": "${start}", "SPEND_IN_DOLLAR": 1.5, "__PROTO__": 7}`,
            `{"AD_ID": 1234, "DATE": "${start}", "SPEND_IN_DOLLAR": 2}`,
            `{"AD_ID": ${big}, "DATE": "2020-01-01", "SPEND_IN_DOLLAR": 3}`,
          ];
          return new HttpResponse(`[${rows.join(',')}]`, { headers: { 'content-type': 'application/json' } });
        }),
      );
      const r = await readWith({ ...BASE_CONFIG, start_date: '2026-06-01' }, ['ad_analytics']);
      const recs = r.records('ad_analytics');
      expect(recs.length).toBe(3); // one 30-day window, 3 rows: all emitted
      expect(recs.filter((x) => x.ad_id === big)).toHaveLength(2);
      expect(recs.some((x) => x.ad_id === '9007199254740992')).toBe(false);
      const line = r.stdout.split('\n').find((l) => l.includes('"__proto__"'));
      expect(JSON.parse(line!).record.data).toHaveProperty(['__proto__'], 7);
      expect(r.logs('WARN').join('\n')).toMatch(
        /ad_analytics: Pinterest answered 2 row\(s\) for ids or days that were not asked for/,
      );
    },
    CASE_TIMEOUT,
  );

  test(
    '12. a config starting with a byte-order mark is accepted',
    async () => {
      const r = await checkWith('\uFEFF' + JSON.stringify(BASE_CONFIG));
      expect(r.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus.status).toBe('SUCCEEDED');
    },
    CASE_TIMEOUT,
  );

  test(
    '12. an answer broken after rows were emitted does not say "no records were taken from it"',
    async () => {
      const row = (d: string) => `{"CAMPAIGN_ID": "31000001", "DATE": "${d}", "SPEND_IN_DOLLAR": 1}`;
      // Two chunks: the rows arrive (and are emitted) before the stray bracket does.
      const body = () =>
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode(`[${row('2026-05-01')}, ${row('2026-05-02')}`));
            await new Promise((resolve) => setTimeout(resolve, 50));
            controller.enqueue(new TextEncoder().encode(']]'));
            controller.close();
          },
        });
      fake.server.use(
        http.get(
          `${API}/ad_accounts/:id/campaigns/analytics`,
          () => new HttpResponse(body(), { headers: { 'content-type': 'application/json' } }),
        ),
      );
      const r = await readWith(BASE_CONFIG, ['campaign_analytics']);
      expect(r.records('campaign_analytics').length).toBeGreaterThan(0);
      const message = r
        .traces()
        .map((t) => t.message)
        .join('\n');
      expect(message).toMatch(/rows of it were emitted before the problem/);
      expect(message).not.toMatch(/no records were taken/);
    },
    CASE_TIMEOUT,
  );

  test(
    '12. the size message quotes the limit',
    async () => {
      const r = await readWith(BASE_CONFIG, ['boards'], { retry: { maxBodyBytes: 100 } });
      expect(r.traces()[0].message).toMatch(/larger than the limit of 100 bytes/);
    },
    CASE_TIMEOUT,
  );

  test(
    '12. a huge invalid catalog gives a short error',
    async () => {
      const catalog = {
        streams: Array.from({ length: 5000 }, (_, i) => ({ stream: { name: `s${i}` }, sync_mode: 'sideways' })),
      };
      badInputs++;
      const files = tempFiles({ config: BASE_CONFIG, catalog });
      const r = await runConnector(['read', '--config', files.config, '--catalog', files.catalog]);
      expect(r.traces()[0].failure_type).toBe('config_error');
      expect(r.traces()[0].message.length).toBeLessThan(2000);
    },
    CASE_TIMEOUT,
  );

  test(
    '12. a token endpoint answering expires_in 0.002 does not refresh before every request',
    async () => {
      let served = 0;
      fake.server.use(
        token({ access_token: 'pina.fixture-access-token', token_type: 'bearer', expires_in: 0.002 }),
        // 30 pages in a row: one request after another, each asking for a token.
        http.get(`${API}/boards`, () => {
          served++;
          return HttpResponse.json({
            items: [{ id: String(610000000 + served), name: `b${served}` }],
            bookmark: served < 30 ? `b${served}` : null,
          });
        }),
      );
      const r = await readWith(BASE_CONFIG, ['boards']);
      expect(r.exitCode).toBe(0);
      expect(served).toBe(30);
      expect(fake.requestsTo('/oauth/token', 'POST').length).toBeLessThanOrEqual(5);
    },
    CASE_TIMEOUT,
  );

  test("12. engines.node asks for at least what undici's engines ask for", () => {
    // Both are ">=X.Y.Z" ranges.
    const ours = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).engines.node as string;
    const undici = JSON.parse(readFileSync(require.resolve('undici/package.json'), 'utf8')).engines.node as string;
    const version = (range: string) =>
      (/^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim()) ?? []).slice(1).map((n) => Number(n ?? 0));
    const [a, b] = [version(ours), version(undici)];
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    expect(cmp).toBeGreaterThanOrEqual(0);
  });
});
