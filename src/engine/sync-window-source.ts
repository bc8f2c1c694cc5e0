/**
 * Reads one window of one partition through the synchronous analytics endpoint: one request per id batch
 * (≤ 250 ids) × targeting-type group (≤ 14 types), each run under the recovery policy (recovery.ts).
 */
import { ConnectorError } from '../errors';
import { parseJsonExact } from '../http/json-exact';
import { SYNC_HISTORY_DAYS } from '../pinterest/limits';
import { RECORD_BATCH, type AnalyticsDefinition, type Partition } from '../streams/definition';
import { requestParts, syncQuery } from '../streams/request-parts';
import { recordFromText } from '../streams/row-text';
import type { KeyCase } from '../streams/transforms';
import { batches, chunk, mergeTasks } from '../util/async';
import type { Day } from '../util/dates';
import type { ReadContext, StreamEvent } from './context';
import { checkId, fillPath } from './paths';
import { isHistoryRefusal, recover } from './recovery';
import { earliestDay, type Window } from './slicer';
import type { TargetingTypes } from './targeting-types';

/** Requests of one window run this many at a time per partition (the rate limiter bounds the total). */
const REQUESTS_PER_WINDOW = 4;

/** What the stream's read counts for its closing warnings. */
export interface ReadProgress {
  skipped: Set<string>;
  split: number;
  earliestWarned?: Day;
  outside: number;
  outsideExample?: string;
}

/** What every part of one stream's analytics read shares. */
export interface SyncReadJob {
  def: AnalyticsDefinition;
  ctx: ReadContext;
  keys: KeyCase;
  progress: ReadProgress;
  targeting?: TargetingTypes;
}

/** One request: a window, an id batch, a targeting-type group. */
interface Request {
  window: Window;
  batch?: string[];
  types?: readonly string[];
}

/** What a failed request had done: the days it asked for (clamped to what Pinterest served) and the rows it emitted. */
interface Outcome {
  window: Window;
  emitted: number;
}

/** Satisfies the engine's WindowSource (window-source.ts). */
export class SyncWindowSource {
  constructor(
    private readonly job: SyncReadJob,
    private readonly partition: Partition,
  ) {}

  async *read(window: Window, ids: string[] | undefined): AsyncGenerator<StreamEvent> {
    const { def, ctx, targeting } = this.job;
    if (ids && ids.length === 0) return;
    const label = partitionLabel(this.partition);
    ctx.log(
      'DEBUG',
      `${def.name}: ${label}, window ${window.start}…${window.end}${ids ? `, ${ids.length} id(s)` : ''}`,
    );
    const idBatches: Array<string[] | undefined> = ids
      ? chunk(ids, def.batched ? def.batched.size : def.ids!.batchSize)
      : [undefined];
    const groups: Array<readonly string[] | undefined> = targeting ? targeting.groups(label) : [undefined];
    const requests = idBatches.flatMap((batch) => groups.map((types): Request => ({ window, batch, types })));
    yield* mergeTasks(
      requests.map((r) => () => this.readRecovering(r)),
      REQUESTS_PER_WINDOW,
    );
  }

  close(): void {}

