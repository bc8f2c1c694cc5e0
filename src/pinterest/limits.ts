/**
 * Pinterest's fixed limits, as the API reference and its answers state them: one definition of each, used
 * by the connector (and, where simple, by the simulator and the tests).
 */

/** The synchronous analytics endpoints serve the last 90 days: today − 89 … today. */
export const SYNC_HISTORY_DAYS = 90;
/** The longest date range one synchronous analytics request may ask for. */
export const MAX_SYNC_WINDOW_DAYS = 90;
/** Pinterest's 400 for a start date older than the synchronous endpoints serve. */
export const SYNC_HISTORY_REFUSAL = /only get data from the last 90 days/i;

/** Asynchronous reports: days back (today included) and days per report, by granularity and level. */
export const REPORT_LIMITS = {
  default: { historyDays: 914, maxDays: 186 },
  hour: { historyDays: 8, maxDays: 3 },
  productItem: { historyDays: 92, maxDays: 31 },
} as const;

/** Entity ids (campaign_ids, ad_group_ids, ad_ids …) one request may carry. */
export const MAX_IDS_PER_REQUEST = 250;
/** Pins one GET /pins/analytics request may carry (`pin_ids` maxItems; the endpoint is a beta). */
export const MAX_PINS_PER_ANALYTICS_REQUEST = 100;
/** Targeting types one synchronous targeting-analytics request may carry. */
export const MAX_TARGETING_TYPES_PER_REQUEST = 14;
/** Targeting types one report may carry (TargetingTypeFilter.maxItems). */
export const TARGETING_TYPES_PER_REPORT = 5;
/** Items per page of a bookmark-paged list (the largest page_size Pinterest takes). */
export const PAGE_SIZE = 250;

/**
 * Items of one parent list kept in memory for the streams it feeds (the boards, campaigns, ads … of one
 * partition). A million ids is some 50–70 MB of memory and far more entities than an account manages by
 * hand, so reaching it means a list that does not end, and the read stops rather than run out of memory.
 */
export const MAX_SHARED_LIST_ITEMS = 1_000_000;

/** TargetingTypeFilter's enum: what a report accepts (it differs from the synchronous endpoints' list). */
const REPORT_TARGETING_TYPE_ENUM: readonly string[] = [
  'KEYWORD',
  'APPTYPE',
  'GENDER',
  'LOCATION',
  'PLACEMENT',
  'COUNTRY',
  'TARGETED_INTEREST',
  'PINNER_INTEREST',
  'AUDIENCE_INCLUDE',
  'GEO',
  'AGE_BUCKET',
  'REGION',
  'MEDIA_TYPE',
  'AGE_BUCKET_AND_GENDER',
  'AUDIENCE_MULTIPLIER',
  'CREATIVE_ENHANCEMENTS',
  'LOCAL_ADS_STORE_CODE',
];

const general = REPORT_TARGETING_TYPE_ENUM.filter((t) => t !== 'MEDIA_TYPE' && t !== 'AUDIENCE_MULTIPLIER');

/** Targeting types a report accepts per targeting level: AUDIENCE_MULTIPLIER only on CAMPAIGN_TARGETING, MEDIA_TYPE only on PRODUCT_ITEM_TARGETING. */
export const REPORT_TARGETING_TYPES: Record<string, readonly string[]> = {
  ADVERTISER_TARGETING: general,
  CAMPAIGN_TARGETING: [...general, 'AUDIENCE_MULTIPLIER'],
  AD_GROUP_TARGETING: general,
  PIN_PROMOTION_TARGETING: general,
  PRODUCT_GROUP_TARGETING: general,
  PRODUCT_ITEM_TARGETING: [...general, 'MEDIA_TYPE'],
};

/** Columns of the synchronous `columns` enum that ReportingColumnAsync lacks: absent from days read by reports. */
export const REPORT_UNSUPPORTED_COLUMNS: ReadonlySet<string> = new Set(['QUIZ_PIN_RESULT_OPEN']);

/** Values per report status filter (campaign_statuses, ad_group_statuses, ad_statuses, product_group_statuses) per request. */
export const STATUS_FILTER_MAX = 6;

/** Targeting types that are a beta "not yet available to all users": an ad account without it refuses them. */
export const BETA_TARGETING_TYPES: readonly string[] = ['AGE_BUCKET_AND_GENDER', 'CREATIVE_ENHANCEMENTS'];

/**
 * Reach and frequency columns: Pinterest refuses them on targeting levels at report creation ("Columns …
 * are not available"), and third-party tools call them unreliable for days older than REACH_RELIABLE_DAYS.
 */
export const REACH_COLUMNS: readonly string[] = ['TOTAL_IMPRESSION_USER', 'TOTAL_IMPRESSION_FREQUENCY'];
export const REACH_RELIABLE_DAYS = 185;

/** Pinterest's 400 for columns a report cannot carry: a refusal of the columns, not of the targeting types. */
export const COLUMN_REFUSAL = /\bcolumns?\b.*\bnot (available|supported)/i;

/** The columns a report at `level` cannot carry (reach and frequency on targeting levels). */
export function columnsRefusedAtLevel(level: string, columns: readonly string[]): string[] {
  return level.endsWith('_TARGETING') ? columns.filter((c) => REACH_COLUMNS.includes(c)) : [];
}

/** Pins one top-pins request returns at most (num_of_pins, GET /user_account/analytics/top_pins and top_video_pins). */
export const TOP_PINS_MAX = 50;
