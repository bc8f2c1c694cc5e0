/**
 * Entity (list) streams: boards, pins, followers, user_interests, campaigns, ad_groups, ads.
 * Exact requests (page_size=250, bookmark until null, one list per ad account), records exactly as the
 * API returns them, statuses and state counts, unknown fields, the deprecated interests route.
 */
import { AD_EUR, AD_USD, BASE_CONFIG, USER, bookmarkFor, describeRequest, expectCleanRead, read, sorted, useFakePinterest } from '../../test_kit/msw-pinterest';
import { OAUTH_CONFIG } from '../../test_kit/in-process';

const fake = useFakePinterest();

/** The requests of the read, as `METHOD path?sorted-query`, compared as a sorted list (concurrency decides the order). */
const expectRequests = (expected: string[]) => expect(fake.requests.map((r) => `${r.method} ${describeRequest(r)}`).sort()).toEqual([...expected].sort());
const ALL = 'ACTIVE,PAUSED,ARCHIVED';

describe('boards', () => {
  test('two pages through the bookmark; items unchanged', async () => {
    const r = await read(OAUTH_CONFIG, ['boards']);
    expectCleanRead(r, fake, ['boards']);
    expectRequests([
      `GET /boards?bookmark=${bookmarkFor('boards', 2)}&page_size=250`,
      'GET /boards?page_size=250',
      'POST /oauth/token',
    ]);
    expect(r.records('boards')).toEqual(fake.data.boards);
    expect(r.states('boards')).toEqual([
      { type: 'STREAM', stream: { stream_descriptor: { name: 'boards' }, stream_state: {} }, sourceStats: { recordCount: 3 } },
    ]);
    expect(r.logs('WARN')).toEqual([]);
  });

  test('a field the schema does not know is passed through and warned about once for the stream', async () => {
    fake.extraItemFields.boards = { sparkle_score: 7 };
    const r = await read(OAUTH_CONFIG, ['boards', 'followers']);
    expectCleanRead(r, fake, ['boards', 'followers']);
    expect(r.records('boards')).toEqual(fake.data.boards.map((b) => ({ ...b, sparkle_score: 7 })));
    const warnings = r.logs('WARN');
    expect(warnings).toHaveLength(1); // three items on two pages, one warning
    expect(warnings[0]).toMatch(/boards/);
    expect(warnings[0]).toMatch(/sparkle_score/);
  });

  test('an unknown field in two streams: one warning per stream', async () => {
    fake.extraItemFields.boards = { sparkle_score: 7 };
    fake.extraItemFields.campaigns = { sparkle_score: 1 };
    const r = await read(OAUTH_CONFIG, ['boards', 'campaigns']);
    expectCleanRead(r, fake, ['boards', 'campaigns']);
    expect(r.records('campaigns').every((c) => c.sparkle_score === 1)).toBe(true);
    const warnings = r.logs('WARN').filter((w) => w.includes('sparkle_score'));
    expect(warnings).toHaveLength(2);
    expect(warnings.filter((w) => /\bboards\b/.test(w))).toHaveLength(1);
    expect(warnings.filter((w) => /\bcampaigns\b/.test(w))).toHaveLength(1);
  });
});

describe('pins', () => {
  test('two pages; owned and not-owned pins alike', async () => {
    const r = await read(OAUTH_CONFIG, ['pins']);
    expectCleanRead(r, fake, ['pins']);
    expectRequests([
      'GET /pins?page_size=250',
      `GET /pins?bookmark=${bookmarkFor('pins', 3)}&page_size=250`,
      'POST /oauth/token',
    ]);
    expect(r.records('pins')).toEqual(fake.data.pins);
    expect(r.states('pins').map((s) => s.sourceStats.recordCount)).toEqual([4]);
  });
});

describe('followers', () => {
  test('one page; key username', async () => {
    const r = await read(OAUTH_CONFIG, ['followers']);
    expectCleanRead(r, fake, ['followers']);
    expectRequests(['GET /user_account/followers?page_size=250', 'POST /oauth/token']);
    expect(r.records('followers')).toEqual([{ type: 'user', username: 'follower_one' }, { type: 'user', username: 'follower_two' }]);
  });
});

