/**
 * spec.json: equal to buildSpec() and to what `spec` prints; every rule of Airbyte's spec checks (what CAT's
 * TestSpec enforces); the values docs/contract.md §2 fixes; and agreement between the zod schema and spec.json,
 * with cases derived from spec.json itself so that a drift on either side fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { buildSpec, SCOPES } from '../src/config/spec';
import { ConfigSchema } from '../src/config/schema';
import { parseConfig } from '../src/config/load';
import { runConnector } from '../test_kit/in-process';

type Schema = Record<string, any>;

const specJson: Schema = JSON.parse(readFileSync(join(__dirname, '..', 'spec.json'), 'utf8'));
const cs: Schema = specJson.connectionSpecification;
const props: Record<string, Schema> = cs.properties;

/** CAT fails these names when they are not marked airbyte_secret. */
const SECRET_NAMES = [
  'client_token',
  'access_token',
  'api_token',
  'token',
  'secret',
  'client_secret',
  'password',
  'key',
  'service_account_info',
  'service_account',
  'tenant_id',
  'certificate',
  'jwt',
  'credentials',
  'app_id',
  'appid',
  'refresh_token',
];
/** client_id is not in CAT's list, but Airbyte's Pinterest spec has always hidden it; nothing else may be. */
const MAY_BE_SECRET = new Set([...SECRET_NAMES, 'client_id']);
const FORBIDDEN = [
  'not',
  'anyOf',
  'patternProperties',
  'prefixItems',
  'allOf',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependentRequired',
];
const CONTRACT_SCOPES = [
  'boards:read',
  'boards:read_secret',
  'pins:read',
  'pins:read_secret',
  'user_accounts:read',
  'ads:read',
  'catalogs:read',
];
const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

interface Visit {
  schema: Schema;
  path: string;
  name?: string;
  depth: number;
}

