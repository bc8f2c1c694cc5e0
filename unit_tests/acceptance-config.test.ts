/**
 * The files Airbyte's own acceptance tests (CAT) run from are true to the connector: the image tag is the one
 * the README builds and metadata.yaml names, threshold_days allows the lookback the connector re-reads on
 * purpose, and the sample config is a valid config whose ad account the bundled simulator serves.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { AUTHORIZE_SCOPES } from '../src/authorize/consent';
import { defaultLookbackDays } from '../src/config/attribution';
import { parseConfig } from '../src/config/load';
import { STREAMS } from '../src/streams/definitions';
import { startSimulator, type Simulator } from '../simulator';
import { TODAY } from '../test_kit/constants';
import { runConnector, tempFiles } from '../test_kit/in-process';
import { connectorEnv } from '../test_kit/simulator-run';

const ROOT = resolve(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const cat = parse(read('acceptance-test-config.yml')) as {
  connector_image: string;
  acceptance_tests: Record<string, { tests: Array<Record<string, unknown>> }>;
};
const metadata = (
  parse(read('metadata.yaml')) as {
    data: { dockerRepository: string; dockerImageTag: string; suggestedStreams: { streams: string[] } };
  }
).data;
const sample = JSON.parse(read('integration_tests/sample_config.json')) as Record<string, unknown>;

test('the CAT image is the one the README builds and metadata.yaml names', () => {
  const built = /docker build -t (\S+) \./.exec(read('README.md'))?.[1];
  expect(built).toBeDefined();
  expect(cat.connector_image).toBe(built);
  expect(cat.connector_image).toBe(`${metadata.dockerRepository}:${metadata.dockerImageTag}`);
});

test("metadata.yaml's suggested streams are streams of the registry", () => {
  const names = STREAMS.map((s) => s.name);
  expect(metadata.suggestedStreams.streams.filter((s) => !names.includes(s))).toEqual([]);
});

test('every incremental CAT test allows the default lookback as threshold_days', () => {
  const defaults = parseConfig({
    credentials: { auth_method: 'access_token', access_token: 'pina_placeholder_access_token' },
  });
  const tests = cat.acceptance_tests.incremental.tests;
  expect(tests.length).toBeGreaterThan(0);
  for (const t of tests) expect(t.threshold_days).toBe(defaultLookbackDays(defaults));
  expect(defaults.lookback_days).toBe(defaultLookbackDays(defaults));
});

test('the sample config is a valid config that names the scopes authorize asks for', () => {
  expect(() => parseConfig(sample)).not.toThrow();
  expect([...(sample._scopes as string[])].sort()).toEqual([...AUTHORIZE_SCOPES].sort());
  expect(read('integration_tests/sample_config.json')).not.toMatch(/\bsix scopes\b/);
});

describe('the sample config against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ today: TODAY });
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  }, 60_000);

  test('check succeeds with its ad account with the simulator credentials filled in', async () => {
    const credentials: Record<string, string> = {
      ...(sample.credentials as Record<string, string>),
      client_secret: sim.credentials.clientSecret,
      refresh_token: sim.credentials.refreshToken,
    };
    expect(credentials.client_id).toBe(sim.credentials.clientId);
    const files = tempFiles({ config: { ...sample, credentials } });
    const r = await runConnector(['check', '--config', files.config], { env: connectorEnv(sim) });
    const status = r.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
    expect(status).toMatchObject({ status: 'SUCCEEDED' });
  }, 60_000);
});
