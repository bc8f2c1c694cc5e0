/**
 * The report path held to stated bounds (docs/reliability.md): a report window's time (creation, polls,
 * re-creations and downloads together, `maxWindowMs`), the download deadline (size-based, clamped so that
 * an absurd `size` cannot overflow the timer), and the link policy (the API's scheme; no internal address
 * unless the API itself is on loopback). The report API is msw; links point at msw hosts.
 */
import { http, HttpResponse } from 'msw';
import { StaticToken } from '../src/http/auth';
import { MAX_TIMER_MS, checkDownloadUrl, isInternalHost } from '../src/http/bounded-fetch';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester } from '../src/http/requester';
import { ReportRunner, type ReportChunk, type ReportPolicy } from '../src/reports/report-runner';
import { API } from '../test_kit/in-process';
import { useLimiters, useMswServer } from '../test_kit/msw-server';

const server = useMswServer();
const limiters = useLimiters();

const ACCOUNT = '549755885175';
const REPORTS = `${API}/ad_accounts/${ACCOUNT}/reports`;
const SPEC = { adAccountId: ACCOUNT, body: { level: 'CAMPAIGN' }, label: 'bounded report' };
const FILE = JSON.stringify({ '11': [{ CAMPAIGN_ID: '11', DATE: '2025-01-01', SPEND_IN_DOLLAR: 1.5 }] });

function engine(policy: Partial<ReportPolicy>) {
  const limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  limiters.push(limiter);
  const requester = new Requester({
    baseUrl: API,
    limiter,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 },
  });
  requester.setTokenSource(new StaticToken('pina.secret'));
  return new ReportRunner(requester, () => undefined, { pollScheduleMs: [5], ...policy });
}

async function drain(gen: AsyncGenerator<ReportChunk>): Promise<number> {
  let rows = 0;
  for await (const c of gen) rows += c.kind === 'json' ? c.rows.length : c.records.length;
  return rows;
}

/** The report API answering `status(poll)` to every poll, counting creations. */
function reportApi(status: (poll: number) => Record<string, unknown>) {
  let creates = 0;
  let polls = 0;
  server.use(
    http.post(REPORTS, () => HttpResponse.json({ report_status: 'IN_PROGRESS', token: `t${++creates}` })),
    http.get(REPORTS, () => HttpResponse.json(status(polls++))),
  );
  return { creates: () => creates, polls: () => polls };
}

describe('report waits are bounded in time per window', () => {
  // Stated bound: maxWindowMs (400 ms here) plus one poll. The assertion allows 20 s: never tighter than the bound.
  test('a report that never finishes ends at the window bound with a transient error', async () => {
    const api = reportApi(() => ({ report_status: 'IN_PROGRESS' }));
    const err = await drain(engine({ maxWindowMs: 400, maxWaitMs: 60_000 }).rows(SPEC)).catch((e) => e);
    expect(err.failureType).toBe('transient_error');
    expect(err.message).toMatch(
      /^bounded report: the report was not read within 0\.4 s \(creation, polls and downloads of one window together\)/,
    );
    expect(err.message).toMatch(/the window is not skipped/);
    expect(api.creates()).toBe(1);
  }, 20_000);

  test('a status that cycles IN_PROGRESS → FAILED → re-created ends at the window bound, not after maxCreations waits', async () => {
    const api = reportApi((poll) => ({ report_status: poll % 2 === 0 ? 'IN_PROGRESS' : 'FAILED' }));
    const err = await drain(engine({ maxWindowMs: 400, maxCreations: 1_000_000 }).rows(SPEC)).catch((e) => e);
    expect(err.failureType).toBe('transient_error');
    expect(err.message).toMatch(/was not read within/);
    expect(api.creates()).toBeGreaterThan(1);
  }, 20_000);

  test('a link that keeps expiring, with the report re-created each time, ends at the window bound', async () => {
    let n = 0;
    reportApi(() => ({
      report_status: n++ % 3 === 2 ? 'EXPIRED' : 'FINISHED',
      url: 'https://files.example.com/f.json',
    }));
    server.use(
      http.get(
        'https://files.example.com/*',
        () => new HttpResponse('<Error>Request has expired</Error>', { status: 403 }),
      ),
    );
    const err = await drain(
      engine({ maxWindowMs: 300, maxDownloads: 1_000_000, maxCreations: 1_000_000 }).rows(SPEC),
    ).catch((e) => e);
    expect(err.failureType).toBe('transient_error');
    expect(err.message).toMatch(/was not read within/);
  }, 20_000);
});

