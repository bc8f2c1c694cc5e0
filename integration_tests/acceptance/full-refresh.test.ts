/** CAT full_refresh: two reads; the second's records all come after the first's. */
import { primaryKeyOf, startHarness, type Harness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

test('two full-refresh reads: read 1 non-empty, max(emitted_at 1) < min(emitted_at 2), same records by primary key', async () => {
  const discover = await h.run(['discover', '--config', h.configPath]);
  const streams: Array<Record<string, any>> = discover.ofType('CATALOG')[0].catalog.streams;
  const catalogPath = h.write('catalog.json', configureCatalog(streams, 'full_refresh'));
  const first = await h.run(['read', '--config', h.configPath, '--catalog', catalogPath]);
  const second = await h.run(['read', '--config', h.configPath, '--catalog', catalogPath]);
  expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
  const r1 = first.records();
  const r2 = second.records();
  expect(r1.length).toBeGreaterThan(0);
  expect(Math.max(...r1.map((r) => r.emitted_at))).toBeLessThan(Math.min(...r2.map((r) => r.emitted_at)));
  for (const s of streams) {
    const keys1 = new Set(first.records(s.name).map((r) => primaryKeyOf(s, r.data)));
    const keys2 = new Set(second.records(s.name).map((r) => primaryKeyOf(s, r.data)));
    expect([s.name, keys2]).toEqual([s.name, keys1]);
  }
});
