// Expected records and request counts of a full-refresh read, computed from the dataset directly (no
// HTTP), row by row of the endpoint table (endpoints.ts). Record shapes follow docs/contract.md §4.
import { DEFAULT_SCOPES } from './auth';
import { entitiesOf } from './dataset';
import { ENDPOINTS, STREAM_NAMES, type Endpoint, type ListSpec, type TruthKind } from './endpoints';
import { PIN_STANDARD_METRIC_TYPES } from './enums';
import {
  entityDays,
  entityTargeting,
  cellValue,
  fillRow,
  HISTORY_DAYS,
  ID_COLUMN,
  isAnalyticsColumn,
  isTargetingType,
  metricsContext,
  PIN_METRIC_TYPES,
  pinDay,
  planColumns,
  TARGETING_TYPES,
  targetingRowExists,
  targetingSub,
  userDay,
  USER_METRIC_TYPES,
  zoneSub,
} from './metrics';
import { lastReadyDay, readyStateRequests } from './metrics-ready';
import { Query } from './params';
import { listedProductGroups, productGroupColumns } from './product-groups';
import { formatDay, parseDay } from './rng';
import { REPORT_UNSUPPORTED_COLUMNS, ReportApi, reportAcceptsType, reportOnlyTruth } from './reports';
import type {
  Dataset,
  EntityMeta,
  GroundTruth,
  GroundTruthConfig,
  Json,
  Level,
  PinMeta,
  SimulatorOptions,
  StreamName,
} from './types';
import { pinWithMetrics, visibleBoards, visiblePins } from './views';
import { AUDIENCE_INSIGHT_TYPES, TARGETING_LOOKUP_TYPES } from '../src/pinterest/lookups';
import { audienceInsight, audienceInsightRecords, serveTargetingOptions, targetingValueRecords } from './lookups-data';
import { filterShare, organicGroups } from './organic-filters';
import { clientProfile, clientUserKey } from './organic-access';
import { profileOn } from './organic-profile';
import { topPins } from './organic-top-pins';

const PAGE = 250;
const REPORT_LEVEL_OF: Record<Level, string> = {
  ad_account: 'ADVERTISER',
  campaign: 'CAMPAIGN',
  ad_group: 'AD_GROUP',
  ad: 'PIN_PROMOTION',
};
const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));

/** The one stream of the table's row computed by `kind` (at `level`, for analytics). */
function streamOf(kind: TruthKind, level?: Level, targeting = false): StreamName {
  const row = ENDPOINTS.find((e) => e.truth === kind && e.level === level && !!e.targeting === targeting);
  if (!row) throw new Error(`no endpoint row computes ${kind}${level ? ` at level ${level}` : ''}`);
  return row.streams[0];
}

function emptyRecord<T>(make: () => T): Record<StreamName, T> {
  const out = {} as Record<StreamName, T>;
  for (const s of STREAM_NAMES) out[s] = make();
  return out;
}