describe('user_interests', () => {
  test("the token's user is looked up once, then its interests are listed", async () => {
    const r = await read(OAUTH_CONFIG, ['user_interests']);
    expectCleanRead(r, fake, ['user_interests']);
    expectRequests([
      'GET /user_account',
      `GET /users/${USER.username}/interests/follow?page_size=250`,
      'POST /oauth/token',
    ]);
    expect(r.records('user_interests')).toEqual(fake.data.interests);
  });

  test.each([404, 410])('HTTP %i for the route: completes empty with a warning, the other streams are unaffected', async (status) => {
    fake.failOn({ path: /^\/users\/[^/]+\/interests\/follow$/, status, body: { code: status, message: 'Not found' } });
    const r = await read(OAUTH_CONFIG, ['user_interests', 'followers']);
    expectCleanRead(r, fake, ['followers']);
    expect(r.records('user_interests')).toEqual([]);
    expect(r.statuses('user_interests')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(r.states('user_interests').map((s) => s.sourceStats.recordCount)).toEqual([0]);
    const warning = r.logs('WARN').filter((w) => w.includes('user_interests'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain(String(status));
    expect(r.records('followers')).toHaveLength(2);
    expect(r.exitCode).toBe(0);
  });

  test('a 403 for the interests is not swallowed: the stream fails, with a config_error', async () => {
    fake.failOn({ path: /interests\/follow$/, status: 403, body: { code: 3, message: 'Missing scope' } });
    const r = await read(OAUTH_CONFIG, ['user_interests', 'followers']);
    expect(r.statuses('user_interests')).toEqual(['STARTED', 'INCOMPLETE']);
    expect(r.statuses('followers')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(r.traces()).toEqual([expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'user_interests' } })]);
    expect(r.exitCode).toBe(1);
  });
});

describe('campaigns, ad_groups, ads', () => {
  test('campaigns: every ad account, 260 campaigns on two pages of 250, the configured statuses', async () => {
    const r = await read(OAUTH_CONFIG, ['campaigns']);
    expectCleanRead(r, fake, ['campaigns']);
    expectRequests([
      'GET /ad_accounts?page_size=250',
      `GET /ad_accounts/${AD_EUR}/campaigns?entity_statuses=${ALL}&page_size=250`,
      `GET /ad_accounts/${AD_USD}/campaigns?bookmark=${bookmarkFor('campaigns', 250)}&entity_statuses=${ALL}&page_size=250`,
      `GET /ad_accounts/${AD_USD}/campaigns?entity_statuses=${ALL}&page_size=250`,
      'POST /oauth/token',
    ]);
    expect(sorted(r.records('campaigns'))).toEqual(sorted([...fake.data.campaigns[AD_USD], ...fake.data.campaigns[AD_EUR]]));
    expect(r.records('campaigns')).toHaveLength(262);
    // The ARCHIVED campaign is there only because entity_statuses defaults to all three.
    expect(r.records('campaigns').filter((c) => c.status === 'ARCHIVED').map((c) => c.id)).toEqual(['31000007']);
  });

  test('entity_statuses and ad_account_ids from the config', async () => {
    const r = await read({ ...OAUTH_CONFIG, entity_statuses: ['ACTIVE'], ad_account_ids: [AD_EUR] }, ['campaigns', 'ad_groups', 'ads']);
    expectCleanRead(r, fake, ['campaigns', 'ad_groups', 'ads']);
    expectRequests([
      `GET /ad_accounts/${AD_EUR}`,
      `GET /ad_accounts/${AD_EUR}/ad_groups?entity_statuses=ACTIVE&page_size=250`,
      `GET /ad_accounts/${AD_EUR}/ads?entity_statuses=ACTIVE&page_size=250`,
      `GET /ad_accounts/${AD_EUR}/campaigns?entity_statuses=ACTIVE&page_size=250`,
      'POST /oauth/token',
    ]);
    expect(r.records('campaigns')).toEqual(fake.data.campaigns[AD_EUR].filter((c) => c.status === 'ACTIVE'));
    expect(r.records('ad_groups')).toEqual(fake.data.adGroups[AD_EUR]);
    expect(r.records('ads')).toEqual(fake.data.ads[AD_EUR]);
  });

  test('ad_groups and ads: both accounts, items unchanged', async () => {
    const r = await read(OAUTH_CONFIG, ['ad_groups', 'ads']);
    expectCleanRead(r, fake, ['ad_groups', 'ads']);
    expectRequests([
      'GET /ad_accounts?page_size=250',
      `GET /ad_accounts/${AD_EUR}/ad_groups?entity_statuses=${ALL}&page_size=250`,
      `GET /ad_accounts/${AD_EUR}/ads?entity_statuses=${ALL}&page_size=250`,
      `GET /ad_accounts/${AD_USD}/ad_groups?entity_statuses=${ALL}&page_size=250`,
      `GET /ad_accounts/${AD_USD}/ads?entity_statuses=${ALL}&page_size=250`,
      'POST /oauth/token',
    ]);
    expect(sorted(r.records('ad_groups'))).toEqual(sorted([...fake.data.adGroups[AD_USD], ...fake.data.adGroups[AD_EUR]]));
    expect(sorted(r.records('ads'))).toEqual(sorted([...fake.data.ads[AD_USD], ...fake.data.ads[AD_EUR]]));
    // One state per stream at the end, counting every record of both accounts.
    expect(r.states('ad_groups').map((s) => s.sourceStats.recordCount)).toEqual([4]);
    expect(r.states('ads').map((s) => s.sourceStats.recordCount)).toEqual([3]);
  });

  test("one ad account's list failing fails that stream only", async () => {
    fake.failOn({ path: new RegExp(`^/ad_accounts/${AD_EUR}/ads$`), status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } });
    const r = await read(BASE_CONFIG, ['ads', 'ad_groups', 'boards']);
    expect(r.statuses('ads')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(r.statuses('ad_groups')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(r.statuses('boards')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(r.records('ads')).toEqual(fake.data.ads[AD_USD]);
    const traces = r.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ failure_type: 'config_error', stream_descriptor: { name: 'ads' } });
    expect(traces[0].message).toContain('403');
    expect(r.exitCode).toBe(1);
  });
});

test('entity lists that are read together share the set-up lookups (one token, one ad-account list, one user)', async () => {
  const r = await read(OAUTH_CONFIG, ['boards', 'pins', 'followers', 'user_interests', 'campaigns', 'ad_groups', 'ads']);
  expectCleanRead(r, fake, ['boards', 'pins', 'followers', 'user_interests', 'campaigns', 'ad_groups', 'ads']);
  const count = (method: string, path: string) => fake.requestsTo(path, method).length;
  expect(count('POST', '/oauth/token')).toBe(1);
  expect(count('GET', '/ad_accounts')).toBe(1);
  expect(count('GET', '/user_account')).toBe(1);
  expect(fake.requests).toHaveLength(1 + 1 + 1 + 2 + 2 + 1 + 1 + 3 + 2 + 2);
});
