/**
 * The one engine that runs every stream: statuses (STARTED → RUNNING → COMPLETE, or INCOMPLETE with a
 * TRACE ERROR), records, STREAM state with exact recordCount after every checkpoint, estimates and
 * progress logs. A failing stream does not stop the others; the run fails at the end.
 */
import { ConnectorError, QuotaExhaustedError, failureTypeOf, messageOf } from '../errors';
import * as msg from '../protocol/messages';
import type { AirbyteMessage } from '../protocol/messages';
import type { MessageWriter, RecordBatch } from '../protocol/output';
import { deferred, mergeTasks } from '../util/async';
import { readAnalytics } from './analytics-reader';
import type { SelectedStream } from './catalog';
import type { ReadContext } from './context';
import { readList } from './list-reader';
import { readSnapshot } from './snapshot-reader';
import type { StreamStates } from './state';
import { parentsOf, type StreamDefinition } from '../streams/definition';
import { schemaOf } from '../streams/definitions';
import type { StreamRegistry } from '../streams/registry';

const PROGRESS_INTERVAL_MS = 30_000;

interface StreamSummary {
  name: string;
  records: number;
  status: 'COMPLETE' | 'INCOMPLETE';
  error?: string;
  notes?: string[];
}

export async function runRead(
  ctx: ReadContext,
  selected: SelectedStream[],
  states: StreamStates,
  writer: MessageWriter,
): Promise<StreamSummary[]> {
  const summaries = new Map<string, StreamSummary>(
    selected.map((s) => [s.def.name, { name: s.def.name, records: 0, status: 'COMPLETE' }]),
  );
  const started = Date.now();
  const progress = setInterval(() => {
    const counts = [...summaries.values()]
      .filter((s) => s.records > 0)
      .map((s) => `${s.name}=${s.records}`)
      .join(', ');
    writer.log(
      'INFO',
      `Progress after ${Math.round((Date.now() - started) / 1000)} s: ${counts || 'no records yet'}; ${ctx.requester.stats.requests} requests.`,
    );
  }, PROGRESS_INTERVAL_MS);
  progress.unref();

  try {
    // A stream starts once the selected lists it draws on (directly or through other lists) are read:
    // boards before board pins, campaigns before their analytics, so each shared list is fetched once.
    // Streams that draw on none start at once: reports are requested first, and Pinterest builds them while
    // the lists are read; and no stream waits for a report it does not need.
    const finished = new Map(selected.map((s) => [s.def.name, deferred()]));
    const tasks = selected.map((s) => {
      const after = listsDrawnOn(s.def, ctx.registry)
        .map((name) => finished.get(name)?.promise)
        .filter((p): p is Promise<void> => p !== undefined);
      return async function* () {
        try {
          await Promise.all(after);
          yield* runStream(s, ctx, states.get(s.def.name), summaries.get(s.def.name)!);
        } finally {
          finished.get(s.def.name)!.resolve();
        }
      };
    });
    for await (const messages of mergeTasks(tasks, tasks.length)) {
      for (const message of messages) {
        const pending =
          message.type === 'RECORDS' ? writer.writeRecords(message.stream, message.data) : writer.write(message);
        if (pending) await pending;
      }
    }
  } finally {
    clearInterval(progress);
  }
  return [...summaries.values()];
}

async function* runStream(
  selection: SelectedStream,
  ctx: ReadContext,
  inputState: Record<string, unknown> | undefined,
  summary: StreamSummary,
): AsyncGenerator<Array<AirbyteMessage | RecordBatch>> {
  const { def, incremental } = selection;
  const name = def.name;
  const known = new Set(Object.keys((schemaOf(def).properties as Record<string, unknown>) ?? {}));
  const warned = new Set<string>();
  const onUnknownField = (field: string) => {
    if (known.has(field) || warned.has(field)) return;
    warned.add(field);
    ctx.log(
      'WARN',
      `${name}: Pinterest returned the field '${field}', which the stream's schema does not declare; it is passed through.`,
    );
  };

  yield [msg.streamStatus(name, 'STARTED')];
  let running = false;
  let sinceState = 0;
  let checkpointed = false;
  try {
    const events =
      def.kind === 'list'
        ? readList(def, ctx, { incremental, inputState })
        : def.kind === 'snapshot'
          ? readSnapshot(def, ctx, { incremental, inputState })
          : readAnalytics(def, ctx, { incremental, inputState, onUnknownField });
    for await (const event of events) {
      if (event.kind === 'records') {
        if (!running) {
          running = true;
          yield [msg.streamStatus(name, 'RUNNING')];
        }
        if (def.kind !== 'analytics')
          for (const data of event.data) for (const k in data) if (!known.has(k)) onUnknownField(k);
        sinceState += event.data.length;
        summary.records += event.data.length;
        yield [{ type: 'RECORDS', stream: name, data: event.data }];
      } else if (event.kind === 'checkpoint') {
        yield [msg.streamState(name, event.state, sinceState)];
        sinceState = 0;
        checkpointed = true;
      } else if (event.kind === 'estimate') {
        yield [msg.estimate(name, event.rows)];
      } else if (event.kind === 'note') {
        (summary.notes ??= []).push(event.text);
      }
    }
    const end: AirbyteMessage[] = [];
    if (!running) end.push(msg.streamStatus(name, 'RUNNING'));
    // Full-refresh lists have no cursor: one checkpoint at the end carries the count.
    if (def.kind !== 'analytics' && !checkpointed) end.push(msg.streamState(name, {}, sinceState));
    end.push(msg.streamStatus(name, 'COMPLETE'));
    yield end;
  } catch (err) {
    summary.status = 'INCOMPLETE';
    summary.error = messageOf(err);
    const others = (err as { otherFailures?: number }).otherFailures;
    const suffix = others ? ` (${others} more partition(s) failed the same way or otherwise)` : '';
    if (err instanceof QuotaExhaustedError) {
      yield [
        msg.streamStatus(name, 'INCOMPLETE', [
          { type: 'RATE_LIMITED', rate_limited: err.resetAtMs ? { quota_reset: err.resetAtMs } : {} },
        ]),
      ];
    } else {
      yield [msg.streamStatus(name, 'INCOMPLETE')];
    }
    yield [
      msg.traceError(`${name}: ${messageOf(err)}${suffix}`, failureTypeOf(err), {
        stream: name,
        internal: err instanceof ConnectorError ? err.internalMessage : undefined,
        stack: err instanceof ConnectorError ? undefined : (err as Error)?.stack,
      }),
    ];
  }
}

/** The names of the lists a stream draws on, directly or through other lists (a cycle is a definition error). */
function listsDrawnOn(def: StreamDefinition, registry: StreamRegistry, seen: string[] = []): string[] {
  if (seen.includes(def.name)) throw new Error(`stream parents form a cycle: ${[...seen, def.name].join(' → ')}`);
  const out: string[] = [];
  for (const ref of parentsOf(def)) {
    const parent = registry.get(ref.stream);
    if (!parent) continue;
    out.push(parent.name, ...listsDrawnOn(parent, registry, [...seen, def.name]));
  }
  return [...new Set(out)];
}
