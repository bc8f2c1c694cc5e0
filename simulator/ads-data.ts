// Ads entities of the simulated account: ad accounts (several currencies, owned and shared), and per
// account the campaigns, ad groups and ads with their flights, statuses and analytics attributes.
import type { GenerationContext } from './dataset-common';
import { FANCY, TOPICS } from './dataset-common';
import type { AdAccountMeta, EntityMeta, Json, PinMeta } from './types';
import { dayToEpochSeconds, hash, unit, type Rng } from './rng';
import type { EntityStatus, SizeKnobs } from './types';

const CURRENCIES: { code: string; decimals: number; fx: number; country: string }[] = [
  { code: 'USD', decimals: 2, fx: 1, country: 'US' },
  { code: 'EUR', decimals: 2, fx: 0.92, country: 'FR' },
  { code: 'JPY', decimals: 0, fx: 150, country: 'JP' },
  { code: 'GBP', decimals: 2, fx: 0.79, country: 'GB' },
  { code: 'CAD', decimals: 2, fx: 1.36, country: 'CA' },
  { code: 'AUD', decimals: 2, fx: 1.52, country: 'AU' },
  { code: 'KRW', decimals: 0, fx: 1350, country: 'KR' },
  { code: 'BRL', decimals: 2, fx: 5.0, country: 'BR' },
  { code: 'SEK', decimals: 2, fx: 10.5, country: 'SE' },
  { code: 'MXN', decimals: 2, fx: 17.0, country: 'MX' },
];

const WORDS = [
  'Spring',
  'Summer',
  'Autumn',
  'Holiday',
  'Evergreen',
  'Brand',
  'Retarget',
  'Prospecting',
  'Catalog',
  'Video',
];
const OBJECTIVES = ['AWARENESS', 'CONSIDERATION', 'WEB_CONVERSION', 'CATALOG_SALES', 'VIDEO_COMPLETION'];

const CAMPAIGN_BASE = 626_700_000_0000; // 13 digits, below Number.MAX_SAFE_INTEGER
const AD_GROUP_BASE = 268_000_000_0000;
const AD_BASE = 687_200_000_0000;

function pickStatus(u: number): EntityStatus {
  if (u < 0.4) return 'ACTIVE';
  if (u < 0.65) return 'PAUSED';
  if (u < 0.85) return 'ARCHIVED';
  if (u < 0.95) return 'DRAFT';
  return 'DELETED_DRAFT';
}

/** Flight of an entity: ACTIVE ones run until today, PAUSED stopped lately, ARCHIVED long ago. */
function flightOf(
  seed: number,
  key: number,
  status: EntityStatus,
  todayDay: number,
  dataStartDay: number,
  k: SizeKnobs,
): [number | null, number | null] {
  if (status === 'DRAFT' || status === 'DELETED_DRAFT') return [null, null];
  const len = k.flightDaysMin + Math.floor(unit(seed, key, 11) * (k.flightDaysMax - k.flightDaysMin + 1));
  let end: number;
  if (status === 'ACTIVE') end = todayDay;
  else if (status === 'PAUSED') end = todayDay - 1 - Math.floor(unit(seed, key, 12) * 30);
  else end = todayDay - 5 - Math.floor(unit(seed, key, 13) * 110);
  const start = Math.max(dataStartDay, end - len + 1);
  if (end < dataStartDay) return [null, null];
  return [start, end];
}

function trackingUrls(r: Rng, id: string): Json | null {
  if (r.next() < 0.7) return null;
  return {
    impression: [`https://track.example.com/imp?id=${id}`],
    click: [`https://track.example.com/click?id=${id}&u=%7Bunescaped%7D`],
    engagement: [],
    buyable_button: [],
    audience_verification: [],
  };
}

