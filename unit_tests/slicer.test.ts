/**
 * Property tests of the date windows (src/engine/slicer.ts) over thousands of seeded random ranges, with
 * extra weight on month ends, leap days and year ends. The expected values come from an independent day
 * arithmetic (Date.UTC day numbers), not from src/util/dates.
 *
 * slicer-tz.test.ts runs the same properties with the process in other time zones: the functions are
 * exported for that (`slicerProperties`).
 */
import {
  earliestDay,
  resumeStart,
  slice,
  splitWindow,
  streamRange,
  windowLength,
  type Window,
} from '../src/engine/slicer';
import { MAX_SYNC_WINDOW_DAYS } from '../src/pinterest/limits';
import { addDays, daysBetween, isDay, today } from '../src/util/dates';
import { prng } from '../test_kit/prng';

// ---- an independent oracle: days as integers since 1970-01-01 (UTC) ----
const DAY_MS = 86_400_000;
export const dayNum = (d: string): number => {
  const [y, m, dd] = d.split('-').map(Number);
  return Date.UTC(y, m - 1, dd) / DAY_MS;
};
export const numDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** YYYY-MM-DD and a real calendar day (Date.UTC would roll 2026-02-30 over to March). */
const isCalendarDay = (d: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(d) && numDay(dayNum(d)) === d;

/** Days where calendars go wrong: leap days, month and year ends, and their neighbours. */
const SPECIAL: string[] = (() => {
  const out = new Set<string>([
    '2024-02-29',
    '2028-02-29',
    '2024-03-01',
    '2028-03-01',
    '2023-02-28',
    '2100-02-28',
    '2100-03-01',
    '2000-02-29',
  ]);
  for (let y = 2023; y <= 2029; y++) {
    for (let m = 1; m <= 12; m++) {
      const first = Date.UTC(y, m - 1, 1) / DAY_MS;
      out.add(numDay(first));
      out.add(numDay(first - 1)); // the last day of the previous month
    }
  }
  // A today whose API horizon (today − 89) lands on a leap day, a year end, or a month end.
  for (const d of ['2024-02-29', '2028-02-29', '2025-12-31', '2026-01-01', '2026-01-31', '2026-04-30'])
    out.add(numDay(dayNum(d) + 89));
  return [...out].sort();
})();

export function slicerProperties(label: string, iterations = 1000): void {
  describe(`slicer properties (${label})`, () => {
    const LO = dayNum('2023-01-01');
    const HI = dayNum('2030-12-31');

    function randomCase(rnd: () => number) {
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const today = rnd() < 0.4 ? pick(SPECIAL) : numDay(LO + Math.floor(rnd() * (HI - LO)));
      const t = dayNum(today);
      // start and end anywhere from 200 days before today to 10 days after, often undefined, sometimes special.
      const around = () =>
        rnd() < 0.2
          ? (pick(SPECIAL.filter((d) => Math.abs(dayNum(d) - t) < 200)) ?? numDay(t))
          : numDay(t - 200 + Math.floor(rnd() * 211));
      let startDate = rnd() < 0.3 ? undefined : around();
      let endDate = rnd() < 0.4 ? undefined : around();
      if (startDate && endDate && endDate < startDate) [startDate, endDate] = [endDate, startDate]; // as the config requires
      const lastDay = rnd() < 0.5 ? ('today' as const) : ('yesterday' as const);
      // Mostly what the config allows (15–90); sometimes tiny or above the API limit, to test the cap.
      const windowDays = rnd() < 0.2 ? pick([1, 2, 7, 15, 89, 90, 91, 120]) : 15 + Math.floor(rnd() * 76);
      const lookback = Math.floor(rnd() * 61);
      return { today, startDate, endDate, lastDay, windowDays, lookback };
    }

    /** Why `windows` is not an exact cover of start … end in windows of at most min(windowDays, 90); '' when it is. */
    function coverProblem(windows: Window[], start: string, end: string, windowDays: number): string {
      const size = Math.min(windowDays, 90);
      if (dayNum(start) > dayNum(end)) return windows.length === 0 ? '' : `expected no window for ${start} > ${end}`;
      const days = dayNum(end) - dayNum(start) + 1;
      // The longest windows allowed: the fewest requests.
      if (windows.length !== Math.ceil(days / size))
        return `${windows.length} windows for ${days} days of at most ${size}`;
      if (windows[0].start !== start) return `first window starts ${windows[0].start}, not ${start}`;
      if (windows[windows.length - 1].end !== end)
        return `last window ends ${windows[windows.length - 1].end}, not ${end}`;
      for (let i = 0; i < windows.length; i++) {
        const w = windows[i];
        const len = dayNum(w.end) - dayNum(w.start) + 1;
        if (!isCalendarDay(w.start) || !isCalendarDay(w.end))
          return `window ${i} is not made of days: ${JSON.stringify(w)}`;
        if (len < 1 || len > size || len > 90) return `window ${i} has ${len} days (max ${size})`;
        if (i === 0 && windowLength(w) !== len)
          return `windowLength(${JSON.stringify(w)}) = ${windowLength(w)}, not ${len}`;
        if (i < windows.length - 1) {
          if (len !== size) return `window ${i} has ${len} days, not the full ${size}`;
          if (dayNum(windows[i + 1].start) !== dayNum(w.end) + 1)
            return `gap or overlap after window ${i}: ${w.end} → ${windows[i + 1].start}`;
        }
      }
      return '';
    }

    test(`${iterations} random ranges (and as many resumed ones): clamped to the API's 90 days, cut into windows that cover them exactly`, () => {
      const rnd = prng(20260630);
      let clampedSeen = 0;
      let emptySeen = 0;
      let multiSeen = 0;
      for (let i = 0; i < iterations; i++) {
        const c = randomCase(rnd);
        const t = dayNum(c.today);
        const earliest = t - 89;
        const lastServed = c.lastDay === 'yesterday' ? t - 1 : t;
        const range = streamRange({ today: c.today, startDate: c.startDate, endDate: c.endDate, lastDay: c.lastDay });
        const problems: string[] = [];
        const check = (ok: boolean, what: string) => {
          if (!ok) problems.push(what);
        };
        check(earliestDay(c.today) === numDay(earliest), `earliestDay ${earliestDay(c.today)}`);
        // Never before today − 89; never after today (or yesterday for complete days only).
        check(
          dayNum(range.start) === Math.max(c.startDate ? dayNum(c.startDate) : earliest, earliest),
          `range.start ${range.start}`,
        );
        check(
          dayNum(range.end) === Math.min(c.endDate ? dayNum(c.endDate) : lastServed, lastServed),
          `range.end ${range.end}`,
        );
        check(range.clamped === (!!c.startDate && dayNum(c.startDate) < earliest), `clamped ${range.clamped}`);
        if (!c.endDate || dayNum(c.endDate) >= lastServed)
          check(range.end === numDay(lastServed), `range.end ${range.end} is not the last served day`);
        const windows = slice(range.start, range.end, c.windowDays);
        const cover = coverProblem(windows, range.start, range.end, c.windowDays);
        check(cover === '', cover);
        for (const w of windows)
          check(
            dayNum(w.start) >= earliest && dayNum(w.end) <= lastServed,
            `window ${JSON.stringify(w)} outside the served days`,
          );

        // Resuming from a cursor: exactly lookback days before it, the cursor day included, never before the range.
        const cursor = numDay(t - Math.floor(rnd() * 120));
        const resumed = resumeStart(range.start, cursor, c.lookback);
        check(
          dayNum(resumed) === Math.max(dayNum(range.start), dayNum(cursor) - c.lookback),
          `resumeStart(${range.start}, ${cursor}, ${c.lookback}) = ${resumed}`,
        );
        if (dayNum(cursor) - c.lookback >= dayNum(range.start))
          check(
            dayNum(cursor) - dayNum(resumed) === c.lookback,
            `not exactly ${c.lookback} days before ${cursor}: ${resumed}`,
          );
        if (dayNum(cursor) >= dayNum(range.start))
          check(dayNum(resumed) <= dayNum(cursor), `the cursor day ${cursor} is not re-read (${resumed})`);
        check(resumeStart(range.start, undefined, c.lookback) === range.start, 'no cursor: not the range start');
        const resumedCover = coverProblem(slice(resumed, range.end, c.windowDays), resumed, range.end, c.windowDays);
        check(resumedCover === '', `resumed: ${resumedCover}`);
        if (problems.length) expect({ case: i, input: c, problems }).toEqual({ case: i, input: c, problems: [] });

        if (range.clamped) clampedSeen++;
        if (windows.length === 0) emptySeen++;
        if (windows.length > 1) multiSeen++;
      }
      // The generator reaches every interesting kind of range.
      expect(clampedSeen).toBeGreaterThan(iterations / 20);
      expect(emptySeen).toBeGreaterThan(iterations / 50);
      expect(multiSeen).toBeGreaterThan(iterations / 20);
    });

    test('slice covers arbitrary ranges across leap days and year ends exactly', () => {
      const rnd = prng(29022028);
      for (let i = 0; i < iterations / 2; i++) {
        const a = dayNum(SPECIAL[Math.floor(rnd() * SPECIAL.length)]) - Math.floor(rnd() * 400);
        const b = a + Math.floor(rnd() * 300) - 5;
        const wd = 10 + Math.floor(rnd() * 90);
        const problem = coverProblem(slice(numDay(a), numDay(b), wd), numDay(a), numDay(b), wd);
        if (problem) expect(`slice(${numDay(a)}, ${numDay(b)}, ${wd}): ${problem}`).toBe('');
      }
    });

    test('splitWindow: two halves that cover the window exactly, the first taking the extra day', () => {
      const rnd = prng(7);
      for (let i = 0; i < iterations / 2; i++) {
        const s = dayNum(SPECIAL[Math.floor(rnd() * SPECIAL.length)]) - Math.floor(rnd() * 100);
        const len = 1 + Math.floor(rnd() * 90);
        const w = { start: numDay(s), end: numDay(s + len - 1) };
        const halves = splitWindow(w);
        if (len === 1) {
          if (halves !== undefined) expect(halves).toBeUndefined();
          continue;
        }
        const [a, b] = halves ?? [w, w];
        const ok =
          !!halves &&
          a.start === w.start &&
          b.end === w.end &&
          dayNum(b.start) === dayNum(a.end) + 1 &&
          windowLength(a) === Math.ceil(len / 2) &&
          windowLength(b) === Math.floor(len / 2);
        if (!ok) expect({ window: w, halves }).toBe('two halves covering the window, the first with the extra day');
      }
    });

    test('fixed examples: the leap day and year ends', () => {
      expect(earliestDay('2024-05-28')).toBe('2024-02-29');
      expect(earliestDay('2028-05-28')).toBe('2028-02-29');
      expect(earliestDay('2026-03-31')).toBe('2026-01-01');
      expect(earliestDay('2026-03-30')).toBe('2025-12-31');
      expect(slice('2024-02-20', '2024-03-05', 5)).toEqual([
        { start: '2024-02-20', end: '2024-02-24' },
        { start: '2024-02-25', end: '2024-02-29' },
        { start: '2024-03-01', end: '2024-03-05' },
      ]);
      expect(slice('2025-12-30', '2026-01-02', 90)).toEqual([{ start: '2025-12-30', end: '2026-01-02' }]);
      expect(slice('2026-01-01', '2026-12-31', 120).map(windowLength)).toEqual([90, 90, 90, 90, 5]);
      expect(splitWindow({ start: '2024-02-28', end: '2024-03-01' })).toEqual([
        { start: '2024-02-28', end: '2024-02-29' },
        { start: '2024-03-01', end: '2024-03-01' },
      ]);
      expect(streamRange({ today: '2026-06-30', lastDay: 'yesterday' })).toEqual({
        start: '2026-04-02',
        end: '2026-06-29',
        clamped: false,
      });
      expect(
        streamRange({ today: '2026-06-30', startDate: '2026-01-01', endDate: '2026-12-31', lastDay: 'today' }),
      ).toEqual({ start: '2026-04-02', end: '2026-06-30', clamped: true });
      expect(resumeStart('2026-04-02', '2026-06-30', 0)).toBe('2026-06-30');
      expect(resumeStart('2026-04-02', '2026-06-30', 30)).toBe('2026-05-31');
      expect(resumeStart('2026-04-02', '2026-04-10', 30)).toBe('2026-04-02');
      expect(resumeStart('2026-04-02', '3021-01-01', 30)).toBe('3020-12-02');
      expect(slice('3020-12-02', '2026-06-30', 90)).toEqual([]); // a cursor in the future reads nothing
    });

    test('bad window sizes are refused; a size above 90 is capped at the API limit', () => {
      expect(MAX_SYNC_WINDOW_DAYS).toBe(90);
      expect(() => slice('2026-01-01', '2026-01-31', 0)).toThrow();
      expect(() => slice('2026-01-01', '2026-01-31', 1.5)).toThrow();
      expect(() => slice('2026-01-01', '2026-01-31', Number.NaN)).toThrow();
      expect(slice('2026-01-01', '2026-06-30', 1000).map(windowLength)).toEqual([90, 90, 1]);
    });

    test('date helpers agree with the oracle', () => {
      const rnd = prng(99);
      for (let i = 0; i < iterations; i++) {
        const a = dayNum(SPECIAL[Math.floor(rnd() * SPECIAL.length)]);
        const n = Math.floor(rnd() * 800) - 400;
        if (addDays(numDay(a), n) !== numDay(a + n)) expect(addDays(numDay(a), n)).toBe(numDay(a + n));
        if (daysBetween(numDay(a), numDay(a + n)) !== n) expect(daysBetween(numDay(a), numDay(a + n))).toBe(n);
      }
      for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-01', '20260101', 20260101, null])
        expect(isDay(bad)).toBe(false);
    });

    describe("today() follows the UTC calendar, not the machine's", () => {
      afterEach(() => jest.useRealTimers());
      // Instants where the UTC date differs from the date in UTC+14 or UTC−10 (and one on a DST change).
      const instants = [
        '2026-03-01T10:30:00Z',
        '2026-03-01T05:00:00Z',
        '2025-12-31T23:59:59Z',
        '2026-01-01T00:00:01Z',
        '2024-02-29T12:00:00Z',
        '2028-02-28T20:00:00Z',
        '2026-03-08T11:30:00Z',
        '2026-11-01T10:30:00Z',
      ];
      test.each(instants)('at %s', (iso) => {
        jest.useFakeTimers({ now: new Date(iso) });
        const utcDay = iso.slice(0, 10);
        expect(today({})).toBe(utcDay);
        // And the slicer, fed that day, gives the UTC days.
        const r = streamRange({ today: today({}), lastDay: 'yesterday' });
        expect(r).toEqual({ start: numDay(dayNum(utcDay) - 89), end: numDay(dayNum(utcDay) - 1), clamped: false });
      });

      test('PINTEREST_TODAY pins the day; a malformed value is refused', () => {
        expect(today({ PINTEREST_TODAY: '2024-02-29' })).toBe('2024-02-29');
        expect(() => today({ PINTEREST_TODAY: '2026-02-29' })).toThrow(/PINTEREST_TODAY/);
        expect(() => today({ PINTEREST_TODAY: 'today' })).toThrow(/PINTEREST_TODAY/);
      });
    });
  });
}

// slicer-tz.test.ts loads this file for slicerProperties only, and runs it in its own zones.
if (!(globalThis as { __SLICER_PROPERTIES_ONLY__?: boolean }).__SLICER_PROPERTIES_ONLY__) {
  slicerProperties(`TZ=${Intl.DateTimeFormat().resolvedOptions().timeZone}`);
}
