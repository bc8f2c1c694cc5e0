/**
 * Rate limits: a tight per-category limit in the simulator slows the read but loses nothing (with a
 * matching PINTEREST_RATE_LIMITS budget and rate-limit headers, and with no budget and bare 429s that must
 * be waited out). An exhausted daily quota ends the read within max_rate_limit_wait_seconds with state for
 * the finished windows, INCOMPLETE/RATE_LIMITED statuses, a transient_error TRACE, the other categories'
 * streams COMPLETE and a non-zero exit; the next runs (after the quota resets) resume and lose nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type LoggedRequest } from '../../simulator';
import { STREAMS } from '../../src/streams/definitions';
import { exactProblems, hasStackLines, lostRecords, pool, recordFigure, truthOf } from '../../test_kit/reliability';
import { spawnedRunsTimeout } from '../../test_kit/timeouts';
import { fullCatalog } from '../../test_kit/catalog';
import { TODAY, type Json } from '../../test_kit/constants';
import { committedRecords, errorTraces, lastStates, statusTraces } from '../../test_kit/messages';
import { connectorEnv, oauthConfig } from '../../test_kit/simulator-run';
import { spawnConnector, type Spawned } from '../../test_kit/spawn';

const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-ratelimits-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

const ADS_ANALYTICS = STREAMS.filter((s) => s.category === 'ads_analytics').map((s) => s.name);
const OTHERS = STREAMS.filter((s) => s.category !== 'ads_analytics').map((s) => s.name);

describe('a tight per-category limit slows the read but loses nothing', () => {
  const LIMIT = { limit: 15, windowMs: 1000 };
  const cases = [
    {
      name: 'matching PINTEREST_RATE_LIMITS, rate-limit headers',
      headers: true,
      budget: JSON.stringify({ ads_analytics: LIMIT, org_analytics: LIMIT }),
    },
    // 32 requests at once pass 15 a second even when a loaded machine sends each slowly: 429s are sure to come.
    { name: 'no client budget, bare 429s without Retry-After', headers: false, budget: 'off', concurrency: 32 },
  ];
  const results = new Map<string, { run: Spawned; log: LoggedRequest[]; problems: string[] }>();

  beforeAll(
    async () => {
      await pool(cases, 2, async (c) => {
        const sim = await startSimulator({
          today: TODAY,
          // Per-pin analytics (an app without the batched beta): the many org_analytics requests the limit needs.
          pinAnalyticsBeta: false,
          rateLimits: { ads_analytics: LIMIT, org_analytics: LIMIT },
          rateLimitHeaders: c.headers,
        });
        try {
          const run = await spawnConnector(
            [
              'read',
              '--config',
              write(
                `config-${c.headers}.json`,
                oauthConfig(sim, { window_days: 90, ...('concurrency' in c ? { concurrency: c.concurrency } : {}) }),
              ),
              '--catalog',
              write('catalog-full.json', fullCatalog()),
            ],
            { env: connectorEnv(sim, { PINTEREST_RATE_LIMITS: c.budget }) },
          );
          const truth = truthOf(sim);
          const problems = exactProblems(run.messages, truth);
          const log = [...sim.requestLog];
          results.set(c.name, { run, log, problems });
          recordFigure({
            suite: 'rate-limits',
            rateLimited: log.filter((r) => r.status === 429).length,
            recordsChecked: Object.values(truth.counts).reduce((a, b) => a + b, 0),
            recordsLost: problems.length ? -1 : 0,
            note: c.name,
          });
        } finally {
          await sim.close();
        }
      });
    },
    spawnedRunsTimeout(cases.length, { perRunMs: 120_000 }),
  ); // each read is slowed by the limit on purpose

  test.each(cases.map((c) => c.name))('%s: exit 0 and exactly the ground truth', (name) => {
    const { run, problems } = results.get(name)!;
    expect(errorTraces(run.messages)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(problems).toEqual([]);
  });

  test.each(cases.map((c) => c.name))(
    '%s: the limited categories were held to the limit (the read was slowed)',
    (name) => {
      const { log } = results.get(name)!;
      for (const category of ['ads_analytics', 'org_analytics']) {
        const ok = log.filter((r) => r.category === category && r.status !== 429).map((r) => r.at);
        expect(ok.length).toBeGreaterThan(LIMIT.limit);
        // n accepted requests under 15 per sliding second span at least floor((n − 1) / 15) seconds
        expect(ok[ok.length - 1] - ok[0]).toBeGreaterThanOrEqual(Math.floor((ok.length - 1) / LIMIT.limit) * 1000 - 50);
      }
    },
  );

  test('bare 429s were answered and waited out (not a failure)', () => {
    const { log } = results.get(cases[1].name)!;
    expect(log.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });
});

describe('an exhausted daily quota checkpoints, reports RATE_LIMITED and resumes', () => {
  // A resumed run re-reads each finished partition's last window (lookback), some 80 requests with the
  // report-only streams' reports and polls: the quota must leave room beyond that for progress.
  const QUOTA = 120;
  const MAX_WAIT_S = 5;
  const CONCURRENCY = 8;
  const RUNS = 6;
  const runs: Array<{ run: Spawned; first429?: number; log: LoggedRequest[] }> = [];
  let truth: ReturnType<typeof truthOf>;

  beforeAll(async () => {
    const sim = await startSimulator({ today: TODAY, dailyQuota: { ads_analytics: QUOTA } });
    try {
      truth = truthOf(sim);
      const config = write(
        'config-quota.json',
        oauthConfig(sim, { max_rate_limit_wait_seconds: MAX_WAIT_S, concurrency: CONCURRENCY }),
      );
      const catalog = write('catalog-incremental.json', fullCatalog('incremental'));
      let state: Json[] | undefined;
      // The first run spends the quota; each next run starts after the quota reset, from the last state.
      for (let i = 0; i < RUNS; i++) {
        const args = [
          'read',
          '--config',
          config,
          '--catalog',
          catalog,
          ...(state ? ['--state', write(`state-${i}.json`, state)] : []),
        ];
        const run = await spawnConnector(args, { env: connectorEnv(sim) });
        runs.push({ run, first429: sim.requestLog.find((r) => r.status === 429)?.at, log: [...sim.requestLog] });
        if (run.exitCode === 0) break;
        state = lastStates(run.messages);
        sim.resetLog();
        sim.resetRateLimits();
      }
    } finally {
      await sim.close();
    }
    const lost = lostRecords(
      [...runs.slice(0, -1).map((r) => committedRecords(r.run.messages)), runs[runs.length - 1].run.messages],
      truth,
    );
    recordFigure({
      suite: 'rate-limits',
      rateLimited: runs.reduce((n, r) => n + r.log.filter((x) => x.status === 429).length, 0),
      recordsChecked: lost.total,
      recordsLost: lost.lost,
      note: `daily quota ${QUOTA}: ${runs.length - 1} quota stop(s) resumed, ${runs.length} runs`,
    });
  }, spawnedRunsTimeout(RUNS));

  const first = () => runs[0].run;

  test('the first run hits the quota and exits non-zero', () => {
    expect(runs[0].first429).toBeDefined();
    expect(first().exitCode).not.toBe(0);
    expect(first().junk).toEqual([]);
  });

  test(`a quota that resets beyond max_rate_limit_wait_seconds (${MAX_WAIT_S} s) is not waited for: the category stops at its first 429s`, () => {
    // Counted, not timed: after the first 429 only the requests already on their way may still go out.
    const { log, first429 } = runs[0];
    const after = log.filter((r) => r.category === 'ads_analytics' && r.at > first429!);
    expect(after.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(errorTraces(first().messages).some((e) => /longer than max_rate_limit_wait_seconds/.test(e.message))).toBe(
      true,
    );
  });

  test('every ads_analytics stream not finished before the quota ran out ends INCOMPLETE with reason RATE_LIMITED and a quota_reset in the future', () => {
    let stopped = 0;
    for (const name of ADS_ANALYTICS) {
      const statuses = statusTraces(first().messages, name);
      const last = statuses[statuses.length - 1];
      // A stream of a few reports (keyword_analytics: one per account) may finish within the quota.
      if (last.status === 'COMPLETE') continue;
      stopped++;
      expect([name, last.status]).toEqual([name, 'INCOMPLETE']);
      expect(last.reasons?.[0]?.type).toBe('RATE_LIMITED');
      expect(last.reasons[0].rate_limited.quota_reset).toBeGreaterThan(Date.now());
    }
    expect(stopped).toBeGreaterThan(0);
  });

  test('a transient_error TRACE per affected stream, with a message and no stack trace', () => {
    const errors = errorTraces(first().messages);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.failure_type).toBe('transient_error');
      expect(e.message).toMatch(/rate limit is spent/);
      expect(hasStackLines(e.message)).toBe(false);
      expect(ADS_ANALYTICS).toContain(e.stream_descriptor?.name);
    }
  });

  test('the streams of other rate-limit categories are COMPLETE', () => {
    for (const name of OTHERS) {
      const statuses = statusTraces(first().messages, name).map((s) => s.status);
      expect([name, statuses[statuses.length - 1]]).toEqual([name, 'COMPLETE']);
    }
  });

  test('state was saved for the finished windows before the stop', () => {
    const withCursor = ADS_ANALYTICS.filter((name) =>
      lastStates(first().messages).some((s) => s.stream.stream_descriptor.name === name && s.stream.stream_state.date),
    );
    expect(withCursor.length).toBeGreaterThan(0);
  });

  test('the next runs resume from that state (each makes progress) and the last one succeeds', () => {
    expect(runs.length).toBeGreaterThan(1);
    expect(runs[runs.length - 1].run.exitCode).toBe(0);
    expect(errorTraces(runs[runs.length - 1].run.messages)).toEqual([]);
    // a resumed run never re-reads from scratch: ads_analytics requests stay within the quota + re-reads
    for (const r of runs.slice(1))
      expect(r.log.some((x) => x.category === 'ads_analytics' && x.status === 200)).toBe(true);
  });

  test('checkpointed records of the stopped runs + the final run cover the ground truth (0 lost)', () => {
    const lost = lostRecords(
      [...runs.slice(0, -1).map((r) => committedRecords(r.run.messages)), runs[runs.length - 1].run.messages],
      truth,
    );
    expect(lost.samples).toEqual([]);
    expect(lost.lost).toBe(0);
  });
});

describe('the older x-userendpoint-ratelimit-* headers', () => {
  const LIMIT = { limit: 10, windowMs: 1000 };
  let run: Spawned;
  let log: LoggedRequest[];
  let problems: string[];
  const streams = ['pin_analytics', 'user_account_analytics', 'boards'];

  beforeAll(async () => {
    const sim = await startSimulator({
      today: TODAY,
      // Per-pin analytics (an app without the batched beta): the many org_analytics requests the limit needs.
      pinAnalyticsBeta: false,
      rateLimits: { org_analytics: LIMIT },
      rateLimitHeaders: 'userendpoint',
    });
    try {
      run = await spawnConnector(
        [
          'read',
          '--config',
          write('config-userendpoint.json', oauthConfig(sim, { window_days: 90 })),
          '--catalog',
          write('catalog-org.json', fullCatalog('full_refresh', streams)),
        ],
        { env: connectorEnv(sim, { PINTEREST_RATE_LIMITS: 'off' }) },
      );
      log = [...sim.requestLog];
      problems = exactProblems(run.messages, truthOf(sim), streams);
      recordFigure({
        suite: 'rate-limits',
        rateLimited: log.filter((r) => r.status === 429).length,
        note: 'x-userendpoint-ratelimit-* headers only',
      });
    } finally {
      await sim.close();
    }
  }, spawnedRunsTimeout(1));

  test('the read completes with exactly the ground truth', () => {
    expect(errorTraces(run.messages)).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('-remaining is honoured before a 429, and a 429 is waited out for -reset-seconds (no request of the category in between)', () => {
    const org = log.filter((r) => r.category === 'org_analytics');
    expect(org.filter((r) => r.status !== 429).length).toBeGreaterThan(LIMIT.limit * 2);
    // Requests already on the wire when a 429 left may still arrive just after it; none may follow later in its wait.
    for (const limited of org.filter((r) => r.status === 429)) {
      const during = org.filter((r) => r.at > limited.at + 150 && r.at < limited.at + 850);
      expect(during.map((r) => `${r.at - limited.at} ms after a 429: ${r.path}`)).toEqual([]);
    }
    // Held by -remaining, the connector meets few 429s: far fewer than one per window.
    expect(org.filter((r) => r.status === 429).length).toBeLessThanOrEqual(org.length / LIMIT.limit);
  });
});
