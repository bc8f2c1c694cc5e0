// Analytics values. Every value is a pure function of (seed, entity key, day, column), so a day
// has the same numbers whatever window it is requested in. Shared by the HTTP handlers and the
// ground truth.
import type { Dataset, EntityMeta, PinMeta } from './types';
import {
  AD_ACCOUNT_TARGETING_TYPES,
  AD_GROUP_TARGETING_TYPES,
  AD_TARGETING_TYPES,
  ANALYTICS_COLUMNS,
  CAMPAIGN_TARGETING_TYPES,
  PIN_STANDARD_METRIC_TYPES,
  PIN_VIDEO_METRIC_TYPES,
  USER_ACCOUNT_METRIC_TYPES,
} from './enums';
import { type ByteWriter } from './bytes';
import { hash, mix32, parseDay, unit } from './rng';
import type { Level } from './types';

type CellValue = number | string | boolean | undefined;

// ---- ads analytics columns ------------------------------------------------------------------

type ColKind = 'attr' | 'count' | 'micro' | 'money' | 'rate';

export interface ColSpec {
  name: string;
  idx: number;
  kind: ColKind;
  /** typical magnitude (counts: per day; micro: micro-units of USD) */
  mag: number;
  /** hash salt: money columns share the salt of their micro twin so both agree */
  salt: number;
  /** ',"NAME":' bytes used by the serialiser */
  keyBytes: Buffer;
}

export const ID_COLUMN: Record<Level, string> = {
  ad_account: 'AD_ACCOUNT_ID',
  campaign: 'CAMPAIGN_ID',
  ad_group: 'AD_GROUP_ID',
  ad: 'AD_ID',
};

const ATTR_COLUMNS = new Set([
  'CAMPAIGN_NAME',
  'CAMPAIGN_BRAND_LABEL',
  'PIN_ID',
  'CAMPAIGN_ID',
  'ADVERTISER_ID',
  'AD_ACCOUNT_ID',
  'PIN_PROMOTION_ID',
  'AD_ID',
  'AD_GROUP_ID',
  'CAMPAIGN_ENTITY_STATUS',
  'CAMPAIGN_OBJECTIVE_TYPE',
  'AD_GROUP_NAME',
  'AD_GROUP_BUDGET_TYPE',
  'AD_GROUP_BUDGET_IN_LOCAL_CURRENCY',
  'AD_GROUP_ENTITY_STATUS',
  'AD_GROUP_BID_MULTIPLIER',
  'PROMO_ID',
  'PROMO_NAME',
  'ORDER_LINE_ID',
  'ORDER_LINE_NAME',
  'AD_NAME',
  'CAMPAIGN_LIFETIME_SPEND_CAP',
  'AD_GROUP_OPTIMIZATION',
  'CAMPAIGN_DAILY_SPEND_CAP',
  'CAMPAIGN_BUDGET_OPTIMIZATION',
  'IS_PREMIERE_CAMPAIGN',
  'PRODUCT_GROUP_AD_IMAGE_TAG',
  'PRODUCT_GROUP_AD_VIDEO_TAG',
  'VIDEO_LENGTH',
]);

/** Columns whose values are not numbers (strings or booleans) when present. */
export const NON_NUMERIC_COLUMNS: readonly string[] = [
  'CAMPAIGN_NAME',
  'CAMPAIGN_BRAND_LABEL',
  'PIN_ID',
  'CAMPAIGN_ID',
  'ADVERTISER_ID',
  'AD_ACCOUNT_ID',
  'PIN_PROMOTION_ID',
  'AD_ID',
  'AD_GROUP_ID',
  'CAMPAIGN_ENTITY_STATUS',
  'CAMPAIGN_OBJECTIVE_TYPE',
  'AD_GROUP_NAME',
  'AD_GROUP_BUDGET_TYPE',
  'AD_GROUP_ENTITY_STATUS',
  'PROMO_ID',
  'PROMO_NAME',
  'ORDER_LINE_ID',
  'ORDER_LINE_NAME',
  'AD_NAME',
  'AD_GROUP_OPTIMIZATION',
  'CAMPAIGN_BUDGET_OPTIMIZATION',
  'IS_PREMIERE_CAMPAIGN',
  'PRODUCT_GROUP_AD_IMAGE_TAG',
  'PRODUCT_GROUP_AD_VIDEO_TAG',
];

