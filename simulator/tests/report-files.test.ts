/**
 * Report files are built once per account, request and last final day: the same report asked again is
 * served the same bytes without a second build (which would stall every other answer of the simulator),
 * and a request that differs in anything the rows depend on (here the status filter) gets its own file.
 */
import { startSimulator, type Simulator } from '..';

const BASE = {
  today: '2026-06-30',
  size: { adAccounts: 1, sharedAdAccounts: 0, firstAccountCampaigns: 6, campaignsPerAccount: 6 },
};
let sim: Simulator;
let account: string;

beforeAll(async () => {
  sim = await startSimulator(BASE);
  account = [...sim.data.campaigns.keys()][0];
});
afterAll(() => sim.close());

const headers = () => ({ authorization: `Bearer ${sim.credentials.staticAccessToken}` });

/** Creates a CAMPAIGN report, polls it until finished and downloads it. */
async function reportFile(body: Record<string, unknown>): Promise<string> {
  const created = await fetch(`${sim.url}/ad_accounts/${account}/reports`, {
    method: 'POST',
    headers: { ...headers(), 'content-type': 'application/json' },
    body: JSON.stringify({
      start_date: '2026-06-01',
      end_date: '2026-06-30',
      granularity: 'DAY',
      level: 'CAMPAIGN',
      columns: ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION'],
      ...body,
    }),
  });
  expect(created.status).toBe(200);
  const { token } = (await created.json()) as { token: string };
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${sim.url}/ad_accounts/${account}/reports?token=${token}`, { headers: headers() });
    const answer = (await res.json()) as Record<string, any>;
    if (answer.report_status === 'FINISHED') return (await fetch(answer.url)).text();
  }
  throw new Error('the report never finished');
}

test('the same report asked twice is built once and served the same bytes', async () => {
  const before = sim.reports.stats.built;
  const first = await reportFile({});
  const second = await reportFile({});
  expect(first.length).toBeGreaterThan(2);
  expect(second).toBe(first);
  expect(sim.reports.stats.built - before).toBe(1);
});

test('a report whose status filter differs is built on its own, with its own rows', async () => {
  const all = await reportFile({});
  const before = sim.reports.stats.built;
  const archived = await reportFile({ campaign_statuses: ['ARCHIVED'] });
  const active = await reportFile({ campaign_statuses: ['ACTIVE'] });
  expect(sim.reports.stats.built - before).toBe(2);
  expect(new Set([all, archived, active]).size).toBe(3);
});