export function computeGroundTruth(ds: Dataset, opts: SimulatorOptions, cfg: GroundTruthConfig): GroundTruth {
  const ctx = metricsContext(ds);
  const scopes = opts.scopes ?? DEFAULT_SCOPES;
  const todayDay = cfg.today ? parseDay(cfg.today) : ds.todayDay;
  if (Number.isNaN(todayDay)) throw new Error(`groundTruth: bad today '${cfg.today}'`);
  const statuses = new Set(cfg.entityStatuses ?? ['ACTIVE', 'PAUSED', 'ARCHIVED']);
  const windowDays = cfg.windowDays ?? 90;
  if (!(windowDays >= 1)) throw new Error('groundTruth: windowDays must be ≥ 1');
  for (const c of cfg.columns) if (!isAnalyticsColumn(c)) throw new Error(`groundTruth: unknown column ${c}`);
  const pinTypes = Array.from(new Set(cfg.pinMetricTypes ?? [...PIN_STANDARD_METRIC_TYPES]));
  for (const t of pinTypes) if (!PIN_METRIC_TYPES.includes(t)) throw new Error(`groundTruth: unknown pin metric ${t}`);
  const userTypes = Array.from(new Set(cfg.userMetricTypes ?? [...USER_METRIC_TYPES]));

  const zone = zoneSub(cfg.reportingTimezone);
  const earliest = todayDay - 89;
  const sd = cfg.startDate ? parseDay(cfg.startDate) : earliest;
  const ed = cfg.endDate ? parseDay(cfg.endDate) : todayDay;
  if (Number.isNaN(sd) || Number.isNaN(ed)) throw new Error('groundTruth: bad startDate/endDate');
  const start = Math.max(earliest, sd);
  // Ads analytics reach today − 913 through asynchronous reports; organic analytics stay at 90 days.
  const adsStart = Math.max(todayDay - (HISTORY_DAYS - 1), sd);
  const end = Math.min(todayDay, ed);
  const dailyEnd = Math.min(end, todayDay - 1);
  const lastReady = lastReadyDay(todayDay, opts.metricsReady);
  const span = (a: number, b: number) => Math.max(0, b - a + 1);
  const windows = (a: number, b: number) => Math.ceil(span(a, b) / windowDays);

  const accounts = cfg.adAccountIds
    ? cfg.adAccountIds.map((id) => {
        const a = ds.adAccountById.get(id);
        if (!a) throw new Error(`groundTruth: unknown ad account ${id}`);
        return a;
      })
    : ds.adAccounts;

  const records = emptyRecord<Record<string, unknown>[]>(() => []);
  const counts = emptyRecord<number>(() => 0);
  const minRequests = emptyRecord<number>(() => 0);
  const minReports = emptyRecord<number>(() => 0);
  const push = (s: StreamName, r: Record<string, unknown>) => {
    counts[s]++;
    if (!cfg.countsOnly) records[s].push(r);
  };
  const pushItems = (s: StreamName, items: Json[]) => {
    counts[s] += items.length;
    if (!cfg.countsOnly) records[s].push(...items);
  };

  // ---- the plain lists, then the ad accounts, pins and interests ---------------------------
  for (const e of ENDPOINTS)
    if (e.list) listTruth(e, e.list, { ds, ctx, scopes, accounts, statuses }, pushItems, minRequests);
  pushItems(
    streamOf('ad_accounts'),
    accounts.map((a) => a.item),
  );
  const pins = visiblePins(ds, scopes, cfg.includeProtectedPins ?? false);
  const pinsStream = streamOf('pins');
  // pins' records are the same whether the list is read with pin_metrics=true or not.
  pushItems(
    pinsStream,
    pins.map((p) => p.item),
  );
  minRequests[pinsStream] = pages(pins.length);
  pinMetricsTruth(ctx, pins, todayDay, push);
  const interests = opts.interestsGone ? [] : ds.interests;
  const interestsStream = streamOf('interests');
  pushItems(interestsStream, interests);
  minRequests[interestsStream] = pages(interests.length);

  // ---- entities and ads analytics ----------------------------------------------------------
  const entityLists: Record<Level, number> = { ad_account: 0, campaign: 0, ad_group: 0, ad: 0 };
  const levels = [...new Set(ENDPOINTS.filter((e) => e.truth === 'ads_analytics').map((e) => e.level!))];
  for (const level of levels) {
    const listStream = ENDPOINTS.find((e) => e.truth === 'entities' && e.level === level)?.streams[0];
    // the second stream of a level's analytics endpoint reads it by day up to yesterday
    const [anStream, dailyStream] = ENDPOINTS.find(
      (e) => e.truth === 'ads_analytics' && e.level === level && !e.targeting,
    )!.streams;
    const tgStream = streamOf('ads_analytics', level, true);
    const specs = planColumns(cfg.columns, level);
    const raw: number[] = new Array(specs.length);
    const idKey = ID_COLUMN[level].toLowerCase();
    const lowerNames = specs.map((s) => s.name.toLowerCase());
    const types = Array.from(new Set(cfg.targetingTypes?.[level] ?? TARGETING_TYPES[level]));
    for (const t of types)
      if (!isTargetingType(level, t)) throw new Error(`groundTruth: ${t} is not a ${level} targeting type`);
    const typeGroups = Math.ceil(types.length / 14);
    const reportLevel = `${REPORT_LEVEL_OF[level]}_TARGETING`;
    const reportTypes = new Set(types.filter((t) => reportAcceptsType(reportLevel, t)));
    const historyWindows = Math.ceil(span(adsStart, Math.min(end, earliest - 1)) / 186);

    for (const acc of accounts) {
      const ents = entitiesOf(ds, level, acc.id).filter((e) => level === 'ad_account' || statuses.has(e.status));
      if (listStream) {
        pushItems(
          listStream,
          ents.map((e) => e.item),
        );
        minRequests[listStream] += pages(ents.length);
        entityLists[level] += pages(ents.length);
      }
      const batches = Math.ceil(ents.length / PAGE);
      minRequests[anStream] += batches * windows(start, end);
      minRequests[tgStream] += batches * windows(start, end) * typeGroups;
      if (dailyStream) minRequests[dailyStream] += batches * windows(start, dailyEnd);
      if (batches > 0) {
        minReports[anStream] += historyWindows;
        minReports[tgStream] += historyWindows * Math.ceil(reportTypes.size / 5);
        if (dailyStream) minReports[dailyStream] += historyWindows;
      }

      const row = (e: EntityMeta, d: number, sub: number, idValue: string): Record<string, unknown> =>
        analyticsRow({ ctx, specs, raw, lowerNames, earliest, lastReady }, acc, e, d, sub + zone, idKey, idValue);
      for (const e of ents) {
        const days = entityDays(ctx, e, adsStart, end);
        for (const d of days) {
          push(anStream, row(e, d, 0, e.id));
          if (dailyStream && d <= dailyEnd) push(dailyStream, row(e, d, 0, e.id));
        }
        if (types.length) {
          for (const cell of entityTargeting(ctx, e, types)) {
            for (const d of days) {
              if (!targetingRowExists(ctx, e, d, cell)) continue;
              if (d < earliest && !reportTypes.has(cell.type)) continue; // reports do not take this type
              const r = row(e, d, targetingSub(cell.typeIdx, cell.valueIdx), String(e.id));
              r.targeting_type = cell.type;
              r.targeting_value = String(cell.value);
              push(tgStream, r);
            }
          }
        }
      }
    }
  }

  // ---- product group analytics: the ids of the listed promotions (product-groups.ts) --------
  {
    const stream = streamOf('product_group_analytics');
    const specs = productGroupColumns(cfg.columns);
    const raw: number[] = new Array(specs.length);
    const lowerNames = specs.map((s) => s.name.toLowerCase());
    const historyWindows = Math.ceil(span(adsStart, Math.min(end, earliest - 1)) / 186);
    for (const acc of accounts) {
      const ents = listedProductGroups(ds, acc.id, statuses);
      const batches = Math.ceil(ents.length / PAGE);
      minRequests[stream] += batches * windows(start, end);
      if (batches > 0) minReports[stream] += historyWindows;
      for (const e of ents) {
        for (const d of entityDays(ctx, e, adsStart, end))
          push(
            stream,
            analyticsRow(
              { ctx, specs, raw, lowerNames, earliest, lastReady },
              acc,
              e,
              d,
              zone,
              'product_group_id',
              e.id,
            ),
          );
      }
    }
  }

  // ---- organic analytics -------------------------------------------------------------------
  const organicDays: number[] = [];
  for (let d = Math.max(start, ds.dataStartDay); d <= Math.min(end, ds.todayDay); d++) organicDays.push(d);
  const refusedPins: { pinId: string; status: 403 | 404 }[] = [];
  const pinAnalytics = streamOf('pin_analytics');
  const userAnalytics = streamOf('user_analytics');
  let perPin = 0;
  for (const p of pins) {
    if (!p.owned) continue;
    if (p.refuse) {
      refusedPins.push({ pinId: p.id, status: p.refuse });
      perPin += windows(start, end) > 0 ? 1 : 0;
      continue;
    }
    perPin += windows(start, end);
    for (const d of organicDays) {
      const dm = pinDay(ctx, p, d, pinTypes, formatDay(d));
      const r: Record<string, unknown> = { pin_id: p.id, date: dm.date, data_status: dm.data_status };
      for (const [k, v] of Object.entries(dm.metrics)) r[k.toLowerCase()] = v;
      push(pinAnalytics, r);
    }
  }
  minRequests[pinAnalytics] = pinAnalyticsRequests(opts, pins, windows(start, end), perPin);
  minRequests[userAnalytics] = windows(start, end);
  const split = cfg.splitField === 'NO_SPLIT' ? undefined : cfg.splitField;
  // With organic_ad_account_id of a shared account, the organic user is that account's owner (a client).
  const client = cfg.organicAdAccountId ? ds.adAccountById.get(cfg.organicAdAccountId) : undefined;
  const organicClient = client?.shared ? client : undefined;
  const organicUser = organicClient ? clientProfile(ds, organicClient, todayDay) : ds.user;
  const organicKey = organicClient ? clientUserKey(ds, organicClient) : ds.userKey;
  for (const g of organicGroups({ filters: cfg.organicFilters ?? {}, split })) {
    for (const d of organicDays) {
      const dm = userDay(ctx, organicKey, d, userTypes, formatDay(d), g.share);
      const r: Record<string, unknown> = { user_id: organicUser.id, date: dm.date, data_status: dm.data_status };
      if (split) Object.assign(r, { split_field: split, split_value: g.key });
      for (const [k, v] of Object.entries(dm.metrics)) r[k.toLowerCase()] = v;
      push(userAnalytics, r);
    }
  }

  lookupsTruth(ds, accounts, pushItems, minRequests);
  // ---- report-only ads analytics (keyword, product group targeting, product item) ---------
  if (ENDPOINTS.some((e) => e.truth === 'reports')) {
    const api = new ReportApi(ds, ctx, opts.reports ?? {}, opts.seed ?? 1);
    const byStream = reportOnlyTruth(api, {
      today: todayDay,
      start: sd,
      end,
      columns: cfg.columns,
      adAccountIds: accounts.map((a) => a.id),
      reportingTimezone: cfg.reportingTimezone,
    });
    for (const [s, t] of Object.entries(byStream)) {
      pushItems(s, t.records as Json[]);
      minReports[s] += t.reports;
    }
  }
  // ---- organic: top pins and the profile snapshot ------------------------------------------
  organicTruth({ ds, ctx, cfg, todayDay, start, end, scopes }, push, minRequests);

  const sharedOk = ds.adAccounts.length;
  return {
    records,
    counts,
    minRequests,
    minReports,
    setupRequests: {
      token: 1,
      userAccount: 1,
      adAccountsList: cfg.adAccountIds ? 0 : pages(sharedOk),
      adAccountGets: cfg.adAccountIds ? cfg.adAccountIds.length : 0,
      entityLists: { campaign: entityLists.campaign, ad_group: entityLists.ad_group, ad: entityLists.ad },
      pinsList: pages(pins.length),
      metricsReady: readyStateRequests(end, todayDay, opts.metricsReady),
    },
    dateRange: {
      start: formatDay(start),
      end: formatDay(end),
      dailyEnd: formatDay(dailyEnd),
      days: span(start, end),
      dailyDays: span(start, dailyEnd),
    },
    adAccountIds: accounts.map((a) => a.id),
    refusedPins,
    lastReadyDay: formatDay(lastReady),
  };
}

