import { lastReadyDay } from '../simulator/metrics-ready';
import type { MetricsReadyKnobs } from '../simulator/types';
import { formatDay, parseDay } from '../simulator/rng';
import { TODAY } from '../simulator/test-day';

/** The fixed day every suite takes as today (PINTEREST_TODAY). */
export { TODAY };

/** A test's message, loosely typed: the protocol schema, not TypeScript, is what checks its shape. */
export type Json = Record<string, any>;

/** A day `n` days after `day` (YYYY-MM-DD, UTC). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The cursor an ads-analytics read whose last window ended on `lastDay` leaves: that day, or the last day
 * whose metrics Pinterest calls final when that is earlier (the simulator's `metricsReady` knobs; by default
 * today − 3). Tests that expect a cursor ask this rather than write the day.
 */
export function expectedCursor(
  lastDay: string = TODAY,
  metricsReady?: MetricsReadyKnobs,
  today: string = TODAY,
): string {
  const ready = formatDay(lastReadyDay(parseDay(today), metricsReady));
  return lastDay <= ready ? lastDay : ready;
}
