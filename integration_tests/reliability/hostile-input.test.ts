/**
 * Hostile and broken input, part 1: configs, catalogs, state files and command lines. Each case is its own
 * test (it.each, one row per case) and runs the connector in-process (test_kit/in-process.ts, the
 * msw fake of Pinterest behind fetch). A broken input gets one clear message with the right failure_type,
 * never a hang (a 15 s limit per case), never a stack trace as the user-facing message, and no state that
 * skips data. `check` turns the same config problems into one CONNECTION_STATUS FAILED (exit 0).
 * Part 2 (API responses) is hostile-api.test.ts.
 */
import { AD_EUR, AD_USD, BASE_CONFIG, useFakePinterest } from '../../test_kit/msw-pinterest';
import { runConnector, tempFiles, type RunResult } from '../../test_kit/in-process';
import { hasStackLines, recordFigure, stateAfterFailure } from '../../test_kit/reliability';
import { catalogFor } from '../../test_kit/catalog';

useFakePinterest({ campaigns: { [AD_USD]: 3, [AD_EUR]: 2 } });

const CASE_TIMEOUT = 15_000;
const CONFIG = { ...BASE_CONFIG, ad_account_ids: undefined };
const creds = BASE_CONFIG.credentials;
const CATALOG = catalogFor([{ name: 'campaign_analytics', sync_mode: 'incremental' }, { name: 'boards' }]);
const streamState = (name: string, stream_state: unknown) => [
  { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } },
];

/** MISSING: the file is not written (the path names a missing file); a string is written as is. */
type FileContent = unknown;
const MISSING = Symbol('missing');

interface Case {
  name: string;
  config?: FileContent | typeof MISSING;
  catalog?: FileContent | typeof MISSING;
  state?: FileContent | typeof MISSING;
  args?: string[];
  /** The expected failure, or 'ok' with its own checks. */
  failure?: 'config_error' | 'system_error' | 'transient_error';
  message?: RegExp;
  /** For failures before any read: no RECORD and no STATE at all (default true). */
  nothingRead?: boolean;
  /** Also run `check` with this config and expect FAILED with the message. */
  check?: boolean;
  ok?: (r: RunResult) => void;
}

async function run(c: Case): Promise<RunResult> {
  if (c.args) return runConnector(c.args);
  const files: Record<string, unknown> = {};
  if (c.config !== MISSING) files.config = c.config ?? CONFIG;
  if (c.catalog !== MISSING) files.catalog = c.catalog ?? CATALOG;
  if (c.state !== undefined && c.state !== MISSING) files.state = c.state;
  const paths = tempFiles(files);
  const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/'));
  const base = dirOf(Object.values(paths)[0]);
  const args = [
    'read',
    '--config',
    paths.config ?? `${base}/no-such-config.json`,
    '--catalog',
    paths.catalog ?? `${base}/no-such-catalog.json`,
    ...(c.state === MISSING ? ['--state', `${base}/no-such-state.json`] : paths.state ? ['--state', paths.state] : []),
  ];
  return runConnector(args);
}

async function runCheck(config: unknown): Promise<RunResult> {
  const paths = tempFiles(config === MISSING ? { other: {} } : { config });
  return runConnector(['check', '--config', paths.config ?? paths.other.replace(/other\.json$/, 'missing.json')]);
}

const badConfig = (name: string, config: unknown, message: RegExp): Case => ({
  name: `config: ${name}`,
  config,
  failure: 'config_error',
  message,
  check: true,
});
const badCatalog = (name: string, catalog: unknown, message: RegExp): Case => ({
  name: `catalog: ${name}`,
  catalog,
  failure: 'config_error',
  message,
});
const badState = (name: string, state: unknown, message: RegExp, nothingRead = true): Case => ({
  name: `state: ${name}`,
  state,
  failure: 'config_error',
  message,
  nothingRead,
});