function kindOf(name: string): ColKind {
  if (ATTR_COLUMNS.has(name)) return 'attr';
  if (name.includes('MICRO_DOLLAR')) return 'micro';
  if (name.includes('IN_DOLLAR') || name.includes('COST_PER_')) return 'money';
  if (
    /(^|_)(CTR|ECTR)(_|$)/.test(name) ||
    name.endsWith('_RATE') ||
    name.endsWith('ROAS') ||
    name.includes('FREQUENCY') ||
    name.includes('AVERAGE') ||
    name.includes('AVG_WATCHTIME') ||
    name === 'CTR_2' ||
    name === 'OUTBOUND_CTR_1'
  )
    return 'rate';
  return 'count';
}

function magOf(name: string, kind: ColKind): number {
  if (kind === 'count') {
    if (name.includes('IMPRESSION')) return 2000;
    if (name.includes('VIDEO')) return 400;
    if (name.includes('CLICK')) return 30;
    if (name.includes('ENGAGEMENT')) return 50;
    if (name.includes('REPIN') || name.includes('SAVE')) return 8;
    if (name.includes('SESSIONS') || name.includes('PAGE_VISIT')) return 20;
    if (name.includes('SHOWCASE')) return 15;
    return 3;
  }
  if (kind === 'micro' || kind === 'money') {
    if (name.includes('SPEND')) return 25e6;
    if (name.includes('CPC') || name.includes('COST_PER_OUTBOUND')) return 0.8e6;
    if (name.includes('CPM')) return 6e6;
    if (name.includes('VALUE')) return 60e6;
    if (name.includes('ECPV') || name.includes('ECPCV')) return 0.05e6;
    return 5e6;
  }
  if (kind === 'rate') {
    if (name.includes('ROAS')) return 5;
    if (name.includes('FREQUENCY')) return 3;
    if (name.includes('AVG_WATCHTIME') || name.includes('AVERAGE')) return 10;
    if (name.includes('CONVERSION_RATE')) return 0.05;
    return 0.04;
  }
  return 0;
}

const COLUMN_INDEX = new Map<string, number>(ANALYTICS_COLUMNS.map((c, i) => [c, i]));
const COLUMN_SPECS = new Map<string, ColSpec>();
for (const name of ANALYTICS_COLUMNS) {
  const kind = kindOf(name);
  const idx = COLUMN_INDEX.get(name)!;
  let salt = mix32(0x51ed ^ Math.imul(idx + 1, 0x9e3779b1));
  let mag = magOf(name, kind);
  if (kind === 'money' && name.includes('_IN_DOLLAR')) {
    const twin = name.replace('_IN_DOLLAR', '_IN_MICRO_DOLLAR');
    const ti = COLUMN_INDEX.get(twin);
    if (ti !== undefined) {
      salt = mix32(0x51ed ^ Math.imul(ti + 1, 0x9e3779b1));
      mag = magOf(twin, 'micro');
    }
  }
  COLUMN_SPECS.set(name, { name, idx, kind, mag, salt, keyBytes: Buffer.from(',' + JSON.stringify(name) + ':') });
}

export function isAnalyticsColumn(name: string): boolean {
  return COLUMN_INDEX.has(name);
}

/** Specs of the requested columns, deduplicated, without the level's id column (always sent first). */
export function planColumns(columns: string[], level: Level): ColSpec[] {
  const seen = new Set<string>();
  const out: ColSpec[] = [];
  for (const c of columns) {
    if (seen.has(c) || c === ID_COLUMN[level]) continue;
    seen.add(c);
    const s = COLUMN_SPECS.get(c);
    if (s) out.push(s);
  }
  return out;
}

export interface MetricsContext {
  seed: number;
  todayDay: number;
  dataStartDay: number;
  /** first day of the older history that only asynchronous reports serve (today − 913) */
  historyStartDay: number;
  dayCoverage: number;
  columnCoverage: number;
  targetingTypeCoverage: number;
  targetingValuesMax: number;
  targetingRowCoverage: number;
}

export function metricsContext(ds: Dataset): MetricsContext {
  const k = ds.sizes;
  return {
    seed: ds.seed,
    todayDay: ds.todayDay,
    dataStartDay: ds.dataStartDay,
    historyStartDay: ds.todayDay - (HISTORY_DAYS - 1),
    dayCoverage: k.dayCoverage,
    columnCoverage: k.columnCoverage,
    targetingTypeCoverage: k.targetingTypeCoverage,
    targetingValuesMax: k.targetingValuesMax,
    targetingRowCoverage: k.targetingRowCoverage,
  };
}

