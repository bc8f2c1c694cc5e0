/**
 * npm run bench [-- --sizes S,M,L --pairs 2]: throughput, memory, requests and rate-limit use of a full read
 * of every stream against the simulator (run as its own process, serving cached pages), side by side with
 * the floor (scripts/floor.js: the same pages fetched and written as JSON lines, nothing else).
 * Prints a table per size; it asserts nothing about time (CI runs size S as a smoke of this script).
 * Report sections: `--history-size S` (default S; `none` skips) — a two-year backfill through asynchronous
 * reports and one DAY and one HOUR custom report; `--report-gb 1.1` — peak RSS with a report file above 1 GB.
 * Per size, each stream family (derived from the registry: lists, synchronous analytics, targeting, organic) is
 * also read on its own beside a floor of its own pages; `--families none` skips that. `--profile` runs the first
 * connector of each size under `node --cpu-prof` and prints the top self-time functions.
 * `--counts-size S` (default S; `none` skips): the organic streams read with and without Pinterest's
 * GET /pins/analytics beta (requests made / minimum, org_analytics requests and the minutes they take under
 * the connector's org_analytics budget), and each report-only stream read on its own (reports made / minimum).
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_COLUMNS } from '../src/config/schema';
import { streamOfRequest } from '../simulator';
import { MAIN, ROOT } from './lib/connector-process';
import { TODAY } from '../simulator/test-day';
import { STREAMS } from '../src/streams/definitions';
import { STANDARD_BUDGETS } from '../src/http/rate-limiter';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SIZES = arg('sizes', 'S,M,L')
  .split(',')
  .filter((s) => s !== 'none');
const PAIRS = Number(arg('pairs', '2'));
const RATE_LIMITED_SIZE = arg('rate-limited-size', 'M');
const HISTORY_SIZE = arg('history-size', 'S');
const REPORT_GB = Number(arg('report-gb', '0'));
const FAMILIES = arg('families', 'all') !== 'none';
const PROFILE = args.includes('--profile');
const COUNTS_SIZE = arg('counts-size', 'S');
const WORK = mkdtempSync(join(tmpdir(), 'source-pinterest-bench-'));

interface Sim {
  url: string;
  control: string;
  pid: number;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  stop(): Promise<string>;
}

async function startSim(size: string, extra: string[] = []): Promise<Sim> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(ROOT, 'simulator/cli.ts'),
      '--size',
      size,
      '--today',
      TODAY,
      '--cache-mb',
      '4096',
      ...extra,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}: ${stderr}`)));
  });
  const info = JSON.parse(first);
  return {
    ...info,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(stderr));
        process.kill(info.pid, 'SIGTERM');
      }),
  };
}

async function control(sim: Sim, op: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sim.control}/${op}`, {
    method: body === undefined && op !== 'reset-log' ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return res.json();
}

/**
 * Has the simulator collect its garbage, then waits until it has gone idle (under 5 % of a core over 200 ms,
 * at most 3 s): on a 2-core machine it shares the cores with what is measured, and the work left from the run
 * before (a collection of its heap of cached pages, gigabytes at L, after a few hundred MB served) would
 * otherwise be counted against the next run: a pause in its first answers, or CPU taken from it. Pinterest
 * does not share our CPU.
 */
async function settle(sim: Sim): Promise<void> {
  await control(sim, 'collect', {});
  const until = Date.now() + 3000;
  let before = await simCpuMicros(sim);
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await simCpuMicros(sim);
    if (now - before < 0.05 * 200_000) return;
    before = now;
  }
}

async function simCpuMicros(sim: Sim): Promise<number> {
  const s = await control(sim, 'stats');
  return s.cpuUserMicros + s.cpuSystemMicros;
}

/** Runs one measured read and the simulator's CPU over it: on 2 cores, what the simulator does takes from the run. */
async function measureBeside(sim: Sim, argv: string[], env: Record<string, string>): Promise<Measured> {
  const before = await simCpuMicros(sim);
  const m = await measure(argv, env);
  return { ...m, simCpu: ((await simCpuMicros(sim)) - before) / 1e6 };
}

/** A stream's family, from its definition: a family's regression shows in its own row, whoever added the stream. */
function familyOf(def: (typeof STREAMS)[number]): string {
  if (def.category === 'org_read' || def.category === 'org_analytics') return 'organic';
  if (def.kind === 'list') return 'lists';
  if (def.kind === 'snapshot') return 'organic';
  if (def.report && def.report.reportsOnly) return 'report rows';
  return def.targeting ? 'targeting' : 'synchronous analytics';
}
const FAMILY_ORDER = ['lists', 'synchronous analytics', 'targeting', 'report rows', 'organic'];

