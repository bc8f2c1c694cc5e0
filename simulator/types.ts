// Public types of the Pinterest API simulator.

/** What the consent page (GET /oauth/) does: see consent.ts. */
export type ConsentMode = 'allow' | 'deny' | 'wrong_state' | 'invalid_code';

export type RateCategory = 'ads_analytics' | 'ads_read' | 'org_read' | 'org_analytics' | 'catalogs_read';

export type FaultKind = 'http500' | 'http502' | 'http503' | 'drop' | 'truncate' | 'slow' | 'spurious400';
export const FAULT_KINDS: readonly FaultKind[] = [
  'http500',
  'http502',
  'http503',
  'drop',
  'truncate',
  'slow',
  'spurious400',
];

export type EntityStatus = 'ACTIVE' | 'PAUSED' | 'ARCHIVED' | 'DRAFT' | 'DELETED_DRAFT';
export const ENTITY_STATUSES: readonly EntityStatus[] = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'];

/** How much data the simulator generates. All counts are exact (deterministic), rates are probabilities. */
export interface SizeKnobs {
  /** number of ad accounts returned by GET /ad_accounts (owned + shared) */
  adAccounts: number;
  /** how many of them (the last ones) are shared with the user through Business Access (not owned) */
  sharedAdAccounts: number;
  /** campaigns in every ad account except the first */
  campaignsPerAccount: number;
  /** campaigns in the first ad account (make it > 250 to exercise pagination and id batching) */
  firstAccountCampaigns: number;
  adGroupsPerCampaign: number;
  adsPerAdGroup: number;
  boards: number;
  /** pins the user created (is_owner true) */
  ownedPins: number;
  /** pins the user saved from others (is_owner false, parent_pin_id set) */
  repins: number;
  followers: number;
  interests: number;
  /** an entity delivers (has analytics rows) during one flight of flightDaysMin..flightDaysMax days */
  flightDaysMin: number;
  flightDaysMax: number;
  /** probability that a day inside the flight has a row (missing days otherwise) */
  dayCoverage: number;
  /** probability that a requested metric column is present in a row */
  columnCoverage: number;
  /** probability that an entity has targeting data for a given targeting type */
  targetingTypeCoverage: number;
  /** an entity has 1..targetingValuesMax values per targeting type it has data for */
  targetingValuesMax: number;
  /** probability that a (entity, type, value) row exists on a day the entity delivered */
  targetingRowCoverage: number;
  /** share of owned pins whose analytics the API still refuses (403 / 404) */
  refusingPinRate: number;
  /** share of owned pins created inside the last 60 days (their earlier days are BEFORE_PIN_CREATED) */
  newPinRate: number;
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** an access token that is always accepted (config `credentials.auth_method = access_token`) */
  staticAccessToken?: string;
}

export interface RateLimitSpec {
  limit: number;
  windowMs: number;
}

interface FaultOptions {
  /** probability that a request gets a fault */
  rate: number;
  kinds: FaultKind[];
  /** RNG seed of fault draws (default: simulator seed + 1) */
  seed?: number;
  /** delay of the 'slow' fault (default 30000 ms) */
  slowMs?: number;
  /** random faults also hit POST /oauth/token (default false) */
  includeToken?: boolean;
}

export interface Refusal {
  /** the path without /v5, exactly, or a RegExp over it */
  path: string | RegExp;
  status: 403 | 404 | 410;
  /** default: Pinterest's code and message for the status (403: 29 "You are not permitted to access that resource.") */
  code?: number;
  message?: string;
}

export type ExtraItemFields = Partial<
  Record<'boards' | 'pins' | 'followers' | 'interests' | 'campaigns' | 'ad_groups' | 'ads', Record<string, unknown>>
>;

