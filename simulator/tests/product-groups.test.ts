/**
 * Product groups in the simulator: the promotions list wants an ad group (or promotion ids) and checks them,
 * the synchronous analytics take ≤ 250 product group ids, and the PRODUCT_GROUP report rows carry the same
 * ids and the same numbers per day as the synchronous rows, so the 90-day seam joins.
 */
import { startSimulator, type Simulator } from '..';
import { TODAY } from '../test-day';
import { formatDay, parseDay } from '../rng';

const addDays = (day: string, n: number) => formatDay(parseDay(day) + n);

let sim: Simulator;
let acc0: string;
let promotions: Array<Record<string, any>>;

beforeAll(async () => {
  sim = await startSimulator({ today: TODAY });
  acc0 = sim.data.adAccounts[0].id;
  promotions = sim
    .groundTruth({ today: TODAY, columns: [] })
    .records.product_group_promotions.filter((p) => p.ad_account_id === acc0);
});
afterAll(() => sim.close());

const headers = () => ({ authorization: `Bearer ${sim.credentials.staticAccessToken}` });
const get = async (path: string, q: Record<string, string>) => {
  const res = await fetch(`${sim.url}${path}?${new URLSearchParams(q)}`, { headers: headers() });
  return { status: res.status, json: (await res.json()) as any };
};
const COLUMNS = 'SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,CTR,TOTAL_CONVERSIONS';
const WINDOW = { start_date: addDays(TODAY, -89), end_date: TODAY, granularity: 'DAY', columns: COLUMNS };

test('promotions: ad_group_id or product_group_promotion_ids is required, and checked', async () => {
  const path = `/ad_accounts/${acc0}/product_group_promotions`;
  expect((await get(path, {})).status).toBe(400);
  expect((await get(path, { ad_group_id: 'AG1' })).status).toBe(400);
  expect((await get(path, { ad_group_id: promotions[0].ad_group_id, entity_statuses: 'RUNNING' })).status).toBe(400);
  const tooMany = Array.from({ length: 251 }, (_, i) => String(i + 1)).join(',');
  expect((await get(path, { product_group_promotion_ids: tooMany })).status).toBe(400);
  // One ad group's promotions, in the statuses asked (default ACTIVE and PAUSED).
  const group = promotions[0].ad_group_id as string;
  const all = await get(path, { ad_group_id: group, entity_statuses: 'ACTIVE,PAUSED,ARCHIVED' });
  expect(all.status).toBe(200);
  expect(all.json.items.map((p: any) => p.id)).toEqual(
    promotions.filter((p) => p.ad_group_id === group).map((p) => p.id),
  );
  // Promotion ids take precedence over the ad group.
  const byIds = await get(path, {
    product_group_promotion_ids: promotions[1].id,
    ad_group_id: group,
    entity_statuses: 'ACTIVE,PAUSED,ARCHIVED',
  });
  expect(byIds.json.items.map((p: any) => p.id)).toEqual([promotions[1].id]);
});

test('analytics: product_group_ids is required, 1 to 250 numeric ids', async () => {
  const path = `/ad_accounts/${acc0}/product_groups/analytics`;
  expect((await get(path, WINDOW)).status).toBe(400);
  expect((await get(path, { ...WINDOW, product_group_ids: 'x1' })).status).toBe(400);
  const tooMany = Array.from({ length: 251 }, (_, i) => String(i + 1)).join(',');
  expect((await get(path, { ...WINDOW, product_group_ids: tooMany })).status).toBe(400);
  const older = { ...WINDOW, start_date: addDays(TODAY, -90), product_group_ids: promotions[0].id };
  expect((await get(path, older)).status).toBe(400);
});

test('PRODUCT_GROUP report rows equal the synchronous rows for the same days and ids', async () => {
  const ids = promotions.map((p) => String(p.id));
  const sync = await get(`/ad_accounts/${acc0}/product_groups/analytics`, {
    ...WINDOW,
    product_group_ids: ids.slice(0, 250).join(','),
  });
  expect(sync.status).toBe(200);
  expect(sync.json.length).toBeGreaterThan(10);
  const created = await fetch(`${sim.url}/ad_accounts/${acc0}/reports`, {
    method: 'POST',
    headers: { ...headers(), 'content-type': 'application/json' },
    body: JSON.stringify({ ...WINDOW, columns: COLUMNS.split(','), level: 'PRODUCT_GROUP', report_format: 'JSON' }),
  }).then((r) => r.json() as Promise<any>);
  let file: Record<string, any[]> | undefined;
  for (let i = 0; i < 10 && !file; i++) {
    const r = await get(`/ad_accounts/${acc0}/reports`, { token: created.token });
    if (r.json.report_status === 'FINISHED') file = (await fetch(r.json.url).then((x) => x.json())) as any;
  }
  const fromReport = Object.values(file!)
    .flat()
    .filter((r) => ids.slice(0, 250).includes(r.PRODUCT_GROUP_ID));
  const canon = (rows: any[]) => rows.map((r) => JSON.stringify(Object.entries(r).sort())).sort();
  expect(canon(fromReport)).toEqual(canon(sync.json));
  // Every product group of the report is one the promotions list names: no row the connector could not ask for.
  expect(Object.keys(file!).filter((id) => !ids.includes(id))).toEqual([]);
});
