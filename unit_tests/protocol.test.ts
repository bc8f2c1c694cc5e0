/**
 * Every stdout line is an Airbyte protocol message that validates against the official schema. The harness
 * checks each line of every run of every test; this file runs spec, check, discover and a read of all
 * streams and checks that every message type was seen (and valid): SPEC, CONNECTION_STATUS, CATALOG,
 * RECORD, STATE, LOG, TRACE (STREAM_STATUS, ESTIMATE, ERROR) and CONTROL (a rotated refresh token).
 */
import { STREAMS } from '../src/streams/definitions';
import { BASE_CONFIG, ROTATED_REFRESH_TOKEN, useFakePinterest } from '../test_kit/msw-pinterest';
import { OAUTH_CONFIG, runConnector, tempFiles, type RunResult } from '../test_kit/in-process';
import { checkRequestAgainstOpenApi } from '../test_kit/openapi';
import { parseAndValidate, protocolErrors } from '../test_kit/protocol';
import { expectCleanRead, read, stateCountProblems } from '../test_kit/read-checks';

const fake = useFakePinterest({ campaigns: { '549755885175': 3, '549755885176': 2 } });

type Json = Record<string, any>;

/** "TYPE" or "TRACE/SUBTYPE" or "CONTROL/SUBTYPE" of a message. */
const kind = (m: Json) =>
  m.type === 'TRACE' ? `TRACE/${m.trace.type}` : m.type === 'CONTROL' ? `CONTROL/${m.control.type}` : m.type;

test('the validator rejects what is not a protocol message (so the per-run check means something)', () => {
  expect(protocolErrors({ type: 'RECORD', record: { stream: 'boards', data: {}, emitted_at: 1 } })).toEqual([]);
  expect(protocolErrors({ type: 'RECORD', record: { stream: 'boards', data: {} } })).not.toEqual([]); // no emitted_at
  expect(protocolErrors({ type: 'STATE', state: { type: 'STREAM', stream: { stream_state: {} } } })).not.toEqual([]); // no descriptor
  expect(
    protocolErrors({
      type: 'TRACE',
      trace: { type: 'ERROR', emitted_at: 1, error: { message: 'x', failure_type: 'oops' } },
    }),
  ).not.toEqual([]);
  expect(protocolErrors({ type: 'NOPE' })).not.toEqual([]);
  expect(() => parseAndValidate('{"type":"LOG","log":{"level":"INFO","message":"ok"}}\nnot json\n')).toThrow(
    /not JSON/,
  );
});

