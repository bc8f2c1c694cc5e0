/**
 * The zod config: defaults, per-field validation with messages that name the field, ignored keys, and the
 * date rules that need "today" (end_date older than today − 913) through the commands.
 */
import { writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';

// Root reads any file: a refused read is made by the test (readFile passes through otherwise).
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual('node:fs/promises');
  return { ...actual, readFile: jest.fn(actual.readFile) };
});
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { loadConfig, parseConfig } from '../src/config/load';
import { ANALYTICS_COLUMNS, DEFAULT_COLUMNS } from '../src/config/schema';
import { ConnectorError } from '../src/errors';
import { API, OAUTH_CONFIG, runConnector, tempFiles } from '../test_kit/in-process';
import { catalogFor } from '../test_kit/catalog';
import { TODAY } from '../test_kit/constants';

const ACCESS = { auth_method: 'access_token', access_token: 'pina.secret-access-token' };
const base = (extra: Record<string, unknown> = {}) => ({ credentials: ACCESS, ...extra });

/** The ConnectorError parseConfig throws (a test fails if it does not throw one). */
function rejection(raw: unknown): ConnectorError {
  try {
    parseConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).failureType).toBe('config_error');
    return err as ConnectorError;
  }
  throw new Error(`config was accepted: ${JSON.stringify(raw)}`);
}

describe('defaults', () => {
  test('a config with only credentials gets every default of docs/contract.md §2', () => {
    const c = parseConfig(base());
    expect(c).toEqual({
      credentials: ACCESS,
      entity_statuses: ['ACTIVE', 'PAUSED', 'ARCHIVED'],
      lookback_days: 32,
      window_days: 90,
      max_rate_limit_wait_seconds: 600,
      click_window_days: 30,
      engagement_window_days: 30,
      view_window_days: 1,
      conversion_report_time: 'TIME_OF_AD_ACTION',
      concurrency: 8,
      request_timeout_seconds: 120,
      top_pins_sort_by: ['IMPRESSION'],
      top_video_pins_sort_by: ['IMPRESSION'],
    });
    // Optional fields whose default depends on today or the token stay unset.
    expect(c.start_date).toBeUndefined();
    expect(c.end_date).toBeUndefined();
    expect(c.ad_account_ids).toBeUndefined();
    expect(c.columns).toBeUndefined();
  });

  test('given values are kept, including the OAuth credentials', () => {
    const c = parseConfig({
      ...OAUTH_CONFIG,
      start_date: '2026-04-02',
      end_date: '2026-06-30',
      ad_account_ids: ['549755885175'],
      entity_statuses: ['ACTIVE'],
      lookback_days: 0,
      window_days: 15,
      columns: ['SPEND_IN_DOLLAR'],
      max_rate_limit_wait_seconds: 0,
      click_window_days: 0,
      engagement_window_days: 60,
      view_window_days: 7,
      conversion_report_time: 'TIME_OF_CONVERSION',
    });
    expect(c.credentials).toEqual(OAUTH_CONFIG.credentials);
    expect(c).toMatchObject({
      start_date: '2026-04-02',
      end_date: '2026-06-30',
      lookback_days: 0,
      window_days: 15,
      max_rate_limit_wait_seconds: 0,
      click_window_days: 0,
      view_window_days: 7,
    });
  });

  test('the default column set is a subset of the columns enum, without duplicates', () => {
    for (const c of DEFAULT_COLUMNS) expect(ANALYTICS_COLUMNS).toContain(c);
    expect(new Set(DEFAULT_COLUMNS).size).toBe(DEFAULT_COLUMNS.length);
  });
});

