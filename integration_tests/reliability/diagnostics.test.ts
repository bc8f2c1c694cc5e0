/**
 * What a person sees when something is off: LOG_LEVEL=debug logs each
 * request without secrets, an unknown LOG_LEVEL is refused, a name that does not resolve is not called an
 * outage at Pinterest, and a bad access token is one config error up front, not one per stream.
 */
import { http, HttpResponse } from 'msw';
import { BASE_CONFIG, useFakePinterest } from '../../test_kit/msw-pinterest';
import { API, runConnector, tempFiles } from '../../test_kit/in-process';
import { recordFigure } from '../../test_kit/reliability';
import { catalogFor, fullCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { errorTraces } from '../../test_kit/messages';
import { spawnConnector } from '../../test_kit/spawn';
import { connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';
import { startSimulator, type Simulator } from '../../simulator';

const fake = useFakePinterest();
const ACCESS_TOKEN_CONFIG = {
  ...BASE_CONFIG,
  credentials: { auth_method: 'access_token', access_token: 'pina.fixture-access-token' },
};
afterAll(() => recordFigure({ suite: 'diagnostics', badInputs: 4 }));

const read = (config: object, streams: string[], env?: Record<string, string>) => {
  const files = tempFiles({ config, catalog: catalogFor(streams.map((name) => ({ name }))) });
  return runConnector(['read', '--config', files.config, '--catalog', files.catalog], { env });
};

test('LOG_LEVEL=debug logs each request (method, path, status and time; no query values, no token) and each window', async () => {
  const r = await read(BASE_CONFIG, ['boards', 'campaigns', 'user_account_analytics']);
  expect(r.logs('DEBUG')).toContain('user_account_analytics: the user account, window 2026-05-01…2026-05-30');
  const requests = r.logs('DEBUG').filter((l) => / → HTTP \d{3} in \d+ ms$/.test(l));
  expect(requests).toContain(requests.find((l) => /^GET \/boards → HTTP 200 in \d+ ms$/.test(l)));
  expect(requests).toContain(requests.find((l) => /^POST \/oauth\/token → HTTP 200 in \d+ ms$/.test(l)));
  expect(requests.length).toBe(fake.requests.length);
  const all = r.logs().join('\n');
  for (const secret of [
    'pina.fixture-access-token',
    'pinr.refresh-token-ABC',
    'client-secret-XYZ',
    'bookmark=',
    'page_size=',
  ])
    expect(all).not.toContain(secret);
});

test('an unknown LOG_LEVEL is a config error, before any request', async () => {
  const r = await read(BASE_CONFIG, ['boards'], { LOG_LEVEL: 'verbose' });
  expect(r.exitCode).toBe(1);
  expect(r.traces()).toHaveLength(1);
  expect(r.traces()[0].failure_type).toBe('config_error');
  expect(r.traces()[0].message).toMatch(/LOG_LEVEL must be one of debug, info, warn, error; got "verbose"/);
  expect(fake.requests).toEqual([]);
});

test('an expired access token: one config error up front, not one per stream', async () => {
  fake.server.use(
    http.get(`${API}/*`, () => HttpResponse.json({ code: 2, message: 'Authentication failed.' }, { status: 401 })),
  );
  const r = await read(ACCESS_TOKEN_CONFIG, ['boards', 'pins', 'campaigns', 'user_account_analytics']);
  expect(r.exitCode).toBe(1);
  expect(r.traces()).toHaveLength(1);
  expect(r.traces()[0].failure_type).toBe('config_error');
  expect(r.traces()[0].stream_descriptor).toBeUndefined();
  expect(r.traces()[0].message).toMatch(/access token is expired or revoked/);
  expect(r.records()).toEqual([]);
});

test('a host name that does not resolve is named, and not called an outage at Pinterest', async () => {
  const host = 'pinterest-connector-test.invalid';
  const config = JSON.stringify(ACCESS_TOKEN_CONFIG);
  const files = tempFiles({ config, catalog: fullCatalog('full_refresh', ['boards']) });
  const run = await spawnConnector(['read', '--config', files.config, '--catalog', files.catalog], {
    env: {
      PINTEREST_API_URL: `https://${host}/v5`,
      PINTEREST_TODAY: TODAY,
      PINTEREST_RETRY_BASE_MS: '1',
      LOG_LEVEL: 'info',
    },
  });
  const [error] = errorTraces(run.messages);
  expect(run.exitCode).toBe(1);
  expect(error.message).toMatch(new RegExp(`the name ${host.replace(/\./g, '\\.')} did not resolve`));
  expect(error.message).toMatch(/network error reaching pinterest-connector-test\.invalid/);
  expect(error.message).not.toMatch(/outage at Pinterest/);
}, 60_000);

describe('diagnoses that point the right way', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
  });
  afterAll(async () => {
    await sim?.close();
  });

  test(
    'a PINTEREST_API_URL without /v5 (404 on the token endpoint) is named as a URL problem, not a revoked token',
    async () => {
      const files = tempFiles({ config: oauthConfig(sim) });
      const check = await spawnConnector(['check', '--config', files.config], {
        env: connectorEnv(sim, { PINTEREST_API_URL: sim.url.replace(/\/v5$/, '') }),
      });
      const [status] = check.messages.filter((m) => m.type === 'CONNECTION_STATUS').map((m) => m.connectionStatus);
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(
        /the API URL is wrong\. PINTEREST_API_URL must be Pinterest's API base with its version/,
      );
      expect(status.message).not.toMatch(/revoked|re-authenticate/);
    },
    spawnedRunsTimeout(1),
  );

  test(
    'check without a network does not promise that a next sync resumes',
    async () => {
      const files = tempFiles({ config: ACCESS_TOKEN_CONFIG });
      const check = await spawnConnector(['check', '--config', files.config], {
        env: {
          PINTEREST_API_URL: 'https://pinterest-connector-test.invalid/v5',
          PINTEREST_TODAY: TODAY,
          PINTEREST_RETRY_BASE_MS: '1',
        },
      });
      const [status] = check.messages.filter((m) => m.type === 'CONNECTION_STATUS').map((m) => m.connectionStatus);
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(/did not resolve/);
      expect(status.message).not.toMatch(/resumes/);
    },
    spawnedRunsTimeout(1),
  );

  test(
    'a bad LOG_LEVEL is reported as check reports a bad environment: a FAILED status, exit 0',
    async () => {
      const files = tempFiles({ config: ACCESS_TOKEN_CONFIG });
      const check = await spawnConnector(['check', '--config', files.config], {
        env: { LOG_LEVEL: 'loud', PINTEREST_TODAY: TODAY },
      });
      expect(check.exitCode).toBe(0);
      expect(check.messages.map((m) => [m.type, m.connectionStatus?.status, m.connectionStatus?.message])).toEqual([
        [
          'CONNECTION_STATUS',
          'FAILED',
          expect.stringMatching(/LOG_LEVEL must be one of debug, info, warn, error; got "loud"/),
        ],
      ]);
    },
    spawnedRunsTimeout(1),
  );
});