export interface SimulatorOptions {
  /**
   * The token user's Business Access role on the shared ad accounts, for organic requests with their
   * `ad_account_id` (ADMIN, ANALYST, CAMPAIGN_MANAGER, AUDIENCE_MANAGER, FINANCE_MANAGER, NONE; default ADMIN):
   * only ADMIN and ANALYST may read the client's profile (UNCONFIRMED which roles Pinterest allows).
   */
  businessAccessRole?: string;
  /** default 1; all data deterministic from seed + sizes + today */
  seed?: number;
  /** 'YYYY-MM-DD' UTC; the day the simulator takes as today (default: real UTC today) */
  today?: string;
  size?: Partial<SizeKnobs>;
  credentials?: Partial<Credentials>;
  /** default 2592000 (30 days, as Pinterest) */
  accessTokenTtlSeconds?: number;
  /** every refresh returns a new refresh_token; with this knob the old one is refused from then on */
  rotateRefreshToken?: boolean;
  /** an access token stops working after this many authenticated requests (401), as if it expired early */
  accessTokenMaxRequests?: number;
  /** an app created before 2025-09-25: a refresh without continuous_refresh=true is refused (legacy token) */
  legacyApp?: boolean;
  /** refresh_token_expires_in of the token answer (default 60 days, the continuous refresh token's life) */
  refreshTokenTtlSeconds?: number;
  /** per-category sliding-window limits; default false (off) */
  rateLimits?: Partial<Record<RateCategory, RateLimitSpec>> | false;
  /**
   * send X-RateLimit-Limit/Remaining/Reset on rate-limited categories and Retry-After on 429 (true); or
   * only X-Userendpoint-Ratelimit-Limit/-Remaining/-Reset-Seconds, with no Retry-After ('userendpoint')
   */
  rateLimitHeaders?: boolean | 'userendpoint';
  /** X-RateLimit-Reset as seconds to wait ('seconds', default) or as epoch seconds ('epoch') */
  rateLimitResetFormat?: 'seconds' | 'epoch';
  /** after N requests in a category (per real UTC day): 429 {code:8} with Retry-After = seconds to next UTC midnight */
  dailyQuota?: Partial<Record<RateCategory, number>>;
  faults?: FaultOptions;
  /** /users/{username}/interests/follow answers 404 (true or 404) or 410 for the route itself, or 503 with code 4197 (ramped down) */
  interestsGone?: boolean | 404 | 410 | 503;
  /** scopes the tokens have (default DEFAULT_SCOPES, catalogs:read included); a missing scope gives 401 {code:3} */
  scopes?: string[];
  /** delay before every answer */
  latencyMs?: number;
  /** host to bind (default 127.0.0.1) */
  host?: string;
  /** port (default 0 = any free port) */
  port?: number;
  /** emit the entity id inside targeting `metrics` as a JSON number, as in the OpenAPI example (default true) */
  targetingIdsAsNumbers?: boolean;
  /** add fields newer than OpenAPI 5.23 (AdAccount.time_zone, from 5.28) (default true) */
  unknownFields?: boolean;
  /** routes that refuse the token after authentication (an ad account whose role cannot read one list) */
  refusals?: Refusal[];
  /** fields added to every item of a list: fields Pinterest added that the connector's schemas do not know */
  extraItemFields?: ExtraItemFields;
  /** keep a request log (default true) */
  logRequests?: boolean;
  /** byte budget of the response cache (default 256 MiB; 0 turns caching off) */
  cacheMaxBytes?: number;
  /** what the consent page (GET /oauth/) does: allow (default), deny, wrong_state, invalid_code (see consent.ts) */
  consent?: ConsentMode;
  /** redirect URIs registered in the app; default: any http(s) URI is accepted */
  redirectUris?: string[];
  /** click/engagement/view triples the analytics endpoints accept; others get 400 (default: all) */
  acceptedAttributionWindows?: Array<[number, number, number]>;
  /** targeting types the account has no beta access to: a request naming one gets 400 */
  refusedTargetingTypes?: string[];
  /** ad accounts without the targeting beta ('all': every one): their analytics and reports refuse AGE_BUCKET_AND_GENDER and CREATIVE_ENHANCEMENTS with 400 */
  accountsWithoutBeta?: string[] | 'all';
  /** the refusal's message names the refused types (default true); false: a generic "Invalid … parameters." */
  refusedTargetingTypesNamed?: boolean;
  /** GET /pins/analytics (beta, ≤ 100 pins a request) is served (default true); false: the app lacks the beta, 403 code 29 */
  pinAnalyticsBeta?: boolean;
  /** how GET /pins/analytics shows a pin it refuses: left out of the answer ('omit', default) or the whole request refused with 401 code 7 ('refuse-batch'), as the spec's 401 example reads */
  pinAnalyticsRefusal?: 'omit' | 'refuse-batch';
  /** reporting_timezone=AD_ACCOUNT_TIME_ZONE (closed beta) gets 400 */
  refuseReportingTimezone?: boolean;
  /** the simulated day advances by one when this many API requests have been answered (midnight during a read) */
  advanceDayAfterRequests?: number;
  /** count only requests whose path includes this for advanceDayAfterRequests (e.g. '/analytics') */
  advanceDayCounting?: string;
  /** DAY rows of ads analytics report conversions in part until the longest window + 2 days have passed */
  lateConversions?: boolean;
  /** asynchronous reports: polls until ready, link lifetime, fault rates, file format (reports.ts) */
  reports?: ReportKnobs;
  /** GET /resources/metrics_ready_state: provisional newest days, conversion lag, failures (metrics-ready.ts) */
  metricsReady?: MetricsReadyKnobs;
}