interface Measured {
  wall: number;
  cpu: number;
  rssMb: number;
  bytes: number;
  firstRecordMs?: number;
  tail: string;
  exit: number;
  /** The simulator's CPU seconds over the run (measureBeside). */
  simCpu?: number;
}

/** Runs a command under GNU time, draining stdout as a pipe (as Airbyte does), counting bytes. */
function measure(argv: string[], env: Record<string, string>): Promise<Measured> {
  const timeFile = join(WORK, `time-${Date.now()}-${Math.random()}.txt`);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let bytes = 0;
    let firstRecordMs: number | undefined;
    // Only the last chunks are kept (the final LOG line has the per-stream counts): the bench must stay cheap.
    let tail: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (firstRecordMs === undefined && chunk.includes('"RECORD"')) firstRecordMs = Date.now() - started;
      tail.push(chunk);
      if (tail.length > 4) tail = tail.slice(-4);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({
        wall,
        cpu: user + sys,
        rssMb: rssKb / 1024,
        bytes,
        firstRecordMs,
        tail: Buffer.concat(tail).toString('utf8'),
        exit: code ?? -1,
      });
    });
  });
}

function connectorFiles(sim: Sim, extra: Record<string, unknown> = {}) {
  const config = join(WORK, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      credentials: {
        auth_method: 'oauth2.0',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        refresh_token: sim.refreshToken,
      },
      ...extra,
    }),
  );
  const catalogPath = join(WORK, 'catalog.json');
  if (!existsSync(catalogPath)) {
    const out = execSync(`node ${MAIN} discover --config ${config}`, { cwd: ROOT }).toString();
    const streams = JSON.parse(out.split('\n').find((l) => l.includes('"CATALOG"'))!).catalog.streams;
    writeFileSync(
      catalogPath,
      JSON.stringify({
        streams: streams.map((s: any) => ({
          stream: s,
          sync_mode: 'full_refresh',
          destination_sync_mode: 'overwrite',
        })),
      }),
    );
  }
  return { config, catalog: catalogPath };
}

function recordsFromTail(tail: string): Map<string, number> {
  const line = tail
    .split('\n')
    .reverse()
    .find((l) => l.includes('Read finished:'));
  const out = new Map<string, number>();
  if (!line) return out;
  const message: string = JSON.parse(line).log.message;
  for (const m of message.matchAll(/(\w+)=(\d+)/g)) out.set(m[1], Number(m[2]));
  return out;
}

