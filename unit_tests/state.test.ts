/**
 * Input state in every shape Airbyte may hand over (Airbyte's protocol; docs/contract.md §5), the
 * analytics cursor state, and its per-partition semantics.
 */
import { ConnectorError } from '../src/errors';
import {
  advance,
  parseCursorState,
  parseInputState,
  partitionCursor,
  serializeCursorState,
  withTopDate,
  type CursorState,
} from '../src/engine/state';
import { prng } from '../test_kit/prng';

const streamMsg = (name: string, state: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name, ...extra }, stream_state: state },
  sourceStats: { recordCount: 3 },
});
const asObject = (m: Map<string, unknown>) => Object.fromEntries(m);

function configErrorOf(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).failureType).toBe('config_error');
    return err as ConnectorError;
  }
  throw new Error('expected a config error');
}

describe('parseInputState: accepted shapes', () => {
  test('the per-stream array of STREAM messages', () => {
    const states = parseInputState([
      streamMsg('campaign_analytics', { date: '2026-06-01', partitions: { '1': { date: '2026-06-01' } } }),
      streamMsg('pin_analytics', { date: '2026-05-01' }),
    ]);
    expect(asObject(states)).toEqual({
      campaign_analytics: { date: '2026-06-01', partitions: { '1': { date: '2026-06-01' } } },
      pin_analytics: { date: '2026-05-01' },
    });
  });

  test('a later message for the same stream wins', () => {
    const states = parseInputState([
      streamMsg('ad_analytics', { date: '2026-05-01' }),
      streamMsg('ad_analytics', { date: '2026-06-01' }),
    ]);
    expect(states.get('ad_analytics')).toEqual({ date: '2026-06-01' });
  });

  test('a GLOBAL message: its stream_states are read', () => {
    const states = parseInputState([
      {
        type: 'GLOBAL',
        global: {
          shared_state: { cdc: 'ignored' },
          stream_states: [
            { stream_descriptor: { name: 'ad_analytics' }, stream_state: { date: '2026-06-01' } },
            { stream_descriptor: { name: 'boards' }, stream_state: null },
          ],
        },
      },
    ]);
    expect(asObject(states)).toEqual({ ad_analytics: { date: '2026-06-01' } });
  });

  test('a single GLOBAL message object (not in a list) is read like the list', () => {
    const states = parseInputState({
      type: 'GLOBAL',
      global: {
        stream_states: [{ stream_descriptor: { name: 'ad_analytics' }, stream_state: { date: '2026-06-01' } }],
      },
    });
    expect(asObject(states)).toEqual({ ad_analytics: { date: '2026-06-01' } });
  });

  test('the legacy object keyed by stream name', () => {
    const states = parseInputState({
      ad_analytics: { date: '2026-06-01' },
      campaign_analytics: { date: '2026-05-01' },
    });
    expect(asObject(states)).toEqual({
      ad_analytics: { date: '2026-06-01' },
      campaign_analytics: { date: '2026-05-01' },
    });
  });

  test('a legacy object with a null stream state skips that stream', () => {
    expect(asObject(parseInputState({ ad_analytics: null, pin_analytics: { date: '2026-06-01' } }))).toEqual({
      pin_analytics: { date: '2026-06-01' },
    });
  });

  test('a legacy {type: LEGACY, data} message, alone or in a list', () => {
    const data = { ad_analytics: { date: '2026-06-01' } };
    expect(asObject(parseInputState({ type: 'LEGACY', data }))).toEqual(data);
    expect(asObject(parseInputState({ data }))).toEqual(data);
    expect(asObject(parseInputState([{ type: 'LEGACY', data }]))).toEqual(data);
    expect(asObject(parseInputState([{ data }]))).toEqual(data);
  });

  test('a single STREAM message object (not in a list)', () => {
    expect(asObject(parseInputState(streamMsg('ad_analytics', { date: '2026-06-01' })))).toEqual({
      ad_analytics: { date: '2026-06-01' },
    });
  });

  test('a stream descriptor with a namespace is keyed by its name', () => {
    expect(
      asObject(parseInputState([streamMsg('ad_analytics', { date: '2026-06-01' }, { namespace: 'pinterest' })])),
    ).toEqual({ ad_analytics: { date: '2026-06-01' } });
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['{}', {}],
    ['[]', []],
  ])('%s is empty state', (_name, raw) => {
    expect(parseInputState(raw).size).toBe(0);
  });

  test('a null or absent stream_state means the stream was reset: no state for it', () => {
    const states = parseInputState([
      streamMsg('ad_analytics', null),
      { type: 'STREAM', stream: { stream_descriptor: { name: 'pin_analytics' } } },
      streamMsg('boards', {}),
    ]);
    expect(states.has('ad_analytics')).toBe(false);
    expect(states.has('pin_analytics')).toBe(false);
    expect(states.get('boards')).toEqual({});
  });
});

