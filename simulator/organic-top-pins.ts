// GET /user_account/analytics/top_pins and /top_video_pins: the user's owned Pins ranked by one metric
// (sort_by) over a period, at most num_of_pins (default 10, at most 50), with the period's totals of the
// requested metrics, scaled by the organic filters (organic-filters.ts). The answer and the ground truth
// both come from topPins().
import { bad } from './answers';
import { type MetricsContext, pinDay } from './metrics';
import { USER_ACCOUNT_METRIC_TYPES } from './enums';
import { enumParam, type Query } from './params';
import { formatDay } from './rng';
import type { Dataset, Json, PinMeta } from './types';

const TOP_PINS_SORT_BY = ['ENGAGEMENT', 'IMPRESSION', 'OUTBOUND_CLICK', 'PIN_CLICK', 'SAVE'];
const TOP_VIDEO_PINS_SORT_BY = [
  'IMPRESSION',
  'SAVE',
  'OUTBOUND_CLICK',
  'VIDEO_MRC_VIEW',
  'VIDEO_AVG_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_10S_VIEW',
  'VIDEO_START',
];
/** The metrics top pins rank by: those of /user_account/analytics. */
const TOP_PINS_METRICS: readonly string[] = USER_ACCOUNT_METRIC_TYPES;
const TOP_VIDEO_PINS_METRICS = [
  'IMPRESSION',
  'SAVE',
  'VIDEO_MRC_VIEW',
  'VIDEO_AVG_WATCH_TIME',
  'VIDEO_V50_WATCH_TIME',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_10S_VIEW',
  'VIDEO_START',
  'OUTBOUND_CLICK',
];
const COUNTS = ['IMPRESSION', 'OUTBOUND_CLICK', 'PIN_CLICK', 'SAVE'];
const VIDEO_COUNTS = [
  'VIDEO_MRC_VIEW',
  'VIDEO_V50_WATCH_TIME',
  'QUARTILE_95_PERCENT_VIEW',
  'VIDEO_10S_VIEW',
  'VIDEO_START',
];

interface TopPinsRequest {
  video: boolean;
  d0: number;
  d1: number;
  sortBy: string;
  metricTypes?: string[];
  numOfPins: number;
  share: number;
}

/** Checks the top-pins parameters other than the dates and filters, as the API checks them. */
export function topPinsParams(q: Query, video: boolean): Omit<TopPinsRequest, 'd0' | 'd1' | 'share'> {
  const sortBy = q.one('sort_by');
  if (sortBy === undefined) throw bad('Missing required parameter: sort_by');
  enumParam(q, 'sort_by', video ? TOP_VIDEO_PINS_SORT_BY : TOP_PINS_SORT_BY);
  const allowed = video ? TOP_VIDEO_PINS_METRICS : TOP_PINS_METRICS;
  const metricTypes = q.list('metric_types');
  for (const t of metricTypes ?? [])
    if (!allowed.includes(t)) throw bad(`Invalid parameter metric_types: '${t}' is not a valid metric type`);
  const n = q.one('num_of_pins');
  const numOfPins = n === undefined ? 10 : Number(n);
  if (!Number.isInteger(numOfPins) || numOfPins < 1 || numOfPins > 50)
    throw bad(`Invalid parameter num_of_pins: '${n}' must be an integer from 1 to 50`);
  enumParam(q, 'created_in_last_n_days', [30]);
  return { video, sortBy, metricTypes, numOfPins };
}

/** One Pin's totals over the period (rates from the totals, the average watch time averaged), scaled by the filters. */
function pinTotals(ctx: MetricsContext, pin: PinMeta, r: TopPinsRequest, today: number): Record<string, number> {
  const types = r.video ? [...COUNTS, ...VIDEO_COUNTS, 'VIDEO_AVG_WATCH_TIME'] : COUNTS;
  const sums: Record<string, number> = {};
  let days = 0;
  for (let d = Math.max(r.d0, pin.createdDay); d <= Math.min(r.d1, today); d++) {
    const m = pinDay(ctx, pin, d, types, formatDay(d)).metrics;
    for (const t of types) sums[t] = (sums[t] ?? 0) + (m[t] ?? 0);
    days++;
  }
  const out: Record<string, number> = {};
  for (const t of types) out[t] = Math.floor((sums[t] ?? 0) * r.share);
  if (r.video)
    out.VIDEO_AVG_WATCH_TIME = days ? Math.round(((sums.VIDEO_AVG_WATCH_TIME ?? 0) / days) * 1000) / 1000 : 0;
  out.ENGAGEMENT = out.PIN_CLICK + out.SAVE + out.OUTBOUND_CLICK;
  const rate = (n: number) => (out.IMPRESSION ? Math.round((n / out.IMPRESSION) * 1e6) / 1e6 : 0);
  out.ENGAGEMENT_RATE = rate(out.ENGAGEMENT);
  out.OUTBOUND_CLICK_RATE = rate(out.OUTBOUND_CLICK);
  out.PIN_CLICK_RATE = rate(out.PIN_CLICK);
  out.SAVE_RATE = rate(out.SAVE);
  return out;
}

/** The ranked Pins of one request: [{pin_id, metrics, data_status}], highest sort metric first (ties by id). */
export function topPins(ds: Dataset, ctx: MetricsContext, r: TopPinsRequest, today: number): Json[] {
  const allowed = r.video ? TOP_VIDEO_PINS_METRICS : TOP_PINS_METRICS;
  const wanted = r.metricTypes && r.metricTypes.length > 0 ? r.metricTypes : allowed;
  const ranked = ds.pins
    .filter((p) => p.owned && !p.refuse && (!r.video || p.video) && p.createdDay <= r.d1)
    .map((p) => ({ p, totals: pinTotals(ctx, p, r, today) }))
    .sort((a, b) => b.totals[r.sortBy] - a.totals[r.sortBy] || (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0))
    .slice(0, r.numOfPins);
  // UNCONFIRMED: what data_status is keyed by; the simulator keys it by metric.
  const status = r.d1 >= today ? 'PROCESSING' : 'READY';
  return ranked.map(({ p, totals }) => ({
    pin_id: p.id,
    metrics: Object.fromEntries(wanted.map((m) => [m, totals[m]])),
    data_status: Object.fromEntries(wanted.map((m) => [m, status])),
  }));
}
