/** Configured catalogs for tests: from discovered streams (as CAT configures them), or minimal by name. */
import { discoverCatalog } from '../src/engine/catalog';
import { streamRegistry } from '../src/streams/registry';
import type { Json } from './constants';

type CatalogMode =
  | 'first' // each stream's first supported sync mode (CAT's basic_read)
  | 'full_refresh' // every stream full refresh
  | 'incremental' // only the incremental streams, incrementally
  | 'incremental_or_full'; // every stream: incremental where supported, else full refresh

export function configureCatalog(streams: Json[], mode: CatalogMode = 'first'): Json {
  return {
    streams: streams
      .filter((s) => mode !== 'incremental' || s.supported_sync_modes.includes('incremental'))
      .map((s) => {
        const sync_mode =
          mode === 'first'
            ? s.supported_sync_modes[0]
            : mode === 'full_refresh'
              ? 'full_refresh'
              : s.supported_sync_modes.includes('incremental')
                ? 'incremental'
                : 'full_refresh';
        return {
          stream: s,
          sync_mode,
          destination_sync_mode: sync_mode === 'incremental' ? 'append' : 'overwrite',
          ...(s.default_cursor_field ? { cursor_field: s.default_cursor_field } : {}),
          ...(s.source_defined_primary_key ? { primary_key: s.source_defined_primary_key } : {}),
        };
      }),
  };
}

/** Every stream of the registry (or those named in `only`); `incremental` configures the incremental ones so. */
export function fullCatalog(mode: 'full_refresh' | 'incremental' = 'full_refresh', only?: string[]): Json {
  const streams = discoverCatalog(streamRegistry()).streams.filter((s) => !only || only.includes(s.name));
  return configureCatalog(
    streams as unknown as Json[],
    mode === 'incremental' ? 'incremental_or_full' : 'full_refresh',
  );
}

/** A minimal configured catalog by stream name, for unit tests (the connector takes the schema from its own registry). */
export function catalogFor(streams: Array<{ name: string; sync_mode?: 'full_refresh' | 'incremental' }>): Json {
  return {
    streams: streams.map((s) => ({
      stream: { name: s.name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: s.sync_mode ?? 'full_refresh',
      destination_sync_mode: s.sync_mode === 'incremental' ? 'append' : 'overwrite',
    })),
  };
}
