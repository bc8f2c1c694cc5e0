/**
 * What `check` asks beyond "can we sign in": which of the granted scopes the data needs, and whether
 * Pinterest accepts the configured attribution settings — so a refusal is one FAILED here, never a
 * failure in the middle of a sync.
 */
import type { ConnectorConfig } from './config/schema';
import { attributionParams } from './config/attribution';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from './config/spec';
import { ConnectorError } from './errors';
import { ApiError } from './http/errors';
import type { Requester } from './http/requester';
import { adsAnalyticsParts } from './streams/definitions';
import { syncQuery } from './streams/request-parts';
import type { Day } from './util/dates';

export interface ScopeFindings {
  missing: string[];
  leftOut: string[];
}

/** The required scopes the token lacks, and what each missing optional scope leaves out. */
export function scopeFindings(granted: readonly string[]): ScopeFindings {
  return {
    missing: REQUIRED_SCOPES.filter((s) => !granted.includes(s)),
    leftOut: Object.entries(OPTIONAL_SCOPES)
      .filter(([s]) => !granted.includes(s))
      .map(([s, what]) => `without ${s} ${what}`),
  };
}

/**
 * Pinterest's ad account ids are digits. One from an answer that is anything else ("../x", "1?y=") is not
 * put into a request path: the answer is not Pinterest's, or not one to trust.
 */
function requireNumericAdAccountId(id: string): void {
  if (!/^[0-9]{1,30}$/.test(id)) {
    throw new ConnectorError(
      `Pinterest listed an ad account whose id ${JSON.stringify(id.slice(0, 40))} is not a number: it was not used in a request. Check PINTEREST_API_URL.`,
      'system_error',
    );
  }
}

/**
 * One ad-account analytics request (one day, no ids: the cheapest valid analytics request) with the
 * configured columns and attribution settings. A 400 becomes a config error naming those fields.
 */
export async function probeAnalyticsSettings(
  requester: Requester,
  config: ConnectorConfig,
  adAccountId: string,
  day: Day,
): Promise<void> {
  requireNumericAdAccountId(adAccountId);
  const settings = attributionParams(config);
  try {
    await requester.json({
      path: `/ad_accounts/${adAccountId}/analytics`,
      category: 'ads_analytics',
      query: syncQuery(adsAnalyticsParts(config), { start: day, end: day }),
    });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    const fields = Object.entries(settings)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    const named = [...Object.keys(settings), 'columns'].filter((k) => err.apiMessage.includes(k));
    throw new ConnectorError(
      `Pinterest refuses analytics requests with this config's settings (${fields.join(', ')}${config.columns ? ', the configured columns' : ''}): ` +
        `"${err.apiMessage}". Change ${named.length ? named.map((k) => `'${k}'`).join(', ') : 'these fields'} to a combination Pinterest accepts; every analytics stream would fail otherwise.`,
      'config_error',
    );
  }
}
