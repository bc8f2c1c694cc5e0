/**
 * The slicer and today() under time zones far from UTC: UTC+14 (Pacific/Kiritimati, where the local date is
 * a day ahead of UTC for ten hours) and UTC−10/−9 (America/Adak, a day behind for ten hours, with DST).
 * Days are UTC days: every property of slicer.test.ts must hold there too.
 *
 * Jest hands each test file a copy of process.env, so `process.env.TZ = …` alone does not move the process's
 * zone (the first assertion below would catch that). The zone is set on the real process, reached through
 * the outer context, and restored afterwards: the worker runs other test files next.
 */
import vm from 'node:vm';

const realProcess = vm.runInThisContext('process') as NodeJS.Process;
const originalTZ = realProcess.env.TZ;
function setZone(zone: string | undefined): void {
  if (zone === undefined) {
    delete realProcess.env.TZ;
    delete process.env.TZ;
  } else {
    realProcess.env.TZ = zone;
    process.env.TZ = zone;
  }
}
setZone('Pacific/Kiritimati'); // before the modules under test are loaded
delete process.env.PINTEREST_TODAY;
(globalThis as { __SLICER_PROPERTIES_ONLY__?: boolean }).__SLICER_PROPERTIES_ONLY__ = true;

// Required (not imported, which would be hoisted) so that they load in the zone set above.
const { slicerProperties } = require('./slicer.test') as typeof import('./slicer.test');
const { today } = require('../src/util/dates') as typeof import('../src/util/dates');

afterAll(() => setZone(originalTZ));

const ZONES = [
  // zone, an instant, the local day of the month there, the UTC day
  ['Pacific/Kiritimati', '2026-03-01T10:30:00Z', 2, '2026-03-01'],
  ['America/Adak', '2026-03-01T05:00:00Z', 28, '2026-03-01'],
] as const;

describe.each(ZONES)('TZ=%s', (zone, instant, localDate, utcDay) => {
  beforeAll(() => setZone(zone));
  afterEach(() => jest.useRealTimers());

  test('the process really runs in that zone: its local date differs from the UTC date', () => {
    jest.useFakeTimers({ now: new Date(instant) });
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(zone);
    expect(new Date().getDate()).toBe(localDate);
    expect(new Date().getUTCDate()).toBe(Number(utcDay.slice(8)));
    expect(today({})).toBe(utcDay);
  });

  slicerProperties(zone, 300);
});