describe('every field is validated with a message naming it', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp | null]> = [
    ['lookback_days 90', { lookback_days: 90 }, 'lookback_days', /89/],
    [
      'targeting_types with an unknown type',
      { targeting_types: ['APPTYPE', 'SHOE_SIZE'] },
      'targeting_types.1',
      /"SHOE_SIZE" is not a Pinterest targeting type/,
    ],
    ['targeting_types empty', { targeting_types: [] }, 'targeting_types', /at least one/],
    ['lookback_days -1', { lookback_days: -1 }, 'lookback_days', /0/],
    ['lookback_days 1.5', { lookback_days: 1.5 }, 'lookback_days', /int/],
    ['lookback_days as a string', { lookback_days: '30' }, 'lookback_days', /number/],
    ['window_days 5', { window_days: 5 }, 'window_days', /15/],
    ['window_days 14', { window_days: 14 }, 'window_days', /15/],
    ['window_days 91', { window_days: 91 }, 'window_days', /90/],
    ['start_date 2026-02-30', { start_date: '2026-02-30' }, 'start_date', /calendar date/],
    ['start_date 2025-02-29 (not a leap year)', { start_date: '2025-02-29' }, 'start_date', /calendar date/],
    ['end_date 2026-13-01', { end_date: '2026-13-01' }, 'end_date', /calendar date/],
    ['end_date 2026-04-31', { end_date: '2026-04-31' }, 'end_date', /calendar date/],
    ['start_date 2026/01/01', { start_date: '2026/01/01' }, 'start_date', /YYYY-MM-DD/],
    ['start_date with a time', { start_date: '2026-01-01T00:00:00Z' }, 'start_date', /YYYY-MM-DD/],
    ['start_date as a number', { start_date: 20260101 }, 'start_date', /string/],
    ['ad_account_ids ../../x', { ad_account_ids: ['../../x'] }, 'ad_account_ids.0', /numeric ad account id/],
    ['ad_account_ids with a second bad id', { ad_account_ids: ['1', '12a'] }, 'ad_account_ids.1', /numeric/],
    ['ad_account_ids 19 digits', { ad_account_ids: ['1234567890123456789'] }, 'ad_account_ids.0', /at most 18/],
    ['ad_account_ids number', { ad_account_ids: [123] }, 'ad_account_ids.0', /string/],
    ['ad_account_ids not a list', { ad_account_ids: '123' }, 'ad_account_ids', /array/],
    ['unknown column', { columns: ['SPEND_IN_DOLLAR', 'NOT_A_COLUMN'] }, 'columns.1', null],
    ['lower-case column', { columns: ['spend_in_dollar'] }, 'columns.0', null],
    ['empty columns', { columns: [] }, 'columns', /at least one/],
    ['entity_statuses DELETED', { entity_statuses: ['DELETED'] }, 'entity_statuses.0', /ACTIVE/],
    ['empty entity_statuses', { entity_statuses: [] }, 'entity_statuses', /at least one/],
    ['max_rate_limit_wait_seconds -1', { max_rate_limit_wait_seconds: -1 }, 'max_rate_limit_wait_seconds', /0/],
    ['click_window_days 3', { click_window_days: 3 }, 'click_window_days', /0, 1, 7, 14, 30, 60/],
    ['engagement_window_days 90', { engagement_window_days: 90 }, 'engagement_window_days', /one of/],
    ['view_window_days "1"', { view_window_days: '1' }, 'view_window_days', /number/],
    [
      'conversion_report_time',
      { conversion_report_time: 'TIME_OF_CLICK' },
      'conversion_report_time',
      /TIME_OF_AD_ACTION/,
    ],
    ['concurrency 0', { concurrency: 0 }, 'concurrency', /1/],
    ['request_timeout_seconds 601', { request_timeout_seconds: 601 }, 'request_timeout_seconds', /600/],
    [
      'unknown auth_method',
      { credentials: { auth_method: 'basic', access_token: 'x' } },
      'credentials.auth_method',
      /oauth2\.0.*access_token/,
    ],
    ['auth_method missing', { credentials: { access_token: 'pina.x' } }, 'credentials.auth_method', null],
    ['credentials not an object', { credentials: 'pina.x' }, 'credentials', /object/],
    ['credentials missing', { credentials: undefined }, 'credentials', /is required/],
    [
      'access_token missing',
      { credentials: { auth_method: 'access_token' } },
      'credentials.access_token',
      /is required/,
    ],
    [
      'access_token empty',
      { credentials: { auth_method: 'access_token', access_token: '' } },
      'credentials.access_token',
      /empty/,
    ],
    [
      'access_token a number',
      { credentials: { auth_method: 'access_token', access_token: 12345678 } },
      'credentials.access_token',
      /string/,
    ],
    ['content_type not one of Pinterest values', { content_type: 'ORGANICS' }, 'content_type', /ORGANIC/],
    ['split_field CONTENT_TYPE (not a split of the endpoint)', { split_field: 'CONTENT_TYPE' }, 'split_field', null],
    ['top_pins_sort_by a video metric', { top_pins_sort_by: ['VIDEO_START'] }, 'top_pins_sort_by.0', null],
    ['top_video_pins_sort_by empty', { top_video_pins_sort_by: [] }, 'top_video_pins_sort_by', /at least one/],
  ];
  test.each(cases)('%s', (_name, extra, field, detail) => {
    const err = rejection(base(extra));
    expect(err.message).toContain(`'${field}'`);
    if (detail) expect(err.message).toMatch(detail);
  });

  test('OAuth credentials: every missing secret is named at once', () => {
    const err = rejection({ credentials: { auth_method: 'oauth2.0' } });
    for (const f of ['client_id', 'client_secret', 'refresh_token'])
      expect(err.message).toContain(`'credentials.${f}' is required`);
  });

  test('OAuth credentials: one missing secret is named, the others are not', () => {
    const { refresh_token: _, ...rest } = OAUTH_CONFIG.credentials;
    const err = rejection({ credentials: rest });
    expect(err.message).toContain("'credentials.refresh_token'");
    expect(err.message).not.toContain("'credentials.client_id'");
  });

  test('several wrong fields are all named', () => {
    const err = rejection(base({ lookback_days: 90, window_days: 5, start_date: 'yesterday' }));
    expect(err.message).toContain("'lookback_days'");
    expect(err.message).toContain("'window_days'");
    expect(err.message).toContain("'start_date'");
  });

  test('end_date before start_date names both fields', () => {
    const err = rejection(base({ start_date: '2026-05-10', end_date: '2026-05-09' }));
    expect(err.message).toMatch(/'end_date' \(2026-05-09\) is before 'start_date' \(2026-05-10\)/);
  });

  test('end_date equal to start_date (a one-day backfill) is accepted', () => {
    expect(parseConfig(base({ start_date: '2026-05-10', end_date: '2026-05-10' })).end_date).toBe('2026-05-10');
  });

  test('leap days are calendar dates', () => {
    expect(parseConfig(base({ start_date: '2024-02-29', end_date: '2028-02-29' })).start_date).toBe('2024-02-29');
  });

  test('a secret value never appears in a validation message', () => {
    const err = rejection({
      credentials: { auth_method: 'oauth2.0', client_id: 'cid', client_secret: 'top-secret-value', refresh_token: 42 },
    });
    expect(err.message).toContain("'credentials.refresh_token'");
    expect(err.message).not.toContain('top-secret-value');
  });

  test.each([[null], [undefined], ['a string'], [42], [[base()]]])(
    'a config that is not an object (%p) is a config error',
    (raw) => {
      expect(rejection(raw).message).toMatch(/must be a JSON object/);
    },
  );
});

