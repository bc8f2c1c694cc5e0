/**
 * What the real Pinterest API does beyond the first simulator, each behaviour switched on by a
 * simulator knob and met by the connector (run in-process against the simulator on loopback):
 * attribution settings Pinterest refuses, scopes in check, beta targeting types, the reporting time zone,
 * and midnight during a read.
 */
import {
  AD_GROUP_TARGETING_TYPES,
  AD_TARGETING_TYPES,
  CAMPAIGN_TARGETING_TYPES,
  startSimulator,
  type Level,
  type Simulator,
  type SimulatorOptions,
  type LoggedRequest,
} from '../simulator';
import { runConnector, tempFiles, type RunResult } from '../test_kit/in-process';
import { checkRequestAgainstOpenApi } from '../test_kit/openapi';
import { catalogFor } from '../test_kit/catalog';
import { recordDiff } from '../test_kit/read-checks';
import { expectedCursor, TODAY } from '../test_kit/constants';

type Json = Record<string, any>;

async function withSim<T>(opts: SimulatorOptions, body: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({
    today: TODAY,
    size: { adAccounts: 2, sharedAdAccounts: 0, firstAccountCampaigns: 4, campaignsPerAccount: 3 },
    ...opts,
  });
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

const configFor = (sim: Simulator, extra: Json = {}): Json => ({
  credentials: {
    auth_method: 'oauth2.0',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.credentials.refreshToken,
  },
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

export async function readWith(
  sim: Simulator,
  extra: Json,
  streams: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const files = tempFiles({ config: configFor(sim, extra), catalog: catalogFor(streams.map((name) => ({ name }))) });
  return runConnector(['read', '--config', files.config, '--catalog', files.catalog], {
    env: { ...envFor(sim), ...env },
  });
}

/** A logged request as a URL, for the OpenAPI check. */
export const urlOf = (sim: Simulator, r: LoggedRequest): string => {
  const u = new URL(sim.url + r.path);
  for (const [k, v] of Object.entries(r.query)) for (const x of [v].flat()) u.searchParams.append(k, x);
  return u.toString();
};

const targetingTypesOf = (level: Level): string[] => [
  ...((
    { campaign: CAMPAIGN_TARGETING_TYPES, ad_group: AD_GROUP_TARGETING_TYPES, ad: AD_TARGETING_TYPES } as Record<
      string,
      readonly string[]
    >
  )[level] ?? []),
];

const analyticsProbes = (sim: Simulator) =>
  sim.requestLog.filter((r) => /^\/ad_accounts\/\d+\/analytics$/.test(r.path));

describe('check: attribution settings Pinterest refuses (item 1)', () => {
  const ACCEPTED: Array<[number, number, number]> = [
    [30, 30, 1],
    [7, 1, 1],
    [1, 1, 1],
  ];

  test('an accepted combination: SUCCEEDED after one one-day ad-account analytics request with the configured settings', async () => {
    await withSim({ acceptedAttributionWindows: ACCEPTED }, async (sim) => {
      const { status } = await check(sim, {
        click_window_days: 7,
        engagement_window_days: 1,
        view_window_days: 1,
        columns: ['SPEND_IN_DOLLAR', 'TOTAL_CONVERSIONS'],
      });
      expect(status).toBe('SUCCEEDED');
      const probes = analyticsProbes(sim);
      expect(probes).toHaveLength(1);
      expect(probes[0].status).toBe(200);
      expect(probes[0].query).toMatchObject({
        start_date: TODAY,
        end_date: TODAY,
        granularity: 'DAY',
        columns: 'SPEND_IN_DOLLAR,TOTAL_CONVERSIONS',
        click_window_days: '7',
        engagement_window_days: '1',
        view_window_days: '1',
        conversion_report_time: 'TIME_OF_AD_ACTION',
      });
      expect(sim.requestLog.flatMap((r) => checkRequestAgainstOpenApi(r.method, urlOf(sim, r)))).toEqual([]);
    });
  });

  test("a refused combination: FAILED naming the fields and Pinterest's message; no sync needed to find out", async () => {
    await withSim({ acceptedAttributionWindows: ACCEPTED }, async (sim) => {
      const { status, message, run } = await check(sim, {
        click_window_days: 14,
        engagement_window_days: 7,
        view_window_days: 0,
        conversion_report_time: 'TIME_OF_CONVERSION',
      });
      expect(status).toBe('FAILED');
      for (const field of [
        'click_window_days=14',
        'engagement_window_days=7',
        'view_window_days=0',
        'conversion_report_time=TIME_OF_CONVERSION',
      ])
        expect(message).toContain(field);
      expect(message).toContain('not a supported combination');
      expect(message).toMatch(/Change 'click_window_days', 'engagement_window_days', 'view_window_days'/);
      expect(run.traces()).toEqual([]);
      expect(analyticsProbes(sim).map((r) => r.status)).toEqual([400]);
    });
  });
});

describe('check: only the scopes the data needs are required (item 4)', () => {
  const ALL = [
    'boards:read',
    'boards:read_secret',
    'pins:read',
    'pins:read_secret',
    'user_accounts:read',
    'ads:read',
    'catalogs:read',
  ];
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

const COLUMNS = ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CONVERSIONS'];
const TARGETING_STREAMS = [
  'campaign_targeting_analytics',
  'ad_group_targeting_analytics',
  'ad_targeting_analytics',
] as const;
const LEVEL_OF = {
  campaign_targeting_analytics: 'campaign',
  ad_group_targeting_analytics: 'ad_group',
  ad_targeting_analytics: 'ad',
} as const;
const BETA = ['AGE_BUCKET_AND_GENDER', 'CREATIVE_ENHANCEMENTS'];

/** The records of `streams` must be exactly `expected` (order-free), each stream COMPLETE. */
function expectRecords(run: RunResult, expected: Record<string, Json[]>): void {
  for (const [stream, records] of Object.entries(expected)) {
    expect({ stream, statuses: run.statuses(stream) }).toEqual({
      stream,
      statuses: ['STARTED', 'RUNNING', 'COMPLETE'],
    });
    expect({ stream, diff: recordDiff(run.records(stream), records) }).toEqual({
      stream,
      diff: { missing: [], unexpected: [], counts: [records.length, records.length] },
    });
  }
}

describe('beta targeting types Pinterest refuses (item 2)', () => {
  test.each([true, false])(
    'refused types are left out (message names them: %s), the others read, each stream COMPLETE; warned once per type and account, said in the final log',
    async (named) => {
      await withSim({ refusedTargetingTypes: BETA, refusedTargetingTypesNamed: named }, async (sim) => {
        const run = await readWith(sim, { columns: COLUMNS }, [...TARGETING_STREAMS]);
        expect(run.traces()).toEqual([]);
        expect(run.exitCode).toBe(0);
        const truth = sim.groundTruth({
          today: TODAY,
          columns: COLUMNS,
          targetingTypes: Object.fromEntries(
            Object.entries(LEVEL_OF).map(([, level]) => [
              level,
              targetingTypesOf(level).filter((t) => !BETA.includes(t)),
            ]),
          ),
        });
        expectRecords(run, Object.fromEntries(TARGETING_STREAMS.map((s) => [s, truth.records[s]])));
        expect(truth.records.ad_group_targeting_analytics.length).toBeGreaterThan(0);
        const accounts = truth.adAccountIds.length;
        for (const stream of TARGETING_STREAMS) {
          const betaHere = BETA.filter((t) => targetingTypesOf(LEVEL_OF[stream]).includes(t));
          const warnings = run.logs('WARN').filter((m) => m.startsWith(`${stream}: Pinterest refuses targeting type`));
          expect(warnings).toHaveLength(betaHere.length * accounts);
          for (const t of betaHere)
            expect(warnings.filter((w) => w.includes(`targeting type ${t} for`))).toHaveLength(accounts);
        }
        const final = run.logs('INFO').find((m) => m.startsWith('Read finished'))!;
        expect(final).toContain(
          `ad_group_targeting_analytics=${truth.counts.ad_group_targeting_analytics} (without AGE_BUCKET_AND_GENDER for ${accounts} ad account(s), CREATIVE_ENHANCEMENTS for ${accounts} ad account(s))`,
        );
        // State is as for a complete read: every account at the last final day.
        const last = run.states('campaign_targeting_analytics').at(-1)!.stream.stream_state;
        expect(Object.values(last.partitions)).toEqual(truth.adAccountIds.map(() => ({ date: expectedCursor() })));
        // Once refused, a type is not asked again for that account; every request conforms to the OpenAPI file.
        const refusals = sim.requestLog.filter((r) => r.status === 400);
        // Named: one refusal per account and stream; unnamed: the halving of a 14-type group, a few per account and stream.
        if (named) expect(refusals).toHaveLength(accounts * TARGETING_STREAMS.length);
        else expect(refusals.length).toBeLessThanOrEqual(8 * accounts * TARGETING_STREAMS.length);
        expect(sim.requestLog.flatMap((r) => checkRequestAgainstOpenApi(r.method, urlOf(sim, r)))).toEqual([]);
      });
    },
  );

  test('targeting_types chooses the breakdowns; a level without any of them reads nothing, with a warning', async () => {
    await withSim({}, async (sim) => {
      const run = await readWith(sim, { columns: COLUMNS, targeting_types: ['APPTYPE', 'CREATIVE_ENHANCEMENTS'] }, [
        ...TARGETING_STREAMS,
      ]);
      expect(run.traces()).toEqual([]);
      const truth = sim.groundTruth({
        today: TODAY,
        columns: COLUMNS,
        targetingTypes: { campaign: ['APPTYPE'], ad_group: ['APPTYPE', 'CREATIVE_ENHANCEMENTS'], ad: ['APPTYPE'] },
      });
      expectRecords(run, Object.fromEntries(TARGETING_STREAMS.map((s) => [s, truth.records[s]])));
      const types = new Set(
        sim.requestLog
          .filter((r) => r.path.endsWith('/targeting_analytics'))
          .map((r) => `${r.path.split('/')[3]}:${r.query.targeting_types}`),
      );
      expect([...types].sort()).toEqual([
        'ad_groups:APPTYPE,CREATIVE_ENHANCEMENTS',
        'ads:APPTYPE',
        'campaigns:APPTYPE',
      ]);

      const only = await readWith(sim, { columns: COLUMNS, targeting_types: ['QUIZ_RESULT'] }, [
        'campaign_targeting_analytics',
      ]);
      expect(only.traces()).toEqual([]);
      expect(only.records('campaign_targeting_analytics')).toEqual([]);
      expect(only.logs('WARN')).toContainEqual(
        expect.stringContaining(
          'campaign_targeting_analytics: none of the configured targeting_types (QUIZ_RESULT) exists at this level',
        ),
      );
    });
  });

  test("a 400 that is not about a type (every type refused) still fails the stream, with Pinterest's message", async () => {
    await withSim(
      { refusedTargetingTypes: targetingTypesOf('campaign'), refusedTargetingTypesNamed: false },
      async (sim) => {
        const run = await readWith(sim, { columns: COLUMNS, ad_account_ids: [sim.data.adAccounts[0].id] }, [
          'campaign_targeting_analytics',
        ]);
        expect(run.exitCode).not.toBe(0);
        expect(run.statuses('campaign_targeting_analytics').at(-1)).toBe('INCOMPLETE');
        expect(run.traces()[0].message).toMatch(/HTTP 400.*Invalid ad account targeting analytics parameters/);
      },
    );
  });
});

describe('reporting_timezone (item 9): off by default, passed through where the OpenAPI file allows it', () => {
  const ANALYTICS = [
    'campaign_analytics',
    'ad_group_targeting_analytics',
    'ad_analytics_daily',
    'user_account_analytics',
    'pin_analytics',
  ];
  const isAds = (r: LoggedRequest) => /^\/ad_accounts\/\d+\/\w+\/(targeting_)?analytics$/.test(r.path);
  const isOrganic = (r: LoggedRequest) =>
    r.path === '/user_account/analytics' || /^\/pins\/\d+\/analytics$/.test(r.path);

  test('not sent by default; with AD_ACCOUNT_TIME_ZONE on every ads-analytics request and no other', async () => {
    await withSim({}, async (sim) => {
      let run = await readWith(sim, { columns: COLUMNS }, ANALYTICS);
      expect(run.exitCode).toBe(0);
      expect(sim.requestLog.filter((r) => 'reporting_timezone' in r.query)).toEqual([]);
      sim.resetLog();
      run = await readWith(sim, { columns: COLUMNS, reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' }, ANALYTICS);
      expect(run.traces()).toEqual([]);
      const ads = sim.requestLog.filter(isAds);
      expect(ads.length).toBeGreaterThan(0);
      expect(ads.filter((r) => r.query.reporting_timezone !== 'AD_ACCOUNT_TIME_ZONE')).toEqual([]);
      const organic = sim.requestLog.filter(isOrganic);
      expect(organic.length).toBeGreaterThan(0);
      expect(organic.filter((r) => 'reporting_timezone' in r.query)).toEqual([]);
      expect(sim.requestLog.flatMap((r) => checkRequestAgainstOpenApi(r.method, urlOf(sim, r)))).toEqual([]);
    });
  });

  test('an account without the closed beta: check FAILED naming reporting_timezone; without the option it succeeds', async () => {
    await withSim({ refuseReportingTimezone: true }, async (sim) => {
      const refused = await check(sim, { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' });
      expect(refused.status).toBe('FAILED');
      expect(refused.message).toContain('reporting_timezone=AD_ACCOUNT_TIME_ZONE');
      expect(refused.message).toMatch(/Change 'reporting_timezone'/);
      expect((await check(sim)).status).toBe('SUCCEEDED');
    });
  });
});

describe('midnight during a read (item 3)', () => {
  const STREAMS = ['campaign_analytics', 'ad_group_targeting_analytics', 'user_account_analytics', 'pin_analytics'];
  const NEXT = '2026-07-01';
  const EDGE = '2026-04-02'; // today − 89: served before midnight, not after
  /** After midnight Pinterest serves NEXT − 89 … NEXT; the read's range still ends at the day it started. */
  const truthAfterMidnight = (sim: Simulator) =>
    sim.groundTruth({ today: NEXT, endDate: TODAY, columns: COLUMNS, windowDays: 30 });

  test('the day passes before the analytics requests: every request asks from the new earliest day, none is refused, records equal the ground truth', async () => {
    // The simulated day moves once the token request is answered: every answer after it carries the new day.
    await withSim({ advanceDayAfterRequests: 1 }, async (sim) => {
      const run = await readWith(sim, { columns: COLUMNS, window_days: 30 }, STREAMS);
      expect(run.traces()).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(sim.currentDay()).toBe(NEXT);
      expect(sim.requestLog.filter((r) => r.status === 400)).toEqual([]);
      const starts = sim.requestLog
        .filter((r) => r.query.start_date !== undefined)
        .map((r) => r.query.start_date as string);
      expect(starts.length).toBeGreaterThan(0);
      expect(starts.filter((d) => d < '2026-04-03')).toEqual([]);
      const truth = truthAfterMidnight(sim);
      expectRecords(run, Object.fromEntries(STREAMS.map((s) => [s, truth.records[s as keyof typeof truth.records]])));
      expect(run.logs('WARN')).toContainEqual(
        expect.stringContaining(
          'campaign_analytics: a new UTC day began during the read; Pinterest now serves analytics from 2026-04-03',
        ),
      );
      // The cursor stops at the last day Pinterest calls final, counted from the new day.
      const last = run.states('campaign_analytics').at(-1)!.stream.stream_state;
      expect(Object.values(last.partitions)).toEqual(
        truth.adAccountIds.map(() => ({ date: expectedCursor(TODAY, undefined, NEXT) })),
      );
      expect(sim.requestLog.flatMap((r) => checkRequestAgainstOpenApi(r.method, urlOf(sim, r)))).toEqual([]);
    });
  });

  test('the day passes while requests are in flight: a "last 90 days" refusal re-clamps the window and the read goes on', async () => {
    // The day moves when the first analytics request arrives: it, and those sent with it, ask for today − 89.
    await withSim({ advanceDayAfterRequests: 0, advanceDayCounting: '/analytics' }, async (sim) => {
      const run = await readWith(sim, { columns: COLUMNS, window_days: 30 }, STREAMS);
      expect(run.traces()).toEqual([]);
      expect(run.exitCode).toBe(0);
      const refused = sim.requestLog.filter((r) => r.status === 400);
      expect(refused.length).toBeGreaterThan(0); // the situation under test happened
      expect(refused.every((r) => r.query.start_date === EDGE)).toBe(true);
      const truth = truthAfterMidnight(sim);
      const before = sim.groundTruth({
        today: TODAY,
        startDate: EDGE,
        endDate: EDGE,
        columns: COLUMNS,
        windowDays: 30,
      });
      for (const stream of STREAMS) {
        const records = run.records(stream);
        expect(run.statuses(stream).at(-1)).toBe('COMPLETE');
        // Every day Pinterest still serves is complete; the edge day is there only as far as it was read before midnight.
        const diff = recordDiff(
          records.filter((r) => r.date !== EDGE),
          truth.records[stream as keyof typeof truth.records],
        );
        expect({ stream, missing: diff.missing, unexpected: diff.unexpected }).toEqual({
          stream,
          missing: [],
          unexpected: [],
        });
        const edge = records.filter((r) => r.date === EDGE);
        expect(recordDiff(edge, before.records[stream as keyof typeof before.records]).unexpected).toEqual([]);
      }
    });
  });
});

describe('late conversions (item 8): the default lookback re-reads a day until its conversions settled', () => {
  const STREAM = 'campaign_analytics';
  const LATER = '2026-08-09'; // 40 days later
  // Long flights with a row every day, so that the days near the lookback's edge have rows.
  const MANY_CAMPAIGNS = {
    adAccounts: 2,
    sharedAdAccounts: 0,
    firstAccountCampaigns: 20,
    campaignsPerAccount: 10,
    dayCoverage: 1,
    columnCoverage: 1,
    flightDaysMin: 60,
    flightDaysMax: 90,
  };
  const CONV = ['TOTAL_CONVERSIONS', 'TOTAL_CHECKOUT', 'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'SPEND_IN_DOLLAR'];

  async function incremental(sim: Simulator, extra: Json, today: string, state?: unknown): Promise<RunResult> {
    const catalog = catalogFor([{ name: STREAM, sync_mode: 'incremental' }]);
    const files = tempFiles({
      config: configFor(sim, { columns: CONV, window_days: 90, ...extra }),
      catalog,
      ...(state ? { state } : {}),
    });
    const args = [
      'read',
      '--config',
      files.config,
      '--catalog',
      files.catalog,
      ...(state ? ['--state', files.state] : []),
    ];
    return runConnector(args, { env: { PINTEREST_API_URL: sim.url, PINTEREST_TODAY: today } });
  }

  /** The rows of the first sync's days as the second sync sees them: numbers settled, and every day final by then. */
  const settledTruth = (sim: Simulator) =>
    sim.groundTruth({ today: TODAY, columns: CONV }).records[STREAM].map((r) => ({ ...r, data_ready: true }));

  /** Two syncs 40 days apart; the destination keeps the latest record per (campaign_id, date). */
  async function twoSyncs(sim: Simulator, extra: Json): Promise<Json[]> {
    const first = await incremental(sim, extra, TODAY);
    expect(first.traces()).toEqual([]);
    const state = first.states(STREAM).at(-1)!;
    sim.advanceDay(40);
    const second = await incremental(sim, extra, LATER, [state]);
    expect(second.traces()).toEqual([]);
    const latest = new Map<string, Json>();
    for (const r of [...first.records(STREAM), ...second.records(STREAM)]) latest.set(`${r.campaign_id}|${r.date}`, r);
    return [...latest.values()];
  }

  test('with the default lookback (longest window + 2) the synced rows end equal to the settled ground truth; with a shorter one they do not', async () => {
    await withSim({ lateConversions: true, size: MANY_CAMPAIGNS }, async (sim) => {
      const truth = settledTruth(sim);
      const synced = await twoSyncs(sim, {});
      expect(recordDiff(synced, truth)).toEqual({ missing: [], unexpected: [], counts: [truth.length, truth.length] });
    });
    await withSim({ lateConversions: true, size: MANY_CAMPAIGNS }, async (sim) => {
      const truth = settledTruth(sim);
      // Days after 05-29 had not settled at the first sync (younger than 30 + 2 days). Its cursor stopped at the
      // last final day (06-27); a lookback of 27 days re-reads only from 05-31 on, so 05-30 keeps its early, too
      // small conversions.
      const synced = await twoSyncs(sim, { lookback_days: 27 });
      const stale = recordDiff(synced, truth).unexpected.map((k) => /"date","(\d{4}-\d{2}-\d{2})"/.exec(k)![1]);
      expect(stale.length).toBeGreaterThan(0);
      expect(new Set(stale)).toEqual(new Set(['2026-05-30']));
    });
  });
});
