/**
 * UTC calendar days as 'YYYY-MM-DD' strings. Pure functions on luxon in UTC, so the machine's time zone
 * never shifts a day.
 */
import { DateTime, Settings } from 'luxon';
import { configError } from '../errors';

// Days are written in fixed formats, never for a person: without a default locale luxon asks ICU for the
// machine's on the first date made (~30 ms at every start, on the way to the first record).
Settings.defaultLocale = 'en-US';

export type Day = string;
const FORMAT = 'yyyy-MM-dd';

/** A day's shape, YYYY-MM-DD (a calendar check is `isDay`'s). */
export const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(day: Day): DateTime {
  const dt = DateTime.fromFormat(day, FORMAT, { zone: 'utc' });
  if (!dt.isValid) throw new Error(`not a date: ${day}`);
  return dt;
}

export const isDay = (value: unknown): value is Day =>
  typeof value === 'string' && DAY_SHAPE.test(value) && DateTime.fromFormat(value, FORMAT, { zone: 'utc' }).isValid;

export const addDays = (day: Day, n: number): Day => parseDay(day).plus({ days: n }).toFormat(FORMAT);

/** Whole days from a to b (b − a). */
export const daysBetween = (a: Day, b: Day): number => Math.round(parseDay(b).diff(parseDay(a), 'days').days);

export const minDay = (a: Day, b: Day): Day => (a <= b ? a : b);
export const maxDay = (a: Day, b: Day): Day => (a >= b ? a : b);

/** Today in UTC, or PINTEREST_TODAY when tests pin the calendar. */
export function today(env: NodeJS.ProcessEnv = process.env): Day {
  const pinned = env.PINTEREST_TODAY;
  if (pinned) {
    if (!isDay(pinned))
      throw configError(`PINTEREST_TODAY must be a date written YYYY-MM-DD, got ${JSON.stringify(pinned)}`);
    return pinned;
  }
  return DateTime.utc().toFormat(FORMAT);
}
