/**
 * npm run demo: the connector's main job on the bundled Pinterest API simulator, no credentials needed.
 * Builds if needed, starts the simulator on a free port, runs spec, check, discover, a full-refresh read of
 * every stream and an incremental read from the state it got, then prints a per-stream summary.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startSimulator, streamOfRequest, DEFAULT_CREDENTIALS } from '../simulator';
import { lastStates, MAIN, ROOT, spawnConnector, type Spawned } from './lib/connector-process';

const OUT = join(ROOT, '.demo-output');

async function main(): Promise<void> {
  if (!existsSync(MAIN)) {
    console.error('Building the connector (npm run build)…');
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  }
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  const today = new Date().toISOString().slice(0, 10);
  const sim = await startSimulator({ today, rotateRefreshToken: false });
  const env = {
    PINTEREST_API_URL: sim.url,
    PINTEREST_TODAY: today,
    PINTEREST_RATE_LIMITS: 'off',
    LOG_LEVEL: 'info',
    PINTEREST_REPORT_POLL_MS: '100',
  };
  try {
    const config = {
      credentials: {
        auth_method: 'oauth2.0',
        client_id: DEFAULT_CREDENTIALS.clientId,
        client_secret: DEFAULT_CREDENTIALS.clientSecret,
        refresh_token: DEFAULT_CREDENTIALS.refreshToken,
      },
      lookback_days: 7,
      window_days: 30,
      // One custom report: weekly campaign spend, read through Pinterest's asynchronous reports.
      custom_reports: [
        {
          name: 'campaign_weekly',
          level: 'CAMPAIGN',
          granularity: 'WEEK',
          columns: ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'],
        },
      ],
    };
    const configPath = write('config.json', config);
    console.log(`Pinterest API simulator at ${sim.url} (today ${today})\n`);

    const spec = await step('spec', ['spec'], env);
    const specOk = spec.messages.some((m) => m.type === 'SPEC');
    const check = await step('check', ['check', '--config', configPath], env);
    const status = check.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
    const discover = await step('discover', ['discover', '--config', configPath], env);
    const streams: Array<Record<string, any>> =
      discover.messages.find((m) => m.type === 'CATALOG')?.catalog.streams ?? [];
    console.log(
      `spec: ${specOk ? 'ok' : 'MISSING'}  check: ${status?.status} (${status?.message ?? ''})  discover: ${streams.length} streams\n`,
    );

    const full = catalog(streams, () => 'full_refresh');
    sim.resetLog();
    const read1 = await step(
      'read-full-refresh',
      ['read', '--config', configPath, '--catalog', write('catalog_full_refresh.json', full)],
      env,
    );
    const requests1 = countRequests(sim.requestLog);
    const state = lastStates(read1.messages);
    const statePath = write('state.json', state);

    const incremental = catalog(streams, (s) =>
      s.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh',
    );
    sim.resetLog();
    const read2 = await step(
      'read-incremental',
      [
        'read',
        '--config',
        configPath,
        '--catalog',
        write('catalog_incremental.json', incremental),
        '--state',
        statePath,
      ],
      env,
    );
    const requests2 = countRequests(sim.requestLog);

    printSummary(`Full refresh of all ${streams.length} streams`, read1, requests1);
    printSummary(`Incremental from that state (lookback ${config.lookback_days} days)`, read2, requests2);
    const weekly = read1.messages
      .filter((m) => m.type === 'RECORD' && m.record.stream === 'custom_campaign_weekly')
      .map((m) => m.record.data);
    console.log(
      `Custom report custom_campaign_weekly (level CAMPAIGN, granularity WEEK: rows dated the Monday of their week): ${weekly.length} records, e.g.`,
    );
    for (const r of weekly.slice(0, 3)) console.log(`  ${JSON.stringify(r)}`);
    console.log('');
    console.log(
      `Raw messages: ${relative(process.cwd(), OUT)}/ (read-full-refresh.jsonl, read-incremental.jsonl, config, catalogs, state)`,
    );
    const failed = [read1, read2].some((r) => r.exitCode !== 0) || !specOk || status?.status !== 'SUCCEEDED';
    if (failed) {
      console.error('\nThe demo did not run cleanly: see the TRACE messages in the raw output.');
      process.exitCode = 1;
    }
  } finally {
    await sim.close();
  }
}

function write(name: string, content: unknown): string {
  const path = join(OUT, name);
  writeFileSync(path, JSON.stringify(content, null, 2) + '\n');
  return path;
}

function catalog(streams: Array<Record<string, any>>, mode: (s: Record<string, any>) => string) {
  return {
    streams: streams.map((s) => ({
      stream: s,
      sync_mode: mode(s),
      destination_sync_mode: mode(s) === 'incremental' ? 'append_dedup' : 'overwrite',
      primary_key: s.source_defined_primary_key,
    })),
  };
}

async function step(name: string, args: string[], env: Record<string, string>): Promise<Spawned> {
  const result = await spawnConnector(args, { env, rawOutput: join(OUT, `${name}.jsonl`) });
  if (result.junk.length)
    throw new Error(`${name}: stdout carried non-JSON lines: ${result.junk.slice(0, 3).join(' | ')}`);
  return result;
}

function countRequests(log: Array<{ path: string; method: string }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of log) {
    // Asynchronous reports (create and polls) are not one stream's by path: counted together.
    const stream = /^\/ad_accounts\/\d+\/reports$/.test(r.path)
      ? 'reports'
      : (streamOfRequest(r.method, r.path) ?? 'set-up');
    out.set(stream, (out.get(stream) ?? 0) + 1);
  }
  return out;
}

function printSummary(title: string, result: Spawned, requests: Map<string, number>): void {
  const rows = new Map<string, { records: number; start?: number; end?: number; cursor?: string; status?: string }>();
  for (const m of result.messages) {
    if (m.type === 'RECORD') {
      const r = rows.get(m.record.stream) ?? { records: 0 };
      r.records++;
      rows.set(m.record.stream, r);
    } else if (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS') {
      const name = m.trace.stream_status.stream_descriptor.name;
      const r = rows.get(name) ?? { records: 0 };
      if (m.trace.stream_status.status === 'STARTED') r.start = m.trace.emitted_at;
      else if (m.trace.stream_status.status !== 'RUNNING') {
        r.end = m.trace.emitted_at;
        r.status = m.trace.stream_status.status;
      }
      rows.set(name, r);
    } else if (m.type === 'STATE') {
      const name = m.state.stream.stream_descriptor.name;
      const r = rows.get(name) ?? { records: 0 };
      r.cursor = m.state.stream.stream_state?.date ?? '–';
      rows.set(name, r);
    }
  }
  console.log(`${title}: exit ${result.exitCode}, ${((result.endedAt - result.startedAt) / 1000).toFixed(1)} s`);
  const header = ['stream', 'records', 'requests', 'seconds', 'final cursor', 'status'];
  const table = [...rows.entries()].map(([name, r]) => [
    name,
    String(r.records),
    String(
      requests.get(name) ??
        (name.startsWith('ad_analytics')
          ? `${requests.get('ad_analytics|ad_analytics_daily') ?? 0}*`
          : name.startsWith('custom_')
            ? `${requests.get('reports') ?? 0}†`
            : 0),
    ),
    r.start && r.end ? ((r.end - r.start) / 1000).toFixed(2) : '',
    r.cursor ?? '–',
    r.status ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
  const setup = requests.get('set-up') ?? 0;
  console.log(
    `(+ ${setup} set-up requests: token, user account, ad accounts; * ad_analytics and ad_analytics_daily share one endpoint, counted together;`,
  );
  console.log(
    ` † asynchronous report requests, creates and polls, of all reports; the downloads go to another host)\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
