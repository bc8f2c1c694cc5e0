// The synchronous analytics endpoints (ads, targeting, Pin and user-account analytics): their
// parameter checks and their JSON writers. Values come from metrics.ts.
import { ApiError, bad, json, MESSAGES, type Answer } from './answers';
import { entitiesOf } from './dataset';
import type { Dataset, EntityMeta, Json, PinMeta } from './types';
import {
  entityDays,
  entityTargeting,
  cellValue,
  fillRow,
  ID_COLUMN,
  isAnalyticsColumn,
  isTargetingType,
  PIN_METRIC_TYPES,
  pinDay,
  pinLifetime,
  planColumns,
  summarise,
  targetingRowExists,
  targetingSub,
  userDay,
  USER_METRIC_TYPES,
  writeCells,
  zoneSub,
  type ColSpec,
  type DailyMetrics,
  type MetricsContext,
} from './metrics';
import { ByteWriter, utf8 } from './bytes';
import { adAccountOf, boolParam, enumParam, idList, type Query } from './params';
import {
  refuseAttribution,
  refuseReportingTimezone,
  refuseTargetingTypes,
  settleDays,
  type SimClock,
  unsettle,
} from './api-quirks';
import { formatDay, parseDay } from './rng';
import { clientUserKey, organicOwner } from './organic-access';
import { filterShare, filtersOf, organicGroups } from './organic-filters';
import { topPins, topPinsParams } from './organic-top-pins';
import type { Level, SimulatorOptions } from './types';
import { productGroupColumns, productGroupEntities } from './product-groups';

const TARGETING_ATTRIBUTION_TYPES = ['INDIVIDUAL', 'HOUSEHOLD'];
const WINDOW_DAYS = [0, 1, 7, 14, 30, 60];
const GRANULARITIES = ['TOTAL', 'DAY', 'HOUR', 'WEEK', 'MONTH'];

/** The dates, columns and granularity every ads-analytics endpoint requires, checked as the API reports them. */
function requiredAnalyticsParams(q: Query): { columns: string[]; gran: string } {
  if (!q.has('start_date')) throw bad('Missing required parameter: start_date');
  if (!q.has('end_date')) throw bad('Missing required parameter: end_date');
  const columns = q.list('columns');
  if (!columns || columns.length === 0) throw bad('Missing required parameter: columns');
  const gran = q.one('granularity');
  if (gran === undefined) throw bad('Missing required parameter: granularity');
  if (!GRANULARITIES.includes(gran))
    throw bad(`Invalid parameter granularity: '${gran}' is not one of ${GRANULARITIES.join(', ')}`);
  for (const c of columns)
    if (!isAnalyticsColumn(c)) throw bad(`Invalid parameter columns: '${c}' is not a valid column`);
  return { columns, gran };
}

export class AnalyticsEndpoints {
  constructor(
    private readonly ds: Dataset,
    private readonly ctx: MetricsContext,
    private readonly opts: SimulatorOptions,
    private readonly clock: SimClock,
  ) {}

  /** Validates start_date / end_date against the simulator's today; returns [d0, d1]. */
  private dates(q: Query, hourly = false): [number, number] {
    const s = q.one('start_date');
    const e = q.one('end_date');
    if (s === undefined) throw bad('Missing required parameter: start_date');
    if (e === undefined) throw bad('Missing required parameter: end_date');
    const d0 = parseDay(s);
    const d1 = parseDay(e);
    if (Number.isNaN(d0)) throw bad(`Invalid parameter start_date: '${s}' is not a date (YYYY-MM-DD)`);
    if (Number.isNaN(d1)) throw bad(`Invalid parameter end_date: '${e}' is not a date (YYYY-MM-DD)`);
    const today = this.clock.day;
    if (hourly) {
      if (d0 < today - 8) throw bad('You can only get hourly data from the last 8 days');
      if (d1 - d0 > 3) throw bad('The time range of an hourly request cannot be more than 3 days');
    }
    if (d0 < today - 89) throw bad(MESSAGES.last90Days);
    if (d1 < d0) throw bad('end_date must be on or after start_date');
    if (d1 - d0 > 90) throw bad('end_date cannot be more than 90 days past start_date');
    return [d0, d1];
  }

