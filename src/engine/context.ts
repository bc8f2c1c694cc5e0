import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import type { Requester } from '../http/requester';
import type { LogLevel } from '../protocol/messages';
import type { Day } from '../util/dates';
import type { PartitionResolver } from './partitions';
import type { SharedLists } from './shared-lists';

/** Everything one read shares: config, the one requester, the set-up lookups and the shared lists. */
export interface ReadContext {
  config: ConnectorConfig;
  requester: Requester;
  today: Day;
  partitions: PartitionResolver;
  shared: SharedLists;
  log: (level: LogLevel, message: string) => void;
}

/** What a stream reader yields: records, checkpoints (the whole stream state after a finished window), estimates. */
export type StreamEvent =
  | { kind: 'record'; data: Record<string, unknown> }
  | { kind: 'checkpoint'; state: Record<string, unknown> }
  | { kind: 'estimate'; rows: number };

/** Fills {ad_account_id}, {pin_id}, {username} from the partition; ids are checked before they enter a URL. */
export function fillPath(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`path ${template} needs ${name}`);
    if (name.endsWith('_id') && !/^\d{1,20}$/.test(value)) {
      throw new ConnectorError(`Refusing to request ${template}: ${name} ${JSON.stringify(value)} is not a numeric id.`, 'config_error');
    }
    return encodeURIComponent(value);
  });
}
