/** Selectors over the messages of one run: records, states, traces, logs; what a checkpoint vouches for. */
import type { Json } from './constants';

export const ofType = (messages: Json[], type: string): Json[] => messages.filter((m) => m.type === type);

/** Record data, of one stream or all. */
export const records = (messages: Json[], stream?: string): Json[] =>
  messages.filter((m) => m.type === 'RECORD' && (!stream || m.record.stream === stream)).map((m) => m.record.data);

/** STATE payloads (`m.state`), of one stream or all. */
export const states = (messages: Json[], stream?: string): Json[] =>
  messages
    .filter((m) => m.type === 'STATE' && (!stream || m.state.stream?.stream_descriptor?.name === stream))
    .map((m) => m.state);

export const errorTraces = (messages: Json[]): Json[] =>
  messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);

export const statusTraces = (messages: Json[], stream: string): Json[] =>
  messages
    .filter(
      (m) =>
        m.type === 'TRACE' &&
        m.trace.type === 'STREAM_STATUS' &&
        m.trace.stream_status.stream_descriptor.name === stream,
    )
    .map((m) => m.trace.stream_status);

export const statuses = (messages: Json[], stream: string): string[] =>
  statusTraces(messages, stream).map((s) => s.status);

export const logs = (messages: Json[], level?: string): string[] =>
  messages.filter((m) => m.type === 'LOG' && (!level || m.log.level === level)).map((m) => m.log.message);

export { lastStates } from '../scripts/lib/connector-process';

/**
 * Records that a checkpoint vouches for: per stream, those emitted before that stream's last STATE (what a
 * platform commits). Records after the last state may be lost with the process, and the next run must re-read them.
 */
export function committedRecords(messages: Json[]): Map<string, Json[]> {
  const lastStateAt = new Map<string, number>();
  messages.forEach((m, i) => {
    if (m.type === 'STATE') lastStateAt.set(m.state.stream.stream_descriptor.name, i);
  });
  const out = new Map<string, Json[]>();
  messages.forEach((m, i) => {
    if (m.type !== 'RECORD') return;
    const s = m.record.stream;
    if ((lastStateAt.get(s) ?? -1) > i) (out.get(s) ?? out.set(s, []).get(s)!).push(m.record.data);
  });
  return out;
}

/** A record's identity for set comparisons: sorted keys and their values. */
export const canonical = (data: Json): string =>
  JSON.stringify(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]]),
  );