describe('parseInputState: garbage is a config_error naming the problem', () => {
  test.each([
    ['a string', 'date=2026-06-01', /expected a list of STREAM state messages or an object keyed by stream name/],
    ['a number', 42, /expected a list/],
    ['true', true, /expected a list/],
    ['a list of strings', ['ad_analytics'], /element 0 is not an object/],
    ['a list with null', [streamMsg('a', { date: '2026-06-01' }), null], /element 1 is not an object/],
    [
      'a STREAM message without a descriptor',
      [{ type: 'STREAM', stream: { stream_state: { date: '2026-06-01' } } }],
      /element 0 has no stream\.stream_descriptor\.name/,
    ],
    [
      'a descriptor without a name',
      [{ type: 'STREAM', stream: { stream_descriptor: {}, stream_state: {} } }],
      /element 0 has no stream\.stream_descriptor\.name/,
    ],
    [
      'a name that is not a string',
      [{ type: 'STREAM', stream: { stream_descriptor: { name: 5 }, stream_state: {} } }],
      /stream_descriptor\.name/,
    ],
    ['a STREAM message without stream', [{ type: 'STREAM' }], /element 0 has no stream/],
    [
      'a stream_state that is a string',
      [streamMsg('ad_analytics', '2026-06-01')],
      /stream_state of 'ad_analytics' is not an object/,
    ],
    [
      'a stream_state that is a list',
      [streamMsg('ad_analytics', [1])],
      /stream_state of 'ad_analytics' is not an object/,
    ],
    ['a LEGACY message without data', [{ type: 'LEGACY' }], /element 0 is a LEGACY state without a data object/],
    [
      'a legacy object with a string state',
      { ad_analytics: '2026-06-01' },
      /the state of stream 'ad_analytics' is not an object/,
    ],
    [
      'a GLOBAL message whose stream state lacks a descriptor',
      [{ type: 'GLOBAL', global: { stream_states: [{ stream_state: {} }] } }],
      /element 0 has no stream\.stream_descriptor\.name/,
    ],
  ])('%s', (_name, raw, message) => {
    const err = configErrorOf(() => parseInputState(raw));
    expect(err.message).toMatch(/^Invalid state: /);
    expect(err.message).toMatch(message);
  });
});

describe('parseCursorState', () => {
  test('absent or empty state: no cursor', () => {
    expect(parseCursorState('ad_analytics', undefined)).toEqual({});
    expect(parseCursorState('ad_analytics', {})).toEqual({});
    expect(parseCursorState('ad_analytics', { date: null, partitions: null })).toEqual({});
  });

  test('date and partitions are read; unknown keys are dropped', () => {
    expect(
      parseCursorState('ad_analytics', {
        date: '2026-05-01',
        partitions: { '1': { date: '2026-05-01', extra: 1 }, '2': { date: '2026-06-01' } },
        other: 'x',
      }),
    ).toEqual({
      date: '2026-05-01',
      partitions: { '1': { date: '2026-05-01' }, '2': { date: '2026-06-01' } },
    });
  });

  test('the far-future date of docs/contract.md §5 is a valid cursor', () => {
    expect(parseCursorState('ad_analytics', { date: '3021-01-01' })).toEqual({ date: '3021-01-01' });
  });

  test.each([
    [
      'a date that is not a calendar day',
      { date: '2026-02-30' },
      /'date' must be a date written YYYY-MM-DD, got "2026-02-30"/,
    ],
    ['a timestamp', { date: '2026-06-01T00:00:00Z' }, /'date' must be a date/],
    ['a number', { date: 20260601 }, /'date' must be a date written YYYY-MM-DD, got 20260601/],
    [
      'partitions a list',
      { partitions: [{ date: '2026-06-01' }] },
      /'partitions' must be an object keyed by ad account id/,
    ],
    ['partitions a string', { partitions: '1' }, /'partitions' must be an object/],
    ['a partition without date', { partitions: { '549755885175': {} } }, /partition '549755885175' needs a 'date'/],
    [
      'a partition with a bad date',
      { partitions: { '1': { date: '06/01/2026' } } },
      /partition '1' needs a 'date' written YYYY-MM-DD/,
    ],
    ['a partition that is a date string', { partitions: { '1': '2026-06-01' } }, /partition '1' needs a 'date'/],
  ])('%s → config_error naming the stream and the problem', (_name, raw, message) => {
    const err = configErrorOf(() => parseCursorState('campaign_analytics', raw as Record<string, unknown>));
    expect(err.message).toContain("stream 'campaign_analytics'");
    expect(err.message).toMatch(message);
  });
});

