/**
 * Secrets and paths.
 * 1. stdout and stderr of real connector processes — every command, OAuth and access-token configs,
 *    rotation, and the failure paths (bad secrets, revoked and expired tokens, broken config files, a
 *    refused API URL, retries running out, a spent quota, SIGTERM), all with LOG_LEVEL=debug — never show a
 *    client secret, refresh token or access token outside a CONTROL message.
 * 2. Ids from the config or from API answers are validated before they go into a URL path: an ad account
 *    id "../x", a pin id with a slash or a username ".." is a clear error, and no request goes to a
 *    traversed path (msw's request log).
 * 3. PINTEREST_API_URL accepts only https, or http on loopback.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { startSimulator, type Simulator } from '../../simulator';
import { validateBaseUrl } from '../../src/http/requester';
import { AD_EUR, AD_USD, BASE_CONFIG, useFakePinterest } from '../../test_kit/msw-pinterest';
import { API, runConnector, tempFiles } from '../../test_kit/in-process';
import { hasStackLines, pool, recordFigure } from '../../test_kit/reliability';
import { catalogFor, fullCatalog } from '../../test_kit/catalog';
import { TODAY, type Json } from '../../test_kit/constants';
import { errorTraces } from '../../test_kit/messages';
import { accessTokenConfig, connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnConnector, type Spawned } from '../../test_kit/spawn';

const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-secrets-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('no secret outside a CONTROL message, in any output of any run', () => {
  // Random-looking, so that even a fragment of them (JSON.parse quotes ~10 characters) is recognisable.
  const WRONG_SECRET = 'Jq4Tn8Wm2Rc6Yp0Gs3KdVx';
  const UNQUOTED_SECRET = 'Zx9Qw7Lk3Vb5Np1Rt8Ys4Hd';
  const UNQUOTED_TOKEN = 'Mf2Bh6Dj0Lq4Sv8Xz1Cn5P';
  const RANDOM = [WRONG_SECRET, UNQUOTED_SECRET, UNQUOTED_TOKEN];
  const runs: Array<{ name: string; run: Spawned }> = [];
  const secrets = new Set<string>(RANDOM);
  const sims: Simulator[] = [];

  const sim = async (opts: Parameters<typeof startSimulator>[0] = {}) => {
    const s = await startSimulator({ today: TODAY, ...opts });
    sims.push(s);
    for (const v of [s.credentials.clientSecret, s.credentials.refreshToken, s.credentials.staticAccessToken])
      secrets.add(v);
    secrets.add(Buffer.from(`${s.credentials.clientId}:${s.credentials.clientSecret}`).toString('base64'));
    return s;
  };

  beforeAll(async () => {
    const main = await sim();
    const rotating = await sim({ rotateRefreshToken: true });
    const flaky = await sim({
      faults: { rate: 0.15, kinds: ['http500', 'http502', 'drop', 'truncate', 'spurious400'], seed: 5 },
    });
    const broken = await sim({ faults: { rate: 1, kinds: ['http500'], seed: 9 } });
    const quota = await sim({ dailyQuota: { ads_analytics: 5 } });
    const debug = (s: Simulator, extra: Record<string, string> = {}) =>
      connectorEnv(s, { LOG_LEVEL: 'debug', ...extra });
    const full = write('catalog-full.json', fullCatalog('incremental'));
    const small = write(
      'catalog-small.json',
      fullCatalog('incremental', ['boards', 'campaigns', 'campaign_analytics', 'user_account_analytics']),
    );
    const oauth = (s: Simulator, extra: Json = {}) =>
      write(`oauth-${s.port}-${Object.keys(extra).join('-')}.json`, oauthConfig(s, extra));
    const token = (s: Simulator) => write(`token-${s.port}.json`, accessTokenConfig(s));
    const wrongSecret = write('wrong-secret.json', {
      ...oauthConfig(main),
      credentials: { ...oauthConfig(main).credentials, client_secret: WRONG_SECRET },
    });
    const unquoted = write(
      'unquoted.json',
      `{"credentials": {"auth_method": "oauth2.0", "client_id": "1500123", "client_secret": "${main.credentials.clientSecret}", "refresh_token": ${UNQUOTED_SECRET}}}`,
    );
    const shortUnquoted = write('short-unquoted.json', `{"credentials": ${UNQUOTED_TOKEN}}`);
    const trailingComma = write(
      'trailing.json',
      `{"credentials": {"auth_method": "access_token", "access_token": "${main.credentials.staticAccessToken}",}}`,
    );
    const wrongType = write('wrong-type.json', {
      credentials: {
        auth_method: 'oauth2.0',
        client_id: '1',
        client_secret: main.credentials.clientSecret,
        refresh_token: [main.credentials.refreshToken],
      },
    });
    const unknownMethod = write('unknown-method.json', {
      credentials: { auth_method: 'bearer', token: main.credentials.staticAccessToken },
    });

    const plan: Array<
      [string, string[], Record<string, string>, NonNullable<Parameters<typeof spawnConnector>[1]>['signalAfter']?]
    > = [
      ['spec', ['spec'], debug(main)],
      ['check, OAuth', ['check', '--config', oauth(main)], debug(main)],
      ['check, access token', ['check', '--config', token(main)], debug(main)],
      ['discover', ['discover', '--config', oauth(main)], debug(main)],
      [
        'read, OAuth, all streams, faults',
        ['read', '--config', oauth(flaky), '--catalog', full],
        debug(flaky, { PINTEREST_REQUEST_TIMEOUT_MS: '300' }),
      ],
      ['read, access token', ['read', '--config', token(main), '--catalog', small], debug(main)],
      ['read, rotating refresh token', ['read', '--config', oauth(rotating), '--catalog', small], debug(rotating)],
      [
        'read, rotated token written back',
        ['read', '--config', oauth(rotating, { window_days: 90 }), '--catalog', small, '--write-config'],
        debug(rotating),
      ],
      ['check, wrong client secret', ['check', '--config', wrongSecret], debug(main)],
      ['read, wrong client secret', ['read', '--config', wrongSecret, '--catalog', small], debug(main)],
      ['check, config not JSON (unquoted token)', ['check', '--config', unquoted], debug(main)],
      ['read, config not JSON (unquoted token)', ['read', '--config', unquoted, '--catalog', small], debug(main)],
      [
        'discover, config not JSON (a short file, unquoted token)',
        ['discover', '--config', shortUnquoted],
        debug(main),
      ],
      ['discover, config not JSON (trailing comma)', ['discover', '--config', trailingComma], debug(main)],
      ['read, refresh token of the wrong type', ['read', '--config', wrongType, '--catalog', small], debug(main)],
      ['check, unknown auth method', ['check', '--config', unknownMethod], debug(main)],
      [
        'check, refused API URL',
        ['check', '--config', oauth(main)],
        debug(main, { PINTEREST_API_URL: 'http://example.com/v5' }),
      ],
      [
        'read, refused API URL',
        ['read', '--config', token(main), '--catalog', small],
        debug(main, { PINTEREST_API_URL: 'http://example.com/v5' }),
      ],
      ['read, retries run out (500 forever)', ['read', '--config', oauth(broken), '--catalog', small], debug(broken)],
      [
        'read, daily quota spent',
        ['read', '--config', oauth(quota, { max_rate_limit_wait_seconds: 1 }), '--catalog', small],
        debug(quota),
      ],
      [
        'read, SIGTERM mid-read',
        ['read', '--config', oauth(main), '--catalog', full],
        debug(main),
        { n: 500, signal: 'SIGTERM' },
      ],
    ];
    // Independent runs, three at a time; the two against the rotating simulator go in order (one chain).
    const rotatingRuns = plan.filter(([, , env]) => env.PINTEREST_API_URL === rotating.url);
    const others = plan.filter((p) => !rotatingRuns.includes(p));
    const chains = [rotatingRuns, ...others.map((p) => [p])];
    const done = await pool(chains, 3, async (chain) => {
      const out: typeof runs = [];
      for (const [name, args, env, signalAfter] of chain)
        out.push({ name, run: await spawnConnector(args, { env, signalAfter }) });
      return out;
    });
    runs.push(...done.flat());
    // Now invalidate tokens: the old refresh token of the rotating simulator is revoked; the static one expires.
    runs.push({
      name: 'read, revoked (rotated-away) refresh token',
      run: await spawnConnector(['read', '--config', oauth(rotating), '--catalog', small], { env: debug(rotating) }),
    });
    main.expireAccessTokens();
    runs.push({
      name: 'check, expired access token',
      run: await spawnConnector(['check', '--config', token(main)], { env: debug(main) }),
    });
    runs.push({
      name: 'read, expired access token',
      run: await spawnConnector(['read', '--config', token(main), '--catalog', small], { env: debug(main) }),
    });
    main.revokeRefreshToken();
    runs.push({
      name: 'read, revoked refresh token',
      run: await spawnConnector(['read', '--config', oauth(main), '--catalog', small], { env: debug(main) }),
    });
    secrets.add(rotating.currentRefreshToken());
    for (const r of runs)
      for (const m of r.run.messages)
        if (m.type === 'CONTROL') secrets.add(m.control.connectorConfig.config.credentials.refresh_token);
    recordFigure({ suite: 'secrets', badInputs: 0, note: `${runs.length} spawned runs scanned for secrets` });
  }, 120_000);

  afterAll(async () => {
    for (const s of sims) await s.close();
  });

  /** Every secret occurrence outside CONTROL lines, and access tokens the simulator issued (pina_…). */
  function leaks(run: Spawned): string[] {
    const found: string[] = [];
    const scan = (where: string, text: string) => {
      for (const s of secrets) if (s && text.includes(s)) found.push(`${where}: ${s.slice(0, 8)}…`);
      for (const s of RANDOM)
        for (let i = 0; i + 6 <= s.length; i++)
          if (text.includes(s.slice(i, i + 6))) {
            found.push(`${where}: a fragment of ${s.slice(0, 4)}…`);
            break;
          }
      const issued = text.match(/pina_[A-Za-z0-9_-]{20,}/g);
      if (issued) found.push(`${where}: an access token ${issued[0].slice(0, 9)}…`);
    };
    for (const line of run.stdout.split('\n')) {
      let type: string | undefined;
      try {
        type = (JSON.parse(line) as Json).type;
      } catch {
        /* not JSON: scanned as text */
      }
      if (type !== 'CONTROL') scan(`stdout ${line.slice(0, 60)}`, line);
    }
    scan('stderr', run.stderr);
    return found;
  }

  test('the runs cover every command and the failure paths', () => {
    const names = runs.map((r) => r.name);
    expect(names.length).toBeGreaterThanOrEqual(20);
    const failures = runs.filter(
      (r) =>
        errorTraces(r.run.messages).length > 0 ||
        r.run.messages.some((m) => m.type === 'CONNECTION_STATUS' && m.connectionStatus.status === 'FAILED'),
    );
    expect(failures.length).toBeGreaterThanOrEqual(12);
    expect(runs.some((r) => r.run.messages.some((m) => m.type === 'CONTROL'))).toBe(true);
    for (const cmd of ['spec', 'check', 'discover', 'read']) expect(names.some((n) => n.startsWith(cmd))).toBe(true);
  });

  test('CONTROL messages do carry the rotated refresh token (so the scan below is meaningful)', () => {
    const control = runs.flatMap((r) => r.run.messages.filter((m) => m.type === 'CONTROL'));
    expect(control.length).toBeGreaterThan(0);
    for (const c of control) expect(c.control.connectorConfig.config.credentials.refresh_token).toMatch(/^pinr_/);
  });

  test.each(Array.from({ length: 25 }, (_, i) => i))(
    'run #%i: no secret in stdout (outside CONTROL) or stderr',
    (i) => {
      const r = runs[i];
      if (!r) return;
      expect({ run: r.name, leaks: leaks(r.run) }).toEqual({ run: r.name, leaks: [] });
      for (const e of errorTraces(r.run.messages)) expect(hasStackLines(e.message)).toBe(false);
    },
  );
});

