/**
 * The command line for people, spawned as `node dist/main.js`: --version, -h, usage on a bare run (stderr,
 * not a TRACE), a folder as --config, a misspelled key warned about, and a previous read's output used as the
 * next read's state.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';
import { addDays } from '../../src/util/dates';

import { spawnedRunsTimeout } from '../../test_kit/timeouts';

// Each test spawns up to four runs of the connector.
jest.setTimeout(spawnedRunsTimeout(4));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const version = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;

test('--version prints the package version on stderr and exits 0; stdout stays empty', async () => {
  for (const flag of ['--version', '-v']) {
    const run = await h.run([flag]);
    expect(run.exitCode).toBe(0);
    expect(run.messages).toEqual([]);
    expect(run.result.stderr.trim()).toBe(version);
  }
});

test('-h / --help print the usage with every command on stderr and exit 0', async () => {
  for (const flag of ['-h', '--help']) {
    const run = await h.run([flag]);
    expect(run.exitCode).toBe(0);
    expect(run.messages).toEqual([]);
    for (const command of ['spec', 'check', 'discover', 'read', 'authorize'])
      expect(run.result.stderr).toContain(`source-pinterest ${command}`);
  }
  const readHelp = await h.run(['read', '--help']);
  expect(readHelp.exitCode).toBe(0);
  expect(readHelp.result.stderr).toMatch(/--write-config[\s\S]*--catalog[\s\S]*--state/);
});

test('no command: the usage on stderr, no TRACE, a non-zero exit', async () => {
  const run = await h.run([]);
  expect(run.exitCode).toBe(2);
  expect(run.messages).toEqual([]);
  expect(run.result.stderr).toContain('source-pinterest <command> [options]');
  expect(run.result.stderr).toContain('Name a command: spec, check, discover, read or authorize.');
});

test('a bad command line is still one TRACE for the platform, with a hint on stderr', async () => {
  const run = await h.run(['read', '--config', h.configPath]);
  expect(run.exitCode).toBe(1);
  expect(run.traces().map((t) => t.error.failure_type)).toEqual(['config_error']);
  expect(run.result.stderr).toMatch(/Missing required argument: catalog \(--help shows the usage\)/);
});

test('a folder passed as --config is named as a folder', async () => {
  const run = await h.run(['discover', '--config', h.dir]);
  expect(run.exitCode).toBe(1);
  expect(run.traces().map((t) => t.error.message)).toEqual([
    expect.stringContaining(`The config path ${h.dir} is a folder, not a file`),
  ]);
  const check = await h.run(['check', '--config', h.dir]);
  expect(check.ofType('CONNECTION_STATUS')[0].connectionStatus).toMatchObject({
    status: 'FAILED',
    message: expect.stringContaining('is a folder'),
  });
});

test('a misspelled config key is a WARN naming the nearest known key; the command goes on', async () => {
  const path = h.write('typo.json', { ...h.config, start_data: '2026-05-01', _note: 'ignored silently' });
  // --write-config keeps the rotated refresh token in the file, so the typo is the only WARN.
  const run = await h.run(['check', '--config', path, '--write-config']);
  expect(run.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('SUCCEEDED');
  const warnings = run
    .ofType('LOG')
    .filter((m) => m.log.level === 'WARN')
    .map((m) => m.log.message);
  expect(warnings).toEqual(["Unknown config key 'start_data' is ignored: did you mean 'start_date'?"]);
});

test("a previous read's output is a state file: the next read continues from its last states", async () => {
  const discover = await h.run(['discover', '--config', h.configPath]);
  const streams = discover
    .ofType('CATALOG')[0]
    .catalog.streams.filter((s: { name: string }) => s.name === 'campaign_analytics');
  const catalog = h.write('incremental.json', configureCatalog(streams, 'incremental'));
  const first = await h.run(['read', '--config', h.configPath, '--catalog', catalog]);
  expect(first.exitCode).toBe(0);
  const output = join(h.dir, 'first-read.jsonl');
  writeFileSync(output, first.messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
  const lastCursor = first.states('campaign_analytics').at(-1)!.stream.stream_state.date as string;

  const second = await h.run(['read', '--config', h.configPath, '--catalog', catalog, '--state', output]);
  expect(second.exitCode).toBe(0);
  const dates = second.records('campaign_analytics').map((r) => r.data.date as string);
  expect(dates.length).toBeGreaterThan(0);
  expect(dates.length).toBeLessThan(first.records('campaign_analytics').length);
  // lookback_days 3 (the acceptance config): the cursor day and the 3 before it are read again, nothing older
  const earliest = new Date(Date.parse(`${lastCursor}T00:00:00Z`) - 3 * 86_400_000).toISOString().slice(0, 10);
  expect(dates.every((d) => d >= earliest)).toBe(true);
});

test('a config given as --state is refused, named as a config', async () => {
  const catalog = h.write('boards.json', {
    streams: [
      {
        stream: { name: 'boards', json_schema: {}, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      },
    ],
  });
  const run = await h.run(['read', '--config', h.configPath, '--catalog', catalog, '--state', h.configPath]);
  expect(run.exitCode).toBe(1);
  expect(run.traces().map((t) => t.error.message)).toEqual([
    expect.stringMatching(
      /Invalid state: .* looks like a config, not a state\. A state file is the STATE lines a read printed/,
    ),
  ]);
  expect(run.records()).toEqual([]);
});

test('a misspelled option is refused before anything runs, naming it and the option meant', async () => {
  const cases: Array<[string[], string]> = [
    [['check', '--confg', h.configPath], 'unknown option --confg; did you mean --config?'],
    [
      ['check', '--config', h.configPath, '--write-confg'],
      'unknown option --write-confg; did you mean --write-config?',
    ],
    [
      ['read', '--config', h.configPath, '--catalog', 'c.json', '--stat=s.json'],
      'unknown option --stat; did you mean --state?',
    ],
  ];
  for (const [args, message] of cases) {
    const run = await h.run(args);
    expect(run.exitCode).toBe(1);
    expect(run.traces().map((t) => [t.error.failure_type, t.error.message])).toEqual([
      ['config_error', `Invalid command line: ${message}`],
    ]);
    expect(run.result.stderr).toContain(`${message} (--help shows the usage)`);
  }
  // camelCase and --no- forms of known options are still taken
  const run = await h.run(['check', '--config', h.configPath, '--no-write-config']);
  expect(run.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('SUCCEEDED');
});

test('a start_date after today is a config error naming the field, in check and in read (not an empty COMPLETE sync)', async () => {
  const path = h.write('future-start.json', { ...h.config, start_date: addDays(TODAY, 1) });
  const check = await h.run(['check', '--config', path]);
  expect(check.ofType('CONNECTION_STATUS').map((m) => [m.connectionStatus.status, m.connectionStatus.message])).toEqual(
    [['FAILED', expect.stringContaining(`'start_date' ${addDays(TODAY, 1)} is after today (${TODAY})`)]],
  );
  const catalog = h.write(
    'future-start-catalog.json',
    configureCatalog(
      (await h.run(['discover', '--config', h.configPath]))
        .ofType('CATALOG')[0]
        .catalog.streams.filter((s: { name: string }) => s.name === 'campaign_analytics'),
      'incremental',
    ),
  );
  const read = await h.run(['read', '--config', path, '--catalog', catalog]);
  expect(read.exitCode).toBe(1);
  expect(read.traces().map((t) => [t.error.failure_type, t.error.message])).toEqual([
    ['config_error', expect.stringContaining("'start_date'")],
  ]);
  expect(read.ofType('RECORD')).toEqual([]);
  // today itself is a start (a one-day read)
  const todayOnly = h.write('today-start.json', { ...h.config, start_date: TODAY });
  expect((await h.run(['check', '--config', todayOnly])).ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe(
    'SUCCEEDED',
  );
});

test('every invalid field of a config is named in one run, with the column meant', async () => {
  const path = h.write('many-wrong.json', {
    ...h.config,
    window_days: 5,
    custom_reports: [{ name: 'Spend', level: 'CAMPAIGN', columns: ['SPEND_IN_MICRO_DOLLARS'] }],
  });
  const run = await h.run(['check', '--config', path]);
  const message = run.ofType('CONNECTION_STATUS')[0].connectionStatus.message as string;
  expect(message).toContain("'window_days'");
  expect(message).toContain("'custom_reports.0.name'");
  expect(message).toContain(
    `'custom_reports.0.columns.0' (report "Spend"): "SPEND_IN_MICRO_DOLLARS" is not a Pinterest report column; did you mean SPEND_IN_MICRO_DOLLAR?`,
  );
});