/**
 * pin_analytics' fewest requests: ≤ 100 owned pins per GET /pins/analytics, the refused pins (left out of
 * the first window's answers) not asked again; without the beta, one refused batched request and then one
 * request per pin per window (a refused pin once).
 */
function pinAnalyticsRequests(opts: SimulatorOptions, pins: PinMeta[], windows: number, perPin: number): number {
  if (windows === 0) return 0;
  if (opts.pinAnalyticsBeta === false) return 1 + perPin;
  const owned = pins.filter((p) => p.owned);
  const served = owned.filter((p) => !p.refuse);
  let first = Math.ceil(owned.length / 100);
  // A refused batch is read again per pin, which tells the refused pins apart.
  if (opts.pinAnalyticsRefusal === 'refuse-batch')
    for (let i = 0; i < owned.length; i += 100) {
      const batch = owned.slice(i, i + 100);
      if (batch.some((p) => p.refuse)) first += batch.length;
    }
  return first + (windows - 1) * Math.ceil(served.length / 100);
}

/** top_pins and top_video_pins (one request per sort metric over the period) and the user_account snapshot (set-up). */
function organicTruth(
  t: {
    ds: Dataset;
    ctx: ReturnType<typeof metricsContext>;
    cfg: GroundTruthConfig;
    todayDay: number;
    start: number;
    end: number;
    scopes: string[];
  },
  push: (s: StreamName, r: Record<string, unknown>) => void,
  minRequests: Record<StreamName, number>,
): void {
  const { ds, ctx, cfg, todayDay, start, end } = t;
  const share = filterShare(cfg.organicFilters ?? {});
  for (const video of [false, true]) {
    const stream = ENDPOINTS.find(
      (e) => e.truth === 'top_pins' && e.path.endsWith(video ? '/top_video_pins' : '/top_pins'),
    )!.streams[0];
    if (start > end) continue;
    const sorts = [...new Set((video ? cfg.topVideoPinsSortBy : cfg.topPinsSortBy) ?? ['IMPRESSION'])];
    for (const sortBy of sorts) {
      minRequests[stream]++;
      for (const pin of topPins(ds, ctx, { video, d0: start, d1: end, sortBy, numOfPins: 50, share }, todayDay)) {
        const r: Record<string, unknown> = {
          pin_id: pin.pin_id,
          sort_by: sortBy,
          start_date: formatDay(start),
          end_date: formatDay(end),
          data_status: pin.data_status,
        };
        for (const [k, v] of Object.entries(pin.metrics as Record<string, number>)) r[k.toLowerCase()] = v;
        push(stream, r);
      }
    }
  }
  const client = cfg.organicAdAccountId ? ds.adAccountById.get(cfg.organicAdAccountId) : undefined;
  const profile = client?.shared ? clientProfile(ds, client, todayDay) : profileOn(ds, todayDay);
  push(streamOf('profile'), { ...profile, snapshot_date: formatDay(todayDay) });
  if (t.scopes.includes('boards:read'))
    for (const b of visibleBoards(ds, t.scopes)) push(streamOf('board_snapshots'), boardSnapshot(b, todayDay));
}