describe('ignored keys', () => {
  test('unknown keys and keys starting with _ are accepted and dropped from the parsed config', () => {
    const c = parseConfig(base({ _comment: 'for humans', _limit: -5, some_future_option: true, lookback_days: 7 }));
    expect(c.lookback_days).toBe(7);
    expect(c).not.toHaveProperty('_comment');
    expect(c).not.toHaveProperty('_limit');
    expect(c).not.toHaveProperty('some_future_option');
  });

  test('unknown keys inside credentials are ignored too', () => {
    const c = parseConfig({
      credentials: { ...OAUTH_CONFIG.credentials, _note: 'x', token_expiry_date: '2026-01-01' },
    });
    expect(c.credentials).toEqual(OAUTH_CONFIG.credentials);
  });

  test('loadConfig keeps the raw config (unknown keys included) for a CONTROL message', async () => {
    const raw = { ...OAUTH_CONFIG, _note: 'keep me', extra: { a: 1 } };
    const f = tempFiles({ config: raw });
    const { config, raw: kept } = await loadConfig(f.config);
    expect(kept).toEqual(raw);
    expect(config).not.toHaveProperty('_note');
  });
});

describe('config files', () => {
  test('a missing file is a config error that names the path', async () => {
    await expect(loadConfig('/nonexistent/dir/config.json')).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringMatching(/\/nonexistent\/dir\/config\.json: it does not exist/),
    });
  });

  test('a file that is not JSON is a config error', async () => {
    const f = tempFiles({ config: '{"credentials": ' });
    await expect(loadConfig(f.config)).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  test('an empty file is a config error (not a crash)', async () => {
    const f = tempFiles({ config: '' });
    writeFileSync(f.config, '  \n');
    await expect(loadConfig(f.config)).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringMatching(/JSON object/),
    });
  });
});

