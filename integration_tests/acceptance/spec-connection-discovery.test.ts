/** CAT spec, connection and discovery tests against the built connector. */
import { STREAMS } from '../../src/streams/definitions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ROOT } from '../../test_kit/spawn';
import { startHarness, type Harness } from '../../test_kit/acceptance';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

describe('spec', () => {
  test('emits exactly one SPEC, equal to spec.json, that sample_config.json validates against', async () => {
    const run = await h.run(['spec']);
    expect(run.exitCode).toBe(0);
    const specs = run.ofType('SPEC');
    expect(specs).toHaveLength(1);
    expect(specs[0].spec).toEqual(readJson('spec.json'));
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(specs[0].spec.connectionSpecification);
    expect(validate(readJson('integration_tests/sample_config.json'))).toBe(true);
    expect(validate(h.config)).toBe(true);
  });

  test('runs from any working directory and through sh -c with relative paths', async () => {
    const run = await h.run(['spec'], { cwd: '/' });
    expect(run.ofType('SPEC')).toHaveLength(1);
  });
});

describe('connection', () => {
  test('succeed: exactly one CONNECTION_STATUS SUCCEEDED', async () => {
    const run = await h.run(['check', '--config', h.configPath]);
    expect(run.exitCode).toBe(0);
    const statuses = run.ofType('CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('SUCCEEDED');
  });

  test('failed: invalid_config.json gives exactly one CONNECTION_STATUS FAILED naming the problem, exit 0', async () => {
    const run = await h.run(['check', '--config', join(ROOT, 'integration_tests/invalid_config.json')]);
    expect(run.exitCode).toBe(0);
    const statuses = run.ofType('CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('FAILED');
    expect(statuses[0].connectionStatus.message).toMatch(/client_id|client_secret|refresh/i);
    expect(run.traces()).toHaveLength(0);
  });

  test('failed: a revoked refresh token is FAILED with a re-authenticate message', async () => {
    const path = h.write('revoked.json', {
      ...h.config,
      credentials: { ...(h.config.credentials as object), refresh_token: 'pinr_revoked_0123456789' },
    });
    const run = await h.run(['check', '--config', path]);
    const status = run.ofType('CONNECTION_STATUS')[0].connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/re-authenticate/);
  });

  test('failed: an ad account the token cannot read is named', async () => {
    const path = h.write('foreign-account.json', { ...h.config, ad_account_ids: ['999999999'] });
    const run = await h.run(['check', '--config', path]);
    const status = run.ofType('CONNECTION_STATUS')[0].connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('999999999');
  });

  test('exception: a command line without --config is one TRACE ERROR and a non-zero exit', async () => {
    const run = await h.run(['check']);
    expect(run.exitCode).not.toBe(0);
    const traces = run.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0].error.message).toBeTruthy();
  });
});

describe('discovery', () => {
  let streams: Array<Record<string, any>>;
  beforeAll(async () => {
    const run = await h.run(['discover', '--config', h.configPath]);
    expect(run.exitCode).toBe(0);
    const catalogs = run.ofType('CATALOG');
    expect(catalogs).toHaveLength(1);
    streams = catalogs[0].catalog.streams;
  });

  test('one catalog with every stream of the registry, unique names, full_refresh first', () => {
    expect(streams.map((s) => s.name)).toEqual(STREAMS.map((d) => d.name));
    expect(new Set(streams.map((s) => s.name)).size).toBe(streams.length);
    for (const s of streams) {
      expect(s.supported_sync_modes.length).toBeGreaterThan(0);
      expect(s.supported_sync_modes[0]).toBe('full_refresh');
    }
  });

  test('every schema is draft-07 valid, without $ref, allOf, not, or additionalProperties other than true', () => {
    const ajv = new Ajv({ strict: false });
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (path.endsWith('.properties')) {
          walk(v, `${path}.${k}`);
          continue;
        }
        expect([`${path}.${k}`, ['$ref', 'allOf', 'not'].includes(k)]).toEqual([`${path}.${k}`, false]);
        if (k === 'additionalProperties') expect(v).toBe(true);
        walk(v, `${path}.${k}`);
      }
    };
    for (const s of streams) {
      expect(ajv.validateSchema(s.json_schema)).toBe(true);
      expect(s.json_schema.type).toBe('object');
      walk(s.json_schema, s.name);
    }
  });

  test('cursor fields and primary keys exist and are scalar', () => {
    for (const s of streams) {
      const props = s.json_schema.properties;
      for (const key of s.source_defined_primary_key) {
        const prop = props[key[0]];
        expect([s.name, key[0], !!prop]).toEqual([s.name, key[0], true]);
        const types = [prop.type].flat();
        expect(types.some((t: string) => t === 'object' || t === 'array')).toBe(false);
      }
      if (s.supported_sync_modes.includes('incremental')) {
        expect(s.source_defined_cursor).toBe(true);
        expect(s.is_resumable).toBe(true);
        expect(props[s.default_cursor_field[0]]).toBeDefined();
      }
    }
  });
});

describe('Airbyte CAT files', () => {
  test('acceptance-test-config.yml names only files that exist (secrets/ aside) and covers every core suite', () => {
    const { parse } = require('yaml') as typeof import('yaml');
    const cfg = parse(readFileSync(join(ROOT, 'acceptance-test-config.yml'), 'utf8'));
    expect(cfg.test_strictness_level).toBe('high');
    for (const suite of ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental']) {
      expect([suite, !!(cfg.acceptance_tests[suite]?.tests || cfg.acceptance_tests[suite]?.bypass_reason)]).toEqual([
        suite,
        true,
      ]);
    }
    const paths: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k.endsWith('_path') && typeof v === 'string') paths.push(v);
        else walk(v);
      }
    };
    walk(cfg.acceptance_tests);
    expect(paths.length).toBeGreaterThan(4);
    for (const p of paths) {
      if (p.startsWith('secrets/')) continue;
      expect([p, require('node:fs').existsSync(join(ROOT, p))]).toEqual([p, true]);
    }
  });

  test('configured_catalog.json names every discovered stream with supported modes', async () => {
    const configured = readJson('integration_tests/configured_catalog.json');
    const run = await h.run(['discover', '--config', h.configPath]);
    const discovered = new Map(run.ofType('CATALOG')[0].catalog.streams.map((s: any) => [s.name, s]));
    expect(configured.streams.map((c: any) => c.stream.name).sort()).toEqual([...discovered.keys()].sort());
    for (const c of configured.streams) {
      const d: any = discovered.get(c.stream.name);
      expect(d.supported_sync_modes).toContain(c.sync_mode);
    }
  });
});
