/**
 * What the real Pinterest API does beyond the first simulator (issue 13), each behaviour switched on by a
 * simulator knob and met by the connector (run in-process against the simulator on loopback):
 * attribution settings Pinterest refuses, scopes in check, beta targeting types, the reporting time zone,
 * and midnight during a read.
 */
import { startSimulator, type Simulator, type SimulatorOptions, type LoggedRequest } from './simulator';
import { catalogFor, runConnector, tempFiles, type RunResult } from '../unit_tests/helpers/harness';
import { checkRequestAgainstOpenApi } from '../unit_tests/helpers/openapi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TODAY = '2026-06-30';

async function withSim<T>(opts: SimulatorOptions, body: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ today: TODAY, size: { adAccounts: 2, sharedAdAccounts: 0, firstAccountCampaigns: 4, campaignsPerAccount: 3 }, ...opts });
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

const configFor = (sim: Simulator, extra: Json = {}): Json => ({
  credentials: { auth_method: 'oauth2.0', client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret, refresh_token: sim.credentials.refreshToken },
  ...extra,
});

const envFor = (sim: Simulator) => ({ PINTEREST_API_URL: sim.url, PINTEREST_TODAY: TODAY });

async function check(sim: Simulator, extra: Json = {}): Promise<{ status: string; message: string; run: RunResult }> {
  const files = tempFiles({ config: configFor(sim, extra) });
  const run = await runConnector(['check', '--config', files.config], { env: envFor(sim) });
  expect(run.exitCode).toBe(0);
  const statuses = run.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return { status: statuses[0].connectionStatus.status, message: statuses[0].connectionStatus.message ?? '', run };
}

export async function readWith(sim: Simulator, extra: Json, streams: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const files = tempFiles({ config: configFor(sim, extra), catalog: catalogFor(streams.map((name) => ({ name }))) });
  return runConnector(['read', '--config', files.config, '--catalog', files.catalog], { env: { ...envFor(sim), ...env } });
}

/** A logged request as a URL, for the OpenAPI check. */
export const urlOf = (sim: Simulator, r: LoggedRequest): string => {
  const u = new URL(sim.url + r.path);
  for (const [k, v] of Object.entries(r.query)) for (const x of [v].flat()) u.searchParams.append(k, x);
  return u.toString();
};

const analyticsProbes = (sim: Simulator) => sim.requestLog.filter((r) => /^\/ad_accounts\/\d+\/analytics$/.test(r.path));

describe('check: attribution settings Pinterest refuses (item 1)', () => {
  const ACCEPTED: Array<[number, number, number]> = [[30, 30, 1], [7, 1, 1], [1, 1, 1]];

  test('an accepted combination: SUCCEEDED after one one-day ad-account analytics request with the configured settings', async () => {
    await withSim({ acceptedAttributionWindows: ACCEPTED }, async (sim) => {
      const { status } = await check(sim, { click_window_days: 7, engagement_window_days: 1, view_window_days: 1, columns: ['SPEND_IN_DOLLAR', 'TOTAL_CONVERSIONS'] });
      expect(status).toBe('SUCCEEDED');
      const probes = analyticsProbes(sim);
      expect(probes).toHaveLength(1);
      expect(probes[0].status).toBe(200);
      expect(probes[0].query).toMatchObject({
        start_date: TODAY, end_date: TODAY, granularity: 'DAY', columns: 'SPEND_IN_DOLLAR,TOTAL_CONVERSIONS',
        click_window_days: '7', engagement_window_days: '1', view_window_days: '1', conversion_report_time: 'TIME_OF_AD_ACTION',
      });
      expect(sim.requestLog.flatMap((r) => checkRequestAgainstOpenApi(r.method, urlOf(sim, r)))).toEqual([]);
    });
  });

  test('a refused combination: FAILED naming the fields and Pinterest\'s message; no sync needed to find out', async () => {
    await withSim({ acceptedAttributionWindows: ACCEPTED }, async (sim) => {
      const { status, message, run } = await check(sim, { click_window_days: 14, engagement_window_days: 7, view_window_days: 0, conversion_report_time: 'TIME_OF_CONVERSION' });
      expect(status).toBe('FAILED');
      for (const field of ['click_window_days=14', 'engagement_window_days=7', 'view_window_days=0', 'conversion_report_time=TIME_OF_CONVERSION']) expect(message).toContain(field);
      expect(message).toContain('not a supported combination');
      expect(message).toMatch(/Change 'click_window_days', 'engagement_window_days', 'view_window_days'/);
      expect(run.traces()).toEqual([]);
      expect(analyticsProbes(sim).map((r) => r.status)).toEqual([400]);
    });
  });
});

describe('check: only the scopes the data needs are required (item 4)', () => {
  const ALL = ['boards:read', 'boards:read_secret', 'pins:read', 'pins:read_secret', 'user_accounts:read', 'ads:read', 'catalogs:read'];
  const without = (...names: string[]) => ALL.filter((s) => !names.includes(s));

  test('every scope: SUCCEEDED with nothing left out', async () => {
    await withSim({ scopes: ALL }, async (sim) => {
      const { status, message } = await check(sim);
      expect(status).toBe('SUCCEEDED');
      expect(message).not.toMatch(/without/);
    });
  });

  test('without boards:read_secret and pins:read_secret: SUCCEEDED, saying secret boards and pins are left out', async () => {
    await withSim({ scopes: without('boards:read_secret', 'pins:read_secret') }, async (sim) => {
      const { status, message } = await check(sim);
      expect(status).toBe('SUCCEEDED');
      expect(message).toMatch(/without boards:read_secret secret boards are left out/);
      expect(message).toMatch(/without pins:read_secret secret pins are left out/);
      expect(message).not.toMatch(/catalogs:read/);
    });
  });

  test('without catalogs:read: SUCCEEDED, saying the catalog streams will fail', async () => {
    await withSim({ scopes: without('catalogs:read') }, async (sim) => {
      const { status, message } = await check(sim);
      expect(status).toBe('SUCCEEDED');
      expect(message).toMatch(/without catalogs:read the catalog streams .* will fail/);
    });
  });

  test.each(['ads:read', 'user_accounts:read', 'pins:read'])('without %s: FAILED naming it', async (scope) => {
    await withSim({ scopes: without(scope) }, async (sim) => {
      const { status, message } = await check(sim);
      expect(status).toBe('FAILED');
      expect(message).toContain(scope);
      expect(message).not.toMatch(/_secret/);
    });
  });
});