export interface LoggedRequest {
  method: string;
  /** path without the /v5 prefix, e.g. '/ad_accounts/123/campaigns' */
  path: string;
  query: Record<string, string | string[]>;
  /** HTTP status sent; 0 when the connection was dropped without an answer */
  status: number;
  category: RateCategory | 'none';
  fault?: FaultKind;
  /** Date.now() when the request arrived */
  at: number;
  /** ms spent answering (incl. latency and 'slow') */
  durationMs?: number;
  /** response body bytes (complete body, before truncation) */
  bytes?: number;
}

/** A stream of the connector that reads the simulator (the endpoint table, endpoints.ts, names them). */
export type StreamName = string;

/** Pinterest's ads reporting levels the simulator serves (ad_account: the account's own totals). */
export type Level = 'ad_account' | 'campaign' | 'ad_group' | 'ad';

export interface GroundTruthConfig {
  /** default: the simulator's today */
  today?: string;
  /** default: every account of GET /ad_accounts */
  adAccountIds?: string[];
  /** default ACTIVE, PAUSED, ARCHIVED */
  entityStatuses?: string[];
  startDate?: string;
  endDate?: string;
  /** accepted and ignored: a full-refresh read does not use it */
  lookbackDays?: number;
  /** default 90 */
  windowDays?: number;
  /** upper-case Pinterest column names */
  columns: string[];
  /** default the 9 standard pin metric types */
  pinMetricTypes?: string[];
  /** default the 9 user account metric types (what the API sends when metric_types is absent) */
  userMetricTypes?: string[];
  /** default: the whole enum of each level (campaign 15 → 2 requests per batch, ad group 14, ad 14) */
  targetingTypes?: Partial<Record<Level, string[]>>;
  /** the connector lists pins with include_protected_pins=true (default false) */
  includeProtectedPins?: boolean;
  /** only count records, leave `records` arrays empty (for big presets) */
  countsOnly?: boolean;
  /** the config's reporting_timezone: AD_ACCOUNT_TIME_ZONE gives the account's days (default UTC days) */
  reportingTimezone?: string;
  /** the config's organic filters (content_type, app_types, source, pin_format, from_claimed_content) */
  organicFilters?: Record<string, string>;
  /** the config's split_field (user_account_analytics rows per group) */
  splitField?: string;
  /** the config's top_pins_sort_by / top_video_pins_sort_by (default IMPRESSION) */
  topPinsSortBy?: string[];
  topVideoPinsSortBy?: string[];
  /** the config's organic_ad_account_id: profile and user-account analytics are its owner's */
  organicAdAccountId?: string;
}

