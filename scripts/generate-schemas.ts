/**
 * Generates the stream JSON schemas (src/schemas/<stream>.json) and the enum file
 * (src/schemas/pinterest-enums.json) from Pinterest's official OpenAPI description.
 *
 *   npx tsx scripts/generate-schemas.ts
 *
 * Input: Pinterest's full OpenAPI description (OPENAPI_PATH, or the reference copy reference/index.ts
 * names). The output is committed, so neither the connector, its tests nor its Docker image need that file.
 *
 * What the generator emits (rules agreed for the connector, see docs/contract.md §3–§4):
 * - Draft-07 schemas, root `{"$schema", "type": "object", "properties"}`; every property nullable
 *   (`"type": ["null", T, ...]`).
 * - Everything inlined: no `$ref` (recursion is cut at depth 4: a $ref already expanded
 *   MAX_REF_RECURSION times on the current path becomes `{}`; none of the 7 entity schemas recurses), no `allOf` / `oneOf` / `anyOf` / `not`, no
 *   `additionalProperties` (neither false nor a schema: CAT only accepts it absent or true).
 * - `allOf`, `oneOf` and `anyOf` are merged into ONE permissive schema: the union of the parts'
 *   properties (merged recursively by name) and of their types (integer ∪ number = number; a oneOf /
 *   anyOf part without any type makes the result untyped `{}`, which accepts everything incl. null;
 *   an annotation-only allOf part adds no type). Untyped enums get the type of their values.
 *   Pin.media (oneOf of five media shapes, one of them containing an anyOf) therefore becomes one
 *   object with every key any variant defines.
 * - Kept keywords: `type`, `format` (only `date-time` / `date`, i.e. where the API gives an ISO string;
 *   `int64`, `double`, `uri`… dropped), `description`, `properties`, `items`.
 *   Dropped: `enum` (a new Pinterest value must not fail validation), `required`, `readOnly`, `example`,
 *   `default`, `title`, `pattern`, `min*`/`max*`, `discriminator`, `nullable` (folded into the type),
 *   and every `x-*` extension.
 * - List streams come from the `items` of the 200 response of their list operation (the definition's path),
 *   plus the parent ids they carry and the fields the definition declares beyond the OpenAPI file.
 * - Analytics streams are flat rows with lower-case keys (see buildAnalyticsSchemas).
 *
 * Every list in pinterest-enums.json is read from the OpenAPI file (operation parameters and response
 * components), never typed by hand. Only `column_types` is a classification made here (see
 * classifyColumn).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { existsSync } from 'fs';
import { FULL_OPENAPI, OPENAPI_FIXTURE } from '../reference';
import type {
  AnalyticsDefinition,
  ListDefinition,
  SnapshotDefinition,
  StreamDefinition,
} from '../src/streams/definition';
import { STREAMS } from '../src/streams/definitions';
import { BOARD_SNAPSHOT_FIELDS, PIN_METRICS_INTERVALS, PIN_METRICS_KEYS } from '../src/streams/organic';

// ---------------------------------------------------------------------------------------------
// Constants

// The full description where it is present; else the committed subset, which holds every endpoint under the
// connector's path prefixes (so a clone on its own can generate schemas too).
export const DEFAULT_OPENAPI_PATH = existsSync(FULL_OPENAPI) ? FULL_OPENAPI : OPENAPI_FIXTURE;
export const SCHEMAS_DIR = path.resolve(__dirname, '../src/schemas');
export const JSON_SCHEMA_DRAFT7 = 'http://json-schema.org/draft-07/schema#';

/** A $ref may appear this many times on the current expansion path; the next occurrence becomes `{}`. */
const MAX_REF_RECURSION = 4;

/** Stream names, keys, cursors and shapes come from the one registry: src/streams/definitions.ts. */
export const definitions = (): readonly StreamDefinition[] => STREAMS;
const adsAnalyticsStreams = () =>
  STREAMS.filter((d): d is AnalyticsDefinition => d.kind === 'analytics' && d.rows === 'ads_columns');
/** Ads-analytics streams with a synchronous endpoint (the enums are read from its parameters); report-only ones have none. */
const syncAdsAnalyticsStreams = () => adsAnalyticsStreams().filter((d) => !(d.report && d.report.reportsOnly));
const dailyMetricsStreams = () =>
  STREAMS.filter((d): d is AnalyticsDefinition => d.kind === 'analytics' && d.rows === 'daily_metrics');