export function generateAdAccounts(
  g: GenerationContext,
  unknownFields: boolean,
): { adAccounts: AdAccountMeta[]; adAccountById: Map<string, AdAccountMeta> } {
  const { r, k, off, nowSec, username, userId } = g;
  const adAccounts: AdAccountMeta[] = [];
  const adAccountById = new Map<string, AdAccountMeta>();
  const nOwned = Math.max(0, k.adAccounts - k.sharedAdAccounts);
  for (let i = 0; i < k.adAccounts; i++) {
    const cur = CURRENCIES[i % CURRENCIES.length];
    const id = String(549_755_000_000 + off * 10 + i * 100_003);
    const shared = i >= nOwned;
    const created = nowSec - 86400 * (400 + Math.floor(r.next() * 900));
    const item: Json = {
      id,
      name:
        i === 0 ? `${username} main account` : `Ad account ${i + 1} (${cur.code})${i % 3 === 1 ? ' – Europe ✦' : ''}`,
      owner: shared ? { id: String(1_299_000_000_000 + i), username: `agency_partner_${i}` } : { id: userId, username },
      country: cur.country,
      currency: cur.code,
      permissions: shared ? [i % 2 === 0 ? 'ADMIN' : 'ANALYST'] : ['OWNER'],
      created_time: created,
      updated_time: i % 4 === 3 ? null : created + 86400 * 30,
    };
    if (unknownFields) item.time_zone = ['America/Los_Angeles', 'Europe/Paris', 'Asia/Tokyo'][i % 3];
    const meta: AdAccountMeta = { idx: i, id, currency: cur.code, decimals: cur.decimals, fx: cur.fx, shared, item };
    adAccounts.push(meta);
    adAccountById.set(id, meta);
  }
  return { adAccounts, adAccountById };
}

