/**
 * GET /resources/metrics_ready_state (simulator/metrics-ready.ts): which days' metrics are final, the
 * spec's 400 for a missing or malformed date, the knobs (provisional days, conversion lag, failures,
 * changed between reads) and the ground truth that follows them.
 */
import { startSimulator, type Simulator } from '..';

const TODAY = '2026-06-30';
const BASE = {
  today: TODAY,
  size: { adAccounts: 2, sharedAdAccounts: 1, campaignsPerAccount: 8, flightDaysMin: 5, flightDaysMax: 40 },
};
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator(BASE);
});
afterAll(() => sim.close());

const ready = async (query: string) => {
  const res = await fetch(`${sim.url}/resources/metrics_ready_state${query}`, {
    headers: { authorization: `Bearer ${sim.credentials.staticAccessToken}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const both = (conversion: boolean, nonConversion: boolean) => ({
  status: 200,
  body: { conversion_metrics_ready: conversion, non_conversion_metrics_ready: nonConversion },
});

test('by default today and yesterday are provisional, and conversions of the day before too', async () => {
  sim.setMetricsReady({});
  expect(await ready('?date=2026-06-30')).toEqual(both(false, false));
  expect(await ready('?date=2026-06-29')).toEqual(both(false, false));
  expect(await ready('?date=2026-06-28')).toEqual(both(false, true));
  expect(await ready('?date=2026-06-27')).toEqual(both(true, true));
  expect(await ready('?date=2024-01-01')).toEqual(both(true, true));
  const truth = sim.groundTruth({ columns: ['SPEND_IN_DOLLAR'] });
  expect(truth.lastReadyDay).toBe('2026-06-27');
  // newest day first until one is ready: 06-30, 06-29, 06-28, 06-27
  expect(truth.setupRequests.metricsReady).toBe(4);
  const rows = [...truth.records.ad_analytics, ...truth.records.campaign_targeting_analytics];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.data_ready === String(r.date) <= '2026-06-27')).toBe(true);
  expect(rows.some((r) => r.data_ready === false)).toBe(true);
});

test('a missing or malformed date is a 400, as the spec says', async () => {
  expect((await ready('')).status).toBe(400);
  expect((await ready('?date=')).status).toBe(400);
  expect((await ready('?date=2026-6-30')).status).toBe(400);
  expect((await ready('?date=2026-02-30')).status).toBe(400);
  expect((await ready('?date=yesterday')).body).toMatchObject({ code: 1 });
});

test('knobs: provisional days and conversion lag, changed between reads; the ground truth follows them', async () => {
  sim.setMetricsReady({ notReadyDays: 3, conversionLagDays: 0 });
  expect(await ready('?date=2026-06-28')).toEqual(both(false, false));
  expect(await ready('?date=2026-06-27')).toEqual(both(true, true));
  expect(sim.groundTruth({ columns: [] }).lastReadyDay).toBe('2026-06-27');
  sim.setMetricsReady({ notReadyDays: 0, conversionLagDays: 0 });
  expect(await ready('?date=2026-06-30')).toEqual(both(true, true));
  const truth = sim.groundTruth({ columns: [] });
  expect([truth.lastReadyDay, truth.setupRequests.metricsReady]).toEqual(['2026-06-30', 1]);
});

test('knobs: the endpoint fails with 403 or 500; the truth then holds the fallback (today − 3)', async () => {
  sim.setMetricsReady({ failWith: 403 });
  expect(await ready('?date=2026-06-30')).toMatchObject({ status: 403, body: { code: 29 } });
  sim.setMetricsReady({ failWith: 500 });
  expect((await ready('?date=2026-06-30')).status).toBe(500);
  expect(sim.groundTruth({ columns: [] }).lastReadyDay).toBe('2026-06-27');
  sim.setMetricsReady({});
});
