/**
 * Streams that Pinterest refuses on their own, against the built connector and the simulator: a token
 * without `catalogs:read` fails the catalog streams (a message naming the scope) while every other stream
 * completes with its ground truth; the interests endpoint ramped down (503, code 4197) completes
 * user_interests empty with a warning, asked once (not retried).
 */
import { STREAMS } from '../../src/streams/definitions';
import { DEFAULT_SCOPES } from '../../simulator';
import { startHarness } from '../../test_kit/acceptance';
import { configureCatalog } from '../../test_kit/catalog';
import { canonical } from '../../test_kit/messages';

const CATALOG_STREAMS = STREAMS.filter((d) => d.scopes?.includes('catalogs:read')).map((d) => d.name);

test('without catalogs:read the catalog streams fail naming the scope; every other stream completes with its ground truth', async () => {
  expect(CATALOG_STREAMS.length).toBeGreaterThan(0);
  const h = await startHarness({ scopes: DEFAULT_SCOPES.filter((s) => s !== 'catalogs:read') });
  try {
    // check: the connection is usable (only the catalog streams need the scope).
    const check = await h.run(['check', '--config', h.configPath]);
    expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    const discover = await h.run(['discover', '--config', h.configPath]);
    const streams = discover.ofType('CATALOG')[0].catalog.streams;
    const run = await h.run([
      'read',
      '--config',
      h.configPath,
      '--catalog',
      h.write('catalog.json', configureCatalog(streams)),
    ]);
    expect(run.exitCode).not.toBe(0);
    const traces = run.traces();
    expect(traces.map((t) => t.error.stream_descriptor?.name).sort()).toEqual([...CATALOG_STREAMS].sort());
    for (const t of traces) {
      expect(t.error.failure_type).toBe('config_error');
      expect(t.error.message).toContain('catalogs:read');
    }
    const truth = h.truth();
    for (const s of streams) {
      const statuses = run.statuses(s.name);
      if (CATALOG_STREAMS.includes(s.name)) {
        expect([s.name, statuses[statuses.length - 1]]).toEqual([s.name, 'INCOMPLETE']);
        continue;
      }
      expect([s.name, statuses[statuses.length - 1]]).toEqual([s.name, 'COMPLETE']);
      const got = run.records(s.name).map((r) => canonical(r.data));
      const expected = (truth.records as Record<string, Array<Record<string, unknown>>>)[s.name].map(canonical);
      expect([s.name, new Set(got)]).toEqual([s.name, new Set(expected)]);
    }
  } finally {
    await h.close();
  }
});

test('the interests endpoint ramped down (503, code 4197): user_interests completes empty with a warning, asked once', async () => {
  const h = await startHarness({ interestsGone: 503 });
  try {
    const catalog = {
      streams: [
        {
          stream: { name: 'user_interests', json_schema: {}, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'overwrite',
        },
      ],
    };
    h.sim.resetLog();
    const run = await h.run(['read', '--config', h.configPath, '--catalog', h.write('catalog.json', catalog)]);
    expect(run.traces()).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.records('user_interests')).toEqual([]);
    expect(run.statuses('user_interests').pop()).toBe('COMPLETE');
    const warnings = run
      .ofType('LOG')
      .filter((m) => m.log.level === 'WARN')
      .map((m) => m.log.message as string);
    expect(warnings.some((m) => m.includes('user_interests') && m.includes('4197'))).toBe(true);
    expect(h.sim.requestLog.filter((r) => r.path.includes('/interests/')).map((r) => r.status)).toEqual([503]);
  } finally {
    await h.close();
  }
});
