// Mapping of logged request paths (without /v5) to the connector's stream names.
import type { StreamName } from './types';

export type StreamOfPath = StreamName | 'ad_analytics|ad_analytics_daily' | null;

const RULES: [RegExp, StreamOfPath][] = [
  [/^\/boards$/, 'boards'],
  [/^\/pins$/, 'pins'],
  [/^\/pins\/[^/]+\/analytics$/, 'pin_analytics'],
  [/^\/user_account\/followers$/, 'followers'],
  [/^\/user_account\/analytics$/, 'user_account_analytics'],
  [/^\/users\/[^/]+\/interests\/follow$/, 'user_interests'],
  [/^\/ad_accounts\/[^/]+\/campaigns$/, 'campaigns'],
  [/^\/ad_accounts\/[^/]+\/ad_groups$/, 'ad_groups'],
  [/^\/ad_accounts\/[^/]+\/ads$/, 'ads'],
  [/^\/ad_accounts\/[^/]+\/campaigns\/analytics$/, 'campaign_analytics'],
  [/^\/ad_accounts\/[^/]+\/ad_groups\/analytics$/, 'ad_group_analytics'],
  [/^\/ad_accounts\/[^/]+\/ads\/analytics$/, 'ad_analytics|ad_analytics_daily'],
  [/^\/ad_accounts\/[^/]+\/campaigns\/targeting_analytics$/, 'campaign_targeting_analytics'],
  [/^\/ad_accounts\/[^/]+\/ad_groups\/targeting_analytics$/, 'ad_group_targeting_analytics'],
  [/^\/ad_accounts\/[^/]+\/ads\/targeting_analytics$/, 'ad_targeting_analytics'],
];

/**
 * The stream a logged request belongs to. Set-up requests (/oauth/token, /user_account,
 * /ad_accounts, /ad_accounts/{id}) and unknown paths give null. Entity lists map to their entity
 * stream even when they were fetched only for analytics. Accepts paths with or without /v5 and
 * with a query string.
 */
export function streamForPath(path: string): StreamOfPath {
  let p = path.split('?')[0];
  if (p.startsWith('/v5/')) p = p.slice(3);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  for (const [re, s] of RULES) if (re.test(p)) return s;
  return null;
}

/** Same as streamForPath, for a logged request: non-GET requests (the token) are set-up (null). */
export function streamOfRequest(method: string, path: string): StreamOfPath {
  if (method.toUpperCase() !== 'GET') return null;
  return streamForPath(path);
}
