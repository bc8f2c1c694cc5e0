/**
 * The attribution settings: the query parameters every ads-analytics request carries, and the lookback
 * default that follows from the windows (pure functions, so the spec's description and tests state them).
 */
import { SYNC_HISTORY_DAYS } from '../pinterest/limits';
import type { ConnectorConfig } from './schema';

/** Pinterest serves the last 90 days (today − 89 … today): a lookback can never usefully reach further. */
const MAX_LOOKBACK_DAYS = SYNC_HISTORY_DAYS - 1;
/** Pinterest asks to allow about 37 hours before conversion data settles: two more days are re-read. */
const SETTLING_DAYS = 2;

interface AttributionWindows {
  click_window_days: number;
  engagement_window_days: number;
  view_window_days: number;
}

/** The query parameters of the attribution settings (and the opt-in reporting time zone, unset: not sent). */
export function attributionParams(config: ConnectorConfig): Record<string, string | number | undefined> {
  return {
    click_window_days: config.click_window_days,
    engagement_window_days: config.engagement_window_days,
    view_window_days: config.view_window_days,
    conversion_report_time: config.conversion_report_time,
    reporting_timezone: config.reporting_timezone,
  };
}

/**
 * The default lookback: a conversion can be attributed to an ad action up to the longest attribution
 * window later, and then needs ~37 hours to appear; re-reading that many days catches late conversions.
 */
export function defaultLookbackDays(w: AttributionWindows): number {
  return Math.min(
    MAX_LOOKBACK_DAYS,
    Math.max(w.click_window_days, w.engagement_window_days, w.view_window_days) + SETTLING_DAYS,
  );
}