  /** Runs one request, and what the recovery policy asks for instead of it when it fails (in date order). */
  private async *readRecovering(first: Request): AsyncGenerator<StreamEvent> {
    const { def, ctx, progress, targeting } = this.job;
    const label = partitionLabel(this.partition);
    const pending: Request[] = [first];
    while (pending.length > 0) {
      const request = pending.shift()!;
      const outcome: Outcome = { emitted: 0, window: request.window };
      try {
        yield* this.fetch(request, outcome);
        continue;
      } catch (err) {
        const action = recover(err, {
          window: outcome.window,
          types: request.types,
          emitted: outcome.emitted,
          // A batched request is for many partitions: its refusal is the caller's to judge (the route, not a pin).
          skipPartitionOn: this.isBatched(request) ? undefined : def.skipPartitionOn,
          midnightPassed: isHistoryRefusal(err) && this.midnightPassed(outcome.window),
        });
        switch (action.kind) {
          case 'reclamp':
            pending.unshift({ ...request, window: outcome.window });
            break;
          case 'skip-partition':
            if (!progress.skipped.has(label)) {
              progress.skipped.add(label);
              ctx.log(
                'WARN',
                `${def.name}: skipping ${label}: Pinterest answered HTTP ${action.status} (${action.reason}).`,
              );
            }
            return;
          case 'drop-refused-types': {
            // The refusal is the stream's error only when every selected type is refused (then it is not about a type at all).
            const retry = targeting!.afterRefusal(label, action);
            if (!retry) throw err;
            pending.unshift(...retry.map((types) => ({ ...request, types })));
            break;
          }
          case 'halve-window':
            progress.split++;
            ctx.log(
              'WARN',
              `${def.name}: ${this.describe(outcome.window, request)} failed (${(err as ConnectorError).message}); splitting the window in two.`,
            );
            pending.unshift(...action.halves.map((window) => ({ ...request, window })));
            break;
          case 'fail':
            throw err;
        }
      }
    }
  }

  /** One request's records; `outcome` says which days were asked for and how many rows were out when it failed. */
  private async *fetch(request: Request, outcome: Outcome): AsyncGenerator<StreamEvent> {
    const { def, ctx, keys } = this.job;
    const partition = this.partition;
    const batched = this.isBatched(request) ? def.batched : undefined;
    const path = batched ? batched.path : fillPath(def.path, partition);
    if (batched && def.partition.by === 'parent') for (const id of request.batch!) checkId(path, def.partition.as, id);
    // Holding a slot from request to last record bounds the answers in progress, whatever the concurrency.
    const release = await ctx.responses.acquire();
    try {
      // The earliest day Pinterest serves is decided now, not when the windows were cut: midnight may have passed.
      const window = this.servedPart(request.window);
      if (!window) return;
      outcome.window = window;
      const idParam = batched?.param ?? def.ids?.param;
      const query = syncQuery(requestParts(def, ctx.config), window, {
        ids: request.batch && idParam ? { param: idParam, values: request.batch } : undefined,
        targetingTypes: request.types,
      });
      for (const name of batched?.omit ?? []) delete query[name];
      const what = this.describe(window, request);
      const asked = request.batch ? new Set(request.batch) : undefined;
      if (def.stream) {
        // Rows are read as the answer arrives: a 30 MB answer is never held whole.
        const { key, record } = def.stream;
        const fromText = recordFromText(record);
        for await (const texts of ctx.requester.arrayStream({ path, category: def.category, query }, key)) {
          const data = texts.map(
            (text) => fromText?.(text, partition, keys) ?? record(parseElement(text, what), partition, keys, what),
          );
          this.countOutside(data, window, asked);
          outcome.emitted += data.length;
          yield { kind: 'records', data };
        }
      } else {
        const body = await ctx.requester.json({ path, category: def.category, query });
        const rows = batched ? this.keyedRows(body, request.batch!, what) : def.select!(body, partition, keys, what);
        for (const data of batches(rows, RECORD_BATCH)) {
          this.countOutside(data, window, asked);
          outcome.emitted += data.length;
          yield { kind: 'records', data };
        }
      }
    } finally {
      release();
    }
  }

  private describe(window: Window, request?: Request): string {
    const { def } = this.job;
    const path = request && this.isBatched(request) ? def.batched!.path : fillPath(def.path, this.partition);
    return `GET ${path} (${window.start}…${window.end})`;
  }

  /** A request for a batch of partitions on the stream's batched endpoint (pin_analytics: GET /pins/analytics). */
  private isBatched(request: Request): boolean {
    return request.batch !== undefined && this.job.def.batched !== undefined;
  }

