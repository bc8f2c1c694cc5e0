/** Window planning (src/engine/window-plan.ts): which days a partition reads, in which windows, from which source. */
import { streamRange } from '../src/engine/slicer';
import { periodWindows, sliceWithReports } from '../src/engine/window-plan';
import type { AnalyticsDefinition } from '../src/streams/definition';
import { STREAMS } from '../src/streams/definitions';
import { reportLevel } from '../src/streams/request-parts';
import { addDays, daysBetween } from '../src/util/dates';

describe('the history seam', () => {
  const today = '2026-06-30';
  test('report windows (≤ 186 days) up to today − 90, then synchronous windows, covering every day once, in order', () => {
    for (const back of [0, 50, 89, 90, 91, 186, 275, 400, 913]) {
      for (const endBack of [0, 60, 89, 90, 200]) {
        const start = addDays(today, -back);
        const end = addDays(today, -endBack);
        const ws = sliceWithReports(start, end, today, 30, 186);
        if (start > end) {
          expect(ws).toEqual([]);
          continue;
        }
        expect(ws[0].start).toBe(start);
        expect(ws[ws.length - 1].end).toBe(end);
        for (let i = 1; i < ws.length; i++) expect(ws[i].start).toBe(addDays(ws[i - 1].end, 1));
        for (const w of ws) {
          const days = daysBetween(w.start, w.end) + 1;
          if (w.source === 'report') {
            expect(days).toBeLessThanOrEqual(186);
            expect(w.end <= addDays(today, -90)).toBe(true);
          } else {
            expect(days).toBeLessThanOrEqual(30);
            expect(w.start >= addDays(today, -89)).toBe(true);
          }
        }
      }
    }
  });
  test('without start_date a report stream starts at today − 89 too; an older start is clamped to its limit', () => {
    expect(streamRange({ today, lastDay: 'today', historyDays: 914 })).toMatchObject({
      start: addDays(today, -89),
      clamped: false,
    });
    expect(streamRange({ today, lastDay: 'today', historyDays: 8 })).toMatchObject({
      start: addDays(today, -7),
      clamped: false,
    });
    expect(streamRange({ today, lastDay: 'today', historyDays: 914, startDate: '2020-01-01' })).toMatchObject({
      start: addDays(today, -913),
      clamped: true,
    });
    expect(streamRange({ today, lastDay: 'today', historyDays: 8, startDate: addDays(today, -30) })).toMatchObject({
      start: addDays(today, -7),
      clamped: true,
    });
  });

  test('WEEK and MONTH windows hold whole periods, within the per-report limit, from a period start not older than the limit', () => {
    const earliest = addDays(today, -913);
    for (const from of [earliest, addDays(today, -400), addDays(today, -17), today]) {
      for (const [gran, max] of [
        ['WEEK', 186],
        ['MONTH', 186],
        ['WEEK', 31],
        ['MONTH', 31],
      ] as const) {
        const ws = periodWindows(from, today, earliest, max, gran);
        expect(ws.length).toBeGreaterThan(0);
        expect(ws[0].start >= earliest).toBe(true);
        expect(ws[ws.length - 1].end).toBe(today);
        for (let i = 0; i < ws.length; i++) {
          const w = ws[i];
          expect(daysBetween(w.start, w.end) + 1).toBeLessThanOrEqual(max);
          if (gran === 'WEEK') expect(new Date(`${w.start}T00:00:00Z`).getUTCDay()).toBe(1);
          else expect(w.start.slice(8)).toBe('01');
          if (i > 0) expect(w.start).toBe(addDays(ws[i - 1].end, 1));
        }
      }
    }
    const days = periodWindows(addDays(today, -10), today, addDays(today, -7), 3, 'DAY');
    expect(days.map((w) => [w.start, w.end])).toEqual([
      [addDays(today, -7), addDays(today, -5)],
      [addDays(today, -4), addDays(today, -2)],
      [addDays(today, -1), today],
    ]);
  });

  test("the report level is the stream's own, its targeting level for targeting rows", () => {
    const level = (name: string) => reportLevel((STREAMS.find((s) => s.name === name) as AnalyticsDefinition).level);
    expect(
      [
        'ad_account_analytics',
        'ad_account_targeting_analytics',
        'campaign_analytics',
        'ad_group_analytics',
        'ad_analytics',
        'ad_analytics_daily',
        'campaign_targeting_analytics',
        'ad_group_targeting_analytics',
        'ad_targeting_analytics',
        'pin_analytics',
        'user_account_analytics',
      ].map(level),
    ).toEqual([
      'ADVERTISER',
      'ADVERTISER_TARGETING',
      'CAMPAIGN',
      'AD_GROUP',
      'PIN_PROMOTION',
      'PIN_PROMOTION',
      'CAMPAIGN_TARGETING',
      'AD_GROUP_TARGETING',
      'PIN_PROMOTION_TARGETING',
      undefined,
      undefined,
    ]);
  });
});
