/**
 * mergeTasks: the bounded fan-in every read uses. Concurrency bound, every item delivered, per-task order,
 * errors that do not stop the healthy tasks and are thrown at the end, and a producer that waits for a
 * slow consumer (bounded memory).
 */
import { chunk, mergeTasks, sleep } from '../src/util/async';

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

/** Tasks that record how many run at once. */
function tracked(count: number, itemsPerTask: number, delayMs = 1) {
  const state = { running: 0, peak: 0, started: 0, finished: 0 };
  const tasks = Array.from(
    { length: count },
    (_, t) =>
      async function* () {
        state.started++;
        state.running++;
        state.peak = Math.max(state.peak, state.running);
        try {
          for (let i = 0; i < itemsPerTask; i++) {
            await sleep(delayMs);
            yield `${t}:${i}`;
          }
        } finally {
          state.running--;
          state.finished++;
        }
      },
  );
  return { tasks, state };
}

test.each([1, 3, 8])('concurrency %i is respected and reached; every item is delivered once', async (concurrency) => {
  const { tasks, state } = tracked(12, 5);
  const items = await collect(mergeTasks(tasks, concurrency));
  expect(state.peak).toBe(concurrency);
  expect(state.finished).toBe(12);
  expect(items).toHaveLength(60);
  expect(new Set(items).size).toBe(60);
});

test('more slots than tasks: all start at once', async () => {
  const { tasks, state } = tracked(3, 2);
  await collect(mergeTasks(tasks, 10));
  expect(state.peak).toBe(3);
});

test("each task's items keep their order; tasks interleave", async () => {
  const tasks = [0, 1, 2].map(
    (t) =>
      async function* () {
        for (let i = 0; i < 10; i++) {
          await sleep(1 + t);
          yield { t, i };
        }
      },
  );
  const items = await collect(mergeTasks(tasks, 3));
  for (const t of [0, 1, 2]) expect(items.filter((x) => x.t === t).map((x) => x.i)).toEqual([...Array(10).keys()]);
  // Interleaved, not one task after the other.
  const firstOf2 = items.findIndex((x) => x.t === 2);
  const lastOf0 = items.map((x) => x.t).lastIndexOf(0);
  expect(firstOf2).toBeLessThan(lastOf0);
});

test('no tasks: nothing, and it ends', async () => {
  expect(await collect(mergeTasks([], 4))).toEqual([]);
});

test('tasks that yield nothing end the merge', async () => {
  const tasks = Array.from(
    { length: 5 },
    () =>
      async function* () {
        /* nothing */
      },
  );
  expect(await collect(mergeTasks(tasks, 2))).toEqual([]);
});

test('tasks are taken from the iterable lazily, only as slots free up', async () => {
  let pulled = 0;
  function* taskList() {
    for (let t = 0; t < 6; t++) {
      pulled++;
      yield async function* () {
        await sleep(5);
        yield t;
      };
    }
  }
  const gen = mergeTasks(taskList(), 2);
  const first = await gen.next();
  expect(first.done).toBe(false);
  expect(pulled).toBeLessThanOrEqual(4);
  const rest = await collect({ [Symbol.asyncIterator]: () => gen });
  expect([first.value, ...rest].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  expect(pulled).toBe(6);
});

test('a failing task does not stop the others; its error is thrown after every item of the others', async () => {
  const boom = new Error('partition 2 failed');
  const finished: number[] = [];
  const tasks = [0, 1, 2, 3, 4].map(
    (t) =>
      async function* () {
        for (let i = 0; i < 4; i++) {
          await sleep(2);
          if (t === 2 && i === 1) throw boom;
          yield `${t}:${i}`;
        }
        finished.push(t);
      },
  );
  const items: string[] = [];
  let caught: unknown;
  try {
    for await (const x of mergeTasks(tasks, 2)) items.push(x);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBe(boom);
  expect(finished.sort()).toEqual([0, 1, 3, 4]);
  // Everything the healthy tasks and the failing one produced before failing was delivered.
  expect(items).toHaveLength(4 * 4 + 1);
  expect(items).toContain('2:0');
  expect(items).not.toContain('2:1');
});

test('several failures: the first is thrown and counts the others', async () => {
  const errors = [new Error('a'), new Error('b'), new Error('c')];
  const tasks = [0, 1, 2, 3].map(
    (t) =>
      async function* () {
        await sleep(3 * (t + 1));
        if (t < 3) throw errors[t];
        yield t;
      },
  );
  const items: number[] = [];
  let caught: (Error & { otherFailures?: number }) | undefined;
  try {
    for await (const x of mergeTasks(tasks, 4)) items.push(x);
  } catch (err) {
    caught = err as Error & { otherFailures?: number };
  }
  expect(caught).toBe(errors[0]);
  expect(caught?.otherFailures).toBe(2);
  expect(items).toEqual([3]);
});

test('a task that throws before yielding, and one whose function throws synchronously, are errors like the others', async () => {
  const tasks = [
    async function* () {
      throw new Error('early');
    },
    () => {
      throw new Error('sync');
    },
    async function* () {
      await sleep(2);
      yield 'ok';
    },
  ] as Array<() => AsyncIterable<string>>;
  const items: string[] = [];
  await expect(
    (async () => {
      for await (const x of mergeTasks(tasks, 1)) items.push(x);
    })(),
  ).rejects.toThrow(/early|sync/);
  expect(items).toEqual(['ok']);
});

test('a slow consumer holds fast producers back: the buffer stays bounded', async () => {
  let produced = 0;
  const tasks = [0, 1].map(
    () =>
      async function* () {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield i;
        }
      },
  );
  const gen = mergeTasks(tasks, 2);
  let consumed = 0;
  let maxAhead = 0;
  for await (const _ of gen) {
    consumed++;
    maxAhead = Math.max(maxAhead, produced - consumed);
    if (consumed % 50 === 0) await sleep(1);
  }
  expect(consumed).toBe(2000);
  expect(maxAhead).toBeLessThanOrEqual(2 * 64 + 2);
});

test('chunk splits into pieces of at most size, in order', () => {
  expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  expect(chunk([], 250)).toEqual([]);
  const ids = Array.from({ length: 501 }, (_, i) => String(i));
  const parts = chunk(ids, 250);
  expect(parts.map((p) => p.length)).toEqual([250, 250, 1]);
  expect(parts.flat()).toEqual(ids);
});
