// GET /user_account on a given day: the profile of the dataset with the counts that move from day to day
// (followers grow, monthly views vary), so snapshots taken on two days differ as a real profile's would.
import { hash } from './rng';
import type { Dataset, Json } from './types';

export function profileOn(ds: Dataset, day: number): Json & { id: string; username: string } {
  const followers = Number(ds.user.follower_count ?? 0);
  const age = Math.max(0, day - ds.dataStartDay);
  return {
    ...ds.user,
    follower_count: followers + 3 * age + (hash(ds.seed, ds.userKey, day, 0, 0x5a) % 3),
    monthly_views: 100_000 + (hash(ds.seed, ds.userKey, day, 0, 0x5b) % 50_000),
  };
}
