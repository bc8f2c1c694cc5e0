/**
 * What Pinterest refuses on the report path, handled as the synchronous path handles it: an ad account
 * without the targeting beta refuses AGE_BUCKET_AND_GENDER / CREATIVE_ENHANCEMENTS at report creation —
 * the backfill reads every other type, with one warning per refused type; reach and frequency columns on
 * targeting levels are refused ("Columns … are not available") — `check` warns, and the read completes
 * with those columns left out of the targeting reports only.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import type { AnalyticsDefinition } from '../../src/streams/definition';
import { STREAMS_BY_NAME } from '../../src/streams/definitions';
import { BETA_TARGETING_TYPES, REACH_COLUMNS } from '../../src/pinterest/limits';
import { addDays } from '../../src/util/dates';
import { groundTruthFor } from '../../simulator';
import { REPORT_ENV, expectEqualsTruth } from '../../test_kit/reports';
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { logs } from '../../test_kit/messages';

const TARGETING_STREAMS = [
  'ad_account_targeting_analytics',
  'campaign_targeting_analytics',
  'ad_group_targeting_analytics',
  'ad_targeting_analytics',
];
const LEVEL_OF: Record<string, 'ad_account' | 'campaign' | 'ad_group' | 'ad'> = {
  ad_account_targeting_analytics: 'ad_account',
  campaign_targeting_analytics: 'campaign',
  ad_group_targeting_analytics: 'ad_group',
  ad_targeting_analytics: 'ad',
};
const START = addDays(TODAY, -200);
const SEAM = addDays(TODAY, -89);

async function readStreams(h: Harness, names: string[]): Promise<CatRun> {
  const discover = await h.run(['discover', '--config', h.configPath]);
  const catalog = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => names.includes(s.name));
  expect(catalog.map((s: any) => s.name).sort()).toEqual([...names].sort());
  return h.run(
    ['read', '--config', h.configPath, '--catalog', h.write('catalog.json', configureCatalog(catalog, 'incremental'))],
    { env: REPORT_ENV },
  );
}

describe('an ad account whose report endpoint refuses the beta targeting types', () => {
  const accounts = groundTruthFor({ today: TODAY }, { columns: [] }).adAccountIds;
  const without = accounts[0];
  let h: Harness;
  let run: CatRun;

  beforeAll(async () => {
    expect(accounts.length).toBeGreaterThan(1);
    h = await startHarness({ accountsWithoutBeta: [without] }, { start_date: START });
    run = await readStreams(h, TARGETING_STREAMS);
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('the backfill completes and reads every other type: the ground truth without the beta types for that account', () => {
    expect(run.exitCode).toBe(0);
    expect(run.traces()).toEqual([]);
    for (const name of TARGETING_STREAMS) expect([name, run.statuses(name).at(-1)]).toEqual([name, 'COMPLETE']);
    const base = { today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: 30, startDate: START };
    const full = h.sim.groundTruth({ ...base, adAccountIds: accounts.filter((a) => a !== without) });
    const types = Object.fromEntries(
      Object.values(LEVEL_OF).map((level) => [
        level,
        (h.sim.groundTruth({ ...base, adAccountIds: [without] }).records as any)[`${level}_targeting_analytics`]
          .map((r: any) => r.targeting_type)
          .filter((t: string, i: number, all: string[]) => all.indexOf(t) === i && !BETA_TARGETING_TYPES.includes(t)),
      ]),
    );
    const lacking = h.sim.groundTruth({ ...base, adAccountIds: [without], targetingTypes: types });
    const truth = Object.fromEntries(
      TARGETING_STREAMS.map((name) => [
        name,
        [...((full.records as any)[name] ?? []), ...((lacking.records as any)[name] ?? [])],
      ]),
    );
    expectEqualsTruth(run, truth, TARGETING_STREAMS);
    // Both sides of the seam were read, and the beta types are there for the other accounts.
    for (const name of TARGETING_STREAMS) {
      const rows = run.records(name).map((r) => r.data);
      expect([name, rows.some((r) => r.date < SEAM), rows.some((r) => r.date >= SEAM)]).toEqual([name, true, true]);
      expect(rows.some((r) => r.ad_account_id === without && BETA_TARGETING_TYPES.includes(r.targeting_type))).toBe(
        false,
      );
    }
    // The beta types are read for the accounts that have the beta, on the report side of the seam too.
    const older = TARGETING_STREAMS.flatMap((name) => run.records(name).map((r) => r.data)).filter(
      (r) => r.date < SEAM,
    );
    expect(older.some((r) => r.ad_account_id !== without && BETA_TARGETING_TYPES.includes(r.targeting_type))).toBe(
      true,
    );
    const posts = h.sim.requestLog.filter((r) => r.method === 'POST' && r.path === `/ad_accounts/${without}/reports`);
    expect(posts.some((r) => r.status === 400)).toBe(true);
  });

  test('one warning per refused type, per stream, naming the type and the account', () => {
    const warnings = logs(run.messages, 'WARN').filter((m) => /refuses targeting type/.test(m));
    for (const name of TARGETING_STREAMS) {
      const refused = warnings
        .filter((m) => m.startsWith(`${name}:`))
        .map((m) => /refuses targeting type (\S+) for ad account (\d+)/.exec(m)!.slice(1, 3).join(' '));
      const def = STREAMS_BY_NAME.get(name) as AnalyticsDefinition;
      const expected = BETA_TARGETING_TYPES.filter((t) => def.targeting!.types.includes(t)).map(
        (t) => `${t} ${without}`,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect([name, refused.sort()]).toEqual([name, expected.sort()]);
    }
  });
});

describe('reach and frequency columns configured on the targeting streams', () => {
  const columns = [...DEFAULT_COLUMNS, ...REACH_COLUMNS];
  let h: Harness;
  let check: CatRun;
  let run: CatRun;

  beforeAll(async () => {
    h = await startHarness({}, { start_date: START, columns });
    check = await h.run(['check', '--config', h.configPath]);
    run = await readStreams(h, ['campaign_analytics', ...TARGETING_STREAMS]);
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('check succeeds and warns: the columns left out of targeting reports, and reach older than ~185 days', () => {
    expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    const warnings = logs(check.messages, 'WARN');
    const leftOut = warnings.filter((m) => /are left out of the reports of/.test(m));
    expect(leftOut).toHaveLength(1);
    for (const c of REACH_COLUMNS) expect(leftOut[0]).toContain(c);
    for (const name of TARGETING_STREAMS) expect(leftOut[0]).toContain(name);
    expect(warnings.filter((m) => /reach and frequency older than about 185 days/.test(m))).toHaveLength(1);
    // The probes met no refusal: the columns a level cannot carry were left out of its probe too.
    expect(warnings.filter((m) => /Pinterest refuses reports/.test(m))).toEqual([]);
    const probes = h.sim.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/reports'));
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((r) => r.status === 200)).toBe(true);
  });

  test('the read completes: targeting reports without the reach columns (one warning per stream and column), the rest with them', () => {
    expect(run.exitCode).toBe(0);
    expect(run.traces()).toEqual([]);
    for (const name of ['campaign_analytics', ...TARGETING_STREAMS])
      expect([name, run.statuses(name).at(-1)]).toEqual([name, 'COMPLETE']);
    const refusals = h.sim.requestLog.filter((r) => r.path.endsWith('/reports') && r.status === 400);
    expect(refusals).toEqual([]);
    const warnings = logs(run.messages, 'WARN').filter((m) => /is left out of its reports/.test(m));
    expect(warnings).toHaveLength(TARGETING_STREAMS.length * REACH_COLUMNS.length);
    for (const name of TARGETING_STREAMS)
      for (const c of REACH_COLUMNS)
        expect([name, c, warnings.filter((m) => m.startsWith(`${name}: column ${c} is left out`)).length]).toEqual([
          name,
          c,
          1,
        ]);
    const reach = (r: any) => REACH_COLUMNS.some((c) => r[c.toLowerCase()] !== undefined);
    for (const name of TARGETING_STREAMS) {
      const older = run.records(name).filter((r) => r.data.date < SEAM);
      expect([name, older.length > 0, older.some((r) => reach(r.data))]).toEqual([name, true, false]);
    }
    const campaign = run.records('campaign_analytics').filter((r) => r.data.date < SEAM);
    expect(campaign.length).toBeGreaterThan(0);
    expect(campaign.some((r) => reach(r.data))).toBe(true);
  });
});

describe.each(['JSON', 'CSV'] as const)(
  'a %s targeting report whose rows lack TARGETING_TYPE / TARGETING_VALUE',
  (format) => {
    let h: Harness;
    let run: CatRun;

    beforeAll(async () => {
      h = await startHarness({ reports: { rowsWithoutTargeting: true, format } }, { start_date: START });
      run = await readStreams(h, ['campaign_analytics', 'campaign_targeting_analytics']);
    }, 600_000);
    afterAll(async () => {
      await h?.close();
    });

    test('the targeting stream stops with an error naming the report and the row, instead of folding breakdowns into one key', () => {
      expect(run.statuses('campaign_targeting_analytics').at(-1)).toBe('INCOMPLETE');
      const errors = run.traces().map((t) => t.error.message as string);
      const error = errors.find((m) => m.includes('campaign_targeting_analytics'));
      expect(error).toMatch(
        /^campaign_targeting_analytics: campaign_targeting_analytics \d{4}-\d\d-\d\d…\d{4}-\d\d-\d\d \(ad account \d+\) \[[A-Z_, ]+\]: a row of this targeting report \(campaign_id \d+, \d{4}-\d\d-\d\d\) has no TARGETING_TYPE or TARGETING_VALUE/,
      );
      const [, id] = /campaign_id (\d+)/.exec(error!)!;
      const campaigns = (
        h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], startDate: START }).records as any
      ).campaign_analytics;
      expect(campaigns.some((r: any) => r.campaign_id === id)).toBe(true);
      // Nothing of the malformed report was emitted.
      expect(run.records('campaign_targeting_analytics').filter((r) => r.data.date < SEAM)).toEqual([]);
    });

    test('the other stream completes', () => {
      expect(run.statuses('campaign_analytics').at(-1)).toBe('COMPLETE');
      expect(run.records('campaign_analytics').some((r) => r.data.date < SEAM)).toBe(true);
    });
  },
);

describe('a column the account refuses in reports (Pinterest: "Column … is not available")', () => {
  const refused = 'TOTAL_CLICKTHROUGH';
  let h: Harness;
  let check: CatRun;
  let run: CatRun;

  beforeAll(async () => {
    expect(DEFAULT_COLUMNS).toContain(refused);
    h = await startHarness({ reports: { refuseColumns: [refused] } }, { start_date: START });
    check = await h.run(['check', '--config', h.configPath]);
    run = await readStreams(h, ['campaign_analytics', 'campaign_targeting_analytics']);
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test("check succeeds and warns, naming Pinterest's refusal and the streams", () => {
    expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    const warnings = logs(check.messages, 'WARN').filter((m) => /Pinterest refuses reports at level CAMPAIGN /.test(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(refused);
    expect(warnings[0]).toContain('campaign_analytics');
  });

  test('the read completes: the column left out of the report days only, one warning per stream', () => {
    expect(run.exitCode).toBe(0);
    expect(run.traces()).toEqual([]);
    for (const name of ['campaign_analytics', 'campaign_targeting_analytics']) {
      expect([name, run.statuses(name).at(-1)]).toEqual([name, 'COMPLETE']);
      const rows = run.records(name).map((r) => r.data);
      const older = rows.filter((r) => r.date < SEAM);
      expect([name, older.length > 0, older.some((r) => r.total_clickthrough !== undefined)]).toEqual([
        name,
        true,
        false,
      ]);
      expect([name, rows.some((r) => r.date >= SEAM && r.total_clickthrough !== undefined)]).toEqual([name, true]);
      const warned = logs(run.messages, 'WARN').filter((m) => m.startsWith(`${name}: column ${refused} is left out`));
      expect([name, warned.length]).toEqual([name, 1]);
    }
  });
});
