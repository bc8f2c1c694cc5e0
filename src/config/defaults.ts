/**
 * Defaults that depend on other fields of the config, filled in after validation (pure functions, so
 * the spec's description and the tests can state them exactly).
 */

/** Pinterest serves the last 90 days (today − 89 … today): a lookback can never usefully reach further. */
export const MAX_LOOKBACK_DAYS = 89;
/** Pinterest asks to allow about 37 hours before conversion data settles: two more days are re-read. */
export const SETTLING_DAYS = 2;

export interface AttributionWindows {
  click_window_days: number;
  engagement_window_days: number;
  view_window_days: number;
}

/**
 * The default lookback: a conversion can be attributed to an ad action up to the longest attribution
 * window later, and then needs ~37 hours to appear; re-reading that many days catches late conversions.
 */
export function defaultLookbackDays(w: AttributionWindows): number {
  return Math.min(MAX_LOOKBACK_DAYS, Math.max(w.click_window_days, w.engagement_window_days, w.view_window_days) + SETTLING_DAYS);
}
