/**
 * Masking at its edges, against a hostile token endpoint and API (a raw loopback server) that echo the
 * request in a non-JSON error body, padded so that the credential straddles the 200-character snippet the
 * error quotes: no fragment of it longer than 4 characters may survive the cut, in any spelling (a refresh
 * token with `/`, `+`, `=` is form-encoded in the body; the Basic value is Base64). And masking never edits
 * the output: a credential short enough to be a common word is refused, not masked everywhere.
 * Each case is one `check` in-process: a few requests, well under a second and a few MB.
 */
import { PassThrough } from 'node:stream';
import { MessageWriter } from '../../src/protocol/output';
import * as msg from '../../src/protocol/messages';
import { runConnector, tempFiles, type RunResult } from '../../test_kit/in-process';
import { expectNoSecrets } from '../../test_kit/secrets';
import { sendJson, sendText, startHostileServer, type HostileServer } from '../../test_kit/hostile-server';

const CLIENT_ID = '1500123';
const CLIENT_SECRET = 'Cs7Kq2Vx9Lm4Tz8Rw3Nh6Pj';
const REFRESH_TOKEN = 'pinr/Qz8+Wm3=Xk5/Lt7+Hv2=Jd9';
const ACCESS_TOKEN = 'pina_Ax4Ry8Bz2Tw6Qn0Mk3Vs7';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
const SECRETS = [CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, BASIC];
const SNIPPET = 200;

const oauthConfig = {
  credentials: {
    auth_method: 'oauth2.0',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    refresh_token: REFRESH_TOKEN,
  },
};

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
}, 30_000);
afterAll(async () => {
  await server?.close();
}, 30_000);
beforeEach(() => {
  server.seen.length = 0;
});

const check = async (config: unknown = oauthConfig): Promise<RunResult> =>
  runConnector(['check', '--config', tempFiles({ config }).config], {
    env: { PINTEREST_API_URL: server.api },
    retry: { maxAttempts: 1 },
  });

const failure = (r: RunResult): string =>
  r.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus.message ?? '';

/** `piece` padded so that the text at `offset` inside it starts `k` characters before the snippet's end. */
const straddling = (piece: string, offset: number, k: number) => 'A'.repeat(SNIPPET - k - offset) + piece;

// Fragments of 5, 6, 9 and 13 characters left before the cut, and all but the last character.
const CUTS = [5, 6, 9, 13, -1];

describe('a secret cut at the edge of an echoed error snippet is masked', () => {
  test.each(CUTS)(
    'the form-encoded refresh token in an echoed token request, %i characters before the cut',
    async (k) => {
      server.answer((req, res) => {
        const encoded = new URLSearchParams({ refresh_token: REFRESH_TOKEN }).toString().slice('refresh_token='.length);
        const offset = req.body.indexOf(encoded);
        expect(offset).toBeGreaterThan(0);
        sendText(res, 400, straddling(req.body, offset, k === -1 ? encoded.length - 1 : k));
      });
      const r = await check();
      expect(failure(r)).toMatch(/refused to refresh the access token \(HTTP 400: A+/);
      expectNoSecrets({ stdout: r.stdout }, SECRETS);
    },
  );

  test.each(CUTS)('the Basic credential in an echoed Authorization header, %i characters before the cut', async (k) => {
    server.answer((req, res) => {
      const header = String(req.headers.authorization);
      sendText(res, 400, straddling(header, header.indexOf(BASIC), k === -1 ? BASIC.length - 1 : k));
    });
    const r = await check();
    expect(failure(r)).toMatch(/HTTP 400: A+/);
    expectNoSecrets({ stdout: r.stdout }, SECRETS);
  });

  test.each(CUTS)('the client secret decoded by a proxy, %i characters before the cut', async (k) => {
    server.answer((req, res) => {
      const decoded = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
      sendText(
        res,
        400,
        straddling(
          `credentials=${decoded}`,
          'credentials='.length + CLIENT_ID.length + 1,
          k === -1 ? CLIENT_SECRET.length - 1 : k,
        ),
      );
    });
    const r = await check();
    expect(failure(r)).toMatch(/HTTP 400: A+/);
    expectNoSecrets({ stdout: r.stdout }, SECRETS);
  });

  test.each(CUTS)('the access token in an echoed API request, %i characters before the cut', async (k) => {
    server.answer((req, res) => {
      if (req.path.endsWith('/oauth/token'))
        return sendJson(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3600, token_type: 'bearer' });
      const header = String(req.headers.authorization);
      sendText(res, 400, straddling(header, header.indexOf(ACCESS_TOKEN), k === -1 ? ACCESS_TOKEN.length - 1 : k));
    });
    const r = await check();
    expect(server.seen.map((s) => s.path)).toEqual(['/v5/oauth/token', '/v5/user_account']);
    expect(failure(r)).toMatch(/\(HTTP 400\): A+/);
    expectNoSecrets({ stdout: r.stdout }, SECRETS);
  });

  test('a whole secret inside a long JSON message (no cut) is masked in every spelling', async () => {
    server.answer((req, res) =>
      sendJson(res, 400, {
        code: 1,
        message: `echo: ${req.body} ${req.headers.authorization} ${encodeURIComponent(REFRESH_TOKEN).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())} ${CLIENT_SECRET}`,
      }),
    );
    const r = await check();
    expect(failure(r)).toMatch(
      /echo: grant_type=refresh_token&refresh_token=\*\*\*\*&continuous_refresh=true Basic \*\*\*\* \*\*\*\* \*\*\*\*/,
    );
    expectNoSecrets({ stdout: r.stdout }, SECRETS);
  });
});