/** Days back (today included) that asynchronous reports serve. */
export const HISTORY_DAYS = 914;

/**
 * An older flight of a non-draft entity, inside today − 913 … dataStartDay − 1, so that history read
 * through reports has rows; it leaves the days from dataStartDay on exactly as they were.
 */
function historyFlight(ctx: MetricsContext, ent: EntityMeta): [number, number] {
  const span = ctx.dataStartDay - ctx.historyStartDay;
  const start = ctx.historyStartDay + Math.floor(unit(ctx.seed, ent.key, 14) * span);
  const len = 3 + Math.floor(unit(ctx.seed, ent.key, 15) * 18);
  return [start, Math.min(start + len - 1, ctx.dataStartDay - 1)];
}

/** Days [d0, d1] (clamped to the entity's flight and the data range) on which the entity has a row. */
export function entityDays(ctx: MetricsContext, ent: EntityMeta, d0: number, d1: number): number[] {
  const out: number[] = [];
  if (ent.flightStart === null || ent.flightEnd === null) return out;
  if (d0 < ctx.dataStartDay) {
    const [hs, he] = historyFlight(ctx, ent);
    const thr = ctx.dayCoverage * 4294967296;
    for (let d = Math.max(d0, hs); d <= Math.min(d1, he); d++)
      if (hash(ctx.seed, ent.key, d, 0, 0xd1) < thr) out.push(d);
  }
  const a = Math.max(d0, ent.flightStart, ctx.dataStartDay);
  const b = Math.min(d1, ent.flightEnd, ctx.todayDay);
  const thr = ctx.dayCoverage * 4294967296;
  for (let d = a; d <= b; d++) {
    if (hash(ctx.seed, ent.key, d, 0, 0xd1) < thr) out.push(d);
  }
  return out;
}

// ---- reporting time zone ------------------------------------------------------------------

export const REPORTING_TIMEZONES = ['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE'] as const;

/**
 * The row salt of a day read in the ad account's own time zone. The account's day covers other hours
 * than the UTC day Pinterest reports by default, so it has other numbers; which days have rows is kept.
 * Every account's zone (AdAccount.time_zone: Los Angeles, Paris, Tokyo) differs from UTC. Added to
 * fillRow's `sub`; the other subs stay below 2^21, so they never meet.
 */
export function zoneSub(reportingTimezone: unknown): number {
  return reportingTimezone === 'AD_ACCOUNT_TIME_ZONE' ? 0x40000000 : 0;
}

function roundTo(x: number, decimals: number): number {
  const f = decimals === 0 ? 1 : decimals === 2 ? 100 : 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * Raw values of one row. `sub` is 0 for a plain analytics row and targetingSub(...) for a targeting
 * row. Writes one raw number per spec into `out`: NaN = column absent from the row; counts and
 * micro amounts as is; money as an integer of minor units (value = raw / 10^decimals of the account
 * currency); rates as millionths (value = raw / 1e6); attribute columns 0 (value from attrValue).
 * cellValue() turns a raw number into the JSON value.
 */
export function fillRow(
  ctx: MetricsContext,
  ent: EntityMeta,
  day: number,
  sub: number,
  specs: ColSpec[],
  out: number[],
): void {
  const rowHash = hash(ctx.seed, ent.key, day, sub, 0x0a);
  const dayFactor = ent.scale * (0.3 + 1.4 * ((rowHash & 0xffff) / 65536));
  const fx = ent.account.fx;
  const dec0 = ent.account.decimals === 0;
  const covThr = ctx.columnCoverage * 65536;
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i];
    if (s.kind === 'attr') {
      out[i] = attrValue(ent, s.name) === undefined ? NaN : 0;
      continue;
    }
    const h = mix32(rowHash ^ s.salt);
    if ((h & 0xffff) >= covThr) {
      out[i] = NaN;
      continue;
    }
    const u = 0.2 + 1.6 * ((h >>> 16) / 65536);
    switch (s.kind) {
      case 'count':
        out[i] = Math.floor(s.mag * dayFactor * u);
        break;
      case 'micro': {
        const v = Math.round(s.mag * fx * dayFactor * u);
        out[i] = dec0 ? Math.round(v / 1e6) * 1e6 : v;
        break;
      }
      case 'money': {
        const v = Math.round(s.mag * fx * dayFactor * u);
        out[i] = dec0 ? Math.round(v / 1e6) : Math.round(v / 1e4);
        break;
      }
      case 'rate':
        out[i] = Math.round(s.mag * u * (0.5 + dayFactor / 6) * 1e6);
        break;
    }
  }
}

