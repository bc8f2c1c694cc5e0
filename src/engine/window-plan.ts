/**
 * Which days of an analytics partition are read, in which windows and from which source: the last 90
 * days from the synchronous endpoints (windows of at most `window_days`), older days of streams with a
 * reporting level from asynchronous reports (windows of at most 186 days), and every day of a custom
 * report from reports (windows that hold whole WEEK / MONTH periods). Pure functions over UTC days.
 */
import { REPORT_LIMITS } from '../pinterest/limits';
import type { AnalyticsDefinition } from '../streams/definition';

import type { ConnectorConfig } from '../config/schema';
import { addDays, daysBetween, maxDay, minDay, type Day } from '../util/dates';
import { earliestDay, slice, type Window } from './slicer';

export type WindowSourceKind = 'report' | 'sync';
export type SourcedWindow = Window & { source: WindowSourceKind };

/**
 * Windows covering start … end in date order: the part older than today − 89 in report windows of at most
 * `reportDays`, the rest in synchronous windows of at most `windowDays`.
 */
export function sliceWithReports(
  start: Day,
  end: Day,
  today: Day,
  windowDays: number,
  reportDays: number,
): SourcedWindow[] {
  const syncFirst = earliestDay(today);
  const out: SourcedWindow[] = [];
  if (start > end) return out;
  if (start < syncFirst) {
    const reportEnd = minDay(end, addDays(syncFirst, -1));
    for (let s = start; s <= reportEnd;) {
      const e = minDay(addDays(s, reportDays - 1), reportEnd);
      out.push({ start: s, end: e, source: 'report' });
      s = addDays(e, 1);
    }
  }
  const syncStart = maxDay(start, syncFirst);
  if (syncStart <= end) for (const w of slice(syncStart, end, windowDays)) out.push({ ...w, source: 'sync' });
  return out;
}

/** Whether a stream's older days come from reports: it names a reporting level and does not opt out. */
function readsReports(def: AnalyticsDefinition): boolean {
  return def.report !== false && def.level !== undefined;
}

/** Days back (today included) a stream reaches: 914 (or its report's own limit) for report streams, else undefined (90). */
export function reportHistoryDays(def: AnalyticsDefinition): number | undefined {
  if (!readsReports(def)) return undefined;
  return (def.report && def.report.historyDays) || REPORT_LIMITS.default.historyDays;
}

/** The windows of one partition from `from` to `end`, each with the source that reads it. */
export function planWindows(
  def: AnalyticsDefinition,
  config: ConnectorConfig,
  from: Day,
  end: Day,
  today: Day,
): SourcedWindow[] {
  if (!readsReports(def)) return slice(from, end, config.window_days).map((w) => ({ ...w, source: 'sync' as const }));
  const settings = def.report || undefined;
  const maxDays = settings?.maxDays ?? REPORT_LIMITS.default.maxDays;
  if (!settings?.reportsOnly) return sliceWithReports(from, end, today, config.window_days, maxDays);
  const earliest = addDays(today, -((settings.historyDays ?? REPORT_LIMITS.default.historyDays) - 1));
  const granularity = def.request(config).granularity ?? 'DAY';
  return periodWindows(from, end, earliest, maxDays, granularity).map((w) => ({ ...w, source: 'report' as const }));
}

const weekStart = (d: Day): Day => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7)); // Monday
const monthStart = (d: Day): Day => `${d.slice(0, 8)}01`;
const nextMonth = (d: Day): Day => {
  const t = new Date(`${monthStart(d)}T00:00:00Z`);
  t.setUTCMonth(t.getUTCMonth() + 1);
  return t.toISOString().slice(0, 10);
};

/**
 * Report windows of at most `maxDays` that never split a WEEK or MONTH period (a period's row covers it whole):
 * the start moves back to its period's first day (forward to the next one if that is older than Pinterest
 * serves), and windows hold whole periods.
 */
export function periodWindows(from: Day, end: Day, earliest: Day, maxDays: number, granularity: string): Window[] {
  const out: Window[] = [];
  if (granularity !== 'WEEK' && granularity !== 'MONTH') {
    for (let s = maxDay(from, earliest); s <= end;) {
      const e = minDay(addDays(s, maxDays - 1), end);
      out.push({ start: s, end: e });
      s = addDays(e, 1);
    }
    return out;
  }
  const floor = granularity === 'WEEK' ? weekStart : monthStart;
  const next = granularity === 'WEEK' ? (d: Day) => addDays(weekStart(d), 7) : nextMonth;
  let s = floor(maxDay(from, earliest));
  if (s < earliest) s = next(s);
  while (s <= end) {
    // Whole periods while they fit in maxDays; a window holds at least one period.
    let e = addDays(next(s), -1);
    for (;;) {
      const after = addDays(next(addDays(e, 1)), -1);
      if (daysBetween(s, after) + 1 > maxDays || addDays(e, 1) > end) break;
      e = after;
    }
    out.push({ start: s, end: minDay(e, end) });
    s = addDays(e, 1);
  }
  return out;
}