describe('end_date older than today − 913 (reports serve 914 days; ads analytics reach that far)', () => {
  // TODAY is 2026-06-30, so the earliest day is 2023-12-30 (today − 913).
  const server = setupServer(
    http.post(`${API}/oauth/token`, () =>
      HttpResponse.json({ access_token: 'pina.acc-0123456789abc', expires_in: 3600 }),
    ),
    http.get(`${API}/boards`, () => HttpResponse.json({ items: [], bookmark: null })),
    http.get(`${API}/user_account`, () => HttpResponse.json({ username: 'me', id: '1' })),
    http.get(`${API}/ad_accounts`, () => HttpResponse.json({ items: [], bookmark: null })),
  );
  const seen: string[] = [];
  server.events.on('request:start', ({ request }) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(() => server.close());

  const old = { ...OAUTH_CONFIG, end_date: '2023-12-29' };
  const oldest = { ...OAUTH_CONFIG, end_date: '2023-12-30' };

  function expectConfigTrace(r: Awaited<ReturnType<typeof runConnector>>) {
    expect(r.exitCode).not.toBe(0);
    const traces = r.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0].failure_type).toBe('config_error');
    expect(traces[0].message).toContain("'end_date'");
    expect(traces[0].message).toContain('2023-12-30');
    expect(r.records()).toEqual([]);
  }

  test('read: a config_error TRACE and no request at all', async () => {
    expect(TODAY).toBe('2026-06-30');
    const f = tempFiles({ config: old, catalog: catalogFor([{ name: 'boards' }]) });
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog]);
    expectConfigTrace(r);
    expect(seen).toEqual([]);
  });

  test('discover: a config_error TRACE', async () => {
    const f = tempFiles({ config: old });
    const r = await runConnector(['discover', '--config', f.config]);
    expectConfigTrace(r);
    expect(r.messages.filter((m) => m.type === 'CATALOG')).toEqual([]);
  });

  test('check: one CONNECTION_STATUS FAILED naming end_date, exit 0', async () => {
    const f = tempFiles({ config: old });
    const r = await runConnector(['check', '--config', f.config]);
    expect(r.exitCode).toBe(0);
    expect(r.traces()).toEqual([]);
    const statuses = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('FAILED');
    expect(statuses[0].connectionStatus.message).toContain("'end_date'");
  });

  test('end_date exactly today − 913 is accepted by read and discover', async () => {
    const f = tempFiles({ config: oldest, catalog: catalogFor([{ name: 'boards' }]) });
    const d = await runConnector(['discover', '--config', f.config]);
    expect(d.exitCode).toBe(0);
    expect(d.messages.filter((m) => m.type === 'CATALOG')).toHaveLength(1);
    const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog]);
    expect(r.traces()).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  test('an invalid config is a config_error TRACE naming the field through discover and read', async () => {
    const f = tempFiles({ config: { ...OAUTH_CONFIG, window_days: 91 }, catalog: catalogFor([{ name: 'boards' }]) });
    for (const args of [
      ['discover', '--config', f.config],
      ['read', '--config', f.config, '--catalog', f.catalog],
    ]) {
      const r = await runConnector(args);
      expect(r.exitCode).not.toBe(0);
      expect(r.traces()).toEqual([
        expect.objectContaining({ failure_type: 'config_error', message: expect.stringContaining("'window_days'") }),
      ]);
    }
    expect(seen).toEqual([]);
  });
});

