/**
 * A strict destination takes every custom-report record: one report per reporting level, read from the
 * simulator, each record validated against discover's schema with no field undeclared.
 */
import { addDays } from '../../src/util/dates';
import { columnAllowedAt } from '../../src/config/custom-reports';
import { REPORT_ENV } from '../../test_kit/reports';
import { recordValidator, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';

/** Entity columns of every level; each report asks for those its level takes, so every id a row can carry shows. */
const ENTITY_COLUMNS = [
  'ADVERTISER_ID',
  'AD_ACCOUNT_ID',
  'CAMPAIGN_ID',
  'CAMPAIGN_NAME',
  'AD_GROUP_ID',
  'AD_GROUP_NAME',
  'AD_ID',
  'PIN_PROMOTION_ID',
  'PIN_ID',
];
const TARGETING = ['GENDER', 'COUNTRY', 'APPTYPE', 'LOCATION', 'AGE_BUCKET'];
const LEVELS = [
  'ADVERTISER',
  'ADVERTISER_TARGETING',
  'CAMPAIGN',
  'CAMPAIGN_TARGETING',
  'AD_GROUP',
  'AD_GROUP_TARGETING',
  'PIN_PROMOTION',
  'PIN_PROMOTION_TARGETING',
  'KEYWORD',
  'PRODUCT_GROUP',
  'PRODUCT_GROUP_TARGETING',
  'PRODUCT_ITEM',
];
/** Per level one report of metrics only (the ids the rows carry unasked) and one with every entity column it takes. */
const REPORTS = LEVELS.flatMap((level) =>
  [[], ENTITY_COLUMNS.filter((c) => columnAllowedAt(level, c))].map((entity, i) => ({
    name: `${level.toLowerCase()}${i ? '_ids' : ''}`,
    level,
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', ...entity],
    ...(level.endsWith('_TARGETING') ? { targeting_types: TARGETING } : {}),
    start_date: addDays(TODAY, -20),
  })),
);

describe('custom report records validate against their discovered schema at every level', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.close();
  });

  // aliasIdColumns: rows name their entity twice (ADVERTISER_ID, PIN_PROMOTION_ID) as Pinterest's do.
  test.each<['JSON' | 'CSV']>([['JSON'], ['CSV']])(
    'every level, %s files',
    async (format) => {
      h = await startHarness({ reports: { format, aliasIdColumns: true } }, { custom_reports: REPORTS });
      const discover = await h.run(['discover', '--config', h.configPath]);
      const streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: any) => s.name.startsWith('custom_'));
      expect(streams).toHaveLength(2 * LEVELS.length);
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
      for (const stream of streams) {
        const records = run.records(stream.name).map((m) => m.data);
        expect([stream.name, records.length > 0]).toEqual([stream.name, true]);
        const validate = recordValidator(stream.json_schema);
        const failures = records.filter((r) => !validate(r)).map((r) => [r, validate(r) ? [] : validate.errors]);
        expect([stream.name, failures.slice(0, 2)]).toEqual([stream.name, []]);
      }
      await h.close();
    },
    600_000,
  );
});
