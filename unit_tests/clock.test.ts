/** DayClock: "today" as of when a request is sent, following the server's Date header across midnight. */
import { DayClock } from '../src/engine/clock';

describe('DayClock', () => {
  test('pinned: the pinned day until the server says a later day; never goes back', () => {
    const clock = new DayClock('2026-06-30', true, () => '2030-01-01');
    expect(clock.today()).toBe('2026-06-30'); // the machine's day is ignored when pinned
    clock.observeDateHeader('Tue, 30 Jun 2026 23:59:58 GMT');
    expect(clock.today()).toBe('2026-06-30');
    clock.observeDateHeader('Wed, 01 Jul 2026 00:00:01 GMT');
    expect(clock.today()).toBe('2026-07-01');
    clock.observeDateHeader('Tue, 30 Jun 2026 23:59:59 GMT'); // another server a second behind
    expect(clock.today()).toBe('2026-07-01');
  });

  test("not pinned: the later of the machine's UTC day and the server's", () => {
    let machine = '2026-06-30';
    const clock = new DayClock('2026-06-30', false, () => machine);
    machine = '2026-07-01';
    expect(clock.today()).toBe('2026-07-01');
    clock.observeDateHeader('Thu, 02 Jul 2026 00:00:01 GMT');
    expect(clock.today()).toBe('2026-07-02');
  });

  test('ignores a missing, unparsable or implausibly far Date header', () => {
    const clock = new DayClock('2026-06-30', true);
    for (const h of [null, undefined, '', 'yesterday', 'Sat, 01 Jan 2028 00:00:00 GMT']) clock.observeDateHeader(h);
    expect(clock.today()).toBe('2026-06-30');
  });

  test('without Date headers, a refused start on the edge of the 90 days means the server passed midnight; an older one does not', () => {
    const clock = new DayClock('2026-06-30', true);
    expect(clock.observeRefusedStart('2026-03-01', 90)).toBe(false); // not the edge: a different problem
    expect(clock.today()).toBe('2026-06-30');
    expect(clock.observeRefusedStart('2026-04-02', 90)).toBe(true); // today − 89 refused: today is at least 07-01
    expect(clock.today()).toBe('2026-07-01');
    // A server that refuses the new edge too is not taken for another midnight.
    expect(clock.observeRefusedStart('2026-04-03', 90)).toBe(false);
    expect(clock.today()).toBe('2026-07-01');
  });

  test("with Date headers the server's day is trusted: a refusal (perhaps spurious) does not move the day", () => {
    const clock = new DayClock('2026-06-30', true);
    clock.observeDateHeader('Tue, 30 Jun 2026 23:59:59 GMT');
    expect(clock.observeRefusedStart('2026-04-02', 90)).toBe(false);
    expect(clock.today()).toBe('2026-06-30');
  });
});
