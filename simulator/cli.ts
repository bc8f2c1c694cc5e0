/**
 * Standalone Pinterest API simulator.
 *
 *   npx tsx simulator/cli.ts --port 0 --today 2026-06-30 [--seed N] [--size S|M|L|DEFAULT] ...
 *
 * Prints one JSON line on stdout: {"url":"http://127.0.0.1:PORT/v5","clientId",...,"control":"http://127.0.0.1:PORT/__sim"}
 * then serves until SIGTERM / SIGINT, when it prints its stats (incl. its own CPU time) as one JSON line on
 * stderr (and into --stats-file). Flags:
 *   --port N                      default 0 (any free port)
 *   --host H                      default 127.0.0.1
 *   --today YYYY-MM-DD            default: real UTC today
 *   --seed N                      default 1
 *   --size S|M|L|DEFAULT          preset (default DEFAULT)
 *   --size-json '{"adAccounts":2}'  knobs merged over the preset
 *   --rotate-refresh-token
 *   --access-token-ttl SECONDS    default 3600
 *   --rate-limits standard|trial|off|JSON   standard: ads_analytics 300/min, ads_read 1000/min, org_* 1000/min and 300/min
 *   --rate-limit-headers          send X-RateLimit-* and Retry-After
 *   --rate-limit-reset-format seconds|epoch
 *   --daily-quota JSON            e.g. '{"ads_analytics":1000}'
 *   --faults SPEC                 'rate=0.05,kinds=http500+http503+drop,seed=3,slowMs=2000,includeToken' or JSON
 *   --interests-gone [404|410|503]
 *   --scopes a,b,c
 *   --consent allow|deny|wrong_state|invalid_code   what the consent page GET /oauth/ does (default allow)
 *   --redirect-uris URI,URI       redirect URIs registered in the app (default: any)
 *   --latency-ms N
 *   --targeting-ids-as-strings    (default: numbers, as in the OpenAPI example)
 *   --no-unknown-fields           (default: AdAccount.time_zone from API 5.28 is sent)
 *   --no-request-log              keep no request log (long benchmarks)
 *   --cache-mb N                  byte budget of the response cache in MiB (default 256; benchmarks of L want more)
 *   --no-pin-analytics-beta       the app lacks the GET /pins/analytics beta (pin_analytics per pin: the "before")
 *   --reports JSON                report knobs (reports.ts), e.g. '{"pollsUntilReady":2,"failRate":0.2,"repeat":200}'
 *   --stats-file FILE             write the final stats JSON there on exit
 *   --ground-truth-config FILE --ground-truth-out FILE   write groundTruth(cfg) (then keep serving)
 */
import { readFileSync, writeFileSync } from 'node:fs';

import {
  startSimulator,
  SIZES,
  type FaultKind,
  type RateCategory,
  type RateLimitSpec,
  type SimulatorOptions,
  type SizeKnobs,
} from './index';

const RATE_LIMIT_PRESETS: Record<string, Partial<Record<RateCategory, RateLimitSpec>>> = {
  standard: {
    ads_analytics: { limit: 300, windowMs: 60_000 },
    ads_read: { limit: 1000, windowMs: 60_000 },
    org_read: { limit: 1000, windowMs: 60_000 },
    org_analytics: { limit: 300, windowMs: 60_000 },
  },
};

function parseArgs(argv: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      out.set(a.slice(2, eq), a.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.set(a.slice(2), next);
      i++;
    } else out.set(a.slice(2), true);
  }
  return out;
}

function str(args: Map<string, string | true>, k: string): string | undefined {
  const v = args.get(k);
  return typeof v === 'string' ? v : undefined;
}

