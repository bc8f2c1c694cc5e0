/**
 * Report backfills under Pinterest's failure modes: reports that FAIL, links that expire, downloads cut
 * halfway, CSV files behind a redirect — and a read killed at any state message, resumed from it. In
 * every case the records equal the ground truth: nothing lost, nothing skipped.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { addDays } from '../../src/util/dates';
import type { SimulatorOptions } from '../../simulator';
import { REPORT_ENV, expectEqualsTruth, isAdsAnalytics } from '../../test_kit/reports';
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';

async function backfill(simOpts: SimulatorOptions, back: number, only?: string[], firstAccountOnly = false) {
  const h = await startHarness(simOpts, { start_date: addDays(TODAY, -back) });
  const adAccountIds = firstAccountOnly ? [h.sim.data.adAccounts[0].id] : undefined;
  if (adAccountIds) h.write('config.json', { ...h.config, ad_account_ids: adAccountIds });
  const discover = await h.run(['discover', '--config', h.configPath]);
  const catalog = discover
    .ofType('CATALOG')[0]
    .catalog.streams.filter((s: any) => isAdsAnalytics(s.name) && (!only || only.includes(s.name)));
  const catalogPath = h.write('catalog.json', configureCatalog(catalog, 'incremental'));
  const truth = h.sim.groundTruth({
    today: TODAY,
    columns: [...DEFAULT_COLUMNS],
    windowDays: 30,
    startDate: addDays(TODAY, -back),
    adAccountIds,
  });
  return { h, streams: catalog.map((s: any) => s.name as string), catalogPath, truth: truth.records as any };
}

describe('20 % of reports failing, 20 % of links expiring once, 20 % of downloads cut', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  test('the records still equal the ground truth', async () => {
    const b = await backfill({ reports: { failRate: 0.2, expireLinkRate: 0.2, cutRate: 0.2 } }, 913);
    h = b.h;
    expect(b.streams).toHaveLength(9); // all nine ads-analytics streams, the ad-account ones included
    const run = await h.run(['read', '--config', h.configPath, '--catalog', b.catalogPath], { env: REPORT_ENV });
    expect(run.exitCode).toBe(0);
    expectEqualsTruth(run, b.truth, b.streams);
    const stats = h.sim.reports.stats;
    // The faults really happened, and each was cured by asking again.
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.expiredLinks).toBeGreaterThan(0);
    expect(stats.cut).toBeGreaterThan(0);
    expect(h.sim.reports.authorizationHeaders).toEqual([]);
    const warnings = run.ofType('LOG').map((m) => m.log.message as string);
    expect(warnings.some((m) => /FAILED; asking for it again/.test(m))).toBe(true);
    expect(warnings.some((m) => /downloading again/.test(m))).toBe(true);
  }, 600_000);
});

describe('CSV files behind a redirect, and reports that take several polls', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  test('the records equal the ground truth', async () => {
    const b = await backfill({ reports: { format: 'CSV', redirect: true, pollsUntilReady: 3 } }, 400);
    h = b.h;
    expect(b.streams).toHaveLength(9);
    const run = await h.run(['read', '--config', h.configPath, '--catalog', b.catalogPath], { env: REPORT_ENV });
    expect(run.exitCode).toBe(0);
    expectEqualsTruth(run, b.truth, b.streams);
    expect(h.sim.reports.authorizationHeaders).toEqual([]);
    const posts = h.sim.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/reports')).length;
    const polls = h.sim.requestLog.filter((r) => r.method === 'GET' && r.path.endsWith('/reports')).length;
    expect(polls).toBe(posts * 4);
  }, 600_000);
});

describe('a report backfill killed at any state message', () => {
  const stream = 'campaign_targeting_analytics';
  let h: Harness;
  let catalogPath: string;
  let truth: Record<string, any[]>;
  let full: CatRun;
  afterAll(async () => {
    await h?.close();
  });

  beforeAll(async () => {
    const b = await backfill({}, 913, [stream], true);
    ({ h, catalogPath, truth } = b);
    full = await h.run(['read', '--config', h.configPath, '--catalog', catalogPath], { env: REPORT_ENV });
  }, 600_000);

  test('resumes from it with nothing lost', async () => {
    const states = full.states(stream);
    const reportStates = states.filter((s) => s.stream.stream_state.date < addDays(TODAY, -89));
    expect(reportStates.length).toBeGreaterThan(3);
    const want = new Set(truth[stream].map((r) => canonical(r)));
    for (let k = 1; k <= reportStates.length; k++) {
      let seen = 0;
      const killed = await h.run(['read', '--config', h.configPath, '--catalog', catalogPath], {
        env: REPORT_ENV,
        killWhen: (m) => m.type === 'STATE' && ++seen === k,
      });
      // Only what came before the k-th state message counts: that state vouches for it.
      const upTo = killed.messages.findIndex(
        (m, i) => m.type === 'STATE' && killed.messages.slice(0, i + 1).filter((x) => x.type === 'STATE').length === k,
      );
      expect(upTo).toBeGreaterThan(-1);
      const before = killed.messages
        .slice(0, upTo)
        .filter((m) => m.type === 'RECORD')
        .map((m) => canonical(m.record.data));
      const state = killed.messages[upTo].state;
      const resumed = await h.run(
        [
          'read',
          '--config',
          h.configPath,
          '--catalog',
          catalogPath,
          '--state',
          h.write('state.json', [{ type: 'STREAM', stream: state.stream }]),
        ],
        { env: REPORT_ENV },
      );
      expect(resumed.exitCode).toBe(0);
      const got = new Set([...before, ...resumed.records(stream).map((r) => canonical(r.data))]);
      const missing = [...want].filter((r) => !got.has(r));
      expect([k, missing.length]).toEqual([k, 0]);
      expect([k, [...got].filter((r) => !want.has(r)).length]).toEqual([k, 0]);
    }
  }, 600_000);
});