describe('partitionCursor', () => {
  const withPartitions: CursorState = {
    date: '2026-05-01',
    partitions: { '1': { date: '2026-05-01' }, '2': { date: '2026-06-10' } },
  };
  test('a partition present in the state continues from its own date', () => {
    expect(partitionCursor(withPartitions, '2')).toBe('2026-06-10');
    expect(partitionCursor(withPartitions, '1')).toBe('2026-05-01');
  });
  test('a partition missing from a state that has partitions is new: no cursor (backfilled from start_date)', () => {
    expect(partitionCursor(withPartitions, '3')).toBeUndefined();
    expect(partitionCursor({ date: '2026-05-01', partitions: {} }, '3')).toBeUndefined();
  });
  test('without partitions every partition continues from the top date', () => {
    expect(partitionCursor({ date: '2026-05-01' }, '1')).toBe('2026-05-01');
    expect(partitionCursor({ date: '2026-05-01' }, '999')).toBe('2026-05-01');
    expect(partitionCursor({}, '1')).toBeUndefined();
  });
  test('a stream without partitions (undefined partition) uses the top date', () => {
    expect(partitionCursor(withPartitions, undefined)).toBe('2026-05-01');
    expect(partitionCursor({ date: '2026-06-01' }, undefined)).toBe('2026-06-01');
  });
  test('a partition named like an Object.prototype key is not found by accident', () => {
    expect(partitionCursor(withPartitions, 'constructor')).toBeUndefined();
    expect(partitionCursor(withPartitions, 'toString')).toBeUndefined();
  });
});

describe('advance', () => {
  test('a stream without partitions: the date is the window end', () => {
    expect(advance({ date: '2026-05-01' }, undefined, '2026-05-31')).toEqual({ date: '2026-05-31' });
  });

  test('the partition moves; the top date is the smallest partition date', () => {
    let s: CursorState = {};
    s = advance(s, '1', '2026-06-10');
    expect(s).toEqual({ date: '2026-06-10', partitions: { '1': { date: '2026-06-10' } } });
    s = advance(s, '2', '2026-05-01');
    expect(s.date).toBe('2026-05-01');
    s = advance(s, '2', '2026-06-20');
    expect(s.date).toBe('2026-06-10');
    expect(s.partitions).toEqual({ '1': { date: '2026-06-10' }, '2': { date: '2026-06-20' } });
  });

  test('no top date while a covered partition has no entry; then the smallest over the covered ones only', () => {
    const covered = ['1', '2', '3'];
    let s: CursorState = { partitions: { gone: { date: '2026-01-01' } } };
    s = advance(s, '1', '2026-06-10', covered);
    expect(s).toEqual({ partitions: { gone: { date: '2026-01-01' }, '1': { date: '2026-06-10' } } });
    s = advance(s, '2', '2026-05-01', covered);
    expect(s.date).toBeUndefined();
    s = advance(s, '3', '2026-06-20', covered);
    // an ad account no longer read ('gone') keeps its entry but does not hold the top date back
    expect(s.date).toBe('2026-05-01');
    expect(withTopDate({ date: '2026-06-30', partitions: { '1': { date: '2026-06-01' } } }, covered)).toEqual({
      partitions: { '1': { date: '2026-06-01' } },
    });
  });

  test('the input state is not mutated', () => {
    const s: CursorState = { date: '2026-05-01', partitions: { '1': { date: '2026-05-01' } } };
    const copy = JSON.parse(JSON.stringify(s));
    advance(s, '1', '2026-06-01');
    advance(s, '2', '2026-06-01');
    expect(s).toEqual(copy);
  });

  test('property: after any sequence of advances the top date is the minimum of the partition dates', () => {
    const rnd = prng(424242);
    for (let run = 0; run < 200; run++) {
      let s: CursorState = {};
      const latest = new Map<string, string>();
      for (let step = 0; step < 20; step++) {
        const id = String(1 + Math.floor(rnd() * 5));
        const date = `2026-0${1 + Math.floor(rnd() * 6)}-${String(10 + Math.floor(rnd() * 18))}`;
        s = advance(s, id, date);
        latest.set(id, date);
        const min = [...latest.values()].sort()[0];
        if (s.date !== min || Object.keys(s.partitions ?? {}).length !== latest.size) {
          expect({ run, step, state: s }).toEqual({
            run,
            step,
            state: { date: min, partitions: Object.fromEntries([...latest].map(([k, v]) => [k, { date: v }])) },
          });
        }
      }
    }
  });

  test('serialize → parse round-trips', () => {
    const s = advance(advance({}, '1', '2026-06-10'), '2', '2026-05-01');
    expect(parseCursorState('ad_analytics', serializeCursorState(s))).toEqual(s);
    expect(serializeCursorState({})).toEqual({});
    expect(serializeCursorState({ date: '2026-06-01' })).toEqual({ date: '2026-06-01' });
  });
});