interface SetupRequests {
  /** POST /oauth/token (OAuth credentials only) */
  token: number;
  /** GET /user_account */
  userAccount: number;
  /** pages of GET /ad_accounts when no ad_account_ids are configured */
  adAccountsList: number;
  /** GET /ad_accounts/{id} when ad_account_ids are configured (if the connector checks each) */
  adAccountGets: number;
  /** entity list pages the ads-analytics streams need when the entity streams are not selected */
  entityLists: Record<Exclude<Level, 'ad_account'>, number>;
  /** /pins pages pin_analytics needs when the pins stream is not selected */
  pinsList: number;
  /** GET /resources/metrics_ready_state: the read's newest day first, back to the first ready day */
  metricsReady: number;
}

export interface GroundTruth {
  records: Record<StreamName, Record<string, unknown>[]>;
  counts: Record<StreamName, number>;
  minRequests: Record<StreamName, number>;
  /** reports of a backfill older than today − 89: one per ad account × level × ≤186-day window × ≤5 targeting types */
  minReports: Record<StreamName, number>;
  setupRequests: SetupRequests;
  /** first and last day of the analytics streams (ad_analytics_daily ends at dailyEnd) */
  dateRange: { start: string; end: string; dailyEnd: string; days: number; dailyDays: number };
  adAccountIds: string[];
  /** owned pins whose analytics the API refuses (the connector skips them with a warning) */
  refusedPins: { pinId: string; status: 403 | 404 }[];
  /** the last day whose conversion and non-conversion metrics are final: ads-analytics rows after it carry data_ready false, and an incremental cursor stops there */
  lastReadyDay: string;
}

// ---- the dataset's shape (generated by dataset.ts) ------------------------------------------

export type Json = Record<string, unknown>;

export interface AdAccountMeta {
  idx: number;
  id: string;
  currency: string;
  /** minor-unit decimals of the currency (JPY 0, USD 2) */
  decimals: number;
  /** rough value of 1 USD in the currency, used to scale money metrics */
  fx: number;
  shared: boolean;
  item: Json;
}

export interface EntityMeta {
  level: Level;
  id: string;
  /** small unique integer used in hashes */
  key: number;
  accountId: string;
  account: AdAccountMeta;
  status: EntityStatus;
  /** first and last day (days since epoch) with analytics rows; null for drafts */
  flightStart: number | null;
  flightEnd: number | null;
  /** size of the entity's numbers */
  scale: number;
  campaignId: string;
  adGroupId?: string;
  adId?: string;
  pinId?: string;
  name: string;
  /** static values of attribute columns (CAMPAIGN_NAME, AD_GROUP_BUDGET_TYPE, ...) */
  attrs: Record<string, string | number | boolean>;
  /** serialised attribute values (filled lazily by the serialiser) */
  attrJson?: Map<string, Buffer>;
  item: Json;
}

export interface PinMeta {
  id: string;
  key: number;
  owned: boolean;
  video: boolean;
  /** on a PROTECTED board: listed only with include_protected_pins=true */
  protectedBoard: boolean;
  /** on a SECRET board: listed only with the pins:read_secret scope */
  secretBoard: boolean;
  createdDay: number;
  /** owned pins whose analytics still refuse; 0 = served */
  refuse: 0 | 403 | 404;
  item: Json;
}

