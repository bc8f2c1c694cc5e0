/**
 * `authorize` end to end, as a person's browser would drive it: spawn `node dist/main.js authorize`, take the
 * consent URL it prints, follow the simulator's consent page to the redirect, and check the file, the page,
 * the exit code and that no secret was printed — for a sign-in and for every way one can fail.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load';
import { AUTHORIZE_SCOPES, consentUrl, listenHosts } from '../../src/authorize/consent';
import { shouldOpenBrowser } from '../../src/authorize/browser';
import { watchConnector, type Finished } from '../../test_kit/watched-connector';
import { TODAY } from '../../test_kit/constants';
import { startSimulator, type Simulator } from '../../simulator';

let sim: Simulator;
let dir: string;
let n = 0;
const freshPath = () => join(dir, `config-${++n}.json`);

beforeAll(async () => {
  sim = await startSimulator({ today: TODAY });
  dir = mkdtempSync(join(tmpdir(), 'source-pinterest-authorize-'));
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => sim.setConsent('allow'));

/** Runs authorize; `consent` resolves with the URL it printed (or never, when it fails before printing one). */
function startAuthorize(args: string[], env: Record<string, string> = {}) {
  return startConnector(['authorize', '--no-browser', ...args], env);
}

const startConnector = (args: string[], env: Record<string, string> = {}) =>
  watchConnector(args, {
    PINTEREST_API_URL: sim.url,
    PINTEREST_OAUTH_URL: sim.url.replace(/\/v5$/, '/oauth/'),
    ...env,
  });

const defaultArgs = (out: string, extra: string[] = []) => [
  '--client-id',
  sim.credentials.clientId,
  '--client-secret',
  sim.credentials.clientSecret,
  '--port',
  '0',
  '--out',
  out,
  ...extra,
];

/** The browser: open the consent page, follow its redirect to the connector's loopback server. */
async function browse(url: URL): Promise<{ redirect: URL; status: number; page: string }> {
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const redirect = new URL(consent.headers.get('location')!);
  const answer = await fetch(redirect);
  return { redirect, status: answer.status, page: await answer.text() };
}

/** Nothing a person must keep secret reaches the terminal. */
function expectNoSecrets(out: Finished, ...more: Array<string | null | undefined>) {
  for (const secret of [sim.credentials.clientSecret, sim.currentRefreshToken(), ...more]) {
    if (!secret) continue;
    expect(out.stderr).not.toContain(secret);
    expect(out.stdout).not.toContain(secret);
  }
}

test('a sign-in writes a complete config (0600) that check accepts; the page says so; no secret printed', async () => {
  const out = freshPath();
  const run = startAuthorize(defaultArgs(out));
  const url = await run.consent;
  expect(`${url.origin}${url.pathname}`).toBe(sim.url.replace(/\/v5$/, '/oauth/'));
  expect(url.searchParams.get('client_id')).toBe(sim.credentials.clientId);
  expect(url.searchParams.get('response_type')).toBe('code');
  expect(url.searchParams.get('scope')!.split(',').sort()).toEqual([
    'ads:read',
    'boards:read',
    'boards:read_secret',
    'catalogs:read',
    'pins:read',
    'pins:read_secret',
    'user_accounts:read',
  ]);
  expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(16);
  const redirectUri = new URL(url.searchParams.get('redirect_uri')!);
  expect(redirectUri.hostname).toBe('localhost');
  expect(redirectUri.pathname).toBe('/');

  // a stray request (a favicon) is answered and the wait goes on
  expect((await fetch(new URL('/favicon.ico', redirectUri))).status).toBe(404);

  const browser = await browse(url);
  expect(browser.status).toBe(200);
  expect(browser.page).toContain('Signed in to Pinterest');
  expect(browser.page).toContain(out);
  const done = await run.finished;
  expect(done.exitCode).toBe(0);
  expect(done.stdout).toBe('');
  expect(done.stderr).toContain(`Wrote ${out}`);
  // the whole next command, with the flag that keeps a rotated token (`node dist/main.js` outside a container)
  expect(done.stderr).toMatch(
    new RegExp(
      `Next: (node dist/main\\.js )?check --config ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --write-config`,
    ),
  );
  expectNoSecrets(done, browser.redirect.searchParams.get('code'));

  expect(statSync(out).mode & 0o777).toBe(0o600);
  const written = JSON.parse(readFileSync(out, 'utf8'));
  expect(() => parseConfig(written)).not.toThrow();
  expect(written.credentials).toEqual({
    auth_method: 'oauth2.0',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.currentRefreshToken(),
  });
  // one exchange, with the redirect_uri of the consent URL and continuous_refresh=true
  expect(sim.codeExchanges()).toEqual([
    { redirectUri: url.searchParams.get('redirect_uri'), continuousRefresh: 'true', accepted: true },
  ]);

  const check = await startConnector(['check', '--config', out], {
    PINTEREST_TODAY: TODAY,
    PINTEREST_RATE_LIMITS: 'off',
  }).finished;
  const statuses = check.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses.map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
});

