/**
 * Report files are built once per account, request and last final day: the same report asked again is
 * served the same bytes without a second build (which would stall every other answer of the simulator),
 * and a request that differs in anything the rows depend on (here the status filter) gets its own file.
 */
import { startSimulator, type Simulator } from '..';
import { reportClient } from './report-client';

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

const { create, fileText } = reportClient(() => sim);

/** Creates a CAMPAIGN report of June, polls it until finished and downloads it. */
async function reportFile(body: Record<string, unknown>): Promise<string> {
  const created = await create(account, {
    start_date: '2026-06-01',
    end_date: '2026-06-30',
    level: 'CAMPAIGN',
    ...body,
  });
  expect(created.status).toBe(200);
  return fileText(account, created.body.token);
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
