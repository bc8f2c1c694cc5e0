/**
 * Time and memory stay bounded whatever Pinterest sends, measured on the real
 * process: the connector is spawned (`node dist/main.js`) against a hostile proxy in front of the simulator
 * that answers one route with a gzip bomb, a 1.2 GB chunked answer, a row whose string never ends or a
 * one-byte-a-while drip, and passes every other request through. Each case ends with a transient error
 * for that stream, the other stream complete, and a peak RSS (the kernel's, reported by the child at exit)
 * under 512 MB. A last case stops a read with SIGTERM while nobody reads its stdout.
 */
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { launchConnector, spawnConnector } from '../../test_kit/spawn';
import { startSimulator, type Simulator } from '../../simulator';
import { recordFigure } from '../../test_kit/reliability';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY, type Json } from '../../test_kit/constants';
import { errorTraces, statusTraces } from '../../test_kit/messages';
import { accessTokenConfig, connectorEnv } from '../../test_kit/simulator-run';
import { addDays } from '../../src/util/dates';

const RSS_LIMIT_MB = 512;
const PRELOAD = join(__dirname, 'report-rss.cjs');
const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-bounds-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

type Hostile = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A loopback server that answers paths matching `route` with `hostile` and passes the rest to the simulator. */
async function hostileProxy(
  sim: Simulator,
  route: RegExp,
  hostile: Hostile,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    if (route.test(req.url ?? '')) {
      hits++;
      hostile(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const target = new URL(req.url!, sim.url);
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'content-type', 'accept'])
        if (req.headers[h]) headers[h] = String(req.headers[h]);
      const answer = await fetch(target, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        'content-length': body.length,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${new URL(sim.url).pathname}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `produce(i)` chunks while the client reads, up to `maxBytes`, then `tail`; stops when the client leaves. */
function streamOut(
  res: http.ServerResponse,
  head: string,
  produce: () => Buffer,
  maxBytes: number,
  tail: string,
): void {
  res.writeHead(200, { 'content-type': 'application/json' }); // no Content-Length: chunked
  let sent = 0;
  let gone = false;
  res.on('close', () => {
    gone = true;
  });
  res.write(head);
  const pump = () => {
    while (!gone && sent < maxBytes) {
      const chunk = produce();
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!gone) res.end(tail);
  };
  pump();
}

let gzipBomb: Buffer;
async function makeGzipBomb(decodedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const block = Buffer.alloc(1 << 20, 0x20); // spaces: valid JSON whitespace, for ever
  gzip.write('{"items": [');
  for (let i = 0; i < decodedBytes / block.length; i++)
    if (!gzip.write(block)) await new Promise((r) => gzip.once('drain', r));
  gzip.end();
  await done;
  return Buffer.concat(parts);
}

describe('bounded time and memory against hostile answers (spawned, peak RSS measured)', () => {
  let sim: Simulator;
  const peak: Record<string, number> = {};
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
    gzipBomb = await makeGzipBomb(1024 * 1024 * 1024);
  }, 60_000);
  afterAll(async () => {
    await sim.close();
    recordFigure({
      suite: 'bounds',
      badInputs: Object.keys(peak).length,
      peakRssMb: peak,
      note: 'hostile answers, spawned',
    });
  });

  async function runAgainst(
    name: string,
    route: RegExp,
    hostile: Hostile,
    streams: string[],
    env: Record<string, string> = {},
    config: Json = {},
  ) {
    const proxy = await hostileProxy(sim, route, hostile);
    const rssFile = join(dir, `rss-${Object.keys(peak).length}-${Date.now()}.txt`);
    try {
      const run = await spawnConnector(
        [
          'read',
          '--config',
          write(`config-${Object.keys(peak).length}.json`, accessTokenConfig(sim, config)),
          '--catalog',
          write(`catalog-${streams.join('-')}.json`, fullCatalog('full_refresh', streams)),
        ],
        {
          env: connectorEnv(sim, { PINTEREST_API_URL: proxy.url, RSS_REPORT_FILE: rssFile, ...env }),
          nodeArgs: ['--require', PRELOAD],
        },
      );
      expect(existsSync(rssFile)).toBe(true); // absent: the process died without exiting (out of memory)
      const rssMb = Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024);
      peak[name] = rssMb;
      if (proxy.hits() === 0)
        throw new Error(
          `the hostile route was never asked: ${JSON.stringify(errorTraces(run.messages)).slice(0, 500)}`,
        );
      return { run, rssMb };
    } finally {
      await proxy.close();
    }
  }

  test('a 1 MB gzip bomb (1 GiB decoded) for a list page: stopped at the body limit', async () => {
    const { run, rssMb } = await runAgainst(
      'gzip bomb (1 MB → 1 GiB)',
      /\/boards\?/,
      (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'content-length': gzipBomb.length,
        });
        res.end(gzipBomb);
      },
      ['boards', 'pins'],
    );
    const [error] = errorTraces(run.messages);
    expect(error.failure_type).toBe('transient_error');
    expect(error.message).toMatch(/^boards: The response to GET \/boards is larger than the limit of 33554432 bytes/);
    expect(statusTraces(run.messages, 'pins').map((s) => s.status)).toContain('COMPLETE');
    expect(rssMb).toBeLessThan(RSS_LIMIT_MB);
  }, 120_000);

  test('a 1.2 GB chunked answer for a list page: stopped at the body limit, no "Cannot create a string"', async () => {
    const item = Buffer.from(JSON.stringify({ id: '610000001', name: 'x'.repeat(900), privacy: 'PUBLIC' }) + ',');
    const block = Buffer.concat(Array.from({ length: 64 }, () => item));
    const { run, rssMb } = await runAgainst(
      '1.2 GB chunked answer',
      /\/boards\?/,
      (_req, res) => streamOut(res, '{"items": [', () => block, 1.2e9, '{}], "bookmark": null}'),
      ['boards', 'pins'],
    );
    const [error] = errorTraces(run.messages);
    expect(error.failure_type).toBe('transient_error');
    expect(error.message).toMatch(/larger than the limit of 33554432 bytes/);
    expect(statusTraces(run.messages, 'pins').map((s) => s.status)).toContain('COMPLETE');
    expect(rssMb).toBeLessThan(RSS_LIMIT_MB);
  }, 120_000);

  test('a streamed analytics row whose string never ends: stopped at the row limit', async () => {
    const block = Buffer.alloc(1 << 20, 0x61); // 'a'
    const { run, rssMb } = await runAgainst(
      'endless string in a streamed row',
      /\/campaigns\/analytics\?/,
      (_req, res) => streamOut(res, `[{"CAMPAIGN_ID": "1", "DATE": "${TODAY}", "NOTE": "`, () => block, 1.2e9, '"}]'),
      ['campaign_analytics', 'boards'],
    );
    const errors = errorTraces(run.messages);
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /campaign_analytics: .*one element is longer than the limit of 16777216 bytes/,
    );
    expect(errors.every((e) => e.failure_type === 'transient_error')).toBe(true);
    expect(statusTraces(run.messages, 'boards').map((s) => s.status)).toContain('COMPLETE');
    expect(rssMb).toBeLessThan(RSS_LIMIT_MB);
  }, 120_000);

  // Bound: request_timeout (1 s here) × 6 attempts + backoff, for headers and body together.
  test('a streamed answer of one byte every 200 ms: each attempt ends at the request timeout, then the stream fails', async () => {
    const { run, rssMb } = await runAgainst(
      'drip feed (streamed answer)',
      /\/campaigns\/analytics\?/,
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const timer = setInterval(() => res.write(' '), 200);
        res.on('close', () => clearInterval(timer));
      },
      ['campaign_analytics', 'boards'],
      { PINTEREST_REQUEST_TIMEOUT_MS: '1000' },
      { start_date: TODAY },
    );
    const errors = errorTraces(run.messages);
    expect(errors.every((e) => e.failure_type === 'transient_error')).toBe(true);
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /campaign_analytics: Pinterest did not answer GET \/ad_accounts\/\d+\/campaigns\/analytics after 6 attempts \(last problem: timed out: the request took longer than its deadline of 1 s \(headers and body\)\)/,
    );
    expect(statusTraces(run.messages, 'boards').map((s) => s.status)).toContain('COMPLETE');
    expect(rssMb).toBeLessThan(RSS_LIMIT_MB);
  }, 120_000);

  // The report path has the API answers' bounds: nesting depth 64, rows of 16 MiB. Peak RSS under 512 MB.
  test('a JSON report file nested 1,000,000 levels deep (2 MB): a clear transient error for its stream, INCOMPLETE, no crash', async () => {
    const depth = 1_000_000;
    const deep = Buffer.from(
      `{"1": [{"CAMPAIGN_ID": "1", "DATE": "${TODAY}", "X": ${'['.repeat(depth)}${']'.repeat(depth)}}]}`,
    );
    const { run, rssMb } = await runAgainst(
      'report file nested 1,000,000 deep',
      /\/reports\?token=|\/deep-report\.json/,
      (req, res) => {
        if (req.url!.includes('deep-report')) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': deep.length });
          res.end(deep);
          return;
        }
        // Every poll: finished, with a link to the deep file on this (loopback) host.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            report_status: 'FINISHED',
            url: `http://${req.headers.host}/deep-report.json`,
            size: deep.length,
          }),
        );
      },
      ['campaign_analytics', 'boards'],
      { PINTEREST_REPORT_POLL_MS: '20' },
      { start_date: addDays(TODAY, -200) },
    );
    const errors = errorTraces(run.messages);
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /campaign_analytics: .*the report file has an unexpected shape \(nested deeper than 64 levels\); no window is skipped/,
    );
    expect(errors.every((e) => e.failure_type === 'transient_error')).toBe(true);
    expect(statusTraces(run.messages, 'campaign_analytics').map((s) => s.status)).toContain('INCOMPLETE');
    expect(statusTraces(run.messages, 'boards').map((s) => s.status)).toContain('COMPLETE');
    expect(rssMb).toBeLessThan(RSS_LIMIT_MB);
  }, 120_000);
});