const CASES: Case[] = [
  // ---- configs
  {
    name: 'config: the file does not exist',
    config: MISSING,
    failure: 'config_error',
    message: /config file .* does not exist/,
    check: true,
  },
  badConfig('not JSON', '{"credentials": {"auth_method": "oauth2.0",', /config file .* is not valid JSON/),
  badConfig('an empty file', '', /config must be a JSON object/),
  badConfig('a JSON list', '[1, 2]', /config must be a JSON object/),
  badConfig('credentials missing', { start_date: '2026-05-01' }, /'credentials' is required/),
  badConfig(
    'unknown auth method',
    { ...CONFIG, credentials: { auth_method: 'password', username: 'a', password: 'b' } },
    /credentials.*auth_method|oauth2\.0.*access_token/,
  ),
  badConfig(
    'client_secret is a number',
    { ...CONFIG, credentials: { ...creds, client_secret: 12345 } },
    /credentials\.client_secret/,
  ),
  badConfig(
    'refresh_token missing',
    { ...CONFIG, credentials: { auth_method: 'oauth2.0', client_id: 'a', client_secret: 'b' } },
    /credentials\.refresh_token/,
  ),
  badConfig(
    'access_token empty',
    { ...CONFIG, credentials: { auth_method: 'access_token', access_token: '' } },
    /credentials\.access_token.*empty/,
  ),
  badConfig(
    'start_date in the wrong format',
    { ...CONFIG, start_date: '2026/05/01' },
    /'start_date' must be a date written YYYY-MM-DD/,
  ),
  badConfig(
    'start_date not a calendar day',
    { ...CONFIG, start_date: '2026-02-30' },
    /'start_date' is not a calendar date/,
  ),
  badConfig('window_days 5', { ...CONFIG, window_days: 5 }, /'window_days'/),
  badConfig('window_days a string', { ...CONFIG, window_days: '30' }, /'window_days'/),
  badConfig('lookback_days negative', { ...CONFIG, lookback_days: -1 }, /'lookback_days'/),
  badConfig(
    'end_date before start_date',
    { ...CONFIG, start_date: '2026-06-01', end_date: '2026-05-01' },
    /'end_date' \(2026-05-01\) is before 'start_date' \(2026-06-01\)/,
  ),
  badConfig(
    'end_date older than the 914 days reports serve',
    { ...CONFIG, start_date: undefined, end_date: '2023-01-01' },
    /'end_date' 2023-01-01 is older than the 914 days/,
  ),
  badConfig(
    'ad account id ../../x',
    { ...CONFIG, ad_account_ids: ['../../x'] },
    /'ad_account_ids\.0' must be a numeric ad account id/,
  ),
  badConfig('ad_account_ids not a list', { ...CONFIG, ad_account_ids: '549755885175' }, /'ad_account_ids'/),
  badConfig(
    'an unknown analytics column',
    { ...CONFIG, columns: ['SPEND_IN_DOLLAR', 'DROP TABLE'] },
    /"DROP TABLE" is not a Pinterest analytics column/,
  ),
  badConfig('an unknown entity status', { ...CONFIG, entity_statuses: ['DELETED'] }, /'entity_statuses\.0'/),
  badConfig(
    'max_rate_limit_wait_seconds negative',
    { ...CONFIG, max_rate_limit_wait_seconds: -5 },
    /'max_rate_limit_wait_seconds'/,
  ),
  badConfig(
    'an attribution window of 3 days',
    { ...CONFIG, click_window_days: 3 },
    /'click_window_days' must be one of 0, 1, 7, 14, 30, 60/,
  ),
  // ---- catalogs
  badCatalog('an unknown stream', catalogFor([{ name: 'no_such_stream' }]), /stream 'no_such_stream' does not exist/),
  badCatalog(
    'sync_mode INVALID',
    {
      streams: [
        {
          stream: { name: 'boards', json_schema: {}, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'INVALID',
          destination_sync_mode: 'overwrite',
        },
      ],
    },
    /stream 'boards' does not support sync_mode "INVALID"/,
  ),
  badCatalog(
    'incremental on a full-refresh stream',
    catalogFor([{ name: 'boards', sync_mode: 'incremental' }]),
    /stream 'boards' does not support sync_mode "incremental"/,
  ),
  badCatalog('not JSON', '{"streams": [', /catalog file .* is not valid JSON/),
  badCatalog('streams missing', { stream: [] }, /"streams" list/),
  badCatalog('streams not a list', { streams: { boards: {} } }, /"streams" list/),
  badCatalog('JSON null', 'null', /"streams" list/),
  badCatalog(
    'a stream without a name',
    { streams: [{ stream: {}, sync_mode: 'full_refresh' }] },
    /streams\[0\] has no stream\.name/,
  ),
  badCatalog(
    'a stream configured twice',
    catalogFor([{ name: 'boards' }, { name: 'boards' }]),
    /stream 'boards' is configured twice/,
  ),
  {
    name: 'catalog: the file does not exist',
    catalog: MISSING,
    failure: 'config_error',
    message: /catalog file .* does not exist/,
  },
  // ---- state
  badState('garbage (not JSON)', 'garbage\u0000\u00ff{', /state file .* is not valid JSON/),
  badState('a JSON string', '"garbage"', /Invalid state/),
  badState('a list holding a number', '[42]', /Invalid state: element 0 is not an object/),
  badState(
    'a STREAM message without a descriptor',
    [{ type: 'STREAM', stream: { stream_state: { date: '2026-06-01' } } }],
    /stream_descriptor\.name/,
  ),
  badState(
    'stream_state a string',
    streamState('campaign_analytics', '2026-06-01'),
    /stream_state of 'campaign_analytics' is not an object/,
  ),
  badState(
    'date a number',
    streamState('campaign_analytics', { date: 20260601 }),
    /Invalid state for stream 'campaign_analytics': 'date' must be a date/,
    false,
  ),
  badState(
    'date not a calendar day',
    streamState('campaign_analytics', { date: '2026-13-45' }),
    /'date' must be a date/,
    false,
  ),
  badState(
    'partitions a list',
    streamState('campaign_analytics', { date: '2026-06-01', partitions: [AD_USD] }),
    /'partitions' must be an object/,
    false,
  ),
  badState(
    'a partition without a date',
    streamState('campaign_analytics', { partitions: { [AD_USD]: { day: '2026-06-01' } } }),
    /partition '549755885175' needs a 'date'/,
    false,
  ),
  {
    name: 'state: the file does not exist',
    state: MISSING,
    failure: 'config_error',
    message: /state file .* does not exist/,
  },
  {
    name: 'state: future dates yield no records and at least one state',
    state: streamState('campaign_analytics', { date: '3021-01-01' }),
    ok: (r) => {
      expect(r.records('campaign_analytics')).toEqual([]);
      expect(r.states('campaign_analytics').length).toBeGreaterThanOrEqual(1);
    },
  },
  {
    name: 'state: a future date for one partition; the account missing from it is backfilled',
    state: streamState('campaign_analytics', { date: '3021-01-01', partitions: { [AD_USD]: { date: '3021-01-01' } } }),
    ok: (r) => {
      const accounts = new Set(r.records('campaign_analytics').map((x) => x.ad_account_id));
      expect([...accounts]).toEqual([AD_EUR]);
      expect(r.records('campaign_analytics').some((x) => x.date === '2026-05-01')).toBe(true);
    },
  },
  {
    name: 'state: the legacy {stream: state} object is honoured',
    state: { campaign_analytics: { date: '2026-06-20' } },
    ok: (r) => {
      const dates = r.records('campaign_analytics').map((x) => x.date as string);
      expect(dates.length).toBeGreaterThan(0);
      expect(dates.every((d) => d >= '2026-06-20')).toBe(true);
    },
  },
  {
    name: 'state: a LEGACY message is honoured',
    state: { type: 'LEGACY', data: { campaign_analytics: { date: '2026-06-25' } } },
    ok: (r) => {
      expect(r.records('campaign_analytics').length).toBeGreaterThan(0);
      expect(r.records('campaign_analytics').every((x) => (x.date as string) >= '2026-06-25')).toBe(true);
    },
  },
  {
    name: 'state: a GLOBAL message is honoured',
    state: [
      {
        type: 'GLOBAL',
        global: {
          stream_states: [{ stream_descriptor: { name: 'campaign_analytics' }, stream_state: { date: '2026-06-25' } }],
        },
      },
    ],
    ok: (r) => {
      expect(r.records('campaign_analytics').length).toBeGreaterThan(0);
      expect(r.records('campaign_analytics').every((x) => (x.date as string) >= '2026-06-25')).toBe(true);
    },
  },
  {
    name: 'state: a date older than the API serves reads from the start',
    state: streamState('campaign_analytics', { date: '2020-01-01' }),
    ok: (r) => expect(r.records('campaign_analytics').some((x) => x.date === '2026-05-01')).toBe(true),
  },
  {
    name: 'state: the state of an unknown stream is ignored',
    state: streamState('no_such_stream', { date: '2026-06-01' }),
    ok: (r) => expect(r.records('campaign_analytics').length).toBeGreaterThan(0),
  },
  {
    name: 'state: an empty file is no state',
    state: '',
    ok: (r) => expect(r.records('campaign_analytics').length).toBeGreaterThan(0),
  },
  // ---- command lines
  {
    name: 'command line: an unknown command',
    args: ['frobnicate'],
    failure: 'config_error',
    message: /Invalid command line/,
  },
  {
    name: 'command line: a folder as --config',
    args: ['discover', '--config', process.cwd()],
    failure: 'config_error',
    message: /is a folder, not a file/,
  },
  {
    name: 'command line: read without --catalog',
    args: ['read', '--config', '/nonexistent/config.json'],
    failure: 'config_error',
    message: /Invalid command line: .*catalog/,
  },
];

afterAll(() => {
  recordFigure({
    suite: 'hostile-input',
    badInputs: CASES.length,
    note: 'configs, catalogs, state files, command lines',
  });
});

test.each(CASES.map((c) => [c.name, c] as const))(
  '%s',
  async (_name, c) => {
    const r = await run(c);
    const errors = r.traces();
    for (const e of errors) expect(hasStackLines(e.message)).toBe(false);
    expect(stateAfterFailure(r.messages)).toEqual([]);
    if (c.ok) {
      expect(errors).toEqual([]);
      expect(r.exitCode).toBe(0);
      c.ok(r);
      return;
    }
    expect(r.exitCode).not.toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe(c.failure);
    expect(errors[0].message).toMatch(c.message!);
    if (c.nothingRead !== false)
      expect(r.messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE')).toEqual([]);
    else
      expect(
        r.messages.filter(
          (m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === errors[0].stream_descriptor?.name,
        ),
      ).toEqual([]);
    if (c.check) {
      const checked = await runCheck(c.config ?? CONFIG);
      expect(checked.exitCode).toBe(0);
      expect(checked.traces()).toEqual([]);
      const status = checked.messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus;
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(c.message!);
    }
  },
  CASE_TIMEOUT,
);
