/**
 * Which days Pinterest calls final: `GET /resources/metrics_ready_state?date=` answers, per UTC day, whether
 * its conversion and non-conversion metrics are ready. A day is ready when both are. A read asks for its
 * newest day first and walks back until a day is ready (the days before it count as ready): a few requests,
 * shared by every stream of the read. Ads-analytics rows carry `data_ready` from it, and an incremental
 * cursor does not move past the last ready day. When the endpoint fails the read falls back to the
 * lookback rule, with one warning.
 */
import type { Requester } from '../http/requester';
import type { LogLevel } from '../protocol/messages';
import { addDays, minDay, type Day } from '../util/dates';

const PATH = '/resources/metrics_ready_state';

/** Days asked at most, newest first; Pinterest finalises a day within about two, so more means something is off. */
export const MAX_DAYS_ASKED = 14;

/**
 * Without an answer, rows of the newest days (today − 2 on) are called provisional: Pinterest's ~37 hours of
 * processing, and conversions about a day later.
 */
const FALLBACK_PROVISIONAL_DAYS = 3;

type ReadyStep =
  | { kind: 'ask'; day: Day }
  | { kind: 'ready'; lastReady: Day }
  /** none of the newest MAX_DAYS_ASKED days is ready */
  | { kind: 'give-up'; lastReady: Day };

/**
 * The next step of the walk from `newest` back, given the answers known so far (day → ready): ask the
 * newest day without an answer, or stop at the first ready one.
 */
export function nextReadyStep(newest: Day, known: ReadonlyMap<Day, boolean>, maxDays = MAX_DAYS_ASKED): ReadyStep {
  for (let i = 0; i < maxDays; i++) {
    const day = addDays(newest, -i);
    const ready = known.get(day);
    if (ready === undefined) return { kind: 'ask', day };
    if (ready) return { kind: 'ready', lastReady: day };
  }
  return { kind: 'give-up', lastReady: addDays(newest, -maxDays) };
}

/** The read's finding for a newest day. */
export interface Readiness {
  /** rows dated on or before it carry data_ready true */
  lastReady: Day;
  /** Pinterest answered: an incremental cursor stops at lastReady; false: the lookback rule alone (a fallback) */
  capsCursor: boolean;
}

/** The cursor a finished window ending on `windowEnd` may move to. */
export function cappedCursor(windowEnd: Day, readiness: Readiness | undefined): Day {
  return readiness?.capsCursor ? minDay(windowEnd, readiness.lastReady) : windowEnd;
}

/**
 * The last row date that is final: a DAY or HOUR row's day must be ready, a WEEK or MONTH row (dated its
 * period's first day) needs its whole period ready.
 */
export function readyThrough(lastReady: Day, granularity: string | undefined): Day {
  if (granularity === 'WEEK') return addDays(lastReady, -6);
  if (granularity === 'MONTH') return addDays(`${addDays(lastReady, 1).slice(0, 8)}01`, -1);
  return lastReady;
}

/** Whether one answer calls the day ready; a body that is not the documented shape is a failure of the endpoint. */
function readyOf(body: unknown, day: Day): boolean {
  const b = body as { conversion_metrics_ready?: unknown; non_conversion_metrics_ready?: unknown } | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.conversion_metrics_ready !== 'boolean' ||
    typeof b.non_conversion_metrics_ready !== 'boolean'
  )
    throw new Error(`the answer for ${day} is not {conversion_metrics_ready, non_conversion_metrics_ready}`);
  return b.conversion_metrics_ready && b.non_conversion_metrics_ready;
}

/** One per read: answers cached by day, so streams with the same or neighbouring newest days share requests. */
export class MetricsReadiness {
  private readonly asked = new Map<Day, Promise<boolean>>();
  private readonly known = new Map<Day, boolean>();
  private readonly found = new Map<Day, Promise<Readiness>>();
  private warned = false;

  constructor(
    private readonly requester: Requester,
    private readonly today: Day,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  /** The readiness of a read whose newest day is `newest` (asked once per day, whoever asks). */
  readiness(newest: Day): Promise<Readiness> {
    let out = this.found.get(newest);
    if (!out) {
      out = this.walk(newest);
      this.found.set(newest, out);
    }
    return out;
  }

  private async walk(newest: Day): Promise<Readiness> {
    for (;;) {
      const step = nextReadyStep(newest, this.known);
      if (step.kind === 'ready') return { lastReady: step.lastReady, capsCursor: true };
      if (step.kind === 'give-up') {
        this.warnOnce(
          `Pinterest calls none of the ${MAX_DAYS_ASKED} days up to ${newest} final (GET ${PATH}); rows after ${step.lastReady} carry data_ready false and the cursor stays there.`,
        );
        return { lastReady: step.lastReady, capsCursor: true };
      }
      try {
        this.known.set(step.day, await this.ask(step.day));
      } catch (err) {
        const lastReady = minDay(addDays(this.today, -FALLBACK_PROVISIONAL_DAYS), addDays(step.day, -1));
        this.warnOnce(
          `GET ${PATH} failed (${(err as Error).message}); which days Pinterest calls final is unknown for this read: rows after ${lastReady} carry data_ready false, and incremental cursors follow lookback_days alone.`,
        );
        return { lastReady, capsCursor: false };
      }
    }
  }

  private ask(day: Day): Promise<boolean> {
    let out = this.asked.get(day);
    if (!out) {
      out = this.requester
        .json({ path: PATH, category: 'ads_analytics', query: { date: day } })
        .then((body) => readyOf(body, day));
      this.asked.set(day, out);
      // A failure is handled by every walk that awaits it; this keeps it from counting as unhandled meanwhile.
      out.catch(() => undefined);
    }
    return out;
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log('WARN', message);
  }
}
