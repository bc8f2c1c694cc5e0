/** The connector settings of the acceptance suite and of the CAT files generated from it: 30-day windows, 3 days of lookback. */
export const ACCEPTANCE_CONFIG = { window_days: 30, lookback_days: 3 };
