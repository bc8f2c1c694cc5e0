/**
 * discover (every stream of the registry: names, primary keys, cursors, sync modes) and the configured
 * catalog's checks (unknown stream, unknown sync mode, incremental on a full-refresh stream).
 */
import { BASE_CONFIG, useFakePinterest } from '../../test_kit/msw-pinterest';
import { OAUTH_CONFIG, runConnector, tempFiles } from '../../test_kit/in-process';
import { STREAMS } from '../../src/streams/definitions';
import { cursorOf } from '../../src/streams/definition';
import { read } from '../../test_kit/read-checks';

const fake = useFakePinterest();

/** The registry, as stream → [primary key, cursor or undefined]: discover must show exactly this. */
const REGISTRY: Array<[string, string[], string | undefined]> = STREAMS.map((d) => [d.name, d.primaryKey, cursorOf(d)]);

describe('discover', () => {
  test('every stream of the registry with its primary key, cursor and sync modes', async () => {
    const f = tempFiles({ config: OAUTH_CONFIG });
    const r = await runConnector(['discover', '--config', f.config]);
    expect(r.exitCode).toBe(0);
    const catalogs = r.messages.filter((m) => m.type === 'CATALOG');
    expect(catalogs).toHaveLength(1);
    const streams = catalogs[0].catalog.streams as Array<Record<string, any>>;
    expect(streams.map((s) => s.name)).toEqual(REGISTRY.map(([n]) => n));
    for (const [name, pk, cursor] of REGISTRY) {
      const s = streams.find((x) => x.name === name)!;
      expect({ name, pk: s.source_defined_primary_key }).toEqual({ name, pk: pk.map((k) => [k]) });
      if (cursor) {
        expect({
          name,
          modes: s.supported_sync_modes,
          cursor: s.default_cursor_field,
          defined: s.source_defined_cursor,
        }).toEqual({ name, modes: ['full_refresh', 'incremental'], cursor: [cursor], defined: true });
      } else {
        expect({ name, modes: s.supported_sync_modes, cursor: s.default_cursor_field }).toEqual({
          name,
          modes: ['full_refresh'],
          cursor: undefined,
        });
      }
      // Every key and the cursor are declared in the stream's schema.
      for (const field of [...pk, ...(cursor ? [cursor] : [])])
        expect({ name, field, declared: field in s.json_schema.properties }).toEqual({ name, field, declared: true });
    }
    // discover needs no API call.
    expect(fake.requests).toEqual([]);
  });

  test('a bad config is a config_error with a non-zero exit', async () => {
    const f = tempFiles({ config: { ...OAUTH_CONFIG, window_days: 3 } });
    const r = await runConnector(['discover', '--config', f.config]);
    expect(r.exitCode).toBe(1);
    expect(r.traces()).toEqual([
      expect.objectContaining({ failure_type: 'config_error', message: expect.stringContaining('window_days') }),
    ]);
    expect(r.messages.filter((m) => m.type === 'CATALOG')).toEqual([]);
  });
});

describe('configured catalog', () => {
  const configured = (streams: Array<{ name: string; sync_mode: string }>) => ({
    streams: streams.map((s) => ({
      stream: { name: s.name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: s.sync_mode,
      destination_sync_mode: 'append',
    })),
  });
  const readWith = (catalog: unknown) => {
    const f = tempFiles({ config: BASE_CONFIG, catalog });
    return runConnector(['read', '--config', f.config, '--catalog', f.catalog]);
  };
  const expectConfigError = (r: Awaited<ReturnType<typeof readWith>>, text: string | RegExp) => {
    expect(r.exitCode).toBe(1);
    const traces = r.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0].failure_type).toBe('config_error');
    expect(traces[0].message).toMatch(text);
    expect(r.messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE')).toEqual([]);
    expect(fake.requests).toEqual([]); // rejected before any request
  };

  test('an unknown stream', async () => {
    expectConfigError(
      await readWith(
        configured([
          { name: 'boards', sync_mode: 'full_refresh' },
          { name: 'board_sectionz', sync_mode: 'full_refresh' },
        ]),
      ),
      /board_sectionz/,
    );
  });

  test('sync_mode "INVALID"', async () => {
    expectConfigError(await readWith(configured([{ name: 'campaign_analytics', sync_mode: 'INVALID' }])), /INVALID/);
  });

  test.each(STREAMS.filter((d) => d.kind === 'list' && !d.cursorField).map((d) => d.name))(
    'incremental on the full-refresh stream %s',
    async (name) => {
      expectConfigError(await readWith(configured([{ name, sync_mode: 'incremental' }])), new RegExp(name));
    },
  );

  test('a catalog that is not a ConfiguredAirbyteCatalog', async () => {
    expectConfigError(await readWith({ streams: 'boards' }), /catalog/i);
  });

  test('an empty catalog reads nothing and succeeds', async () => {
    const r = await read(BASE_CONFIG, []);
    expect(r.exitCode).toBe(0);
    expect(r.traces()).toEqual([]);
    expect(r.messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE')).toEqual([]);
  });
});
