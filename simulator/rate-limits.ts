// Rate limits per category (sliding windows), daily quotas, and the rate-limit headers of both families.
import { json, MESSAGES, type Answer } from './answers';
import type { RateCategory, RateLimitSpec, SimulatorOptions } from './types';

/** The older family some clients read (v3-era): no Retry-After, the wait in -reset-seconds. */
function userEndpointHeaders(limit: number, remaining: number, secs: number): Record<string, string> {
  return {
    'x-userendpoint-ratelimit-limit': String(limit),
    'x-userendpoint-ratelimit-remaining': String(remaining),
    'x-userendpoint-ratelimit-reset-seconds': String(secs),
  };
}

export class RateLimiter {
  private windows = new Map<RateCategory, number[]>();
  private quotaCount = new Map<RateCategory, { day: number; n: number }>();

  constructor(private readonly opts: SimulatorOptions) {}

  reset(): void {
    this.windows.clear();
    this.quotaCount.clear();
  }

  /** Counts a request of the category: a 429 answer when over a limit, else the headers to send. */
  check(cat: RateCategory | 'none'): { limited?: Answer; headers?: Record<string, string> } {
    if (cat === 'none') return {};
    const now = Date.now();
    const resetValue = (secs: number) =>
      String(this.opts.rateLimitResetFormat === 'epoch' ? Math.ceil(now / 1000) + secs : secs);
    // daily quota (real UTC day)
    const quota = this.opts.dailyQuota?.[cat];
    if (quota !== undefined) {
      const day = Math.floor(now / 86_400_000);
      let c = this.quotaCount.get(cat);
      if (!c || c.day !== day) this.quotaCount.set(cat, (c = { day, n: 0 }));
      if (c.n >= quota) {
        const secs = Math.max(1, Math.ceil(((day + 1) * 86_400_000 - now) / 1000));
        const headers: Record<string, string> = { 'retry-after': String(secs) };
        if (this.opts.rateLimitHeaders) {
          headers['x-ratelimit-limit'] = String(quota);
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = resetValue(secs);
        }
        return { limited: json(429, { code: 8, message: MESSAGES.rateLimited }, headers) };
      }
      c.n++;
    }
    const spec: RateLimitSpec | undefined = this.opts.rateLimits ? this.opts.rateLimits[cat] : undefined;
    if (!spec) return {};
    let w = this.windows.get(cat);
    if (!w) this.windows.set(cat, (w = []));
    let drop = 0;
    while (drop < w.length && w[drop] <= now - spec.windowMs) drop++;
    if (drop) w.splice(0, drop);
    if (w.length >= spec.limit) {
      const secs = Math.max(1, Math.ceil((w[0] + spec.windowMs - now) / 1000));
      let headers: Record<string, string> = {};
      if (this.opts.rateLimitHeaders === 'userendpoint') {
        headers = userEndpointHeaders(spec.limit, 0, secs);
      } else if (this.opts.rateLimitHeaders) {
        headers['retry-after'] = String(secs);
        headers['x-ratelimit-limit'] = String(spec.limit);
        headers['x-ratelimit-remaining'] = '0';
        headers['x-ratelimit-reset'] = resetValue(secs);
      }
      // the quota slot taken above is given back: a rejected request does not count
      const c = this.quotaCount.get(cat);
      if (quota !== undefined && c) c.n--;
      return { limited: json(429, { code: 8, message: MESSAGES.rateLimited }, headers) };
    }
    w.push(now);
    if (!this.opts.rateLimitHeaders) return {};
    const secs = Math.max(1, Math.ceil((w[0] + spec.windowMs - now) / 1000));
    if (this.opts.rateLimitHeaders === 'userendpoint')
      return { headers: userEndpointHeaders(spec.limit, Math.max(0, spec.limit - w.length), secs) };
    return {
      headers: {
        'x-ratelimit-limit': String(spec.limit),
        'x-ratelimit-remaining': String(Math.max(0, spec.limit - w.length)),
        'x-ratelimit-reset': resetValue(secs),
      },
    };
  }
}
