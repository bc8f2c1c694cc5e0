// The lookup endpoints' data: audience insights per ad account and audience type, and the names of the
// targeting codes. Deterministic from the seed and the account; the ground truth flattens the same answers.
import { AUDIENCE_INSIGHT_TYPES, TARGETING_OPTION_TYPES } from '../src/pinterest/lookups';
import { ApiError, bad } from './answers';
import { adAccountOf, enumParam, type Query } from './params';
import { formatDay, hash, unit } from './rng';
import type { AdAccountMeta, Dataset, Json } from './types';

const INTERESTS: [string, string, [string, string][]][] = [
  [
    '918530398158',
    'Home decor',
    [
      ['949064465011', 'Living room'],
      ['916147653316', 'Scandinavian interior'],
      ['929391234717', 'Kitchen design'],
    ],
  ],
  [
    '961238559656',
    'Food and drinks',
    [
      ['924588347417', 'Easy recipes'],
      ['938129345123', 'Vegan food'],
    ],
  ],
  [
    '935249274030',
    'Travel',
    [
      ['908182459161', 'Beach holidays'],
      ['905661505034', 'City breaks'],
      ['954311702341', 'Trips in Japan 日本'],
    ],
  ],
  [
    '948967005229',
    'Womens fashion',
    [
      ['915112235313', 'Fall outfits'],
      ['941870423717', 'Boho style'],
    ],
  ],
  ['902065567321', 'Gardening', [['917273521317', 'Garden ideas']]],
];

const DEMOGRAPHICS: Record<string, [string, string][]> = {
  ages: [
    ['18-24', '18-24'],
    ['25-34', '25-34'],
    ['35-44', '35-44'],
    ['45-49', '45-49'],
    ['50-54', '50-54'],
    ['55-64', '55-64'],
    ['65+', '65+'],
  ],
  genders: [
    ['female', 'Female'],
    ['male', 'Male'],
    ['unknown', 'Unknown'],
  ],
  devices: [
    ['iphone', 'iPhone'],
    ['ipad', 'iPad'],
    ['android_mobile', 'Android mobile'],
    ['android_tablet', 'Android tablet'],
    ['web', 'Web'],
  ],
  metros: [
    ['501', 'New York'],
    ['803', 'Los Angeles'],
    ['602', 'Chicago'],
    ['807', 'San Francisco-Oakland-San Jose'],
  ],
  countries: [
    ['us', 'United States'],
    ['ca', 'Canada'],
    ['gb', 'United Kingdom'],
    ['fr', 'France'],
    ['de', 'Germany'],
  ],
};

const ratio = (seed: number, ...k: number[]) => Math.round((0.01 + 0.6 * unit(seed, 91_000, ...k)) * 1000) / 1000;
const index = (seed: number, ...k: number[]) => Math.round((0.4 + 2 * unit(seed, 92_000, ...k)) * 100) / 100;

/** One AudienceInsightsResponse: the account's audience of one type (Pinterest's own is the same for every account). */
export function audienceInsight(ds: Dataset, acc: AdAccountMeta, type: string): Json {
  const t = AUDIENCE_INSIGHT_TYPES.indexOf(type as (typeof AUDIENCE_INSIGHT_TYPES)[number]);
  const k = type === 'PINTEREST_TOTAL_AUDIENCE' ? 0 : 1 + acc.idx;
  const seed = ds.seed;
  // accounts and types differ in how many interests and values they have
  const interests = INTERESTS.slice(0, 2 + ((k + t) % (INTERESTS.length - 1)));
  const categories = interests.map(([id, name, subs], i) => ({
    id,
    key: id,
    name,
    ratio: ratio(seed, k, t, i),
    index: index(seed, k, t, i),
    subcategories: subs.slice(0, 1 + ((k + i) % subs.length)).map(([sid, sname], j) => ({
      id: sid,
      key: sid,
      name: sname,
      ratio: ratio(seed, k, t, i, 100 + j),
      index: index(seed, k, t, i, 100 + j),
    })),
  }));
  const demographics: Record<string, Json[]> = {};
  let d = 0;
  for (const [name, values] of Object.entries(DEMOGRAPHICS)) {
    d++;
    demographics[name] = values
      .slice(0, Math.max(2, values.length - ((k + d) % 3)))
      .map(([key, label], i) => ({ key, name: label, ratio: ratio(seed, k, t, 1000 * d + i) }));
  }
  const size = type === 'PINTEREST_TOTAL_AUDIENCE' ? 498_000_000 : 1000 * (1 + (hash(seed, 93_000, k, t) % 900));
  return {
    type,
    date: formatDay(ds.todayDay - 2),
    size,
    size_is_upper_bound: type !== 'PINTEREST_TOTAL_AUDIENCE' && size < 100_000,
    categories,
    demographics,
  };
}

