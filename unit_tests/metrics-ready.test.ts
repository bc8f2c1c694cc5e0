/**
 * Which days are final (src/engine/metrics-ready.ts): the walk from the read's newest day back (ask the
 * newest day without an answer, stop at the first ready one), where a cursor may stop, and the last final
 * row date of DAY, HOUR, WEEK and MONTH rows.
 */
import { cappedCursor, MAX_DAYS_ASKED, nextReadyStep, readyThrough } from '../src/engine/metrics-ready';

const known = (answers: Record<string, boolean>) => new Map(Object.entries(answers));

describe('nextReadyStep: newest first until a day is ready', () => {
  test.each([
    ['nothing known: ask the newest day', {}, { kind: 'ask', day: '2026-06-30' }],
    ['the newest day is ready: stop there', { '2026-06-30': true }, { kind: 'ready', lastReady: '2026-06-30' }],
    ['the newest day is not ready: ask the day before', { '2026-06-30': false }, { kind: 'ask', day: '2026-06-29' }],
    [
      'three days not ready, the fourth ready',
      { '2026-06-30': false, '2026-06-29': false, '2026-06-28': false, '2026-06-27': true },
      { kind: 'ready', lastReady: '2026-06-27' },
    ],
    [
      'answers older than the first ready day are not needed (older days count as ready)',
      { '2026-06-30': false, '2026-06-29': true, '2026-06-28': false },
      { kind: 'ready', lastReady: '2026-06-29' },
    ],
    [
      'answers for newer days than the newest are ignored',
      { '2026-07-01': false, '2026-06-30': true },
      { kind: 'ready', lastReady: '2026-06-30' },
    ],
    [
      'across a month end',
      { '2026-07-01': false, '2026-06-30': false },
      { kind: 'ask', day: '2026-06-29' },
      '2026-07-01',
    ],
  ])('%s', (_name, answers, step, newest = '2026-06-30') => {
    expect(nextReadyStep(newest, known(answers))).toEqual(step);
  });

  test(`none of the ${MAX_DAYS_ASKED} newest days ready: give up, the last of them not ready is the bound`, () => {
    const answers: Record<string, boolean> = {};
    for (let i = 0; i < MAX_DAYS_ASKED; i++)
      answers[new Date(Date.UTC(2026, 5, 30 - i)).toISOString().slice(0, 10)] = false;
    expect(nextReadyStep('2026-06-30', known(answers))).toEqual({ kind: 'give-up', lastReady: '2026-06-16' });
  });
});

describe('cappedCursor: never past the last ready day while Pinterest answered', () => {
  test.each([
    ['window ends after the last ready day', '2026-06-30', { lastReady: '2026-06-27', capsCursor: true }, '2026-06-27'],
    ['window ends on it', '2026-06-27', { lastReady: '2026-06-27', capsCursor: true }, '2026-06-27'],
    ['window ends before it', '2026-05-30', { lastReady: '2026-06-27', capsCursor: true }, '2026-05-30'],
    [
      'the endpoint failed: the lookback rule alone',
      '2026-06-30',
      { lastReady: '2026-06-27', capsCursor: false },
      '2026-06-30',
    ],
    ['no readiness (organic streams)', '2026-06-30', undefined, '2026-06-30'],
  ])('%s', (_name, end, readiness, cursor) => {
    expect(cappedCursor(end, readiness)).toBe(cursor);
  });
});

describe('readyThrough: the last row date whose whole period is final', () => {
  test.each([
    ['DAY', '2026-06-27', '2026-06-27'],
    [undefined, '2026-06-27', '2026-06-27'],
    ['HOUR', '2026-06-27', '2026-06-27'],
    // WEEK rows are dated Monday: the week of 2026-06-22 ends on Sunday 06-28, after 06-27.
    ['WEEK', '2026-06-27', '2026-06-21'],
    ['WEEK', '2026-06-28', '2026-06-22'],
    // MONTH rows are dated the 1st: June is final only once 06-30 is.
    ['MONTH', '2026-06-29', '2026-05-31'],
    ['MONTH', '2026-06-30', '2026-06-30'],
    ['MONTH', '2024-02-29', '2024-02-29'],
  ])('%s, last ready day %s: rows dated up to %s', (granularity, lastReady, through) => {
    expect(readyThrough(lastReady, granularity)).toBe(through);
  });
});