describe('masking never edits the output', () => {
  const hasMask = (r: RunResult) => r.stdout.includes('****');

  test.each([
    ['client_secret', { ...oauthConfig, credentials: { ...oauthConfig.credentials, client_secret: 'type' } }],
    ['refresh_token', { ...oauthConfig, credentials: { ...oauthConfig.credentials, refresh_token: '05-30' } }],
    ['access_token', { credentials: { auth_method: 'access_token', access_token: 'status' } }],
  ])(
    'a %s too short to be a Pinterest credential is a config error naming it; no line is rewritten',
    async (field, config) => {
      const r = await check(config);
      expect(failure(r)).toMatch(new RegExp(`'credentials\\.${field}' must be at least 16 characters`));
      expect(server.seen).toEqual([]);
      expect(r.messages.every((m) => typeof m.type === 'string')).toBe(true);
      expect(hasMask(r)).toBe(false);
    },
  );

  test('a token endpoint that issues a token of a few characters is an error, and that token masks nothing', async () => {
    server.answer((req, res) => {
      if (req.path.endsWith('/oauth/token')) return sendJson(res, 200, { access_token: '2026-05', expires_in: 3600 });
      sendJson(res, 200, { username: 'someone', id: '1' });
    });
    const r = await check();
    expect(server.seen.map((s) => s.path)).toEqual(['/v5/oauth/token']);
    expect(failure(r)).toMatch(/access_token of 7 characters \(under 16\): not a Pinterest token/);
    expect(hasMask(r)).toBe(false);
  });

  test('a token endpoint that rotates to a refresh token of a few characters: an error, no CONTROL message', async () => {
    server.answer((_req, res) =>
      sendJson(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3600, refresh_token: 'abc-123' }),
    );
    const r = await check();
    expect(failure(r)).toMatch(/refresh_token of 7 characters \(under 16\)/);
    expect(r.messages.filter((m) => m.type === 'CONTROL')).toEqual([]);
  });

  test('only string values are masked: a key equal to a secret, and the message structure, stay as they were', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => {
      text += d;
    });
    const writer = new MessageWriter(out, 'debug');
    const secret = 'description_secret_0001';
    writer.addSecret(secret);
    writer.addSecret('a "quoted" secret\\value');
    await writer.write(
      msg.record('boards', { [secret]: `is ${secret}`, note: 'a "quoted" secret\\value here', id: '1' }),
    );
    await writer.flush();
    const line = JSON.parse(text.trim());
    expect(line.type).toBe('RECORD');
    expect(line.record.data).toEqual({ [secret]: 'is ****', note: '**** here', id: '1' });
  });
});
