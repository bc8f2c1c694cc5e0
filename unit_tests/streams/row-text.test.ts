import { parseJsonExact } from '../../src/http/json-exact';
import { RECORD_JSON } from '../../src/protocol/record-json';
import { jsonReportRecord, type RowShape } from '../../src/reports/records';
import { isShortestDecimal, recordFromText, reportRowText } from '../../src/streams/row-text';
import { prng } from '../../test_kit/prng';
import { adsAnalyticsRecord, KeyCase, targetingRecord, type TransformContext } from '../../src/streams/transforms';

// The line the parser's path writes: JSON.parse (exact), the row transform, JSON.stringify.
function parsed(record: typeof adsAnalyticsRecord, text: string, ctx: TransformContext): string {
  return JSON.stringify(record(parseJsonExact(text), ctx, new KeyCase(), 'test'));
}

function fromText(record: typeof adsAnalyticsRecord, text: string, ctx: TransformContext): string | undefined {
  const row = recordFromText(record)!(text, ctx, new KeyCase());
  return row === undefined ? undefined : (row as { [RECORD_JSON]?: string })[RECORD_JSON];
}

const CTX: TransformContext = { ad_account_id: '549755885175', currency: 'USD', ready_through: '2026-06-28' };

// Rows the text path writes itself: the same line as the parser's path, byte for byte.
const PLAIN = [
  '{"CAMPAIGN_ID":626744046220,"DATE":"2026-06-28","SPEND_IN_MICRO_DOLLAR":12345,"CTR":0.012345678901234568}',
  '{"AD_ID":"687194767361","DATE":"2026-06-29","TOTAL_CLICKTHROUGH":0,"ECPC_IN_DOLLAR":null,"X":true,"Y":false}',
  ' { "AD_ACCOUNT_ID" : 549755885175 , "DATE" : "2026-06-01" , "IMPRESSION_1" : -3 } ',
  '{"PIN_PROMOTION_ID":12345678901234567890,"BIG":12345678901234567890,"NEG":-98765432109876543210,"SAFE":9007199254740991}',
  '{"CURRENCY":"EUR","DATA_READY":"maybe","DATE":"2026-06-30","Ü_WIDE":"naïve – ok \u2028"}',
  '{}',
  '{"DATE":17,"SPEND":1e-7,"V":0.5,"W":-0.25}'.replace('1e-7', '2.5'),
];

// Rows it leaves to the parser (an escape, nesting, duplicates, numbers JSON.stringify writes otherwise…).
const OTHERS = [
  '{"DATE":"2026-06-28","NAME":"a\\"b"}',
  '{"DATE":"2026-06-28","NESTED":{"A":1}}',
  '{"DATE":"2026-06-28","LIST":[1,2]}',
  '{"DATE":"2026-06-28","DATE":"2026-06-29"}',
  '{"DATE":"2026-06-28","date":"2026-06-29"}',
  '{"SPEND":1.0}',
  '{"SPEND":1e5}',
  '{"SPEND":-0}',
  '{"SPEND":0.10}',
  '{"__PROTO__":1}',
  '{"123":1,"A":2}',
  '{"CAMPAIGN_ID":1.5}',
  '{"CAMPAIGN_ID":true}',
  '[1]',
  '{"A":1} x',
];