/** Decimals of the raw value of a spec: money → currency decimals, rate → 6, else 0. */
function decimalsOf(s: ColSpec, ent: EntityMeta): number {
  return s.kind === 'money' ? ent.account.decimals : s.kind === 'rate' ? 6 : 0;
}

/** The JSON value of a raw cell (undefined = absent). */
export function cellValue(s: ColSpec, ent: EntityMeta, raw: number): CellValue {
  if (raw !== raw) return undefined;
  if (s.kind === 'attr') return attrValue(ent, s.name);
  const d = decimalsOf(s, ent);
  return d === 0 ? raw : raw / 10 ** d;
}

function attrValue(ent: EntityMeta, name: string): CellValue {
  switch (name) {
    case 'CAMPAIGN_ID':
      return ent.campaignId || undefined; // '' at the ad-account level
    case 'AD_GROUP_ID':
      return ent.adGroupId;
    case 'AD_ID':
    case 'PIN_PROMOTION_ID':
      return ent.adId;
    case 'AD_ACCOUNT_ID':
    case 'ADVERTISER_ID':
      return ent.accountId;
    case 'PIN_ID':
      return ent.pinId;
    default:
      return ent.attrs[name];
  }
}

// ---- targeting ------------------------------------------------------------------------------

export const TARGETING_TYPES: Record<Level, readonly string[]> = {
  ad_account: AD_ACCOUNT_TARGETING_TYPES,
  campaign: CAMPAIGN_TARGETING_TYPES,
  ad_group: AD_GROUP_TARGETING_TYPES,
  ad: AD_TARGETING_TYPES,
};

const ALL_TARGETING = Array.from(
  new Set([...CAMPAIGN_TARGETING_TYPES, ...AD_GROUP_TARGETING_TYPES, ...AD_TARGETING_TYPES]),
);
const TARGETING_INDEX = new Map<string, number>(ALL_TARGETING.map((t, i) => [t, i]));

