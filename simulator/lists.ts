// Bookmark paging, and the list endpoints with behaviour of their own: ad accounts, campaigns / ad groups /
// ads, pins and interests. The plain lists are rows of the endpoint table (endpoints.ts).
import { ApiError, bad, json, MESSAGES, type Answer } from './answers';
import { entitiesOf } from './dataset';
import type { Dataset, Json } from './types';
import type { MetricsContext } from './metrics';
import { adAccountOf, boolParam, enumParam, idList, type Query } from './params';
import { strHash } from './rng';
import { ENTITY_STATUSES, type Level, type SimulatorOptions } from './types';
import { pinWithMetrics, visiblePins } from './views';

function encodeBookmark(offset: number, sig: number): string {
  // standard base64 (may contain '+', '/' and '='): clients must URL-encode it
  return Buffer.from(`sim~bm~${offset}~${sig.toString(16)}~${'x'.repeat(offset % 3)}`).toString('base64');
}

function decodeBookmark(bm: string, sig: number): number {
  const s = Buffer.from(bm, 'base64').toString('latin1');
  const m = /^sim~bm~(\d+)~([0-9a-f]+)~x*$/.exec(s);
  if (!m || parseInt(m[2], 16) !== sig) throw bad('Invalid bookmark.');
  return +m[1];
}

function pageSizeOf(q: Query): number {
  const v = q.one('page_size');
  if (v === undefined) return 25;
  if (!/^\d+$/.test(v) || +v < 1 || +v > 250)
    throw bad(`Invalid parameter page_size: '${v}' must be an integer between 1 and 250`);
  return +v;
}

export class ListEndpoints {
  /** serialised items, reused across pages and requests */
  private itemJson = new WeakMap<object, string>();

  constructor(
    private readonly ds: Dataset,
    private readonly ctx: MetricsContext,
    private readonly opts: SimulatorOptions,
  ) {}

  adAccounts(path: string, q: Query): Answer {
    const shared = boolParam(q, 'include_shared_accounts') ?? true;
    return this.page(
      path,
      q,
      this.ds.adAccounts.filter((a) => shared || !a.shared).map((a) => a.item),
    );
  }

  interests(username: string, path: string, q: Query): Answer {
    const gone = this.opts.interestsGone;
    if (gone === 503) return json(503, { code: 4197, message: MESSAGES.rampedDown });
    if (gone) {
      const status = gone === 410 ? 410 : 404;
      return json(status, {
        code: status,
        message: status === 410 ? 'This endpoint has been removed.' : `Resource not found: GET /v5${path}`,
      });
    }
    if (username !== this.ds.user.username) throw new ApiError(404, 30, 'User not found.');
    return this.page(path, q, this.ds.interests);
  }

  page(path: string, q: Query, items: Json[]): Answer {
    const size = pageSizeOf(q);
    const bm = q.one('bookmark');
    const sig = strHash(path) & 0xffffff;
    const offset = bm ? decodeBookmark(bm, sig) : 0;
    const slice = items.slice(offset, offset + size);
    const next = offset + size < items.length ? encodeBookmark(offset + size, sig) : null;
    const parts: string[] = [];
    for (const it of slice) {
      let s = this.itemJson.get(it);
      if (s === undefined) {
        s = JSON.stringify(it);
        this.itemJson.set(it, s);
      }
      parts.push(s);
    }
    return { status: 200, body: Buffer.from(`{"items":[${parts.join(',')}],"bookmark":${JSON.stringify(next)}}`) };
  }

  entities(level: Level, accountId: string, path: string, q: Query): Answer {
    const acc = adAccountOf(this.ds, accountId);
    const statuses = q.list('entity_statuses') ?? ['ACTIVE', 'PAUSED'];
    for (const s of statuses)
      if (!(ENTITY_STATUSES as readonly string[]).includes(s))
        throw bad(`Invalid parameter entity_statuses: '${s}' is not one of ${ENTITY_STATUSES.join(', ')}`);
    const order = enumParam(q, 'order', ['ASCENDING', 'DESCENDING']);
    const campaignIds = idList(q, 'campaign_ids', false, 250, 18);
    const adGroupIds = level !== 'campaign' ? idList(q, 'ad_group_ids', false) : undefined;
    const adIds = level === 'ad' ? idList(q, 'ad_ids', false) : undefined;
    const kinds = [campaignIds, adGroupIds, adIds].filter((x) => x !== undefined).length;
    if (kinds > 1)
      throw bad(
        `Invalid ad account ${level === 'ad' ? 'ads' : 'group'} parameters: use only one of campaign_ids, ad_group_ids${level === 'ad' ? ', ad_ids' : ''}.`,
      );
    if (level === 'ad_group') boolParam(q, 'translate_interests_to_names');
    const st = new Set(statuses);
    const cs = campaignIds && new Set(campaignIds);
    const gs = adGroupIds && new Set(adGroupIds);
    const as = adIds && new Set(adIds);
    let list = entitiesOf(this.ds, level, acc.id).filter(
      (e) =>
        st.has(e.status) && (!cs || cs.has(e.campaignId)) && (!gs || gs.has(e.adGroupId!)) && (!as || as.has(e.id)),
    );
    if (order === 'DESCENDING') list = list.slice().reverse();
    return this.page(
      path +
        '|' +
        [...st].sort().join(',') +
        '|' +
        (campaignIds ?? adGroupIds ?? adIds ?? []).join(',') +
        '|' +
        (order ?? ''),
      q,
      list.map((e) => e.item),
    );
  }

  pins(q: Query, scopes: string[]): Answer {
    const filter = enumParam(q, 'pin_filter', ['exclude_native', 'exclude_repins', 'has_been_promoted']);
    const includeProtected = boolParam(q, 'include_protected_pins') ?? false;
    const pinType = enumParam(q, 'pin_type', ['PRIVATE']);
    const creative = q.list('creative_types');
    const withMetrics = boolParam(q, 'pin_metrics') ?? false;
    const adAcc = q.one('ad_account_id');
    if (adAcc !== undefined) adAccountOf(this.ds, adAcc);
    let pins = visiblePins(this.ds, scopes, includeProtected);
    if (filter === 'exclude_native') pins = pins.filter((p) => !p.owned);
    if (filter === 'exclude_repins') pins = pins.filter((p) => p.owned);
    if (filter === 'has_been_promoted') pins = pins.filter((p) => p.item.has_been_promoted === true);
    if (pinType === 'PRIVATE') pins = pins.filter((p) => p.secretBoard);
    if (creative) pins = pins.filter((p) => creative.includes(p.item.creative_type as string));
    const items = withMetrics ? pins.map((p) => pinWithMetrics(this.ctx, p)) : pins.map((p) => p.item);
    return this.page(
      '/pins|' + [filter, includeProtected, pinType, creative?.join(','), withMetrics].join('|'),
      q,
      items,
    );
  }
}
