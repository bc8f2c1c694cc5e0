/**
 * The simulator's two single-answer knobs (simulator/overrides.ts): `refusals` (a route
 * that refuses the token after authentication) and `extraItemFields` (fields Pinterest added to list items),
 * seen over HTTP and in the ground truth.
 */
import { groundTruthFor, startSimulator, type Simulator } from '..';

const BASE = {
  today: '2026-06-30',
  size: { adAccounts: 2, sharedAdAccounts: 1, firstAccountCampaigns: 3, campaignsPerAccount: 3 },
};
const account = groundTruthFor(BASE, { columns: [] }).adAccountIds[1];
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    ...BASE,
    refusals: [
      { path: `/ad_accounts/${account}/ads`, status: 403 },
      { path: /^\/users\/[^/]+\/interests\/follow$/, status: 410, message: 'Gone for good.' },
    ],
    extraItemFields: { boards: { sparkle_score: 7 }, campaigns: { brand_new: true } },
  });
});
afterAll(() => sim.close());

const get = async (path: string, token = sim.credentials.staticAccessToken) => {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

test("a refused route answers Pinterest's refusal for the status; the same route of another account and other routes of this one answer normally", async () => {
  expect(await get(`/ad_accounts/${account}/ads?page_size=250`)).toEqual({
    status: 403,
    body: { code: 29, message: 'You are not permitted to access that resource.', status: 'failure' },
  });
  expect((await get(`/ad_accounts/${sim.data.adAccounts[0].id}/ads?page_size=250`)).status).toBe(200);
  expect((await get(`/ad_accounts/${account}/campaigns?page_size=250`)).status).toBe(200);
  expect(await get(`/users/${sim.data.user.username}/interests/follow`)).toEqual({
    status: 410,
    body: { code: 410, message: 'Gone for good.', status: 'failure' },
  });
});

test('a refusal comes after authentication: a bad token is still a 401', async () => {
  expect((await get(`/ad_accounts/${account}/ads`, 'pina_not_a_token')).status).toBe(401);
});

test('extra item fields are served on every item and are part of the ground truth', async () => {
  const boards = (await get('/boards?page_size=250')).body.items as Array<Record<string, unknown>>;
  expect(boards.length).toBeGreaterThan(0);
  expect(boards.every((b) => b.sparkle_score === 7)).toBe(true);
  const campaigns = (
    await get(
      `/ad_accounts/${account}/campaigns?page_size=250&entity_statuses=ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT`,
    )
  ).body.items as Array<Record<string, unknown>>;
  expect(campaigns.every((c) => c.brand_new === true)).toBe(true);
  const truth = sim.groundTruth({ columns: [] });
  expect(truth.records.boards.every((b) => b.sparkle_score === 7)).toBe(true);
  expect(truth.records.campaigns.every((c) => c.brand_new === true)).toBe(true);
  expect(truth.records.pins.some((x) => 'sparkle_score' in x)).toBe(false);
});
