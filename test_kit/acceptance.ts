/**
 * The acceptance suite's shared pieces: a simulator per test file, the connector spawned as a process
 * (node dist/main.js, as Airbyte runs it), and the assertions Airbyte's Connector Acceptance Tests make
 * (Airbyte's connector acceptance tests), written here against exact expectations.
 */
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { DEFAULT_COLUMNS } from '../src/config/schema';
import { MAIN, spawnConnector, type Spawned, type SpawnOptions } from './spawn';
import { TODAY } from './constants';
import { ofType, records, states, statuses } from './messages';
import { connectorEnv, oauthConfig } from './simulator-run';
import { startSimulator, type Simulator, type SimulatorOptions, type GroundTruth } from '../simulator';
import { protocolErrors } from './protocol';
import { configureCatalog } from './catalog';
import { ACCEPTANCE_CONFIG } from '../scripts/lib/acceptance-config';

export { ACCEPTANCE_CONFIG };

export interface Harness {
  sim: Simulator;
  dir: string;
  env: Record<string, string>;
  config: Record<string, unknown>;
  configPath: string;
  write(name: string, content: unknown): string;
  run(args: string[], opts?: SpawnOptions): Promise<CatRun>;
  /** Discovers, then reads the streams `keep` accepts in one sync mode, from `opts.state` if given (the simulator's log reset before the read). */
  readStreams(
    keep: (name: string) => boolean,
    mode: 'full_refresh' | 'incremental',
    opts?: SpawnOptions & { state?: unknown },
  ): Promise<CatRun>;
  truth(): GroundTruth;
  close(): Promise<void>;
}

export async function startHarness(
  simOpts: SimulatorOptions = {},
  configExtra: Record<string, unknown> = {},
): Promise<Harness> {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does it).');
  const sim = await startSimulator({ today: TODAY, ...simOpts });
  const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-cat-'));
  const config = oauthConfig(sim, { ...ACCEPTANCE_CONFIG, ...configExtra });
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const env = connectorEnv(sim, { PINTEREST_RETRY_BASE_MS: '5' });
  const configPath = write('config.json', config);
  const run = async (args: string[], opts?: SpawnOptions) =>
    new CatRun(await spawnConnector(args, { ...opts, env: { ...env, ...opts?.env } }));
  return {
    sim,
    dir,
    env,
    config,
    configPath,
    write,
    run,
    readStreams: async (keep, mode, opts) => {
      const discover = await run(['discover', '--config', configPath]);
      const streams = discover.ofType('CATALOG')[0].catalog.streams.filter((s: { name: string }) => keep(s.name));
      const args = [
        'read',
        '--config',
        configPath,
        '--catalog',
        write(`catalog-${mode}.json`, configureCatalog(streams, mode)),
      ];
      const { state, ...spawnOpts } = opts ?? {};
      if (state) args.push('--state', write('state.json', state));
      sim.resetLog();
      return run(args, spawnOpts);
    },
    truth: () =>
      sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: ACCEPTANCE_CONFIG.window_days }),
    close: () => sim.close(),
  };
}

/** One connector run's messages, with the checks every CAT test makes of stdout. */
export class CatRun {
  readonly messages: Array<Record<string, any>>;
  constructor(readonly result: Spawned) {
    this.messages = result.messages;
    if (result.junk.length) throw new Error(`stdout carried non-JSON lines: ${result.junk.slice(0, 3).join(' | ')}`);
    for (const m of this.messages) {
      const errors = protocolErrors(m);
      if (errors.length)
        throw new Error(
          `a message violates the Airbyte protocol (${errors.join('; ')}): ${JSON.stringify(m).slice(0, 300)}`,
        );
    }
  }
  get exitCode() {
    return this.result.exitCode;
  }
  ofType(type: string) {
    return ofType(this.messages, type);
  }
  /** RECORD payloads (`m.record`: stream, data, emitted_at), of one stream or all. */
  records(stream?: string) {
    return this.ofType('RECORD')
      .filter((m) => !stream || m.record.stream === stream)
      .map((m) => m.record);
  }
  data(stream?: string) {
    return records(this.messages, stream);
  }
  states(stream?: string) {
    return states(this.messages, stream);
  }
  traces(type = 'ERROR') {
    return this.ofType('TRACE')
      .filter((m) => m.trace.type === type)
      .map((m) => m.trace);
  }
  statuses(stream: string): string[] {
    return statuses(this.messages, stream);
  }
  streamsWithRecords() {
    return new Set(this.records().map((r) => r.stream));
  }
}

/** CAT's record validation: draft-7, strict types, CAT's date-time regex, and no undeclared top-level fields. */
export function recordValidator(schema: Record<string, unknown>) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('date-time', /^\d{4}-\d?\d-\d?\d(\s|T)\d?\d:\d?\d:\d?\d(.\d+)?.*$/);
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return ajv.compile({ ...rest, additionalProperties: false });
}

export const primaryKeyOf = (stream: Record<string, any>, data: Record<string, any>): string =>
  JSON.stringify(
    (stream.source_defined_primary_key as string[][]).map((path) => path.reduce((v: any, k) => v?.[k], data)),
  );
