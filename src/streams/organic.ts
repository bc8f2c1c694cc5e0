/**
 * The organic streams whose requests follow the organic options: user-account analytics (filters, and a
 * split that joins the key), the top-pins streams (one request per sort metric over the configured period)
 * and the daily profile snapshot.
 */
import type { ConnectorConfig } from '../config/schema';
import { organicAccountParams, organicFilterParams } from '../config/organic';
import { SYNC_HISTORY_DAYS, TOP_PINS_MAX } from '../pinterest/limits';
import enums from '../schemas/pinterest-enums.json';
import { addDays, maxDay, minDay } from '../util/dates';
import type { AnalyticsDefinition, SnapshotDefinition } from './definition';
import { dailyMetricsRows, splitMetricsRows, topPinsRows } from './transforms';

const isSplit = (c: ConnectorConfig) => c.split_field !== undefined && c.split_field !== 'NO_SPLIT';

function userAccountAnalyticsFor(config?: ConnectorConfig): AnalyticsDefinition {
  const split = config && isSplit(config) ? config.split_field! : undefined;
  return {
    kind: 'analytics',
    name: 'user_account_analytics',
    primaryKey: split ? ['user_id', 'split_value', 'date'] : ['user_id', 'date'],
    category: 'org_analytics',
    path: '/user_account/analytics',
    partition: { by: 'user' },
    cursorField: 'date',
    cursorScope: 'stream',
    lastDay: 'today',
    rows: 'daily_metrics',
    request: (c) => ({
      syncOnly: {
        metric_types: enums.user_account_metric_types.join(','),
        ...organicFilterParams(c),
        split_field: c.split_field ?? 'NO_SPLIT',
        ...organicAccountParams(c),
      },
    }),
    select: split
      ? (body, p, keys, what) => splitMetricsRows(body, 'user_id', p.user_id!, split, keys, what)
      : (body, p, keys, what) => dailyMetricsRows(body, 'user_id', p.user_id!, keys, what),
    forConfig: userAccountAnalyticsFor,
  };
}

/** user_account_analytics: its key gains `split_value` when the config splits the rows. */
export const userAccountAnalytics = (): AnalyticsDefinition => userAccountAnalyticsFor();

/** The period of the top-pins streams: the configured one within the 90 days the endpoints reach; null when none is left. */
function topPinsPeriod(c: ConnectorConfig, today: string): { start_date: string; end_date: string } | null {
  const earliest = addDays(today, -(SYNC_HISTORY_DAYS - 1));
  const start = maxDay(c.start_date ?? earliest, earliest);
  const end = minDay(c.end_date ?? today, today);
  return start <= end ? { start_date: start, end_date: end } : null;
}

/** top_pins / top_video_pins: one request per configured sort metric, up to 50 pins each, for the period. */
export const topPins = (name: 'top_pins' | 'top_video_pins'): SnapshotDefinition => ({
  kind: 'snapshot',
  name,
  primaryKey: ['pin_id', 'sort_by', 'start_date', 'end_date'],
  category: 'org_analytics',
  path: `/user_account/analytics/${name}`,
  partition: { by: 'none' },
  rows: name,
  queries: (c, today) => {
    const period = topPinsPeriod(c, today);
    if (!period) return [];
    const sortBy = name === 'top_pins' ? c.top_pins_sort_by : c.top_video_pins_sort_by;
    return [...new Set(sortBy)].map((sort_by) => ({
      ...period,
      sort_by,
      num_of_pins: TOP_PINS_MAX,
      ...organicFilterParams(c),
      ...organicAccountParams(c),
    }));
  },
  records: topPinsRows,
});

/** user_account: today's profile (followers, monthly views, pin and board counts …), one record per sync day. */
export const userAccountSnapshot = (): SnapshotDefinition => ({
  kind: 'snapshot',
  name: 'user_account',
  primaryKey: ['username', 'snapshot_date'],
  category: 'org_read',
  path: '/user_account',
  partition: { by: 'none' },
  cursorField: 'snapshot_date',
  rows: 'profile',
  records: (body, query) => [{ ...(body as Record<string, unknown>), snapshot_date: query.snapshot_date }],
});

/** The board fields a board snapshot keeps: what changes over time, and the name to read it by. */
export const BOARD_SNAPSHOT_FIELDS = [
  'name',
  'privacy',
  'pin_count',
  'follower_count',
  'collaborator_count',
  'board_pins_modified_at',
] as const;

/** board_snapshots: each board's counts today, from the boards list the read shares (no request of its own when boards is read). */
export const boardSnapshots = (): SnapshotDefinition => ({
  kind: 'snapshot',
  name: 'board_snapshots',
  primaryKey: ['board_id', 'snapshot_date'],
  category: 'org_read',
  path: '/boards',
  partition: { by: 'none' },
  cursorField: 'snapshot_date',
  rows: 'board',
  parentItems: { stream: 'boards', items: true },
  records: (body, query) => {
    const board = body as Record<string, unknown>;
    const out: Record<string, unknown> = { board_id: String(board.id), snapshot_date: query.snapshot_date };
    for (const f of BOARD_SNAPSHOT_FIELDS) if (board[f] !== undefined) out[f] = board[f];
    return [out];
  },
});

/** How pin_metrics flattens `pin_metrics`: each interval object's metrics become `<prefix>_<metric>`. */
export const PIN_METRICS_INTERVALS = { '90d': 'last_90d', lifetime_metrics: 'lifetime' } as const;

/** The metrics the OpenAPI example shows per interval (the schema declares these; others pass through). */
export const PIN_METRICS_KEYS = {
  '90d': ['pin_click', 'impression', 'clickthrough'],
  lifetime_metrics: ['pin_click', 'impression', 'clickthrough', 'reaction', 'comment'],
} as const;

/**
 * pin_metrics: each pin's 90-day and lifetime totals today, from the pins list read with pin_metrics=true (the
 * one /pins read of the sync also serves pins and pin_analytics). Pins without metrics (not the user's) give none.
 */
export const pinMetrics = (): SnapshotDefinition => ({
  kind: 'snapshot',
  name: 'pin_metrics',
  primaryKey: ['pin_id', 'snapshot_date'],
  category: 'org_read',
  path: '/pins',
  partition: { by: 'none' },
  cursorField: 'snapshot_date',
  rows: 'pin_metrics',
  parentItems: { stream: 'pins', items: true },
  records: (body, query) => {
    const pin = body as Record<string, unknown>;
    const metrics = pin.pin_metrics;
    if (metrics === null || typeof metrics !== 'object') return [];
    const out: Record<string, unknown> = { pin_id: String(pin.id), snapshot_date: query.snapshot_date };
    for (const [interval, values] of Object.entries(metrics as Record<string, unknown>)) {
      if (values === null || typeof values !== 'object') continue;
      const prefix = PIN_METRICS_INTERVALS[interval as keyof typeof PIN_METRICS_INTERVALS] ?? interval;
      for (const [k, v] of Object.entries(values as Record<string, unknown>)) out[`${prefix}_${k.toLowerCase()}`] = v;
    }
    return [out];
  },
});
