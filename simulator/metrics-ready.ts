// GET /resources/metrics_ready_state?date=: whether Pinterest calls a UTC day's conversion and
// non-conversion metrics final. One answer for the whole app (not per ad account). The model: the newest
// `notReadyDays` days (today included) have provisional non-conversion metrics, and conversion metrics
// become final `conversionLagDays` later (UNCONFIRMED in simulator/README.md).
import { ApiError, bad, json, type Answer } from './answers';
import type { Query } from './params';
import type { MetricsReadyKnobs } from './types';
import { parseDay } from './rng';

const DEFAULT_NOT_READY = 2;
const DEFAULT_CONVERSION_LAG = 1;

/**
 * The connector's guess when the endpoint fails: days from today − 2 on are provisional (Pinterest's ~37
 * hours of processing, and conversions one day later). The ground truth's data_ready follows it then.
 */
const FALLBACK_PROVISIONAL_DAYS = 3;

/** The answer for `day` (days since epoch) on the simulated `today`. */
function readyState(day: number, today: number, k: MetricsReadyKnobs = {}) {
  const notReady = k.notReadyDays ?? DEFAULT_NOT_READY;
  const lag = k.conversionLagDays ?? DEFAULT_CONVERSION_LAG;
  return {
    conversion_metrics_ready: day <= today - notReady - lag,
    non_conversion_metrics_ready: day <= today - notReady,
  };
}

/** The last day whose conversion and non-conversion metrics are both final. */
export function lastReadyDay(today: number, k: MetricsReadyKnobs = {}): number {
  if (k.failWith) return today - FALLBACK_PROVISIONAL_DAYS;
  return today - (k.notReadyDays ?? DEFAULT_NOT_READY) - (k.conversionLagDays ?? DEFAULT_CONVERSION_LAG);
}

/**
 * The fewest requests a read whose newest day is `newest` makes: newest first until a day is ready (one
 * request when the endpoint fails: the connector does not walk on).
 */
export function readyStateRequests(newest: number, today: number, k: MetricsReadyKnobs = {}): number {
  if (k.failWith) return 1;
  return Math.max(1, newest - lastReadyDay(today, k) + 1);
}

/**
 * The day a period row (`date` its first day) ends on, for data_ready: WEEK rows cover 7 days, MONTH rows
 * the calendar month; DAY and HOUR rows their day.
 */
export function periodEnd(date: number, granularity = 'DAY'): number {
  if (granularity === 'WEEK') return date + 6;
  if (granularity !== 'MONTH') return date;
  const d = new Date(date * 86_400_000);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 86_400_000) - 1;
}

/** The endpoint's state: its knobs can change during a test (metrics become ready between two reads). */
export class MetricsReadyState {
  constructor(
    private readonly clock: { readonly day: number },
    public knobs: MetricsReadyKnobs = {},
  ) {}

  answer(q: Query): Answer {
    const date = q.one('date');
    // As the spec: date is required and must match ^(\d{4})-(\d{2})-(\d{2})$.
    if (date === undefined || date === '') throw bad('Missing required parameter: date');
    const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? parseDay(date) : NaN;
    if (Number.isNaN(day)) throw bad(`Invalid parameter date: '${date}' is not a date (YYYY-MM-DD)`);
    if (this.knobs.failWith === 403) throw new ApiError(403, 29, 'You are not permitted to access that resource.');
    if (this.knobs.failWith === 500) throw new ApiError(500, 0, 'Internal server error.');
    return json(200, readyState(day, this.clock.day, this.knobs));
  }
}
