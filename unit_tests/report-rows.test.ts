/**
 * Report rows held to the API answers' bounds and read exactly: the one tokenizer in `rows` mode refuses a
 * file nested deeper than 64 levels (a few MB nested a million deep ends as a clear error, not a crash)
 * and a row over 16 MiB; a byte-order mark is read; 19-digit numeric ids stay exact; a `__proto__` key
 * cannot take `date` or the id away from a record; and a record too deep to serialise fails its stream,
 * not the message writer.
 */
import { PassThrough } from 'node:stream';
import { ConnectorError } from '../src/errors';
import { ArrayElementSplitter, MalformedJsonError } from '../src/http/json-stream';
import { MessageWriter } from '../src/protocol/output';
import { record } from '../src/protocol/messages';
import { ReportJsonSplitter } from '../src/reports/parse';
import { jsonReportRecord, shapeFromSchema } from '../src/reports/records';
import { KeyCase } from '../src/streams/transforms';

function rowsOf(chunks: Buffer[]) {
  const splitter = new ReportJsonSplitter();
  const out = chunks.flatMap((c) => splitter.push(c));
  splitter.end();
  return out;
}

function refusal(work: () => unknown): MalformedJsonError {
  let error: unknown;
  try {
    work();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(MalformedJsonError);
  return error as MalformedJsonError;
}

describe('bounds', () => {
  test('a file nested 1,000,000 levels deep (2 MB) is refused at depth 64, not truncated (no fatal error, memory flat)', () => {
    const depth = 1_000_000;
    const body = Buffer.from(`{"11": [{"A": ${'['.repeat(depth)}${']'.repeat(depth)}}]}`);
    const error = refusal(() => rowsOf([body]));
    expect(error.message).toBe('nested deeper than 64 levels');
    expect(error.truncated).toBe(false);
  });

  test('a row nested 10,000 levels deep is refused the same way', () => {
    const body = Buffer.from(`[{"A": ${'{"b":'.repeat(10_000)}1${'}'.repeat(10_000)}}]`);
    expect(refusal(() => rowsOf([body])).message).toMatch(/nested deeper than 64 levels/);
  });

  test('a row larger than 16 MiB across chunks is refused (row-size bound)', () => {
    const splitter = new ReportJsonSplitter();
    splitter.push(Buffer.from('{"11": [{"NOTE": "'));
    const block = Buffer.alloc(1 << 20, 0x61);
    const error = refusal(() => {
      for (let i = 0; i < 17; i++) splitter.push(block);
    });
    expect(error.message).toBe('one row is longer than the limit of 16777216 bytes');
  });

  test('the total bound, when given, stops the file', () => {
    const splitter = new ReportJsonSplitter({ maxTotalBytes: 100 });
    const error = refusal(() => splitter.push(Buffer.from(`[${'{"A":1},'.repeat(20)}`)));
    expect(error.message).toBe('the body is larger than the limit of 100 bytes');
  });

  test.each(['{"11": 5}', '{"11": true}', '{"11": [5]}', '[1, 2]', '{"11": [null]}'])(
    '%s (a member or row that is a scalar) is refused, not truncated',
    (body) => {
      expect(refusal(() => rowsOf([Buffer.from(body)])).truncated).toBe(false);
    },
  );

  test('the elements mode gives scalar elements too', () => {
    const splitter = new ArrayElementSplitter();
    expect(splitter.push(Buffer.from('[1, -2.5e3, "x,]", true, null, {"a": [1]}]'))).toEqual([
      '1',
      '-2.5e3',
      '"x,]"',
      'true',
      'null',
      '{"a": [1]}',
    ]);
    splitter.end();
  });

  test('a depth of exactly 64 is read', () => {
    // The top object and its list are 2 levels, the row 1: 61 more fit.
    const body = `{"11": [{"A": ${'['.repeat(61)}${']'.repeat(61)}}]}`;
    expect(rowsOf([Buffer.from(body)])).toHaveLength(1);
  });
});

describe('reading exactly', () => {
  const shape = shapeFromSchema(
    { properties: { campaign_id: { type: 'string' }, spend_in_dollar: { type: 'number' } } },
    'campaign_id',
  );
  const ctx = { ad_account_id: '549755885175', currency: 'USD' };

  test('a JSON report with a UTF-8 byte-order mark is read, whatever the chunking', () => {
    const text = '{"11": [{"CAMPAIGN_ID": 11, "DATE": "2025-01-01"}], "12": [{"CAMPAIGN_ID": 12}]}';
    const plain = rowsOf([Buffer.from(text)]);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(rowsOf([withBom])).toEqual(plain);
    for (let cut = 4; cut < withBom.length; cut += 7)
      expect(rowsOf([withBom.subarray(0, cut), withBom.subarray(cut)])).toEqual(plain);
    expect(plain).toHaveLength(2);
  });

  test('19-digit numeric ids stay exact (as on the synchronous path)', () => {
    const [row] = rowsOf([
      Buffer.from(
        '{"1234567890123456789": [{"CAMPAIGN_ID": 1234567890123456789, "AD_ID": 9007199254740993, "SPEND_IN_DOLLAR": 1.5}]}',
      ),
    ]);
    const out = jsonReportRecord(row.text, row.key, ctx, new KeyCase(), shape, 'x');
    expect(out.campaign_id).toBe('1234567890123456789');
    expect(out.ad_id).toBe('9007199254740993');
    expect(out.spend_in_dollar).toBe(1.5);
  });

  test('a __proto__ key cannot remove date or the id from a record; it stays an ordinary key', () => {
    const text = '{"__proto__": {"date": "1999-01-01", "campaign_id": "666"}, "SPEND_IN_DOLLAR": 2}';
    const out = jsonReportRecord(text, '2025-02-03', ctx, new KeyCase(), shape, 'x');
    const written = JSON.parse(JSON.stringify(out));
    expect(written.date).toBe('2025-02-03');
    const byId = jsonReportRecord(
      '{"__PROTO__": {"campaign_id": "666"}, "DATE": "2025-02-03"}',
      '77',
      ctx,
      new KeyCase(),
      shape,
      'x',
    );
    const parsed = JSON.parse(JSON.stringify(byId));
    expect(parsed).toMatchObject({ campaign_id: '77', date: '2025-02-03' });
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual({ campaign_id: '666' });
  });
});

describe('the message writer', () => {
  test('a record nested 10,000 levels deep fails with a clear error for its stream, and the writer goes on', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => {
      text += d.toString();
    });
    const writer = new MessageWriter(out, 'info');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) {
      const next = {};
      deep.a = next;
      deep = next;
    }
    let error: unknown;
    try {
      await writer.write(record('campaign_analytics', root));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toBe(
      'A record of campaign_analytics is nested too deeply to be written; the read of this stream stops.',
    );
    expect((error as ConnectorError).failureType).toBe('transient_error');
    await writer.write(record('boards', { id: '1' }));
    await writer.flush();
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).record.stream),
    ).toEqual(['boards']);
  });
});