/** The targeting level of a targeting stream's path: /ad_accounts/{id}/<level>s/targeting_analytics, or the account. */
export function targetingLevel(apiPath: string): string {
  const m = /^\/ad_accounts\/\{ad_account_id\}(?:\/(campaigns|ad_groups|ads))?\/targeting_analytics$/.exec(apiPath);
  if (!m) fail(`${apiPath} is not a targeting analytics path`);
  return m[1] ? m[1].replace(/s$/, '') : 'ad_account';
}

const AD_ACCOUNTS_PATH = '/ad_accounts';

export type ColumnType = 'number' | 'string' | 'any';

export interface PinterestEnums {
  columns: string[];
  targeting_types: Record<string, string[]>;
  pin_metric_types: string[];
  pin_standard_metric_types: string[];
  user_account_metric_types: string[];
  data_status: string[];
  currencies: string[];
  column_types: Record<string, ColumnType>;
  /** Filters and split of GET /user_account/analytics (also taken by the top-pins endpoints). */
  user_account_filters: Record<UserAccountFilter, string[]>;
  top_pins_sort_by: string[];
  top_video_pins_sort_by: string[];
  top_video_pins_metric_types: string[];
}

export const USER_ACCOUNT_FILTERS = [
  'content_type',
  'app_types',
  'source',
  'pin_format',
  'from_claimed_content',
  'split_field',
] as const;
type UserAccountFilter = (typeof USER_ACCOUNT_FILTERS)[number];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
// The OpenAPI document is untyped YAML; `any` keeps the walker readable.
type OpenApiDoc = any;
type OasSchema = any;

// ---------------------------------------------------------------------------------------------
// OpenAPI access helpers

export function loadOpenApi(openapiPath: string = DEFAULT_OPENAPI_PATH): OpenApiDoc {
  const text = fs.readFileSync(openapiPath, 'utf8');
  return parseYaml(text, { maxAliasCount: -1 });
}

function fail(message: string): never {
  throw new Error(`generate-schemas: ${message}`);
}

