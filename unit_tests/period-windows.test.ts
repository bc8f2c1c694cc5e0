/**
 * WEEK and MONTH custom reports cover whole periods: the start moves back to its period's first day (Monday;
 * the 1st), or on to the next period when that day lies beyond Pinterest's reach, and no window splits a period.
 */
import { periodWindows } from '../src/engine/window-plan';

type Row = [what: string, from: string, end: string, earliest: string, maxDays: number, gran: string, want: string[][]];

// 2026-12-02 is a Wednesday; 2026-11-30 and 2026-12-07 are Mondays.
const TABLE: Row[] = [
  [
    'WEEK: a Wednesday start moves back to its Monday',
    '2026-12-02',
    '2026-12-06',
    '2024-06-06',
    186,
    'WEEK',
    [['2026-11-30', '2026-12-06']],
  ],
  ['WEEK: a Monday start stays', '2026-11-30', '2026-12-06', '2024-06-06', 186, 'WEEK', [['2026-11-30', '2026-12-06']]],
  [
    'WEEK: its Monday beyond reach, on to the next Monday',
    '2026-12-02',
    '2026-12-09',
    '2026-12-01',
    186,
    'WEEK',
    [['2026-12-07', '2026-12-09']],
  ],
  [
    'WEEK: a Sunday start belongs to the week before',
    '2026-12-06',
    '2026-12-08',
    '2024-06-06',
    186,
    'WEEK',
    [['2026-11-30', '2026-12-08']],
  ],
  [
    'WEEK: windows of whole weeks within 14 days',
    '2026-11-04',
    '2026-12-08',
    '2024-06-06',
    14,
    'WEEK',
    [
      ['2026-11-02', '2026-11-15'],
      ['2026-11-16', '2026-11-29'],
      ['2026-11-30', '2026-12-08'],
    ],
  ],
  [
    'MONTH: a mid-month start moves back to the 1st',
    '2026-11-15',
    '2026-11-30',
    '2024-06-06',
    186,
    'MONTH',
    [['2026-11-01', '2026-11-30']],
  ],
  [
    'MONTH: the 1st beyond reach, on to the next month',
    '2026-11-15',
    '2026-12-07',
    '2026-11-10',
    186,
    'MONTH',
    [['2026-12-01', '2026-12-07']],
  ],
  [
    'MONTH: whole months within 31 days (February whole)',
    '2026-01-20',
    '2026-03-10',
    '2024-06-06',
    31,
    'MONTH',
    [
      ['2026-01-01', '2026-01-31'],
      ['2026-02-01', '2026-02-28'],
      ['2026-03-01', '2026-03-10'],
    ],
  ],
  [
    'MONTH: whole months within 186 days',
    '2026-01-05',
    '2026-12-07',
    '2024-06-06',
    186,
    'MONTH',
    [
      ['2026-01-01', '2026-06-30'],
      ['2026-07-01', '2026-12-07'],
    ],
  ],
  [
    'MONTH: a leap February',
    '2028-02-10',
    '2028-03-01',
    '2026-06-06',
    31,
    'MONTH',
    [
      ['2028-02-01', '2028-02-29'],
      ['2028-03-01', '2028-03-01'],
    ],
  ],
  [
    'DAY: no period, clamped to the earliest day',
    '2026-11-01',
    '2026-11-05',
    '2026-11-03',
    186,
    'DAY',
    [['2026-11-03', '2026-11-05']],
  ],
  ['WEEK: nothing when the next Monday is after the end', '2026-12-02', '2026-12-05', '2026-12-01', 186, 'WEEK', []],
];

test.each(TABLE)('%s', (_what, from, end, earliest, maxDays, gran, want) => {
  expect(periodWindows(from, end, earliest, maxDays, gran).map((w) => [w.start, w.end])).toEqual(want);
});
