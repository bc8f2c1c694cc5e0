/**
 * MessageWriter: one JSON object per line, back-pressure from a slow stdout without loss or reordering,
 * secrets masked in LOG and TRACE (never in RECORD or CONTROL), and log-level filtering.
 */
import { PassThrough, Writable } from 'node:stream';
import * as msg from '../src/protocol/messages';
import type { AirbyteMessage } from '../src/protocol/messages';
import { MessageWriter } from '../src/protocol/output';
import { RECORD_JSON } from '../src/protocol/record-json';
import { parseAndValidate } from '../test_kit/protocol';

/** A stdout that takes a chunk every `delayMs`, with a tiny buffer: write() returns false almost at once. */
function slowSink(delayMs = 2, highWaterMark = 16) {
  const chunks: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const sink = new Writable({
    highWaterMark,
    write(chunk, _enc, cb) {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        chunks.push(chunk.toString());
        inFlight--;
        cb();
      }, delayMs);
    },
  });
  return { sink, text: () => chunks.join(''), chunks, buffered: () => sink.writableLength, peak: () => peak };
}

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => {
    text += d.toString();
  });
  return { out, text: () => text };
}

const state = (n: number) =>
  msg.streamState('ad_analytics', { date: `2026-06-${String(1 + (n % 28)).padStart(2, '0')}`, n }, n);
const rec = (n: number, pad = 0) => msg.record('boards', { id: String(n), pad: 'x'.repeat(pad) });
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** Awaits a promise with a deadline, so that a hang fails the test instead of the whole run. */
async function within<T>(p: Promise<T> | void, ms: number, what: string): Promise<T | void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not resolve within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p ?? Promise.resolve(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('framing', () => {
  test('one JSON object per line, each a valid Airbyte message, in order', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    const sent: AirbyteMessage[] = [
      rec(1),
      msg.log('INFO', 'line one\nline two'),
      rec(2),
      msg.streamStatus('boards', 'RUNNING'),
      state(1),
      msg.traceError('bad "quote"', 'config_error'),
      msg.controlConfig({ a: 1 }),
      msg.connectionStatus(true, 'ok'),
    ];
    for (const m of sent) await w.write(m);
    await w.flush();
    const got = lines(text());
    expect(got).toHaveLength(sent.length);
    expect(got.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(sent)));
    expect(parseAndValidate(text())).toHaveLength(sent.length);
    expect(text().endsWith('\n')).toBe(true);
    expect(w.counts).toEqual({ records: 2, messages: sent.length });
  });

  test('records are batched, but STATE, TRACE and CONTROL reach the stream at once', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'info');
    expect(w.write(rec(1))).toBeUndefined(); // buffered
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('');
    await w.write(state(1));
    expect(lines(text())).toHaveLength(2);
    w.write(rec(2));
    await w.write(msg.traceError('x', 'system_error'));
    expect(lines(text())).toHaveLength(4);
    w.write(rec(3));
    await w.write(msg.controlConfig({ c: 1 }));
    expect(lines(text())).toHaveLength(6);
  });

  test('a large batch of records flushes by itself (64 KiB)', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'info');
    let pending: unknown;
    for (let i = 0; i < 100 && !pending; i++) pending = w.write(rec(i, 1000));
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(lines(text()).length).toBeGreaterThanOrEqual(60);
  });
});

