/**
 * Checks the committed stream schemas (src/schemas/*.json) against:
 *  1. draft-07 and the Airbyte CAT rules (no $ref / allOf / not / oneOf / anyOf / additionalProperties:false);
 *  2. Pinterest's OpenAPI file, read independently of the generator (every field it defines for an
 *     entity stream's list item must be in our schema with a compatible type);
 *  3. the analytics columns / metric enums, and the generator's current output (stale-file check);
 *  4. the registry's primary keys and cursors.
 * Stream names, keys and shapes come from the one registry (src/streams/definitions.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { OPENAPI_FIXTURE } from '../reference';
import { STREAMS as DEFINITIONS, STREAMS_BY_NAME } from '../src/streams/definitions';
import { generateAll, listItemSchema, loadOpenApi, resolvePointer, serialize } from '../scripts/generate-schemas';

type AnySchema = any;

const SCHEMAS_DIR = path.resolve(__dirname, '../src/schemas');
const OPENAPI_PATH = process.env.OPENAPI_PATH || OPENAPI_FIXTURE;

const STREAMS = DEFINITIONS.map((d) => d.name);
const ENTITY = DEFINITIONS.filter((d) => d.kind === 'list' && !d.answer).map((d) => d.name);
const ANALYTICS = DEFINITIONS.flatMap((d) => (d.kind === 'analytics' ? [d] : []));
const ADS_ANALYTICS = ANALYTICS.filter((d) => d.rows === 'ads_columns' && !d.targeting).map((d) => d.name);
const TARGETING = ANALYTICS.filter((d) => d.rows === 'ads_columns' && d.targeting).map((d) => d.name);
const INCREMENTAL = ANALYTICS.map((d) => d.name);
const PRIMARY_KEYS: Record<string, string[]> = Object.fromEntries(DEFINITIONS.map((d) => [d.name, d.primaryKey]));
const CURSOR_FIELDS: Record<string, string | undefined> = Object.fromEntries(
  DEFINITIONS.map((d) => [d.name, d.cursorField]),
);
const pathOf = (stream: string) => STREAMS_BY_NAME.get(stream)!.path;

function readText(file: string): string {
  return fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8');
}
function readSchema(stream: string): AnySchema {
  return JSON.parse(readText(`${stream}.json`));
}
const enums: AnySchema = JSON.parse(readText('pinterest-enums.json'));

function typesOf(node: AnySchema): string[] | null {
  if (!node || node.type === undefined) return null; // untyped = any
  return Array.isArray(node.type) ? node.type : [node.type];
}

/** Visits every schema node (the root, property schemas, items), with its path. */
function walkSchemas(node: AnySchema, fn: (node: AnySchema, where: string) => void, where = '$'): void {
  if (!node || typeof node !== 'object') return;
  fn(node, where);
  if (node.properties && typeof node.properties === 'object') {
    for (const [k, v] of Object.entries(node.properties)) walkSchemas(v, fn, `${where}.${k}`);
  }
  if (node.items && typeof node.items === 'object') walkSchemas(node.items, fn, `${where}[]`);
}

/** Every keyword (not property name) found anywhere in a schema document. */
function forbiddenKeywords(root: AnySchema): string[] {
  const found: string[] = [];
  const visit = (node: AnySchema, where: string, isPropertyMap: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => visit(v, `${where}[${i}]`, false));
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (!isPropertyMap) {
        if (['$ref', 'allOf', 'not', 'oneOf', 'anyOf'].includes(k)) found.push(`${where}: ${k}`);
        if (k === 'additionalProperties' && v !== true)
          found.push(`${where}: additionalProperties=${JSON.stringify(v)}`);
        if (k === 'enum') found.push(`${where}: enum`);
      }
      visit(v, `${where}.${k}`, !isPropertyMap && k === 'properties');
    }
  };
  visit(root, '$', false);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Independent reading of the OpenAPI item schema: path -> { types (null = any), nullable }