describe('analytics rows written from their text', () => {
  it.each(PLAIN)('writes %s as the parser path does', (text) => {
    for (const ctx of [CTX, {}, { ad_account_id: '1' }]) {
      expect(fromText(adsAnalyticsRecord, text, ctx)).toBe(parsed(adsAnalyticsRecord, text, ctx));
    }
  });

  it.each(OTHERS)('leaves %s to the parser', (text) => {
    expect(fromText(adsAnalyticsRecord, text, CTX)).toBeUndefined();
  });

  it('keeps the strings and ids the engine reads on the record object', () => {
    const row = recordFromText(adsAnalyticsRecord)!(
      '{"CAMPAIGN_ID":626744046220,"DATE":"2026-06-28","SPEND_IN_MICRO_DOLLAR":12345}',
      CTX,
      new KeyCase(),
    );
    expect(JSON.parse(JSON.stringify(row))).toEqual({
      campaign_id: '626744046220',
      date: '2026-06-28',
      ad_account_id: CTX.ad_account_id,
      currency: CTX.currency,
      data_ready: true,
    });
  });

  const TARGETING = [
    '{"targeting_type":"AGE_BUCKET","targeting_value":"25-34","metrics":{"AD_GROUP_ID":2680059592705,"DATE":"2026-06-28","CLICKTHROUGH_1":4}}',
    '{"metrics":{"DATE":"2026-06-29","SPEND_IN_DOLLAR":1.25},"targeting_value":12345678901234567890,"targeting_type":"LOCATION"}',
    '{"targeting_type":null,"metrics":{}}',
    '{"targeting_type":"KEYWORD","targeting_value":7,"metrics":{"AD_ACCOUNT_ID":"549755885175","DATE":"2026-06-30"}}',
  ];
  it.each(TARGETING)('writes the targeting item %s as the parser path does', (text) => {
    expect(fromText(targetingRecord, text, CTX)).toBe(parsed(targetingRecord, text, CTX));
  });

  it.each([
    '{"targeting_type":"A","metrics":null}',
    '{"targeting_type":"A"}',
    '{"targeting_type":"A","targeting_value":true,"metrics":{}}',
    '{"targeting_type":"A","other":1,"metrics":{}}',
    '{"targeting_type":"A","targeting_type":"B","metrics":{}}',
    '{"targeting_type":"A","metrics":{"TARGETING_TYPE":"B"}}',
  ])('leaves the targeting item %s to the parser', (text) => {
    expect(fromText(targetingRecord, text, CTX)).toBeUndefined();
  });
});

describe('rows of one stream, read with one KeyCase', () => {
  // Look-alike keys (one length, one prefix) and an id among them, as Pinterest names its columns.
  const COLUMNS = [
    'CAMPAIGN_ID',
    'DATE',
    'SPEND_IN_MICRO_DOLLAR',
    'SPEND_IN_DOLLAR',
    'IMPRESSION_1',
    'IMPRESSION_2',
    'CLICKTHROUGH_1',
    'CLICKTHROUGH_2',
    'CTR',
    'ECTR',
    'TOTAL_CHECKOUT',
    'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
    'TOTAL_CLICK_CHECKOUT',
    'REPIN_1',
    'SAVES_1',
    'VIDEO_1',
    'PIN_PROMOTION_ID',
    ...Array.from({ length: 20 }, (_, i) => `METRIC_${i}`),
  ];
  const value = (r: () => number, column: string) =>
    column === 'DATE'
      ? '"2026-06-2' + Math.floor(r() * 10) + '"'
      : column.endsWith('_ID')
        ? String(1e12 + Math.floor(r() * 1e9))
        : r() < 0.5
          ? String(Math.floor(r() * 1e7))
          : String(Math.round(r() * 1e6) / 1e4);

  it.each([1, 2, 3, 4])(
    'writes every row as the parser path does, whatever columns each leaves out or moves (seed %i)',
    (seed) => {
      const r = prng(seed);
      for (const record of [adsAnalyticsRecord, targetingRecord]) {
        const keys = new KeyCase();
        for (let n = 0; n < 400; n++) {
          // Most rows leave out some columns; some leave out a long run; a few name two columns swapped.
          const gap = r() < 0.05 ? Math.floor(r() * 15) : 0;
          const at = Math.floor(r() * COLUMNS.length);
          let columns = COLUMNS.filter((_, i) => r() < 0.8 && (i < at || i >= at + gap));
          if (r() < 0.05 && columns.length > 2) {
            const k = Math.floor(r() * (columns.length - 1));
            columns = [...columns.slice(0, k), columns[k + 1], columns[k], ...columns.slice(k + 2)];
          }
          const flat = `{${columns.map((c) => `"${c}":${value(r, c)}`).join(',')}}`;
          const text =
            record === targetingRecord
              ? `{"targeting_type":"KEYWORD","targeting_value":"k${n}","metrics":${flat}}`
              : flat;
          const row = recordFromText(record)!(text, CTX, keys) as { [RECORD_JSON]?: string } | undefined;
          expect(row?.[RECORD_JSON]).toBe(parsed(record, text, CTX));
        }
      }
    },
  );

  it('learns the order of the columns: once each was seen in place, none is looked up again', () => {
    const keys = new KeyCase();
    const lookups: string[] = [];
    const field = keys.field.bind(keys);
    keys.field = (apiKey: string) => {
      lookups.push(apiKey);
      return field(apiKey);
    };
    const r = prng(9);
    const row = (columns: string[]) => `{${columns.map((c) => `"${c}":${value(r, c)}`).join(',')}}`;
    // The first row leaves out half the columns; the rest are met later, each after its predecessor.
    recordFromText(adsAnalyticsRecord)!(row(COLUMNS.filter((_, i) => i % 2 === 0)), CTX, keys);
    recordFromText(adsAnalyticsRecord)!(row(COLUMNS), CTX, keys);
    expect(lookups.sort()).toEqual([...COLUMNS].sort());
    expect(keys.seq.map((f) => f.api)).toEqual(COLUMNS);
    lookups.length = 0;
    for (let n = 0; n < 50; n++) recordFromText(adsAnalyticsRecord)!(row(COLUMNS.filter(() => r() < 0.7)), CTX, keys);
    expect(lookups).toEqual([]);
  });
});

