/**
 * The by-hand path: the simulator started as its own process with no flags takes the real UTC day as
 * today, and a person can `authorize` against it and then `check`, with no PINTEREST_TODAY anywhere.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ROOT } from '../../test_kit/spawn';
import { watchConnector } from '../../test_kit/watched-connector';

interface Announced {
  url: string;
  clientId: string;
  clientSecret: string;
  today: string;
}

const utcDay = () => new Date().toISOString().slice(0, 10);

let sim: ChildProcessByStdio<null, Readable, Readable>;
let announced: Announced;
let dayBefore: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'source-pinterest-by-hand-'));
  dayBefore = utcDay();
  sim = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'simulator/cli.ts'), '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  announced = await new Promise<Announced>((resolve, reject) => {
    let out = '';
    let err = '';
    sim.stderr.on('data', (d) => {
      err += d;
    });
    sim.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line));
    });
    sim.on('exit', (code) => reject(new Error(`the simulator exited (${code}) before announcing itself: ${err}`)));
  });
}, 120_000);

afterAll(async () => {
  if (!sim || sim.exitCode !== null) return;
  const exited = new Promise((resolve) => sim.on('exit', resolve));
  sim.kill('SIGTERM');
  await exited;
}, 60_000);

/** Runs the connector without PINTEREST_TODAY, against the simulator, as a person's shell would. */
const connector = (args: string[]) =>
  watchConnector(args, {
    PINTEREST_API_URL: announced.url,
    PINTEREST_OAUTH_URL: announced.url.replace(/\/v5$/, '/oauth/'),
    PINTEREST_TODAY: undefined,
  });

test('without --today the simulator takes the real UTC day', () => {
  expect([dayBefore, utcDay()]).toContain(announced.today);
});

test('authorize against the simulator writes a config that check accepts, with no PINTEREST_TODAY', async () => {
  const out = join(dir, 'config.json');
  const run = connector([
    'authorize',
    '--no-browser',
    '--client-id',
    announced.clientId,
    '--client-secret',
    announced.clientSecret,
    '--port',
    '0',
    '--out',
    out,
  ]);
  const url = await run.consent;
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const page = await fetch(new URL(consent.headers.get('location')!));
  expect(page.status).toBe(200);
  const done = await run.finished;
  expect([done.exitCode, existsSync(out)]).toEqual([0, true]);
  expect(JSON.parse(readFileSync(out, 'utf8')).credentials.client_id).toBe(announced.clientId);

  const check = await connector(['check', '--config', out]).finished;
  const statuses = check.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses.map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
}, 120_000);
