/**
 * Entity (list) streams: boards, pins, followers, user_interests, campaigns, ad_groups, ads — read in-process
 * against the simulator. Exact requests (page_size=250, a bookmark until the simulator answers null, one list
 * per ad account, every request valid for the OpenAPI description), records equal to the ground truth,
 * statuses and state counts, unknown fields, the deprecated interests route, a refused list.
 */
import {
  ALL_STATUSES,
  accountsOf,
  requestLine,
  useSimulatedPinterest,
  type SimulatedPinterest,
} from '../../test_kit/simulated-read';
import { sorted } from '../../test_kit/read-checks';
import type { Json } from '../../test_kit/constants';

const ALL = ALL_STATUSES.join(',');
const PAGE = { page_size: '250' };
const TOKEN = 'POST /oauth/token';

const p = useSimulatedPinterest();

/** The requests of the read, compared as a sorted list (concurrency decides the order). */
const expectRequests = (sim: SimulatedPinterest, expected: string[]) =>
  expect(sim.lines()).toEqual([...expected].sort());
const listOf = (sim: SimulatedPinterest, entity: string, account: string, statuses = ALL) =>
  sim.listRequests(`/ad_accounts/${account}/${entity}`, { entity_statuses: statuses, ...PAGE });
const recordCounts = (r: { states(s: string): Json[] }, stream: string) =>
  r.states(stream).map((s) => s.sourceStats.recordCount);

describe('boards', () => {
  test('one page; items unchanged; no warning', async () => {
    const r = await p.read(p.config(), ['boards']);
    p.expectCleanRead(r, ['boards']);
    expectRequests(p, ['GET /boards?page_size=250', TOKEN]);
    expect(r.records('boards')).toEqual(p.truth().records.boards);
    expect(r.states('boards')).toEqual([
      {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'boards' }, stream_state: {} },
        sourceStats: { recordCount: p.truth().counts.boards },
      },
    ]);
    expect(r.logs('WARN').filter((w) => w.includes('boards'))).toEqual([]);
  });
});

describe('fields Pinterest added that the schema does not know', () => {
  const extra = useSimulatedPinterest({
    extraItemFields: { boards: { sparkle_score: 7 }, campaigns: { sparkle_score: 1 } },
  });

  test('are passed through and warned about once for the stream', async () => {
    const r = await extra.read(extra.config(), ['boards', 'followers']);
    extra.expectCleanRead(r, ['boards', 'followers']);
    expect(r.records('boards')).toEqual(extra.truth().records.boards);
    expect(r.records('boards').every((b) => b.sparkle_score === 7)).toBe(true);
    const warnings = r.logs('WARN').filter((w) => w.includes('boards'));
    expect(warnings).toHaveLength(1); // every board carries it, one warning
    expect(warnings[0]).toMatch(/boards/);
    expect(warnings[0]).toMatch(/sparkle_score/);
  });

  test('in two streams: one warning per stream, though campaigns come on several pages and accounts', async () => {
    const r = await extra.read(extra.config(), ['boards', 'campaigns']);
    extra.expectCleanRead(r, ['boards', 'campaigns']);
    expect(sorted(r.records('campaigns'))).toEqual(sorted(extra.truth().records.campaigns));
    expect(r.records('campaigns').every((c) => c.sparkle_score === 1)).toBe(true);
    expect(extra.requestsTo(/\/campaigns$/).length).toBeGreaterThanOrEqual(3);
    const warnings = r.logs('WARN').filter((w) => w.includes('sparkle_score'));
    expect(warnings).toHaveLength(2);
    expect(warnings.filter((w) => /\bboards\b/.test(w))).toHaveLength(1);
    expect(warnings.filter((w) => /\bcampaigns\b/.test(w))).toHaveLength(1);
  });
});

describe('pins', () => {
  test('two pages through the bookmark; owned and saved pins alike; protected-board pins not listed', async () => {
    const pages = await p.listRequests('/pins', PAGE);
    expect(pages).toHaveLength(2);
    const r = await p.read(p.config(), ['pins']);
    p.expectCleanRead(r, ['pins']);
    expectRequests(p, [...pages, TOKEN]);
    const expected = p.truth().records.pins;
    expect(r.records('pins')).toEqual(expected);
    expect(new Set(expected.map((x) => x.is_owner))).toEqual(new Set([true, false]));
    expect(expected.length).toBeLessThan(p.sim.data.pins.length); // pins on protected boards need include_protected_pins
    expect(recordCounts(r, 'pins')).toEqual([expected.length]);
  });
});

