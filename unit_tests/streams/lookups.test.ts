/**
 * The lookup streams, read in-process against the simulator: audience insights (one request per ad account ×
 * audience type, rows unique by the key) and targeting values (one request per code-valued targeting type).
 */
import { AUDIENCE_INSIGHT_TYPES, TARGETING_LOOKUP_TYPES } from '../../src/pinterest/lookups';
import { sorted } from '../../test_kit/read-checks';
import { requestLine, useSimulatedPinterest } from '../../test_kit/simulated-read';

const p = useSimulatedPinterest();
const TOKEN = 'POST /oauth/token';
const keyOf = (r: Record<string, unknown>, key: string[]) => JSON.stringify(key.map((k) => r[k]));

describe('audience_insights', () => {
  const KEY = ['ad_account_id', 'audience_insight_type', 'category', 'id'];

  test('one request per ad account and audience type; records equal the ground truth and are unique by the key', async () => {
    const r = await p.read(p.config({ ad_account_ids: p.accounts }), ['audience_insights']);
    p.expectCleanRead(r, ['audience_insights']);
    const got = r.records('audience_insights');
    expect(sorted(got)).toEqual(sorted(p.truth({ adAccountIds: p.accounts }).records.audience_insights));
    expect(new Set(got.map((x) => keyOf(x, KEY))).size).toBe(got.length);
    // every distribution of the answer is there, for every account and type
    expect(new Set(got.map((x) => x.category))).toEqual(
      new Set(['categories', 'subcategories', 'ages', 'genders', 'devices', 'metros', 'countries']),
    );
    expect(new Set(got.map((x) => `${x.ad_account_id} ${x.audience_insight_type}`)).size).toBe(
      p.accounts.length * AUDIENCE_INSIGHT_TYPES.length,
    );
    const sub = got.find((x) => x.category === 'subcategories')!;
    expect(got.some((x) => x.category === 'categories' && x.id === sub.parent_id)).toBe(true);
    const setup = p.accounts.map((a) => requestLine('GET', `/ad_accounts/${a}`));
    const expected = p.accounts.flatMap((a) =>
      AUDIENCE_INSIGHT_TYPES.map((t) =>
        requestLine('GET', `/ad_accounts/${a}/audience_insights`, { audience_insight_type: t }),
      ),
    );
    expect(p.lines()).toEqual([...setup, ...expected, TOKEN].sort());
    expect(expected.length).toBe(p.truth({ adAccountIds: p.accounts }).minRequests.audience_insights);
  });
});

describe('targeting_values', () => {
  test('one request per code-valued targeting type, no ad account; one record per code', async () => {
    const r = await p.read(p.config(), ['targeting_values']);
    p.expectCleanRead(r, ['targeting_values']);
    const got = r.records('targeting_values');
    expect(sorted(got)).toEqual(sorted(p.truth().records.targeting_values));
    expect(new Set(got.map((x) => keyOf(x, ['targeting_type', 'id']))).size).toBe(got.length);
    expect(got).toContainEqual({ targeting_type: 'LOCATION', id: '501', name: 'U.S.: New York' });
    expect(p.lines()).toEqual(
      [...TARGETING_LOOKUP_TYPES.map((t) => requestLine('GET', `/resources/targeting/${t}`)), TOKEN].sort(),
    );
    expect(TARGETING_LOOKUP_TYPES.length).toBe(p.truth().minRequests.targeting_values);
  });
});
