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
import {
  BETA_TARGETING_TYPES,
  REACH_COLUMNS,
  REACH_RELIABLE_DAYS,
  REPORT_TARGETING_TYPES,
  SYNC_HISTORY_DAYS,
  columnsRefusedAtLevel,
} from './pinterest/limits';
import type { AnalyticsDefinition } from './streams/definition';
import { adsAnalyticsParts, STREAMS } from './streams/definitions';
import { reportBody, reportLevel, requestParts, syncQuery } from './streams/request-parts';
import { addDays, type Day } from './util/dates';

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

/** The built-in streams that read days older than the synchronous endpoints serve from reports. */
function reportStreams(): AnalyticsDefinition[] {
  return STREAMS.filter((d): d is AnalyticsDefinition => d.kind === 'analytics' && d.report !== false && !!d.level);
}

/**
 * What the built-in streams' reports will meet, said before a sync: columns a level cannot carry (left out
 * of those reports), reach and frequency asked for days older than third parties trust them, and one small
 * report per reporting level the streams ask for — one day, the configured columns, a targeting type every
 * account has — created and not waited for. A refusal is a warning naming the streams: the days the
 * synchronous endpoints serve are read either way.
 */
export async function probeBuiltInReports(
  requester: Requester,
  config: ConnectorConfig,
  adAccountId: string | undefined,
  today: Day,
  warn: (message: string) => void,
): Promise<void> {
  const start = config.start_date;
  if (!start || start >= addDays(today, -(SYNC_HISTORY_DAYS - 1))) return;
  const columns = config.columns ?? [];
  const reach = columns.filter((c) => REACH_COLUMNS.includes(c));
  if (reach.length > 0 && start < addDays(today, -(REACH_RELIABLE_DAYS - 1)))
    warn(
      `${reach.join(', ')} asked from ${start}: reach and frequency older than about ${REACH_RELIABLE_DAYS} days are unreliable (third parties' experience); consider a later start_date for them.`,
    );
  const byLevel = new Map<string, AnalyticsDefinition[]>();
  for (const def of reportStreams()) {
    const level = reportLevel(def.level)!;
    byLevel.set(level, [...(byLevel.get(level) ?? []), def]);
  }
  const leftOut = [...byLevel].filter(([level]) => columnsRefusedAtLevel(level, columns).length > 0);
  if (leftOut.length > 0)
    warn(
      `Columns ${reach.join(', ')} are left out of the reports of ${leftOut.flatMap(([, defs]) => defs.map((d) => d.name)).join(', ')}: Pinterest does not report them at targeting levels (days older than ${SYNC_HISTORY_DAYS} are read from reports).`,
    );
  if (!adAccountId) return;
  requireNumericAdAccountId(adAccountId);
  const day = addDays(today, -1);
  for (const [level, defs] of byLevel) {
    const def = defs[0];
    const parts = requestParts(def, config);
    const refused = columnsRefusedAtLevel(level, parts.columns ?? []);
    parts.columns = parts.columns?.filter((c) => !refused.includes(c));
    const type = def.targeting?.types.find(
      (t) =>
        (REPORT_TARGETING_TYPES[level] ?? []).includes(t) &&
        !BETA_TARGETING_TYPES.includes(t) &&
        (!config.targeting_types || config.targeting_types.includes(t)),
    );
    if (def.targeting && !type) continue;
    try {
      await requester.json({
        method: 'POST',
        path: `/ad_accounts/${adAccountId}/reports`,
        category: 'ads_analytics',
        jsonBody: reportBody(parts, { start: day, end: day }, type ? [type] : undefined),
      });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      warn(
        `Pinterest refuses reports at level ${level} with this config (${err.apiMessage}): days older than ${SYNC_HISTORY_DAYS} of ${defs.map((d) => d.name).join(', ')} would fail; change the configured columns or start_date.`,
      );
    }
  }
}
