/**
 * When each stream starts: once the lists it draws on are read, and not later. A stream that draws on no
 * list (keyword_analytics, through reports) starts at once, so its reports are requested while the lists are
 * read; campaign_analytics starts only after the campaigns list, whose ids it asks for, is complete.
 */
import { REPORT_ENV } from '../../test_kit/reports';
import { type CatRun, startHarness, type Harness } from '../../test_kit/acceptance';

const STREAMS = ['campaigns', 'campaign_analytics', 'keyword_analytics'];

/** The index in the run's output of a stream's first status message of that kind. */
function statusAt(run: CatRun, stream: string, status: string): number {
  return run.messages.findIndex(
    (m) =>
      m.type === 'TRACE' &&
      m.trace.type === 'STREAM_STATUS' &&
      m.trace.stream_status.stream_descriptor.name === stream &&
      m.trace.stream_status.status === status,
  );
}

describe('stream start order', () => {
  let h: Harness;
  let run: CatRun;
  let log: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    h = await startHarness();
    run = await h.readStreams((name) => STREAMS.includes(name), 'full_refresh', { env: REPORT_ENV });
    log = h.sim.requestLog;
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  test('the read completes every stream with records', () => {
    expect(run.exitCode).toBe(0);
    expect(run.traces()).toEqual([]);
    for (const s of STREAMS) {
      expect([s, run.statuses(s)]).toEqual([s, ['STARTED', 'RUNNING', 'COMPLETE']]);
      expect([s, run.records(s).length > 0]).toEqual([s, true]);
    }
  });

  test('a stream that draws on no list starts before the lists are read', () => {
    const keywordStarted = statusAt(run, 'keyword_analytics', 'STARTED');
    const campaignsComplete = statusAt(run, 'campaigns', 'COMPLETE');
    expect(keywordStarted).toBeGreaterThanOrEqual(0);
    expect(keywordStarted).toBeLessThan(campaignsComplete);
  });

  test('a stream that draws on a list starts after it and asks for nothing before', () => {
    expect(statusAt(run, 'campaign_analytics', 'STARTED')).toBeGreaterThan(statusAt(run, 'campaigns', 'COMPLETE'));
    const lastListPage = log
      .map((r) => r.method === 'GET' && /\/ad_accounts\/\d+\/campaigns$/.test(r.path))
      .lastIndexOf(true);
    const firstAnalytics = log.findIndex((r) => /\/campaigns\/analytics$/.test(r.path));
    expect(lastListPage).toBeGreaterThanOrEqual(0);
    expect(firstAnalytics).toBeGreaterThan(lastListPage);
  });
});