/** Campaigns, ad groups and ads of every account; ads promote the owned pins (marking them promoted). */
export function generateAdEntities(
  g: GenerationContext,
  adAccounts: AdAccountMeta[],
  ownedPins: PinMeta[],
): {
  campaigns: Map<string, EntityMeta[]>;
  adGroups: Map<string, EntityMeta[]>;
  ads: Map<string, EntityMeta[]>;
  entityById: Map<string, EntityMeta>;
} {
  const { seed, r, k, off, todayDay, dataStartDay } = g;
  const campaigns = new Map<string, EntityMeta[]>();
  const adGroups = new Map<string, EntityMeta[]>();
  const ads = new Map<string, EntityMeta[]>();
  const entityById = new Map<string, EntityMeta>();
  let cSeq = 0;
  let gSeq = 0;
  let aSeq = 0;
  for (const acc of adAccounts) {
    const cs: EntityMeta[] = [];
    const gs: EntityMeta[] = [];
    const as: EntityMeta[] = [];
    const nC = acc.idx === 0 ? k.firstAccountCampaigns : k.campaignsPerAccount;
    for (let ci = 0; ci < nC; ci++) {
      const key = 1_000_000 + cSeq;
      const id = String(CAMPAIGN_BASE + off * 100_000 + cSeq * 13 + 1);
      cSeq++;
      const status = pickStatus(unit(seed, key, 1));
      const [fs, fe] = flightOf(seed, key, status, todayDay, dataStartDay, k);
      const objective = OBJECTIVES[hash(seed, key, 2) % OBJECTIVES.length];
      const name =
        ci % 17 === 3
          ? `${WORDS[ci % WORDS.length]} ${FANCY[ci % FANCY.length]} ${ci}`
          : `${WORDS[ci % WORDS.length]} ${TOPICS[(ci * 3) % TOPICS.length]} ${ci + 1}`;
      const created = dayToEpochSeconds((fs ?? todayDay - 10) - 3) + (hash(seed, key, 3) % 86400);
      const dailyCap =
        unit(seed, key, 4) < 0.5 ? null : Math.round((20 + (hash(seed, key, 5) % 500)) * acc.fx) * 1_000_000;
      const summary =
        status === 'ACTIVE'
          ? fe !== null && fe < todayDay
            ? 'COMPLETED'
            : 'RUNNING'
          : status === 'PAUSED'
            ? 'PAUSED'
            : status;
      const cbo = unit(seed, key, 6) < 0.2;
      const item: Json = {
        id,
        ad_account_id: acc.id,
        name,
        status,
        lifetime_spend_cap: dailyCap === null ? Math.round(5000 * acc.fx) * 1_000_000 : null,
        daily_spend_cap: dailyCap,
        order_line_id: null,
        tracking_urls: trackingUrls(r, id),
        start_time: fs === null ? null : dayToEpochSeconds(fs),
        end_time: status === 'ARCHIVED' && fe !== null ? dayToEpochSeconds(fe + 1) : null,
        summary_status: summary,
        is_flexible_daily_budgets: unit(seed, key, 7) < 0.3,
        is_campaign_budget_optimization: cbo,
        is_automated_campaign: false,
        is_performance_plus: objective === 'CATALOG_SALES' && unit(seed, key, 8) < 0.5,
        objective_type: objective,
        created_time: created,
        updated_time: created + (hash(seed, key, 9) % (86400 * 20)),
        type: 'campaign',
      };
      const c: EntityMeta = {
        level: 'campaign',
        id,
        key,
        accountId: acc.id,
        account: acc,
        status,
        flightStart: fs,
        flightEnd: fe,
        scale: 0.3 + 2.7 * unit(seed, key, 10) ** 2,
        campaignId: id,
        name,
        attrs: {
          CAMPAIGN_NAME: name,
          CAMPAIGN_ENTITY_STATUS: status,
          CAMPAIGN_OBJECTIVE_TYPE: objective,
          CAMPAIGN_BUDGET_OPTIMIZATION: cbo,
          IS_PREMIERE_CAMPAIGN: false,
        },
        item,
      };
      if (dailyCap !== null) c.attrs.CAMPAIGN_DAILY_SPEND_CAP = dailyCap;
      else c.attrs.CAMPAIGN_LIFETIME_SPEND_CAP = item.lifetime_spend_cap as number;
      cs.push(c);

      for (let gi = 0; gi < k.adGroupsPerCampaign; gi++) {
        const gkey = 20_000_000 + gSeq;
        const gid = String(AD_GROUP_BASE + off * 100_000 + gSeq * 7 + 3);
        gSeq++;
        const gstatus = pickStatus(unit(seed, gkey, 1));
        const [gfs, gfe] = flightOf(seed, gkey, gstatus, todayDay, dataStartDay, k);
        const gname = `${name} · AG ${gi + 1}${gi % 4 === 3 ? ' ünïcødé' : ''}`;
        const budgetType = cbo ? 'CBO_ADGROUP' : unit(seed, gkey, 2) < 0.7 ? 'DAILY' : 'LIFETIME';
        const budget = cbo ? null : Math.round((10 + (hash(seed, gkey, 3) % 300)) * acc.fx) * 1_000_000;
        const bidStrategy = ['AUTOMATIC_BID', 'MAX_BID', 'TARGET_AVG'][hash(seed, gkey, 4) % 3];
        const gcreated = created + 3600 * (1 + gi);
        const billable =
          objective === 'AWARENESS'
            ? 'IMPRESSION'
            : objective === 'VIDEO_COMPLETION'
              ? 'VIDEO_V_50_MRC'
              : 'CLICKTHROUGH';
        const gitem: Json = {
          id: gid,
          ad_account_id: acc.id,
          campaign_id: id,
          name: gname,
          status: gstatus,
          budget_in_micro_currency: budget,
          bid_in_micro_currency: bidStrategy === 'AUTOMATIC_BID' ? null : Math.round(1.5 * acc.fx * 1_000_000),
          bid_multiplier: null,
          budget_type: budgetType,
          start_time: gfs === null ? null : dayToEpochSeconds(gfs),
          end_time: gstatus === 'ARCHIVED' && gfe !== null ? dayToEpochSeconds(gfe + 1) : null,
          targeting_spec: {
            AGE_BUCKET: ['25-34', '35-44'],
            APPTYPE: ['iphone', 'android_mobile', 'web'],
            GENDER: ['female', 'male'],
            LOCATION: ['US', 'CA'],
            LOCALE: ['en-US'],
            INTEREST: [String(900_000_000_000 + (hash(seed, gkey, 5) % 1000))],
            TARGETING_STRATEGY: ['CHOOSE_YOUR_OWN'],
          },
          lifetime_frequency_cap: -1,
          tracking_urls: trackingUrls(r, gid),
          auto_targeting_enabled: unit(seed, gkey, 6) < 0.6,
          placement_group: 'ALL',
          pacing_delivery_type: 'STANDARD',
          conversion_learning_mode_type: objective === 'WEB_CONVERSION' ? 'ACTIVE' : null,
          summary_status:
            gstatus === 'ACTIVE'
              ? gfe !== null && gfe < todayDay
                ? 'COMPLETED'
                : 'RUNNING'
              : gstatus === 'PAUSED'
                ? 'PAUSED'
                : gstatus,
          feed_profile_id: '0',
          billable_event: billable,
          id_type: undefined,
          type: 'adgroup',
          created_time: gcreated,
          updated_time: gcreated + (hash(seed, gkey, 7) % (86400 * 10)),
          bid_strategy_type: bidStrategy,
          targeting_template_ids: null,
          is_creative_optimization: null,
          promotion_id: null,
          promotion_application_level: 'NONE',
          optimization_goal_metadata:
            objective === 'WEB_CONVERSION'
              ? {
                  conversion_tag_v3_goal_metadata: {
                    attribution_windows: { click_window_days: 30, engagement_window_days: 30, view_window_days: 1 },
                    conversion_event: 'CHECKOUT',
                    conversion_tag_id: '2612345678901',
                    cpa_goal_value_in_micro_currency: String(Math.round(12 * acc.fx) * 1_000_000),
                    is_roas_optimized: false,
                    learning_mode_type: 'ACTIVE',
                  },
                }
              : null,
        };
        delete gitem.id_type;
        const g: EntityMeta = {
          level: 'ad_group',
          id: gid,
          key: gkey,
          accountId: acc.id,
          account: acc,
          status: gstatus,
          flightStart: gfs,
          flightEnd: gfe,
          scale: 0.2 + 2 * unit(seed, gkey, 10) ** 2,
          campaignId: id,
          adGroupId: gid,
          name: gname,
          attrs: {
            ...c.attrs,
            AD_GROUP_NAME: gname,
            AD_GROUP_ENTITY_STATUS: gstatus,
            AD_GROUP_BUDGET_TYPE: budgetType,
            AD_GROUP_OPTIMIZATION: billable,
          },
          item: gitem,
        };
        if (budget !== null) g.attrs.AD_GROUP_BUDGET_IN_LOCAL_CURRENCY = Math.round((budget / 1_000_000) * 100) / 100;
        gs.push(g);

        for (let ai = 0; ai < k.adsPerAdGroup; ai++) {
          const akey = 100_000_000 + aSeq;
          const aid = String(AD_BASE + off * 100_000 + aSeq * 3 + 2);
          aSeq++;
          const astatus = pickStatus(unit(seed, akey, 1));
          const [afs, afe] = flightOf(seed, akey, astatus, todayDay, dataStartDay, k);
          const pin = ownedPins.length ? ownedPins[(aSeq * 7) % ownedPins.length] : undefined;
          if (pin) pin.item.has_been_promoted = true;
          const pinId = pin ? pin.id : String(1_125_000_000_000 + aSeq);
          const video = pin?.video ?? false;
          const aname = ai % 9 === 4 ? null : `${gname} · Ad ${ai + 1}`;
          const rejected = astatus === 'ACTIVE' && unit(seed, akey, 2) < 0.05;
          const acreated = gcreated + 600 * (1 + ai);
          const aitem: Json = {
            id: aid,
            ad_account_id: acc.id,
            campaign_id: id,
            ad_group_id: gid,
            pin_id: pinId,
            name: aname,
            status: astatus,
            creative_type: video ? 'VIDEO' : 'REGULAR',
            destination_url: `https://shop.example.com/landing/${akey}?c=${id}`,
            android_deep_link: null,
            ios_deep_link: null,
            carousel_android_deep_links: null,
            carousel_destination_urls: null,
            carousel_ios_deep_links: null,
            click_tracking_url: null,
            view_tracking_url: null,
            tracking_urls: trackingUrls(r, aid),
            customizable_cta_type: null,
            grid_click_type: 'CLOSEUP',
            collection_items_destination_url_template: null,
            disclosure_type: null,
            disclosure_url: null,
            is_pin_deleted: false,
            is_removable: false,
            lead_form_id: null,
            quiz_pin_data: null,
            review_status: rejected ? 'REJECTED' : astatus === 'DRAFT' ? 'PENDING' : 'APPROVED',
            rejected_reasons: rejected ? ['LANDING_PAGE'] : [],
            rejection_labels: rejected ? ['Landing page is not working'] : [],
            summary_status: rejected
              ? 'REJECTED'
              : astatus === 'ACTIVE'
                ? 'APPROVED'
                : astatus === 'PAUSED'
                  ? 'PAUSED'
                  : astatus,
            type: 'pinpromotion',
            created_time: acreated,
            updated_time: acreated + (hash(seed, akey, 3) % (86400 * 5)),
          };
          const a: EntityMeta = {
            level: 'ad',
            id: aid,
            key: akey,
            accountId: acc.id,
            account: acc,
            status: astatus,
            flightStart: afs,
            flightEnd: afe,
            scale: 0.1 + 1.5 * unit(seed, akey, 10) ** 2,
            campaignId: id,
            adGroupId: gid,
            adId: aid,
            pinId,
            name: aname ?? '',
            attrs: { ...g.attrs },
            item: aitem,
          };
          if (aname !== null) a.attrs.AD_NAME = aname;
          if (video) a.attrs.VIDEO_LENGTH = Math.round(((pin?.item.media as Json)?.duration as number) / 1000);
          as.push(a);
        }
      }
    }
    campaigns.set(acc.id, cs);
    adGroups.set(acc.id, gs);
    ads.set(acc.id, as);
    for (const e of [...cs, ...gs, ...as]) entityById.set(e.id, e);
  }
  return { campaigns, adGroups, ads, entityById };
}
