/**
 * The connector's stream registry and the simulator's endpoint table name the same streams: a registry
 * stream the simulator does not serve could not be tested, and a simulator row for a stream the
 * registry lacks is a leftover.
 */
import { STREAMS } from '../../src/streams/definitions';
import { ENDPOINTS, STREAM_NAMES } from '../../simulator';

const registry = STREAMS.map((d) => d.name);

test('every registry stream has a simulator endpoint row', () => {
  expect(registry.filter((name) => !STREAM_NAMES.includes(name))).toEqual([]);
});

test('every simulator endpoint row names a registry stream', () => {
  const unknown = ENDPOINTS.flatMap((e) =>
    e.streams.filter((name) => !registry.includes(name)).map((name) => `${e.path}: ${name}`),
  );
  expect(unknown).toEqual([]);
});

test('each stream reads the path of its simulator row', () => {
  const mismatched = STREAMS.filter((d) => !ENDPOINTS.some((e) => e.path === d.path && e.streams.includes(d.name))).map(
    (d) => `${d.name}: ${d.path}`,
  );
  expect(mismatched).toEqual([]);
});
