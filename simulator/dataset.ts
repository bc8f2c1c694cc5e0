// Deterministic generation of the simulated Pinterest account: the dataset's shape and its assembly
// from organic-data.ts (boards, pins, followers, interests) and ads-data.ts (ad accounts, campaigns,
// ad groups, ads). Analytics values are not stored: they are computed on demand from (seed, entity
// key, day, column) in metrics.ts.
import { generateAdAccounts, generateAdEntities } from './ads-data';
import { pad, type GenerationContext } from './dataset-common';
import { dayToEpochSeconds, formatDay, hash, Rng } from './rng';
import type { Dataset, EntityMeta, Level, SizeKnobs } from './types';
import { generateAccountLists } from './account-lists';
import { generateBoards, generateFollowers, generateInterests, generatePins, userProfile } from './organic-data';

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

  const ds: Omit<Dataset, 'accountLists'> = {
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
  return { ...ds, accountLists: generateAccountLists(ds as Dataset) };
}

export function entitiesOf(ds: Dataset, level: Level, accountId: string): EntityMeta[] {
  if (level === 'ad_account')
    return [ds.accountLists.accountEntity.get(accountId)].filter((e): e is EntityMeta => e !== undefined);
  const m = level === 'campaign' ? ds.campaigns : level === 'ad_group' ? ds.adGroups : ds.ads;
  return m.get(accountId) ?? [];
}
