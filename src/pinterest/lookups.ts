/**
 * Pinterest's lookup endpoints: the audience types of audience insights and the targeting types whose
 * values the targeting-options endpoint names. Used by the connector and the simulator.
 */

/** `audience_insight_type` of GET /ad_accounts/{id}/audience_insights (AudienceInsightType in the OpenAPI file). */
export const AUDIENCE_INSIGHT_TYPES = [
  'YOUR_TOTAL_AUDIENCE',
  'YOUR_ENGAGED_AUDIENCE',
  'PINTEREST_TOTAL_AUDIENCE',
] as const;

/** Every `targeting_type` GET /resources/targeting/{targeting_type} accepts (PublicTargetingType). */
export const TARGETING_OPTION_TYPES = [
  'APPTYPE',
  'GENDER',
  'LOCALE',
  'AGE_BUCKET',
  'LOCATION',
  'GEO',
  'INTEREST',
  'KEYWORD',
  'AUDIENCE_INCLUDE',
  'AUDIENCE_EXCLUDE',
] as const;

/**
 * The types whose values are fixed codes the endpoint names without an ad account: KEYWORD values are the
 * advertiser's own free text, and AUDIENCE_INCLUDE / AUDIENCE_EXCLUDE values are the account's audience ids
 * (the `audiences` stream names them).
 */
export const TARGETING_LOOKUP_TYPES = [
  'APPTYPE',
  'GENDER',
  'LOCALE',
  'AGE_BUCKET',
  'LOCATION',
  'GEO',
  'INTEREST',
] as const;
