/**
 * Record transforms (docs/contract.md §4): lower-case snake_case keys, ids as strings, ad_account_id and currency on
 * ad-account rows, targeting_type/targeting_value as strings, missing columns left missing, and wrong shapes
 * refused as transient errors (no records taken from them).
 */
import { ConnectorError } from '../src/errors';
import { adsAnalyticsRows, dailyMetricsRows, KeyCase, targetingRows, type Row } from '../src/streams/transforms';

// Rows dated on or before ready_through carry data_ready true.
const CTX = { ad_account_id: '549755885175', currency: 'EUR', ready_through: '2026-06-01' };
const WHAT = 'GET /ad_accounts/549755885175/campaigns/analytics';

function shapeError(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).failureType).toBe('transient_error');
    expect((err as ConnectorError).message).toContain(WHAT);
    expect((err as ConnectorError).message).toMatch(/unexpected shape/);
    return err as ConnectorError;
  }
  throw new Error('expected a shape error');
}

describe('adsAnalyticsRows', () => {
  test('one record per row: keys lower-cased, ids stringified, ad_account_id and currency added, values kept', () => {
    const body = [
      {
        CAMPAIGN_ID: 626744128982,
        DATE: '2026-06-01',
        SPEND_IN_MICRO_DOLLAR: 1_250_000,
        SPEND_IN_DOLLAR: 1.25,
        TOTAL_IMPRESSION: 0,
        CTR: null,
        AD_ACCOUNT_ID: 549755885175,
        ADVERTISER_ID: 549755885175,
      },
      { CAMPAIGN_ID: '626744128983', DATE: '2026-06-02', SPEND_IN_MICRO_DOLLAR: 0 },
    ];
    const rows = [...adsAnalyticsRows(body, CTX, new KeyCase(), WHAT)];
    expect(rows).toEqual([
      {
        ad_account_id: '549755885175',
        currency: 'EUR',
        advertiser_id: '549755885175',
        campaign_id: '626744128982',
        date: '2026-06-01',
        spend_in_micro_dollar: 1_250_000,
        spend_in_dollar: 1.25,
        total_impression: 0,
        ctr: null,
        data_ready: true,
      },
      {
        ad_account_id: '549755885175',
        currency: 'EUR',
        campaign_id: '626744128983',
        date: '2026-06-02',
        spend_in_micro_dollar: 0,
        data_ready: false,
      },
    ]);
  });

  test('a column the API leaves out of a row stays out of the record (never invented)', () => {
    const [row] = [...adsAnalyticsRows([{ AD_ID: 1, DATE: '2026-06-01', CTR: 0.5 }], CTX, new KeyCase(), WHAT)];
    expect(Object.keys(row).sort()).toEqual(['ad_account_id', 'ad_id', 'ctr', 'currency', 'data_ready', 'date']);
    expect('spend_in_dollar' in row).toBe(false);
  });

  test('every id column is a string; metrics that look like ids stay numbers', () => {
    const [row] = [
      ...adsAnalyticsRows(
        [
          {
            AD_GROUP_ID: 1,
            AD_ID: 2,
            PIN_ID: 3,
            PIN_PROMOTION_ID: 4,
            PROMO_ID: 5,
            ORDER_LINE_ID: 6,
            CAMPAIGN_ID: 7,
            TOTAL_CLICKTHROUGH: 8,
          },
        ],
        CTX,
        new KeyCase(),
        WHAT,
      ),
    ];
    expect(row).toMatchObject({
      ad_group_id: '1',
      ad_id: '2',
      pin_id: '3',
      pin_promotion_id: '4',
      promo_id: '5',
      order_line_id: '6',
      campaign_id: '7',
      total_clickthrough: 8,
    });
  });

  test('a null id stays null', () => {
    const [row] = [...adsAnalyticsRows([{ AD_ID: null, DATE: '2026-06-01' }], CTX, new KeyCase(), WHAT)];
    expect(row.ad_id).toBeNull();
  });

  test('an empty list is no records', () => {
    expect([...adsAnalyticsRows([], CTX, new KeyCase(), WHAT)]).toEqual([]);
  });

  test('each row is its own object', () => {
    const rows = [...adsAnalyticsRows([{ AD_ID: 1 }, { AD_ID: 2 }], CTX, new KeyCase(), WHAT)];
    expect(rows[0]).not.toBe(rows[1]);
    rows[0].ad_id = 'changed';
    expect(rows[1].ad_id).toBe('2');
  });

  test.each([
    ['an object', { items: [] }, 'object'],
    ['null', null, 'null'],
    ['a string', 'error', 'string'],
  ])('a body that is %s is a transient error naming what came', (_name, body, got) => {
    expect(shapeError(() => [...adsAnalyticsRows(body, CTX, new KeyCase(), WHAT)]).message).toContain(`(${got})`);
  });

  test.each([
    ['null', null],
    ['a number', 5],
  ])('a row that is %s is a transient error', (_name, row) => {
    shapeError(() => [...adsAnalyticsRows([{ AD_ID: 1 }, row], CTX, new KeyCase(), WHAT)]);
  });
});

