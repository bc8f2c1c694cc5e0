export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs `tasks` with at most `concurrency` at once and yields what each task yields, interleaved as it
 * arrives. Hand-off is a rendezvous: a task resumes only once the consumer has taken its item and asked for
 * the next, so each task holds at most one item and nothing piles up between nested merges.
 * A failing task does not stop the others; once every task has ended, the first error is thrown (with
 * the number of failed tasks), so that the work of the healthy ones is not lost.
 */
export async function* mergeTasks<T>(
  tasks: Iterable<() => AsyncIterable<T>>,
  concurrency: number,
): AsyncGenerator<T> {
  const iterator = tasks[Symbol.iterator]();
  const ready: Array<{ item: T; resume: () => void }> = [];
  const errors: unknown[] = [];
  let running = 0;
  let exhausted = false;
  let wakeConsumer: (() => void) | undefined;

  const notify = () => { const w = wakeConsumer; wakeConsumer = undefined; w?.(); };

  const startNext = (): boolean => {
    if (exhausted) return false;
    const next = iterator.next();
    if (next.done) { exhausted = true; return false; }
    running++;
    void (async () => {
      try {
        for await (const item of next.value()) {
          await new Promise<void>((resume) => { ready.push({ item, resume }); notify(); });
        }
      } catch (err) {
        errors.push(err);
      } finally {
        running--;
        while (running < concurrency && startNext()) { /* fill free slots */ }
        notify();
      }
    })();
    return true;
  };

  while (running < concurrency && startNext()) { /* start the first batch */ }
  while (true) {
    const entry = ready.shift();
    if (entry) {
      yield entry.item;
      entry.resume();
      continue;
    }
    if (running === 0 && exhausted) break;
    await new Promise<void>((r) => { wakeConsumer = r; });
  }
  if (errors.length > 0) {
    const first = errors[0];
    if (errors.length > 1 && first instanceof Error) {
      (first as Error & { otherFailures?: number }).otherFailures = errors.length - 1;
    }
    throw first;
  }
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A counting semaphore: at most `permits` holders at once; waiters are served in order. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private permits: number) {}

  async acquire(): Promise<() => void> {
    if (this.permits > 0) this.permits--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.permits++;
    };
  }
}

/** Groups the items of an iterable into arrays of at most `size`. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= size) { yield batch; batch = []; }
  }
  if (batch.length > 0) yield batch;
}