describe('rows whose keys keep no order', () => {
  const rowOf = (keys: string[]) => `{${keys.map((k, i) => `"${k}":${i}`).join(',')}}`;

  it('are written as the parser path does', () => {
    const r = prng(5);
    const keys = new KeyCase();
    const names = Array.from({ length: 400 }, (_, i) => `K_${i}`);
    for (let n = 0; n < 100; n++) {
      const row = rowOf(names.filter(() => r() < 0.2).sort(() => r() - 0.5));
      const written = recordFromText(adsAnalyticsRecord)!(row, CTX, keys) as { [RECORD_JSON]?: string };
      expect(written[RECORD_JSON]).toBe(parsed(adsAnalyticsRecord, row, CTX));
    }
  });

  it('move a key at most 256 places in the learnt order', () => {
    const keys = new KeyCase();
    const names = Array.from({ length: 300 }, (_, i) => `K_${i}`);
    recordFromText(adsAnalyticsRecord)!(rowOf(names), CTX, keys);
    // K_299 named first: 299 places away, it stays; K_100 named first: moved to the front.
    for (const first of ['K_299', 'K_100']) {
      const row = rowOf([first, 'K_0']);
      const written = recordFromText(adsAnalyticsRecord)!(row, CTX, keys) as { [RECORD_JSON]?: string };
      expect(written[RECORD_JSON]).toBe(parsed(adsAnalyticsRecord, row, CTX));
    }
    expect(keys.seq[299].api).toBe('K_299');
    expect(keys.seq[0].api).toBe('K_100');
    expect(keys.seq.every((f, i) => f.seq === i)).toBe(true);
  });
});

describe('isShortestDecimal', () => {
  it('says true only of a text JSON.stringify writes for its own value', () => {
    const r = prng(3);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
    let yes = 0;
    for (let n = 0; n < 20_000; n++) {
      const int = r() < 0.4 ? '0' : String(1 + Math.floor(r() * 9)) + digits(Math.floor(r() * 12));
      const text = `${r() < 0.2 ? '-' : ''}${int}.${'0'.repeat(r() < 0.3 ? Math.floor(r() * 9) : 0)}${digits(1 + Math.floor(r() * 14))}`;
      const claims = isShortestDecimal(text);
      if (claims) yes++;
      if (claims) expect(JSON.stringify(Number(text))).toBe(text);
      // What it says no to is only unknown: a text with a trailing zero, or that a double cannot hold, is not its own.
      else if (JSON.stringify(Number(text)) === text)
        expect(text.replace(/^-?0?\.?0*|\./g, '').length > 15 || /0\.0{6}/.test(text)).toBe(true);
    }
    expect(yes).toBeGreaterThan(5_000);
  });

  it.each(['1.5', '-0.25', '0.000001', '123456789.123456', '44.56'])('knows %s', (text) => {
    expect(isShortestDecimal(text)).toBe(true);
  });

  it.each(['1.0', '0.0000001', '1234567890.1234567', '01.5', '.5', '1.', '-', '1e5', '1.5e3', '12', '-0.0', '0.10'])(
    'leaves %s to the round trip',
    (text) => {
      expect(isShortestDecimal(text)).toBe(false);
    },
  );
});

