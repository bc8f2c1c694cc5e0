/**
 * Custom reports: four reports — a campaign DAY report, an ad (PIN_PROMOTION) HOUR report, a
 * campaign-targeting WEEK report and a keyword MONTH report — each equals the simulator's ground truth, its
 * discovered schema validates every record with no undeclared field, and its key is unique; an HOUR report
 * starting beyond its 8 days is clamped with a warning; invalid reports fail `check`, naming report and field.
 */
import { addDays } from '../../src/util/dates';
import { REPORT_ENV } from '../../test_kit/reports';
import { type CatRun, primaryKeyOf, recordValidator, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';

const REPORTS = [
  {
    name: 'campaign_day',
    level: 'CAMPAIGN',
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'CAMPAIGN_NAME', 'CTR'],
    start_date: addDays(TODAY, -400),
  },
  {
    name: 'ad_hour',
    level: 'PIN_PROMOTION',
    granularity: 'HOUR',
    columns: ['SPEND_IN_DOLLAR', 'TOTAL_CLICKTHROUGH', 'AD_ID'],
    start_date: addDays(TODAY, -30),
  },
  {
    name: 'campaign_targeting_week',
    level: 'CAMPAIGN_TARGETING',
    granularity: 'WEEK',
    targeting_types: ['GENDER', 'COUNTRY', 'APPTYPE', 'LOCATION', 'AGE_BUCKET'],
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_ENGAGEMENT'],
    start_date: addDays(TODAY, -200),
  },
  {
    name: 'keyword_month',
    level: 'KEYWORD',
    granularity: 'MONTH',
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'],
    start_date: addDays(TODAY, -400),
  },
];

const monday = (d: string) => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));
/** Where each report's first window starts: its start, clamped to its limit, moved back to its period's first day. */
function firstDay(r: (typeof REPORTS)[number]): string {
  if (r.granularity === 'HOUR') return addDays(TODAY, -7);
  if (r.granularity === 'WEEK') return monday(r.start_date);
  if (r.granularity === 'MONTH') return `${r.start_date.slice(0, 8)}01`;
  return r.start_date;
}

