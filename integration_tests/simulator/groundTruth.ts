// Expected records and request counts of a full-refresh read, computed from the dataset
// directly (no HTTP). Record shapes follow docs/contract.md §4.
import { entitiesOf, type Dataset, type EntityMeta, type Json } from './dataset';
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
} from './metrics';
import { formatDay, parseDay } from './rng';
import { REPORT_UNSUPPORTED_COLUMNS, reportAcceptsType } from './reports';
import { DEFAULT_SCOPES } from './server';
import { pinWithMetrics, visibleBoards, visiblePins } from './views';
import { STREAM_NAMES, type GroundTruth, type GroundTruthConfig, type Level, type SimulatorOptions, type StreamName } from './types';

const PAGE = 250;
const REPORT_LEVEL_OF: Record<Level, string> = { ad_account: 'ADVERTISER', campaign: 'CAMPAIGN', ad_group: 'AD_GROUP', ad: 'PIN_PROMOTION' };
const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));

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

  const earliest = todayDay - 89;
  const sd = cfg.startDate ? parseDay(cfg.startDate) : earliest;
  const ed = cfg.endDate ? parseDay(cfg.endDate) : todayDay;
  if (Number.isNaN(sd) || Number.isNaN(ed)) throw new Error('groundTruth: bad startDate/endDate');
  const start = Math.max(earliest, sd);
  // Ads analytics reach today − 913 through asynchronous reports; organic analytics stay at 90 days.
  const adsStart = Math.max(todayDay - (HISTORY_DAYS - 1), sd);
  const end = Math.min(todayDay, ed);
  const dailyEnd = Math.min(end, todayDay - 1);
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

  // ---- organic lists -----------------------------------------------------------------------
  const boards = visibleBoards(ds, scopes);
  pushItems('boards', boards);
  minRequests.boards = pages(boards.length);
  const pins = visiblePins(ds, scopes, cfg.includeProtectedPins ?? false);
  pushItems('pins', pins.map((p) => (cfg.pinMetrics ? pinWithMetrics(ctx, p) : p.item)));
  minRequests.pins = pages(pins.length);
  pushItems('followers', ds.followers);
  minRequests.followers = pages(ds.followers.length);
  const interests = opts.interestsGone ? [] : ds.interests;
  pushItems('user_interests', interests);
  minRequests.user_interests = pages(interests.length);

  // ---- entities and ads analytics ----------------------------------------------------------
  const levels: [Level, StreamName | undefined, StreamName, StreamName][] = [
    ['ad_account', undefined, 'ad_account_analytics', 'ad_account_targeting_analytics'],
    ['campaign', 'campaigns', 'campaign_analytics', 'campaign_targeting_analytics'],
    ['ad_group', 'ad_groups', 'ad_group_analytics', 'ad_group_targeting_analytics'],
    ['ad', 'ads', 'ad_analytics', 'ad_targeting_analytics'],
  ];
  const entityLists: Record<Level, number> = { ad_account: 0, campaign: 0, ad_group: 0, ad: 0 };
  for (const [level, listStream, anStream, tgStream] of levels) {
    const specs = planColumns(cfg.columns, level);
    const raw: number[] = new Array(specs.length);
    const idKey = ID_COLUMN[level].toLowerCase();
    const lowerNames = specs.map((s) => s.name.toLowerCase());
    const types = Array.from(new Set(cfg.targetingTypes?.[level] ?? TARGETING_TYPES[level]));
    for (const t of types) if (!isTargetingType(level, t)) throw new Error(`groundTruth: ${t} is not a ${level} targeting type`);
    const typeGroups = Math.ceil(types.length / 14);
    const reportLevel = `${REPORT_LEVEL_OF[level]}_TARGETING`;
    const reportTypes = new Set(types.filter((t) => reportAcceptsType(reportLevel, t)));
    const historyWindows = Math.ceil(span(adsStart, Math.min(end, earliest - 1)) / 186);

    for (const acc of accounts) {
      const ents = entitiesOf(ds, level, acc.id).filter((e) => level === 'ad_account' || statuses.has(e.status));
      if (listStream) {
        pushItems(listStream, ents.map((e) => e.item));
        minRequests[listStream] += pages(ents.length);
        entityLists[level] += pages(ents.length);
      }
      const batches = Math.ceil(ents.length / PAGE);
      minRequests[anStream] += batches * windows(start, end);
      minRequests[tgStream] += batches * windows(start, end) * typeGroups;
      if (level === 'ad') minRequests.ad_analytics_daily += batches * windows(start, dailyEnd);
      if (batches > 0) {
        minReports[anStream] += historyWindows;
        minReports[tgStream] += historyWindows * Math.ceil(reportTypes.size / 5);
        if (level === 'ad') minReports.ad_analytics_daily += historyWindows;
      }

      const row = (e: EntityMeta, d: number, sub: number, idValue: string): Record<string, unknown> => {
        fillRow(ctx, e, d, sub, specs, raw);
        const r: Record<string, unknown> = { [idKey]: idValue, date: formatDay(d) };
        for (let i = 0; i < specs.length; i++) {
          if (d < earliest && REPORT_UNSUPPORTED_COLUMNS.has(specs[i].name)) continue;
          const v = cellValue(specs[i], e, raw[i]);
          if (v !== undefined) r[lowerNames[i]] = v;
        }
        r.ad_account_id = acc.id;
        r.currency = acc.currency;
        return r;
      };
      for (const e of ents) {
        const days = entityDays(ctx, e, adsStart, end);
        for (const d of days) {
          push(anStream, row(e, d, 0, e.id));
          if (level === 'ad' && d <= dailyEnd) push('ad_analytics_daily', row(e, d, 0, e.id));
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

  // ---- organic analytics -------------------------------------------------------------------
  const organicDays: number[] = [];
  for (let d = Math.max(start, ds.dataStartDay); d <= Math.min(end, ds.todayDay); d++) organicDays.push(d);
  const refusedPins: { pinId: string; status: 403 | 404 }[] = [];
  for (const p of pins) {
    if (!p.owned) continue;
    if (p.refuse) {
      refusedPins.push({ pinId: p.id, status: p.refuse });
      minRequests.pin_analytics += windows(start, end) > 0 ? 1 : 0;
      continue;
    }
    minRequests.pin_analytics += windows(start, end);
    for (const d of organicDays) {
      const dm = pinDay(ctx, p, d, pinTypes, formatDay(d));
      const r: Record<string, unknown> = { pin_id: p.id, date: dm.date, data_status: dm.data_status };
      for (const [k, v] of Object.entries(dm.metrics)) r[k.toLowerCase()] = v;
      push('pin_analytics', r);
    }
  }
  minRequests.user_account_analytics = windows(start, end);
  for (const d of organicDays) {
    const dm = userDay(ctx, ds.userKey, d, userTypes, formatDay(d));
    const r: Record<string, unknown> = { user_id: ds.user.id, date: dm.date, data_status: dm.data_status };
    for (const [k, v] of Object.entries(dm.metrics)) r[k.toLowerCase()] = v;
    push('user_account_analytics', r);
  }

  moreLists(ds, scopes, accounts, statuses, pushItems, minRequests);

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
  };
}

/** The lists of extras.ts: ad accounts, their audiences, customer lists, conversion tags and keywords, board sections and pins, catalogs. */
function moreLists(
  ds: Dataset,
  scopes: string[],
  accounts: Dataset['adAccounts'],
  statuses: Set<string>,
  pushItems: (s: StreamName, items: Json[]) => void,
  minRequests: Record<StreamName, number>,
): void {
  const ex = ds.extras;
  // The ad-account list is set-up (fetched once for every stream): the stream itself costs no request.
  pushItems('ad_accounts', accounts.map((a) => a.item));
  const carried = (items: Json[], field: string, value: string) => items.map((it) => (it[field] === undefined || it[field] === null ? { ...it, [field]: value } : it));
  for (const acc of accounts) {
    for (const [stream, items] of [['audiences', ex.audiences.get(acc.id) ?? []], ['customer_lists', ex.customerLists.get(acc.id) ?? []]] as const) {
      pushItems(stream, carried(items, 'ad_account_id', acc.id));
      minRequests[stream] += pages(items.length);
    }
    pushItems('conversion_tags', carried(ex.conversionTags.get(acc.id) ?? [], 'ad_account_id', acc.id));
    minRequests.conversion_tags += 1; // not paged
    // Keywords: the account's own (no filter), then per batch of ≤ 250 listed ad group ids.
    const own = ex.accountKeywords.get(acc.id) ?? [];
    pushItems('keywords', carried(own, 'ad_account_id', acc.id));
    minRequests.keywords += pages(own.length);
    const groups = entitiesOf(ds, 'ad_group', acc.id).filter((g) => statuses.has(g.status));
    for (let i = 0; i < groups.length; i += PAGE) {
      const batch = groups.slice(i, i + PAGE).flatMap((g) => ex.adGroupKeywords.get(g.id) ?? []);
      pushItems('keywords', carried(batch, 'ad_account_id', acc.id));
      minRequests.keywords += pages(batch.length);
    }
  }
  const visible = new Set(visiblePins(ds, scopes, true));
  for (const board of visibleBoards(ds, scopes)) {
    const boardId = String(board.id);
    const sections = ex.sections.get(boardId) ?? [];
    pushItems('board_sections', carried(sections, 'board_id', boardId));
    minRequests.board_sections += pages(sections.length);
    const pins = ds.pins.filter((p) => visible.has(p) && p.item.board_id === boardId).map((p) => p.item);
    pushItems('board_pins', carried(pins, 'board_id', boardId));
    minRequests.board_pins += pages(pins.length);
    for (const s of sections) {
      const sectionPins = (ex.sectionPins.get(String(s.id)) ?? []).map((p) => p.item);
      pushItems('board_section_pins', carried(sectionPins, 'board_section_id', String(s.id)));
      minRequests.board_section_pins += pages(sectionPins.length);
    }
  }
  // Without catalogs:read the catalog streams fail on their first request.
  const catalogsOk = scopes.includes('catalogs:read');
  for (const [stream, items] of [['catalogs', ex.catalogs], ['catalogs_feeds', ex.feeds], ['catalogs_product_groups', ex.productGroups]] as const) {
    if (catalogsOk) pushItems(stream, items);
    minRequests[stream] += catalogsOk ? pages(items.length) : 1;
  }
}