interface Expected {
  types: Set<string> | null;
  nullable: boolean;
}
const MAX_DEPTH = 6;

function makeOpenApiReader(doc: AnySchema) {
  const deref = (s: AnySchema, stack: string[]): { s: AnySchema; stack: string[] } | null => {
    let cur = s;
    let st = stack;
    while (cur && typeof cur === 'object' && typeof cur.$ref === 'string') {
      if (st.includes(cur.$ref)) return null; // recursion: stop here
      st = [...st, cur.$ref];
      cur = resolvePointer(doc, cur.$ref);
    }
    return { s: cur, stack: st };
  };

  const parts = (s: AnySchema): AnySchema[] => [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])];

  /** Types a value can have (the union over compositions); null = any. */
  const typeInfo = (schema: AnySchema, stack: string[]): Expected => {
    const r = deref(schema, stack);
    if (!r) return { types: null, nullable: true };
    const s = r.s;
    let nullable = s.nullable === true;
    if (s.type !== undefined) return { types: new Set([s.type]), nullable };
    if (s.properties) return { types: new Set(['object']), nullable };
    if (s.items) return { types: new Set(['array']), nullable };
    if (Array.isArray(s.enum)) {
      return {
        types: new Set(
          s.enum.map((v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)),
        ),
        nullable,
      };
    }
    const ps = parts(s);
    if (ps.length === 0) return { types: null, nullable: true };
    let types: Set<string> | null = new Set();
    for (const p of ps) {
      const t = typeInfo(p, r.stack);
      nullable = nullable || t.nullable;
      if (t.types === null) {
        // An annotation-only allOf part carries no type; a oneOf/anyOf part without type means "any".
        if ((s.allOf ?? []).includes(p)) continue;
        types = null;
        break;
      }
      for (const x of t.types) types.add(x);
    }
    return { types: types && types.size === 0 ? null : types, nullable };
  };

  /** Every property (merged over compositions) and every items schema of a schema. */
  const children = (
    schema: AnySchema,
    stack: string[],
  ): { props: [string, AnySchema, string[]][]; items: [AnySchema, string[]][] } => {
    const r = deref(schema, stack);
    const out = { props: [] as [string, AnySchema, string[]][], items: [] as [AnySchema, string[]][] };
    if (!r) return out;
    const s = r.s;
    for (const [k, v] of Object.entries(s.properties ?? {})) out.props.push([k, v, r.stack]);
    if (s.items) out.items.push([s.items, r.stack]);
    for (const p of parts(s)) {
      const c = children(p, r.stack);
      out.props.push(...c.props);
      out.items.push(...c.items);
    }
    return out;
  };

  const collect = (
    schema: AnySchema,
    stack: string[],
    prefix: string,
    depth: number,
    out: Map<string, Expected[]>,
  ): void => {
    if (depth > MAX_DEPTH) return;
    const c = children(schema, stack);
    for (const [name, sub, st] of c.props) {
      const p = prefix ? `${prefix}.${name}` : name;
      const list = out.get(p) ?? [];
      list.push(typeInfo(sub, st));
      out.set(p, list);
      collect(sub, st, p, depth + 1, out);
    }
    for (const [sub, st] of c.items) {
      const p = `${prefix}[]`;
      const list = out.get(p) ?? [];
      list.push(typeInfo(sub, st));
      out.set(p, list);
      collect(sub, st, p, depth + 1, out);
    }
  };

  return {
    /** Expected fields of one list item schema, keyed by path (`a.b[]` for array items). */
    fields(itemSchema: AnySchema): Map<string, Expected[]> {
      const out = new Map<string, Expected[]>();
      collect(itemSchema, [], '', 0, out);
      return out;
    },
  };
}

