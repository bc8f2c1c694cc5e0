/**
 * Product group streams read in-process against the simulator: product_group_promotions asks only the ad
 * groups of shopping (CATALOG_SALES) campaigns, one request series each, with the ad group and campaign
 * lists fetched once and shared; product_group_analytics asks for the promotions' ids.
 */
import { ALL_STATUSES, useSimulatedPinterest, type SimulatedPinterest } from '../../test_kit/simulated-read';
import { sorted } from '../../test_kit/read-checks';

const ALL = ALL_STATUSES.join(',');
const PAGE = { page_size: '250' };
const TOKEN = 'POST /oauth/token';
const ACCOUNTS = 'GET /ad_accounts?page_size=250';

const p = useSimulatedPinterest();

/** An account's ad groups (in the read's statuses) whose campaign (in the read's statuses) sells a catalog. */
function shoppingAdGroups(sim: SimulatedPinterest, account: string): string[] {
  const shopping = new Set(
    sim.sim.data.campaigns
      .get(account)!
      .filter((c) => ALL_STATUSES.includes(c.status) && c.attrs.CAMPAIGN_OBJECTIVE_TYPE === 'CATALOG_SALES')
      .map((c) => c.id),
  );
  return sim.sim.data.adGroups
    .get(account)!
    .filter((g) => ALL_STATUSES.includes(g.status) && shopping.has(g.campaignId))
    .map((g) => g.id);
}

/** The requests of reading the promotions: both entity lists once, then each shopping ad group's promotions. */
async function promotionRequests(sim: SimulatedPinterest): Promise<string[]> {
  const lines: string[] = [];
  for (const account of sim.accounts) {
    for (const entity of ['campaigns', 'ad_groups'])
      lines.push(...(await sim.listRequests(`/ad_accounts/${account}/${entity}`, { entity_statuses: ALL, ...PAGE })));
    for (const group of shoppingAdGroups(sim, account))
      lines.push(
        ...(await sim.listRequests(`/ad_accounts/${account}/product_group_promotions`, {
          entity_statuses: ALL,
          ad_group_id: group,
          ...PAGE,
        })),
      );
  }
  return lines;
}

test('promotions alone: the campaign and ad group lists once, then one series per shopping ad group', async () => {
  const r = await p.read(p.config(), ['product_group_promotions']);
  p.expectCleanRead(r, ['product_group_promotions']);
  expect(p.lines()).toEqual([...(await promotionRequests(p)), ACCOUNTS, TOKEN].sort());
  const truth = p.truth().records.product_group_promotions;
  expect(truth.length).toBeGreaterThan(0);
  expect(sorted(r.records('product_group_promotions'))).toEqual(sorted(truth));
});

test('with the campaigns and ad groups streams: their lists feed the promotions, nothing is fetched twice', async () => {
  const streams = ['campaigns', 'ad_groups', 'product_group_promotions'];
  const r = await p.read(p.config(), streams);
  p.expectCleanRead(r, streams);
  expect(p.lines()).toEqual([...(await promotionRequests(p)), ACCOUNTS, TOKEN].sort());
  expect(sorted(r.records('product_group_promotions'))).toEqual(sorted(p.truth().records.product_group_promotions));
});

test('analytics ask for the promotions ids, ≤ 250 a request, per window; the fewest requests', async () => {
  const config = p.config();
  const r = await p.read(config, ['product_group_analytics']);
  p.expectCleanRead(r, ['product_group_analytics']);
  const truth = p.truth({ startDate: config.start_date as string, windowDays: 30 });
  const asked = p.requestsTo(/\/product_groups\/analytics$/);
  expect(asked.length).toBe((truth.minRequests as Record<string, number>).product_group_analytics);
  const promotions = p.truth().records.product_group_promotions;
  for (const req of asked) {
    const account = req.path.split('/')[2];
    const ids = req.query.product_group_ids.split(',');
    expect(ids.length).toBeLessThanOrEqual(250);
    expect(ids).toEqual(promotions.filter((x) => x.ad_account_id === account).map((x) => String(x.id)));
  }
});