async function expectFailedSignIn(args: { out: string; stderr: RegExp; page: RegExp }) {
  const run = startAuthorize(defaultArgs(args.out));
  const browser = await browse(await run.consent);
  expect(browser.status).toBe(400);
  expect(browser.page).toMatch(args.page);
  const done = await run.finished;
  expect(done.exitCode).toBe(1);
  expect(done.stderr).toMatch(args.stderr);
  expect(existsSync(args.out)).toBe(false);
  expectNoSecrets(done, browser.redirect.searchParams.get('code'));
  return { done, browser };
}

test('a denied consent (access_denied): a clear message, exit 1, no file', async () => {
  sim.setConsent('deny');
  await expectFailedSignIn({
    out: freshPath(),
    stderr: /access_denied.*nothing was written/,
    page: /Access was not given/,
  });
});

test('a redirect with the wrong state: refused, its code never exchanged, no file', async () => {
  sim.setConsent('wrong_state');
  sim.resetLog();
  await expectFailedSignIn({ out: freshPath(), stderr: /did not carry the state this sign-in sent/, page: /state/ });
  expect(sim.requestLog.filter((r) => r.path === '/oauth/token')).toEqual([]);
});

test("a refused code exchange: Pinterest's reason, exit 1, no file", async () => {
  sim.setConsent('invalid_code');
  await expectFailedSignIn({
    out: freshPath(),
    stderr: /refused to exchange the sign-in code \(HTTP 400: Invalid authorization code/,
    page: /refused to exchange/,
  });
});

test('a token endpoint that redirects: the code and the app secret are not re-sent; a clear message, no file', async () => {
  // A stand-in API whose token endpoint answers 307 to another loopback server that records what reaches it.
  const reached: string[] = [];
  const elsewhere = createHttpServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    req.resume();
    res.end('{}');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
  const api = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: target });
    res.end();
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  try {
    const out = freshPath();
    const run = startAuthorize(defaultArgs(out), {
      PINTEREST_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/v5`,
    });
    const browser = await browse(await run.consent);
    expect(browser.status).toBe(400);
    const done = await run.finished;
    expect(done.exitCode).toBe(1);
    expect(done.stderr).toMatch(/redirect \(HTTP 307\) to http:\/\/127\.0\.0\.1:\d+\/steal; it was not followed/);
    expect(reached).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expectNoSecrets(done, browser.redirect.searchParams.get('code'));
  } finally {
    api.close();
    elsewhere.close();
  }
});

test('a wrong client secret: the exchange is refused with a message naming --client-secret', async () => {
  const out = freshPath();
  const run = startAuthorize([
    '--client-id',
    sim.credentials.clientId,
    '--client-secret',
    'not-the-secret-1234',
    '--port',
    '0',
    '--out',
    out,
  ]);
  const browser = await browse(await run.consent);
  expect(browser.status).toBe(400);
  const done = await run.finished;
  expect(done.exitCode).toBe(1);
  expect(done.stderr).toMatch(/rejected the app credentials \(HTTP 401.*--client-secret/);
  expect(done.stderr).not.toContain('not-the-secret-1234');
  expect(existsSync(out)).toBe(false);
});

test('a busy port: a clear message, exit 1, no file', async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    const out = freshPath();
    const done = await startAuthorize(defaultArgs(out).map((a) => (a === '0' ? String(port) : a))).finished;
    expect(done.exitCode).toBe(1);
    expect(done.stderr).toContain(`Port ${port} is already in use`);
    expect(existsSync(out)).toBe(false);
  } finally {
    busy.close();
  }
});

test('no sign-in before --timeout: a clear message, exit 1, no file, the port freed', async () => {
  const out = freshPath();
  const run = startAuthorize(defaultArgs(out, ['--timeout', '0.3']));
  const redirectUri = new URL((await run.consent).searchParams.get('redirect_uri')!);
  const done = await run.finished;
  expect(done.exitCode).toBe(1);
  expect(done.stderr).toMatch(/No sign-in arrived within 0\.3 s: nothing was written.*--timeout/);
  expect(existsSync(out)).toBe(false);
  await expect(fetch(redirectUri)).rejects.toThrow();
});

test('Ctrl-C while waiting: a plain line on stderr, nothing on stdout, exit 130, no file', async () => {
  const out = freshPath();
  const run = startAuthorize(defaultArgs(out));
  await run.consent;
  run.child.kill('SIGINT');
  const done = await run.finished;
  expect(done.exitCode).toBe(130);
  expect(done.stdout).toBe('');
  expect(done.stderr).toContain('authorize stopped (SIGINT): nothing was written.');
  expect(existsSync(out)).toBe(false);
});

test('an existing file is kept without --force (before any sign-in) and replaced with it', async () => {
  const out = freshPath();
  writeFileSync(out, '{"keep": true}\n', { mode: 0o644 });
  const refused = await startAuthorize(defaultArgs(out)).finished;
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toMatch(/already exists: nothing was changed. Pass --force/);
  expect(refused.stderr).not.toContain('/oauth/?');
  expect(readFileSync(out, 'utf8')).toBe('{"keep": true}\n');

  const run = startAuthorize(defaultArgs(out, ['--force']));
  expect((await browse(await run.consent)).status).toBe(200);
  expect((await run.finished).exitCode).toBe(0);
  expect(JSON.parse(readFileSync(out, 'utf8')).credentials.refresh_token).toBe(sim.currentRefreshToken());
  expect(statSync(out).mode & 0o777).toBe(0o600);
});

test('a folder as --out, or a missing folder, is refused before any sign-in', async () => {
  const asFolder = await startAuthorize(defaultArgs(dir)).finished;
  expect(asFolder.exitCode).toBe(1);
  expect(asFolder.stderr).toContain('is a folder');
  const missing = await startAuthorize(defaultArgs(join(dir, 'nope', 'config.json'))).finished;
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toMatch(/folder .*nope of --out does not exist/);
});

test('a consent page on plain http off loopback is refused before anything is sent', async () => {
  const out = freshPath();
  const done = await startAuthorize(defaultArgs(out), { PINTEREST_OAUTH_URL: 'http://pinterest.example.com/oauth/' })
    .finished;
  expect(done.exitCode).toBe(1);
  expect(done.stderr).toContain('PINTEREST_OAUTH_URL must be an https:// URL (or http:// on loopback)');
  expect(existsSync(out)).toBe(false);
});

test('without --client-id: the usage on stderr, stdout empty, a non-zero exit', async () => {
  const run = startAuthorize(['--out', freshPath()]);
  const done = await run.finished;
  expect(done.exitCode).toBe(1);
  expect(done.stdout).toBe('');
  expect(done.stderr).toContain('Missing required argument: client-id');
});

test('inside a container (the container env var) it listens on all interfaces and says so; the secret may come from PINTEREST_CLIENT_SECRET', async () => {
  const out = freshPath();
  const args = defaultArgs(out).filter((a) => a !== '--client-secret' && a !== sim.credentials.clientSecret);
  const run = startAuthorize(args, { container: 'podman', PINTEREST_CLIENT_SECRET: sim.credentials.clientSecret });
  const browser = await browse(await run.consent);
  expect(browser.status).toBe(200);
  const done = await run.finished;
  expect(done.exitCode).toBe(0);
  expect(done.stderr).toMatch(
    /Inside a container: listening on all interfaces; publish the port with -p 127\.0\.0\.1:\d+:\d+/,
  );
  expect(JSON.parse(readFileSync(out, 'utf8')).credentials.client_secret).toBe(sim.credentials.clientSecret);
});

describe('consent URL and listen address (pure)', () => {
  test('the URL carries the client id, redirect, code response, scopes and state', () => {
    const url = new URL(consentUrl('https://www.pinterest.com/oauth/', '123', 'http://localhost:8085/', 'st'));
    expect(url.origin + url.pathname).toBe('https://www.pinterest.com/oauth/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '123',
      redirect_uri: 'http://localhost:8085/',
      response_type: 'code',
      scope: AUTHORIZE_SCOPES.join(','),
      state: 'st',
    });
  });

  test('a browser is opened only for a person at a screen: not with --no-browser, CI, PINTEREST_NO_BROWSER or in a container', () => {
    expect(shouldOpenBrowser({}, false, false)).toBe(true);
    expect(shouldOpenBrowser({}, true, false)).toBe(false);
    expect(shouldOpenBrowser({ CI: 'true' }, false, false)).toBe(false);
    expect(shouldOpenBrowser({ PINTEREST_NO_BROWSER: '1' }, false, false)).toBe(false);
    expect(shouldOpenBrowser({}, false, true)).toBe(false);
  });

  test('loopback only outside a container; all interfaces inside one; PINTEREST_AUTHORIZE_HOST wins', () => {
    const none = () => false;
    expect(listenHosts({}, none)).toEqual({ hosts: ['127.0.0.1', '::1'], inContainer: false });
    expect(listenHosts({}, (p) => p === '/.dockerenv')).toEqual({ hosts: ['0.0.0.0'], inContainer: true });
    expect(listenHosts({}, (p) => p === '/run/.containerenv').hosts).toEqual(['0.0.0.0']);
    expect(listenHosts({ container: 'podman' }, none).hosts).toEqual(['0.0.0.0']);
    expect(listenHosts({ PINTEREST_AUTHORIZE_HOST: '::' }, none).hosts).toEqual(['::']);
  });
});
