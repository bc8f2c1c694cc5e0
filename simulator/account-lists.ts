// The simulated account's other lists: ad-account level analytics entities, audiences, customer lists,
// conversion tags, keywords, board sections (and the pins filed in them), catalogs, feeds and product
// groups. Deterministic from the seed like the rest of the dataset (dataset.ts), sized from its knobs.
import type { AdAccountMeta, Dataset, EntityMeta, AccountLists, Json, PinMeta } from './types';
import { dayToEpochSeconds, hash, unit } from './rng';

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MATCH_TYPES = ['BROAD', 'PHRASE', 'EXACT'];
const KEYWORDS = [
  'boho wedding',
  'déco salon',
  'easy recipes',
  'garden ideas',
  '北欧 インテリア',
  'fall outfits',
  'diy "gift" box',
];

function accountEntity(ds: Dataset, acc: AdAccountMeta): EntityMeta {
  const key = 5_000_000 + acc.idx;
  return {
    level: 'ad_account',
    id: acc.id,
    key,
    accountId: acc.id,
    account: acc,
    status: 'ACTIVE',
    flightStart: ds.dataStartDay,
    flightEnd: ds.todayDay,
    scale: 2 + 3 * unit(ds.seed, key, 10),
    campaignId: '',
    name: String(acc.item.name),
    attrs: {},
    item: acc.item,
  };
}