/** Resolves a local JSON pointer such as `#/components/schemas/Pin`. */
export function resolvePointer(doc: OpenApiDoc, ref: string): OasSchema {
  if (!ref.startsWith('#/')) fail(`unsupported $ref ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node == null || typeof node !== 'object' || !(key in node)) fail(`unresolved $ref ${ref}`);
    node = node[key];
  }
  return node;
}

/** Follows `$ref` chains (siblings of a $ref are ignored here: used for parameters/responses). */
function deref(doc: OpenApiDoc, node: OasSchema): OasSchema {
  let cur = node;
  for (let i = 0; cur && typeof cur === 'object' && typeof cur.$ref === 'string'; i++) {
    if (i > 32) fail(`$ref loop at ${node.$ref}`);
    cur = resolvePointer(doc, cur.$ref);
  }
  return cur;
}

/** The GET operation of a path; placeholders match by position ({section_id} and {board_section_id} alike). */
function getOperation(doc: OpenApiDoc, apiPath: string): OasSchema {
  const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
  const key =
    apiPath in (doc?.paths ?? {}) ? apiPath : Object.keys(doc?.paths ?? {}).find((p) => shape(p) === shape(apiPath));
  const op = key ? doc.paths[key]?.get : undefined;
  if (!op) fail(`GET ${apiPath} not found in the OpenAPI file`);
  return op;
}

/** A query parameter of a GET operation, by its `name`, with $refs resolved. */
function getQueryParameter(doc: OpenApiDoc, apiPath: string, name: string): OasSchema {
  const op = getOperation(doc, apiPath);
  for (const p of op.parameters ?? []) {
    const param = deref(doc, p);
    if (param?.name === name && param?.in === 'query') return param;
  }
  return fail(`GET ${apiPath} has no query parameter ${name}`);
}

/** The `enum` of a string schema (following $ref / allOf of one part). */
function enumOf(doc: OpenApiDoc, schema: OasSchema, where: string): string[] {
  const s = deref(doc, schema);
  if (Array.isArray(s?.enum)) return s.enum.map(String);
  if (Array.isArray(s?.allOf) && s.allOf.length === 1) return enumOf(doc, s.allOf[0], where);
  return fail(`no enum at ${where}`);
}

/** The 200 JSON response schema of a GET operation, with $refs resolved. */
function successSchema(doc: OpenApiDoc, apiPath: string): OasSchema {
  const op = getOperation(doc, apiPath);
  const resp = deref(doc, op.responses?.['200']);
  const schema = resp?.content?.['application/json']?.schema;
  if (!schema) fail(`GET ${apiPath} has no 200 application/json schema`);
  return deref(doc, schema);
}

/** Every definition of a property in a schema, following $ref and allOf parts (outermost first). */
function findPropertyAll(doc: OpenApiDoc, schema: OasSchema, name: string): OasSchema[] {
  const s = deref(doc, schema);
  if (!s || typeof s !== 'object') return [];
  const found: OasSchema[] = [];
  if (s.properties && name in s.properties) found.push(s.properties[name]);
  for (const part of s.allOf ?? []) found.push(...findPropertyAll(doc, part, name));
  return found;
}

function findProperty(doc: OpenApiDoc, schema: OasSchema, name: string): OasSchema | undefined {
  return findPropertyAll(doc, schema, name)[0];
}

/**
 * The schema of one item of a list operation's 200 response (`{items: [<item>], bookmark}`).
 * The responses are often `allOf: [Paginated, {items: [<Entity>]}]`, where Paginated's own `items`
 * is a generic `{type: object}`: the most specific definition (a $ref) wins.
 */
export function listItemSchema(doc: OpenApiDoc, apiPath: string): OasSchema {
  const arrays = findPropertyAll(doc, successSchema(doc, apiPath), 'items')
    .map((p) => deref(doc, p))
    .filter((a) => a && (a.type === 'array' || a.type === undefined) && a.items);
  if (arrays.length === 0) fail(`GET ${apiPath}: 200 response has no items array`);
  const specific = arrays.find((a) => typeof a.items.$ref === 'string');
  return (specific ?? arrays[arrays.length - 1]).items;
}

// ---------------------------------------------------------------------------------------------
// Schema conversion: OpenAPI 3.0 schema -> permissive, inlined, nullable draft-07 schema

const TYPE_ORDER = ['string', 'number', 'integer', 'boolean', 'object', 'array'];
const KEPT_FORMATS = new Set(['date-time', 'date']);

/** Intermediate, merge-friendly form of a schema. `types === null` means "any type". */
interface Shape {
  types: Set<string> | null;
  format?: string | null; // undefined: none seen yet; null: conflicting formats (dropped)
  description?: string;
  properties?: Map<string, Shape>;
  items?: Shape;
  /** true when this shape stands for a cut recursion (emitted as `{}`). */
  cut?: boolean;
}

function unionTypes(a: Set<string> | null, b: Set<string> | null): Set<string> | null {
  if (a === null || b === null) return null;
  return new Set([...a, ...b]);
}

/** Merges b into a (union semantics: every property and type of either side is accepted). */
function mergeShapes(a: Shape, b: Shape): Shape {
  if (a.cut || b.cut) return { types: null, cut: true, description: a.description ?? b.description };
  const out: Shape = { types: unionTypes(a.types, b.types) };
  if (a.format === undefined) out.format = b.format;
  else if (b.format === undefined) out.format = a.format;
  else out.format = a.format === b.format ? a.format : null;
  out.description = a.description ?? b.description;
  if (a.properties || b.properties) {
    const props = new Map<string, Shape>(a.properties ?? []);
    for (const [k, v] of b.properties ?? []) props.set(k, props.has(k) ? mergeShapes(props.get(k)!, v) : v);
    out.properties = props;
  }
  if (a.items && b.items) out.items = mergeShapes(a.items, b.items);
  else out.items = a.items ?? b.items;
  return out;
}

/** A part of a composition whose type is unknown (e.g. only a description) must not widen to "any". */
function isTypeless(s: OasSchema): boolean {
  return (
    s &&
    typeof s === 'object' &&
    !s.$ref &&
    s.type === undefined &&
    !s.properties &&
    !s.items &&
    !Array.isArray(s.enum) &&
    !s.allOf &&
    !s.oneOf &&
    !s.anyOf
  );
}

function toShape(doc: OpenApiDoc, schema: OasSchema, refStack: string[]): Shape {
  if (schema === true || schema === undefined || schema === null) return { types: null };
  if (typeof schema !== 'object') return { types: null };

  let shape: Shape | undefined;

  if (typeof schema.$ref === 'string') {
    const ref: string = schema.$ref;
    const depth = refStack.filter((r) => r === ref).length;
    if (depth >= MAX_REF_RECURSION) {
      shape = { types: null, cut: true };
    } else {
      shape = toShape(doc, resolvePointer(doc, ref), [...refStack, ref]);
    }
  }

  // Own keywords.
  const own: Shape = { types: null };
  if (schema.type !== undefined) {
    own.types = new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
  } else if (schema.properties) {
    own.types = new Set(['object']);
  } else if (schema.items) {
    own.types = new Set(['array']);
  } else if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    // An untyped enum (e.g. TargetingSpec.TARGETING_STRATEGY items): the type of its values.
    own.types = new Set(schema.enum.map(enumValueType));
  }
  if (typeof schema.format === 'string') own.format = schema.format;
  if (typeof schema.description === 'string' && schema.description.trim()) {
    own.description = normalizeDescription(schema.description);
  }
  if (schema.properties && typeof schema.properties === 'object') {
    own.properties = new Map();
    for (const [name, sub] of Object.entries(schema.properties)) {
      own.properties.set(name, toShape(doc, sub, refStack));
    }
  }
  if (schema.items !== undefined) own.items = toShape(doc, schema.items, refStack);

  const hasOwnStructure = own.types !== null;
  const compositions: OasSchema[][] = [schema.allOf, schema.oneOf, schema.anyOf].filter(Array.isArray);

  if (compositions.length > 0) {
    // Merge every part of allOf / oneOf / anyOf, plus the schema's own keywords.
    let merged: Shape | undefined = shape;
    for (const parts of compositions) {
      const isAllOf = parts === schema.allOf;
      for (const part of parts) {
        const partShape = toShape(doc, part, refStack);
        // An annotation-only allOf part (description, nullable…) constrains nothing: it adds no type.
        // (In oneOf/anyOf an untyped part really means "any type" and is kept as such.)
        if (isAllOf && isTypeless(part)) partShape.types = new Set();
        merged = merged ? mergeShapes(merged, partShape) : partShape;
      }
    }
    if (hasOwnStructure) merged = merged ? mergeShapes(merged, own) : own;
    shape = merged ?? own;
    if (own.description) shape.description = own.description; // outer description wins
  } else if (shape) {
    // $ref with siblings (OpenAPI 3.0 ignores them, but Pinterest uses description/nullable there).
    if (hasOwnStructure) shape = mergeShapes(shape, own);
    if (own.description) shape.description = own.description;
  } else {
    shape = own;
  }

  if (schema.nullable === true && shape.types) shape.types = new Set([...shape.types, 'null']);
  return shape;
}

function enumValueType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  return Array.isArray(value) ? 'array' : 'object';
}

function normalizeDescription(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Emits the draft-07 form of a shape; every schema is nullable. */
function emit(shape: Shape): JsonObject {
  if (shape.cut) return {};
  const out: JsonObject = {};
  if (shape.types !== null) {
    const types = new Set(shape.types);
    if (types.has('integer') && types.has('number')) types.delete('integer');
    types.delete('null');
    const ordered = TYPE_ORDER.filter((t) => types.has(t));
    const extra = [...types].filter((t) => !TYPE_ORDER.includes(t)).sort();
    const all = [...ordered, ...extra];
    if (all.length > 0) out.type = ['null', ...all];
  }
  const isString = out.type === undefined || (out.type as string[]).includes('string');
  if (shape.format && KEPT_FORMATS.has(shape.format) && isString) out.format = shape.format;
  if (shape.description) out.description = shape.description;
  if (shape.properties && shape.properties.size > 0) {
    const props: JsonObject = {};
    for (const name of [...shape.properties.keys()].sort()) props[name] = emit(shape.properties.get(name)!);
    out.properties = props;
  }
  if (shape.items) out.items = emit(shape.items);
  return out;
}

/** Converts an OpenAPI schema into the permissive draft-07 form described at the top of this file. */
export function convertSchema(doc: OpenApiDoc, schema: OasSchema): JsonObject {
  return emit(toShape(doc, schema, []));
}

function rootSchema(properties: JsonObject, description?: string): JsonObject {
  const root: JsonObject = { $schema: JSON_SCHEMA_DRAFT7, type: 'object' };
  if (description) root.description = description;
  root.properties = properties;
  return root;
}

/** A list stream's schema: the item of its list operation, plus the parent ids it carries and declared extras. */
export function buildListSchema(doc: OpenApiDoc, def: ListDefinition): JsonObject {
  if (def.answer) return buildLookupSchema(doc, def, def.answer.shape);
  const converted = convertSchema(doc, listItemSchema(doc, def.path));
  const props = (converted.properties ?? {}) as JsonObject;
  for (const field of Object.keys(def.carry ?? {})) {
    props[field] ??= withDescription(
      NULL_STRING,
      `Id of the ${field.replace(/_id$/, '').replace(/_/g, ' ')} the item was listed under.`,
    );
  }
  for (const [field, schema] of Object.entries(def.extraFields ?? {})) props[field] ??= schema as JsonObject;
  // Primary-key fields: ids and names are strings (they already are in the API; enforce it).
  for (const key of def.primaryKey) {
    const prop = (props[key] ?? {}) as JsonObject;
    props[key] = { ...prop, type: ['null', 'string'] };
  }
  return rootSchema(sortKeys(props));
}

/** The rows a lookup stream makes of an answer that is not a page of items (src/streams/lookups.ts). */
function buildLookupSchema(
  doc: OpenApiDoc,
  def: ListDefinition,
  shape: 'audience_insights' | 'targeting_values',
): JsonObject {
  const text = (description: string) => withDescription(NULL_STRING, description);
  const props: JsonObject = {};
  if (shape === 'targeting_values') {
    props.targeting_type = text('The targeting type the code belongs to (LOCATION, GEO, INTEREST …).');
    props.id = text('The targeting value as Pinterest writes it in targeting specs and targeting analytics.');
    props.name = text("The value's display name.");
  } else {
    const response = successSchema(doc, def.path);
    const propsOf = (schema: OasSchema) => (convertSchema(doc, schema).properties ?? {}) as JsonObject;
    const top = propsOf(response);
    const category = deref(doc, findProperty(doc, response, 'categories')).items;
    const demographic = deref(doc, findProperty(doc, response, 'demographics'));
    Object.assign(props, propsOf(deref(doc, findProperty(doc, demographic, 'ages')).items), propsOf(category));
    delete props.subcategories;
    for (const k of ['size', 'size_is_upper_bound', 'date']) props[k] = top[k];
    props.date = { ...(props.date as JsonObject), format: 'date', description: 'The day the insights were generated.' };
    props.key = text("The value's key (the interest id, or the demographic key, e.g. 25-34, female, iphone, 501, us).");
    props.name = text("The value's display name.");
    props.ratio = withDescription(NULL_NUMBER, "The value's share of the audience (of its category's, for interests).");
    props.index = withDescription(NULL_NUMBER, 'Interest affinity index (interests only).');
    props.ad_account_id = text('Id of the ad account the insights are for.');
    props.audience_insight_type = text(
      'The audience: YOUR_TOTAL_AUDIENCE, YOUR_ENGAGED_AUDIENCE or PINTEREST_TOTAL_AUDIENCE.',
    );
    props.category = text(
      'Which distribution the row belongs to: categories, subcategories (interests), ages, genders, devices, metros, countries.',
    );
    props.id = text('The value: the interest id for categories and subcategories, the demographic key otherwise.');
    props.parent_id = text('For subcategories: the id of the interest (category) it belongs to.');
  }
  for (const key of def.primaryKey) props[key] = { ...((props[key] ?? {}) as JsonObject), type: ['null', 'string'] };
  return rootSchema(sortKeys(props));
}

function sortKeys(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Enums

/**
 * column_types classification (by column name; applied in this order):
 * 1. "string": identifiers and free text — names ending in `_ID`, `_NAME`, `_LABEL` or `_TAG`
 *    (CAMPAIGN_ID, AD_ACCOUNT_ID, ADVERTISER_ID, PIN_PROMOTION_ID, CAMPAIGN_NAME,
 *    CAMPAIGN_BRAND_LABEL, PRODUCT_GROUP_AD_IMAGE_TAG, …). docs/contract.md §4: ids are strings.
 * 2. "any": attribute columns whose wire type Pinterest does not document — enumerated codes and flags:
 *    `*_ENTITY_STATUS`, `*_TYPE` (objective / budget type), `*_OPTIMIZATION`, `IS_*`.
 *    Statuses and types would be strings by name, but Airbyte's source-pinterest schemas type
 *    CAMPAIGN_ENTITY_STATUS as a number and AD_GROUP_ENTITY_STATUS as a string, and IS_* /
 *    CAMPAIGN_BUDGET_OPTIMIZATION are likely booleans: a union type accepts whichever comes.
 * 3. "number": everything else — counts, amounts (`*_DOLLAR`, `*_SPEND_CAP`, `*_IN_LOCAL_CURRENCY`),
 *    rates, ratios (`*_ROAS`, `CTR`), multipliers, durations (VIDEO_LENGTH, `*_WATCHTIME_*`).
 */
export function classifyColumn(column: string): ColumnType {
  if (/(_ID|_NAME|_LABEL|_TAG)$/.test(column)) return 'string';
  if (/(_ENTITY_STATUS|_TYPE|_OPTIMIZATION)$/.test(column) || /^IS_/.test(column)) return 'any';
  return 'number';
}

function uniqueInOrder(values: string[]): string[] {
  return [...new Set(values)];
}

export function extractEnums(doc: OpenApiDoc): PinterestEnums {
  // columns: the `columns` query parameter of the ads analytics operations (components.parameters.query_columns).
  const adsPaths = syncAdsAnalyticsStreams().map((d) => d.path);
  if (adsPaths.length === 0) fail('no ads analytics stream in the registry');
  const columnsParam = getQueryParameter(doc, adsPaths[0], 'columns');
  const columns = enumOf(doc, columnsParam.schema?.items, 'columns parameter items');
  // All ads analytics and targeting operations must share the same column list.
  for (const p of adsPaths) {
    const other = enumOf(doc, getQueryParameter(doc, p, 'columns').schema?.items, `${p} columns`);
    if (JSON.stringify(other) !== JSON.stringify(columns)) fail(`${p} has a different columns enum`);
  }

  const targeting_types: Record<string, string[]> = {};
  for (const def of syncAdsAnalyticsStreams().filter((d) => d.targeting)) {
    const param = getQueryParameter(doc, def.path, 'targeting_types');
    targeting_types[targetingLevel(def.path)] = enumOf(doc, param.schema?.items, `${def.path} targeting_types`);
  }

  const metricsPath = (idKey: string) => {
    const def = dailyMetricsStreams().find((d) => d.primaryKey[0] === idKey);
    if (!def) fail(`no daily-metrics stream keyed by ${idKey}`);
    return def.path;
  };
  const PIN_ANALYTICS_PATH = metricsPath('pin_id');
  const USER_ACCOUNT_ANALYTICS_PATH = metricsPath('user_id');

  // Pin metric types: items are a oneOf (standard / video); the union keeps first-seen order.
  const pinParam = getQueryParameter(doc, PIN_ANALYTICS_PATH, 'metric_types');
  const pinItems = deref(doc, pinParam.schema?.items);
  const pinVariants: OasSchema[] = Array.isArray(pinItems?.oneOf) ? pinItems.oneOf : [pinItems];
  const variantEnums = pinVariants.map((v, i) => enumOf(doc, v, `pin metric_types variant ${i}`));
  const pin_metric_types = uniqueInOrder(variantEnums.flat());
  const standardIndex = pinVariants.findIndex((v) => /standard/i.test(deref(doc, v)?.description ?? ''));
  const pin_standard_metric_types = variantEnums[standardIndex >= 0 ? standardIndex : 0];

  const userParam = getQueryParameter(doc, USER_ACCOUNT_ANALYTICS_PATH, 'metric_types');
  const user_account_metric_types = enumOf(doc, userParam.schema?.items, 'user account metric_types items');

  // data_status: AnalyticsResponse -> (group) -> daily_metrics[] -> data_status.
  const userResp = successSchema(doc, USER_ACCOUNT_ANALYTICS_PATH);
  const group = deref(doc, userResp.additionalProperties);
  const daily = deref(doc, findProperty(doc, group, 'daily_metrics'));
  const dataStatusProp = findProperty(doc, daily?.items, 'data_status');
  if (!dataStatusProp) fail('user account analytics: no daily_metrics[].data_status');
  const data_status = enumOf(doc, dataStatusProp, 'data_status');

  // currencies: AdAccount.currency, the item of GET /ad_accounts.
  const currencyProp = findProperty(doc, listItemSchema(doc, AD_ACCOUNTS_PATH), 'currency');
  if (!currencyProp) fail('ad account: no currency property');
  const currencies = enumOf(doc, currencyProp, 'AdAccount.currency');

  const column_types: Record<string, ColumnType> = {};
  for (const c of columns) column_types[c] = classifyColumn(c);

  return {
    columns,
    targeting_types,
    pin_metric_types,
    pin_standard_metric_types,
    user_account_metric_types,
    data_status,
    currencies,
    column_types,
    ...organicEnums(doc, USER_ACCOUNT_ANALYTICS_PATH),
  };
}

/** The user-account analytics filters and the top-pins sort metrics, from their operations' parameters. */
function organicEnums(
  doc: OpenApiDoc,
  userPath: string,
): Pick<
  PinterestEnums,
  'user_account_filters' | 'top_pins_sort_by' | 'top_video_pins_sort_by' | 'top_video_pins_metric_types'
> {
  const param = (path: string, name: string) => getQueryParameter(doc, path, name).schema;
  const user_account_filters = Object.fromEntries(
    USER_ACCOUNT_FILTERS.map((f) => [f, enumOf(doc, param(userPath, f), `${userPath} ${f}`)]),
  ) as Record<UserAccountFilter, string[]>;
  return {
    user_account_filters,
    top_pins_sort_by: enumOf(doc, param(TOP_PINS_PATH, 'sort_by'), `${TOP_PINS_PATH} sort_by`),
    top_video_pins_sort_by: enumOf(doc, param(TOP_VIDEO_PINS_PATH, 'sort_by'), `${TOP_VIDEO_PINS_PATH} sort_by`),
    top_video_pins_metric_types: enumOf(doc, param(TOP_VIDEO_PINS_PATH, 'metric_types')?.items, 'video metric_types'),
  };
}

const TOP_PINS_PATH = '/user_account/analytics/top_pins';
const TOP_VIDEO_PINS_PATH = '/user_account/analytics/top_video_pins';

// ---------------------------------------------------------------------------------------------
// Analytics schemas

const NULL_STRING: JsonObject = { type: ['null', 'string'] };
const NULL_NUMBER: JsonObject = { type: ['null', 'number'] };
const NULL_ANY: JsonObject = { type: ['null', 'string', 'number', 'boolean'] };
/** Every ads-analytics row (built-in streams and custom reports alike: src/streams/custom-reports.ts). */
const DATA_READY: JsonObject = {
  type: ['null', 'boolean'],
  description:
    "Whether Pinterest called the day's conversion and non-conversion metrics final (GET /resources/metrics_ready_state) when the row was read.",
};
const DATE: JsonObject = { type: ['null', 'string'], format: 'date', description: 'Day of the row (UTC), YYYY-MM-DD.' };

function withDescription(base: JsonObject, description: string): JsonObject {
  return { ...base, description };
}

function columnSchema(type: ColumnType): JsonObject {
  if (type === 'string') return { ...NULL_STRING };
  if (type === 'any') return { ...NULL_ANY };
  return { ...NULL_NUMBER };
}

function adsAnalyticsProperties(enums: PinterestEnums, idKey: string, targeting: boolean): JsonObject {
  const props: JsonObject = {};
  props[idKey] = withDescription(NULL_STRING, `Pinterest ${idKey.replace(/_id$/, '').replace(/_/g, ' ')} id.`);
  if (targeting) {
    props.targeting_type = withDescription(NULL_STRING, 'Targeting type of the breakdown, e.g. AGE_BUCKET.');
    props.targeting_value = withDescription(NULL_STRING, 'Targeting value of the breakdown, always a string.');
  }
  props.date = { ...DATE };
  props.ad_account_id = withDescription(NULL_STRING, 'Ad account the row belongs to.');
  props.currency = withDescription(
    NULL_STRING,
    "The ad account's currency code: *_DOLLAR and *_MICRO_DOLLAR amounts are in this currency.",
  );
  props.data_ready = { ...DATA_READY };
  for (const column of enums.columns) {
    const key = column.toLowerCase();
    if (key in props) continue; // e.g. campaign_id / ad_account_id: already declared as strings
    props[key] = columnSchema(enums.column_types[column] ?? 'any');
  }
  return props;
}

function organicAnalyticsProperties(idKey: string, idDescription: string, metrics: string[]): JsonObject {
  const props: JsonObject = {};
  props[idKey] = withDescription(NULL_STRING, idDescription);
  props.date = { ...DATE };
  props.data_status = withDescription(NULL_STRING, 'Metrics availability of the day, e.g. READY or PROCESSING.');
  for (const metric of metrics) {
    const key = metric.toLowerCase();
    if (!(key in props)) props[key] = { ...NULL_NUMBER };
  }
  return props;
}

/** An analytics stream's schema: flat rows keyed by its first primary-key field. */
export function buildAnalyticsSchema(doc: OpenApiDoc, enums: PinterestEnums, def: AnalyticsDefinition): JsonObject {
  const idKey = def.primaryKey[0];
  if (def.rows === 'ads_columns') return rootSchema(adsAnalyticsProperties(enums, idKey, def.targeting !== undefined));
  const metrics =
    idKey === 'pin_id'
      ? enums.pin_metric_types
      : enumOf(doc, getQueryParameter(doc, def.path, 'metric_types').schema?.items, `${def.path} metric_types items`);
  const description =
    idKey === 'pin_id' ? 'Pin id.' : idKey === 'user_id' ? "The token user's account id." : `${idKey}.`;
  return rootSchema(organicAnalyticsProperties(idKey, description, metrics));
}

/** user_account_analytics rows split by a dimension (config split_field) carry it and their group's value. */
function withSplitFields(schema: JsonObject): JsonObject {
  const props = schema.properties as JsonObject;
  props.split_field = withDescription(
    NULL_STRING,
    'The dimension the rows are split by (config split_field), when set.',
  );
  props.split_value = withDescription(
    NULL_STRING,
    "The row's value of that dimension (e.g. MOBILE for APP_TYPE); part of the primary key when set.",
  );
  return schema;
}

/** pin_metrics: the pin, the day, and the metrics of the Pin schema's `pin_metrics` example, flattened per interval. */
function pinMetricsProperties(): JsonObject {
  const props: JsonObject = {
    pin_id: withDescription(NULL_STRING, 'Pin id.'),
    snapshot_date: withDescription(DATE, 'The day (UTC) the snapshot was taken: the day of the sync.'),
  };
  for (const [interval, prefix] of Object.entries(PIN_METRICS_INTERVALS))
    for (const m of PIN_METRICS_KEYS[interval as keyof typeof PIN_METRICS_KEYS])
      props[`${prefix}_${m}`] = withDescription(
        NULL_NUMBER,
        `${m} over ${interval === '90d' ? 'the last 90 days' : "the pin's lifetime"} (pin_metrics.${interval}.${m}).`,
      );
  return props;
}

/** Top pins (the answer's pin item, metrics flattened, with the sort metric and period) or the profile snapshot. */
function buildSnapshotSchema(doc: OpenApiDoc, def: SnapshotDefinition): JsonObject {
  if (def.rows === 'board') {
    const board = (convertSchema(doc, listItemSchema(doc, def.path)).properties ?? {}) as JsonObject;
    const props: JsonObject = {
      board_id: withDescription(NULL_STRING, 'Board id.'),
      snapshot_date: withDescription(DATE, 'The day (UTC) the snapshot was taken: the day of the sync.'),
    };
    for (const f of BOARD_SNAPSHOT_FIELDS) if (board[f]) props[f] = board[f];
    return rootSchema(props);
  }
  if (def.rows === 'pin_metrics') return rootSchema(pinMetricsProperties());
  const answer = successSchema(doc, def.path);
  if (def.rows === 'profile') {
    const props = (convertSchema(doc, answer).properties ?? {}) as JsonObject;
    props.snapshot_date = withDescription(DATE, 'The day (UTC) the snapshot was taken: the day of the sync.');
    return rootSchema(sortKeys(props));
  }
  const pinItem = deref(doc, findProperty(doc, answer, 'pins'))?.items;
  const item = (convertSchema(doc, pinItem).properties ?? {}) as JsonObject;
  const props: JsonObject = {
    pin_id: withDescription(NULL_STRING, 'Pin id.'),
    sort_by: withDescription(NULL_STRING, 'The metric the Pins were ranked by.'),
    start_date: withDescription(DATE, 'First day (UTC) of the period ranked.'),
    end_date: withDescription(DATE, 'Last day (UTC) of the period ranked.'),
  };
  for (const [k, v] of Object.entries(item)) if (k !== 'metrics' && !(k in props)) props[k] = v;
  const metrics = enumOf(
    doc,
    getQueryParameter(doc, def.path, 'metric_types').schema?.items,
    `${def.path} metric_types`,
  );
  for (const m of metrics) props[m.toLowerCase()] ??= { ...NULL_NUMBER };
  return rootSchema(props);
}

/** One stream's schema, from the OpenAPI document and the stream's definition. */
export function buildStreamSchema(doc: OpenApiDoc, enums: PinterestEnums, def: StreamDefinition): JsonObject {
  if (def.kind === 'snapshot') return buildSnapshotSchema(doc, def);
  const schema = def.kind === 'list' ? buildListSchema(doc, def) : buildAnalyticsSchema(doc, enums, def);
  return def.name === 'user_account_analytics' ? withSplitFields(schema) : schema;
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Every generated file, keyed by file name (relative to src/schemas), from a parsed OpenAPI document. */
export function generateFromDoc(doc: OpenApiDoc): Record<string, object> {
  const enums = extractEnums(doc);
  const files: Record<string, object> = {};
  for (const def of STREAMS) files[`${def.name}.json`] = buildStreamSchema(doc, enums, def);
  files['pinterest-enums.json'] = enums;
  return files;
}

/** Every generated file, keyed by file name (relative to src/schemas). Pure: reads, never writes. */
export function generateAll(
  openapiPath: string = process.env.OPENAPI_PATH || DEFAULT_OPENAPI_PATH,
): Record<string, object> {
  return generateFromDoc(loadOpenApi(openapiPath));
}

/** The exact bytes written for a generated object: 2-space JSON with a trailing newline. */
export function serialize(value: object): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function main(): void {
  const openapiPath = process.env.OPENAPI_PATH || DEFAULT_OPENAPI_PATH;
  const files = generateAll(openapiPath);
  fs.mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const [name, value] of Object.entries(files)) {
    fs.writeFileSync(path.join(SCHEMAS_DIR, name), serialize(value));
  }
  process.stderr.write(
    `generate-schemas: wrote ${Object.keys(files).length} files to ${SCHEMAS_DIR} from ${openapiPath}\n`,
  );
}

if (require.main === module) {
  main();
}