/** Every sub-schema of the connection specification, with the property name it sits under. */
function walk(schema: Schema, path = '', name?: string, depth = 0, out: Visit[] = []): Visit[] {
  out.push({ schema, path, name, depth });
  for (const [k, v] of Object.entries(schema.properties ?? {}))
    walk(v as Schema, `${path}.properties.${k}`, k, depth + 1, out);
  (schema.oneOf ?? []).forEach((o: Schema, i: number) => walk(o, `${path}.oneOf[${i}]`, undefined, depth, out));
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items))
    walk(schema.items, `${path}.items`, undefined, depth, out);
  return out;
}
const visits = walk(cs);
const typesOf = (s: Schema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/** Resolves a config path (["credentials","refresh_token"]) in the spec, looking through oneOf options. */
function resolveConfigPath(path: string[]): Schema[] {
  let current: Schema[] = [cs];
  for (const key of path) {
    const next: Schema[] = [];
    for (const s of current) {
      const options = s.oneOf ? s.oneOf : [s];
      for (const o of options) if (o.properties?.[key]) next.push(o.properties[key]);
    }
    current = next;
  }
  return current;
}

describe('spec.json is what the code builds and prints', () => {
  test('spec.json deep-equals buildSpec() (run `npm run generate:spec` after changing the schema)', () => {
    expect(specJson).toEqual(JSON.parse(JSON.stringify(buildSpec())));
  });

  test('`spec` prints exactly one SPEC message carrying spec.json, and exits 0', async () => {
    const r = await runConnector(['spec']);
    expect(r.exitCode).toBe(0);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0].type).toBe('SPEC');
    expect(r.messages[0].spec).toEqual(specJson);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  test('the SPEC advertises its documentation URL', () => {
    expect(specJson.documentationUrl).toMatch(/^https:\/\/docs\.airbyte\.com\//);
  });
});

describe("Airbyte's spec rules", () => {
  test('root: draft-07 $schema, type object, required, additionalProperties true', () => {
    expect(cs.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(cs.type).toBe('object');
    expect(cs.required).toEqual(['credentials']);
    expect(cs.additionalProperties).toBe(true);
  });

  test('additionalProperties is true wherever it is set (connection spec and OAuth specs)', () => {
    const all: Schema[] = [];
    const collect = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        all.push(v as Schema);
        Object.values(v).forEach(collect);
      }
    };
    collect(specJson);
    const withKey = all.filter((o) => 'additionalProperties' in o);
    expect(withKey.length).toBeGreaterThan(0);
    for (const o of withKey) expect(o.additionalProperties).toBe(true);
  });

  test('every property named like a secret is airbyte_secret (unless const or not a scalar)', () => {
    const checked: string[] = [];
    for (const v of visits) {
      if (!v.name || !SECRET_NAMES.includes(v.name)) continue;
      const scalar = typesOf(v.schema).some((t) => ['string', 'number', 'integer'].includes(t));
      if (!scalar || 'const' in v.schema) continue;
      checked.push(v.path);
      expect({ path: v.path, airbyte_secret: v.schema.airbyte_secret }).toEqual({ path: v.path, airbyte_secret: true });
    }
    expect(checked.sort()).toEqual(
      [
        '.properties.credentials.oneOf[0].properties.client_secret',
        '.properties.credentials.oneOf[0].properties.refresh_token',
        '.properties.credentials.oneOf[1].properties.access_token',
      ].sort(),
    );
  });

  test('airbyte_secret is never on a boolean, a const, or a field that is not a credential', () => {
    const flagged = visits.filter((v) => 'airbyte_secret' in v.schema);
    expect(flagged.length).toBeGreaterThan(0);
    for (const v of flagged) {
      expect(v.schema.airbyte_secret).toBe(true);
      expect(typesOf(v.schema)).not.toContain('boolean');
      expect(v.schema).not.toHaveProperty('const');
      expect(MAY_BE_SECRET.has(v.name ?? '')).toBe(true);
      expect(v.path).toMatch(/^\.properties\.credentials\.oneOf\[\d\]\.properties\./);
    }
  });

  test('`order` is unique within each object (and present on every top-level field)', () => {
    for (const v of visits) {
      if (!v.schema.properties) continue;
      const orders = Object.values(v.schema.properties as Record<string, Schema>)
        .map((p) => p.order)
        .filter((o) => o !== undefined);
      expect({ path: v.path, orders: new Set(orders).size }).toEqual({ path: v.path, orders: orders.length });
      for (const o of orders) expect(Number.isInteger(o)).toBe(true);
    }
    for (const [k, p] of Object.entries(props))
      expect({ k, hasOrder: typeof p.order }).toEqual({ k, hasOrder: 'number' });
  });

  test('every top-level field has a title and a description', () => {
    for (const [k, p] of Object.entries(props)) {
      expect({ k, title: typeof p.title, description: typeof p.description }).toEqual({
        k,
        title: 'string',
        description: 'string',
      });
    }
  });

  test.each(['start_date', 'end_date'])(
    '%s is a date field: format, pattern, pattern_descriptor, examples that match',
    (name) => {
      const p = props[name];
      expect(p).toMatchObject({
        type: 'string',
        format: 'date',
        pattern: DATE_PATTERN,
        pattern_descriptor: 'YYYY-MM-DD',
      });
      expect(Array.isArray(p.examples) && p.examples.length).toBeTruthy();
      for (const e of p.examples) expect(e).toMatch(new RegExp(DATE_PATTERN));
      expect(cs.required).not.toContain(name);
    },
  );

  test('credentials: a oneOf under type object, OAuth first, auth_method the one const discriminator', () => {
    const c = props.credentials;
    expect(c.type).toBe('object');
    expect(Array.isArray(c.oneOf)).toBe(true);
    expect(c.oneOf).toHaveLength(2);
    for (const o of c.oneOf as Schema[]) {
      expect(o.type).toBe('object');
      expect(typeof o.title).toBe('string');
      expect(Object.keys(o.properties ?? {}).length).toBeGreaterThan(0);
      expect(o.required).toContain('auth_method');
    }
    const [oauth, token] = c.oneOf as Schema[];
    expect(oauth.properties.auth_method.const).toBe('oauth2.0');
    expect(Object.keys(oauth.properties).sort()).toEqual([
      'auth_method',
      'client_id',
      'client_secret',
      'refresh_token',
    ]);
    expect(token.properties.auth_method.const).toBe('access_token');
    expect(Object.keys(token.properties).sort()).toEqual(['access_token', 'auth_method']);
    // Exactly one property is common to every option and const in all of them.
    const common = Object.keys(oauth.properties).filter((k) => (c.oneOf as Schema[]).every((o) => o.properties[k]));
    const consts = common.filter((k) => (c.oneOf as Schema[]).every((o) => 'const' in o.properties[k]));
    expect(consts).toEqual(['auth_method']);
    for (const o of c.oneOf as Schema[]) {
      const d = o.properties.auth_method;
      if ('default' in d) expect(d.default).toBe(d.const);
      if ('enum' in d) expect(d.enum).toEqual([d.const]);
    }
    // Every secret of docs/contract.md §2 is required in its option.
    expect([...oauth.required].sort()).toEqual(['auth_method', 'client_id', 'client_secret', 'refresh_token']);
    expect([...token.required].sort()).toEqual(['access_token', 'auth_method']);
  });

  test('no forbidden keyword, $ref, or display_type outside a oneOf; group only at the top level', () => {
    for (const v of visits) {
      for (const k of FORBIDDEN)
        expect({ path: v.path, keyword: k, present: k in v.schema }).toEqual({
          path: v.path,
          keyword: k,
          present: false,
        });
      expect(v.schema).not.toHaveProperty('$ref');
      if ('display_type' in v.schema) {
        expect(v.schema.oneOf).toBeDefined();
        expect(['dropdown', 'radio']).toContain(v.schema.display_type);
      }
      if ('group' in v.schema) expect(v.depth).toBe(1);
    }
    expect(JSON.stringify(cs)).not.toContain('"$ref"');
    expect(cs).not.toHaveProperty('definitions');
    expect(cs).not.toHaveProperty('$defs');
  });

  test('types: a type array is [T] or [T,"null"]; objects have properties; items are single scalar or enum schemas', () => {
    for (const v of visits) {
      if (Array.isArray(v.schema.type)) {
        expect(v.schema.type.length === 1 || (v.schema.type.length === 2 && v.schema.type[1] === 'null')).toBe(true);
      }
      if (typesOf(v.schema).includes('object'))
        expect(Object.keys(v.schema.properties ?? {}).length + (v.schema.oneOf?.length ?? 0)).toBeGreaterThan(0);
      if (typesOf(v.schema).includes('array')) {
        const items = v.schema.items;
        expect(items && typeof items === 'object' && !Array.isArray(items)).toBe(true);
        expect(['object', 'string', 'number', 'integer'].includes(items.type) || Array.isArray(items.enum)).toBe(true);
      }
      if (Array.isArray(v.schema.enum))
        expect(new Set(v.schema.enum.map((e: unknown) => JSON.stringify(e))).size).toBe(v.schema.enum.length);
      if ('default' in v.schema && Array.isArray(v.schema.enum)) expect(v.schema.enum).toContainEqual(v.schema.default);
    }
  });

  test('advanced_auth: predicate on credentials.auth_method = oauth2.0, and it exists in oneOf[0]', () => {
    const a = specJson.advanced_auth;
    expect(a.auth_flow_type).toBe('oauth2.0');
    expect(a.predicate_key).toEqual(['credentials', 'auth_method']);
    expect(a.predicate_value).toBe('oauth2.0');
    expect(props.credentials.oneOf[0].properties.auth_method.const).toBe(a.predicate_value);
    expect(resolveConfigPath(a.predicate_key).map((s) => s.const)).toContain('oauth2.0');
  });

  test('advanced_auth: declarative OAuth input (consent URL, token URL, the seven scopes of docs/contract.md §2)', () => {
    const input = specJson.advanced_auth.oauth_config_specification.oauth_connector_input_specification;
    const consent = new URL(input.consent_url.replace(/\{\{.*?\}\}+/g, 'x'));
    expect(consent.origin + consent.pathname).toBe('https://www.pinterest.com/oauth/');
    for (const p of [
      '{{client_id_key}}={{client_id_value}}',
      '{{redirect_uri_key}}=',
      '{{scope_key}}=',
      '{{state_key}}={{state_value}}',
      'response_type=code',
    ]) {
      expect(input.consent_url).toContain(p);
    }
    expect(input.access_token_url).toBe('https://api.pinterest.com/v5/oauth/token');
    expect(input.scope.split(',').sort()).toEqual([...CONTRACT_SCOPES].sort());
    expect([...SCOPES].sort()).toEqual([...CONTRACT_SCOPES].sort());
    expect(input.access_token_headers.Authorization).toMatch(/^Basic /);
    expect(input.access_token_params).toMatchObject({ grant_type: 'authorization_code' });
    expect(input.extract_output).toEqual(['refresh_token']);
  });

  test('advanced_auth: output specs point at fields that exist in the OAuth option', () => {
    const o = specJson.advanced_auth.oauth_config_specification;
    expect(Object.keys(o.complete_oauth_server_input_specification.properties).sort()).toEqual([
      'client_id',
      'client_secret',
    ]);
    const withPaths: Array<[string, Schema]> = [
      ...Object.entries(o.complete_oauth_output_specification.properties as Record<string, Schema>),
      ...Object.entries(o.complete_oauth_server_output_specification.properties as Record<string, Schema>),
    ];
    expect(withPaths.map(([k]) => k).sort()).toEqual(['client_id', 'client_secret', 'refresh_token']);
    for (const [k, p] of withPaths) {
      expect(p.path_in_connector_config).toEqual(['credentials', k]);
      const targets = resolveConfigPath(p.path_in_connector_config);
      expect(targets).toHaveLength(1);
      expect(targets[0]).toBe(props.credentials.oneOf[0].properties[k]);
    }
  });
});

describe('docs/contract.md §2 values in spec.json', () => {
  test('bounds, defaults and enums', () => {
    expect(props.lookback_days).toMatchObject({ type: 'integer', minimum: 0, maximum: 89 });
    expect(props.lookback_days).not.toHaveProperty('default'); // the longest attribution window + 2, applied by the code
    expect(props.window_days).toMatchObject({ type: 'integer', minimum: 15, maximum: 90, default: 90 });
    expect(props.max_rate_limit_wait_seconds).toMatchObject({ type: 'integer', minimum: 0, default: 600 });
    expect(props.entity_statuses).toMatchObject({
      type: 'array',
      items: { enum: ['ACTIVE', 'PAUSED', 'ARCHIVED'] },
      default: ['ACTIVE', 'PAUSED', 'ARCHIVED'],
    });
    expect(props.ad_account_ids).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect('1234').toMatch(new RegExp(props.ad_account_ids.items.pattern));
    expect('../../x').not.toMatch(new RegExp(props.ad_account_ids.items.pattern));
    for (const [name, def] of [
      ['click_window_days', 30],
      ['engagement_window_days', 30],
      ['view_window_days', 1],
    ] as const) {
      expect(props[name]).toMatchObject({ type: 'integer', enum: [0, 1, 7, 14, 30, 60], default: def });
    }
    expect(props.conversion_report_time).toMatchObject({
      enum: ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'],
      default: 'TIME_OF_AD_ACTION',
    });
    expect(props.columns.items.enum).toContain('SPEND_IN_MICRO_DOLLAR');
    expect(props.columns).not.toHaveProperty('default'); // the README's default set is applied by the code
  });

  test('the zod schema and spec.json have the same fields', () => {
    expect(Object.keys(props).sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
  });
});

// ---------------------------------------------------------------------------------------------------------
// zod ⇔ spec.json agreement. Cases are derived from spec.json; each is checked by zod (parseConfig) and by a
// JSON Schema validator over spec.json (ajv, draft-07, with formats), and both must give the expected answer.

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validateSpec = ajv.compile(cs);

const VALID_OAUTH = {
  auth_method: 'oauth2.0',
  client_id: 'cid',
  client_secret: 'csecret-0123456789abc',
  refresh_token: 'pinr.rt-0123456789abcd',
};
const baseConfig = () => ({ credentials: { ...VALID_OAUTH } });

interface Case {
  name: string;
  config: Record<string, unknown>;
  ok: boolean;
}

function zodAccepts(config: unknown): boolean {
  try {
    parseConfig(config);
    return true;
  } catch {
    return false;
  }
}

/** Values that a property's schema accepts and rejects, read from the schema itself. */
function valueCases(s: Schema): Array<{ value: unknown; ok: boolean; why: string }> {
  const out: Array<{ value: unknown; ok: boolean; why: string }> = [];
  const t = typesOf(s)[0];
  if ('default' in s) out.push({ value: s.default, ok: true, why: 'default' });
  for (const e of s.examples ?? []) out.push({ value: e, ok: true, why: 'example' });
  if (Array.isArray(s.enum)) {
    for (const e of s.enum) out.push({ value: e, ok: true, why: `enum ${e}` });
    if (t === 'integer') {
      const outside = [-1, 2, 3, Math.max(...s.enum) + 1].filter((n) => !s.enum.includes(n));
      for (const n of outside) out.push({ value: n, ok: false, why: `not in enum: ${n}` });
    } else {
      out.push({ value: `NOT_${s.enum[0]}`, ok: false, why: 'not in enum' });
    }
  }
  if (t === 'integer' || t === 'number') {
    if (typeof s.minimum === 'number') {
      if (!s.enum) out.push({ value: s.minimum, ok: true, why: 'minimum' });
      out.push({ value: s.minimum - 1, ok: false, why: 'below minimum' });
    }
    if (typeof s.maximum === 'number') {
      if (!s.enum) out.push({ value: s.maximum, ok: true, why: 'maximum' });
      out.push({ value: s.maximum + 1, ok: false, why: 'above maximum' });
    }
    out.push({ value: String(s.default ?? s.minimum ?? 1), ok: false, why: 'a string' });
    if (t === 'integer')
      out.push({ value: (s.enum ? s.enum[1] : (s.minimum ?? 0)) + 0.5, ok: false, why: 'not an integer' });
  }
  if (t === 'string') {
    out.push({ value: 12, ok: false, why: 'a number' });
    if (s.pattern) out.push({ value: 'not matching', ok: false, why: 'pattern' });
    if (s.format === 'date') {
      out.push({ value: '2026-02-30', ok: false, why: 'not a calendar date' });
      out.push({ value: '2024-02-29', ok: true, why: 'leap day' });
      out.push({ value: '2026-12-31', ok: true, why: 'year end' });
    }
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push({ value: '', ok: false, why: 'minLength' });
  }
  if (t === 'array') {
    out.push({ value: 'x', ok: false, why: 'not a list' });
    if (typeof s.minItems === 'number' && s.minItems > 0) out.push({ value: [], ok: false, why: 'minItems' });
    for (const item of valueCases(s.items)) {
      if (item.why === 'default') continue;
      out.push({ value: [item.value], ok: item.ok, why: `item ${item.why}` });
    }
    if (s.items.enum) out.push({ value: [...s.items.enum], ok: true, why: 'every enum value' });
    if (s.items.pattern) {
      out.push({ value: ['549755885175', '1'], ok: true, why: 'numeric ids' });
      out.push({ value: ['../../x'], ok: false, why: 'path' });
    }
  }
  return out;
}

function derivedCases(): Case[] {
  const cases: Case[] = [{ name: 'credentials only', config: baseConfig(), ok: true }];
  for (const [name, s] of Object.entries(props)) {
    if (name === 'credentials') continue;
    for (const c of valueCases(s))
      cases.push({
        name: `${name}: ${c.why} (${JSON.stringify(c.value)})`,
        config: { ...baseConfig(), [name]: c.value },
        ok: c.ok,
      });
  }
  // Credentials: every option, each required field missing, each minLength, an unknown discriminator.
  for (const option of props.credentials.oneOf as Schema[]) {
    const valid: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(option.properties as Record<string, Schema>))
      valid[k] = 'const' in p ? p.const : `value-of-${k}`;
    cases.push({ name: `credentials ${valid.auth_method}`, config: { credentials: valid }, ok: true });
    for (const k of option.required as string[]) {
      const { [k]: _, ...rest } = valid;
      cases.push({ name: `credentials ${valid.auth_method} without ${k}`, config: { credentials: rest }, ok: false });
    }
    for (const [k, p] of Object.entries(option.properties as Record<string, Schema>)) {
      if (typeof p.minLength === 'number' && p.minLength > 0)
        cases.push({
          name: `credentials ${valid.auth_method} empty ${k}`,
          config: { credentials: { ...valid, [k]: '' } },
          ok: false,
        });
    }
  }
  cases.push({
    name: 'credentials with an unknown auth_method',
    config: { credentials: { ...VALID_OAUTH, auth_method: 'api_key' } },
    ok: false,
  });
  cases.push({ name: 'no credentials', config: {}, ok: false });
  cases.push({ name: 'unknown and _ keys', config: { ...baseConfig(), _comment: 1, future_option: 'x' }, ok: true });
  return cases;
}

describe('zod and spec.json agree on cases derived from spec.json', () => {
  const cases = derivedCases();
  test('there are enough derived cases to mean something', () => {
    expect(cases.length).toBeGreaterThan(100);
    expect(cases.filter((c) => !c.ok).length).toBeGreaterThan(30);
  });
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect({ spec: validateSpec(c.config), zod: zodAccepts(c.config) }).toEqual({ spec: c.ok, zod: c.ok });
  });

  test('every spec default is the default zod applies; fields without a spec default stay unset', () => {
    const parsed = parseConfig(baseConfig()) as Record<string, unknown>;
    for (const [name, s] of Object.entries(props)) {
      if (name === 'credentials') continue;
      if ('default' in s) expect({ name, value: parsed[name] }).toEqual({ name, value: s.default });
      // Derived from other fields (the longest attribution window + 2), as its description says.
      else if (name === 'lookback_days') expect(s.description).toMatch(/longest of the three attribution windows \+ 2/);
      else expect({ name, value: parsed[name] }).toEqual({ name, value: undefined });
    }
  });
});