const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function benchSize(size: string): Promise<void> {
  const sim = await startSim(size);
  try {
    const files = connectorFiles(sim);
    const env = { PINTEREST_API_URL: sim.url, PINTEREST_TODAY: TODAY, PINTEREST_RATE_LIMITS: 'off' };
    const connectorArgv = [process.execPath, MAIN, 'read', '--config', files.config, '--catalog', files.catalog];
    // Warm-up: fills the simulator's page cache and gives the list of pages the floor fetches.
    await control(sim, 'reset-log');
    const warm = await measure(connectorArgv, env);
    if (warm.exit !== 0) throw new Error(`the connector failed on size ${size}`);
    const log: Array<{ method: string; path: string; query: Record<string, string | string[]> }> = await control(
      sim,
      'log',
    );
    const made = new Map<string, number>();
    for (const r of log) {
      const s = streamOfRequest(r.method, r.path) ?? 'set-up';
      made.set(s, (made.get(s) ?? 0) + 1);
    }
    const truth = await control(sim, 'ground-truth', { today: TODAY, columns: DEFAULT_COLUMNS, countsOnly: true });
    const plan = writePlan(sim, `plan-${size}`, log);
    const pairs: Array<{ connector: Measured; floor: Measured }> = [];
    for (let i = 0; i < PAIRS; i++) {
      const profileDir = PROFILE && i === 0 ? join(WORK, `profile-${size}`) : undefined;
      const argv = profileDir
        ? [process.execPath, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...connectorArgv.slice(1)]
        : connectorArgv;
      await settle(sim);
      const connector = await measureBeside(sim, argv, env);
      if (profileDir) profiles.push({ size, dir: profileDir });
      await settle(sim);
      const floor = await measureBeside(sim, [process.execPath, join(ROOT, 'scripts/floor.js'), plan], {});
      pairs.push({ connector, floor });
    }
    const simStats = await control(sim, 'stats');
    const records = recordsFromTail(pairs[0].connector.tail);
    const total = [...records.values()].reduce((a, b) => a + b, 0);
    const best = pairs.reduce((a, b) => (b.connector.wall < a.connector.wall ? b : a));

    console.log(`\n## Size ${size}: ${fmt(total, 0)} records, ${fmt(best.connector.bytes / 1e6)} MB of output`);
    console.log(
      '| run | wall s | records/s | output MB/s | CPU s | CPU ms / 1,000 records | peak RSS MB | first record s | simulator CPU s | floor wall s | floor CPU s | simulator CPU s (floor) | connector / floor |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    pairs.forEach((p, i) => {
      const c = p.connector;
      console.log(
        `| ${i + 1} | ${fmt(c.wall, 2)} | ${fmt(total / c.wall, 0)} | ${fmt(c.bytes / 1e6 / c.wall)} | ${fmt(c.cpu, 2)} | ${fmt((1e6 * c.cpu) / total, 0)} | ${fmt(c.rssMb, 0)} | ${c.firstRecordMs !== undefined ? fmt(c.firstRecordMs / 1000, 2) : '–'} | ${fmt(c.simCpu!, 2)} | ${fmt(p.floor.wall, 2)} | ${fmt(p.floor.cpu, 2)} | ${fmt(p.floor.simCpu!, 2)} | ${fmt(c.wall / p.floor.wall, 2)} |`,
      );
    });
    console.log(
      `simulator CPU over the whole size (warm-up + ${PAIRS} pairs): ${fmt((simStats.cpuUserMicros + simStats.cpuSystemMicros) / 1e6, 1)} s`,
    );
    console.log('\n| stream | records | requests made | minimum | made / minimum |');
    console.log('|---|---:|---:|---:|---:|');
    const min: Record<string, number> = truth.minRequests;
    for (const [stream, count] of records) {
      // Streams that share one endpoint (ad_analytics and ad_analytics_daily) are counted together.
      const key = [...made.keys()].find((k) => k.split('|').includes(stream)) ?? stream;
      const shared = key.includes('|');
      const m = made.get(key) ?? 0;
      const want = key.split('|').reduce((n, s) => n + (min[s] ?? 0), 0);
      // A stream without requests of its own (ad_accounts: the set-up list) shows 0 / 0.
      console.log(
        `| ${stream} | ${fmt(count, 0)} | ${m}${shared ? '*' : ''} | ${want}${shared ? '*' : ''} | ${want === 0 && m === 0 ? '–' : fmt(m / want, 2)} |`,
      );
    }
    const reports = log.filter((r) => r.path.endsWith('/reports'));
    const created = reports.filter((r) => r.method === 'POST').length;
    const minReports = Object.values(truth.minReports as Record<string, number>).reduce((a, b) => a + b, 0);
    console.log(
      `(set-up requests: ${(made.get('set-up') ?? 0) - reports.length}; reports: ${created} created (minimum ${minReports}; per stream in "Report-only streams"), ${reports.length - created} polls; * streams that share one endpoint, counted together)`,
    );
    if (FAMILIES) await benchFamilies(sim, size, files, env);
  } finally {
    await sim.stop();
  }
}

type LoggedRequest = { method: string; path: string; query: Record<string, string | string[]> };

/** The floor's plan: the GET pages of a logged read (the token request is the floor's own). */
function writePlan(sim: Sim, name: string, log: LoggedRequest[]): string {
  const paths = log
    .filter((r) => r.method === 'GET')
    .map((r) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(r.query)) for (const x of [v].flat()) q.append(k, x);
      return `${r.path}?${q}`;
    });
  const plan = join(WORK, `${name}.json`);
  writeFileSync(
    plan,
    JSON.stringify({
      url: sim.url,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      refreshToken: sim.refreshToken,
      paths,
      concurrency: 8,
    }),
  );
  return plan;
}

/**
 * Each family read on its own (its streams only; the lists its streams draw on are fetched as set-up) and a
 * floor over the pages that read fetched: connector / floor and CPU per 1,000 records, family by family.
 */
