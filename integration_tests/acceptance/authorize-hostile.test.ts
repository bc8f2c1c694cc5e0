/**
 * `authorize` against a hostile token endpoint (a raw loopback server) and hostile requests to its redirect
 * listener: nothing it prints on stderr or shows the browser holds a fragment of the app secret, the Basic
 * value or the code; the secret can come from stdin; every redirect's `state` is checked before anything
 * in it is used; only loopback Host names are served; a flood of pipelined requests does not keep it past
 * --timeout; the token answer is read up to 64 KiB; --force replaces a symlink, not its target.
 * Each case is one spawned process (~50 MB RSS, a second or two; the timeout cases up to their --timeout).
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORIZE_SCOPES } from '../../src/authorize/consent';
import { MAIN, ROOT } from '../../test_kit/spawn';
import { expectNoSecrets } from '../../test_kit/secrets';
import { sendJson, startHostileServer, type HostileServer } from '../../test_kit/hostile-server';

const CLIENT_ID = '1500123';
const CLIENT_SECRET = 'Hs5Wd9Kp3Tn7Bq1Zx6Mv2Rc';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
const CODE = 'code_Yt4Gh8Lw2Pe6Nj0Fs';
const REFRESH_TOKEN = 'pinr_Qa3Sd7Fg1Hj5Kl9Zx2Cv';
const SECRETS = [CLIENT_SECRET, BASIC, CODE, REFRESH_TOKEN];
const CASE_TIMEOUT = 60_000;

let server: HostileServer;
let dir: string;
let n = 0;
const freshPath = () => join(dir, `config-${++n}.json`);

const tokens = {
  access_token: 'pina_Mn8Bv4Cx6Za2Lk0Jh9Gf',
  refresh_token: REFRESH_TOKEN,
  scope: AUTHORIZE_SCOPES.join(','),
  expires_in: 2592000,
};

beforeAll(async () => {
  server = await startHostileServer();
  dir = mkdtempSync(join(tmpdir(), 'source-pinterest-authorize-hostile-'));
}, 30_000);
afterAll(async () => {
  await server?.close();
}, 30_000);
beforeEach(() => {
  server.seen.length = 0;
  server.answer((_req, res) => sendJson(res, 200, tokens));
});

interface Finished {
  exitCode: number | null;
  stderr: string;
}

/** authorize as a process; the secret from the environment unless `args` say otherwise. */
function startAuthorize(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does it).');
  const child = spawn(
    process.execPath,
    [MAIN, 'authorize', '--no-browser', '--client-id', CLIENT_ID, '--port', '0', ...args],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PINTEREST_API_URL: server.api,
        PINTEREST_OAUTH_URL: `${server.origin}/oauth/`,
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
  let stderr = '';
  let announce: (url: URL) => void;
  const consent = new Promise<URL>((resolve) => {
    announce = resolve;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    const m = /^\s*(http\S+\/oauth\/\?\S+)$/m.exec(stderr);
    if (m) announce(new URL(m[1]));
  });
  const finished = new Promise<Finished>((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stderr })));
  return { child, consent, finished };
}

const withEnvSecret = { env: { PINTEREST_CLIENT_SECRET: CLIENT_SECRET } };

/** The browser coming back from Pinterest: the redirect URI with `params` (the right state unless given). */
async function redirect(consent: URL, params: Record<string, string>): Promise<{ status: number; page: string }> {
  const target = new URL(consent.searchParams.get('redirect_uri')!);
  target.searchParams.set('state', consent.searchParams.get('state')!);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  const answer = await fetch(target);
  return { status: answer.status, page: await answer.text() };
}

const tokenRequests = () => server.seen.filter((r) => r.path === '/v5/oauth/token');

