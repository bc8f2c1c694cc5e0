/**
 * The streams one command knows: the built-in ones and the config's custom reports. Built once per
 * command and handed to the engine, which reads no module-global list.
 */
import type { ConnectorConfig } from '../config/schema';
import { customStreams } from './custom-reports';
import { parentsOf, type ParentRef, type StreamDefinition } from './definition';
import { STREAMS } from './definitions';

export class StreamRegistry {
  private readonly byName: ReadonlyMap<string, StreamDefinition>;

  constructor(readonly streams: readonly StreamDefinition[]) {
    const byName = new Map<string, StreamDefinition>();
    for (const def of streams) {
      if (byName.has(def.name)) throw new Error(`stream ${def.name} is defined twice`);
      byName.set(def.name, def);
    }
    this.byName = byName;
  }

  get(name: string): StreamDefinition | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The filters under which other streams draw on the list of `stream` (one per distinct `where`, ids or whole items). */
  consumersOf(stream: string): ParentRef[] {
    const refs = this.streams.flatMap(parentsOf).filter((ref) => ref.stream === stream);
    return [...new Map(refs.map((ref) => [refKey(ref), ref])).values()];
  }
}

/** What tells two draws on one list apart: the filters, not the stream. */
export const refKey = (ref: ParentRef): string =>
  JSON.stringify([
    Object.entries(ref.where ?? {}).sort(),
    ref.within ? [ref.within.field, ref.within.list] : null,
    !!ref.items,
  ]);

/** The built-in streams, then one `custom_<name>` per custom report of the config (none without a config). */
export function streamRegistry(config?: ConnectorConfig): StreamRegistry {
  const builtIn = STREAMS.map((def) => (config && def.forConfig ? def.forConfig(config) : def));
  return new StreamRegistry([...builtIn, ...(config ? customStreams(config) : [])]);
}