async function benchFamilies(
  sim: Sim,
  size: string,
  files: { config: string; catalog: string },
  env: Record<string, string>,
): Promise<void> {
  const all = JSON.parse(readFileSync(files.catalog, 'utf8'));
  const family = new Map(STREAMS.map((d) => [d.name, familyOf(d)]));
  const names = [...new Set([...FAMILY_ORDER, ...family.values()])];
  console.log(`\n### Size ${size} by stream family (each family read on its own, beside a floor of its own pages)`);
  console.log(
    '| family | streams | records | wall s | CPU s | CPU ms / 1,000 records | peak RSS MB | floor wall s | floor CPU s | connector / floor (wall) | connector / floor (CPU) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const name of names) {
    const streams = all.streams.filter((s: any) => family.get(s.stream.name) === name);
    if (streams.length === 0) continue;
    const catalog = join(WORK, `catalog-${name.replace(/\W/g, '_')}.json`);
    writeFileSync(catalog, JSON.stringify({ streams }));
    await control(sim, 'reset-log');
    await settle(sim);
    const c = await measure([process.execPath, MAIN, 'read', '--config', files.config, '--catalog', catalog], env);
    const plan = writePlan(sim, `plan-${size}-${name.replace(/\W/g, '_')}`, await control(sim, 'log'));
    await settle(sim);
    const f = await measure([process.execPath, join(ROOT, 'scripts/floor.js'), plan], {});
    const records = [...recordsFromTail(c.tail).values()].reduce((a, b) => a + b, 0);
    console.log(
      `| ${name} | ${streams.length} | ${fmt(records, 0)} | ${fmt(c.wall, 2)} | ${fmt(c.cpu, 2)} | ${fmt((1e6 * c.cpu) / Math.max(1, records), 0)} | ${fmt(c.rssMb, 0)} | ${fmt(f.wall, 2)} | ${fmt(f.cpu, 2)} | ${fmt(c.wall / f.wall, 2)} | ${fmt(c.cpu / f.cpu, 2)} |`,
    );
  }
}

type CountedRequest = LoggedRequest & { category: string };

/** Requests made per stream of one logged read (streams that share an endpoint keyed "a|b"). */
function madePerStream(log: CountedRequest[]): Map<string, number> {
  const made = new Map<string, number>();
  for (const r of log) {
    const s = streamOfRequest(r.method, r.path) ?? 'set-up';
    made.set(s, (made.get(s) ?? 0) + 1);
  }
  return made;
}

/**
 * The organic streams with and without the GET /pins/analytics beta (simulator knob): pin_analytics one pin a
 * request before, ≤ 100 pins a request after; the org_analytics requests in minutes of the connector's budget.
 */
async function benchOrganic(size: string): Promise<void> {
  const organic = STREAMS.filter((d) => familyOf(d) === 'organic').map((d) => d.name);
  const budget = STANDARD_BUDGETS.org_analytics!;
  const minutes = (n: number) => (n / budget.limit) * (budget.windowMs / 60_000);
  const runs: Array<{ made: Map<string, number>; min: Record<string, number>; org: number; records: number }> = [];
  for (const extra of [['--no-pin-analytics-beta'], []]) {
    const sim = await startSim(size, extra);
    try {
      const files = connectorFiles(sim);
      const all = JSON.parse(readFileSync(files.catalog, 'utf8'));
      const catalog = join(WORK, 'catalog-organic-counts.json');
      writeFileSync(
        catalog,
        JSON.stringify({ streams: all.streams.filter((s: any) => organic.includes(s.stream.name)) }),
      );
      await control(sim, 'reset-log');
      const env = { PINTEREST_API_URL: sim.url, PINTEREST_TODAY: TODAY, PINTEREST_RATE_LIMITS: 'off' };
      const run = await measure([process.execPath, MAIN, 'read', '--config', files.config, '--catalog', catalog], env);
      if (run.exit !== 0) throw new Error(`the organic read failed at size ${size} (${extra.join(' ') || 'beta'})`);
      const log: CountedRequest[] = await control(sim, 'log');
      const truth = await control(sim, 'ground-truth', { today: TODAY, columns: DEFAULT_COLUMNS, countsOnly: true });
      const records = [...recordsFromTail(run.tail).values()].reduce((a, b) => a + b, 0);
      const org = log.filter((r) => r.category === 'org_analytics').length;
      runs.push({ made: madePerStream(log), min: truth.minRequests, org, records });
    } finally {
      await sim.stop();
    }
  }
  const [before, after] = runs;
  console.log(
    `\n## Organic requests (size ${size}): pin_analytics per pin (no /pins/analytics beta) before, batched after`,
  );
  console.log('| stream | before: made | minimum | after: made | minimum |');
  console.log('|---|---:|---:|---:|---:|');
  for (const name of organic) {
    const cell = (r: (typeof runs)[number]) => `${r.made.get(name) ?? 0} | ${r.min[name] ?? 0}`;
    console.log(`| ${name} | ${cell(before)} | ${cell(after)} |`);
  }
  console.log(
    `org_analytics requests: ${before.org} before, ${after.org} after; at the connector's budget of ${budget.limit} per ${budget.windowMs / 60_000} min that is ${fmt(minutes(before.org))} min before and ${fmt(minutes(after.org))} min after: **${fmt(minutes(before.org) - minutes(after.org))} min saved** (records ${fmt(before.records, 0)} and ${fmt(after.records, 0)})`,
  );
}

