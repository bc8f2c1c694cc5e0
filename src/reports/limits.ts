/**
 * Pinterest's limits for asynchronous reports (the OpenAPI description of analytics/create_report and
 * its TargetingTypeFilter / ReportingColumnAsync schemas).
 */

/** Days back (today included) and days per report, by granularity and level. */
export const REPORT_LIMITS = {
  default: { historyDays: 914, maxDays: 186 },
  hour: { historyDays: 8, maxDays: 3 },
  productItem: { historyDays: 92, maxDays: 31 },
} as const;

/** TargetingTypeFilter.maxItems. */
export const TARGETING_TYPES_PER_REPORT = 5;

/** TargetingTypeFilter's enum: what a report accepts (it differs from the synchronous endpoints' list). */
export const REPORT_TARGETING_TYPE_ENUM: readonly string[] = [
  'KEYWORD', 'APPTYPE', 'GENDER', 'LOCATION', 'PLACEMENT', 'COUNTRY', 'TARGETED_INTEREST', 'PINNER_INTEREST',
  'AUDIENCE_INCLUDE', 'GEO', 'AGE_BUCKET', 'REGION', 'MEDIA_TYPE', 'AGE_BUCKET_AND_GENDER', 'AUDIENCE_MULTIPLIER',
  'CREATIVE_ENHANCEMENTS', 'LOCAL_ADS_STORE_CODE',
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