describe('back-pressure', () => {
  test('a write that fills the pipe resolves only after drain; nothing is lost and the order is kept', async () => {
    const s = slowSink(3, 16);
    const w = new MessageWriter(s.sink, 'info');
    const p = w.write(state(0));
    expect(p).toBeInstanceOf(Promise);
    expect(s.buffered()).toBeGreaterThan(16); // the chunk is queued beyond the high-water mark
    await within(p, 2000, 'write');
    expect(s.buffered()).toBe(0); // resolved after 'drain': the pipe took everything
    expect(lines(s.text())).toHaveLength(1);
  });

  test('awaiting each write: 300 records and states arrive complete and in order', async () => {
    const s = slowSink(1, 64);
    const w = new MessageWriter(s.sink, 'info');
    const sent: AirbyteMessage[] = [];
    for (let i = 0; i < 300; i++) sent.push(i % 10 === 9 ? state(i) : rec(i, 200));
    for (const m of sent) await within(w.write(m), 2000, `write ${sent.indexOf(m)}`);
    await within(w.flush(), 2000, 'flush');
    expect(lines(s.text()).map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(sent)));
  });

  test('two flushing writes issued before the pipe drains both resolve (no lost drain)', async () => {
    const s = slowSink(5, 1);
    const w = new MessageWriter(s.sink, 'info');
    const p1 = w.write(state(1));
    const p2 = w.write(state(2)); // the pipe is still full: one 'drain' will come for both chunks
    await within(p1, 2000, 'first write');
    await within(p2, 2000, 'second write');
    await within(w.flush(), 2000, 'flush');
    expect(lines(s.text()).map((l) => JSON.parse(l).state.stream.stream_state.n)).toEqual([1, 2]);
  });

  test("concurrent writers (a CONTROL from a token refresh amid states) never hang and keep each writer's order", async () => {
    const s = slowSink(2, 1);
    const w = new MessageWriter(s.sink, 'info');
    const pending: Array<Promise<void> | void> = [];
    for (let i = 0; i < 20; i++) {
      pending.push(w.write(state(i)));
      if (i % 5 === 0) pending.push(w.write(msg.controlConfig({ i })));
      void w.log('WARN', `note ${i}`);
    }
    await within(Promise.all(pending), 3000, 'all writes');
    await within(w.flush(), 2000, 'final flush');
    const got = lines(s.text()).map((l) => JSON.parse(l));
    expect(got.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.n)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(got.filter((m) => m.type === 'CONTROL')).toHaveLength(4);
    expect(got.filter((m) => m.type === 'LOG')).toHaveLength(20);
  });

  test('a pipe that closes while a write waits for drain does not hang the writer', async () => {
    const sink = new Writable({
      highWaterMark: 1,
      write(_c, _e, _cb) {
        /* never completes */
      },
    });
    const w = new MessageWriter(sink, 'info');
    const p = w.write(state(1));
    sink.destroy();
    await within(p, 2000, 'write to a closed pipe');
  });
});

describe('secrets', () => {
  const SECRET = 'pinr.super-secret-refresh-token';
  const ACCESS = 'pina.access-token-123';

  async function written(w: MessageWriter, text: () => string, m: AirbyteMessage) {
    await w.write(m);
    await w.flush();
    return lines(text()).pop()!;
  }

  test('masked in LOG and TRACE messages', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    w.addSecret(SECRET);
    w.addSecret(ACCESS);
    const log = await written(
      w,
      text,
      msg.log('ERROR', `refresh with ${SECRET} failed; token ${ACCESS} and again ${SECRET}`),
    );
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(ACCESS);
    expect(JSON.parse(log).log.message).toBe('refresh with **** failed; token **** and again ****');
    const trace = await written(
      w,
      text,
      msg.traceError(`bad token ${ACCESS}`, 'config_error', {
        internal: `body: ${SECRET}`,
        stack: `Error: ${SECRET}\n  at x`,
      }),
    );
    expect(trace).not.toContain(SECRET);
    expect(trace).not.toContain(ACCESS);
    expect(JSON.parse(trace).trace.error).toMatchObject({ message: 'bad token ****', internal_message: 'body: ****' });
  });

  test('log() goes through the same masking', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    w.addSecret(SECRET);
    await w.log('INFO', `using ${SECRET}`);
    await w.flush();
    expect(text()).not.toContain(SECRET);
  });

  test('masked in every message but CONTROL (a CONTROL carries the new credential on purpose)', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    w.addSecret(SECRET);
    const record = await written(w, text, msg.record('boards', { description: `contains ${SECRET}` }));
    expect(JSON.parse(record).record.data.description).toBe('contains ****');
    const status = await written(w, text, msg.connectionStatus(false, `refused refresh_token=${SECRET}`));
    expect(status).not.toContain(SECRET);
    const control = await written(w, text, msg.controlConfig({ credentials: { refresh_token: SECRET } }));
    expect(JSON.parse(control).control.connectorConfig.config.credentials.refresh_token).toBe(SECRET);
  });

  test('very short or empty values are not registered (they would mask ordinary text)', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    w.addSecret('');
    w.addSecret(undefined);
    w.addSecret('abc');
    const line = await written(w, text, msg.log('INFO', 'abc abc'));
    expect(JSON.parse(line).log.message).toBe('abc abc');
  });

  test('a secret registered later masks later messages', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    const before = await written(w, text, msg.log('INFO', `token ${ACCESS}`));
    expect(before).toContain(ACCESS);
    w.addSecret(ACCESS);
    const after = await written(w, text, msg.log('INFO', `token ${ACCESS}`));
    expect(after).not.toContain(ACCESS);
  });
});

