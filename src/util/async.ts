export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A promise and the functions that settle it (Promise.withResolvers, which Node 20 lacks). */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Runs `tasks` with at most `concurrency` at once and yields what each task yields, interleaved as it
 * arrives. Hand-off is a rendezvous: a task resumes only once the consumer has taken its item and asked for
 * the next, so each task holds at most one item and nothing piles up between nested merges.
 * A failing task does not stop the others; once every task has ended, the first error is thrown (with
 * the number of failed tasks), so that the work of the healthy ones is not lost.
 */
export async function* mergeTasks<T>(tasks: Iterable<() => AsyncIterable<T>>, concurrency: number): AsyncGenerator<T> {
  // At least one at a time: with none, a non-empty list would never start and an empty one never end.
  const limit = Math.max(1, concurrency);
  const iterator = tasks[Symbol.iterator]();
  const ready: Array<{ item: T; resume: () => void }> = [];
  const errors: unknown[] = [];
  let running = 0;
  let exhausted = false;
  let wakeConsumer: (() => void) | undefined;

  const notify = () => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };

  const startNext = (): boolean => {
    if (exhausted) return false;
    const next = iterator.next();
    if (next.done) {
      exhausted = true;
      return false;
    }
    running++;
    void (async () => {
      try {
        for await (const item of next.value()) {
          await new Promise<void>((resume) => {
            ready.push({ item, resume });
            notify();
          });
        }
      } catch (err) {
        errors.push(err);
      } finally {
        running--;
        while (running < limit && startNext()) {
          /* fill free slots */
        }
        notify();
      }
    })();
    return true;
  };

  while (running < limit && startNext()) {
    /* start the first batch */
  }
  while (true) {
    const entry = ready.shift();
    if (entry) {
      yield entry.item;
      entry.resume();
      continue;
    }
    if (running === 0 && exhausted) break;
    await new Promise<void>((r) => {
      wakeConsumer = r;
    });
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
  return [...batches(items, size)];
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
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export class ChannelClosedError extends Error {}

/**
 * A one-producer, one-consumer hand-off: `put` resolves once the consumer has taken the item, so the
 * producer never runs ahead. `cancel` (the consumer gave up) makes every later `put` throw.
 */
export class Channel<T> implements AsyncIterable<T> {
  private item?: { value: T; taken: () => void; refused: (err: Error) => void };
  /** The item handed to the consumer and not yet acknowledged (the consumer asks for the next one). */
  private handed?: { refused: (err: Error) => void };
  private waiting?: () => void;
  private closed = false;
  private failure?: unknown;
  private cancelled = false;

  put(value: T): Promise<void> {
    if (this.cancelled) return Promise.reject(new ChannelClosedError('the consumer stopped'));
    return new Promise<void>((taken, refused) => {
      this.item = { value, taken, refused };
      this.wake();
    });
  }

  close(): void {
    this.closed = true;
    this.wake();
  }
  fail(err: unknown): void {
    this.failure = err;
    this.closed = true;
    this.wake();
  }
  cancel(): void {
    this.cancelled = true;
    for (const pending of [this.item, this.handed]) pending?.refused(new ChannelClosedError('the consumer stopped'));
    this.item = undefined;
    this.handed = undefined;
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.item) {
        const { value, taken, refused } = this.item;
        this.item = undefined;
        this.handed = { refused };
        yield value;
        this.handed = undefined;
        taken();
        continue;
      }
      if (this.closed) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }
}