describe('ids are validated before they go into a URL path', () => {
  const fake = useFakePinterest({ campaigns: { [AD_USD]: 3, [AD_EUR]: 2 } });
  const ROUTES =
    /^\/(oauth\/token|user_account|user_account\/followers|user_account\/analytics|boards|pins|pins\/\d+\/analytics|ad_accounts|ad_accounts\/\d+(\/(campaigns|ad_groups|ads)(\/(analytics|targeting_analytics))?)?|users\/[A-Za-z0-9_]+\/interests\/follow)$/;
  const read = async (streams: string[], config: Json = BASE_CONFIG) => {
    const files = tempFiles({ config, catalog: catalogFor(streams.map((name) => ({ name }))) });
    return runConnector(['read', '--config', files.config, '--catalog', files.catalog]);
  };
  const offRoute = () =>
    fake.requests.map((r) => `${r.method} ${r.path}`).filter((p) => !ROUTES.test(p.replace(/^\w+ /, '')));

  test('an ad account id "../x" from the API: a clear error, no request with it', async () => {
    fake.server.use(
      http.get(`${API}/ad_accounts`, () =>
        HttpResponse.json({ items: [{ id: '../x', name: 'evil', currency: 'USD' }], bookmark: null }),
      ),
    );
    const r = await read(['campaigns']);
    expect(r.exitCode).not.toBe(0);
    expect(r.traces()[0].message).toMatch(/ad_account_id "\.\.\/x" is not a numeric id/);
    expect(offRoute()).toEqual([]);
    expect(fake.requests.filter((q) => q.path.includes('x'))).toEqual([]);
  });

  test('an ad account id with a slash from the API: a clear error, no traversed request', async () => {
    fake.server.use(
      http.get(`${API}/ad_accounts`, () =>
        HttpResponse.json({ items: [{ id: `${AD_USD}/../../user_account`, currency: 'USD' }], bookmark: null }),
      ),
    );
    const r = await read(['ads']);
    expect(r.exitCode).not.toBe(0);
    expect(r.traces()[0].message).toMatch(/is not a numeric id/);
    expect(offRoute()).toEqual([]);
  });

  test('a pin id with slashes from the API: pin_analytics fails clearly, no request to a traversed path', async () => {
    fake.server.use(
      http.get(`${API}/pins`, () =>
        HttpResponse.json({
          items: [
            { id: '7001/../../../user_account', is_owner: true },
            { id: '7004', is_owner: true },
          ],
          bookmark: null,
        }),
      ),
    );
    const r = await read(['pin_analytics']);
    expect(r.exitCode).not.toBe(0);
    expect(r.traces()[0].message).toMatch(/pin_id "7001\/\.\.\/\.\.\/\.\.\/user_account" is not a numeric id/);
    expect(offRoute()).toEqual([]);
    expect(fake.requests.filter((q) => q.path === '/user_account')).toHaveLength(0);
  });

  test('a username ".." from the API: no request to a traversed path', async () => {
    fake.server.use(http.get(`${API}/user_account`, () => HttpResponse.json({ id: '900000001', username: '..' })));
    const r = await read(['user_interests']);
    expect(offRoute()).toEqual([]);
    expect(r.exitCode).not.toBe(0);
    expect(r.traces()[0].message).toMatch(/username "\.\."/);
  });

  test('a username with a slash is sent encoded, inside its path segment', async () => {
    fake.server.use(
      http.get(`${API}/user_account`, () => HttpResponse.json({ id: '900000001', username: 'a/../../boards' })),
    );
    await read(['user_interests']);
    expect(fake.requests.filter((q) => q.path === '/boards')).toEqual([]);
    expect(fake.requests.some((q) => q.url.includes('/users/a%2F..%2F..%2Fboards/interests/follow'))).toBe(true);
  });

  test('ad account ids in the config must be digits (no request is made for "../../x")', async () => {
    const r = await read(['campaigns'], { ...BASE_CONFIG, ad_account_ids: ['../../x'] });
    expect(r.traces()[0].failure_type).toBe('config_error');
    expect(fake.requests).toEqual([]);
  });
});

describe('PINTEREST_API_URL accepts only https, or http on loopback', () => {
  test.each([
    'https://api.pinterest.com/v5',
    'https://proxy.example.com:8443/pinterest/v5',
    'http://127.0.0.1:8080/v5',
    'http://localhost:3000/v5',
    'http://[::1]:9000/v5',
    'http://127.1.2.3/v5',
  ])('accepted: %s', (url) => {
    expect(validateBaseUrl(url)).toBe(url);
  });

  test.each([
    'http://api.pinterest.com/v5',
    'http://example.com/v5',
    'ftp://127.0.0.1/v5',
    'file:///etc/passwd',
    'http://127.0.0.1.evil.com/v5',
    'http://localhost.evil.com/v5',
    'http://127.0.0.1@evil.com/v5',
    'ws://localhost/v5',
    'not a url',
    'javascript:alert(1)',
  ])('refused with a config_error: %s', (url) => {
    let error: any;
    try {
      validateBaseUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error?.failureType).toBe('config_error');
    expect(error?.message).toMatch(/PINTEREST_API_URL/);
  });
});
