// Business Access for organic endpoints: `ad_account_id` on an organic request acts for the owner of that
// ad account. An account the token user owns is the user itself; a shared one (the dataset's last
// `sharedAdAccounts`) belongs to a client, readable only with a Business Access role that allows organic
// data. Which roles allow it is UNCONFIRMED: the simulator takes ADMIN and ANALYST (knob businessAccessRole).
import { ApiError } from './answers';
import { hash } from './rng';
import { adAccountOf, type Query } from './params';
import type { AdAccountMeta, Dataset, Json } from './types';

/** Roles that may read a client's profile, boards, pins and organic analytics. */
const ORGANIC_ROLES = ['ADMIN', 'ANALYST'];

/** The client an organic request acts for (undefined: the token's own user); refuses a role that does not allow it. */
export function organicOwner(ds: Dataset, q: Query, role: string | undefined): AdAccountMeta | undefined {
  const id = q.one('ad_account_id');
  if (id === undefined) return undefined;
  const acc = adAccountOf(ds, id);
  if (!acc.shared) return undefined;
  if (!ORGANIC_ROLES.includes(role ?? 'ADMIN'))
    throw new ApiError(403, 29, 'You are not permitted to access that resource.');
  return acc;
}

/** The user key of a client's organic metrics. */
export const clientUserKey = (ds: Dataset, acc: AdAccountMeta) => hash(ds.seed, ds.userKey, acc.idx, 0, 0xba);

/** A client's profile: the owner of the shared ad account. */
export function clientProfile(ds: Dataset, acc: AdAccountMeta, day: number): Json & { id: string; username: string } {
  const key = clientUserKey(ds, acc);
  return {
    account_type: 'BUSINESS',
    id: String(2_783_136_121_000_000_000n + BigInt(acc.idx)),
    username: `client_${acc.idx}`,
    business_name: `Client ${acc.idx}`,
    board_count: 3 + (key % 20),
    pin_count: 40 + (key % 400),
    follower_count: 1_000 + (key % 9_000) + 2 * Math.max(0, day - ds.dataStartDay),
    following_count: 10 + (key % 90),
    monthly_views: 20_000 + (hash(ds.seed, key, day, 0, 0x5b) % 30_000),
  };
}
