// Mapping of logged request paths (without /v5) to the connector's stream names, derived from the
// connector's stream registry (src/streams/definitions.ts).
import { STREAMS } from '../../src/streams/definitions';
import type { StreamName } from './types';

/** A stream name, or several joined by '|' when streams share one endpoint (ad_analytics|ad_analytics_daily). */
export type StreamOfPath = StreamName | null;

/** Path templates → the streams reading them; the set-up list of ad accounts (GET /ad_accounts) belongs to none. */
let cached: { streams: number; rules: [RegExp, string][] } | undefined;
function rules(): [RegExp, string][] {
  if (cached?.streams === STREAMS.length) return cached.rules;
  const byPath = new Map<string, string[]>();
  for (const def of STREAMS) {
    if (def.kind === 'list' && def.setupAdAccounts) continue;
    byPath.set(def.path, [...(byPath.get(def.path) ?? []), def.name]);
  }
  const out: [RegExp, string][] = [...byPath].map(([template, names]) => [new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`), names.join('|')]);
  cached = { streams: STREAMS.length, rules: out };
  return out;
}

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
  for (const [re, s] of rules()) if (re.test(p)) return s;
  return null;
}

/** Same as streamForPath, for a logged request: non-GET requests (the token) are set-up (null). */
export function streamOfRequest(method: string, path: string): StreamOfPath {
  if (method.toUpperCase() !== 'GET') return null;
  return streamForPath(path);
}