/**
 * pin_metrics: one record per listed pin that has metrics (the owned ones) for the day, `90d` keys as
 * `last_90d_<metric>` and `lifetime_metrics` keys as `lifetime_<metric>`. No request of its own: the pins list.
 */
function pinMetricsTruth(
  ctx: ReturnType<typeof metricsContext>,
  pins: PinMeta[],
  todayDay: number,
  push: (s: StreamName, r: Record<string, unknown>) => void,
): void {
  const stream = streamOf('pin_metrics');
  // The lists answer from the dataset's day (the simulator's clock moves the snapshot day only).
  for (const p of pins) {
    const m = pinWithMetrics(ctx, p).pin_metrics as Record<string, Record<string, number>> | null;
    if (!m) continue;
    const r: Record<string, unknown> = { pin_id: String(p.item.id), snapshot_date: formatDay(todayDay) };
    for (const [k, v] of Object.entries(m['90d'] ?? {})) r[`last_90d_${k}`] = v;
    for (const [k, v] of Object.entries(m.lifetime_metrics ?? {})) r[`lifetime_${k}`] = v;
    push(stream, r);
  }
}

/** A board's snapshot record: its id, the day, and the fields that change over time. */
function boardSnapshot(b: Json, day: number): Record<string, unknown> {
  const out: Record<string, unknown> = { board_id: String(b.id), snapshot_date: formatDay(day) };
  for (const f of ['name', 'privacy', 'pin_count', 'follower_count', 'collaborator_count', 'board_pins_modified_at'])
    if (b[f] !== undefined) out[f] = b[f];
  return out;
}