describe('checkRequestAgainstOpenApi (the request check every stream test relies on)', () => {
  const B = 'https://api.pinterest.com/v5';
  const ok = `${B}/ad_accounts/1/campaigns/targeting_analytics?start_date=2026-05-01&end_date=2026-05-30&campaign_ids=1,2&columns=SPEND_IN_DOLLAR,TOTAL_CLICKTHROUGH&granularity=DAY&targeting_types=APPTYPE,GENDER&click_window_days=30`;

  test('accepts a conforming request, with comma-joined id arrays and explode:false lists', () => {
    expect(checkRequestAgainstOpenApi('GET', ok)).toEqual([]);
    expect(
      checkRequestAgainstOpenApi(
        'GET',
        `${B}/ad_accounts/1/campaigns?entity_statuses=ACTIVE,PAUSED,ARCHIVED&page_size=250&bookmark=abc`,
      ),
    ).toEqual([]);
    expect(
      checkRequestAgainstOpenApi(
        'GET',
        `${B}/pins/7001/analytics?start_date=2026-05-01&end_date=2026-05-30&metric_types=IMPRESSION,SAVE&app_types=ALL&split_field=NO_SPLIT`,
      ),
    ).toEqual([]);
    expect(checkRequestAgainstOpenApi('POST', `${B}/oauth/token`)).toEqual([]);
  });

  test.each([
    ['an undeclared parameter', `${ok}&sort=1`, /'sort' is not declared/],
    ['a missing required parameter', ok.replace('&granularity=DAY', ''), /'granularity' is missing/],
    ['a value outside the enum', ok.replace('granularity=DAY', 'granularity=DAILY'), /granularity.*allowed values/],
    [
      'a list item outside the enum',
      ok.replace('APPTYPE,GENDER', 'APPTYPE,SHOE_SIZE'),
      /targeting_types.*allowed values/,
    ],
    ['an integer outside its enum', ok.replace('click_window_days=30', 'click_window_days=3'), /click_window_days/],
    ['a date that is not a date', ok.replace('2026-05-30', '2026-02-30'), /end_date.*date/],
    [
      'more than 250 ids',
      ok.replace('campaign_ids=1,2', `campaign_ids=${Array.from({ length: 251 }, (_, i) => i + 1).join(',')}`),
      /more than 250 items/,
    ],
    [
      'more than 14 targeting types',
      ok.replace(
        'APPTYPE,GENDER',
        'KEYWORD,APPTYPE,GENDER,LOCATION,PLACEMENT,COUNTRY,TARGETED_INTEREST,PINNER_INTEREST,AUDIENCE_INCLUDE,GEO,AGE_BUCKET,REGION,CREATIVE_TYPE,AGE_BUCKET_AND_GENDER,AUDIENCE_MULTIPLIER',
      ),
      /more than 14 items/,
    ],
    ['page_size above 250', `${B}/boards?page_size=251`, /page_size.*<= 250/],
    ['page_size below 1', `${B}/boards?page_size=0`, /page_size.*>= 1/],
    [
      'an explode:false list sent as repeated keys',
      ok.replace('columns=SPEND_IN_DOLLAR,TOTAL_CLICKTHROUGH', 'columns=SPEND_IN_DOLLAR&columns=TOTAL_CLICKTHROUGH'),
      /explode:false/,
    ],
    ['a non-numeric path id', `${B}/ad_accounts/abc/campaigns?page_size=25`, /ad_account_id/],
    ['an unknown path', `${B}/ad_accounts/1/widgets`, /no such operation/],
  ])('rejects %s', (_label, url, problem) => {
    const problems = checkRequestAgainstOpenApi('GET', url);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });
});