describe('SIGTERM while the destination does not read stdout', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('the process exits within its stop timeout, and no record follows the notice', async () => {
    const child = launchConnector(
      [
        'read',
        '--config',
        write('sigterm-config.json', accessTokenConfig(sim)),
        '--catalog',
        write('sigterm-catalog.json', fullCatalog('incremental')),
      ],
      connectorEnv(sim),
    );
    const chunks: Buffer[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Read the first lines, then stop reading: the pipe fills and the connector blocks on it.
    await new Promise<void>((resolve) => {
      const take = (c: Buffer) => {
        chunks.push(c);
        if (Buffer.concat(chunks).toString('utf8').includes('"type":"RECORD"')) {
          child.stdout.off('data', take);
          child.stdout.pause();
          resolve();
        }
      };
      child.stdout.on('data', take);
    });
    await new Promise((r) => setTimeout(r, 1500)); // the connector has filled the pipe by now
    child.kill('SIGTERM');
    const code = await exited; // a connector waiting on 'drain' for ever never gets here (the test times out)
    expect(code).toBe(143);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    await new Promise((r) => child.on('close', r));
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
    const messages: Json[] = lines.flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
    expect(messages.filter((m) => m.type === 'RECORD').length).toBeGreaterThan(0);
    const notice = messages.findIndex((m) => m.type === 'LOG' && /Received SIGTERM; stopping/.test(m.log.message));
    if (notice >= 0) expect(messages.slice(notice + 1).filter((m) => m.type === 'RECORD')).toEqual([]);
    recordFigure({ suite: 'bounds', crashPoints: 1, note: 'SIGTERM with stdout not read' });
  }, 60_000);
});
