/**
 * What a stream is, as data. The engine composes the shared components (requester, bookmark paginator,
 * partition router, date-window slicer, id batcher) from these fields; a stream never carries code of its
 * own beyond its record selector.
 */
import type { ConnectorConfig } from '../config/schema';
import type { RateLimitCategory } from '../http/rate-limiter';
import type { KeyCase, Row, TransformContext } from '../streams/transforms';

/** What one request is made for. */
export type PartitionKind =
  | 'none'          // one partition: the token's user implicitly (/boards, /pins …)
  | 'user'          // the token's user, by username or id (/users/{username}/…)
  | 'ad_account'    // each ad account of the config (or every readable one)
  | 'owned_pin';    // each pin of the pins list with is_owner: true

export interface Partition extends TransformContext {
  /** The key of the partition in per-partition state (the ad account id); undefined for single partitions. */
  key?: string;
  username?: string;
}

interface BaseDefinition {
  name: string;
  primaryKey: string[];
  schema: Record<string, unknown>;
  category: RateLimitCategory;
  /** Path under the base URL; {ad_account_id}, {username} and {pin_id} are filled from the partition. */
  path: string;
  partition: PartitionKind;
  /** Query parameters the config decides (beyond paging, ids and dates). */
  params?: (config: ConnectorConfig) => Record<string, string | number | boolean | undefined>;
}

export interface ListDefinition extends BaseDefinition {
  kind: 'list';
  /** A 404 or 410 for the route itself means the endpoint is gone: complete empty with a warning. */
  routeMayBeGone?: boolean;
}

export interface AnalyticsDefinition extends BaseDefinition {
  kind: 'analytics';
  cursorField: 'date';
  /** Per-partition cursors (ad accounts) or one cursor for the stream (pins, the user). */
  cursorScope: 'partition' | 'stream';
  lastDay: 'today' | 'yesterday';
  /** Entity ids sent with each request, drawn from another stream's list, at most `batchSize` at a time. */
  ids?: { list: string; param: string; batchSize: number };
  /** Targeting types for this level; sent at most `perRequest` at a time. */
  targeting?: { types: readonly string[]; perRequest: number };
  /** Statuses of a partition that mean "this one cannot be read": skipped with a warning and counted. */
  skipPartitionOn?: number[];
  /** Record selector over a whole (small) answer; streams that set `stream` have none. */
  select?: (body: unknown, partition: Partition, keys: KeyCase, what: string) => Iterable<Row>;
  /**
   * For answers that can be tens of megabytes: the array (top level, or under `key`) whose elements are
   * read as they arrive, and the record each element becomes. When set, it is used instead of `select`.
   */
  stream?: { key?: string; record: (element: unknown, partition: Partition, keys: KeyCase, what: string) => Row };
  /**
   * Days older than today − 89 come from asynchronous reports at this level (src/reports). Ads-analytics
   * streams under /ad_accounts/{id}/… get it from their path when unset; `false` keeps a stream at 90 days.
   */
  report?: ReportSettings | false;
}

/** How a stream's days are read from asynchronous reports (src/reports); all but `level` are for custom reports. */
export interface ReportSettings {
  level: string;
  granularity?: 'DAY' | 'WEEK' | 'MONTH' | 'HOUR';
  /** Days back (today included) and days per report; default 914 and 186. */
  historyDays?: number;
  maxDays?: number;
  /** Every window from reports (custom reports), not only the days older than today − 89. */
  reportsOnly?: boolean;
  /** The stream's own first day, instead of the config's start_date. */
  startDate?: string;
  targetingTypes?: readonly string[];
  /** Extra body fields (status filters). */
  filters?: Record<string, unknown>;
}

export type StreamDefinition = ListDefinition | AnalyticsDefinition;

/** A list of entities that several streams need (ids for analytics, owned pins), fetched once per read. */
export interface SharedListSpec {
  /** The list stream whose requests produce it. */
  stream: string;
  keep?: (item: Row) => boolean;
}