/**
 * One ads-analytics record as the connector emits it: the entity's metrics of day `d` (salt `sub`), the columns
 * reports do not carry left out of days older than `earliest`, the account's id and currency, `data_ready`.
 */
function analyticsRow(
  t: {
    ctx: ReturnType<typeof metricsContext>;
    specs: ReturnType<typeof planColumns>;
    raw: number[];
    lowerNames: string[];
    earliest: number;
    lastReady: number;
  },
  acc: { id: string; currency: string },
  e: EntityMeta,
  d: number,
  sub: number,
  idKey: string,
  idValue: string,
): Record<string, unknown> {
  fillRow(t.ctx, e, d, sub, t.specs, t.raw);
  const r: Record<string, unknown> = { [idKey]: idValue, date: formatDay(d) };
  for (let i = 0; i < t.specs.length; i++) {
    if (d < t.earliest && REPORT_UNSUPPORTED_COLUMNS.has(t.specs[i].name)) continue;
    const v = cellValue(t.specs[i], e, t.raw[i]);
    if (v !== undefined) r[t.lowerNames[i]] = v;
  }
  r.ad_account_id = acc.id;
  r.currency = acc.currency;
  r.data_ready = d <= t.lastReady;
  return r;
}

interface ListTruthInput {
  ds: Dataset;
  ctx: ReturnType<typeof metricsContext>;
  scopes: string[];
  accounts: Dataset['adAccounts'];
  statuses: ReadonlySet<string>;
}