/** GET /ad_accounts/{id}/audience_insights: audience_insight_type is required. */
export function serveAudienceInsight(ds: Dataset, accountId: string, q: Query): Json {
  const acc = adAccountOf(ds, accountId);
  const type = enumParam(q, 'audience_insight_type', AUDIENCE_INSIGHT_TYPES);
  if (type === undefined) throw bad('Missing required parameter: audience_insight_type');
  return audienceInsight(ds, acc, type);
}

/** The records an answer makes: one per category (interests, subinterests) or demographic value. */
export function audienceInsightRecords(accountId: string, type: string, answer: Json): Json[] {
  const a = answer;
  const base = { ad_account_id: accountId, audience_insight_type: type };
  const snapshot = { size: a.size, size_is_upper_bound: a.size_is_upper_bound, date: a.date };
  const out: Json[] = [];
  for (const c of a.categories as Json[]) {
    const { subcategories, ...fields } = c;
    out.push({ ...base, category: 'categories', ...fields, ...snapshot });
    for (const s of subcategories as Json[])
      out.push({ ...base, category: 'subcategories', ...s, parent_id: c.id, ...snapshot });
  }
  for (const [category, values] of Object.entries(a.demographics as Record<string, Json[]>))
    for (const v of values) out.push({ ...base, category, id: v.key, ...v, ...snapshot });
  return out;
}

const LOCATIONS: [string, string][] = [
  ['501', 'U.S.: New York'],
  ['803', 'U.S.: Los Angeles'],
  ['602', 'U.S.: Chicago'],
  ['811', 'U.S.: Reno'],
  ['36313', 'Australia: Moreton Bay - North'],
  ['124735', 'Canada: North Battleford'],
  ['554017', 'New Zealand: Wanganui'],
  ['GR', 'Greece'],
];

/** The code → name lists, per targeting type (the values Pinterest names; KEYWORD and the audiences aside). */
function targetingOptions(ds: Dataset, type: string): Record<string, string> {
  switch (type) {
    case 'APPTYPE':
      return {
        iphone: 'iPhone',
        ipad: 'iPad',
        android_mobile: 'Android mobile',
        android_tablet: 'Android tablet',
        web: 'Web',
        web_mobile: 'Mobile web',
      };
    case 'GENDER':
      return { female: 'Female', male: 'Male', unknown: 'Unknown' };
    case 'LOCALE':
      return {
        'en-US': 'English (US)',
        'en-GB': 'English (UK)',
        'fr-FR': 'Français',
        'de-DE': 'Deutsch',
        'ja-JP': '日本語',
        'pt-BR': 'Português (Brasil)',
      };
    case 'AGE_BUCKET':
      return Object.fromEntries(DEMOGRAPHICS.ages);
    case 'LOCATION':
      return Object.fromEntries(LOCATIONS);
    case 'GEO':
      return {
        US: 'United States',
        CA: 'Canada',
        GB: 'United Kingdom',
        FR: 'France',
        'US:CA': 'U.S.: California',
        'US:NY': 'U.S.: New York',
      };
    case 'INTEREST': {
      const out: Record<string, string> = {};
      for (const [id, name, subs] of INTERESTS) {
        out[id] = name;
        for (const [sid, sname] of subs) out[sid] = sname;
      }
      // a long tail, so the list is not tiny
      for (let i = 0; i < 40; i++)
        out[String(970_000_000_000 + (hash(ds.seed, 94_000, i) % 9_000_000))] = `Interest ${i + 1}`;
      return out;
    }
    default:
      return {};
  }
}

/**
 * GET /resources/targeting/{targeting_type}: the enum of the path; ad_account_id optional, and needed for the
 * audiences (UNCONFIRMED: what Pinterest answers without it).
 */
export function serveTargetingOptions(ds: Dataset, type: string, q: Query): Record<string, string>[] {
  if (!(TARGETING_OPTION_TYPES as readonly string[]).includes(type))
    throw bad(`Invalid targeting_type: '${type}' is not one of ${TARGETING_OPTION_TYPES.join(', ')}`);
  const accountId = q.one('ad_account_id');
  const acc = accountId === undefined ? undefined : adAccountOf(ds, accountId);
  if (type === 'AUDIENCE_INCLUDE' || type === 'AUDIENCE_EXCLUDE') {
    if (!acc) throw new ApiError(400, 1, `ad_account_id is required for targeting type ${type}`);
    const audiences = ds.accountLists.audiences.get(acc.id) ?? [];
    return [Object.fromEntries(audiences.map((a) => [String(a.id), String(a.name)]))];
  }
  return [targetingOptions(ds, type)];
}

/** The records an answer makes: one per code, with its name. */
export function targetingValueRecords(type: string, answer: Record<string, string>[]): Json[] {
  return answer.flatMap((m) => Object.entries(m).map(([id, name]) => ({ targeting_type: type, id, name })));
}
