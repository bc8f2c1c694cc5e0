/** The fixed day every suite takes as today (PINTEREST_TODAY). */
export { TODAY } from '../simulator/test-day';

/** A test's message, loosely typed: the protocol schema, not TypeScript, is what checks its shape. */
export type Json = Record<string, any>;

/** A day `n` days after `day` (YYYY-MM-DD, UTC). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