  adsAnalytics(level: Level, accountId: string, q: Query, targeting: boolean): Answer {
    const acc = adAccountOf(this.ds, accountId);
    // required parameters first, as the API reports them
    const { columns, gran } = requiredAnalyticsParams(q);
    let ids: string[];
    if (level === 'ad_account') ids = [acc.id];
    else if (level === 'campaign') ids = idList(q, 'campaign_ids', true, 250, 18)!;
    else if (level === 'ad_group') ids = idList(q, 'ad_group_ids', true)!;
    else if (targeting) ids = idList(q, 'ad_ids', true)!;
    else {
      const adIds = idList(q, 'ad_ids', false);
      const campaignIds = idList(q, 'campaign_ids', false, 250, 18);
      const pinIds = idList(q, 'pin_ids', false, 100);
      if (adIds) ids = adIds;
      else if (campaignIds && pinIds) {
        const cs = new Set(campaignIds);
        const ps = new Set(pinIds);
        ids = entitiesOf(this.ds, 'ad', acc.id)
          .filter((e) => cs.has(e.campaignId) && ps.has(e.pinId!))
          .map((e) => e.id);
      } else throw bad('Request must contain either ad_ids or both campaign_ids and pin_ids');
    }
    let types: string[] = [];
    if (targeting) {
      const t = q.list('targeting_types');
      if (!t || t.length === 0) throw bad('Missing required parameter: targeting_types');
      if (t.length > 14) throw bad(`Invalid parameter targeting_types: at most 14 items are allowed, got ${t.length}`);
      for (const x of t)
        if (!isTargetingType(level, x))
          throw bad(`Invalid parameter targeting_types: '${x}' is not a valid ${level} targeting type`);
      types = Array.from(new Set(t));
      refuseTargetingTypes(this.opts, types, acc.id);
      const at = q.list('attribution_types');
      if (at) {
        if (at.length > 2) throw bad('Invalid parameter attribution_types: at most 2 items are allowed');
        for (const x of at)
          if (!TARGETING_ATTRIBUTION_TYPES.includes(x)) throw bad(`Invalid parameter attribution_types: '${x}'`);
      }
    }
    const settle = this.attribution(q);
    const aggregate =
      !targeting && (level === 'campaign' || level === 'ad_group')
        ? (boolParam(q, 'aggregate_report_rows') ?? false)
        : false;
    const [d0, d1] = this.dates(q, gran === 'HOUR');
    const zone = zoneSub(q.one('reporting_timezone'));
    if (gran === 'HOUR') throw bad('granularity HOUR is not supported by this simulator');

    const specs = planColumns(columns, level);
    const idKey = ID_COLUMN[level];
    const seen = new Set<string>();
    const ents: EntityMeta[] = [];
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const e = level === 'ad_account' ? this.ds.accountLists.accountEntity.get(id) : this.ds.entityById.get(id);
      if (e && e.level === level && e.accountId === acc.id) ents.push(e);
    }
    if (targeting) return { status: 200, body: this.targetingJson(level, ents, types, specs, d0, d1, zone) };
    if (gran === 'DAY' && !aggregate)
      return { status: 200, body: this.dailyJson(idKey, ents, specs, d0, d1, zone, settle) };
    return json(200, this.aggregated(idKey, ents, specs, d0, d1, gran, aggregate, zone));
  }

  /**
   * GET /ad_accounts/{id}/product_groups/analytics: ≤ 250 product group (promotion) ids, the rows of
   * product-groups.ts as the PRODUCT_GROUP reports give them.
   */
  productGroupAnalytics(accountId: string, q: Query): Answer {
    const acc = adAccountOf(this.ds, accountId);
    const { columns, gran } = requiredAnalyticsParams(q);
    const ids = idList(q, 'product_group_ids', true)!;
    const settle = this.attribution(q);
    const [d0, d1] = this.dates(q, gran === 'HOUR');
    const zone = zoneSub(q.one('reporting_timezone'));
    if (gran === 'HOUR') throw bad('granularity HOUR is not supported by this simulator');
    const byId = new Map(productGroupEntities(this.ds, acc.id).map((e) => [e.id, e]));
    const ents = [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
    const specs = productGroupColumns(columns);
    if (gran === 'DAY')
      return { status: 200, body: this.dailyJson('PRODUCT_GROUP_ID', ents, specs, d0, d1, zone, settle) };
    return json(200, this.aggregated('PRODUCT_GROUP_ID', ents, specs, d0, d1, gran, false, zone));
  }

  /** Attribution windows, report time and time zone, as every ads-analytics endpoint validates them. */
  private attribution(q: Query): number | undefined {
    const [click, engagement, view] = ['click_window_days', 'engagement_window_days', 'view_window_days'].map((w) =>
      enumParam(q, w, WINDOW_DAYS),
    );
    enumParam(q, 'conversion_report_time', ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION']);
    refuseReportingTimezone(
      this.opts,
      enumParam(q, 'reporting_timezone', ['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE']),
    );
    refuseAttribution(this.opts, click, engagement, view);
    return settleDays(this.opts, click, engagement, view);
  }

  private dailyJson(
    idKey: string,
    ents: EntityMeta[],
    specs: ColSpec[],
    d0: number,
    d1: number,
    zone: number,
    settle?: number,
  ): Buffer[] {
    const w = new ByteWriter();
    const raw: number[] = new Array(specs.length);
    const dateKey = utf8(',"DATE":"');
    const close = utf8('"');
    let first = true;
    w.byte(0x5b); // [
    for (const e of ents) {
      const head = Buffer.from(`{"${idKey}":${JSON.stringify(e.id)}`);
      for (const d of entityDays(this.ctx, e, d0, d1)) {
        if (!first) w.byte(0x2c);
        first = false;
        fillRow(this.ctx, e, d, zone, specs, raw);
        if (settle !== undefined) unsettle(specs, raw, this.clock.day - d, settle, e.account.decimals === 0);
        w.bytes(head);
        w.bytes(dateKey);
        w.bytes(utf8(formatDay(d)));
        w.bytes(close);
        writeCells(w, specs, raw, e);
        w.byte(0x7d); // }
      }
    }
    w.byte(0x5d); // ]
    return w.chunks();
  }

  private targetingJson(
    level: Level,
    ents: EntityMeta[],
    types: string[],
    specs: ColSpec[],
    d0: number,
    d1: number,
    zone: number,
  ): Buffer[] {
    const idKey = ID_COLUMN[level];
    const asNumber = this.opts.targetingIdsAsNumbers !== false;
    const w = new ByteWriter();
    const raw: number[] = new Array(specs.length);
    const close = utf8('"');
    const end = utf8('}}');
    let first = true;
    w.bytes(utf8('{"data":['));
    for (const e of ents) {
      const cells = entityTargeting(this.ctx, e, types);
      if (!cells.length) continue;
      const idJson = asNumber ? e.id : JSON.stringify(e.id);
      const days = entityDays(this.ctx, e, d0, d1);
      for (const cell of cells) {
        const head = Buffer.from(
          `{"targeting_type":${JSON.stringify(cell.type)},"targeting_value":${JSON.stringify(cell.value)},"metrics":{"${idKey}":${idJson},"DATE":"`,
        );
        const sub = targetingSub(cell.typeIdx, cell.valueIdx);
        for (const d of days) {
          if (!targetingRowExists(this.ctx, e, d, cell)) continue;
          if (!first) w.byte(0x2c);
          first = false;
          fillRow(this.ctx, e, d, sub + zone, specs, raw);
          w.bytes(head);
          w.bytes(utf8(formatDay(d)));
          w.bytes(close);
          writeCells(w, specs, raw, e);
          w.bytes(end);
        }
      }
    }
    w.bytes(utf8(']}'));
    return w.chunks();
  }

  /** TOTAL / WEEK / MONTH (and DAY with aggregate_report_rows): sums of the daily values. */
  private aggregated(
    idKey: string,
    ents: EntityMeta[],
    specs: ColSpec[],
    d0: number,
    d1: number,
    gran: string,
    aggregate: boolean,
    zone: number,
  ): Json[] {
    const bucketOf = (d: number): string | undefined => {
      if (gran === 'TOTAL') return undefined;
      if (gran === 'DAY') return formatDay(d);
      if (gran === 'WEEK') return formatDay(d - ((new Date(d * 86_400_000).getUTCDay() + 6) % 7));
      return formatDay(d).slice(0, 8) + '01';
    };
    const rows = new Map<string, Json>();
    const raw: number[] = new Array(specs.length);
    for (const e of ents) {
      for (const d of entityDays(this.ctx, e, d0, d1)) {
        fillRow(this.ctx, e, d, zone, specs, raw);
        const vals = specs.map((s, i) => cellValue(s, e, raw[i]));
        const b = bucketOf(d);
        const key = (aggregate ? '' : e.id) + '|' + (b ?? '');
        let row = rows.get(key);
        if (!row) {
          row = aggregate ? {} : { [idKey]: e.id };
          if (b !== undefined) row.DATE = b;
          rows.set(key, row);
        }
        specs.forEach((s, i) => {
          const v = vals[i];
          if (v === undefined) return;
          if (typeof v === 'number' && s.kind !== 'attr')
            row![s.name] = Math.round((((row![s.name] as number) ?? 0) + v) * 1e6) / 1e6;
          else row![s.name] = v;
        });
      }
    }
    return [...rows.values()];
  }

  private organicDays(d0: number, d1: number): number[] {
    const out: number[] = [];
    for (let d = Math.max(d0, this.ds.dataStartDay); d <= Math.min(d1, this.ds.todayDay); d++) out.push(d);
    return out;
  }

  pinAnalytics(pinId: string, q: Query): Answer {
    const [d0, d1] = this.dates(q);
    const types = this.pinMetricTypes(q);
    enumParam(q, 'app_types', ['ALL', 'MOBILE', 'TABLET', 'WEB']);
    enumParam(q, 'split_field', ['NO_SPLIT', 'APP_TYPE']);
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) adAccountOf(this.ds, adAcc);
    const pin = this.ds.pinById.get(pinId);
    if (!pin) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    if (!pin.owned) throw new ApiError(403, 7, MESSAGES.pinForbidden);
    if (pin.refuse === 404) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    if (pin.refuse === 403) throw new ApiError(403, 7, MESSAGES.pinForbidden);
    return json(200, this.pinBody(pin, d0, d1, types));
  }

  /**
   * GET /pins/analytics (beta): up to 100 pins, the answer keyed by pin id. Without the beta (knob
   * `pinAnalyticsBeta: false`) the route answers 403 code 29 (UNCONFIRMED: the shape of that refusal). A pin
   * whose analytics the per-pin endpoint refuses (not owned, unknown, refusing) is left out of the answer
   * (UNCONFIRMED: the spec's answer has no place for a per-pin error); with `pinAnalyticsRefusal:
   * 'refuse-batch'` the whole request is refused with the spec's 401 code 7 instead.
   */
  pinAnalyticsBulk(q: Query): Answer {
    if (this.opts.pinAnalyticsBeta === false) throw new ApiError(403, 29, MESSAGES.adAccountForbidden);
    const pinIds = idList(q, 'pin_ids', true, 100)!;
    const [d0, d1] = this.dates(q);
    const types = this.pinMetricTypes(q);
    enumParam(q, 'app_types', ['ALL', 'MOBILE', 'TABLET', 'WEB']);
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) adAccountOf(this.ds, adAcc);
    const out: Json = {};
    for (const id of new Set(pinIds)) {
      const pin = this.ds.pinById.get(id);
      if (!pin || !pin.owned || pin.refuse) {
        if (this.opts.pinAnalyticsRefusal === 'refuse-batch') throw new ApiError(401, 7, MESSAGES.pinForbidden);
        continue;
      }
      out[id] = this.pinBody(pin, d0, d1, types);
    }
    return json(200, out);
  }

  private pinMetricTypes(q: Query): string[] {
    const types = q.list('metric_types');
    if (!types || types.length === 0) throw bad('Missing required parameter: metric_types');
    for (const t of types)
      if (!PIN_METRIC_TYPES.includes(t))
        throw bad(`Invalid parameter metric_types: '${t}' is not a valid Pin metric type`);
    return Array.from(new Set(types));
  }

  private pinBody(pin: PinMeta, d0: number, d1: number, types: string[]): Json {
    const daily: DailyMetrics[] = this.organicDays(d0, d1).map((d) => pinDay(this.ctx, pin, d, types, formatDay(d)));
    return {
      all: { daily_metrics: daily, summary_metrics: summarise(daily), lifetime_metrics: pinLifetime(this.ctx, pin) },
    };
  }

  userAnalytics(q: Query): Answer {
    const [d0, d1] = this.dates(q);
    const types = q.list('metric_types') ?? [...USER_METRIC_TYPES];
    if (types.length === 0) throw bad('Invalid parameter metric_types: at least 1 item is required');
    for (const t of types)
      if (!USER_METRIC_TYPES.includes(t))
        throw bad(`Invalid parameter metric_types: '${t}' is not a valid metric type`);
    const groups = organicGroups(filtersOf(q, true));
    const client = organicOwner(this.ds, q, this.opts.businessAccessRole);
    const userKey = client ? clientUserKey(this.ds, client) : this.ds.userKey;
    const uniq = Array.from(new Set(types));
    const body: Record<string, Json> = {};
    for (const g of groups) {
      const daily = this.organicDays(d0, d1).map((d) => userDay(this.ctx, userKey, d, uniq, formatDay(d), g.share));
      body[g.key] = { daily_metrics: daily as unknown as Json, summary_metrics: summarise(daily) };
    }
    return json(200, body);
  }

  /** GET /user_account/analytics/top_pins and /top_video_pins. */
  topPins(q: Query, video: boolean): Answer {
    const [d0, d1] = this.dates(q);
    const params = topPinsParams(q, video);
    const { filters } = filtersOf(q, false);
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) adAccountOf(this.ds, adAcc);
    const pins = topPins(this.ds, this.ctx, { ...params, d0, d1, share: filterShare(filters) }, this.clock.day);
    return json(200, {
      date_availability: { is_realtime: false, latest_available_timestamp: (this.clock.day + 1) * 86_400_000 - 1 },
      pins,
      sort_by: params.sortBy,
    });
  }
}