/** Possible values per targeting type. Numbers are sent as JSON numbers (LOCATION 500, audience ids). */
const TARGETING_POOLS: Record<string, (string | number)[]> = {
  KEYWORD: [
    'christmas decor ideas',
    'déco de noël',
    'インテリア 北欧',
    '🎄 tree ideas',
    'wedding "boho" dress',
    'cocina fácil',
    'backyard patio',
    'back\\slash & co',
  ],
  APPTYPE: ['iphone', 'ipad', 'web', 'web_mobile', 'android_mobile', 'android_tablet'],
  GENDER: ['female', 'male', 'unknown'],
  LOCATION: [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511, 512],
  PLACEMENT: ['SEARCH', 'BROWSE', 'OTHER'],
  COUNTRY: ['US', 'FR', 'DE', 'JP', 'GB', 'BR', 'CA', 'MX'],
  TARGETED_INTEREST: ['Home décor', 'Food and drinks', 'Beauty', 'Women’s fashion', 'DIY and crafts', '旅行'],
  PINNER_INTEREST: ['Gardening', 'Recipes', 'Architecture', 'Fotografía', 'Weddings', 'Art'],
  AUDIENCE_INCLUDE: [2542620905475, 2542620905476, 2542620905481, 2542620905490],
  GEO: ['US:94103', 'US:10001', 'FR:75001', 'DE:10115', 'JP:100-0001'],
  AGE_BUCKET: ['18-24', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'],
  REGION: ['US-CA', 'US-NY', 'US-TX', 'FR-IDF', 'DE-BE'],
  CREATIVE_TYPE: ['REGULAR', 'VIDEO', 'CAROUSEL', 'IDEA'],
  AGE_BUCKET_AND_GENDER: ['18-24_female', '25-34_female', '25-34_male', '35-44_unknown', '65+_male'],
  AUDIENCE_MULTIPLIER: ['ACTALIKE', 'CUSTOMER_LIST', 'ENGAGEMENT', 'VISITOR'],
  QUIZ_RESULT: ['Result A', 'Result B', 'Résultat C'],
  CREATIVE_ENHANCEMENTS: ['BACKGROUND_GENERATION', 'TEXT_OVERLAY', 'NONE'],
};

export function isTargetingType(level: Level, t: string): boolean {
  return TARGETING_TYPES[level].includes(t);
}

export function targetingSub(typeIdx: number, valueIdx: number): number {
  return 1 + typeIdx * 64 + valueIdx;
}

interface TargetingCell {
  type: string;
  typeIdx: number;
  valueIdx: number;
  value: string | number;
}

/** The (type, value) pairs an entity has data for, among the requested types (in request order). */
export function entityTargeting(ctx: MetricsContext, ent: EntityMeta, types: string[]): TargetingCell[] {
  const out: TargetingCell[] = [];
  for (const t of types) {
    const ti = TARGETING_INDEX.get(t);
    if (ti === undefined) continue;
    if (unit(ctx.seed, ent.key, 900 + ti) >= ctx.targetingTypeCoverage) continue;
    const pool = TARGETING_POOLS[t] ?? ['other'];
    const n = Math.min(pool.length, 1 + Math.floor(unit(ctx.seed, ent.key, 950 + ti) * ctx.targetingValuesMax));
    const start = Math.floor(unit(ctx.seed, ent.key, 1000 + ti) * pool.length);
    for (let j = 0; j < n; j++) {
      const vi = (start + j) % pool.length;
      out.push({ type: t, typeIdx: ti, valueIdx: vi, value: pool[vi] });
    }
  }
  return out;
}

export function targetingRowExists(ctx: MetricsContext, ent: EntityMeta, day: number, cell: TargetingCell): boolean {
  return (
    hash(ctx.seed, ent.key, day, targetingSub(cell.typeIdx, cell.valueIdx), 0x7a) <
    ctx.targetingRowCoverage * 4294967296
  );
}

// ---- organic analytics ----------------------------------------------------------------------

export const PIN_METRIC_TYPES: readonly string[] = Array.from(
  new Set([...PIN_STANDARD_METRIC_TYPES, ...PIN_VIDEO_METRIC_TYPES]),
);
const PIN_VIDEO_ONLY = new Set<string>(
  PIN_VIDEO_METRIC_TYPES.filter((m) => !(PIN_STANDARD_METRIC_TYPES as readonly string[]).includes(m)),
);
const PIN_METRIC_MAG: Record<string, number> = {
  IMPRESSION: 300,
  OUTBOUND_CLICK: 6,
  PIN_CLICK: 12,
  SAVE: 4,
  TOTAL_COMMENTS: 0.6,
  TOTAL_REACTIONS: 2.5,
  USER_FOLLOW: 0.5,
  PROFILE_VISIT: 3,
  VIDEO_MRC_VIEW: 120,
  VIDEO_10S_VIEW: 60,
  QUARTILE_95_PERCENT_VIEW: 25,
  VIDEO_V50_WATCH_TIME: 4000,
  VIDEO_START: 150,
};
const LIFETIME_ALL_FORMATS_FROM = parseDay('2023-03-20');

export interface DailyMetrics {
  date: string;
  data_status: string;
  metrics: Record<string, number>;
}

/** The daily_metrics entry of a pin for a day (metrics limited to the requested, applicable types). */
export function pinDay(ctx: MetricsContext, pin: PinMeta, day: number, types: string[], date: string): DailyMetrics {
  if (day < pin.createdDay) return { date, data_status: 'BEFORE_PIN_CREATED', metrics: {} };
  const rowHash = hash(ctx.seed, pin.key, day, 0, 0x91);
  const f = (0.1 + 3 * unit(ctx.seed, pin.key, 40) ** 2) * (0.3 + 1.4 * ((rowHash & 0xffff) / 65536));
  const val = (m: string) =>
    Math.floor((PIN_METRIC_MAG[m] ?? 1) * f * (0.2 + 1.6 * (mix32(rowHash ^ hashName(m)) / 4294967296)));
  const metrics: Record<string, number> = {};
  for (const m of types) {
    if (!pin.video && PIN_VIDEO_ONLY.has(m)) continue;
    if (m === 'SAVE_RATE') {
      const imp = val('IMPRESSION');
      metrics[m] = imp === 0 ? 0 : roundTo(val('SAVE') / imp, 6);
    } else if (m === 'VIDEO_AVG_WATCH_TIME') {
      metrics[m] = roundTo(2 + 8 * (mix32(rowHash ^ hashName(m)) / 4294967296), 3);
    } else metrics[m] = val(m);
  }
  return { date, data_status: day >= ctx.todayDay ? 'PROCESSING' : 'READY', metrics };
}

export function pinLifetime(ctx: MetricsContext, pin: PinMeta): Record<string, number> {
  if (!pin.video && pin.createdDay < LIFETIME_ALL_FORMATS_FROM) return {};
  return {
    TOTAL_COMMENTS: hash(ctx.seed, pin.key, 41) % 200,
    TOTAL_REACTIONS: hash(ctx.seed, pin.key, 42) % 2000,
  };
}

export const USER_METRIC_TYPES: readonly string[] = USER_ACCOUNT_METRIC_TYPES;

export function userDay(
  ctx: MetricsContext,
  userKey: number,
  day: number,
  types: string[],
  date: string,
  /** the share of the account's activity a filter or split group keeps (organic-filters.ts) */
  share = 1,
): DailyMetrics {
  const rowHash = hash(ctx.seed, userKey, day, 0, 0x77);
  const f = (0.6 + 0.8 * ((rowHash & 0xffff) / 65536)) * share;
  const v = (name: string, mag: number) => Math.floor(mag * f * (0.5 + mix32(rowHash ^ hashName(name)) / 4294967296));
  const imp = v('IMPRESSION', 20000);
  const base: Record<string, number> = {
    IMPRESSION: imp,
    ENGAGEMENT: v('ENGAGEMENT', 900),
    OUTBOUND_CLICK: v('OUTBOUND_CLICK', 150),
    PIN_CLICK: v('PIN_CLICK', 400),
    SAVE: v('SAVE', 120),
  };
  const metrics: Record<string, number> = {};
  for (const m of types) {
    if (m.endsWith('_RATE')) {
      const num = base[m.slice(0, -5)] ?? 0;
      metrics[m] = imp === 0 ? 0 : roundTo(num / imp, 6);
    } else if (m in base) metrics[m] = base[m];
  }
  return { date, data_status: day >= ctx.todayDay ? 'PROCESSING' : 'READY', metrics };
}

/** summary_metrics: sums of counts; *_RATE recomputed from the sums; averages averaged. */
export function summarise(days: DailyMetrics[]): Record<string, number> {
  const sums: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (const d of days) {
    for (const [k, v] of Object.entries(d.metrics)) {
      sums[k] = (sums[k] ?? 0) + v;
      counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  const out: Record<string, number> = {};
  for (const k of Object.keys(sums)) {
    if (k.endsWith('_RATE')) {
      const num = sums[k.slice(0, -5)];
      const imp = sums.IMPRESSION;
      out[k] = num !== undefined && imp ? roundTo(num / imp, 6) : roundTo(sums[k] / counts[k], 6);
    } else if (k.includes('AVG')) out[k] = roundTo(sums[k] / counts[k], 3);
    else out[k] = sums[k];
  }
  return out;
}

const nameHashes = new Map<string, number>();
function hashName(s: string): number {
  let h = nameHashes.get(s);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = mix32(h);
    nameHashes.set(s, h);
  }
  return h;
}

/** Appends ',"COL":value' for each present cell of a row filled by fillRow. */
export function writeCells(w: ByteWriter, specs: ColSpec[], raw: number[], ent: EntityMeta): void {
  const dec = ent.account.decimals;
  for (let i = 0; i < specs.length; i++) {
    const v = raw[i];
    if (v !== v) continue;
    const s = specs[i];
    w.bytes(s.keyBytes);
    switch (s.kind) {
      case 'count':
      case 'micro':
        w.int(v);
        break;
      case 'money':
        w.dec(v, dec);
        break;
      case 'rate':
        w.dec(v, 6);
        break;
      default: {
        let cache = ent.attrJson;
        if (!cache) cache = ent.attrJson = new Map();
        let b = cache.get(s.name);
        if (!b) {
          b = Buffer.from(JSON.stringify(attrValue(ent, s.name)));
          cache.set(s.name, b);
        }
        w.bytes(b);
      }
    }
  }
}
