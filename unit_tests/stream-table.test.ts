/** docs/streams.md holds the one stream table, generated from the registry: it must be current. */
import { readFileSync } from 'node:fs';
import { renderStreamTable, STREAMS_DOC, withStreamTable } from '../scripts/generate-stream-table';
import { DEFAULT_COLUMNS } from '../src/config/schema';
import { STREAMS } from '../src/streams/definitions';

test('the stream table of docs/streams.md is what `npm run generate:docs` writes from the registry', () => {
  const text = readFileSync(STREAMS_DOC, 'utf8');
  // On failure: run `npm run generate:docs` and commit docs/streams.md.
  expect(text).toBe(withStreamTable(text));
});

test('the table has one row per registry stream', () => {
  const rows = renderStreamTable()
    .split('\n')
    .filter((l) => /^\| [a-z_]+ \| `/.test(l))
    .map((l) => l.split(' | ')[0].slice(2));
  expect(rows).toEqual(STREAMS.map((s) => s.name));
});

test("docs/streams.md lists the connector's default columns", () => {
  const m = /\*\*Default columns\*\* \((\d+)\): `([^`]+)`/.exec(readFileSync(STREAMS_DOC, 'utf8'));
  expect(m).not.toBeNull();
  const listed = m![2].split(',').map((c) => c.trim());
  expect(listed).toEqual([...DEFAULT_COLUMNS]);
  expect(Number(m![1])).toBe(DEFAULT_COLUMNS.length);
});