/** Each report-only stream read on its own (full refresh, default start): reports created against the minimum. */
async function benchReportOnly(size: string): Promise<void> {
  const sim = await startSim(size, ['--reports', JSON.stringify({ pollsUntilReady: 2 })]);
  try {
    const files = connectorFiles(sim);
    const all = JSON.parse(readFileSync(files.catalog, 'utf8'));
    const env = {
      PINTEREST_API_URL: sim.url,
      PINTEREST_TODAY: TODAY,
      PINTEREST_RATE_LIMITS: 'off',
      PINTEREST_REPORT_POLL_MS: '500',
    };
    const truth = await control(sim, 'ground-truth', { today: TODAY, columns: DEFAULT_COLUMNS, countsOnly: true });
    console.log(`\n## Report-only streams (size ${size}), each read on its own`);
    console.log('| stream | records | reports made | minimum | made / minimum | polls per report | other requests |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const def of STREAMS.filter((d) => familyOf(d) === 'report rows')) {
      const catalog = join(WORK, `catalog-report-only-${def.name}.json`);
      writeFileSync(catalog, JSON.stringify({ streams: all.streams.filter((s: any) => s.stream.name === def.name) }));
      await control(sim, 'reset-log');
      const run = await measure([process.execPath, MAIN, 'read', '--config', files.config, '--catalog', catalog], env);
      if (run.exit !== 0) throw new Error(`the read of ${def.name} failed at size ${size}`);
      const log: CountedRequest[] = await control(sim, 'log');
      const reports = log.filter((r) => r.path.endsWith('/reports'));
      const made = reports.filter((r) => r.method === 'POST').length;
      const want: number = truth.minReports[def.name] ?? 0;
      const records = recordsFromTail(run.tail).get(def.name) ?? 0;
      console.log(
        `| ${def.name} | ${fmt(records, 0)} | ${made} | ${want} | ${want === 0 && made === 0 ? '–' : fmt(made / want, 2)} | ${fmt((reports.length - made) / Math.max(1, made), 2)} | ${log.length - reports.length} |`,
      );
    }
  } finally {
    await sim.stop();
  }
}

const profiles: Array<{ size: string; dir: string }> = [];

/** The top self-time functions of a V8 CPU profile (node --cpu-prof), as shares of the sampled time. */
function printProfile(size: string, dir: string, top = 15): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const cf = byId.get(id)!.callFrame;
    const where = cf.url ? ` ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
    total += profile.timeDeltas[i];
  });
  console.log(`\n### CPU profile of the first read at size ${size}: top ${top} functions by self time`);
  console.log('| function | self time % |');
  console.log('|---|---:|');
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`| ${key.replace(/\|/g, '\\|')} | ${fmt((100 * us) / total, 1)} |`);
}

/**
 * The analytics limit scaled in time: 300 requests per 6 s (Pinterest: 300 per 60 s). So that the limit, not
 * the data, bounds the run, the account count is raised and window_days is 15: many small analytics requests.
 */