export function generateAccountLists(ds: Dataset): AccountLists {
  const { seed } = ds;
  const now = dayToEpochSeconds(ds.todayDay);
  const ex: AccountLists = {
    accountEntity: new Map(),
    audiences: new Map(),
    customerLists: new Map(),
    conversionTags: new Map(),
    accountKeywords: new Map(),
    adGroupKeywords: new Map(),
    sections: new Map(),
    sectionPins: new Map(),
    catalogs: [],
    feeds: [],
    feedCatalog: new Map(),
    productGroups: [],
  };
  let keywordSeq = 0;
  const keyword = (parentId: string, parentType: string, negative: boolean): Json => {
    const n = keywordSeq++;
    return {
      id: String(3_400_000_000_000 + n * 11),
      archived: n % 9 === 8,
      bid: negative ? null : 1_000_000 + (hash(seed, n, 41) % 4_000_000),
      match_type: negative ? 'EXACT_NEGATIVE' : MATCH_TYPES[n % MATCH_TYPES.length],
      parent_id: parentId,
      parent_type: parentType,
      type: 'keyword',
      value: `${KEYWORDS[n % KEYWORDS.length]} ${n}`,
    };
  };
  for (const acc of ds.adAccounts) {
    ex.accountEntity.set(acc.id, accountEntity(ds, acc));
    const nAudiences = 2 + (acc.idx % 3);
    ex.audiences.set(
      acc.id,
      Array.from({ length: nAudiences }, (_, i) => ({
        id: String(2_542_000_000_000 + acc.idx * 1000 + i),
        ad_account_id: acc.id,
        name: `Audience ${i + 1}${i === 1 ? ' – visiteurs 🛒' : ''}`,
        audience_type: ['CUSTOMER_LIST', 'VISITOR', 'ENGAGEMENT', 'ACTALIKE'][i % 4],
        description: i % 2 ? null : 'Simulated audience',
        rule: { retention_days: 30 + i, country: 'US' },
        size: i % 3 === 2 ? null : 1000 * (i + 1),
        status: 'READY',
        type: 'audience',
        created_timestamp: now - 86400 * (100 + i),
        updated_timestamp: now - 86400 * i,
        created_by_company_name: null,
      })),
    );
    ex.customerLists.set(
      acc.id,
      Array.from({ length: 1 + (acc.idx % 2) }, (_, i) => ({
        id: String(2_543_000_000_000 + acc.idx * 1000 + i),
        ad_account_id: acc.id,
        name: `Customers ${i + 1}`,
        created_time: now - 86400 * (200 + i),
        updated_time: now - 86400 * (10 + i),
        num_batches: 1 + i,
        num_removed_user_records: 0,
        num_uploaded_user_records: 500 * (i + 1),
        status: 'READY',
        type: 'customerlist',
        exceptions: {},
      })),
    );
    ex.conversionTags.set(
      acc.id,
      Array.from({ length: 2 }, (_, i) => ({
        id: String(2_612_000_000_000 + acc.idx * 1000 + i),
        ad_account_id: acc.id,
        name: i ? 'Checkout tag' : 'Base tag',
        code_snippet: `<script>pintrk('load', '${2_612_000_000_000 + acc.idx * 1000 + i}')</script>`,
        enhanced_match_status: null,
        last_fired_time_ms: i ? null : now * 1000,
        status: 'ACTIVE',
        version: '3',
        configs: { aem_enabled: false },
      })),
    );
    ex.accountKeywords.set(acc.id, [keyword(acc.id, 'advertiser', true), keyword(acc.id, 'advertiser', true)]);
    for (const g of ds.adGroups.get(acc.id) ?? []) {
      ex.adGroupKeywords.set(
        g.id,
        Array.from({ length: g.key % 3 }, () => keyword(g.id, 'ad_group', false)),
      );
    }
  }

  // Board sections: board i has i % 3 of them; about half the board's pins are filed in one.
  const boardPins = new Map<string, PinMeta[]>();
  for (const p of ds.pins) {
    const b = p.item.board_id as string | undefined;
    if (b !== undefined) boardPins.set(b, [...(boardPins.get(b) ?? []), p]);
  }
  ds.boards.forEach((b, i) => {
    const boardId = String(b.item.id);
    const sections = Array.from({ length: i % 3 }, (_, j) => ({
      id: `${4_900_000_000_000 + i * 10 + j}`,
      name: `Section ${j + 1}${j === 1 ? ' · idées' : ''}`,
    }));
    ex.sections.set(boardId, sections);
    for (const s of sections) ex.sectionPins.set(s.id, []);
    if (sections.length === 0) return;
    for (const p of boardPins.get(boardId) ?? []) {
      if (hash(seed, p.key, 61) % 2 === 0) continue;
      const s = sections[hash(seed, p.key, 62) % sections.length];
      p.item.board_section_id = s.id;
      ex.sectionPins.get(s.id)!.push(p);
    }
  });

  // Catalogs: two retail catalogs, one feed each, three product groups per feed.
  for (let c = 0; c < 2; c++) {
    const catalogId = String(5_100_000_000_000 + c);
    ex.catalogs.push({
      id: catalogId,
      name: c ? 'Outlet' : 'Main catalog',
      catalog_type: 'RETAIL',
      created_at: iso(now - 86400 * 300),
      updated_at: iso(now - 86400 * c),
    });
    const feedId = String(5_200_000_000_000 + c);
    ex.feeds.push({
      id: feedId,
      name: `Feed ${c + 1}`,
      catalog_type: 'RETAIL',
      format: c ? 'TSV' : 'CSV',
      location: `https://shop.example.com/feeds/${c}.csv`,
      status: 'ACTIVE',
      default_currency: 'USD',
      default_locale: 'en-US',
      default_country: 'US',
      default_availability: c ? null : 'IN_STOCK',
      credentials: null,
      preferred_processing_schedule: null,
      created_at: iso(now - 86400 * 290),
      updated_at: iso(now - 86400 * 2),
    });
    ex.feedCatalog.set(feedId, catalogId);
    for (let g = 0; g < 3; g++) {
      ex.productGroups.push({
        id: String(5_300_000_000_000 + c * 10 + g),
        catalog_id: catalogId,
        feed_id: feedId,
        catalog_type: 'RETAIL',
        name: `Products ${c + 1}.${g + 1}`,
        description: g ? null : 'Best sellers',
        type: 'MERCHANT_CREATED',
        status: 'ACTIVE',
        is_featured: g === 0,
        country: 'US',
        locale: 'en-US',
        filters: { any_of: [{ BRAND: { values: [`Brand ${g}`], negated: false } }] },
        created_at: now - 86400 * 100,
        updated_at: now - 86400 * g,
      });
    }
  }
  return ex;
}
