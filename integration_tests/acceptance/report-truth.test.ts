/**
 * The report path gives the same days and the same ids as the synchronous path:
 * - with `reporting_timezone: AD_ACCOUNT_TIME_ZONE`, a backfill from today − 200 equals the simulator's
 *   account-time-zone ground truth on both sides of the 90-day seam, a custom report equals its
 *   account-time-zone truth, and every ads-analytics request of the read (query or report body) carries it;
 * - report rows whose PIN_ID / PRODUCT_ITEM_ID are 18–19-digit JSON numbers are emitted digit for digit.
 */
import { DEFAULT_COLUMNS } from '../../src/config/schema';
import { addDays } from '../../src/util/dates';
import { REPORT_ENV, expectEqualsTruth, isAdsAnalytics } from '../../test_kit/reports';
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';

const ZONE = 'AD_ACCOUNT_TIME_ZONE';
const SEAM = addDays(TODAY, -89);

async function readAll(h: Harness, keep: (name: string) => boolean): Promise<{ run: CatRun; streams: string[] }> {
  const discover = await h.run(['discover', '--config', h.configPath]);
  const catalog = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => keep(s.name));
  const run = await h.run(
    ['read', '--config', h.configPath, '--catalog', h.write('catalog.json', configureCatalog(catalog, 'incremental'))],
    { env: REPORT_ENV },
  );
  return { run, streams: catalog.map((s: any) => s.name) };
}

const sortedCanonical = (records: Array<Record<string, unknown>>) => records.map((r) => canonical(r)).sort();

