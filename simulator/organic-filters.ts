// The filters and the split of user-account analytics (and the filters of top pins): content_type,
// app_types, source, pin_format, from_claimed_content, split_field. Each filter value keeps a fixed share
// of the account's activity, so PAID and ORGANIC reads differ and a split's groups add up to about the
// whole. The shares are the simulator's; the group keys of a split answer are UNCONFIRMED (README).
import { enumParam, type Query } from './params';

/** Each filter's values and the share of activity each keeps (ALL / BOTH: everything). */
const SHARES: Record<string, Record<string, number>> = {
  content_type: { ALL: 1, PAID: 0.25, ORGANIC: 0.75 },
  app_types: { ALL: 1, MOBILE: 0.6, TABLET: 0.1, WEB: 0.3 },
  source: { ALL: 1, YOUR_PINS: 0.7, OTHER_PINS: 0.3 },
  pin_format: {
    ALL: 1,
    ORGANIC_IMAGE: 0.45,
    ORGANIC_PRODUCT: 0.1,
    ORGANIC_VIDEO: 0.2,
    ADS_STANDARD: 0.12,
    ADS_PRODUCT: 0.06,
    ADS_VIDEO: 0.05,
    ADS_IDEA: 0.02,
  },
  from_claimed_content: { BOTH: 1, CLAIMED: 0.65, OTHER: 0.35 },
};
const WHOLE = new Set(['ALL', 'BOTH']);

/** split_field → the filter whose values are its groups. */
const SPLIT_DIMENSION: Record<string, string> = {
  APP_TYPE: 'app_types',
  OWNED_CONTENT: 'from_claimed_content',
  SOURCE: 'source',
  PIN_FORMAT: 'pin_format',
};
const SPLIT_FIELDS = ['NO_SPLIT', ...Object.keys(SPLIT_DIMENSION)];
const ORGANIC_FILTERS = Object.keys(SHARES);

/** The filters of a request (unset ones absent) and its split_field. */
interface OrganicFilters {
  filters: Record<string, string>;
  split?: string;
}

/** A group of the answer: its key ('all' without a split) and the share of activity it holds. */
interface OrganicGroup {
  key: string;
  share: number;
}

/** Reads and checks the filter parameters as the API checks them (enums); `withSplit` for the analytics endpoint. */
export function filtersOf(q: Query, withSplit: boolean): OrganicFilters {
  const filters: Record<string, string> = {};
  for (const name of ORGANIC_FILTERS) {
    const v = enumParam(q, name, Object.keys(SHARES[name]));
    if (v !== undefined) filters[name] = v;
  }
  const split = withSplit ? enumParam(q, 'split_field', SPLIT_FIELDS) : undefined;
  return { filters, split: split === 'NO_SPLIT' ? undefined : split };
}

const shareOf = (filters: Record<string, string>, except?: string) =>
  Object.entries(filters).reduce((s, [name, v]) => (name === except ? s : s * (SHARES[name]?.[v] ?? 1)), 1);

/** The share of activity the filters keep. */
export function filterShare(filters: Record<string, string>): number {
  return shareOf(filters);
}

/** The groups of an answer: 'all', or one per value of the split dimension (only the filtered one when it is filtered too). */
export function organicGroups(f: OrganicFilters): OrganicGroup[] {
  if (!f.split) return [{ key: 'all', share: shareOf(f.filters) }];
  const dim = SPLIT_DIMENSION[f.split];
  const rest = shareOf(f.filters, dim);
  const chosen = f.filters[dim];
  return Object.entries(SHARES[dim])
    .filter(([v]) => !WHOLE.has(v) && (chosen === undefined || WHOLE.has(chosen) || chosen === v))
    .map(([v, s]) => ({ key: v, share: rest * s }));
}