describe('report rows written from their text', () => {
  const SHAPE: RowShape = { idKey: 'keyword_id', numeric: new Set(), boolean: new Set() };
  const viaParser = (text: string, key: string | undefined, ctx: TransformContext) =>
    jsonReportRecord(text, key, ctx, new KeyCase(), SHAPE, 'test');
  const viaText = (text: string, key: string | undefined, ctx: TransformContext) =>
    reportRowText(text, key, ctx, new KeyCase(), SHAPE.idKey) as
      ({ [RECORD_JSON]?: string } & Record<string, unknown>) | undefined;

  // [row, the file's key]: the file files rows under an entity id or a day.
  const ROWS: Array<[string, string | undefined]> = [
    [
      '{"KEYWORD_ID":9223372036854775807123,"DATE":"2026-06-28","SPEND_IN_MICRO_DOLLAR":12345,"CTR":0.5}',
      '9223372036854775807123',
    ],
    ['{"DATE":"2026-06-28","IMPRESSION_1":3}', '5497558851'],
    ['{"KEYWORD_ID":"5","IMPRESSION_1":3}', '2026-06-29'],
    ['{"IMPRESSION_1":3}', '2026-06-29'],
    ['{"IMPRESSION_1":3}', undefined],
    ['{"AD_ACCOUNT_ID":549755885175,"CURRENCY":"EUR","KEYWORD_ID":7,"DATE":null}', '7'],
    ['{"KEYWORD_ID":7,"DATE":"2026-06-30","TARGETING_TYPE":"AGE_BUCKET","TARGETING_VALUE":2534}', '7'],
    ['{"KEYWORD_ID":7,"DATE":"2026-06-30","TARGETING_VALUE":"25-34","TARGETING_TYPE":null}', '7'],
    ['{}', '2026-06-30'],
    ['{}', undefined],
  ];
  it.each(ROWS)('writes %s (filed under %s) as the parser path does', (text, key) => {
    for (const ctx of [CTX, {}, { ad_account_id: '1' }, { currency: 'USD' }]) {
      const record = viaText(text, key, ctx);
      const parsedRecord = viaParser(text, key, ctx);
      expect(record?.[RECORD_JSON]).toBe(JSON.stringify(parsedRecord));
      // What the engine reads: the entity's id, the day, targeting, data_ready.
      for (const k of ['keyword_id', 'date', 'targeting_type', 'targeting_value', 'data_ready', 'ad_account_id'])
        expect(record![k]).toEqual(parsedRecord[k]);
    }
  });

  it.each([
    '{"KEYWORD_ID":null,"IMPRESSION_1":3}',
    '{"KEYWORD_ID":7,"DATE":"2026-06-28 13:00:00"}',
    '{"KEYWORD_ID":7,"DATE":17}',
    '{"KEYWORD_ID":7,"HOUR":"13"}',
    '{"KEYWORD_ID":7,"DATA_READY":false}',
    '{"KEYWORD_ID":7,"TARGETING_VALUE":true}',
    '{"KEYWORD_ID":7,"NAME":"a\\"b"}',
    '{"KEYWORD_ID":7,"SPEND":1.0}',
  ])('leaves the report row %s to the parser', (text) => {
    expect(viaText(text, '7', CTX)).toBeUndefined();
  });
});