describe(`reporting_timezone: ${ZONE}, a backfill from today − 200`, () => {
  const start = addDays(TODAY, -200);
  const custom = {
    name: 'campaign_zone',
    level: 'CAMPAIGN',
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'],
    start_date: start,
  };
  let h: Harness;
  let run: CatRun;
  let streams: string[];
  const truth = (reportingTimezone?: string) =>
    h.sim.groundTruth({
      today: TODAY,
      columns: [...DEFAULT_COLUMNS],
      windowDays: 30,
      startDate: start,
      reportingTimezone,
    }).records as unknown as Record<string, Array<Record<string, unknown>>>;

  beforeAll(async () => {
    h = await startHarness({}, { start_date: start, reporting_timezone: ZONE, custom_reports: [custom] });
    ({ run, streams } = await readAll(h, (n) => isAdsAnalytics(n) || n === 'custom_campaign_zone'));
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('every ads-analytics stream equals the account-time-zone ground truth, on both sides of the seam', () => {
    expect(run.exitCode).toBe(0);
    const builtIn = streams.filter(isAdsAnalytics);
    expect(builtIn.length).toBe(9);
    const zoned = truth(ZONE);
    expectEqualsTruth(run, zoned, builtIn);
    for (const name of builtIn.filter((n) => !n.includes('targeting'))) {
      const dates = run.records(name).map((r) => r.data.date as string);
      expect([name, dates.some((d) => d < SEAM), dates.some((d) => d >= SEAM)]).toEqual([name, true, true]);
    }
    // The account's days are not UTC days: a read that sent UTC on either side would not match.
    const utc = truth(undefined);
    for (const side of [(d: string) => d < SEAM, (d: string) => d >= SEAM]) {
      const pick = (rs: Array<Record<string, unknown>>) => sortedCanonical(rs.filter((r) => side(r.date as string)));
      expect(pick(zoned.campaign_analytics)).not.toEqual(pick(utc.campaign_analytics));
    }
  });

  test('a custom report equals its account-time-zone ground truth', () => {
    const got = run.records('custom_campaign_zone').map((m) => m.data);
    const want = h.sim.reports.customTruth({
      level: custom.level,
      columns: custom.columns,
      start,
      end: TODAY,
      reportingTimezone: ZONE,
    });
    expect(want.length).toBeGreaterThan(0);
    expect(sortedCanonical(got)).toEqual(sortedCanonical(want));
    const utc = h.sim.reports.customTruth({ level: custom.level, columns: custom.columns, start, end: TODAY });
    expect(sortedCanonical(got)).not.toEqual(sortedCanonical(utc));
  });

  test('every ads-analytics request of the read carries the setting, query or report body', () => {
    const queries = h.sim.requestLog.filter((r) => r.method === 'GET' && /analytics$/.test(r.path));
    expect(queries.length).toBeGreaterThan(0);
    const paths = new Set(queries.map((r) => r.path.replace(/\d+/g, '{id}')));
    expect(paths).toEqual(
      new Set([
        '/ad_accounts/{id}/analytics',
        '/ad_accounts/{id}/campaigns/analytics',
        '/ad_accounts/{id}/ad_groups/analytics',
        '/ad_accounts/{id}/ads/analytics',
        '/ad_accounts/{id}/targeting_analytics',
        '/ad_accounts/{id}/campaigns/targeting_analytics',
        '/ad_accounts/{id}/ad_groups/targeting_analytics',
        '/ad_accounts/{id}/ads/targeting_analytics',
      ]),
    );
    for (const r of queries) expect([r.path, r.query.reporting_timezone]).toEqual([r.path, ZONE]);
    const bodies = h.sim.reports.bodies;
    expect(bodies.length).toBeGreaterThan(0);
    expect(new Set(bodies.map((b) => b.level))).toEqual(
      new Set([
        'ADVERTISER',
        'ADVERTISER_TARGETING',
        'CAMPAIGN',
        'CAMPAIGN_TARGETING',
        'AD_GROUP',
        'AD_GROUP_TARGETING',
        'PIN_PROMOTION',
        'PIN_PROMOTION_TARGETING',
      ]),
    );
    for (const b of bodies) expect([b.level, b.reporting_timezone]).toEqual([b.level, ZONE]);
  });

  test("check's custom-report probe carries the setting too", async () => {
    const before = h.sim.reports.bodies.length;
    const check = await h.run(['check', '--config', h.configPath]);
    expect(check.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('SUCCEEDED');
    const probes = h.sim.reports.bodies.slice(before);
    expect(probes.length).toBeGreaterThan(0);
    for (const b of probes) expect([b.level, b.reporting_timezone]).toEqual([b.level, ZONE]);
  });
});

describe.each(['JSON', 'CSV'] as const)('%s report files with 18–19-digit numeric ids', (format) => {
  const start = addDays(TODAY, -200);
  const columns = [...DEFAULT_COLUMNS, 'PIN_ID'];
  const reports = [
    {
      name: 'ad_pins',
      level: 'PIN_PROMOTION',
      columns: ['PIN_ID', 'AD_ID', 'SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'],
      start_date: start,
    },
    {
      name: 'product_items',
      level: 'PRODUCT_ITEM',
      columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'],
      start_date: addDays(TODAY, -60),
    },
  ];
  let h: Harness;
  let run: CatRun;

  beforeAll(async () => {
    // CSV: the simulator serves every file as CSV, whatever was asked (a header row, ids as digits).
    h = await startHarness(format === 'CSV' ? { reports: { format } } : {}, {
      start_date: start,
      columns,
      custom_reports: reports,
    });
    ({ run } = await readAll(h, (n) => n === 'ad_analytics' || n.startsWith('custom_')));
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The ids of `key` in the records, as strings; each checked to be beyond what a double holds. */
  const bigIds = (records: Array<Record<string, unknown>>, key: string) => {
    const ids = records.map((r) => r[key]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(typeof id).toBe('string');
      expect(Number.isSafeInteger(Number(id))).toBe(false);
    }
    return [...new Set(ids as string[])].sort();
  };

  test('the report files really carry them as numbers', () => {
    expect(run.exitCode).toBe(0);
    const levels = new Set(h.sim.reports.bodies.map((b) => b.level));
    expect(levels).toEqual(new Set(['PIN_PROMOTION', 'PRODUCT_ITEM']));
    const files = h.sim.reports.fileTexts();
    if (format === 'JSON') {
      // Bare digits, not strings.
      expect(files.some((f) => /"PIN_ID":\d{18,19}[,}]/.test(f))).toBe(true);
      expect(files.some((f) => /"PRODUCT_ITEM_ID":\d{19}[,}]/.test(f))).toBe(true);
    } else {
      expect(files.every((f) => !f.startsWith('{'))).toBe(true);
      expect(files.some((f) => /^PRODUCT_ITEM_ID,/.test(f) && /\r\n\d{19},/.test(f))).toBe(true);
    }
  });

  test('a history backfill of ad_analytics emits every PIN_ID exactly, older days included', () => {
    const truth = h.sim.groundTruth({ today: TODAY, columns, windowDays: 30, startDate: start }).records as any;
    expectEqualsTruth(run, truth, ['ad_analytics']);
    const older = run.records('ad_analytics').filter((r) => r.data.date < SEAM);
    expect(older.length).toBeGreaterThan(0);
    const wantOlder = (truth.ad_analytics as Array<Record<string, unknown>>).filter((r) => (r.date as string) < SEAM);
    expect(
      bigIds(
        older.map((r) => r.data),
        'pin_id',
      ),
    ).toEqual(bigIds(wantOlder, 'pin_id'));
  });

  test.each([
    ['ad_pins', 'pin_id'],
    ['product_items', 'product_item_id'],
  ])('custom_%s emits its %s exactly', (name, key) => {
    const r = reports.find((x) => x.name === name)!;
    const got = run.records(`custom_${name}`).map((m) => m.data);
    const want = h.sim.reports.customTruth({
      level: r.level,
      columns: r.columns,
      start: r.start_date,
      end: TODAY,
    });
    expect(bigIds(got, key)).toEqual(bigIds(want, key));
    if (name === 'product_items') for (const id of bigIds(got, key)) expect(id).toMatch(/^\d{19}$/);
    expect(sortedCanonical(got)).toEqual(sortedCanonical(want));
  });
});