/** Finds our schema node for a path; returns 'any' when an untyped ancestor accepts everything. */
function ourNode(schema: AnySchema, fieldPath: string): AnySchema | 'any' | undefined {
  const segments = fieldPath.replace(/\[\]/g, '.[]').split('.').filter(Boolean);
  let node = schema;
  for (const seg of segments) {
    if (node.type === undefined && !node.properties && !node.items) return 'any';
    node = seg === '[]' ? node.items : node.properties?.[seg];
    if (node === undefined) return undefined;
  }
  return node;
}

/** Problems for one entity stream: missing fields and incompatible types. */
function compareWithOpenApi(ours: AnySchema, expected: Map<string, Expected[]>): string[] {
  const problems: string[] = [];
  for (const [fieldPath, defs] of expected) {
    const node = ourNode(ours, fieldPath);
    if (node === undefined) {
      problems.push(`${fieldPath}: missing`);
      continue;
    }
    if (node === 'any') continue;
    const ourTypes = typesOf(node);
    if (ourTypes === null) continue; // untyped: accepts everything
    if (!ourTypes.includes('null')) problems.push(`${fieldPath}: not nullable`);
    for (const def of defs) {
      if (def.types === null) {
        problems.push(`${fieldPath}: the API allows any type, ours is ${JSON.stringify(ourTypes)}`);
        continue;
      }
      for (const t of def.types) {
        const ok = t === 'integer' ? ourTypes.includes('integer') || ourTypes.includes('number') : ourTypes.includes(t);
        if (!ok) problems.push(`${fieldPath}: API type ${t} not accepted by ${JSON.stringify(ourTypes)}`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

let generated: Record<string, object>;
let openapi: AnySchema;

beforeAll(() => {
  if (!fs.existsSync(OPENAPI_PATH)) {
    throw new Error(`OpenAPI file not found at ${OPENAPI_PATH} (run npm run generate:fixtures)`);
  }
  generated = generateAll(OPENAPI_PATH);
  openapi = loadOpenApi(OPENAPI_PATH);
});

describe('schema files', () => {
  it('exist for every stream of the registry, plus pinterest-enums.json', () => {
    for (const s of STREAMS) expect(fs.existsSync(path.join(SCHEMAS_DIR, `${s}.json`))).toBe(true);
    expect(new Set(STREAMS).size).toBe(STREAMS.length);
  });

  it('are committed exactly as the generator writes them now (not stale)', () => {
    expect(Object.keys(generated).sort()).toEqual([...STREAMS.map((s) => `${s}.json`), 'pinterest-enums.json'].sort());
    for (const [file, value] of Object.entries(generated)) {
      expect({ file, text: readText(file) }).toEqual({ file, text: serialize(value) });
    }
  });
});

describe('1. draft-07 and CAT rules', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  it.each(STREAMS)('%s is a valid draft-07 schema and compiles', (stream) => {
    const schema = readSchema(stream);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    expect(typeof schema.properties).toBe('object');
    const valid = ajv.validateSchema(schema);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it.each(STREAMS)(
    '%s has no $ref, allOf, not, oneOf, anyOf, enum or additionalProperties other than true',
    (stream) => {
      expect(forbiddenKeywords(readSchema(stream))).toEqual([]);
    },
  );

  it.each(STREAMS)('%s: every property at every depth is nullable or untyped', (stream) => {
    const bad: string[] = [];
    walkSchemas(readSchema(stream), (node, where) => {
      if (where === '$') return;
      const t = typesOf(node);
      if (t !== null && !t.includes('null')) bad.push(`${where}: ${JSON.stringify(t)}`);
      if (node.format && !['date', 'date-time'].includes(node.format)) bad.push(`${where}: format ${node.format}`);
    });
    expect(bad).toEqual([]);
  });

  it('the forbidden-keyword check itself catches violations', () => {
    const bad = {
      type: 'object',
      properties: {
        not: { type: ['null', 'string'] }, // a property called "not" is fine
        a: { $ref: '#/x' },
        b: { type: 'object', additionalProperties: false, properties: { c: { oneOf: [{}] } } },
      },
    };
    expect(forbiddenKeywords(bad)).toEqual([
      '$.properties.a: $ref',
      '$.properties.b: additionalProperties=false',
      '$.properties.b.properties.c: oneOf',
    ]);
  });
});

describe('2. entity streams cover the OpenAPI item schemas', () => {
  it.each(ENTITY)('%s: every OpenAPI field is present with a compatible type', (stream) => {
    const item = listItemSchema(openapi, pathOf(stream));
    expect(item.$ref).toMatch(/^#\/components\/schemas\//);
    const expected = makeOpenApiReader(openapi).fields(item);
    expect(expected.size).toBeGreaterThan(0);
    expect(compareWithOpenApi(readSchema(stream), expected)).toEqual([]);
  });

  it('audience_insights declares every field of the categories, demographic values and snapshot', () => {
    const props = Object.keys(readSchema('audience_insights').properties);
    const fields = (name: string) => Object.keys(openapi.components.schemas[name].properties);
    for (const f of [
      ...fields('AudienceCategory'),
      ...fields('AudienceDemographicValue'),
      'size',
      'size_is_upper_bound',
      'date',
    ])
      if (f !== 'subcategories') expect([f, props.includes(f)]).toEqual([f, true]);
  });

  it('fails when a field is removed or narrowed in our JSON', () => {
    const item = listItemSchema(openapi, pathOf('pins'));
    const expected = makeOpenApiReader(openapi).fields(item);
    const pins = readSchema('pins');
    expect(expected.has('media.items[].images.600x.url')).toBe(true);

    const removedTop = structuredClone(pins);
    delete removedTop.properties.board_id;
    expect(compareWithOpenApi(removedTop, expected)).toContain('board_id: missing');

    const removedDeep = structuredClone(pins);
    delete removedDeep.properties.media.properties.items.items.properties.images.properties['600x'].properties.url;
    expect(compareWithOpenApi(removedDeep, expected)).toContain('media.items[].images.600x.url: missing');

    const narrowed = structuredClone(pins);
    narrowed.properties.media.properties.duration.type = ['null', 'integer']; // API: number
    expect(compareWithOpenApi(narrowed, expected)).toContain(
      'media.duration: API type number not accepted by ["null","integer"]',
    );
  });

  it('merges Pin.media (oneOf of five variants, one with an anyOf) into one object', () => {
    const media = readSchema('pins').properties.media;
    expect(media.type).toEqual(['null', 'object']);
    for (const k of ['media_type', 'images', 'items', 'cover_image_url', 'video_url', 'duration', 'width', 'height']) {
      expect(media.properties).toHaveProperty(k);
    }
    expect(Object.keys(media.properties.items.items.properties)).toEqual(
      expect.arrayContaining(['item_type', 'images', 'title', 'link', 'video_url', 'cover_image_url']),
    );
  });

  it('keeps unix-second timestamps as integers and ISO date-times as formatted strings', () => {
    expect(readSchema('campaigns').properties.created_time).toEqual({
      type: ['null', 'integer'],
      description: expect.any(String),
    });
    expect(readSchema('boards').properties.created_at).toMatchObject({ type: ['null', 'string'], format: 'date-time' });
    expect(readSchema('pins').properties.created_at).toMatchObject({ type: ['null', 'string'], format: 'date-time' });
  });
});

describe('3. analytics streams', () => {
  it('pinterest-enums.json holds the OpenAPI lists', () => {
    // OpenAPI 5.23 counts.
    expect(enums.columns).toHaveLength(175);
    expect(enums.columns[0]).toBe('SPEND_IN_MICRO_DOLLAR');
    expect(new Set(enums.columns).size).toBe(enums.columns.length);
    expect(enums.targeting_types.campaign).toHaveLength(15);
    expect(enums.targeting_types.ad_group).toHaveLength(14);
    expect(enums.targeting_types.ad).toHaveLength(14);
    expect(enums.pin_standard_metric_types).toEqual([
      'IMPRESSION',
      'OUTBOUND_CLICK',
      'PIN_CLICK',
      'SAVE',
      'SAVE_RATE',
      'TOTAL_COMMENTS',
      'TOTAL_REACTIONS',
      'USER_FOLLOW',
      'PROFILE_VISIT',
    ]);
    expect(enums.pin_metric_types).toEqual(expect.arrayContaining(enums.pin_standard_metric_types));
    expect(enums.pin_metric_types).toEqual(expect.arrayContaining(['VIDEO_MRC_VIEW', 'VIDEO_AVG_WATCH_TIME']));
    expect(enums.user_account_metric_types).toEqual(expect.arrayContaining(['IMPRESSION', 'SAVE', 'ENGAGEMENT_RATE']));
    expect(enums.data_status).toEqual(expect.arrayContaining(['READY', 'PROCESSING']));
    expect(enums.currencies).toEqual(expect.arrayContaining(['USD', 'EUR', 'GBP']));
    expect(Object.keys(enums.column_types)).toEqual(enums.columns);
    for (const t of Object.values(enums.column_types)) expect(['number', 'string', 'any']).toContain(t);
    for (const c of [
      'CAMPAIGN_ID',
      'AD_GROUP_ID',
      'AD_ID',
      'AD_ACCOUNT_ID',
      'PIN_ID',
      'ADVERTISER_ID',
      'CAMPAIGN_NAME',
    ]) {
      expect(enums.column_types[c]).toBe('string');
    }
    for (const c of ['SPEND_IN_MICRO_DOLLAR', 'SPEND_IN_DOLLAR', 'CTR', 'TOTAL_CONVERSIONS', 'PAID_IMPRESSION']) {
      expect(enums.column_types[c]).toBe('number');
    }
  });

  it('pinterest-enums.json equals what the generator produces now', () => {
    expect(enums).toEqual(generated['pinterest-enums.json']);
  });

  const expectedColumnType = (column: string): string[] => {
    const t = enums.column_types[column];
    if (t === 'string') return ['null', 'string'];
    if (t === 'number') return ['null', 'number'];
    return ['null', 'string', 'number', 'boolean'];
  };

  it.each([...ADS_ANALYTICS, ...TARGETING])('%s declares every column (lower case) with its column type', (stream) => {
    const props = readSchema(stream).properties;
    for (const column of enums.columns as string[]) {
      const key = column.toLowerCase();
      expect({ key, present: key in props }).toEqual({ key, present: true });
      expect({ key, type: props[key].type }).toEqual({ key, type: expectedColumnType(column) });
    }
    const def = { idKey: PRIMARY_KEYS[stream][0] };
    expect(props[def.idKey].type).toEqual(['null', 'string']);
    expect(props.ad_account_id.type).toEqual(['null', 'string']);
    expect(props.currency.type).toEqual(['null', 'string']);
    expect(props.date).toMatchObject({ type: ['null', 'string'], format: 'date' });
    expect(props.data_ready.type).toEqual(['null', 'boolean']);
    const extra = TARGETING.includes(stream) ? ['targeting_type', 'targeting_value'] : [];
    for (const k of extra) expect(props[k].type).toEqual(['null', 'string']);
    const allowed = new Set([
      def.idKey,
      'date',
      'ad_account_id',
      'currency',
      'data_ready',
      ...extra,
      ...enums.columns.map((c: string) => c.toLowerCase()),
    ]);
    expect(Object.keys(props).filter((k) => !allowed.has(k))).toEqual([]);
  });

  it('pin_analytics declares every pin metric type', () => {
    const props = readSchema('pin_analytics').properties;
    expect(props.pin_id.type).toEqual(['null', 'string']);
    expect(props.data_status.type).toEqual(['null', 'string']);
    for (const m of enums.pin_metric_types as string[])
      expect(props[m.toLowerCase()]).toEqual({ type: ['null', 'number'] });
    expect(Object.keys(props)).toHaveLength(3 + enums.pin_metric_types.length);
  });

  it('user_account_analytics declares every user account metric type', () => {
    const props = readSchema('user_account_analytics').properties;
    expect(props.user_id.type).toEqual(['null', 'string']);
    expect(props.data_status.type).toEqual(['null', 'string']);
    for (const m of enums.user_account_metric_types as string[])
      expect(props[m.toLowerCase()]).toEqual({ type: ['null', 'number'] });
    // the split dimension and value of rows split by the config's split_field
    expect([props.split_field.type, props.split_value.type]).toEqual([
      ['null', 'string'],
      ['null', 'string'],
    ]);
    expect(Object.keys(props)).toHaveLength(5 + enums.user_account_metric_types.length);
  });

  it('validates typical records (ajv, strict integer, formats)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const row = {
      campaign_id: '547602124502',
      date: '2024-04-01',
      ad_account_id: '549755885175',
      currency: 'EUR',
      spend_in_dollar: 30,
      spend_in_micro_dollar: 30000000,
      ctr: 0.012,
      campaign_entity_status: 1,
      campaign_name: 'Spring',
      is_premiere_campaign: false,
      total_clickthrough: null,
    };
    const validate = ajv.compile(readSchema('campaign_analytics'));
    expect(validate(row) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...row, date: '01-04-2024' })).toBe(false);
    expect(validate({ ...row, spend_in_dollar: '30' })).toBe(false);

    const targeting = ajv.compile(readSchema('ad_targeting_analytics'));
    const trow = {
      ad_id: '1',
      targeting_type: 'LOCATION',
      targeting_value: '500',
      date: '2024-04-01',
      spend_in_dollar: 2,
    };
    expect(targeting(trow) ? [] : targeting.errors).toEqual([]);

    const pin = ajv.compile(readSchema('pin_analytics'));
    expect(pin({ pin_id: '1', date: '2024-04-01', data_status: 'READY', impression: 3, save_rate: 0.5 })).toBe(true);
  });
});

describe('4. primary keys and cursors (the registry)', () => {
  it.each(STREAMS)('%s: every primary-key field exists with a scalar type', (stream) => {
    const props = readSchema(stream).properties;
    for (const key of PRIMARY_KEYS[stream]) {
      expect({ key, present: key in props }).toEqual({ key, present: true });
      const t = typesOf(props[key]);
      expect(t).not.toBeNull();
      const nonNull = t!.filter((x) => x !== 'null');
      expect(nonNull.length).toBeGreaterThan(0);
      for (const x of nonNull) expect(['string', 'number', 'integer']).toContain(x);
      if (key === 'id' || key.endsWith('_id') || key === 'name' || key === 'username' || key.startsWith('targeting_')) {
        expect({ key, type: t }).toEqual({ key, type: ['null', 'string'] });
      }
    }
  });

  it.each(INCREMENTAL)('%s: the cursor `date` exists as a nullable date string', (stream) => {
    expect(CURSOR_FIELDS[stream]).toBe('date');
    expect(readSchema(stream).properties.date).toMatchObject({ type: ['null', 'string'], format: 'date' });
  });

  it('entity streams have no cursor, or `updated_time` where the API item carries it (a nullable number)', () => {
    for (const s of ENTITY) {
      const cursor = CURSOR_FIELDS[s];
      if (cursor === undefined) continue;
      expect([s, cursor]).toEqual([s, 'updated_time']);
      expect(readSchema(s).properties.updated_time.type).toEqual(expect.arrayContaining(['null']));
      expect(readSchema(s).properties.updated_time.type.some((t: string) => t === 'integer' || t === 'number')).toBe(
        true,
      );
    }
    expect(ENTITY.filter((s) => CURSOR_FIELDS[s])).toEqual([
      'campaigns',
      'ad_groups',
      'ads',
      'ad_accounts',
      'customer_lists',
    ]);
  });
});
