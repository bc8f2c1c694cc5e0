/**
 * What only Pinterest can judge about a custom report (a column or a targeting type its account may not
 * have): `check` sends one small report request per custom report — one day, the first readable ad account —
 * and turns a refusal into a config error naming the report. The report is created, not waited for.
 */
import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import { ApiError } from '../http/errors';
import type { Requester } from '../http/requester';
import { customStreams } from '../streams/custom-reports';
import { reportBody, requestParts } from '../streams/request-parts';
import { addDays, type Day } from '../util/dates';

export async function checkCustomReports(
  requester: Requester,
  config: ConnectorConfig,
  adAccountId: string | undefined,
  today: Day,
): Promise<void> {
  if (!adAccountId) return;
  for (const def of customStreams(config)) {
    const parts = requestParts(def, config);
    const day = parts.granularity === 'HOUR' ? today : addDays(today, -1);
    const body = reportBody(parts, { start: day, end: day }, (def.report || undefined)?.targetingTypes);
    try {
      await requester.json({
        method: 'POST',
        path: `/ad_accounts/${encodeURIComponent(adAccountId)}/reports`,
        category: 'ads_analytics',
        jsonBody: body,
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        throw new ConnectorError(
          `Custom report ${JSON.stringify(def.name.slice('custom_'.length))} (${def.name}): Pinterest refused it: ${err.apiMessage}`,
          'config_error',
        );
      }
      throw err;
    }
  }
}
