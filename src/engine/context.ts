import type { ConnectorConfig } from '../config/schema';
import type { Requester } from '../http/requester';
import type { LogLevel } from '../protocol/messages';
import type { StreamRegistry } from '../streams/registry';
import type { Semaphore } from '../util/async';
import type { Day } from '../util/dates';
import type { AccountLookups } from './accounts';
import type { DayClock } from './clock';
import type { MetricsReadiness } from './metrics-ready';
import type { SharedLists } from './shared-lists';

/** Everything one read shares: config, the streams it knows, the one requester, the account lookups and the shared lists. */
export interface ReadContext {
  config: ConnectorConfig;
  /** The streams of this command (built-in and custom reports): parents and partitions are looked up here. */
  registry: StreamRegistry;
  requester: Requester;
  /** The day the read started: the streams' ranges are fixed from it. */
  today: Day;
  /** Today as of now (a read may cross UTC midnight): the earliest day a request may ask for follows it. */
  clock?: DayClock;
  accounts: AccountLookups;
  shared: SharedLists;
  log: (level: LogLevel, message: string) => void;
  /** Which days Pinterest calls final (data_ready, cursors), asked once per read. */
  readiness: MetricsReadiness;
  /** Bounds the analytics answers held in memory at once (fetched, not yet emitted). */
  responses: Semaphore;
}

/** What a stream reader yields: records, checkpoints (the whole stream state after a finished window), estimates. */
export type StreamEvent =
  | { kind: 'records'; data: Array<Record<string, unknown>> }
  | { kind: 'checkpoint'; state: Record<string, unknown> }
  | { kind: 'estimate'; rows: number }
  /** Something the final log line must say about the stream (e.g. targeting types left out). */
  | { kind: 'note'; text: string };
