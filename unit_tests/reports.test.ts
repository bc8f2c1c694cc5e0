/**
 * The report runner (src/reports): its states against msw — create, poll, download from another host
 * with no credential, FAILED/EXPIRED reports created anew, expired links refreshed, cut downloads resumed
 * without a row given twice, bounded retries ending in a transient error — and its pure parts: the
 * streaming JSON and CSV parsers and the row → record mapping.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, HttpResponse, passthrough } from 'msw';
import { ConnectorError } from '../src/errors';
import { StaticToken } from '../src/http/auth';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester } from '../src/http/requester';
import { ReportCancelled, ReportRunner, type ReportChunk, type ReportPolicy } from '../src/reports/report-runner';
import { CsvSplitter, MalformedCsvError, ReportJsonSplitter, normalizeHeader } from '../src/reports/parse';
import { csvHeader, csvReportRecord, jsonReportRecord, shapeFromSchema } from '../src/reports/records';
import { STREAMS, schemaOf } from '../src/streams/definitions';
import type { AnalyticsDefinition } from '../src/streams/definition';
import { MalformedJsonError } from '../src/http/json-stream';
import { checkDownloadUrl } from '../src/http/bounded-fetch';
import { KeyCase } from '../src/streams/transforms';
import { addDays } from '../src/util/dates';
import { API } from '../test_kit/in-process';
import { useLimiters, useMswServer } from '../test_kit/msw-server';

const server = useMswServer();

const limiters = useLimiters();

const FILES = 'https://files.example.com';
const ACCOUNT = '549755885175';
const REPORTS = `${API}/ad_accounts/${ACCOUNT}/reports`;
const FAST: Partial<ReportPolicy> = { pollScheduleMs: [1], maxCreations: 3, maxDownloads: 4 };

/** An API on loopback (answered by msw): the link policy then lets loopback http download hosts through. */
const LOOPBACK_API = 'http://localhost:9/v5';

function engine(policy: Partial<ReportPolicy> = {}, apiBase = API) {
  const limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  limiters.push(limiter);
  const requester = new Requester({
    baseUrl: apiBase,
    limiter,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 },
  });
  requester.setTokenSource(new StaticToken('pina.secret'));
  const logs: string[] = [];
  return { engine: new ReportRunner(requester, (_l, m) => logs.push(m), { ...FAST, ...policy }), logs };
}

const SPEC = {
  adAccountId: ACCOUNT,
  body: {
    start_date: '2025-01-01',
    end_date: '2025-01-31',
    granularity: 'DAY',
    level: 'CAMPAIGN',
    columns: ['SPEND_IN_DOLLAR'],
  },
  label: 'test report',
};
const FILE = JSON.stringify({
  '11': [
    { CAMPAIGN_ID: '11', DATE: '2025-01-01', SPEND_IN_DOLLAR: 1.5 },
    { CAMPAIGN_ID: '11', DATE: '2025-01-02', SPEND_IN_DOLLAR: 2 },
  ],
  '12': [{ CAMPAIGN_ID: '12', DATE: '2025-01-01', SPEND_IN_DOLLAR: 3 }],
});

async function collect(gen: AsyncGenerator<ReportChunk>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of gen) {
    if (c.kind === 'json') out.push(...c.rows.map((r) => `${r.key}:${r.text}`));
    else out.push(...c.records.map((r) => r.join('|')));
  }
  return out;
}

/** The report API: statuses in turn for polls; `creates` counts POSTs and keeps their bodies. */
function reportApi(statuses: Array<{ report_status: string; url?: string | null; size?: number }>, apiBase = API) {
  const reports = `${apiBase}/ad_accounts/${ACCOUNT}/reports`;
  const creates: Array<{ body: unknown; type: string | null; auth: string | null }> = [];
  let polls = 0;
  server.use(
    http.post(reports, async ({ request }) => {
      creates.push({
        body: await request.json(),
        type: request.headers.get('content-type'),
        auth: request.headers.get('authorization'),
      });
      return HttpResponse.json({ report_status: 'IN_PROGRESS', token: `t${creates.length}`, message: null });
    }),
    http.get(reports, ({ request }) => {
      expect(new URL(request.url).searchParams.get('token')).toBe(`t${creates.length}`);
      return HttpResponse.json(statuses[Math.min(polls++, statuses.length - 1)]);
    }),
  );
  return { creates, polls: () => polls };
}

