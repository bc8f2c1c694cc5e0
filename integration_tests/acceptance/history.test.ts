/**
 * History through asynchronous reports: a backfill older than today − 89 of every ads-analytics
 * stream equals the simulator's ground truth — days older than today − 89 from reports, the last 90 days
 * from the synchronous endpoints, no day missing or doubled at the seam — and the download host never
 * sees an Authorization header.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { addDays } from '../../src/util/dates';
import { REPORT_ENV, expectEqualsTruth, isAdsAnalytics } from '../../test_kit/reports';
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';

describe.each([400, 913])('a backfill from today − %i', (back) => {
  let h: Harness;
  let run: CatRun;
  let streams: string[];
  const start = addDays(TODAY, -back);

  beforeAll(async () => {
    h = await startHarness({}, { start_date: start });
    const discover = await h.run(['discover', '--config', h.configPath]);
    const catalog = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => isAdsAnalytics(s.name));
    streams = catalog.map((s: any) => s.name);
    run = await h.run(
      [
        'read',
        '--config',
        h.configPath,
        '--catalog',
        h.write('catalog.json', configureCatalog(catalog, 'incremental')),
      ],
      { env: REPORT_ENV },
    );
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('every ads-analytics stream equals the ground truth, older days included', () => {
    expect(run.exitCode).toBe(0);
    expect(streams).toEqual(expect.arrayContaining(['ad_account_analytics', 'ad_account_targeting_analytics']));
    expect(streams.length).toBe(9);
    const truth = h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: 30, startDate: start });
    expectEqualsTruth(run, truth.records as any, streams);
    // The history is really there: rows older than today − 89 in every non-targeting stream.
    const seam = addDays(TODAY, -89);
    for (const name of streams.filter((n) => !n.includes('targeting'))) {
      expect([name, run.records(name).some((r) => r.data.date < seam)]).toEqual([name, true]);
    }
  });

  test('no day is missing or doubled at the 90-day seam', () => {
    const seam = addDays(TODAY, -89);
    const before = addDays(seam, -1);
    const truth = h.sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: 30, startDate: start });
    for (const name of streams) {
      for (const day of [before, seam]) {
        const got = run
          .records(name)
          .filter((r) => r.data.date === day)
          .map((r) => canonical(r.data))
          .sort();
        const want = ((truth.records as any)[name] ?? [])
          .filter((r: any) => r.date === day)
          .map((r: any) => canonical(r))
          .sort();
        expect([name, day, got]).toEqual([name, day, want]);
      }
    }
  });

  test('reports: the fewest, each window ≤ 186 days, and no Authorization header at the download host', () => {
    const posts = h.sim.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/reports'));
    const truth = h.sim.groundTruth({
      today: TODAY,
      columns: [...DEFAULT_COLUMNS],
      windowDays: 30,
      startDate: start,
      countsOnly: true,
    });
    const minimum = streams.reduce((n, s) => n + ((truth.minReports as any)[s] ?? 0), 0);
    expect(posts.length).toBe(minimum);
    expect(h.sim.reports.stats.downloads).toBe(minimum);
    expect(h.sim.reports.authorizationHeaders).toEqual([]);
    // What the user sees while reports are prepared.
    const logs = run.ofType('LOG').map((m) => m.log.message as string);
    expect(logs.some((m) => /report requested/.test(m))).toBe(true);
    expect(logs.some((m) => /report ready/.test(m))).toBe(true);
    expect(logs.some((m) => /report downloaded, \d+ records/.test(m))).toBe(true);
  });
});

describe('pin and user-account analytics stay at 90 days', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  test('an older start_date is clamped with one warning; a period ending before today − 89 gives only ads analytics', async () => {
    h = await startHarness({}, { start_date: addDays(TODAY, -400) });
    const discover = await h.run(['discover', '--config', h.configPath]);
    const catalog = discover
      .ofType('CATALOG')[0]
      .catalog.streams.filter((s: any) => ['user_account_analytics', 'campaign_analytics'].includes(s.name));
    const catalogPath = h.write('catalog.json', configureCatalog(catalog, 'incremental'));
    const clamped = await h.run(['read', '--config', h.configPath, '--catalog', catalogPath], { env: REPORT_ENV });
    expect(clamped.exitCode).toBe(0);
    const warn = (run: CatRun, stream: string) =>
      run
        .ofType('LOG')
        .filter((m) => m.log.level === 'WARN' && m.log.message.startsWith(`${stream}:`))
        .map((m) => m.log.message);
    expect(warn(clamped, 'user_account_analytics')).toEqual([
      expect.stringContaining(`reading from ${addDays(TODAY, -89)} (today − 89)`),
    ]);
    expect(clamped.records('user_account_analytics').every((r) => r.data.date >= addDays(TODAY, -89))).toBe(true);
    expect(clamped.records('user_account_analytics')).toHaveLength(90);

    const endEarly = { ...h.config, start_date: addDays(TODAY, -400), end_date: addDays(TODAY, -200) };
    const early = await h.run(['read', '--config', h.write('early.json', endEarly), '--catalog', catalogPath], {
      env: REPORT_ENV,
    });
    expect(early.exitCode).toBe(0);
    expect(early.records('user_account_analytics')).toEqual([]);
    expect(warn(early, 'user_account_analytics')).toEqual([expect.stringContaining('before today − 89')]);
    const truth = h.sim.groundTruth({
      today: TODAY,
      columns: [...DEFAULT_COLUMNS],
      windowDays: 30,
      startDate: endEarly.start_date,
      endDate: endEarly.end_date,
    });
    expectEqualsTruth(early, truth.records as any, ['campaign_analytics']);
    expect(early.records('campaign_analytics').length).toBeGreaterThan(0);
  }, 600_000);
});