async function benchRateLimited(size: string): Promise<void> {
  const budget = { ads_analytics: { limit: 300, windowMs: 6000 } };
  const sim = await startSim(size, [
    '--size-json',
    JSON.stringify({ adAccounts: 24, sharedAdAccounts: 0 }),
    '--rate-limits',
    JSON.stringify(budget),
    '--rate-limit-headers',
  ]);
  try {
    const files = connectorFiles(sim, { window_days: 15 });
    await control(sim, 'reset-log');
    const run = await measure([process.execPath, MAIN, 'read', '--config', files.config, '--catalog', files.catalog], {
      PINTEREST_API_URL: sim.url,
      PINTEREST_TODAY: TODAY,
      PINTEREST_RATE_LIMITS: JSON.stringify({
        ...budget,
        ads_read: null,
        org_read: null,
        org_analytics: null,
        universal: null,
      }),
    });
    const log: Array<{ category: string; at: number; status: number }> = await control(sim, 'log');
    const analytics = log.filter((r) => r.category === 'ads_analytics');
    const ok = analytics.filter((r) => r.status !== 429);
    const span = (ok[ok.length - 1].at - ok[0].at) / 1000;
    const achieved = (ok.length - 1) / span;
    const allowed = budget.ads_analytics.limit / (budget.ads_analytics.windowMs / 1000);
    const limited = analytics.length - ok.length;
    console.log(
      `\n## Rate-limited run (size ${size} with 24 ad accounts, window_days 15; ads_analytics limited to ${budget.ads_analytics.limit} per ${budget.ads_analytics.windowMs / 1000} s = ${allowed}/s, Pinterest's 300/min scaled 10× in time)`,
    );
    console.log('| analytics requests | answered 429 | achieved rate /s | share of allowed | wall s | exit |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${analytics.length} | ${limited} (${fmt((100 * limited) / analytics.length, 2)} %) | ${fmt(achieved, 1)} | ${fmt((100 * achieved) / allowed, 1)} % | ${fmt(run.wall, 2)} | ${run.exit} |`,
    );
  } finally {
    await sim.stop();
  }
}

const ADS_ANALYTICS = /^(campaign|ad_group|ad|ad_account)(_targeting)?_analytics$|^ad_analytics_daily$/;

/** The ads-analytics streams, incremental, from a fresh discover (the history sections read only these). */
function historyFiles(sim: Sim, name: string, config: Record<string, unknown>, only?: string) {
  const configPath = join(WORK, `${name}-config.json`);
  writeFileSync(
    configPath,
    JSON.stringify({
      credentials: {
        auth_method: 'oauth2.0',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        refresh_token: sim.refreshToken,
      },
      ...config,
    }),
  );
  const out = execSync(`node ${MAIN} discover --config ${configPath}`, { cwd: ROOT }).toString();
  const streams = JSON.parse(out.split('\n').find((l) => l.includes('"CATALOG"'))!).catalog.streams.filter((s: any) =>
    only ? s.name === only : ADS_ANALYTICS.test(s.name),
  );
  const catalogPath = join(WORK, `${name}-catalog.json`);
  writeFileSync(
    catalogPath,
    JSON.stringify({
      streams: streams.map((s: any) => ({
        stream: s,
        sync_mode: 'incremental',
        destination_sync_mode: 'append',
        cursor_field: ['date'],
      })),
    }),
  );
  return { config: configPath, catalog: catalogPath, streams: streams.map((s: any) => s.name as string) };
}

const daysBefore = (n: number) =>
  new Date(Date.parse(`${TODAY}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/**
 * A two-year backfill of the ads-analytics streams: 640 days from asynchronous reports (the simulator takes
 * two polls per report, polled every 0.5 s), the last 90 from the synchronous endpoints; beside it the same
 * streams over the last 90 days only, for records/s of the synchronous path.
 */
async function benchHistory(size: string): Promise<void> {
  const sim = await startSim(size, ['--reports', JSON.stringify({ pollsUntilReady: 2 })]);
  try {
    const files = historyFiles(sim, 'history', { start_date: daysBefore(730) });
    const env = {
      PINTEREST_API_URL: sim.url,
      PINTEREST_TODAY: TODAY,
      PINTEREST_RATE_LIMITS: 'off',
      PINTEREST_REPORT_POLL_MS: '500',
    };
    await control(sim, 'reset-log');
    const run = await measure(
      [process.execPath, MAIN, 'read', '--config', files.config, '--catalog', files.catalog],
      env,
    );
    if (run.exit !== 0) throw new Error(`the history backfill failed at size ${size}`);
    const log: Array<{ method: string; path: string }> = await control(sim, 'log');
    const reports = log.filter((r) => r.path.endsWith('/reports'));
    const made = reports.filter((r) => r.method === 'POST').length;
    const polls = reports.length - made;
    const stats = await control(sim, 'stats');
    const truth = await control(sim, 'ground-truth', {
      today: TODAY,
      columns: DEFAULT_COLUMNS,
      startDate: daysBefore(730),
      countsOnly: true,
    });
    const minimum = files.streams.reduce((n: number, s: string) => n + (truth.minReports[s] ?? 0), 0);
    const records = [...recordsFromTail(run.tail).values()].reduce((a, b) => a + b, 0);

    const syncFiles = historyFiles(sim, 'history-sync', { start_date: daysBefore(89) });
    const sync = await measure(
      [process.execPath, MAIN, 'read', '--config', syncFiles.config, '--catalog', syncFiles.catalog],
      env,
    );
    const syncRecords = [...recordsFromTail(sync.tail).values()].reduce((a, b) => a + b, 0);

    console.log(
      `\n## Two-year backfill (size ${size}): ${files.streams.length} ads-analytics streams from ${daysBefore(730)}, 640 days from reports`,
    );
    console.log(
      '| reports made | minimum | polls per report | downloaded MB | download MB/s (over the run) | records | records/s | CPU ms / 1,000 records | peak RSS MB | wall s | 90-day synchronous read: records/s | its CPU ms / 1,000 records |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${made} | ${minimum} | ${fmt(polls / Math.max(1, made), 2)} | ${fmt(stats.reports.bytes / 1e6, 2)} | ${fmt(stats.reports.bytes / 1e6 / run.wall, 2)} | ${fmt(records, 0)} | ${fmt(records / run.wall, 0)} | ${fmt((1e6 * run.cpu) / records, 0)} | ${fmt(run.rssMb, 0)} | ${fmt(run.wall, 2)} | ${fmt(syncRecords / sync.wall, 0)} | ${fmt((1e6 * sync.cpu) / syncRecords, 0)} |`,
    );
  } finally {
    await sim.stop();
  }
}

