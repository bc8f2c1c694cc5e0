/**
 * Date windows for analytics: pure functions over UTC days, so that they can be tested exhaustively.
 * A window of N days is start … start + N − 1, both ends inclusive, as Pinterest's start_date/end_date are.
 */
import { MAX_SYNC_WINDOW_DAYS, SYNC_HISTORY_DAYS } from '../pinterest/limits';
import { addDays, daysBetween, maxDay, minDay, type Day } from '../util/dates';

export interface Window {
  start: Day;
  end: Day;
}

/** The earliest day the synchronous endpoints serve: today − 89. */
export const earliestDay = (today: Day): Day => addDays(today, -(SYNC_HISTORY_DAYS - 1));

interface RangeInput {
  today: Day;
  startDate?: Day;
  endDate?: Day;
  /** ad_analytics_daily reads complete days only: it ends at yesterday. */
  lastDay: 'today' | 'yesterday';
  /** Days back (today included) the stream reaches; default the synchronous 90 (reports reach 914). */
  historyDays?: number;
}

/** The configured range of a stream, clamped to what the API serves. `clamped` says start_date was moved. */
export function streamRange(input: RangeInput): { start: Day; end: Day; clamped: boolean } {
  const earliest = input.historyDays ? addDays(input.today, -(input.historyDays - 1)) : earliestDay(input.today);
  const lastServed = input.lastDay === 'yesterday' ? addDays(input.today, -1) : input.today;
  // Without start_date a stream starts at today − 89 (or later, when it reaches less far back).
  const start = input.startDate ? maxDay(input.startDate, earliest) : maxDay(earliestDay(input.today), earliest);
  const end = input.endDate ? minDay(input.endDate, lastServed) : lastServed;
  return { start, end, clamped: !!input.startDate && input.startDate < earliest };
}

/**
 * Where a partition's read starts: from its cursor minus the lookback (the cursor day itself is always
 * read again, so a day that was partial is completed), never before the stream's start.
 */
export function resumeStart(rangeStart: Day, cursor: Day | undefined, lookbackDays: number): Day {
  if (!cursor) return rangeStart;
  return maxDay(rangeStart, addDays(cursor, -lookbackDays));
}

/** Consecutive windows covering start … end, each at most `windowDays` long; none when start > end. */
export function slice(start: Day, end: Day, windowDays: number): Window[] {
  if (!Number.isInteger(windowDays) || windowDays < 1)
    throw new Error(`windowDays must be a positive integer, got ${windowDays}`);
  const size = Math.min(windowDays, MAX_SYNC_WINDOW_DAYS);
  const out: Window[] = [];
  if (start > end) return out;
  let s = start;
  while (s <= end) {
    const e = minDay(addDays(s, size - 1), end);
    out.push({ start: s, end: e });
    s = addDays(e, 1);
  }
  return out;
}

export const windowLength = (w: Window): number => daysBetween(w.start, w.end) + 1;

/** Halves a window (the first half takes the extra day); a one-day window cannot be split. */
export function splitWindow(w: Window): [Window, Window] | undefined {
  const n = windowLength(w);
  if (n <= 1) return undefined;
  const firstEnd = addDays(w.start, Math.ceil(n / 2) - 1);
  return [
    { start: w.start, end: firstEnd },
    { start: addDays(firstEnd, 1), end: w.end },
  ];
}
