// Product groups of the simulated ad accounts: promoted in the ad groups of shopping (CATALOG_SALES) campaigns,
// one to three per ad group. One source for the promotions list, the synchronous product-group analytics and
// the PRODUCT_GROUP report rows (reports.ts), so both sides of the 90-day seam give the same ids and numbers.
// An account without shopping campaigns has none.
import { bad } from './answers';
import { entitiesOf } from './dataset';
import { planColumns, type ColSpec } from './metrics';
import { enumParam, idList, type Query } from './params';
import { hash } from './rng';
import type { Dataset, EntityMeta, Json } from './types';

/** The campaign objective whose ad groups carry product groups (ObjectiveType in the OpenAPI file). */
const SHOPPING_OBJECTIVE = 'CATALOG_SALES';
const PROMOTION_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'];

const cache = new WeakMap<Dataset, Map<string, EntityMeta[]>>();

/**
 * Every third ad account (idx 2, 5 …) runs neither keyword nor shopping ads: its campaigns may still carry the
 * objective, but nothing is promoted, so its KEYWORD and PRODUCT_* reports and its promotions are empty.
 */
export const runsKeywordAndShoppingAds = (ds: Dataset, accountId: string): boolean => {
  const acc = ds.adAccountById.get(accountId);
  return !acc || acc.idx % 3 !== 2;
};

const isShopping = (ds: Dataset, g: EntityMeta) =>
  ds.entityById.get(g.campaignId)?.attrs.CAMPAIGN_OBJECTIVE_TYPE === SHOPPING_OBJECTIVE;

/**
 * The product groups of an account, in ad-group order: analytics entities (a product group's numbers are its
 * own: its key) carrying the ad group's attributes, and the promotion item the list endpoint serves. A draft
 * campaign never ran, so its product groups have no rows.
 */
export function productGroupEntities(ds: Dataset, accountId: string): EntityMeta[] {
  let byAccount = cache.get(ds);
  if (!byAccount) cache.set(ds, (byAccount = new Map()));
  const known = byAccount.get(accountId);
  if (known) return known;
  const out: EntityMeta[] = [];
  const seed = ds.seed;
  for (const g of runsKeywordAndShoppingAds(ds, accountId) ? entitiesOf(ds, 'ad_group', accountId) : []) {
    if (!isShopping(ds, g)) continue;
    const campaign = ds.entityById.get(g.campaignId)!;
    const ran = campaign.flightStart !== null;
    const catalogGroups = ds.accountLists.productGroups;
    const n = 1 + (hash(seed, g.key, 0x9b) % 3);
    for (let j = 0; j < n; j++) {
      const h = hash(seed, g.key, 0x9a, j);
      const id = String(9_000_000_000_000 + ((h >>> 0) % 999_999_999) * 1000 + j);
      const catalogGroup = catalogGroups.length ? catalogGroups[(h >>> 3) % catalogGroups.length] : undefined;
      const item: Json = {
        id,
        ad_group_id: g.id,
        bid_in_micro_currency: j === 0 ? null : Math.round((0.5 + j) * g.account.fx) * 1_000_000,
        included: j !== 2,
        definition: `*/product_type_0='category ${j}'`,
        relative_definition: `product_type_0='category ${j}'`,
        parent_id: null,
        slideshow_collections_title: null,
        slideshow_collections_description: null,
        is_mdl: false,
        status: g.status,
        tracking_url: j === 1 ? `https://track.example.com/pg?id=${id}` : null,
        catalog_product_group_id: catalogGroup ? String(catalogGroup.id) : null,
        catalog_product_group_name: catalogGroup ? String(catalogGroup.name) : null,
        creative_type: 'REGULAR',
        collections_hero_pin_id: null,
        collections_hero_destination_url: null,
        grid_click_type: 'DIRECT_TO_DESTINATION',
      };
      out.push({
        ...g,
        id,
        key: (h & 0x3fffffff) + 1_000_000,
        flightStart: ran ? g.flightStart : null,
        flightEnd: ran ? g.flightEnd : null,
        attrJson: undefined,
        item,
      });
    }
  }
  byAccount.set(accountId, out);
  return out;
}

/** GET /ad_accounts/{id}/product_group_promotions: by ad_group_id or product_group_promotion_ids (one is required). */
export function productGroupPromotions(ds: Dataset, accountId: string, q: Query): Json[] {
  enumParam(q, 'order', ['ASCENDING', 'DESCENDING']);
  const ids = idList(q, 'product_group_promotion_ids', false);
  const adGroupId = q.one('ad_group_id');
  if (adGroupId !== undefined && !/^\d{1,18}$/.test(adGroupId))
    throw bad(`Invalid parameter ad_group_id: '${adGroupId}' does not match ^\\d+$`);
  if (!ids && adGroupId === undefined)
    throw bad('Invalid request: include either ad_group_id or product_group_promotion_ids.');
  const statuses = q.list('entity_statuses') ?? ['ACTIVE', 'PAUSED'];
  for (const s of statuses) if (!PROMOTION_STATUSES.includes(s)) throw bad(`Invalid parameter entity_statuses: '${s}'`);
  // product_group_promotion_ids take precedence over ad_group_id, as the description says.
  const wanted = ids ? (e: EntityMeta) => ids.includes(e.id) : (e: EntityMeta) => e.adGroupId === adGroupId;
  return productGroupEntities(ds, accountId)
    .filter((e) => wanted(e) && statuses.includes(e.item.status as string))
    .map((e) => e.item);
}

/** The ad groups a full read asks for promotions: those of shopping campaigns, both in the read's statuses. */
export function shoppingAdGroups(ds: Dataset, accountId: string, statuses: ReadonlySet<string>): EntityMeta[] {
  return entitiesOf(ds, 'ad_group', accountId).filter(
    (g) => statuses.has(g.status) && isShopping(ds, g) && statuses.has(ds.entityById.get(g.campaignId)!.status),
  );
}

/** The product groups a full read lists (their promotions, in the read's statuses): the ids analytics asks for. */
export function listedProductGroups(ds: Dataset, accountId: string, statuses: ReadonlySet<string>): EntityMeta[] {
  const groups = new Set(shoppingAdGroups(ds, accountId, statuses).map((g) => g.id));
  return productGroupEntities(ds, accountId).filter(
    (e) => groups.has(e.adGroupId!) && statuses.has(e.item.status as string),
  );
}

/** The columns of a product-group row: those of its ad group, without the id column every row carries. */
export function productGroupColumns(columns: string[]): ColSpec[] {
  return planColumns(columns, 'ad_group').filter((s) => s.name !== 'PRODUCT_GROUP_ID');
}