export interface Dataset {
  seed: number;
  today: string;
  todayDay: number;
  /** first day with data (today − 120) */
  dataStartDay: number;
  sizes: SizeKnobs;
  user: Json & { id: string; username: string };
  userKey: number;
  adAccounts: AdAccountMeta[];
  adAccountById: Map<string, AdAccountMeta>;
  /** entities per account, ascending id (the list endpoints' default order) */
  campaigns: Map<string, EntityMeta[]>;
  adGroups: Map<string, EntityMeta[]>;
  ads: Map<string, EntityMeta[]>;
  entityById: Map<string, EntityMeta>;
  boards: { item: Json; privacy: string }[];
  pins: PinMeta[];
  pinById: Map<string, PinMeta>;
  followers: Json[];
  interests: Json[];
  /** the other lists (account-lists.ts) */
  accountLists: AccountLists;
}

/** The other lists (account-lists.ts). */
export interface AccountLists {
  /** one analytics entity per ad account (level ad_account): its rows are the account's totals */
  accountEntity: Map<string, EntityMeta>;
  audiences: Map<string, Json[]>;
  customerLists: Map<string, Json[]>;
  conversionTags: Map<string, Json[]>;
  /** keywords whose parent is the ad account (listed without a filter) */
  accountKeywords: Map<string, Json[]>;
  /** keywords per ad group id (listed with ad_group_ids) */
  adGroupKeywords: Map<string, Json[]>;
  /** sections per board id */
  sections: Map<string, Json[]>;
  /** pins per board section id */
  sectionPins: Map<string, PinMeta[]>;
  catalogs: Json[];
  /** retail feeds carry no catalog_id (hotel and creative-asset feeds do): their catalog, for the catalog_id filter */
  feeds: Json[];
  feedCatalog: Map<string, string>;
  productGroups: Json[];
}

/** GET /resources/metrics_ready_state's knobs (metrics-ready.ts). */
export interface MetricsReadyKnobs {
  /** the newest days, today included, whose non-conversion metrics are not final (default 2) */
  notReadyDays?: number;
  /** conversion metrics become final this many days after the non-conversion ones (default 1) */
  conversionLagDays?: number;
  /** the endpoint answers this status instead (500: a server error, retried; 403: not permitted) */
  failWith?: 500 | 403;
}

/** Asynchronous reports' knobs (reports.ts). */
export interface ReportKnobs {
  /** IN_PROGRESS answers before a report is FINISHED (default 1) */
  pollsUntilReady?: number;
  /** how long a download link works (default 5 minutes, as Pinterest says) */
  linkTtlMs?: number;
  /** how long a finished report is kept (default 1 hour) */
  reportTtlMs?: number;
  /** fraction of report creations that end FAILED (decided per report and creation, deterministically) */
  failRate?: number;
  /** fraction of reports whose first download link answers as expired (403) */
  expireLinkRate?: number;
  /** fraction of reports whose first download is cut halfway */
  cutRate?: number;
  /** serve every file in this format, whatever was asked (default: as requested, JSON when unset) */
  format?: 'JSON' | 'CSV';
  /** the link first answers 302 to the file (as a storage front end may) */
  redirect?: boolean;
  /** columns Pinterest refuses for this account (what only Pinterest can judge: check's one small request) */
  refuseColumns?: string[];
  /** rows also name their entity as ADVERTISER_ID (ADVERTISER) / PIN_PROMOTION_ID (PIN_PROMOTION), unasked (UNCONFIRMED) */
  aliasIdColumns?: boolean;
  /** rows of targeting-level files lack TARGETING_TYPE and TARGETING_VALUE (a malformed file) */
  rowsWithoutTargeting?: boolean;
  /** JSON files carry their members this many times over, streamed (benchmarks of memory with > 1 GB files) */
  repeat?: number;
  /** JSON rows carry PIN_ID and PRODUCT_ITEM_ID as strings (default: JSON numbers, 18–19 digits, as Pinterest) */
  idsAsStrings?: boolean;
  /** set from the simulator's `refuseReportingTimezone`: report bodies naming AD_ACCOUNT_TIME_ZONE get 400 too */
  refuseReportingTimezone?: boolean;
}
