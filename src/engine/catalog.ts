import { configError } from '../errors';
import type { AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../protocol/messages';
import { cursorOf, type StreamDefinition } from '../streams/definition';
import { schemaOf } from '../streams/definitions';
import type { StreamRegistry } from '../streams/registry';
import { describeJson, HOW_TO_CATALOG } from './input-files';

function airbyteStream(def: StreamDefinition): AirbyteStream {
  const cursor = cursorOf(def);
  const incremental = cursor !== undefined && !(def.kind === 'analytics' && def.fullRefreshOnly);
  return {
    name: def.name,
    json_schema: schemaOf(def),
    supported_sync_modes: incremental ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_primary_key: def.primaryKey.map((k) => [k]),
    ...(incremental ? { source_defined_cursor: true, default_cursor_field: [cursor], is_resumable: true } : {}),
  };
}

/** Every stream of the registry: the fixed streams, then one `custom_<name>` per custom report of the config. */
export const discoverCatalog = (registry: StreamRegistry) => ({ streams: registry.streams.map(airbyteStream) });

export interface SelectedStream {
  def: StreamDefinition;
  incremental: boolean;
}

/** Checks the configured catalog against what the connector has: unknown streams or modes are config errors. */
export function selectStreams(raw: unknown, registry: StreamRegistry): SelectedStream[] {
  const catalog = raw as ConfiguredAirbyteCatalog;
  const looks = describeJson(raw);
  if (
    !catalog ||
    typeof catalog !== 'object' ||
    !Array.isArray(catalog.streams) ||
    (looks && looks !== 'a configured catalog' && looks !== 'a catalog')
  ) {
    const what = looks && looks !== 'a catalog' ? ` This file looks like ${looks}, not a configured catalog.` : '';
    throw configError(
      `Invalid catalog: expected a ConfiguredAirbyteCatalog object with a "streams" list.${what} ${HOW_TO_CATALOG}`,
    );
  }
  const problems: string[] = [];
  const selected: SelectedStream[] = [];
  const seen = new Set<string>();
  let unknown = false;
  catalog.streams.forEach((entry: ConfiguredAirbyteStream, i) => {
    const name = entry?.stream?.name;
    if (typeof name !== 'string') {
      problems.push(`streams[${i}] has no stream.name`);
      return;
    }
    const def = registry.get(name);
    if (!def) {
      problems.push(`stream '${name}' does not exist`);
      unknown = true;
      return;
    }
    const modes = airbyteStream(def).supported_sync_modes as string[];
    if (!modes.includes(entry.sync_mode)) {
      problems.push(
        `stream '${name}' does not support sync_mode ${JSON.stringify(entry.sync_mode)} (it supports ${modes.join(', ')})`,
      );
      return;
    }
    if (seen.has(name)) {
      problems.push(`stream '${name}' is configured twice`);
      return;
    }
    seen.add(name);
    selected.push({ def, incremental: entry.sync_mode === 'incremental' });
  });
  if (problems.length) {
    // A huge broken catalog gets a short message: the first problems and how many more.
    const more = problems.length > 10 ? `; and ${problems.length - 10} more problem(s)` : '';
    const known = unknown ? ` (known streams: ${registry.names().join(', ')})` : '';
    throw configError(`Invalid catalog: ${problems.slice(0, 10).join('; ')}${more}${known}.`);
  }
  return selected;
}