describe('no secret on stderr or in the page when the token endpoint echoes the request', () => {
  test.each([5, 9, 20])(
    'an error message echoing the request, the secret %i characters before the 300-character cut',
    async (k) => {
      server.answer((req, res) => {
        const decoded = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
        const echo = `secret=${decoded.slice(CLIENT_ID.length + 1)} auth=${req.headers.authorization} body=${req.body}`;
        sendJson(res, 400, { code: 1, message: 'B'.repeat(300 - k - 'secret='.length) + echo });
      });
      const out = freshPath();
      const run = startAuthorize(['--out', out], withEnvSecret);
      const browser = await redirect(await run.consent, { code: CODE });
      const done = await run.finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(/refused to exchange the sign-in code \(HTTP 400: B+secret=\*\*\*\* /);
      expect(tokenRequests()).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
      expectNoSecrets({ stderr: done.stderr, page: browser.page }, SECRETS);
    },
    CASE_TIMEOUT,
  );

  test(
    'a redirect whose Location and content type carry the secret, the Basic value and the code',
    async () => {
      server.answer((req, res) => {
        const location = `https://collector.example.net/?secret=${CLIENT_SECRET}&auth=${encodeURIComponent(String(req.headers.authorization))}&${req.body}`;
        res.writeHead(302, { location, 'content-type': `text/html; echo=${CLIENT_SECRET}` });
        res.end();
      });
      const out = freshPath();
      const run = startAuthorize(['--out', out], withEnvSecret);
      const browser = await redirect(await run.consent, { code: CODE });
      const done = await run.finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(
        /answered with a redirect \(HTTP 302\) to https:\/\/collector\.example\.net\/\?secret=\*\*\*\*/,
      );
      expect(existsSync(out)).toBe(false);
      expectNoSecrets({ stderr: done.stderr, page: browser.page }, SECRETS);
    },
    CASE_TIMEOUT,
  );
});

describe('the app secret from stdin or the environment', () => {
  test(
    '--client-secret-stdin reads it from stdin; it is not in the process list while the sign-in waits; no warning',
    async () => {
      const out = freshPath();
      const run = startAuthorize(['--out', out, '--client-secret-stdin'], { stdin: `${CLIENT_SECRET}\n` });
      const consent = await run.consent;
      expect(readFileSync(`/proc/${run.child.pid}/cmdline`, 'utf8')).not.toContain(CLIENT_SECRET.slice(0, 5));
      expect((await redirect(consent, { code: CODE })).status).toBe(200);
      const done = await run.finished;
      expect(done.exitCode).toBe(0);
      expect(done.stderr).not.toMatch(/process list/);
      expect(JSON.parse(readFileSync(out, 'utf8')).credentials).toEqual({
        auth_method: 'oauth2.0',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: REFRESH_TOKEN,
      });
      expect(tokenRequests()[0].headers.authorization).toBe(`Basic ${BASIC}`);
      expectNoSecrets({ stderr: done.stderr }, SECRETS);
    },
    CASE_TIMEOUT,
  );

  test(
    '--client-secret VALUE still works, with a warning that the process list shows it',
    async () => {
      const out = freshPath();
      const run = startAuthorize(['--out', out, '--client-secret', CLIENT_SECRET]);
      expect((await redirect(await run.consent, { code: CODE })).status).toBe(200);
      const done = await run.finished;
      expect(done.exitCode).toBe(0);
      expect(done.stderr).toMatch(
        /--client-secret is readable by every user of this machine in the process list.*PINTEREST_CLIENT_SECRET/,
      );
      expectNoSecrets({ stderr: done.stderr }, SECRETS);
    },
    CASE_TIMEOUT,
  );

  test(
    'no secret anywhere: a message naming both ways to give it',
    async () => {
      const done = await startAuthorize(['--out', freshPath()], { env: { PINTEREST_CLIENT_SECRET: '' } }).finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(/set PINTEREST_CLIENT_SECRET .* or pass --client-secret-stdin and write it on stdin/);
    },
    CASE_TIMEOUT,
  );
});

describe('the token answer', () => {
  test(
    'a refresh token of a few characters: an error, no file',
    async () => {
      server.answer((_req, res) => sendJson(res, 200, { ...tokens, refresh_token: 'pinr_abc' }));
      const out = freshPath();
      const run = startAuthorize(['--out', out], withEnvSecret);
      const browser = await redirect(await run.consent, { code: CODE });
      const done = await run.finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(
        /sent a refresh_token of 8 characters \(under 16\): not a Pinterest token, nothing was written/,
      );
      expect(browser.status).toBe(400);
      expect(existsSync(out)).toBe(false);
    },
    CASE_TIMEOUT,
  );

  test(
    'an answer that never ends is read up to 64 KiB, then refused (RSS stays that of an idle process)',
    async () => {
      server.answer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = `{"pad": "${'x'.repeat(16 * 1024)}", `;
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      });
      const out = freshPath();
      const run = startAuthorize(['--out', out], withEnvSecret);
      await redirect(await run.consent, { code: CODE });
      const done = await run.finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(/sent an answer over 64 KiB \(HTTP 200\)/);
      expect(existsSync(out)).toBe(false);
    },
    CASE_TIMEOUT,
  );
});

