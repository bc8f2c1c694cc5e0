/**
 * Tokens: an access token that expires mid-read is refreshed once and the read goes on (every record
 * delivered); short-lived tokens are refreshed ahead of time; a revoked refresh token is a config_error that
 * says to re-authenticate (read) or one FAILED connection status (check); a rotated refresh token reaches a
 * CONTROL message carrying the whole updated config, the next run works with it, and the old one is revoked.
 * The token endpoint's refusals in Pinterest's words: a dead refresh token (401 code 283) says to run
 * authorize again, wrong app credentials (401 code 2) to check client_id / client_secret.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../simulator';
import { exactProblems, hasStackLines, recordFigure, truthOf } from '../../test_kit/reliability';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY, type Json } from '../../test_kit/constants';
import { errorTraces, records } from '../../test_kit/messages';
import { accessTokenConfig, connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnConnector } from '../../test_kit/spawn';

const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-tokens-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
const catalog = write('catalog.json', fullCatalog());
const SMALL = write(
  'catalog-small.json',
  fullCatalog('full_refresh', ['boards', 'user_account_analytics', 'campaign_analytics']),
);
const tokenRequests = (sim: Simulator) => sim.requestLog.filter((r) => r.path === '/oauth/token');

describe('an access token that expires mid-read', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
  });
  afterAll(async () => {
    await sim?.close();
  });

  test('is refreshed once and the read goes on to the full ground truth', async () => {
    let expired = false;
    const run = await spawnConnector(
      ['read', '--config', write('oauth.json', oauthConfig(sim)), '--catalog', catalog],
      {
        env: connectorEnv(sim),
        onMessage: (_m, n) => {
          if (!expired && n === 3000) {
            expired = true;
            sim.expireAccessTokens();
          }
        },
      },
    );
    expect(expired).toBe(true);
    expect(errorTraces(run.messages)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(exactProblems(run.messages, truthOf(sim))).toEqual([]);
    // the initial token and exactly one refresh, however many requests were in flight with the dead token
    expect(tokenRequests(sim)).toHaveLength(2);
    expect(sim.requestLog.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    recordFigure({
      suite: 'tokens',
      faults: { expiredAccessToken: sim.requestLog.filter((r) => r.status === 401).length },
      recordsChecked: records(run.messages).length,
      recordsLost: 0,
    });
  });

  test('an expired static access token (access-token mode) is a config_error that asks for a new token', async () => {
    sim.resetLog();
    const run = await spawnConnector(
      ['read', '--config', write('static.json', accessTokenConfig(sim)), '--catalog', SMALL],
      {
        env: connectorEnv(sim),
        onMessage: (_m, n) => {
          if (n === 1) sim.expireAccessTokens();
        },
      },
    );
    expect(run.exitCode).not.toBe(0);
    const errors = errorTraces(run.messages);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.failure_type).toBe('config_error');
      expect(e.message).toMatch(/re-authenticate|new access token/i);
      expect(hasStackLines(e.message)).toBe(false);
    }
  });
});

test('short-lived access tokens (2 s) are refreshed ahead of expiry; the read is complete', async () => {
  // 100 ms per answer: the read outlasts the token's refresh point (half its 2 s life) on any machine.
  const sim = await startSimulator({ today: TODAY, accessTokenTtlSeconds: 2, latencyMs: 100 });
  const streams = ['pins', 'pin_analytics', 'campaign_analytics', 'ad_targeting_analytics', 'followers'];
  try {
    const run = await spawnConnector(
      [
        'read',
        '--config',
        write('short.json', oauthConfig(sim)),
        '--catalog',
        write('catalog-ttl.json', fullCatalog('full_refresh', streams)),
      ],
      { env: connectorEnv(sim) },
    );
    expect(errorTraces(run.messages)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(exactProblems(run.messages, truthOf(sim), streams)).toEqual([]);
    expect(tokenRequests(sim).length).toBeGreaterThanOrEqual(2);
  } finally {
    await sim.close();
  }
});

describe('a revoked refresh token', () => {
  let sim: Simulator;
  let config: string;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
    sim.revokeRefreshToken();
    config = write('revoked.json', oauthConfig(sim));
  });
  afterAll(async () => {
    await sim?.close();
  });

  test('read: one config_error saying to re-authenticate, no records, no state, non-zero exit', async () => {
    const run = await spawnConnector(['read', '--config', config, '--catalog', catalog], { env: connectorEnv(sim) });
    expect(run.exitCode).not.toBe(0);
    const errors = errorTraces(run.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].message).toMatch(/re-authenticate/i);
    expect(hasStackLines(errors[0].message)).toBe(false);
    expect(run.messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE')).toEqual([]);
  });

  test('check: CONNECTION_STATUS FAILED saying to re-authenticate, exit 0', async () => {
    const run = await spawnConnector(['check', '--config', config], { env: connectorEnv(sim) });
    expect(run.exitCode).toBe(0);
    const status = run.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/re-authenticate/i);
  });

  test('revoked during a read (with the access token expired): config_error, and no state after the failure point', async () => {
    const live = await startSimulator({ today: TODAY });
    try {
      let failedAt = -1;
      let revoked = false;
      const run = await spawnConnector(
        ['read', '--config', write('live.json', oauthConfig(live)), '--catalog', catalog],
        {
          env: connectorEnv(live),
          onMessage: (m, n) => {
            // At the first record: streams start together, so later the read may have made every request.
            if (!revoked && m.type === 'RECORD') {
              revoked = true;
              live.revokeRefreshToken();
              live.expireAccessTokens();
            }
            if (failedAt < 0 && m.type === 'TRACE' && m.trace.type === 'ERROR') failedAt = n;
          },
        },
      );
      expect(run.exitCode).not.toBe(0);
      const errors = errorTraces(run.messages);
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e.failure_type).toBe('config_error');
        expect(e.message).toMatch(/re-authenticate/i);
      }
      // streams that failed emit no state after their failure
      for (const e of errors) {
        const name = e.stream_descriptor?.name;
        if (!name) continue;
        const idx = run.messages.findIndex(
          (m) => m.type === 'TRACE' && m.trace.type === 'ERROR' && m.trace.error.stream_descriptor?.name === name,
        );
        expect(
          run.messages.slice(idx).filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === name),
        ).toEqual([]);
      }
    } finally {
      await live.close();
    }
  });
});

describe('a rotated refresh token', () => {
  let sim: Simulator;
  const original = () => oauthConfig(sim);
  let control: Json[] = [];
  let firstRotated = '';

  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY, rotateRefreshToken: true });
    const run = await spawnConnector(['read', '--config', write('rotating.json', original()), '--catalog', SMALL], {
      env: connectorEnv(sim),
    });
    expect(run.exitCode).toBe(0);
    control = run.messages.filter((m) => m.type === 'CONTROL');
    firstRotated = sim.currentRefreshToken();
  });
  afterAll(async () => {
    await sim?.close();
  });

  test('reaches exactly one CONTROL message carrying the whole updated config', () => {
    expect(control).toHaveLength(1);
    expect(control[0].control.type).toBe('CONNECTOR_CONFIG');
    const updated = control[0].control.connectorConfig.config;
    const expected = original();
    expected.credentials.refresh_token = firstRotated;
    expect(updated).toEqual(expected);
    expect(firstRotated).not.toBe(sim.credentials.refreshToken);
  });

  test('the old config is refused afterwards (config_error, re-authenticate)', async () => {
    const run = await spawnConnector(['read', '--config', write('old.json', original()), '--catalog', SMALL], {
      env: connectorEnv(sim),
    });
    expect(run.exitCode).not.toBe(0);
    expect(errorTraces(run.messages)[0].failure_type).toBe('config_error');
    expect(errorTraces(run.messages)[0].message).toMatch(/re-authenticate/i);
  });

  test('the next run with the updated config works (and hands back the next rotation)', async () => {
    const updated = control[0].control.connectorConfig.config;
    const run = await spawnConnector(['read', '--config', write('updated.json', updated), '--catalog', SMALL], {
      env: connectorEnv(sim),
    });
    expect(errorTraces(run.messages)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(records(run.messages).length).toBeGreaterThan(0);
    const next = run.messages.filter((m) => m.type === 'CONTROL');
    expect(next).toHaveLength(1);
    expect(next[0].control.connectorConfig.config.credentials.refresh_token).toBe(sim.currentRefreshToken());
  });

  test('--write-config also writes the rotated token into the config file (owner-only)', async () => {
    const path = write('write-back.json', {
      ...original(),
      credentials: { ...original().credentials, refresh_token: sim.currentRefreshToken() },
    });
    const run = await spawnConnector(['read', '--config', path, '--catalog', SMALL, '--write-config'], {
      env: connectorEnv(sim),
    });
    expect(run.exitCode).toBe(0);
    const onDisk = JSON.parse(readFileSync(path, 'utf8'));
    expect(onDisk.credentials.refresh_token).toBe(sim.currentRefreshToken());
    expect(statSync(path).mode & 0o077).toBe(0);
  });
});

describe('tokens that expire again and again while requests are in flight', () => {
  const sims: Simulator[] = [];
  afterAll(async () => {
    for (const s of sims) await s.close();
  });

  // 15 as a new user met it; 4 is fewer than the requests in flight, so requests meet two dead tokens in a row.
  test.each([15, 4])(
    'tokens dead after %i requests, at concurrency 8: pin_analytics and user_account_analytics complete, one refresh per rejected token',
    async (uses) => {
      // Per-pin analytics (an app without the batched beta): enough requests for many dead tokens.
      const sim = await startSimulator({
        today: TODAY,
        accessTokenMaxRequests: uses,
        latencyMs: 5,
        pinAnalyticsBeta: false,
      });
      sims.push(sim);
      const streams = ['pin_analytics', 'user_account_analytics', 'boards'];
      const run = await spawnConnector(
        [
          'read',
          '--config',
          write(`oauth-c8-${uses}.json`, oauthConfig(sim, { concurrency: 8 })),
          '--catalog',
          write('catalog-expiring.json', fullCatalog('full_refresh', streams)),
        ],
        { env: connectorEnv(sim) },
      );
      expect(errorTraces(run.messages)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(exactProblems(run.messages, truthOf(sim), streams)).toEqual([]);
      const api = sim.requestLog.filter((r) => r.path !== '/oauth/token');
      const served = api.filter((r) => r.status !== 401).length;
      const rejected = api.filter((r) => r.status === 401).length;
      const refreshes = tokenRequests(sim).length;
      // Each token serves all its requests before it is replaced: no refresh per request, none wasted.
      expect(refreshes).toBeGreaterThan(5);
      expect(refreshes).toBeLessThanOrEqual(Math.ceil(served / uses) + 1);
      expect(rejected).toBeGreaterThanOrEqual(refreshes - 1);
      recordFigure({
        suite: 'tokens',
        note: `${refreshes} tokens, each dead after ${uses} requests, at concurrency 8; ${rejected} 401s survived`,
      });
    },
    120_000,
  );
});

describe("continuous refresh and the refresh token's expiry", () => {
  const sims: Simulator[] = [];
  afterAll(async () => {
    for (const s of sims) await s.close();
  });
  const small = () => write('catalog-boards.json', fullCatalog('full_refresh', ['boards']));

  test('an app created before 2025-09-25 refreshes (continuous_refresh=true is sent)', async () => {
    const sim = await startSimulator({ today: TODAY, legacyApp: true });
    sims.push(sim);
    const run = await spawnConnector(
      ['read', '--config', write('oauth-legacy.json', oauthConfig(sim)), '--catalog', small()],
      { env: connectorEnv(sim) },
    );
    expect(errorTraces(run.messages)).toEqual([]);
    expect(records(run.messages, 'boards').length).toBeGreaterThan(0);
  });

  test("the refresh token's end is logged; under 14 days it is a WARN that says to re-authenticate", async () => {
    const soon = await startSimulator({ today: TODAY, refreshTokenTtlSeconds: 10 * 86400 });
    const later = await startSimulator({ today: TODAY });
    sims.push(soon, later);
    const logs = async (sim: Simulator, level: string) =>
      (
        await spawnConnector(
          ['read', '--config', write(`oauth-ttl-${sim.port}.json`, oauthConfig(sim)), '--catalog', small()],
          { env: connectorEnv(sim) },
        )
      ).messages
        .filter((m) => m.type === 'LOG' && m.log.level === level)
        .map((m) => m.log.message)
        .join('\n');
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    expect(await logs(soon, 'WARN')).toMatch(
      new RegExp(`The refresh token expires on (${day(9)}|${day(10)}) \\(in \\d day\\(s\\)\\): re-authenticate`),
    );
    expect(await logs(later, 'INFO')).toMatch(new RegExp(`The refresh token is valid until (${day(59)}|${day(60)})`));
  });
});

describe("the token endpoint's refusals, as Pinterest words them", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => sim.resetLog());

  test('a revoked refresh token (401 code 283): one config_error that says to run authorize again', async () => {
    const revoked = await startSimulator({ today: TODAY });
    try {
      revoked.revokeRefreshToken();
      const run = await spawnConnector(
        ['read', '--config', write('revoked-283.json', oauthConfig(revoked)), '--catalog', catalog],
        { env: connectorEnv(revoked) },
      );
      expect(run.exitCode).not.toBe(0);
      expect(tokenRequests(revoked).map((r) => r.status)).toEqual([401]);
      const errors = errorTraces(run.messages);
      expect(errors).toHaveLength(1);
      expect(errors[0].failure_type).toBe('config_error');
      expect(errors[0].message).toContain('the refresh token is invalid, expired or revoked: run authorize again');
      expect(errors[0].message).toContain('code 283');
      expect(errors[0].message).not.toMatch(/client_secret/);
    } finally {
      await revoked.close();
    }
  });

  test('wrong app credentials (401 code 2 on the token endpoint): one config_error that says to check client_id / client_secret', async () => {
    const config = oauthConfig(sim);
    config.credentials.client_secret = 'not-the-app-secret-at-all';
    const run = await spawnConnector(['read', '--config', write('wrong-secret.json', config), '--catalog', SMALL], {
      env: connectorEnv(sim),
    });
    expect(run.exitCode).not.toBe(0);
    expect(tokenRequests(sim).map((r) => r.status)).toEqual([401]);
    const errors = errorTraces(run.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].message).toMatch(/Check client_id and client_secret/);
    expect(errors[0].message).not.toMatch(/run authorize again/);
    expect(run.stdout + run.stderr).not.toContain('not-the-app-secret-at-all');
  });

  test('every refresh answer carries a new refresh token: the read hands it back in one CONTROL message', async () => {
    const run = await spawnConnector(
      ['read', '--config', write('every-answer.json', oauthConfig(sim)), '--catalog', SMALL],
      { env: connectorEnv(sim) },
    );
    expect(errorTraces(run.messages)).toEqual([]);
    expect(tokenRequests(sim)).toHaveLength(1);
    const control = run.messages.filter((m) => m.type === 'CONTROL');
    expect(control).toHaveLength(1);
    expect(control[0].control.connectorConfig.config.credentials.refresh_token).toBe(sim.currentRefreshToken());
  });
});