/** Two custom reports: ads by DAY over two years, campaigns by HOUR over Pinterest's 8 days. */
async function benchCustom(size: string): Promise<void> {
  const sim = await startSim(size, ['--reports', JSON.stringify({ pollsUntilReady: 2 })]);
  try {
    const reports = [
      { name: 'bench_day', level: 'PIN_PROMOTION', columns: DEFAULT_COLUMNS, start_date: daysBefore(730) },
      {
        name: 'bench_hour',
        level: 'CAMPAIGN',
        granularity: 'HOUR',
        columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'],
        start_date: daysBefore(7),
      },
    ];
    const configPath = join(WORK, 'custom-config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        credentials: {
          auth_method: 'oauth2.0',
          client_id: sim.clientId,
          client_secret: sim.clientSecret,
          refresh_token: sim.refreshToken,
        },
        custom_reports: reports,
      }),
    );
    const out = execSync(`node ${MAIN} discover --config ${configPath}`, { cwd: ROOT }).toString();
    const streams = JSON.parse(out.split('\n').find((l) => l.includes('"CATALOG"'))!).catalog.streams.filter((s: any) =>
      s.name.startsWith('custom_'),
    );
    const catalogPath = join(WORK, 'custom-catalog.json');
    writeFileSync(
      catalogPath,
      JSON.stringify({
        streams: streams.map((s: any) => ({
          stream: s,
          sync_mode: 'incremental',
          destination_sync_mode: 'append',
          cursor_field: ['date'],
        })),
      }),
    );
    const gt = await control(sim, 'ground-truth', { today: TODAY, columns: DEFAULT_COLUMNS, countsOnly: true });
    const accounts = gt.adAccountIds.length;
    console.log(`\n## Custom reports (size ${size}, ${accounts} ad accounts; two polls per report, every 0.5 s)`);
    console.log('| report | reports made | minimum | polls per report | records | peak RSS MB | wall s |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [i, r] of reports.entries()) {
      const one = join(WORK, `custom-catalog-${i}.json`);
      const all = JSON.parse(readFileSync(catalogPath, 'utf8'));
      writeFileSync(
        one,
        JSON.stringify({ streams: all.streams.filter((s: any) => s.stream.name === `custom_${r.name}`) }),
      );
      await control(sim, 'reset-log');
      const run = await measure([process.execPath, MAIN, 'read', '--config', configPath, '--catalog', one], {
        PINTEREST_API_URL: sim.url,
        PINTEREST_TODAY: TODAY,
        PINTEREST_RATE_LIMITS: 'off',
        PINTEREST_REPORT_POLL_MS: '500',
      });
      const log: Array<{ method: string; path: string }> = await control(sim, 'log');
      const made = log.filter((x) => x.method === 'POST' && x.path.endsWith('/reports')).length;
      const polls = log.filter((x) => x.method === 'GET' && x.path.endsWith('/reports')).length;
      const days = r.granularity === 'HOUR' ? 8 : 731;
      const minimum = accounts * Math.ceil(days / (r.granularity === 'HOUR' ? 3 : 186));
      const records = [...recordsFromTail(run.tail).values()].reduce((a, b) => a + b, 0);
      console.log(
        `| custom_${r.name} (${r.level}, ${r.granularity ?? 'DAY'}) | ${made} | ${minimum} | ${fmt(polls / Math.max(1, made), 2)} | ${fmt(records, 0)} | ${fmt(run.rssMb, 0)} | ${fmt(run.wall, 2)} |`,
      );
    }
  } finally {
    await sim.stop();
  }
}

