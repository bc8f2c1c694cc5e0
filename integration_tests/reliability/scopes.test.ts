/**
 * Scope versus token, against the simulator (strict as Pinterest: a token lacking a route's scope gets 401
 * with code 3, not 403): a token without `catalogs:read` fails the catalog streams with a message naming the
 * scope, every other stream completes with its ground truth, and the token is not refreshed for the refusals
 * (a 401 code 3 is asked once; the token endpoint sees only the first refresh). An access token that really
 * expires still gets its one refresh in the same read.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAMS } from '../../src/streams/definitions';
import { DEFAULT_SCOPES, startSimulator, type Simulator } from '../../simulator';
import { exactProblems, hasStackLines, truthOf } from '../../test_kit/reliability';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { errorTraces, statuses } from '../../test_kit/messages';
import { accessTokenConfig, connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnConnector } from '../../test_kit/spawn';

const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-scopes-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

const CATALOG_STREAMS = STREAMS.filter((d) => d.scopes?.includes('catalogs:read')).map((d) => d.name);
const OTHER_STREAMS = ['boards', 'pins', 'campaigns', 'user_account_analytics', 'campaign_analytics'];
const catalog = write('catalog.json', fullCatalog('full_refresh', [...CATALOG_STREAMS, ...OTHER_STREAMS]));
const WITHOUT_CATALOGS = DEFAULT_SCOPES.filter((s) => s !== 'catalogs:read');

const tokenRequests = (sim: Simulator) => sim.requestLog.filter((r) => r.path === '/oauth/token');
const scopeRefusals = (sim: Simulator) =>
  sim.requestLog.filter((r) => r.path.startsWith('/catalogs') && r.status === 401);

describe('a token lacking catalogs:read (401 code 3 on the catalog routes)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY, scopes: WITHOUT_CATALOGS });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => sim.resetLog());

  test.each([
    ['oauth', () => oauthConfig(sim)],
    ['access token', () => accessTokenConfig(sim)],
  ])(
    '%s: the catalog streams fail naming the scope, every other stream completes, the token is not refreshed for it',
    async (mode, config) => {
      expect(CATALOG_STREAMS.length).toBeGreaterThan(0);
      const run = await spawnConnector(
        ['read', '--config', write(`config-${mode}.json`, config()), '--catalog', catalog],
        { env: connectorEnv(sim) },
      );
      expect(run.exitCode).not.toBe(0);
      const errors = errorTraces(run.messages);
      expect(errors.map((e) => e.stream_descriptor?.name).sort()).toEqual([...CATALOG_STREAMS].sort());
      for (const e of errors) {
        expect(e.failure_type).toBe('config_error');
        expect(e.message).toContain('catalogs:read');
        expect(e.message).not.toMatch(/rejected the credentials|expired or revoked/);
        expect(hasStackLines(e.message)).toBe(false);
      }
      for (const name of CATALOG_STREAMS)
        expect([name, statuses(run.messages, name).at(-1)]).toEqual([name, 'INCOMPLETE']);
      for (const name of OTHER_STREAMS) expect([name, statuses(run.messages, name).at(-1)]).toEqual([name, 'COMPLETE']);
      expect(exactProblems(run.messages, truthOf(sim), OTHER_STREAMS)).toEqual([]);
      // One refusal per catalog stream (never retried), and no refresh because of them.
      expect(scopeRefusals(sim)).toHaveLength(CATALOG_STREAMS.length);
      expect(tokenRequests(sim)).toHaveLength(mode === 'oauth' ? 1 : 0);
    },
  );
});

test('access tokens that expire mid-read are still refreshed while the scope refusals are not', async () => {
  // Each token dies after 20 requests: the expired-token 401s (code 2) cost one refresh each, the
  // scope 401s (code 3) none.
  const sim = await startSimulator({ today: TODAY, scopes: WITHOUT_CATALOGS, accessTokenMaxRequests: 20 });
  try {
    const run = await spawnConnector(
      ['read', '--config', write('expiring.json', oauthConfig(sim)), '--catalog', catalog],
      { env: connectorEnv(sim) },
    );
    expect(
      errorTraces(run.messages)
        .map((e) => e.stream_descriptor?.name)
        .sort(),
    ).toEqual([...CATALOG_STREAMS].sort());
    expect(exactProblems(run.messages, truthOf(sim), OTHER_STREAMS)).toEqual([]);
    // Every 401 but one per catalog stream (its scope refusal, asked once) is an expired token.
    const expired =
      sim.requestLog.filter((r) => r.path !== '/oauth/token' && r.status === 401).length - CATALOG_STREAMS.length;
    expect(expired).toBeGreaterThan(0);
    expect(scopeRefusals(sim).length).toBeGreaterThanOrEqual(CATALOG_STREAMS.length);
    // No more refreshes than expired tokens met (plus the first token): none for a scope refusal.
    expect(tokenRequests(sim).length).toBeGreaterThan(1);
    expect(tokenRequests(sim).length).toBeLessThanOrEqual(expired + 1);
  } finally {
    await sim.close();
  }
}, 120_000);