function parseFaults(spec: string): SimulatorOptions['faults'] {
  if (spec.trim().startsWith('{')) return JSON.parse(spec);
  const f: NonNullable<SimulatorOptions['faults']> = { rate: 0, kinds: [] };
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=');
    if (k === 'rate') f.rate = Number(v);
    else if (k === 'kinds') f.kinds = v.split('+') as FaultKind[];
    else if (k === 'seed') f.seed = Number(v);
    else if (k === 'slowMs') f.slowMs = Number(v);
    else if (k === 'includeToken') f.includeToken = v === undefined || v === 'true';
    else throw new Error(`unknown fault option ${k}`);
  }
  return f;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const preset = (str(args, 'size') ?? 'DEFAULT').toUpperCase() as keyof typeof SIZES;
  if (!SIZES[preset]) throw new Error(`unknown size ${preset} (S, M, L, DEFAULT)`);
  const size: SizeKnobs = { ...SIZES[preset], ...(str(args, 'size-json') ? JSON.parse(str(args, 'size-json')!) : {}) };
  const rl = str(args, 'rate-limits');
  let rateLimits: SimulatorOptions['rateLimits'] = false;
  let dailyQuota: SimulatorOptions['dailyQuota'] = str(args, 'daily-quota')
    ? JSON.parse(str(args, 'daily-quota')!)
    : undefined;
  if (rl === 'standard') rateLimits = RATE_LIMIT_PRESETS.standard;
  else if (rl === 'trial')
    dailyQuota = { ads_analytics: 1000, ads_read: 1000, org_read: 1000, org_analytics: 1000, ...(dailyQuota ?? {}) };
  else if (rl && rl !== 'off') rateLimits = JSON.parse(rl);
  const gone = args.get('interests-gone');
  const opts: SimulatorOptions = {
    port: Number(str(args, 'port') ?? 0),
    host: str(args, 'host') ?? '127.0.0.1',
    today: str(args, 'today'),
    seed: str(args, 'seed') !== undefined ? Number(str(args, 'seed')) : 1,
    size,
    rotateRefreshToken: args.has('rotate-refresh-token'),
    accessTokenTtlSeconds: str(args, 'access-token-ttl') ? Number(str(args, 'access-token-ttl')) : undefined,
    rateLimits,
    rateLimitHeaders: args.has('rate-limit-headers'),
    rateLimitResetFormat: (str(args, 'rate-limit-reset-format') as 'seconds' | 'epoch' | undefined) ?? 'seconds',
    dailyQuota,
    faults: str(args, 'faults') ? parseFaults(str(args, 'faults')!) : undefined,
    interestsGone: gone === undefined ? false : gone === true ? true : (Number(gone) as 404 | 410 | 503),
    scopes: str(args, 'scopes')?.split(','),
    consent: str(args, 'consent') as SimulatorOptions['consent'],
    redirectUris: str(args, 'redirect-uris')?.split(','),
    latencyMs: str(args, 'latency-ms') ? Number(str(args, 'latency-ms')) : undefined,
    targetingIdsAsNumbers: !args.has('targeting-ids-as-strings'),
    unknownFields: !args.has('no-unknown-fields'),
    logRequests: !args.has('no-request-log'),
    cacheMaxBytes: str(args, 'cache-mb') ? Number(str(args, 'cache-mb')) * 1024 * 1024 : undefined,
    reports: str(args, 'reports') ? JSON.parse(str(args, 'reports')!) : undefined,
    ...(args.has('no-pin-analytics-beta') ? { pinAnalyticsBeta: false } : {}),
  };
  const sim = await startSimulator(opts);
  const gtCfg = str(args, 'ground-truth-config');
  const gtOut = str(args, 'ground-truth-out');
  if (gtCfg && gtOut) writeFileSync(gtOut, JSON.stringify(sim.groundTruth(JSON.parse(readFileSync(gtCfg, 'utf8')))));
  process.stdout.write(
    JSON.stringify({
      url: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      refreshToken: sim.credentials.refreshToken,
      staticAccessToken: sim.credentials.staticAccessToken,
      today: sim.today,
      seed: sim.seed,
      size: preset,
      control: sim.url.replace(/\/v5$/, '/__sim'),
      pid: process.pid,
    }) + '\n',
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const stats = sim.stats();
    await sim.close();
    const line = JSON.stringify({ stats });
    process.stderr.write(line + '\n');
    const sf = str(args, 'stats-file');
    if (sf) writeFileSync(sf, line + '\n');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`simulator: ${err?.stack ?? err}\n`);
  process.exit(2);
});
