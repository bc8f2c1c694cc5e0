// Behaviours of the real API found after the first version: attribution combinations Pinterest
// refuses, beta targeting types an account lacks, the closed-beta reporting time zone, and a clock that can
// pass midnight during a read. Pure checks over the options; server.ts and analytics.ts call them.
import { ApiError } from './answers';
import { BETA_TARGETING_TYPES } from '../src/pinterest/limits';
import type { SimulatorOptions } from './types';

const bad = (message: string) => new ApiError(400, 1, message);

/**
 * With `acceptedAttributionWindows`, a click / engagement / view triple outside the list is refused as
 * Pinterest does (400 {code:1}); windows left out count as the API's defaults (30, 30, 1).
 */
export function refuseAttribution(opts: SimulatorOptions, click?: string, engagement?: string, view?: string): void {
  const accepted = opts.acceptedAttributionWindows;
  if (!accepted) return;
  const triple: [number, number, number] = [Number(click ?? 30), Number(engagement ?? 30), Number(view ?? 1)];
  if (accepted.some((t) => t[0] === triple[0] && t[1] === triple[1] && t[2] === triple[2])) return;
  throw bad(
    `Invalid conversion attribution windows: click_window_days=${triple[0]}, engagement_window_days=${triple[1]}, view_window_days=${triple[2]} is not a supported combination.`,
  );
}

/** The targeting types an ad account refuses: `refusedTargetingTypes`, and the beta types where it lacks the beta. */
function refusedTypesOf(opts: SimulatorOptions, accountId: string): string[] {
  const without = opts.accountsWithoutBeta;
  const beta = without === 'all' || without?.includes(accountId) ? BETA_TARGETING_TYPES : [];
  return [...(opts.refusedTargetingTypes ?? []), ...beta];
}

/**
 * A request naming a type the account refuses gets 400 (synchronous targeting analytics and report creation
 * alike). The wording of the real refusal is UNCONFIRMED (simulator/README.md).
 */
export function refuseTargetingTypes(opts: SimulatorOptions, types: string[], accountId: string): void {
  const refusedHere = refusedTypesOf(opts, accountId);
  const refused = types.filter((t) => refusedHere.includes(t));
  if (!refused.length) return;
  if (opts.refusedTargetingTypesNamed === false) throw bad('Invalid ad account targeting analytics parameters.');
  throw bad(`Invalid parameter targeting_types: ${refused.join(', ')} is not available for this ad account (beta).`);
}

/** With `refuseReportingTimezone`, AD_ACCOUNT_TIME_ZONE (a closed beta) is refused. */
export function refuseReportingTimezone(opts: SimulatorOptions, value: string | undefined): void {
  if (opts.refuseReportingTimezone && value === 'AD_ACCOUNT_TIME_ZONE') {
    throw bad(
      'Invalid parameter reporting_timezone: AD_ACCOUNT_TIME_ZONE is not available for this ad account (closed beta).',
    );
  }
}

const DAY_MS = 86_400_000;

/**
 * The simulator's calendar: the dataset's today plus the days the clock advanced (by `advanceDay()` or
 * after `advanceDayAfterRequests` requests). The date limits and the Date header follow it; the data do not
 * change (a day's values stay what they were).
 */
export class SimClock {
  private offset = 0;
  private requests = 0;
  constructor(
    private readonly datasetDay: number,
    private readonly opts: SimulatorOptions,
  ) {}

  /** Counts an API request; the day advances when the knob's count is reached (before this one is answered). */
  onRequest(path: string): void {
    if (this.opts.advanceDayCounting !== undefined && !path.includes(this.opts.advanceDayCounting)) return;
    this.requests++;
    if (this.opts.advanceDayAfterRequests !== undefined && this.requests === this.opts.advanceDayAfterRequests + 1)
      this.offset++;
  }

  advance(days = 1): void {
    this.offset += days;
  }

  get day(): number {
    return this.datasetDay + this.offset;
  }

  /** The HTTP Date header: the simulated day at the real time of day. */
  dateHeader(now = Date.now()): string {
    return new Date(this.day * DAY_MS + (now % DAY_MS)).toUTCString();
  }
}

/** Conversion columns (counts and values) that keep growing while late conversions arrive. */
const CONVERSION_COLUMN = /CONVERSION|CHECKOUT|SIGNUP|LEAD|ADD_TO_CART|PAGE_VISIT|CUSTOM|SUBSCRIBE|WISHLIST/;

/**
 * With `lateConversions`, a day's conversion counts and values (DAY rows of the ads-analytics endpoints)
 * are reported in part until the longest attribution window of the request + 2 days (Pinterest's ~37 hours
 * of processing) have passed on the clock: at age a of settle days, (a + 1) / (settle + 1) of the final value.
 * Ground truth holds the final values. `raw` holds fillRow's numbers for `specs`, changed in place.
 */
export function unsettle(
  specs: ReadonlyArray<{ name: string; kind: string }>,
  raw: number[],
  ageDays: number,
  settleDays: number,
  wholeUnits: boolean,
): void {
  if (ageDays >= settleDays) return;
  const share = (Math.max(0, ageDays) + 1) / (settleDays + 1);
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i];
    if (Number.isNaN(raw[i]) || !CONVERSION_COLUMN.test(s.name)) continue;
    if (s.kind === 'count') raw[i] = Math.floor(raw[i] * share);
    // Micro amounts of a currency without minor units stay whole units (multiples of 10^6).
    else if (s.kind === 'micro')
      raw[i] = wholeUnits ? Math.floor((raw[i] * share) / 1e6) * 1e6 : Math.floor(raw[i] * share);
  }
}

/** The settle time of a request's windows (the API's defaults when absent), or undefined when the knob is off. */
export function settleDays(
  opts: SimulatorOptions,
  click?: string,
  engagement?: string,
  view?: string,
): number | undefined {
  if (!opts.lateConversions) return undefined;
  return Math.max(Number(click ?? 30), Number(engagement ?? 30), Number(view ?? 1)) + 2;
}