  /**
   * The rows of an answer keyed by partition id: each asked id's value read by the stream's selector. An
   * asked id the answer leaves out is one Pinterest refused: skipped from now on and counted. A key that was
   * not asked means the answer is not what it seems: no rows are taken from it.
   */
  private *keyedRows(body: unknown, asked: string[], what: string): Generator<Record<string, unknown>> {
    const { def, ctx, keys, progress } = this.job;
    const as = def.partition.by === 'parent' ? def.partition.as : 'id';
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ConnectorError(
        `Pinterest answered ${what} with an unexpected shape (${Array.isArray(body) ? 'a list' : String(body)}); no records were taken from it.`,
        'transient_error',
      );
    const answer = body as Record<string, unknown>;
    const wanted = new Set(asked);
    const stray = Object.keys(answer).find((k) => !wanted.has(k));
    if (stray !== undefined)
      throw new ConnectorError(
        `Pinterest answered ${what} with an unexpected shape (a key "${stray.slice(0, 40)}" that is none of the ${as} values asked for); no records were taken from it.`,
        'transient_error',
      );
    for (const id of asked) {
      const part: Partition = { ...this.partition, [as]: id };
      if (!Object.prototype.hasOwnProperty.call(answer, id)) {
        const label = partitionLabel(part);
        if (!progress.skipped.has(label)) {
          progress.skipped.add(label);
          ctx.log('DEBUG', `${def.name}: skipping ${label}: Pinterest left it out of ${what}.`);
        }
        continue;
      }
      yield* def.select!(answer[id], part, keys, what);
    }
  }

  /** Pinterest refused the window's start as too old: true when that means UTC midnight has passed. */
  private midnightPassed(window: Window): boolean {
    const clock = this.job.ctx.clock;
    if (!clock) return false;
    return window.start < earliestDay(clock.today()) || clock.observeRefusedStart(window.start, SYNC_HISTORY_DAYS);
  }

  /**
   * The part of a window Pinterest serves today (as of now): the window itself, its days from the earliest
   * served day on (midnight passed during the read; warned once per new day), or nothing.
   */
  private servedPart(window: Window): Window | undefined {
    const { ctx, def, progress } = this.job;
    if (!ctx.clock) return window;
    const earliest = earliestDay(ctx.clock.today());
    if (window.start >= earliest) return window;
    if (progress.earliestWarned !== earliest) {
      progress.earliestWarned = earliest;
      ctx.log(
        'WARN',
        `${def.name}: a new UTC day began during the read; Pinterest now serves analytics from ${earliest}, so older days of this read's range are no longer available and are left out.`,
      );
    }
    return window.end < earliest ? undefined : { start: earliest, end: window.end };
  }

  /** Rows dated outside the window, or for an id not in the request: counted, for one warning at the end. */
  private countOutside(rows: Array<Record<string, unknown>>, window: Window, asked: Set<string> | undefined): void {
    const { def, progress } = this.job;
    const idKey = def.primaryKey[0];
    for (const row of rows) {
      const date = row.date;
      const outsideWindow = typeof date === 'string' && (date < window.start || date.slice(0, 10) > window.end);
      const notAsked = asked !== undefined && !asked.has(String(row[idKey]));
      if (outsideWindow || notAsked) {
        progress.outside++;
        progress.outsideExample ??= `${idKey} ${String(row[idKey])} on ${String(date)}, asked ${window.start}…${window.end}`;
      }
    }
  }
}

function parseElement(text: string, what: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    throw new ConnectorError(
      `Pinterest answered ${what} with a row that is not valid JSON; the read stops rather than skip data.`,
      'transient_error',
    );
  }
}

export function partitionLabel(p: Partition): string {
  if (p.pin_id) return `pin ${p.pin_id}`;
  if (p.ad_account_id) return `ad account ${p.ad_account_id}`;
  return 'the user account';
}
