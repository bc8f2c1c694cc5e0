/**
 * What the report endpoint refuses of a valid request, as Pinterest does: beta targeting types for an ad
 * account without the beta (`accountsWithoutBeta`, the synchronous endpoint alike), reach and frequency
 * columns on targeting levels; and `targeting_types` on a level that is not a targeting level, ignored.
 */
import { groundTruthFor, startSimulator, type Simulator } from '..';
import { reportClient } from './report-client';

const BASE = {
  today: '2026-06-30',
  size: { adAccounts: 2, sharedAdAccounts: 1, firstAccountCampaigns: 3, campaignsPerAccount: 3 },
};
const [other, without] = groundTruthFor(BASE, { columns: [] }).adAccountIds;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ ...BASE, accountsWithoutBeta: [without] });
});
afterAll(() => sim.close());

const { headers, create, fileText } = reportClient(() => sim);
const fileOf = async (account: string, token: string): Promise<Record<string, any[]>> =>
  JSON.parse(await fileText(account, token));

test('an account without the beta refuses the beta types, by name, in reports and synchronous requests; another account does not', async () => {
  const body = { level: 'CAMPAIGN_TARGETING', targeting_types: ['GENDER', 'AGE_BUCKET_AND_GENDER'] };
  const refused = await create(without, body);
  expect(refused.status).toBe(400);
  expect(refused.body.message).toContain('AGE_BUCKET_AND_GENDER');
  expect(refused.body.message).not.toContain('GENDER,');
  expect((await create(without, { ...body, targeting_types: ['GENDER', 'LOCATION'] })).status).toBe(200);
  expect((await create(other, body)).status).toBe(200);
  const sync = await fetch(
    `${sim.url}/ad_accounts/${without}/campaigns/targeting_analytics?start_date=2026-06-01&end_date=2026-06-30&granularity=DAY&columns=SPEND_IN_DOLLAR&targeting_types=CREATIVE_ENHANCEMENTS&campaign_ids=${sim.data.campaigns.get(without)![0].id}`,
    { headers: headers() },
  );
  expect(sync.status).toBe(400);
});

test('reach and frequency columns are refused on targeting levels ("Columns … are not available"), served elsewhere', async () => {
  const columns = ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION_USER', 'TOTAL_IMPRESSION_FREQUENCY'];
  const refused = await create(other, { level: 'AD_GROUP_TARGETING', targeting_types: ['GENDER'], columns });
  expect(refused).toEqual({
    status: 400,
    body: expect.objectContaining({
      code: 1,
      message: 'Columns TOTAL_IMPRESSION_USER, TOTAL_IMPRESSION_FREQUENCY are not available.',
    }),
  });
  expect((await create(other, { level: 'AD_GROUP', columns })).status).toBe(200);
});

test('targeting_types on a level that is not a targeting level is ignored: the rows carry no breakdown', async () => {
  const created = await create(other, {
    level: 'CAMPAIGN',
    targeting_types: ['GENDER'],
    start_date: '2026-03-01',
    end_date: '2026-06-29',
  });
  expect(created.status).toBe(200);
  const file = await fileOf(other, created.body.token);
  const rows = Object.values(file).flat();
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.some((r) => 'TARGETING_TYPE' in r)).toBe(false);
});