describe('log levels', () => {
  const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
  test.each([
    ['debug', ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']],
    ['info', ['INFO', 'WARN', 'ERROR', 'FATAL']],
    ['warn', ['WARN', 'ERROR', 'FATAL']],
    ['error', ['ERROR', 'FATAL']],
    ['WARN', ['WARN', 'ERROR', 'FATAL']],
    ['nonsense', ['INFO', 'WARN', 'ERROR', 'FATAL']],
  ])('LOG_LEVEL=%s lets through %j', async (level, expected) => {
    const { out, text } = capture();
    const w = new MessageWriter(out, level);
    for (const l of LEVELS) await w.log(l, `at ${l}`);
    await w.flush();
    expect(lines(text()).map((x) => JSON.parse(x).log.level)).toEqual(expected);
  });

  test('the level filters LOG messages only, never records, states or traces', async () => {
    const { out, text } = capture();
    const w = new MessageWriter(out, 'error');
    await w.log('INFO', 'dropped');
    await w.write(rec(1));
    await w.write(state(1));
    await w.write(msg.traceError('kept', 'system_error'));
    await w.flush();
    expect(lines(text()).map((x) => JSON.parse(x).type)).toEqual(['RECORD', 'STATE', 'TRACE']);
  });
});

describe('writeRecords (a batch with the envelope serialised once)', () => {
  test('writes the lines write() would, masks secrets, counts records and fails a too-deep record clearly', async () => {
    const rows = [
      { id: '1', spend: 2, gone: undefined, note: 'a "quoted"\nline' },
      { id: '2', nested: { a: [1] } },
    ];
    const one = capture();
    const a = new MessageWriter(one.out, 'debug');
    for (const r of rows) a.write(msg.record('boards', r));
    await a.flush();
    const batch = capture();
    const b = new MessageWriter(batch.out, 'debug');
    b.writeRecords('boards', rows);
    await b.flush();
    const strip = (t: string) => lines(t).map((l) => l.replace(/"emitted_at":\d+/, '"emitted_at":0'));
    expect(strip(batch.text())).toEqual(strip(one.text()));
    expect(b.counts).toEqual({ records: 2, messages: 2 });
    for (const l of lines(batch.text())) parseAndValidate(l);

    const SECRET = 'pinr.super-secret-refresh-token';
    const masked = capture();
    const m = new MessageWriter(masked.out, 'debug');
    m.addSecret(SECRET);
    m.writeRecords('boards', [{ description: `contains ${SECRET}` }]);
    await m.flush();
    expect(JSON.parse(lines(masked.text())[0]).record.data.description).toBe('contains ****');

    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) deep = { d: deep };
    expect(() => b.writeRecords('boards', [deep])).toThrow(/boards is nested too deeply/);
  });

  test('secrets are searched a chunk at a time: record lines masked (text rows too, long ids exact), CONTROL kept, other lines untouched', async () => {
    const SECRET = 'pinr.super-secret-refresh-token';
    const { out, text } = capture();
    const w = new MessageWriter(out, 'debug');
    w.addSecret(SECRET);
    const fromText = {
      id: '9223372036854775808',
      [RECORD_JSON]: `{"id":"9223372036854775808","note":"has ${SECRET}"}`,
    };
    const many = Array.from({ length: 3000 }, (_, i) => ({ id: String(i), pad: 'x'.repeat(40) }));
    w.writeRecords('pins', [{ id: '1', note: 'clean' }, fromText, ...many]);
    await w.write(msg.controlConfig({ credentials: { refresh_token: SECRET } }));
    w.writeRecords('pins', [{ id: '2', note: `again ${SECRET}` }]);
    await w.flush();
    const got = parseAndValidate(text());
    expect(got).toHaveLength(3004);
    expect(got[0].record.data).toEqual({ id: '1', note: 'clean' });
    expect(got[1].record.data).toEqual({ id: '9223372036854775808', note: 'has ****' });
    expect(got.slice(2, 3002).map((m) => m.record.data)).toEqual(many);
    expect(got[3002].control.connectorConfig.config.credentials.refresh_token).toBe(SECRET);
    expect(got[3003].record.data.note).toBe('again ****');
  });
});