describe('four custom reports', () => {
  let h: Harness;
  let run: CatRun;
  let streams: Array<Record<string, any>>;
  beforeAll(async () => {
    h = await startHarness({}, { custom_reports: REPORTS });
    const discover = await h.run(['discover', '--config', h.configPath]);
    streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => s.name.startsWith('custom_'));
    run = await h.run(
      [
        'read',
        '--config',
        h.configPath,
        '--catalog',
        h.write('catalog.json', configureCatalog(streams, 'incremental')),
      ],
      { env: REPORT_ENV },
    );
  }, 600_000);
  afterAll(async () => {
    await h?.close();
  });

  test('discover: one incremental stream per report, with its key and cursor', () => {
    expect(streams.map((s) => s.name)).toEqual(REPORTS.map((r) => `custom_${r.name}`));
    const keys = Object.fromEntries(
      streams.map((s) => [s.name, s.source_defined_primary_key.map((k: string[]) => k[0])]),
    );
    expect(keys).toEqual({
      custom_campaign_day: ['campaign_id', 'date'],
      custom_ad_hour: ['ad_id', 'date', 'hour'],
      custom_campaign_targeting_week: ['campaign_id', 'targeting_type', 'targeting_value', 'date'],
      custom_keyword_month: ['keyword_id', 'date'],
    });
    for (const s of streams) {
      expect(s.default_cursor_field).toEqual(['date']);
      expect(s.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
      expect(s.json_schema.properties.date.format).toBe('date');
    }
  });

  test.each(REPORTS.map((r) => [r.name, r] as const))(
    'custom_%s equals the ground truth, validates, and its key is unique',
    (name, r) => {
      expect(run.exitCode).toBe(0);
      const stream = streams.find((s) => s.name === `custom_${name}`)!;
      const got = run.records(stream.name).map((m) => m.data);
      const truth = h.sim.reports.customTruth({
        level: r.level,
        granularity: r.granularity,
        columns: r.columns,
        targetingTypes: (r as any).targeting_types,
        start: firstDay(r),
        end: TODAY,
      });
      expect(truth.length).toBeGreaterThan(0);
      expect(got.map(canonical).sort()).toEqual(truth.map(canonical).sort());
      const validate = recordValidator(stream.json_schema);
      for (const record of got) expect([record, validate(record) ? [] : validate.errors]).toEqual([record, []]);
      const keys = got.map((d) => primaryKeyOf(stream, d));
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  test('WEEK and MONTH rows are dated the first day of their period; HOUR rows carry hour 0–23', () => {
    for (const m of run.records('custom_campaign_targeting_week'))
      expect(new Date(`${m.data.date}T00:00:00Z`).getUTCDay()).toBe(1);
    for (const m of run.records('custom_keyword_month')) expect(m.data.date.slice(8)).toBe('01');
    const hours = run.records('custom_ad_hour').map((m) => m.data.hour);
    expect(hours.length).toBeGreaterThan(0);
    for (const x of hours) expect(Number.isInteger(x) && x >= 0 && x <= 23).toBe(true);
  });

  test('an HOUR report whose start lies beyond its 8 days is clamped, with a warning', () => {
    const warnings = run
      .ofType('LOG')
      .filter((m) => m.log.level === 'WARN')
      .map((m) => m.log.message as string);
    expect(
      warnings.filter((w) => w.startsWith('custom_ad_hour: start_date') && w.includes(addDays(TODAY, -7))),
    ).toHaveLength(1);
    expect(run.records('custom_ad_hour').every((m) => m.data.date >= addDays(TODAY, -7))).toBe(true);
    // Pinterest's limits hold for every report request: HOUR ≤ 3 days, others ≤ 186.
    for (const r of h.sim.requestLog.filter((x) => x.method === 'POST' && x.path.endsWith('/reports')))
      expect(r.status).toBe(200);
  });

  test('state per ad account, and a second read from it re-reads from cursor − lookback (the open period)', async () => {
    const states = run.states('custom_keyword_month');
    const last = states[states.length - 1].stream;
    expect(Object.keys(last.stream_state.partitions).length).toBeGreaterThan(1);
    const again = await h.run(
      [
        'read',
        '--config',
        h.configPath,
        '--catalog',
        h.write(
          'catalog2.json',
          configureCatalog(
            streams.filter((s) => s.name === 'custom_keyword_month'),
            'incremental',
          ),
        ),
        '--state',
        h.write('state.json', [{ type: 'STREAM', stream: last }]),
      ],
      { env: REPORT_ENV },
    );
    expect(again.exitCode).toBe(0);
    // The current month is still open: it is read again, dated its first day.
    const month = `${TODAY.slice(0, 8)}01`;
    expect(again.records('custom_keyword_month').some((m) => m.data.date === month)).toBe(true);
    expect(
      again.records('custom_keyword_month').every((m) => m.data.date >= `${addDays(TODAY, -3 - 31).slice(0, 8)}01`),
    ).toBe(true);
  });
});

describe('check finds bad custom reports before any sync', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ reports: { refuseColumns: ['TOTAL_WEB_SESSIONS'] } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const base = { name: 'ok', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] };
  test.each([
    [
      'an unknown column',
      [{ ...base, columns: ['SPEND_IN_DOLLAR', 'NOT_A_COLUMN'] }],
      /custom_reports\.0\.columns\.1.*report "ok".*NOT_A_COLUMN/,
    ],
    [
      'a column not valid at the level',
      [{ ...base, columns: ['AD_GROUP_NAME'] }],
      /custom_reports\.0\.columns\.0.*report "ok".*AD_GROUP_NAME is not valid at level CAMPAIGN/,
    ],
    [
      'targeting types on CAMPAIGN',
      [{ ...base, targeting_types: ['GENDER'] }],
      /custom_reports\.0\.targeting_types.*report "ok".*only for the \*_TARGETING levels/,
    ],
    [
      'a targeting level without targeting types',
      [{ ...base, level: 'AD_GROUP_TARGETING' }],
      /custom_reports\.0\.targeting_types.*report "ok".*needs targeting_types/,
    ],
    [
      'six targeting types',
      [
        {
          ...base,
          level: 'AD_GROUP_TARGETING',
          targeting_types: ['GENDER', 'COUNTRY', 'APPTYPE', 'LOCATION', 'AGE_BUCKET', 'REGION'],
        },
      ],
      /targeting_types.*at most 5/,
    ],
    ['a duplicate name', [base, { ...base }], /custom_reports\.1\.name.*report "ok".*already used/],
    [
      'a malformed name',
      [{ ...base, name: 'Bad-Name' }],
      /custom_reports\.0\.name.*must start with a lower-case letter/,
    ],
    ['an unknown level', [{ ...base, level: 'PIN' }], /custom_reports\.0\.level.*"PIN" is not a reporting level/],
    [
      'a column Pinterest refuses for the account',
      [{ ...base, name: 'web', columns: ['TOTAL_WEB_SESSIONS'] }],
      /Custom report "web" \(custom_web\): Pinterest refused it: Column TOTAL_WEB_SESSIONS is not available/,
    ],
  ])('%s: check FAILED naming report and field, before any report is read', async (_what, customReports, message) => {
    h.sim.resetLog();
    const run = await h.run(['check', '--config', h.write('bad.json', { ...h.config, custom_reports: customReports })]);
    expect(run.exitCode).toBe(0);
    const status = run.ofType('CONNECTION_STATUS')[0].connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(message);
    // Only the one small creation request of check, never a poll or a download.
    expect(h.sim.requestLog.filter((r) => r.path.endsWith('/reports') && r.method === 'GET')).toEqual([]);
  });

  test('a valid custom report passes check with one small report request', async () => {
    h.sim.resetLog();
    const run = await h.run(['check', '--config', h.write('good.json', { ...h.config, custom_reports: [base] })]);
    expect(run.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('SUCCEEDED');
    expect(h.sim.requestLog.filter((r) => r.path.endsWith('/reports')).map((r) => r.method)).toEqual(['POST']);
  });
});

describe("every reporting level (DAY), and PRODUCT_ITEM's 92-day limit", () => {
  const LEVELS: Array<Record<string, any>> = [
    { level: 'ADVERTISER', columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'] },
    {
      level: 'ADVERTISER_TARGETING',
      columns: ['SPEND_IN_MICRO_DOLLAR'],
      targeting_types: ['GENDER', 'COUNTRY', 'APPTYPE', 'LOCATION', 'AGE_BUCKET'],
    },
    { level: 'CAMPAIGN_TARGETING', columns: ['TOTAL_IMPRESSION'], targeting_types: ['AUDIENCE_MULTIPLIER', 'APPTYPE'] },
    { level: 'AD_GROUP', columns: ['SPEND_IN_MICRO_DOLLAR', 'AD_GROUP_NAME'] },
    { level: 'AD_GROUP_TARGETING', columns: ['SPEND_IN_DOLLAR'], targeting_types: ['KEYWORD', 'LOCATION'] },
    {
      level: 'PIN_PROMOTION_TARGETING',
      columns: ['TOTAL_CLICKTHROUGH'],
      targeting_types: ['AGE_BUCKET', 'GENDER', 'REGION'],
    },
    { level: 'PRODUCT_GROUP', columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'] },
    { level: 'PRODUCT_GROUP_TARGETING', columns: ['SPEND_IN_MICRO_DOLLAR'], targeting_types: ['COUNTRY'] },
    { level: 'PRODUCT_ITEM', columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_CLICKTHROUGH'] },
  ].map((r) => ({ ...r, name: r.level.toLowerCase(), start_date: addDays(TODAY, -200) }));
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  test('each equals the ground truth, validates, and its key is unique', async () => {
    h = await startHarness({ reports: { format: 'CSV' } }, { custom_reports: LEVELS });
    const discover = await h.run(['discover', '--config', h.configPath]);
    const streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => s.name.startsWith('custom_'));
    const run = await h.run(
      [
        'read',
        '--config',
        h.configPath,
        '--catalog',
        h.write('catalog.json', configureCatalog(streams, 'incremental')),
      ],
      { env: REPORT_ENV },
    );
    expect(run.exitCode).toBe(0);
    for (const r of LEVELS) {
      const stream = streams.find((s: any) => s.name === `custom_${r.name}`)!;
      const got = run.records(stream.name).map((m) => m.data);
      const start = r.level === 'PRODUCT_ITEM' ? addDays(TODAY, -91) : r.start_date;
      const truth = h.sim.reports.customTruth({
        level: r.level,
        columns: r.columns,
        targetingTypes: r.targeting_types,
        start,
        end: TODAY,
      });
      expect([r.level, truth.length > 0]).toEqual([r.level, true]);
      expect([r.level, got.map(canonical).sort()]).toEqual([r.level, truth.map(canonical).sort()]);
      const validate = recordValidator(stream.json_schema);
      for (const record of got) expect([r.level, validate(record) ? [] : validate.errors]).toEqual([r.level, []]);
      const keys = got.map((d) => primaryKeyOf(stream, d));
      expect([r.level, new Set(keys).size]).toEqual([r.level, keys.length]);
    }
    // PRODUCT_ITEM: 92 days back, 31 per report.
    const bodies = h.sim.requestLog.filter((x) => x.method === 'POST' && x.path.endsWith('/reports'));
    expect(bodies.every((x) => x.status === 200)).toBe(true);
    const warnings = run
      .ofType('LOG')
      .filter((m) => m.log.level === 'WARN')
      .map((m) => m.log.message as string);
    expect(warnings.filter((w) => w.startsWith('custom_product_item: start_date'))).toHaveLength(1);
  }, 600_000);
});

describe('status filters longer than Pinterest takes, and attribution types', () => {
  const ALL = [
    'RUNNING',
    'PAUSED',
    'NOT_STARTED',
    'COMPLETED',
    'ADVERTISER_DISABLED',
    'ARCHIVED',
    'DRAFT',
    'DELETED_DRAFT',
  ];
  const REPORT = {
    name: 'every_status',
    level: 'CAMPAIGN',
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'],
    campaign_statuses: ALL,
    attribution_types: ['INDIVIDUAL', 'HOUSEHOLD'],
    start_date: addDays(TODAY, -40),
  };
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  test('8 statuses are read as reports of 6 and 2, merged with no record twice; the body carries attribution_types', async () => {
    h = await startHarness({}, { custom_reports: [REPORT] });
    const discover = await h.run(['discover', '--config', h.configPath]);
    const streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => s.name === 'custom_every_status');
    const run = await h.run(
      [
        'read',
        '--config',
        h.configPath,
        '--catalog',
        h.write('catalog.json', configureCatalog(streams, 'full_refresh')),
      ],
      { env: REPORT_ENV },
    );
    expect(run.exitCode).toBe(0);
    const posts = h.sim.requestLog.filter((x) => x.method === 'POST' && x.path.endsWith('/reports'));
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((x) => x.status === 200)).toBe(true);
    const bodies = h.sim.reports.bodies as Array<Record<string, any>>;
    expect(bodies).toHaveLength(posts.length);
    expect(new Set(bodies.map((b) => b.campaign_statuses.length))).toEqual(new Set([6, 2]));
    expect(bodies.every((b) => b.attribution_types.join() === 'INDIVIDUAL,HOUSEHOLD')).toBe(true);
    const got = run.records('custom_every_status').map((m) => m.data);
    const truth = h.sim.reports.customTruth({
      level: 'CAMPAIGN',
      columns: REPORT.columns,
      start: REPORT.start_date,
      end: TODAY,
    });
    expect(truth.length).toBeGreaterThan(0);
    expect(got.map(canonical).sort()).toEqual(truth.map(canonical).sort());
    const keys = got.map((d) => primaryKeyOf(streams[0], d));
    expect(new Set(keys).size).toBe(keys.length);
  }, 600_000);
});
