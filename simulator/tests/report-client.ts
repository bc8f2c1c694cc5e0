/** The simulator's report endpoints as its own tests call them: create a report, poll it until finished, download it. */
import type { Simulator } from '..';

/** `sim` is read at each call: test files start their simulator in beforeAll. */
export function reportClient(sim: () => Simulator) {
  const headers = () => ({ authorization: `Bearer ${sim().credentials.staticAccessToken}` });
  return {
    headers,
    /** POST /ad_accounts/{account}/reports with a January DAY report of two columns, overridden by `body`. */
    async create(account: string, body: Record<string, unknown>) {
      const res = await fetch(`${sim().url}/ad_accounts/${account}/reports`, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'application/json' },
        body: JSON.stringify({
          start_date: '2026-01-01',
          end_date: '2026-01-31',
          granularity: 'DAY',
          columns: ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION'],
          ...body,
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    },
    /** The report's file once a poll says FINISHED (at most 10 polls). */
    async fileText(account: string, token: string): Promise<string> {
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${sim().url}/ad_accounts/${account}/reports?token=${token}`, { headers: headers() });
        const answer = (await res.json()) as Record<string, any>;
        if (answer.report_status === 'FINISHED') return (await fetch(answer.url)).text();
      }
      throw new Error('the report never finished');
    },
  };
}