describe('the redirect listener', () => {
  test(
    'an error redirect with another state is refused before its text is used; its code is never exchanged',
    async () => {
      const run = startAuthorize(['--out', freshPath()], withEnvSecret);
      const browser = await redirect(await run.consent, {
        state: 'forged',
        error: 'server_error',
        error_description: 'Visit evil.example now',
      });
      const done = await run.finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(/did not carry the state this sign-in sent/);
      expect(done.stderr + browser.page).not.toContain('evil.example');
      expect(tokenRequests()).toEqual([]);
    },
    CASE_TIMEOUT,
  );

  test(
    'an error description with terminal escapes and newlines is printed without its control characters',
    async () => {
      const run = startAuthorize(['--out', freshPath()], withEnvSecret);
      await redirect(await run.consent, {
        error: 'server_error',
        error_description: 'bad\u001b[2J\u001b]0;owned\u0007 thing\r\nFAKE: Signed in.',
      });
      const done = await run.finished;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toContain(
        'Pinterest ended the sign-in with the error server_error (bad[2J]0;owned thingFAKE: Signed in.): nothing was written.',
      );
      expect(done.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    },
    CASE_TIMEOUT,
  );

  test(
    'a request under another Host name (DNS rebinding) is not served; the sign-in goes on',
    async () => {
      const out = freshPath();
      const run = startAuthorize(['--out', out], withEnvSecret);
      const consent = await run.consent;
      const target = new URL(consent.searchParams.get('redirect_uri')!);
      const path = `/?code=${CODE}&state=${encodeURIComponent(consent.searchParams.get('state')!)}`;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: Number(target.port), path, headers: { host: `rebind.example:${target.port}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(421);
      expect(tokenRequests()).toEqual([]);
      expect((await redirect(consent, { code: CODE })).status).toBe(200);
      expect((await run.finished).exitCode).toBe(0);
      expect(tokenRequests()).toHaveLength(1);
    },
    CASE_TIMEOUT,
  );

  test(
    'a client pipelining hundreds of requests and reading nothing does not keep it past --timeout 2',
    async () => {
      const out = freshPath();
      const run = startAuthorize(['--out', out, '--timeout', '2'], withEnvSecret);
      const target = new URL((await run.consent).searchParams.get('redirect_uri')!);
      const socket = connect(Number(target.port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.pause();
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const one = `GET /favicon.ico HTTP/1.1\r\nHost: localhost:${target.port}\r\n\r\n`;
      socket.write(one.repeat(500) + `GET /?code=x HTTP/1.1\r\nHost: localhost:${target.port}\r\nX-Slow: `);
      const done = await run.finished;
      socket.destroy();
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toMatch(/No sign-in arrived within 2 s: nothing was written/);
      expect(existsSync(out)).toBe(false);
    },
    CASE_TIMEOUT,
  );
});

test(
  '--force on a symlink replaces the link itself; the file it pointed to is untouched',
  async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'not yours\n');
    const link = freshPath();
    symlinkSync(victim, link);
    const run = startAuthorize(['--out', link, '--force'], withEnvSecret);
    expect((await redirect(await run.consent, { code: CODE })).status).toBe(200);
    expect((await run.finished).exitCode).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('not yours\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(lstatSync(link).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(link, 'utf8')).credentials.refresh_token).toBe(REFRESH_TOKEN);
  },
  CASE_TIMEOUT,
);