describe('followers', () => {
  test('two pages; key username', async () => {
    const pages = await p.listRequests('/user_account/followers', PAGE);
    expect(pages).toHaveLength(2);
    const r = await p.read(p.config(), ['followers']);
    p.expectCleanRead(r, ['followers']);
    expectRequests(p, [...pages, TOKEN]);
    expect(r.records('followers')).toEqual(p.truth().records.followers);
    expect(new Set(r.records('followers').map((f) => f.username)).size).toBe(r.records('followers').length);
  });
});

describe('user_interests', () => {
  test("the token's user is looked up once, then its interests are listed", async () => {
    const r = await p.read(p.config(), ['user_interests']);
    p.expectCleanRead(r, ['user_interests']);
    expectRequests(p, [
      'GET /user_account',
      `GET /users/${p.sim.data.user.username}/interests/follow?page_size=250`,
      TOKEN,
    ]);
    expect(r.records('user_interests')).toEqual(p.truth().records.user_interests);
  });

  describe.each([404, 410] as const)('the deprecated route answers HTTP %i', (status) => {
    const gone = useSimulatedPinterest({ interestsGone: status });

    test('completes empty with a warning; the other streams are unaffected', async () => {
      const r = await gone.read(gone.config(), ['user_interests', 'followers']);
      gone.expectCleanRead(r, ['followers']);
      expect(gone.requestsTo(/\/interests\/follow$/)).toHaveLength(1);
      expect(r.records('user_interests')).toEqual([]);
      expect(r.statuses('user_interests')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(recordCounts(r, 'user_interests')).toEqual([0]);
      const warning = r.logs('WARN').filter((w) => w.includes('user_interests'));
      expect(warning).toHaveLength(1);
      expect(warning[0]).toContain(String(status));
      expect(r.records('followers')).toEqual(gone.truth().records.followers);
      expect(r.exitCode).toBe(0);
    });
  });

  describe('a 403 for the interests', () => {
    const refused = useSimulatedPinterest({
      refusals: [
        {
          path: /^\/users\/[^/]+\/interests\/follow$/,
          status: 403,
          code: 3,
          message: 'Your application consumer does not have the required scope(s): user_accounts:read.',
        },
      ],
    });

    test('is not swallowed: the stream fails with a config_error, the others complete', async () => {
      const r = await refused.read(refused.config(), ['user_interests', 'followers']);
      expect(r.statuses('user_interests')).toEqual(['STARTED', 'INCOMPLETE']);
      expect(r.statuses('followers')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(r.records('followers')).toEqual(refused.truth().records.followers);
      expect(r.traces()).toEqual([
        expect.objectContaining({ failure_type: 'config_error', stream_descriptor: { name: 'user_interests' } }),
      ]);
      expect(r.exitCode).toBe(1);
    });
  });
});

describe('campaigns, ad_groups, ads', () => {
  test('campaigns: every ad account, > 250 on two pages, every status the connector asks for by default', async () => {
    const [usd, eur] = p.accounts;
    const usdPages = await listOf(p, 'campaigns', usd);
    expect(usdPages).toHaveLength(2);
    const r = await p.read(p.config(), ['campaigns']);
    p.expectCleanRead(r, ['campaigns']);
    expectRequests(p, [TOKEN, 'GET /ad_accounts?page_size=250', ...usdPages, ...(await listOf(p, 'campaigns', eur))]);
    const expected = p.truth().records.campaigns;
    expect(sorted(r.records('campaigns'))).toEqual(sorted(expected));
    expect(r.records('campaigns').length).toBeGreaterThan(250);
    // ARCHIVED campaigns are there only because entity_statuses defaults to all three (the API's default is ACTIVE,PAUSED).
    const archived = (recs: Json[]) =>
      recs
        .filter((c) => c.status === 'ARCHIVED')
        .map((c) => c.id)
        .sort();
    expect(archived(r.records('campaigns'))).toEqual(archived(expected));
    expect(archived(expected).length).toBeGreaterThan(0);
    // DRAFT campaigns exist but are not asked for.
    expect(p.ids('campaigns', usd, ['DRAFT']).length).toBeGreaterThan(0);
  });

  test('entity_statuses and ad_account_ids from the config', async () => {
    const eur = p.accounts[1];
    const r = await p.read(p.config({ entity_statuses: ['ACTIVE'], ad_account_ids: [eur] }), [
      'campaigns',
      'ad_groups',
      'ads',
    ]);
    p.expectCleanRead(r, ['campaigns', 'ad_groups', 'ads']);
    expectRequests(p, [
      `GET /ad_accounts/${eur}`,
      ...(await listOf(p, 'ad_groups', eur, 'ACTIVE')),
      ...(await listOf(p, 'ads', eur, 'ACTIVE')),
      ...(await listOf(p, 'campaigns', eur, 'ACTIVE')),
      TOKEN,
    ]);
    const truth = p.truth({ adAccountIds: [eur], entityStatuses: ['ACTIVE'] });
    for (const s of ['campaigns', 'ad_groups', 'ads'] as const) {
      expect(r.records(s)).toEqual(truth.records[s]);
      expect(r.records(s).length).toBeGreaterThan(0);
      expect(r.records(s).every((x) => x.status === 'ACTIVE' && x.ad_account_id === eur)).toBe(true);
    }
  });

  test('ad_groups and ads: both accounts, two pages for the first, items unchanged, one state counting all', async () => {
    const [usd, eur] = p.accounts;
    const lists = [
      ...(await listOf(p, 'ad_groups', usd)),
      ...(await listOf(p, 'ads', usd)),
      ...(await listOf(p, 'ad_groups', eur)),
      ...(await listOf(p, 'ads', eur)),
    ];
    expect(lists).toHaveLength(2 + 2 + 1 + 1);
    const r = await p.read(p.config(), ['ad_groups', 'ads']);
    p.expectCleanRead(r, ['ad_groups', 'ads']);
    expectRequests(p, [TOKEN, 'GET /ad_accounts?page_size=250', ...lists]);
    const truth = p.truth();
    expect(sorted(r.records('ad_groups'))).toEqual(sorted(truth.records.ad_groups));
    expect(sorted(r.records('ads'))).toEqual(sorted(truth.records.ads));
    expect(recordCounts(r, 'ad_groups')).toEqual([truth.counts.ad_groups]);
    expect(recordCounts(r, 'ads')).toEqual([truth.counts.ads]);
  });

  describe("one ad account's list refused", () => {
    const refused = useSimulatedPinterest({ refusals: [{ path: `/ad_accounts/${accountsOf()[1]}/ads`, status: 403 }] });

    test('fails that stream only', async () => {
      const [usd] = refused.accounts;
      const r = await refused.read(refused.config(), ['ads', 'ad_groups', 'boards']);
      expect(r.statuses('ads')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
      expect(r.statuses('ad_groups')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(r.statuses('boards')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(sorted(r.records('ads'))).toEqual(sorted(refused.truth({ adAccountIds: [usd] }).records.ads));
      expect(sorted(r.records('ad_groups'))).toEqual(sorted(refused.truth().records.ad_groups));
      const traces = r.traces();
      expect(traces).toHaveLength(1);
      expect(traces[0]).toMatchObject({ failure_type: 'config_error', stream_descriptor: { name: 'ads' } });
      expect(traces[0].message).toContain('403');
      expect(r.exitCode).toBe(1);
    });
  });
});

test('entity lists read together share the set-up lookups (one token, one ad-account list, one user) and list each thing once', async () => {
  const streams = ['boards', 'pins', 'followers', 'user_interests', 'campaigns', 'ad_groups', 'ads'];
  const lists: string[] = [
    ...(await p.listRequests('/boards', PAGE)),
    ...(await p.listRequests('/pins', PAGE)),
    ...(await p.listRequests('/user_account/followers', PAGE)),
    `GET /users/${p.sim.data.user.username}/interests/follow?page_size=250`,
  ];
  for (const account of p.accounts)
    for (const entity of ['campaigns', 'ad_groups', 'ads']) lists.push(...(await listOf(p, entity, account)));
  const r = await p.read(p.config(), streams);
  p.expectCleanRead(r, streams);
  expectRequests(p, [TOKEN, 'GET /ad_accounts?page_size=250', 'GET /user_account', ...lists]);
  expect(p.lines().filter((l) => l === requestLine('GET', '/user_account'))).toHaveLength(1);
});