describe('targetingRows', () => {
  const body = {
    data: [
      {
        targeting_type: 'AGE_BUCKET',
        targeting_value: '25-34',
        metrics: { CAMPAIGN_ID: 626744128982, DATE: '2026-06-01', SPEND_IN_DOLLAR: 2.5, IMPRESSION_1: 10 },
      },
      {
        targeting_type: 'LOCATION',
        targeting_value: 840,
        metrics: { CAMPAIGN_ID: '626744128982', DATE: '2026-06-01', SPEND_IN_DOLLAR: 1 },
      },
      { targeting_type: 'KEYWORD', targeting_value: 0, metrics: { CAMPAIGN_ID: 1, DATE: '2026-06-02' } },
    ],
  };

  test('metrics flattened and lower-cased, numeric targeting values as strings, ad_account_id and currency added', () => {
    const rows = [...targetingRows(body, CTX, new KeyCase(), WHAT)];
    expect(rows).toEqual([
      {
        ad_account_id: '549755885175',
        currency: 'EUR',
        campaign_id: '626744128982',
        date: '2026-06-01',
        spend_in_dollar: 2.5,
        impression_1: 10,
        targeting_type: 'AGE_BUCKET',
        targeting_value: '25-34',
        data_ready: true,
      },
      {
        ad_account_id: '549755885175',
        currency: 'EUR',
        campaign_id: '626744128982',
        date: '2026-06-01',
        spend_in_dollar: 1,
        targeting_type: 'LOCATION',
        targeting_value: '840',
        data_ready: true,
      },
      {
        ad_account_id: '549755885175',
        currency: 'EUR',
        campaign_id: '1',
        date: '2026-06-02',
        targeting_type: 'KEYWORD',
        targeting_value: '0',
        data_ready: false,
      },
    ]);
    for (const r of rows) expect(typeof r.targeting_value).toBe('string');
  });

  test('missing metric columns stay missing', () => {
    const [, , third] = [...targetingRows(body, CTX, new KeyCase(), WHAT)];
    expect('spend_in_dollar' in third).toBe(false);
    expect('impression_1' in third).toBe(false);
  });

  test("a metric named like targeting_value does not override the item's targeting fields", () => {
    const [row] = [
      ...targetingRows(
        {
          data: [
            {
              targeting_type: 'GENDER',
              targeting_value: 'female',
              metrics: { TARGETING_VALUE: 'x', TARGETING_TYPE: 'y' },
            },
          ],
        },
        CTX,
        new KeyCase(),
        WHAT,
      ),
    ];
    expect(row).toMatchObject({ targeting_type: 'GENDER', targeting_value: 'female' });
  });

  test('an absent targeting value becomes null, not the string "undefined"', () => {
    const [row] = [...targetingRows({ data: [{ targeting_type: 'GENDER', metrics: {} }] }, CTX, new KeyCase(), WHAT)];
    expect(row.targeting_value).toBeNull();
  });

  test('an empty data list is no records', () => {
    expect([...targetingRows({ data: [] }, CTX, new KeyCase(), WHAT)]).toEqual([]);
  });

  test.each([
    ['a list', []],
    ['an object without data', { items: [] }],
    ['data that is an object', { data: {} }],
    ['null', null],
  ])('a body that is %s is a transient error', (_name, b) => {
    shapeError(() => [...targetingRows(b, CTX, new KeyCase(), WHAT)]);
  });

  test.each([
    ['without metrics', { targeting_type: 'AGE_BUCKET', targeting_value: '25-34' }],
    ['with null metrics', { targeting_type: 'AGE_BUCKET', targeting_value: '25-34', metrics: null }],
    ['that is null', null],
  ])('an item %s is a transient error', (_name, item) => {
    shapeError(() => [...targetingRows({ data: [item] }, CTX, new KeyCase(), WHAT)]);
  });
});

