/**
 * Hostile configs and answers around the config: thousands of unknown keys give 20 warnings and a count,
 * not thousands of lines; no validation error quotes a credential; `check` puts no ad account id that is
 * not digits into a path; `--write-config` removes what a killed run left at its temporary name and keeps
 * the file's owner (mode 0600). In-process runs against a raw loopback server: each well under a second, a
 * few MB beyond the test process.
 */
import { chmodSync, chownSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathFor } from '../../src/config/write-back';
import { runConnector, tempFiles, type RunResult } from '../../test_kit/in-process';
import { expectNoSecrets } from '../../test_kit/secrets';
import { sendJson, startHostileServer, type HostileServer } from '../../test_kit/hostile-server';

const CLIENT_SECRET = 'Ws4Ej8Rt2Yu6Io0Pa3Sd7F';
const REFRESH_TOKEN = 'pinr_Gh5Jk9Lz1Xc3Vb7Nm2Qw';
const ROTATED = 'pinr_Er6Ty0Ui4Op8As2Df5Gh';
const ACCESS_TOKEN = 'pina_Jk1Lz5Xc9Vb3Nm7Qw4Er';
const oauth = {
  credentials: {
    auth_method: 'oauth2.0',
    client_id: '1500123',
    client_secret: CLIENT_SECRET,
    refresh_token: REFRESH_TOKEN,
  },
};

let server: HostileServer;
let adAccounts: unknown[] = [];
let rotate = false;
beforeAll(async () => {
  server = await startHostileServer((req, res) => {
    if (req.path.endsWith('/oauth/token'))
      return sendJson(res, 200, {
        access_token: ACCESS_TOKEN,
        expires_in: 3600,
        ...(rotate ? { refresh_token: ROTATED } : {}),
      });
    if (req.path.startsWith('/v5/user_account')) return sendJson(res, 200, { username: 'someone', id: '42' });
    if (req.path.startsWith('/v5/ad_accounts?') || req.path === '/v5/ad_accounts')
      return sendJson(res, 200, { items: adAccounts, bookmark: null });
    sendJson(res, 200, { items: [], bookmark: null });
  });
}, 30_000);
afterAll(async () => {
  await server?.close();
}, 30_000);
beforeEach(() => {
  server.seen.length = 0;
  adAccounts = [];
  rotate = false;
});

const run = (args: string[]) =>
  runConnector(args, { env: { PINTEREST_API_URL: server.api }, retry: { maxAttempts: 1 } });
const status = (r: RunResult) => r.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;

describe('unknown config keys', () => {
  const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`unknown_option_${i}`, i]));

  test('5000 unknown keys: 20 warnings naming them, then one line counting the rest', async () => {
    const r = await run(['check', '--config', tempFiles({ config: { ...oauth, ...manyKeys(5000) } }).config]);
    expect(status(r)).toMatchObject({ status: 'SUCCEEDED' });
    const warnings = r.logs('WARN').filter((m) => /unknown config key/i.test(m));
    expect(warnings).toHaveLength(21);
    expect(warnings[0]).toMatch(/^Unknown config key 'unknown_option_0' is ignored/);
    expect(warnings[20]).toBe('4980 more unknown config key(s) are ignored (only the first 20 are named).');
  });

  test('a refused config with 5000 unknown keys: one short error', async () => {
    const r = await run(['check', '--config', tempFiles({ config: { ...manyKeys(5000) } }).config]);
    const message: string = status(r)?.message ?? '';
    expect(message).toMatch(/'credentials' is required\..*4980 more unknown config key\(s\) are ignored/);
    expect(message.length).toBeLessThan(4000);
  });
});

describe('validation errors never quote a credential', () => {
  test.each([
    [
      'a wrong type beside a secret',
      {
        credentials: { ...oauth.credentials, refresh_token: [REFRESH_TOKEN], client_secret: { value: CLIENT_SECRET } },
      },
    ],
    [
      'an unknown auth_method beside a token',
      { credentials: { auth_method: CLIENT_SECRET, access_token: ACCESS_TOKEN } },
    ],
    ['a secret pasted into a date', { ...oauth, start_date: CLIENT_SECRET, end_date: REFRESH_TOKEN }],
    [
      'a broken JSON file right after a secret',
      `{"credentials": {"auth_method": "oauth2.0", "client_id": "1", "client_secret": "${CLIENT_SECRET}" "refresh_token": ${REFRESH_TOKEN}}}`,
    ],
  ])('%s', async (_name, config) => {
    const r = await run(['check', '--config', tempFiles({ config }).config]);
    expect(status(r)).toMatchObject({ status: 'FAILED' });
    expect(server.seen).toEqual([]);
    expectNoSecrets({ stdout: r.stdout }, [CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN]);
  });
});

test('check refuses an ad account id from the API that is not digits, before it goes into a path', async () => {
  adAccounts = [{ id: '../../user_account?steal=1', currency: 'USD', name: 'odd' }];
  const r = await run(['check', '--config', tempFiles({ config: oauth }).config]);
  expect(status(r)?.status).toBe('FAILED');
  expect(status(r)?.message).toMatch(
    /listed an ad account whose id "\.\.\/\.\.\/user_account\?steal=1" is not a number: it was not used in a request/,
  );
  expect(server.seen.map((s) => s.path.replace(/\?.*/, ''))).toEqual([
    '/v5/oauth/token',
    '/v5/user_account',
    '/v5/ad_accounts',
  ]);
});

describe('--write-config', () => {
  test('a temporary file a killed run left behind is removed; none is left after the write', async () => {
    rotate = true;
    const { config } = tempFiles({ config: oauth });
    writeFileSync(tempPathFor(config), '{"half": ');
    const r = await run(['check', '--config', config, '--write-config']);
    expect(status(r)?.status).toBe('SUCCEEDED');
    expect(JSON.parse(readFileSync(config, 'utf8')).credentials.refresh_token).toBe(ROTATED);
    expect(readdirSync(dirname(config))).toEqual(['config.json']);
  });

  test('the file keeps its owner (root gives it back) and becomes owner-only, 0600 as the contract says', async () => {
    rotate = true;
    const { config } = tempFiles({ config: oauth });
    chmodSync(config, 0o640);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(config, 4321, 4321);
    const before = statSync(config);
    const r = await run(['check', '--config', config, '--write-config']);
    expect(status(r)?.status).toBe('SUCCEEDED');
    const after = statSync(config);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o7777).toBe(0o600);
    expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
    if (asRoot) expect(after.uid).toBe(4321);
    expect(JSON.parse(readFileSync(config, 'utf8')).credentials.refresh_token).toBe(ROTATED);
  });
});