describe('the download deadline', () => {
  test('an announced size that overflows a timer (> 2^31 ms) is clamped: the download is not aborted at once', async () => {
    reportApi(() => ({ report_status: 'FINISHED', url: 'https://files.example.com/f.json', size: 1e15 }));
    server.use(
      http.get('https://files.example.com/*', async () => {
        await new Promise((r) => setTimeout(r, 50)); // an unclamped deadline fires after 1 ms
        return new HttpResponse(FILE, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const e = engine({});
    expect(await drain(e.rows(SPEC))).toBe(1);
    expect(e.downloadDeadlineMs(1e15, Date.now() + 10 * MAX_TIMER_MS)).toBe(e.policy.maxDownloadMs);
    expect(e.downloadDeadlineMs(1e15, Date.now() + 10 * MAX_TIMER_MS)).toBeLessThanOrEqual(MAX_TIMER_MS);
    // A small file keeps its size-based deadline: base + size at 1 MiB/s.
    expect(e.downloadDeadlineMs(10 * 1024 * 1024, Date.now() + 10 * MAX_TIMER_MS)).toBe(
      e.policy.downloadBaseMs + 10_000,
    );
  });
});

describe('report link policy', () => {
  const HTTPS_API = 'https://api.pinterest.com/v5';
  const LOOPBACK_API = 'http://127.0.0.1:8080/v5';
  test.each([
    // link, API, refused with
    ['http://127.0.0.1:9/f.json', HTTPS_API, /only https/],
    ['http://localhost/f.json', HTTPS_API, /only https/],
    ['http://bucket.example.net/f.json', HTTPS_API, /only https/],
    ['http://bucket.example.net/f.json', LOOPBACK_API, /only https/],
    ['https://127.0.0.1/f.json', HTTPS_API, /internal address/],
    ['https://localhost/f.json', HTTPS_API, /internal address/],
    ['https://10.1.2.3/f.json', HTTPS_API, /internal address/],
    ['https://172.20.0.1/f.json', HTTPS_API, /internal address/],
    ['https://192.168.1.1/f.json', HTTPS_API, /internal address/],
    ['https://169.254.169.254/latest/meta-data', HTTPS_API, /internal address/],
    ['https://[::1]/f.json', HTTPS_API, /internal address/],
    ['https://[fd00::1]/f.json', HTTPS_API, /internal address/],
    ['https://[fe80::1]/f.json', HTTPS_API, /internal address/],
    ['https://[::ffff:10.0.0.1]/f.json', HTTPS_API, /internal address/],
    ['https://user:pw@bucket.example.net/f.json', HTTPS_API, /credentials/],
    ['ftp://bucket.example.net/f.json', HTTPS_API, /only https/],
    ['not a url', HTTPS_API, /not a URL/],
  ])('%s with the API at %s is refused', (link, api, message) => {
    expect(() => checkDownloadUrl(link, api)).toThrow(message);
  });

  test.each([
    ['https://pinterest-reports.s3.amazonaws.com/f.json?X-Amz-Signature=a', HTTPS_API],
    ['https://8.8.8.8/f.json', HTTPS_API],
    ['https://172.32.0.1/f.json', HTTPS_API],
    ['http://127.0.0.1:9/f.json', LOOPBACK_API],
    ['https://127.0.0.1:9/f.json', LOOPBACK_API],
    ['http://localhost:9/f.json', 'http://localhost:8/v5'],
  ])('%s with the API at %s is accepted', (link, api) => {
    expect(() => checkDownloadUrl(link, api)).not.toThrow();
  });

  test('internal addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'a.localhost', '[::1]', '0.0.0.0', '100.64.0.1'])
      expect([host, isInternalHost(host)]).toEqual([host, true]);
    for (const host of ['api.pinterest.com', '1.1.1.1', '[2606:4700::1111]', '192.169.0.1'])
      expect([host, isInternalHost(host)]).toEqual([host, false]);
  });

  test('a redirect hop to an internal address is refused, and no request reaches it', async () => {
    reportApi(() => ({ report_status: 'FINISHED', url: 'https://files.example.com/f.json' }));
    let internal = 0;
    server.use(
      http.get(
        'https://files.example.com/*',
        () =>
          new HttpResponse(null, { status: 302, headers: { location: 'https://169.254.169.254/latest/meta-data' } }),
      ),
      http.get('https://169.254.169.254/*', () => {
        internal++;
        return new HttpResponse('{}');
      }),
    );
    const err = await drain(engine({}).rows(SPEC)).catch((e) => e);
    expect(err.message).toMatch(/internal address \(169\.254\.169\.254\)/);
    expect(internal).toBe(0);
  });

  test('a plain-http link from an https API is refused before any request', async () => {
    reportApi(() => ({ report_status: 'FINISHED', url: 'http://127.0.0.1:9/f.json' }));
    const err = await drain(engine({}).rows(SPEC)).catch((e) => e);
    expect(err.message).toMatch(/over http:\/\/ to 127\.0\.0\.1:9; only https is accepted/);
  });
});