describe('dailyMetricsRows', () => {
  const body = {
    all: {
      daily_metrics: [
        {
          date: '2026-06-01',
          data_status: 'READY',
          metrics: { IMPRESSION: 100, SAVE: 3, PIN_CLICK: 7, OUTBOUND_CLICK: 1 },
        },
        { date: '2026-06-02', data_status: 'PROCESSING', metrics: { IMPRESSION: 5 } },
        { date: '2026-06-03', data_status: 'BEFORE_PIN_CREATED' },
      ],
      summary_metrics: { IMPRESSION: 105 },
    },
  };

  test('pin rows: pin_id, date, data_status and one lower-case key per metric; summary ignored', () => {
    expect([...dailyMetricsRows(body, 'pin_id', '987', new KeyCase(), WHAT)]).toEqual([
      {
        pin_id: '987',
        date: '2026-06-01',
        data_status: 'READY',
        impression: 100,
        save: 3,
        pin_click: 7,
        outbound_click: 1,
      },
      { pin_id: '987', date: '2026-06-02', data_status: 'PROCESSING', impression: 5 },
      { pin_id: '987', date: '2026-06-03', data_status: 'BEFORE_PIN_CREATED' },
    ]);
  });

  test('user account rows carry user_id', () => {
    const [row] = [...dailyMetricsRows(body, 'user_id', 'u1', new KeyCase(), WHAT)];
    expect(row).toMatchObject({ user_id: 'u1', date: '2026-06-01' });
    expect(row).not.toHaveProperty('pin_id');
  });

  test('an empty object (no data for the period) is no records, not an error', () => {
    expect([...dailyMetricsRows({}, 'pin_id', '1', new KeyCase(), WHAT)]).toEqual([]);
  });

  test.each([
    ['a list', []],
    ['null', null],
    ['all without daily_metrics', { all: {} }],
    ['daily_metrics not a list', { all: { daily_metrics: {} } }],
    ['a split result without all', { APP_TYPE: { daily_metrics: [] } }],
  ])('a body that is %s is a transient error', (_name, b) => {
    shapeError(() => [...dailyMetricsRows(b, 'pin_id', '1', new KeyCase(), WHAT)]);
  });

  test('a day that is not an object is a transient error', () => {
    shapeError(() => [...dailyMetricsRows({ all: { daily_metrics: [null] } }, 'pin_id', '1', new KeyCase(), WHAT)]);
  });
});

describe('KeyCase', () => {
  test('lower-cases keys and calls onNewKey once per key, across rows and streams of rows', () => {
    const seen: string[] = [];
    const keys = new KeyCase((k) => seen.push(k));
    const rows: Row[] = [];
    for (let i = 0; i < 50; i++)
      rows.push(
        ...adsAnalyticsRows(
          [
            { AD_ID: i, DATE: '2026-06-01', SPEND_IN_DOLLAR: i },
            { AD_ID: i, DATE: '2026-06-02', NEW_COLUMN: 1 },
          ],
          CTX,
          keys,
          WHAT,
        ),
      );
    rows.push(
      ...targetingRows(
        { data: [{ targeting_type: 'AGE_BUCKET', targeting_value: '1', metrics: { AD_ID: 1, DATE: '2026-06-01' } }] },
        CTX,
        keys,
        WHAT,
      ),
    );
    expect(rows).toHaveLength(101);
    expect(seen.sort()).toEqual(['ad_id', 'date', 'new_column', 'spend_in_dollar']);
  });

  test('two spellings of a key map to the same lower-case key', () => {
    const seen: string[] = [];
    const keys = new KeyCase((k) => seen.push(k));
    expect(keys.lower('SPEND_IN_DOLLAR')).toBe('spend_in_dollar');
    expect(keys.lower('Spend_In_Dollar')).toBe('spend_in_dollar');
    expect(keys.lower('SPEND_IN_DOLLAR')).toBe('spend_in_dollar');
    expect(new Set(seen)).toEqual(new Set(['spend_in_dollar']));
  });

  test('works without a callback', () => {
    expect(new KeyCase().lower('DATE')).toBe('date');
  });
});
