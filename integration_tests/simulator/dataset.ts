// Deterministic generation of the simulated Pinterest account: the dataset's shape and its assembly
// from organic-data.ts (boards, pins, followers, interests) and ads-data.ts (ad accounts, campaigns,
// ad groups, ads). Analytics values are not stored: they are computed on demand from (seed, entity
// key, day, column) in metrics.ts.
import { generateAdAccounts, generateAdEntities } from './ads-data';
import { pad, type GenerationContext } from './dataset-common';
import { dayToEpochSeconds, formatDay, hash, Rng } from './rng';
import type { EntityStatus, Level, SizeKnobs } from './types';
import { generateExtras, type Extras } from './extras';
import { generateBoards, generateFollowers, generateInterests, generatePins, userProfile } from './organic-data';

export type Json = Record<string, unknown>;

export interface AdAccountMeta {
  idx: number;
  id: string;
  currency: string;
  /** minor-unit decimals of the currency (JPY 0, USD 2) */
  decimals: number;
  /** rough value of 1 USD in the currency, used to scale money metrics */
  fx: number;
  shared: boolean;
  item: Json;
}

export interface EntityMeta {
  level: Level;
  id: string;
  /** small unique integer used in hashes */
  key: number;
  accountId: string;
  account: AdAccountMeta;
  status: EntityStatus;
  /** first and last day (days since epoch) with analytics rows; null for drafts */
  flightStart: number | null;
  flightEnd: number | null;
  /** size of the entity's numbers */
  scale: number;
  campaignId: string;
  adGroupId?: string;
  adId?: string;
  pinId?: string;
  name: string;
  /** static values of attribute columns (CAMPAIGN_NAME, AD_GROUP_BUDGET_TYPE, ...) */
  attrs: Record<string, string | number | boolean>;
  /** serialised attribute values (filled lazily by the serialiser) */
  attrJson?: Map<string, Buffer>;
  item: Json;
}

export interface PinMeta {
  id: string;
  key: number;
  owned: boolean;
  video: boolean;
  /** on a PROTECTED board: listed only with include_protected_pins=true */
  protectedBoard: boolean;
  /** on a SECRET board: listed only with the pins:read_secret scope */
  secretBoard: boolean;
  createdDay: number;
  /** owned pins whose analytics still refuse; 0 = served */
  refuse: 0 | 403 | 404;
  item: Json;
}

export interface Dataset {
  seed: number;
  today: string;
  todayDay: number;
  /** first day with data (today − 120) */
  dataStartDay: number;
  sizes: SizeKnobs;
  user: Json & { id: string; username: string };
  userKey: number;
  adAccounts: AdAccountMeta[];
  adAccountById: Map<string, AdAccountMeta>;
  /** entities per account, ascending id (the list endpoints' default order) */
  campaigns: Map<string, EntityMeta[]>;
  adGroups: Map<string, EntityMeta[]>;
  ads: Map<string, EntityMeta[]>;
  entityById: Map<string, EntityMeta>;
  boards: { item: Json; privacy: string }[];
  pins: PinMeta[];
  pinById: Map<string, PinMeta>;
  followers: Json[];
  interests: Json[];
  /** the other lists (extras.ts) */
  extras: Extras;
}

export function generateDataset(seed: number, todayDay: number, k: SizeKnobs, unknownFields: boolean): Dataset {
  const off = hash(seed, 1) % 90_000; // seed-dependent id offset
  const g: GenerationContext = {
    seed,
    todayDay,
    dataStartDay: todayDay - 120,
    nowSec: dayToEpochSeconds(todayDay) + 3600 * 6,
    off,
    k,
    r: new Rng(hash(seed, 0x5eed)),
    username: `sim_shop_${pad(off, 5)}`,
    userId: String(1_199_000_000_000 + off * 7),
  };
  const userKey = 7;
  // The order matters: the generators draw from one random stream (g.r) in turn.
  const { adAccounts, adAccountById } = generateAdAccounts(g, unknownFields);
  // pins and boards before ads: ads promote owned pins
  const { boards, boardIds } = generateBoards(g);
  const { pins, pinById } = generatePins(g, boards, boardIds);
  const ownedPins = pins.filter((p) => p.owned);
  const { campaigns, adGroups, ads, entityById } = generateAdEntities(g, adAccounts, ownedPins);
  const followers = generateFollowers(g);
  const interests = generateInterests(g);
  const user = userProfile(g, pins.length);

  const ds: Omit<Dataset, 'extras'> = {
    seed,
    today: formatDay(todayDay),
    todayDay,
    dataStartDay: g.dataStartDay,
    sizes: k,
    user,
    userKey,
    adAccounts,
    adAccountById,
    campaigns,
    adGroups,
    ads,
    entityById,
    boards,
    pins,
    pinById,
    followers,
    interests,
  };
  return { ...ds, extras: generateExtras(ds as Dataset) };
}

export function entitiesOf(ds: Dataset, level: Level, accountId: string): EntityMeta[] {
  if (level === 'ad_account') return [ds.extras.accountEntity.get(accountId)].filter((e): e is EntityMeta => e !== undefined);
  const m = level === 'campaign' ? ds.campaigns : level === 'ad_group' ? ds.adGroups : ds.ads;
  return m.get(accountId) ?? [];
}
