/**
 * What only Pinterest can judge about a custom report (a column or a targeting type its account may not
 * have): `check` sends one small report request per custom report — one day, the first readable ad account —
 * and turns a refusal into a config error naming the report. The report is created, not waited for.
 */
import type { ConnectorConfig } from '../config/schema';
import { ConnectorError } from '../errors';
import { ApiError } from '../http/errors';
import type { Requester } from '../http/requester';
import { addDays, type Day } from '../util/dates';
import { customStreams } from './custom-streams';

export async function checkCustomReports(requester: Requester, config: ConnectorConfig, adAccountId: string | undefined, today: Day): Promise<void> {
  if (!adAccountId) return;
  for (const def of customStreams(config)) {
    const settings = def.report || undefined;
    const params = def.params?.(config) ?? {};
    const day = settings?.granularity === 'HOUR' ? today : addDays(today, -1);
    const body: Record<string, unknown> = {
      start_date: day,
      end_date: day,
      granularity: settings?.granularity ?? 'DAY',
      level: settings?.level,
      columns: String(params.columns).split(','),
      click_window_days: params.click_window_days,
      engagement_window_days: params.engagement_window_days,
      view_window_days: params.view_window_days,
      conversion_report_time: params.conversion_report_time,
      report_format: 'JSON',
      ...(settings?.targetingTypes ? { targeting_types: settings.targetingTypes } : {}),
      ...settings?.filters,
    };
    try {
      await requester.json({ method: 'POST', path: `/ad_accounts/${encodeURIComponent(adAccountId)}/reports`, category: 'ads_analytics', jsonBody: body });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        throw new ConnectorError(`Custom report ${JSON.stringify(def.name.slice('custom_'.length))} (${def.name}): Pinterest refused it: ${err.apiMessage}`, 'config_error');
      }
      throw err;
    }
  }
}
