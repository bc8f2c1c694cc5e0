/**
 * ArrayElementSplitter: the elements of an array body, found as the bytes arrive, whatever the chunking —
 * including chunk boundaries inside strings, escapes and multi-byte characters.
 */
import { ArrayElementSplitter, MalformedJsonError } from '../src/http/json-stream';
import { prng } from '../test_kit/prng';

function split(body: string, cuts: number[], key?: string): unknown[] {
  const bytes = Buffer.from(body, 'utf8');
  const splitter = new ArrayElementSplitter(key);
  const out: unknown[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...splitter.push(bytes.subarray(at, cut)).map((t) => JSON.parse(t)));
    at = cut;
  }
  splitter.end();
  return out;
}

const tricky = (r: () => number, i: number) => ({
  AD_ID: String(1000 + i),
  DATE: '2026-06-01',
  NAME: [
    'plain',
    'with "quotes" and \\ backslash',
    'brackets ] } [ {',
    'unicode 日本語 ✓ émoji 🎯',
    'comma, colon: "x"',
    // Past the bytes looked through one by one: the end is searched for.
    'a description that runs on well past forty-eight bytes, then "quotes", a \\ backslash and ] } [ {',
    'a plain description that runs on well past forty-eight bytes and ends with nothing to escape at all',
  ][Math.floor(r() * 7)],
  NESTED: { a: [1, { b: 'c]' }], empty: {} },
  SPEND: r() * 1e6,
  NULLISH: null,
  FLAG: r() > 0.5,
});

test.each([1, 2, 3, 4, 5, 6, 7, 8])('a top-level array survives any chunking (seed %i)', (seed) => {
  const r = prng(seed);
  const rows = Array.from({ length: 1 + Math.floor(r() * 40) }, (_, i) => tricky(r, i));
  const body = JSON.stringify(rows, null, seed % 2 ? 2 : 0);
  const length = Buffer.byteLength(body);
  for (let trial = 0; trial < 50; trial++) {
    const cuts = Array.from({ length: Math.floor(r() * 30) }, () => Math.floor(r() * length)).sort((a, b) => a - b);
    expect(split(body, cuts)).toEqual(rows);
  }
  // byte by byte
  expect(
    split(
      body,
      Array.from({ length: length - 1 }, (_, i) => i + 1),
    ),
  ).toEqual(rows);
});

test.each([11, 12, 13, 14])('the array under a key, after other members, survives any chunking (seed %i)', (seed) => {
  const r = prng(seed);
  const items = Array.from({ length: Math.floor(r() * 30) }, (_, i) => ({
    targeting_type: 'LOCATION',
    targeting_value: i % 2 ? 500 + i : `v"${i}]`,
    metrics: tricky(r, i),
  }));
  const body = JSON.stringify({ kind: 'data', other: ['data', { data: [9] }], data: items, after: { x: [1, 2] } });
  const length = Buffer.byteLength(body);
  for (let trial = 0; trial < 50; trial++) {
    const cuts = Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * length)).sort((a, b) => a - b);
    expect(split(body, cuts, 'data')).toEqual(items);
  }
});

test('empty arrays give no elements', () => {
  expect(split('[]', [])).toEqual([]);
  expect(split(' { "data" : [ ] } ', [3, 9], 'data')).toEqual([]);
});

test('a body cut short is reported as truncated, wherever it stops', () => {
  const body = JSON.stringify([{ a: 'x"y' }, { b: [1, 2, 3] }]);
  for (let cut = 1; cut < body.length; cut++) {
    const s = new ArrayElementSplitter();
    s.push(Buffer.from(body.slice(0, cut)));
    expect(() => s.end()).toThrow(MalformedJsonError);
    try {
      s.end();
    } catch (err) {
      expect((err as MalformedJsonError).truncated).toBe(true);
    }
  }
});

test('a complete body of another shape is not truncated but refused', () => {
  for (const [body, key] of [
    ['{"items": []}', undefined],
    ['{"items": []}', 'data'],
    ['{"data": {"x": 1}}', 'data'],
  ] as const) {
    const s = new ArrayElementSplitter(key);
    s.push(Buffer.from(body));
    let error: MalformedJsonError | undefined;
    try {
      s.end();
    } catch (err) {
      error = err as MalformedJsonError;
    }
    expect(error).toBeInstanceOf(MalformedJsonError);
    expect(error!.truncated).toBe(false);
  }
});