/** The parents a partitioned list is read for, in the order the connector reads them. */
function partitions(spec: ListSpec, t: ListTruthInput): string[] {
  if (spec.parent === undefined) return [''];
  if (spec.parent === 'ad_account') return t.accounts.map((a) => a.id);
  const boards = visibleBoards(t.ds, t.scopes).map((b) => String(b.id));
  if (spec.parent === 'board') return boards;
  return boards.flatMap((b) => (t.ds.accountLists.sections.get(b) ?? []).map((s) => String(s.id)));
}

/** A list row's records (the parent id carried into items that lack it) and its fewest requests. */
function listTruth(
  e: Endpoint,
  spec: ListSpec,
  t: ListTruthInput,
  pushItems: (s: StreamName, items: Json[]) => void,
  minRequests: Record<StreamName, number>,
): void {
  const stream = e.streams[0];
  const parents = partitions(spec, t);
  // Without a scope the row needs, the stream fails on its first request.
  if (!e.scopes.every((s) => t.scopes.includes(s))) {
    minRequests[stream] += parents.length > 0 ? 1 : 0;
    return;
  }
  const carried = (items: Json[], value: string) =>
    spec.carries
      ? items.map((it) =>
          it[spec.carries!] === undefined || it[spec.carries!] === null ? { ...it, [spec.carries!]: value } : it,
        )
      : items;
  for (const parentId of parents) {
    for (const params of spec.readQueries?.(t.ds, parentId, t.statuses) ?? [new URLSearchParams()]) {
      const items = spec.items({ ds: t.ds, ctx: t.ctx, parentId, q: new Query(params), scopes: t.scopes });
      pushItems(stream, carried(items, parentId));
      minRequests[stream] += spec.paged === false ? 1 : pages(items.length);
    }
  }
}

/** The lookups: one request per ad account × audience type, and one per targeting type with code values. */
function lookupsTruth(
  ds: Dataset,
  accounts: Dataset['adAccounts'],
  pushItems: (s: StreamName, items: Json[]) => void,
  minRequests: Record<StreamName, number>,
): void {
  const insights = streamOf('audience_insights');
  for (const acc of accounts)
    for (const type of AUDIENCE_INSIGHT_TYPES) {
      pushItems(insights, audienceInsightRecords(acc.id, type, audienceInsight(ds, acc, type)));
      minRequests[insights]++;
    }
  const values = streamOf('targeting_values');
  for (const type of TARGETING_LOOKUP_TYPES) {
    pushItems(values, targetingValueRecords(type, serveTargetingOptions(ds, type, new Query(new URLSearchParams()))));
    minRequests[values]++;
  }
}
