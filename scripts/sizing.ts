/**
 * npm run sizing: the README's sizing table, computed from the connector's request formulas (docs/contract.md §3,
 * src/reports) and Pinterest's published Standard budgets — requests and the least wall time of a first
 * two-year backfill and of a daily incremental sync, for 1 … 500 ad accounts of 100 … 10,000 ads.
 *
 * Assumptions (stated in the output): an account of N ads has N/20 campaigns and N/5 ad groups; every
 * ads-analytics stream is selected with the default targeting types; window_days 90, lookback 32 days;
 * a report is ready after POLLS_PER_REPORT polls; budgets: ads_analytics 300/min, ads_read 1,000/min
 * (per Pinterest user and app: every connection using the same token shares them).
 */
import type { AnalyticsDefinition } from '../src/streams/definition';
import {
  MAX_IDS_PER_REQUEST,
  MAX_TARGETING_TYPES_PER_REQUEST,
  REPORT_LIMITS,
  REPORT_TARGETING_TYPES,
  TARGETING_TYPES_PER_REPORT,
} from '../src/pinterest/limits';
import { STREAMS } from '../src/streams/definitions';
import { reportLevel } from '../src/streams/request-parts';

const BUDGET_PER_MIN = { ads_analytics: 300, ads_read: 1000 };
const POLLS_PER_REPORT = 3;
const BACKFILL_DAYS = 730;
const SYNC_DAYS = 90;
const WINDOW_DAYS = 90;
const LOOKBACK_DAYS = 32;

const ceil = Math.ceil;
const ads = STREAMS.filter(
  (s): s is AnalyticsDefinition => s.kind === 'analytics' && reportLevel(s.level) !== undefined,
);

const reportOnly = ads.filter((s) => s.report && s.report.reportsOnly).map((s) => s.name);

/** Entities of a level, named by its id key (campaign_id …) or its list (campaigns …). */
function entities(level: string, nAds: number): number {
  if (level === 'campaign_id' || level === 'campaigns') return ceil(nAds / 20);
  if (level === 'ad_group_id' || level === 'ad_groups') return ceil(nAds / 5);
  if (level === 'ad_id' || level === 'ads') return nAds;
  return 1;
}

/** ads_analytics requests of one account: synchronous windows over `days`, and reports over `reportDays`. */
function analyticsRequests(nAds: number, syncDays: number, reportDays: number): { sync: number; reports: number } {
  let sync = 0;
  let reports = 0;
  for (const def of ads) {
    const settings = def.report || undefined;
    if (settings?.reportsOnly) {
      // Every day from reports, as far back as the level reaches, in windows of its length.
      const days = Math.min(syncDays + reportDays, settings.historyDays ?? REPORT_LIMITS.default.historyDays);
      const maxDays = settings.maxDays ?? REPORT_LIMITS.default.maxDays;
      const groups = def.targeting ? ceil(def.targeting.types.length / TARGETING_TYPES_PER_REPORT) : 1;
      reports += ceil(days / maxDays) * groups;
      continue;
    }
    const ids = entities(def.primaryKey[0], nAds);
    const syncGroups = def.targeting ? ceil(def.targeting.types.length / MAX_TARGETING_TYPES_PER_REQUEST) : 1;
    sync += ceil(ids / MAX_IDS_PER_REQUEST) * ceil(syncDays / WINDOW_DAYS) * syncGroups;
    if (reportDays > 0) {
      const level = reportLevel(def.level)!;
      const types = def.targeting
        ? def.targeting.types.filter((t) => (REPORT_TARGETING_TYPES[level] ?? []).includes(t)).length
        : 0;
      const groups = def.targeting ? ceil(types / TARGETING_TYPES_PER_REPORT) : 1;
      reports += ceil(reportDays / REPORT_LIMITS.default.maxDays) * groups;
    }
  }
  return { sync, reports };
}

const listRequests = (nAds: number) =>
  ['campaigns', 'ad_groups', 'ads'].reduce((n, l) => n + Math.max(1, ceil(entities(l, nAds) / 250)), 0);

function fmtTime(minutes: number): string {
  if (minutes < 1) return `${Math.max(1, Math.round(minutes * 60))} s`;
  if (minutes < 120) return `${minutes.toFixed(minutes < 10 ? 1 : 0)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

const rows: string[] = [];
for (const accounts of [1, 10, 100, 500]) {
  for (const nAds of [100, 1000, 10000]) {
    const back = analyticsRequests(nAds, SYNC_DAYS, BACKFILL_DAYS - SYNC_DAYS);
    const daily = analyticsRequests(nAds, LOOKBACK_DAYS + 1, 0);
    const lists = listRequests(nAds) * accounts;
    const backAnalytics = accounts * (back.sync + back.reports * (1 + POLLS_PER_REPORT));
    const dailyAnalytics = accounts * (daily.sync + daily.reports * (1 + POLLS_PER_REPORT));
    const least = (analytics: number) =>
      Math.max(analytics / BUDGET_PER_MIN.ads_analytics, lists / BUDGET_PER_MIN.ads_read);
    rows.push(
      `| ${accounts} | ${nAds.toLocaleString('en-US')} | ${(accounts * back.reports).toLocaleString('en-US')} | ${(backAnalytics + lists).toLocaleString('en-US')} | ${fmtTime(least(backAnalytics))} | ${(dailyAnalytics + lists).toLocaleString('en-US')} | ${fmtTime(least(dailyAnalytics))} |`,
    );
  }
}

console.log(
  `Computed by \`npm run sizing\` for the ${ads.length} ads-analytics streams: a two-year backfill (${BACKFILL_DAYS} days: ${BACKFILL_DAYS - SYNC_DAYS} from reports in ≤ ${REPORT_LIMITS.default.maxDays}-day windows, ≤ ${TARGETING_TYPES_PER_REPORT} targeting types each, ${POLLS_PER_REPORT} polls per report; ${SYNC_DAYS} synchronous) and a daily sync (${LOOKBACK_DAYS}-day lookback); ${reportOnly.join(', ')} read every day from reports (product items ${REPORT_LIMITS.productItem.historyDays} days back in ${REPORT_LIMITS.productItem.maxDays}-day windows), the daily sync too. An account of N ads has N/20 campaigns and N/5 ad groups. Requests count ads_analytics (reports, polls, synchronous windows) and ads_read (entity lists); the least wall time is what Pinterest's Standard budgets allow (ads_analytics ${BUDGET_PER_MIN.ads_analytics}/min, ads_read ${BUDGET_PER_MIN.ads_read}/min, per user and app), before report preparation and download time.`,
);
console.log('');
console.log(
  '| ad accounts | ads per account | reports | backfill requests | backfill least wall time | daily requests | daily least wall time |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
