/**
 * "Today" for Pinterest's date limits, as of when a request is sent. A long read can cross UTC midnight:
 * the earliest day Pinterest serves then moves with it. The day is the latest of the day the read started
 * (PINTEREST_TODAY when tests pin the calendar), the machine's UTC day (unless pinned) and the day of
 * Pinterest's own `Date` response header — the server's clock decides what it refuses, and the simulator
 * sends its simulated day there, so tests that pin the calendar still see midnight pass.
 */
import { DateTime } from 'luxon';
import { addDays, daysBetween, maxDay, type Day } from '../util/dates';

/** A Date header further ahead than this (a broken proxy, a wrong clock) is ignored. */
const MAX_SERVER_LEAD_DAYS = 2;

export class DayClock {
  private serverDay?: Day;
  private refusedBefore?: Day;

  constructor(
    private readonly startDay: Day,
    private readonly pinned: boolean,
    private readonly machineDay: () => Day = () => DateTime.utc().toFormat('yyyy-MM-dd'),
  ) {}

  today(): Day {
    return this.refusedBefore ? maxDay(this.clockDay(), this.refusedBefore) : this.clockDay();
  }

  /** What the clocks say, without what refusals implied. */
  private clockDay(): Day {
    let day = this.startDay;
    if (!this.pinned) day = maxDay(day, this.machineDay());
    if (this.serverDay) day = maxDay(day, this.serverDay);
    return day;
  }

  /** An HTTP Date header of an answer (RFC 7231, always GMT). */
  observeDateHeader(value: string | null | undefined): void {
    if (!value) return;
    const at = DateTime.fromHTTP(value, { zone: 'utc' });
    if (!at.isValid) return;
    const day = at.toUTC().toFormat('yyyy-MM-dd');
    const current = this.today();
    if (daysBetween(current, day) > MAX_SERVER_LEAD_DAYS) return;
    this.serverDay = this.serverDay ? maxDay(this.serverDay, day) : day;
  }

  /**
   * Pinterest refused `start` as older than the 90 days it serves, after retries. When its answers carry no
   * Date header, that is the only sign of midnight: its today is at least start + 90. With Date headers the
   * server's day is trusted instead (a spurious refusal must not drop a day).
   */
  observeRefusedStart(start: Day, historyDays: number): boolean {
    if (this.serverDay !== undefined) return false;
    const implied = addDays(start, historyDays);
    // Only a start on the edge says a day passed, and only one day: a server that keeps refusing must not
    // walk the range away day by day.
    if (
      daysBetween(this.clockDay(), implied) !== 1 ||
      (this.refusedBefore !== undefined && implied <= this.refusedBefore)
    )
      return false;
    this.refusedBefore = implied;
    return true;
  }
}