describe('every problem at once, with the name meant', () => {
  const dates = { today: '2026-06-30', earliest: '2023-12-30' };

  test('a bad report name does not hide its bad columns; a column or targeting type near a known one is named', () => {
    let message = '';
    try {
      parseConfig(
        base({
          columns: ['SPEND_IN_MICRO_DOLAR'],
          custom_reports: [
            { name: 'Bad Name', level: 'CAMPAIGN', columns: ['SPEND_IN_MICRO_DOLLARS', 'CAMPAIGN_NAME'] },
            {
              name: 'by_gender',
              level: 'CAMPAIGN_TARGETING',
              columns: ['SPEND_IN_MICRO_DOLLAR'],
              targeting_types: ['GENDR'],
            },
          ],
        }),
        dates,
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      `'columns.0' "SPEND_IN_MICRO_DOLAR" is not a Pinterest analytics column; did you mean SPEND_IN_MICRO_DOLLAR?`,
    );
    expect(message).toContain("'custom_reports.0.name' must start with a lower-case letter");
    expect(message).toContain(
      `'custom_reports.0.columns.0' (report "Bad Name"): "SPEND_IN_MICRO_DOLLARS" is not a Pinterest report column; did you mean SPEND_IN_MICRO_DOLLAR?`,
    );
    expect(message).toContain(
      `"GENDR" is not a targeting type reports take at level CAMPAIGN_TARGETING; did you mean GENDER?`,
    );
  });

  test('date rules against today join the schema problems in one message', () => {
    const err = rejection({
      credentials: ACCESS,
      start_date: '2026-07-01',
      window_days: 5,
      custom_reports: [
        { name: 'later', level: 'CAMPAIGN', columns: ['SPEND_IN_MICRO_DOLLAR'], start_date: '2027-01-01' },
      ],
    });
    expect(err.message).toContain("'window_days'");
    expect(err.message).not.toContain('after today'); // without today, no rule that needs it
    let message = '';
    try {
      parseConfig(
        {
          credentials: ACCESS,
          start_date: '2026-07-01',
          window_days: 5,
          custom_reports: [
            { name: 'later', level: 'CAMPAIGN', columns: ['SPEND_IN_MICRO_DOLLAR'], start_date: '2027-01-01' },
          ],
        },
        dates,
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("'window_days'");
    expect(message).toContain("'start_date' 2026-07-01 is after today (2026-06-30)");
    expect(message).toContain("'custom_reports.0.start_date' 2027-01-01 is after today (2026-06-30)");
    expect(parseConfig(base({ start_date: '2026-06-30' }), dates).start_date).toBe('2026-06-30');
  });
});

describe('a config the connector may not read', () => {
  test("EACCES names the permission problem and Docker's --user flag", async () => {
    const f = tempFiles({ config: base() });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    jest.mocked(fsPromises.readFile).mockRejectedValueOnce(denied);
    await expect(loadConfig(f.config)).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringContaining(
        `permission denied (EACCES). Make it readable by the user running the connector; with docker run, add --user "$(id -u):$(id -g)"`,
      ),
    });
  });
});
