/**
 * Pinterest counts requests per rate-limit category (each operation's x-ratelimit-category) under a
 * universal per-second limit. One RateLimiter is shared by all concurrent work of a run: every category has
 * its own bottleneck limiter that spaces requests evenly over the window (never a burst that trips a
 * sliding window), chained to the universal one that also caps the requests in flight.
 */
import Bottleneck from 'bottleneck';
import { type QuotaExhaustedError, configError } from '../errors';
import { sleep } from '../util/async';

export type RateLimitCategory = 'ads_analytics' | 'ads_read' | 'org_read' | 'org_analytics' | 'catalogs_read';
interface Budget {
  limit: number;
  windowMs: number;
}
export type Budgets = Record<RateLimitCategory, Budget | null> & { universal: Budget | null };

/**
 * Standard access (Pinterest's rate-limit page). The org_* rows are not published: org_read takes the read
 * figure, and org_analytics a conservative 60/min (the one figure seen in the wild) — slower pin and user
 * analytics rather than 429s; an account with more raises it with PINTEREST_RATE_LIMITS (README).
 */
export const STANDARD_BUDGETS: Budgets = {
  ads_analytics: { limit: 300, windowMs: 60_000 },
  ads_read: { limit: 1000, windowMs: 60_000 },
  org_read: { limit: 1000, windowMs: 60_000 },
  org_analytics: { limit: 60, windowMs: 60_000 },
  // Unpublished as well: the general read figure.
  catalogs_read: { limit: 1000, windowMs: 60_000 },
  universal: { limit: 100, windowMs: 1_000 },
};

/** PINTEREST_RATE_LIMITS (tests, benchmarks, other access tiers): "off", or JSON overriding some budgets. */
export function budgetsFromEnv(value: string | undefined): Budgets {
  if (!value) return STANDARD_BUDGETS;
  if (value === 'off')
    return {
      ads_analytics: null,
      ads_read: null,
      org_read: null,
      org_analytics: null,
      catalogs_read: null,
      universal: null,
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw configError(
      `PINTEREST_RATE_LIMITS must be "off" or a JSON object of budgets, e.g. {"org_analytics": {"limit": 100, "windowMs": 60000}}; it is not JSON.`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw configError('PINTEREST_RATE_LIMITS must be "off" or a JSON object of budgets.');
  const out: Budgets = { ...STANDARD_BUDGETS };
  for (const [name, budget] of Object.entries(parsed)) {
    if (!(name in STANDARD_BUDGETS))
      throw configError(
        `PINTEREST_RATE_LIMITS names an unknown category "${name}"; known: ${Object.keys(STANDARD_BUDGETS).join(', ')}.`,
      );
    if (budget !== null && !isBudget(budget)) {
      throw configError(
        `PINTEREST_RATE_LIMITS: the budget of "${name}" must be null (no limit) or {"limit": n, "windowMs": ms} with positive numbers; a limit of 0 would never send a request.`,
      );
    }
    out[name as keyof Budgets] = budget as Budget | null;
  }
  return out;
}

function isBudget(value: unknown): value is Budget {
  const b = value as Budget;
  return (
    typeof b === 'object' &&
    b !== null &&
    Number.isFinite(b.limit) &&
    b.limit > 0 &&
    Number.isFinite(b.windowMs) &&
    b.windowMs > 0
  );
}

interface CategoryState {
  limiter: Bottleneck;
  blockedUntil: number;
  /** Set once the quota is spent beyond the allowed wait: later requests fail at once. */
  exhausted?: QuotaExhaustedError;
}

export class RateLimiter {
  private readonly universal: Bottleneck;
  private readonly categories = new Map<RateLimitCategory, CategoryState>();

  constructor(
    private readonly budgets: Budgets,
    maxConcurrent: number,
  ) {
    this.universal = new Bottleneck({ maxConcurrent, minTime: spacing(budgets.universal) });
  }

  private state(category: RateLimitCategory): CategoryState {
    let s = this.categories.get(category);
    if (!s) {
      const limiter = new Bottleneck({ minTime: spacing(this.budgets[category]) });
      limiter.chain(this.universal);
      s = { limiter, blockedUntil: 0 };
      this.categories.set(category, s);
    }
    return s;
  }

  /** Runs `fn` when the category's budget allows; fails fast once the category's quota is spent. */
  async schedule<T>(category: RateLimitCategory, fn: () => Promise<T>): Promise<T> {
    const s = this.state(category);
    if (s.exhausted) throw s.exhausted;
    return s.limiter.schedule(async () => {
      if (s.exhausted) throw s.exhausted;
      const wait = s.blockedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      return fn();
    });
  }

  /** After a 429 (or a spent X-RateLimit-Remaining): the whole category waits until `untilMs`. */
  block(category: RateLimitCategory, untilMs: number): void {
    const s = this.state(category);
    s.blockedUntil = Math.max(s.blockedUntil, untilMs);
  }

  markExhausted(error: QuotaExhaustedError): void {
    const s = this.state(error.category as RateLimitCategory);
    s.exhausted ??= error;
  }

  exhaustedCategories(): QuotaExhaustedError[] {
    return [...this.categories.values()].flatMap((s) => (s.exhausted ? [s.exhausted] : []));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.categories.values()].map((s) => s.limiter.disconnect()));
    await this.universal.disconnect();
  }
}

/** Even spacing of a budget; 1% slack so that clock jitter never crosses the server's window. */
function spacing(budget: Budget | null): number {
  if (!budget) return 0;
  return Math.ceil((budget.windowMs / budget.limit) * 1.01);
}