/**
 * Memory with a report file larger than `gb` GB: one campaign report whose JSON members the simulator
 * repeats (streamed), read by the connector; peak RSS must stay flat (< 256 MB) however large the file.
 */
async function benchReportMemory(gb: number): Promise<void> {
  const config = {
    start_date: daysBefore(275),
    end_date: daysBefore(90),
    columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'],
  };
  const env = (sim: Sim) => ({
    PINTEREST_API_URL: sim.url,
    PINTEREST_TODAY: TODAY,
    PINTEREST_RATE_LIMITS: 'off',
    PINTEREST_REPORT_POLL_MS: '50',
  });
  // A first read learns the size of the one report file; the second serves it repeated past the target.
  const probe = await startSim('DEFAULT');
  let fileBytes = 0;
  try {
    // One account (the first: hundreds of campaigns), so that exactly one report file is read.
    const gt = await control(probe, 'ground-truth', { today: TODAY, columns: config.columns, countsOnly: true });
    Object.assign(config, { ad_account_ids: [gt.adAccountIds[0]] });
    const files = historyFiles(probe, 'memory-probe', config, 'campaign_analytics');
    const run = await measure(
      [process.execPath, MAIN, 'read', '--config', files.config, '--catalog', files.catalog],
      env(probe),
    );
    if (run.exit !== 0) throw new Error('the memory probe read failed');
    const stats = await control(probe, 'stats');
    fileBytes = stats.reports.bytes / Math.max(1, stats.reports.downloads);
  } finally {
    await probe.stop();
  }
  const repeat = Math.ceil((gb * 1e9) / fileBytes);
  const sim = await startSim('DEFAULT', ['--reports', JSON.stringify({ repeat }), '--no-request-log']);
  try {
    const files = historyFiles(sim, 'memory', config, 'campaign_analytics');
    const run = await measure(
      [process.execPath, MAIN, 'read', '--config', files.config, '--catalog', files.catalog],
      env(sim),
    );
    const stats = await control(sim, 'stats');
    const records = [...recordsFromTail(run.tail).values()].reduce((a, b) => a + b, 0);
    console.log(
      `\n## Report file of ${fmt(stats.reports.bytes / 1e9, 2)} GB (campaign_analytics, ${stats.reports.downloads} report(s), each file's members repeated ${repeat}×)`,
    );
    console.log('| downloaded GB | records | output GB | wall s | download MB/s | peak RSS MB | exit |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${fmt(stats.reports.bytes / 1e9, 2)} | ${fmt(records, 0)} | ${fmt(run.bytes / 1e9, 2)} | ${fmt(run.wall, 1)} | ${fmt(stats.reports.bytes / 1e6 / run.wall, 1)} | ${fmt(run.rssMb, 0)} | ${run.exit} |`,
    );
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
  console.log(
    `# source-pinterest benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`,
  );
  console.log(
    `Full-refresh read of all ${STREAMS.length} streams, default columns, window_days 90, today ${TODAY}; rate limits off; ${PAIRS} connector/floor pairs per size.`,
  );
  for (const size of SIZES) await benchSize(size);
  for (const p of profiles) printProfile(p.size, p.dir);
  if (COUNTS_SIZE !== 'none') await benchOrganic(COUNTS_SIZE);
  if (COUNTS_SIZE !== 'none') await benchReportOnly(COUNTS_SIZE);
  if (RATE_LIMITED_SIZE !== 'none') await benchRateLimited(RATE_LIMITED_SIZE);
  if (HISTORY_SIZE !== 'none') await benchHistory(HISTORY_SIZE);
  if (HISTORY_SIZE !== 'none') await benchCustom(HISTORY_SIZE);
  if (REPORT_GB > 0) await benchReportMemory(REPORT_GB);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
