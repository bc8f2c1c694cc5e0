/**
 * The registry is the only list of streams: a throw-away definition in a registry of the test's own (and
 * nothing else) is discovered, gets a schema from the generator that passes the schema rules, and is read
 * by the engine — its parent list shared with the parent's own stream, fetched once — against the simulator.
 */
import { PassThrough } from 'node:stream';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { main } from '../../src/main';
import { MessageWriter } from '../../src/protocol/output';
import type { ListDefinition } from '../../src/streams/definition';
import { STREAMS } from '../../src/streams/definitions';
import { StreamRegistry } from '../../src/streams/registry';
import { buildStreamSchema, extractEnums, loadOpenApi } from '../../scripts/generate-schemas';
import { startSimulator, streamOfRequest, type Simulator } from '../../test_kit/simulator';
import { OPENAPI_PATH } from '../../test_kit/openapi';
import { FAST_RETRY, tempFiles, wrap, type RunResult } from '../../test_kit/in-process';
import { parseAndValidate } from '../../test_kit/protocol';
import { catalogFor } from '../../test_kit/catalog';
import { TODAY } from '../../test_kit/constants';

// Sections of every board again, under a name of its own: a new stream partitioned by a parent list.
const THROWAWAY: ListDefinition = {
  kind: 'list',
  name: 'throwaway_sections',
  primaryKey: ['board_id', 'id'],
  category: 'org_read',
  path: '/boards/{board_id}/sections',
  partition: { by: 'parent', parent: { stream: 'boards' }, as: 'board_id' },
  carry: { board_id: 'board_id' },
};

let sim: Simulator;
let config: Record<string, unknown>;
let registry: StreamRegistry;
const env = () => ({ PINTEREST_API_URL: sim.url, PINTEREST_TODAY: TODAY, PINTEREST_RATE_LIMITS: 'off' });

/** The connector's command line, run in-process with the test's own registry. */
async function run(args: string[]): Promise<RunResult> {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d) => {
    stdout += d.toString();
  });
  const writer = new MessageWriter(out, 'debug');
  const exitCode = await main(args, { writer, env: env(), runtime: { retry: FAST_RETRY }, registry: () => registry });
  await writer.flush();
  return wrap(exitCode, parseAndValidate(stdout), stdout);
}

beforeAll(async () => {
  sim = await startSimulator({ today: TODAY });
  config = { credentials: { auth_method: 'access_token', access_token: sim.credentials.staticAccessToken } };
  // The schema comes from the generator, as `npm run generate:schemas` would write it.
  const doc = loadOpenApi(OPENAPI_PATH);
  registry = new StreamRegistry([
    ...STREAMS,
    { ...THROWAWAY, schema: buildStreamSchema(doc, extractEnums(doc), THROWAWAY) },
  ]);
});
afterAll(async () => {
  await sim?.close();
});

test('the built-in list of streams cannot be changed at run time', () => {
  expect(Object.isFrozen(STREAMS)).toBe(true);
  expect(STREAMS.some((d) => d.name === THROWAWAY.name)).toBe(false);
});

test('the generated schema follows the schema rules: draft-07, every field nullable, the keys declared as strings', () => {
  const schema = registry.get(THROWAWAY.name)!.schema!;
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  expect(ajv.validateSchema(schema)).toBe(true);
  const props = schema.properties as Record<string, { type: string[] }>;
  for (const key of THROWAWAY.primaryKey) expect([key, props[key]?.type]).toEqual([key, ['null', 'string']]);
  for (const [name, prop] of Object.entries(props)) expect([name, prop.type.includes('null')]).toEqual([name, true]);
  expect(JSON.stringify(schema)).not.toMatch(/"\$ref"|"allOf"|"oneOf"|"anyOf"|"additionalProperties":false/);
});

test('discover lists it with its key and schema', async () => {
  const f = tempFiles({ config });
  const r = await run(['discover', '--config', f.config]);
  expect(r.exitCode).toBe(0);
  const stream = r.messages
    .find((m) => m.type === 'CATALOG')!
    .catalog.streams.find((s: Record<string, unknown>) => s.name === THROWAWAY.name);
  expect(stream).toMatchObject({
    supported_sync_modes: ['full_refresh'],
    source_defined_primary_key: [['board_id'], ['id']],
  });
  expect(stream.json_schema).toEqual(registry.get(THROWAWAY.name)!.schema);
});

test('the engine reads it: the board sections, each with its board, the boards list fetched once for both streams', async () => {
  const f = tempFiles({ config, catalog: catalogFor([{ name: 'boards' }, { name: THROWAWAY.name }]) });
  sim.resetLog();
  const r = await run(['read', '--config', f.config, '--catalog', f.catalog]);
  expect(r.traces()).toEqual([]);
  expect(r.exitCode).toBe(0);
  const truth = sim.groundTruth({ today: TODAY, columns: ['SPEND_IN_DOLLAR'] });
  const sortById = (rows: Array<Record<string, unknown>>) =>
    [...rows].sort((a, b) => `${a.board_id}${a.id}`.localeCompare(`${b.board_id}${b.id}`));
  expect(truth.records.board_sections.length).toBeGreaterThan(0);
  expect(sortById(r.records(THROWAWAY.name))).toEqual(sortById(truth.records.board_sections));
  expect(r.records('boards')).toHaveLength(truth.records.boards.length);
  const boardsPages = sim.requestLog.filter((q) => streamOfRequest(q.method, q.path) === 'boards').length;
  expect(boardsPages).toBe(truth.minRequests.boards);
});
