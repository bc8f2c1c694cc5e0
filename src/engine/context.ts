import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import type { Requester } from '../http/requester';
import type { LogLevel } from '../protocol/messages';
import type { Semaphore } from '../util/async';
import type { Day } from '../util/dates';
import type { DayClock } from './clock';
import type { PartitionResolver } from './partitions';
import type { SharedLists } from './shared-lists';

/** Everything one read shares: config, the one requester, the set-up lookups and the shared lists. */
export interface ReadContext {
  config: ConnectorConfig;
  requester: Requester;
  /** The day the read started: the streams' ranges are fixed from it. */
  today: Day;
  /** Today as of now (a read may cross UTC midnight): the earliest day a request may ask for follows it. */
  clock?: DayClock;
  partitions: PartitionResolver;
  shared: SharedLists;
  log: (level: LogLevel, message: string) => void;
  /** Bounds the analytics answers held in memory at once (fetched, not yet emitted). */
  responses: Semaphore;
}

/** Records travel through the engine in batches: one hand-off per batch, not per record. */
export const RECORD_BATCH = 500;

/** What a stream reader yields: records, checkpoints (the whole stream state after a finished window), estimates. */
export type StreamEvent =
  | { kind: 'records'; data: Array<Record<string, unknown>> }
  | { kind: 'checkpoint'; state: Record<string, unknown> }
  | { kind: 'estimate'; rows: number }
  /** Something the final log line must say about the stream (e.g. targeting types left out). */
  | { kind: 'note'; text: string };

/** Fills {ad_account_id}, {pin_id}, {username} from the partition; ids are checked before they enter a URL. */
export function fillPath(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`path ${template} needs ${name}`);
    if (name.endsWith('_id') && !/^\d{1,20}$/.test(value)) {
      throw new ConnectorError(`Refusing to request ${template}: ${name} ${JSON.stringify(value)} is not a numeric id.`, 'config_error');
    }
    // encodeURIComponent keeps '.' and '..', which a URL resolves as path segments (/users/../x is /x).
    if (value === '.' || value === '..') {
      throw new ConnectorError(`Refusing to request ${template}: ${name} ${JSON.stringify(value)} is not a valid path segment.`, 'config_error');
    }
    return encodeURIComponent(value);
  });
}
