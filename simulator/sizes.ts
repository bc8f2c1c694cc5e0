// Size presets. Record counts are for a full 90-day read with the default ground-truth config
// (statuses ACTIVE+PAUSED+ARCHIVED, all targeting types); see README.md for the measured numbers.
import type { SizeKnobs } from './types';

/** Default: fast tests. A few hundred records per list stream; the first ad account has > 250
 *  campaigns, ad groups and ads (in ACTIVE+PAUSED+ARCHIVED) and /pins has > 250 items. */
export const DEFAULT_SIZE: SizeKnobs = {
  adAccounts: 3,
  sharedAdAccounts: 1,
  campaignsPerAccount: 4,
  firstAccountCampaigns: 320,
  adGroupsPerCampaign: 1,
  adsPerAdGroup: 1,
  boards: 12,
  ownedPins: 40,
  repins: 260,
  followers: 300,
  interests: 30,
  flightDaysMin: 1,
  flightDaysMax: 3,
  dayCoverage: 0.9,
  columnCoverage: 0.93,
  targetingTypeCoverage: 0.12,
  targetingValuesMax: 2,
  targetingRowCoverage: 0.85,
  refusingPinRate: 0.05,
  newPinRate: 0.1,
};

/** S ≈ 10k records over the streams. */
const S: SizeKnobs = {
  adAccounts: 2,
  sharedAdAccounts: 1,
  campaignsPerAccount: 5,
  firstAccountCampaigns: 5,
  adGroupsPerCampaign: 2,
  adsPerAdGroup: 3,
  boards: 20,
  ownedPins: 15,
  repins: 35,
  followers: 200,
  interests: 20,
  flightDaysMin: 10,
  flightDaysMax: 60,
  dayCoverage: 0.9,
  columnCoverage: 0.93,
  targetingTypeCoverage: 0.12,
  targetingValuesMax: 2,
  targetingRowCoverage: 0.85,
  refusingPinRate: 0.05,
  newPinRate: 0.1,
};

/** M ≈ 500k records, mostly daily ad and targeting rows. */
const M: SizeKnobs = {
  adAccounts: 5,
  sharedAdAccounts: 1,
  campaignsPerAccount: 28,
  firstAccountCampaigns: 28,
  adGroupsPerCampaign: 4,
  adsPerAdGroup: 5,
  boards: 50,
  ownedPins: 200,
  repins: 300,
  followers: 2000,
  interests: 50,
  flightDaysMin: 14,
  flightDaysMax: 90,
  dayCoverage: 0.9,
  columnCoverage: 0.93,
  targetingTypeCoverage: 0.12,
  targetingValuesMax: 2,
  targetingRowCoverage: 0.85,
  refusingPinRate: 0.03,
  newPinRate: 0.1,
};

/** L ≈ 2M records. */
const L: SizeKnobs = {
  ...M,
  adAccounts: 10,
  sharedAdAccounts: 2,
  campaignsPerAccount: 57,
  firstAccountCampaigns: 57,
  boards: 100,
  ownedPins: 500,
  repins: 500,
  followers: 10000,
  interests: 100,
};

export const SIZES: { S: SizeKnobs; M: SizeKnobs; L: SizeKnobs; DEFAULT: SizeKnobs } = {
  S,
  M,
  L,
  DEFAULT: DEFAULT_SIZE,
};