describe('spec, check, discover and a read of all streams', () => {
  const seen = new Map<string, Json>();
  const runs: RunResult[] = [];
  const note = (r: RunResult) => {
    runs.push(r);
    for (const m of r.messages) if (!seen.has(kind(m))) seen.set(kind(m), m);
  };

  test('spec', async () => {
    const r = await runConnector(['spec']);
    note(r);
    expect(r.exitCode).toBe(0);
    expect(r.messages.map(kind)).toEqual(['SPEC']);
    expect(r.messages[0].spec.connectionSpecification.properties).toHaveProperty('credentials');
  });

  test('check: SUCCEEDED with good credentials, FAILED (exit 0) with bad ones', async () => {
    let f = tempFiles({ config: OAUTH_CONFIG });
    let r = await runConnector(['check', '--config', f.config]);
    note(r);
    expect(r.exitCode).toBe(0);
    expect(r.messages.filter((m) => m.type === 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual([
      'SUCCEEDED',
    ]);
    f = tempFiles({
      config: { credentials: { ...OAUTH_CONFIG.credentials, client_secret: 'wrong-secret-0123456789' } },
    });
    r = await runConnector(['check', '--config', f.config]);
    note(r);
    expect(r.exitCode).toBe(0);
    const statuses = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('FAILED');
    expect(r.traces()).toEqual([]);
    expect(r.stdout).not.toContain('wrong-secret-0123456789');
  });

  test('discover', async () => {
    const f = tempFiles({ config: OAUTH_CONFIG });
    const r = await runConnector(['discover', '--config', f.config]);
    note(r);
    expect(r.exitCode).toBe(0);
    expect(r.messages.filter((m) => m.type === 'CATALOG')[0].catalog.streams).toHaveLength(STREAMS.length);
  });

  test('read of every stream: a rotated refresh token (CONTROL), one failing stream (TRACE ERROR), the rest complete', async () => {
    fake.rotateRefreshToken = true;
    fake.failOn({
      path: /\/ads\/targeting_analytics$/,
      status: 403,
      body: { code: 29, message: 'You are not permitted to access that resource.' },
    });
    const config = { ...BASE_CONFIG, start_date: '2026-06-01', columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION'] };
    const names = STREAMS.map((s) => s.name);
    const r = await read(
      config,
      STREAMS.map((s) => ({ name: s.name, sync_mode: s.cursorField ? 'incremental' : 'full_refresh' })),
    );
    note(r);
    expect(r.exitCode).toBe(1);
    const healthy = names.filter((n) => n !== 'ad_targeting_analytics');
    for (const n of healthy) {
      expect({ n, statuses: r.statuses(n) }).toEqual({ n, statuses: ['STARTED', 'RUNNING', 'COMPLETE'] });
      expect({ n, problems: stateCountProblems(r, n).problems }).toEqual({ n, problems: [] });
      expect({ n, some: r.records(n).length > 0 }).toEqual({ n, some: !fake.unmodelled.includes(n) });
    }
    expect(r.statuses('ad_targeting_analytics')).toEqual(['STARTED', 'INCOMPLETE']);
    expect(r.traces()).toEqual([
      expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'ad_targeting_analytics' } }),
    ]);

    // The rotated token comes back once, in a CONTROL message carrying the whole updated config.
    const controls = r.messages.filter((m) => m.type === 'CONTROL');
    expect(controls).toHaveLength(1);
    expect(controls[0].control.connectorConfig.config).toEqual({
      ...config,
      credentials: { ...config.credentials, refresh_token: ROTATED_REFRESH_TOKEN },
    });
    // Secrets never show in logs or traces.
    for (const m of r.messages.filter((x) => x.type === 'LOG' || x.type === 'TRACE')) {
      const line = JSON.stringify(m);
      for (const secret of [
        OAUTH_CONFIG.credentials.client_secret,
        OAUTH_CONFIG.credentials.refresh_token,
        ROTATED_REFRESH_TOKEN,
        'pina.fixture-access-token',
      ]) {
        expect(line).not.toContain(secret);
      }
    }
    // Estimates name analytics streams.
    const estimates = r.messages
      .filter((m) => m.type === 'TRACE' && m.trace.type === 'ESTIMATE')
      .map((m) => m.trace.estimate);
    expect(estimates.length).toBeGreaterThan(0);
    expect(estimates.every((e) => names.includes(e.name) && e.type === 'STREAM')).toBe(true);
    expect(fake.openApiProblems()).toEqual([]);
  });

  test('a clean read of every stream with an access token', async () => {
    const config = {
      credentials: { auth_method: 'access_token', access_token: 'pina.fixture-access-token' },
      start_date: '2026-06-29',
      columns: ['SPEND_IN_MICRO_DOLLAR'],
    };
    const names = STREAMS.map((s) => s.name);
    const r = await read(config, names);
    note(r);
    expectCleanRead(r, fake, names);
    expect(fake.requestsTo('/oauth/token', 'POST')).toEqual([]);
  });

  test('every message type was seen, and every line of every run validated', () => {
    expect([...seen.keys()].sort()).toEqual([
      'CATALOG',
      'CONNECTION_STATUS',
      'CONTROL/CONNECTOR_CONFIG',
      'LOG',
      'RECORD',
      'SPEC',
      'STATE',
      'TRACE/ERROR',
      'TRACE/ESTIMATE',
      'TRACE/STREAM_STATUS',
    ]);
    for (const [k, m] of seen) expect({ k, errors: protocolErrors(m) }).toEqual({ k, errors: [] });
    // The harness parsed and validated every stdout line; re-validate all of them here once more.
    for (const r of runs) {
      const lines = r.stdout.split('\n').filter(Boolean);
      expect(lines.length).toBe(r.messages.length);
      expect(parseAndValidate(r.stdout)).toHaveLength(lines.length);
    }
  });
});