/** The download host: answers in turn; records the Authorization header of every request. */
function files(answers: Array<() => Response>) {
  const auth: Array<string | null> = [];
  server.use(
    http.get(`${FILES}/*`, ({ request }) => {
      auth.push(request.headers.get('authorization'));
      return answers[Math.min(auth.length - 1, answers.length - 1)]();
    }),
  );
  return auth;
}
const fileOk =
  (body = FILE) =>
  () =>
    new HttpResponse(body, {
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });

/**
 * A real loopback download host (msw buffers a body before it errors, so a cut must come from a socket):
 * answers the bodies in turn; a body given as [text, true] is cut after 60 % and the socket destroyed.
 */
const hosts: Server[] = [];
afterEach(() => {
  for (const s of hosts.splice(0)) s.close();
});
async function loopbackFiles(
  bodies: Array<[string, boolean]>,
): Promise<{ url: string; auth: Array<string | undefined> }> {
  const auth: Array<string | undefined> = [];
  const srv = createServer((req, res) => {
    auth.push(req.headers.authorization);
    const [body, cut] = bodies[Math.min(auth.length - 1, bodies.length - 1)];
    const buf = Buffer.from(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
    if (cut)
      res.write(buf.subarray(0, Math.floor(buf.length * 0.6)), () => setTimeout(() => res.socket?.destroy(), 20));
    else res.end(buf);
  });
  hosts.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  server.use(http.get(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/f.json`, auth };
}
const FINISHED = { report_status: 'FINISHED', url: `${FILES}/r/1.json?sig=a`, size: FILE.length };

describe('report engine states', () => {
  test('create (JSON body, bearer) → IN_PROGRESS → FINISHED → download with no Authorization header', async () => {
    const api = reportApi([{ report_status: 'IN_PROGRESS', url: null }, FINISHED]);
    const auth = files([fileOk()]);
    const { engine: e } = engine();
    const rows = await collect(e.rows(SPEC));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^11:\{"CAMPAIGN_ID":"11"/);
    expect(api.creates).toHaveLength(1);
    expect(api.creates[0]).toEqual({ body: SPEC.body, type: 'application/json', auth: 'Bearer pina.secret' });
    expect(api.polls()).toBe(2);
    expect(auth).toEqual([null]);
  });

  test.each(['FAILED', 'CANCELLED', 'EXPIRED', 'DOES_NOT_EXIST'])('a %s report is created again', async (status) => {
    let creates = 0;
    server.use(
      http.post(REPORTS, () => HttpResponse.json({ report_status: 'IN_PROGRESS', token: `t${++creates}` })),
      http.get(REPORTS, () => HttpResponse.json(creates === 1 ? { report_status: status } : FINISHED)),
    );
    files([fileOk()]);
    const { engine: e, logs } = engine();
    expect(await collect(e.rows(SPEC))).toHaveLength(3);
    expect(creates).toBe(2);
    expect(logs.some((m) => m.includes(status))).toBe(true);
  });

  test('a report that always fails ends, bounded, in a transient error that names it', async () => {
    const api = reportApi([{ report_status: 'FAILED' }]);
    const { engine: e } = engine();
    const err = await collect(e.rows(SPEC)).catch((x) => x);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.failureType).toBe('transient_error');
    expect(err.message).toMatch(/test report.*FAILED.*not skipped/);
    expect(api.creates).toHaveLength(3);
  });

  test('a report being prepared for a stream that stopped is dropped: no more polls (no timer keeps the process alive)', async () => {
    const api = reportApi([{ report_status: 'IN_PROGRESS' }]);
    const { engine: e } = engine({ pollScheduleMs: [2] });
    // The stream stops after the third poll; the report must then be dropped, not polled on.
    await expect(e.prepare(SPEC, () => api.polls() >= 3)).rejects.toBeInstanceOf(ReportCancelled);
    expect(api.polls()).toBe(3);
    await new Promise((r) => setTimeout(r, 30));
    expect(api.polls()).toBe(3);
  });

  test('an expired link (403) is polled again for a fresh one', async () => {
    reportApi([FINISHED]);
    const auth = files([
      () =>
        new HttpResponse('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', {
          status: 403,
        }),
      fileOk(),
    ]);
    const { engine: e, logs } = engine();
    expect(await collect(e.rows(SPEC))).toHaveLength(3);
    expect(auth).toEqual([null, null]);
    expect(logs.some((m) => /expired/.test(m))).toBe(true);
  });

  test('a cut download is downloaded again and resumed after the rows given: none twice, none lost', async () => {
    const big = JSON.stringify({
      '11': Array.from({ length: 4000 }, (_, i) => ({ CAMPAIGN_ID: '11', DATE: addDays('2025-01-01', i % 31), N: i })),
    });
    const host = await loopbackFiles([
      [big, true],
      [big, false],
    ]);
    reportApi([{ ...FINISHED, url: host.url, size: big.length }], LOOPBACK_API);
    const { engine: e } = engine({}, LOOPBACK_API);
    const chunks: number[] = [];
    const rows: string[] = [];
    for await (const c of e.rows(SPEC))
      if (c.kind === 'json') {
        chunks.push(c.rows.length);
        rows.push(...c.rows.map((r) => r.text));
      }
    expect(rows).toHaveLength(4000);
    expect(new Set(rows).size).toBe(4000);
    expect(rows.map((r) => JSON.parse(r).N)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(host.auth).toEqual([undefined, undefined]);
    // Rows were given before the cut, so the second download really resumed after them.
    expect(e.stats.bytes).toBeGreaterThan(Buffer.byteLength(big));
  });

  test('a file that comes back different after a cut stops the read (transient), never mixes two files', async () => {
    const a = JSON.stringify({ '11': Array.from({ length: 3000 }, (_, i) => ({ N: i })) });
    const b = JSON.stringify({ '11': Array.from({ length: 3000 }, (_, i) => ({ N: i + 1 })) });
    const host = await loopbackFiles([
      [a, true],
      [b, false],
    ]);
    reportApi([{ ...FINISHED, url: host.url }], LOOPBACK_API);
    const { engine: e } = engine({}, LOOPBACK_API);
    const err = await collect(e.rows(SPEC)).catch((x) => x);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toMatch(/differs/);
  });

  test('downloads that keep breaking end, bounded, in a transient error', async () => {
    const host = await loopbackFiles([[FILE, true]]);
    reportApi([{ ...FINISHED, url: host.url }], LOOPBACK_API);
    const { engine: e } = engine({}, LOOPBACK_API);
    const err = await collect(e.rows(SPEC)).catch((x) => x);
    expect(err.failureType).toBe('transient_error');
    expect(err.message).toMatch(/could not be downloaded/);
    expect(host.auth.length).toBe(4);
  });

  test('a redirect is followed without credentials; a redirect to plain http elsewhere is refused', async () => {
    reportApi([FINISHED]);
    let hops = 0;
    server.use(
      http.get(`${FILES}/r/*`, ({ request }) => {
        expect(request.headers.get('authorization')).toBeNull();
        hops++;
        return new HttpResponse(null, { status: 302, headers: { location: 'https://bucket.example.net/f.json' } });
      }),
      http.get('https://bucket.example.net/*', ({ request }) => {
        expect(request.headers.get('authorization')).toBeNull();
        return fileOk()();
      }),
    );
    expect(await collect(engine().engine.rows(SPEC))).toHaveLength(3);
    expect(hops).toBe(1);
    expect(() => checkDownloadUrl('http://bucket.example.net/f.json', API)).toThrow(/only https/);
    expect(() => checkDownloadUrl('https://user:pw@bucket.example.net/f.json', API)).toThrow(/credentials/);
    expect(() => checkDownloadUrl('http://127.0.0.1:9/f.json', 'http://127.0.0.1:8/v5')).not.toThrow();
  });

  test('decoded bytes are bounded', async () => {
    reportApi([FINISHED]);
    files([fileOk()]);
    const err = await collect(engine({ maxDecodedBytes: 20 }).engine.rows(SPEC)).catch((x) => x);
    expect(err.message).toMatch(/larger than 20 bytes/);
  });

  test('a file of an unexpected shape stops the read with a transient error (not retried, not skipped)', async () => {
    reportApi([FINISHED]);
    const auth = files([fileOk('{"11": "no rows here"}')]);
    const err = await collect(engine().engine.rows(SPEC)).catch((x) => x);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toMatch(/unexpected shape/);
    expect(auth).toHaveLength(1);
  });

  test('CSV files are recognised and parsed with their header', async () => {
    reportApi([FINISHED]);
    files([
      () =>
        new HttpResponse('\ufeffCampaign ID,Date,Spend in Dollar\r\n11,2025-01-01,"1,5"\r\n', {
          headers: { 'content-type': 'text/csv' },
        }),
    ]);
    const chunks: ReportChunk[] = [];
    for await (const c of engine().engine.rows(SPEC)) chunks.push(c);
    expect(chunks).toEqual([
      { kind: 'csv', header: ['Campaign ID', 'Date', 'Spend in Dollar'], records: [['11', '2025-01-01', '1,5']] },
    ]);
  });
});

/** Feeds `text` cut at `at` (and at every byte when at is undefined) and returns what the parser gives. */
function splitAt<T>(make: () => { push(b: Buffer): T[]; end(): unknown }, text: string, cuts: number[]): T[] {
  const p = make();
  const buf = Buffer.from(text);
  const out: T[] = [];
  let prev = 0;
  for (const c of [...cuts, buf.length]) {
    out.push(...p.push(buf.subarray(prev, c)));
    prev = c;
  }
  const tail = p.end();
  if (Array.isArray(tail)) out.push(...(tail as T[]));
  return out;
}

describe('ReportJsonSplitter', () => {
  const text = ' {"11": [{"A":"x{}[]\\"y","B":1}, {"A":"é🎄"}], "2025-01-02":[{"C":[1,{"d":2}]}] ,"13":[]}';
  const whole = splitAt(() => new ReportJsonSplitter(), text, []);
  test('rows with the key they are filed under', () => {
    expect(whole.map((r) => [r.key, JSON.parse(r.text)])).toEqual([
      ['11', { A: 'x{}[]"y', B: 1 }],
      ['11', { A: 'é🎄' }],
      ['2025-01-02', { C: [1, { d: 2 }] }],
    ]);
  });
  test('the same rows wherever the chunks are cut', () => {
    const bytes = Buffer.byteLength(text);
    for (let i = 1; i < bytes; i++) expect(splitAt(() => new ReportJsonSplitter(), text, [i])).toEqual(whole);
  });
  test('a top-level list of rows', () => {
    expect(splitAt(() => new ReportJsonSplitter(), '[{"A":1},{"A":2}]', [5]).map((r) => r.text)).toEqual([
      '{"A":1}',
      '{"A":2}',
    ]);
  });
  test.each([
    ['{"11": "n/a"}', false],
    ['{"11": {"A":1}}', false],
    ['[1,2]', false],
    ['"text"', false],
    ['{"11": [{"A":1}', true],
    ['', true],
    ['{"11": [{"A":"x', true],
  ])('%j is refused (truncated: %s)', (bad, truncated) => {
    let err: unknown;
    try {
      splitAt(() => new ReportJsonSplitter(), bad, []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MalformedJsonError);
    expect((err as MalformedJsonError).truncated).toBe(truncated);
  });
});

describe('CsvSplitter', () => {
  const text = '\ufeffID,NAME,V\r\n1,"a, ""quoted""\nline",2.5\n2,,\r\n3,plain,7';
  const whole = splitAt(() => new CsvSplitter(), text, []);
  test('quotes, commas, newlines in fields, CRLF and LF, a BOM, a last line without newline', () => {
    expect(whole).toEqual([
      ['ID', 'NAME', 'V'],
      ['1', 'a, "quoted"\nline', '2.5'],
      ['2', '', ''],
      ['3', 'plain', '7'],
    ]);
  });
  test('the same records wherever the chunks are cut', () => {
    for (let i = 1; i < Buffer.byteLength(text); i++)
      expect(splitAt(() => new CsvSplitter(), text, [i])).toEqual(whole);
  });
  test('a file cut inside a quoted field is truncated', () => {
    expect(() => splitAt(() => new CsvSplitter(), 'A,B\n1,"open', [])).toThrow(MalformedCsvError);
  });
  test('headers are normalised to column names', () => {
    expect(['Campaign ID', 'spend_in_dollar', ' Total Impression '].map(normalizeHeader)).toEqual([
      'CAMPAIGN_ID',
      'SPEND_IN_DOLLAR',
      'TOTAL_IMPRESSION',
    ]);
  });
});

describe('report rows as records', () => {
  // Rows dated on or before ready_through carry data_ready true.
  const ctx = { ad_account_id: ACCOUNT, currency: 'EUR', ready_through: '2025-01-01' };
  const def = STREAMS.find((s) => s.name === 'campaign_targeting_analytics') as AnalyticsDefinition;
  const shape = shapeFromSchema(schemaOf(def), 'campaign_id');
  test('JSON: lower-case keys, ids and targeting values as strings, account and currency, id from the key', () => {
    const r = jsonReportRecord(
      '{"DATE":"2025-01-01","TARGETING_TYPE":"LOCATION","TARGETING_VALUE":500,"SPEND_IN_DOLLAR":1.5}',
      '77',
      ctx,
      new KeyCase(),
      shape,
      'x',
    );
    expect(r).toEqual({
      ad_account_id: ACCOUNT,
      currency: 'EUR',
      campaign_id: '77',
      date: '2025-01-01',
      targeting_type: 'LOCATION',
      targeting_value: '500',
      spend_in_dollar: 1.5,
      data_ready: true,
    });
  });
  test('JSON: a BY_DATE key is the date', () => {
    expect(jsonReportRecord('{"CAMPAIGN_ID":1}', '2025-02-03', ctx, new KeyCase(), shape, 'x')).toMatchObject({
      campaign_id: '1',
      date: '2025-02-03',
      data_ready: false,
    });
  });
  test('CSV: numbers typed by the schema, ids stay strings, empty cells absent', () => {
    const header = csvHeader(
      ['Campaign ID', 'DATE', 'SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION', 'TARGETING_VALUE'],
      new KeyCase(),
    );
    expect(csvReportRecord(header, ['0012', '2025-01-01', '1.25', '', '500'], ctx, shape, 'x')).toEqual({
      ad_account_id: ACCOUNT,
      currency: 'EUR',
      campaign_id: '0012',
      date: '2025-01-01',
      spend_in_dollar: 1.25,
      targeting_value: '500',
      data_ready: true,
    });
    expect(() => csvReportRecord(header, ['1'], ctx, shape, 'x')).toThrow(/1 fields where the header has 5/);
    expect(() => csvReportRecord(header, ['1', '2025-01-01', 'abc', '', ''], ctx, shape, 'x')).toThrow(/not a number/);
  });
});
