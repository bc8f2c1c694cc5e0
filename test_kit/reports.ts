/** Pieces of the report acceptance tests (history, history-faults, custom-reports). */
import type { CatRun } from './acceptance';
import { canonical } from './messages';

/** The ads-analytics streams of the catalog (those the seam serves), whatever the catalog holds beside them. */
export const isAdsAnalytics = (name: string) =>
  /^(ad_account|campaign|ad_group|ad)(_targeting)?_analytics$|^ad_analytics_daily$/.test(name);

export const REPORT_ENV = { PINTEREST_REPORT_POLL_MS: '20' };

/** Each stream's records equal the ground truth's, as sorted lists: a record missing or doubled shows. */
export function expectEqualsTruth(
  run: CatRun,
  truth: Record<string, Array<Record<string, unknown>>>,
  streams: string[],
): void {
  for (const name of streams) {
    const got = run
      .records(name)
      .map((r) => canonical(r.data))
      .sort();
    const want = (truth[name] ?? []).map((r) => canonical(r)).sort();
    // Compared as sorted lists: a record missing or doubled shows as a difference.
    expect([name, got.length]).toEqual([name, want.length]);
    expect(got).toEqual(want);
  }
}
