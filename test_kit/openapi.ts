/**
 * Checks requests the connector makes against Pinterest's OpenAPI description (the operations the
 * connector may call, committed in reference/; OPENAPI_PATH overrides it):
 * the operation exists for the (templated) path, path parameters fit their schema, every query parameter
 * is declared for the operation and its value fits the declared schema (type, enum, pattern, format,
 * minimum/maximum, minItems/maxItems), and every required parameter is present.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { OPENAPI_FIXTURE } from '../reference';

export const OPENAPI_PATH = process.env.OPENAPI_PATH || OPENAPI_FIXTURE;

type Json = any;

interface Param {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  schema: Json;
  /** For arrays: false means comma-separated in one value (style form, explode false). */
  explode: boolean;
}

interface Operation {
  template: string;
  method: string;
  regex: RegExp;
  pathNames: string[];
  literalSegments: number;
  params: Map<string, Param>;
}

interface Loaded {
  basePath: string;
  operations: Operation[];
}

let loaded: Loaded | undefined;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

interface RawOperation {
  template: string;
  method: string;
  params: Param[];
}

/** The operations and their dereferenced parameters, straight from the YAML (slow: ~1 s to parse). */
function extract(): { basePath: string; operations: RawOperation[] } {
  const doc = parse(readFileSync(OPENAPI_PATH, 'utf8')) as Json;
  const pointer = (ref: string): Json => {
    if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
    return ref
      .slice(2)
      .split('/')
      .reduce((node: Json, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  };
  /** Parameter schemas are small and not recursive: inline every $ref (depth-limited for safety). */
  const deref = (node: Json, depth = 0): Json => {
    if (depth > 30) throw new Error('OpenAPI $ref nesting too deep');
    if (Array.isArray(node)) return node.map((n) => deref(n, depth + 1));
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') return deref(pointer(node.$ref), depth + 1);
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : deref(v, depth + 1);
    return out;
  };
  const server = String(doc.servers?.[0]?.url ?? 'https://api.pinterest.com/v5');
  const basePath = new URL(server).pathname.replace(/\/+$/, '');
  const operations: RawOperation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
    const shared: Json[] = item.parameters ?? [];
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const params = new Map<string, Param>();
      for (const raw of [...shared, ...(op.parameters ?? [])]) {
        const p = deref(raw);
        params.set(`${p.in}:${p.name}`, {
          name: p.name,
          in: p.in,
          required: p.required === true || p.in === 'path',
          schema: p.schema ?? {},
          explode: p.explode ?? (p.style === undefined || p.style === 'form'),
        });
      }
      operations.push({ template, method: method.toUpperCase(), params: [...params.values()] });
    }
  }
  return { basePath, operations };
}

/**
 * Parsing the 40 000-line YAML costs about a second per test file, so the extracted operations are cached
 * in the temp directory, keyed by the file's path, size and modification time.
 */
function extractCached(): { basePath: string; operations: RawOperation[] } {
  const stat = statSync(OPENAPI_PATH);
  const key = createHash('sha1').update(`${OPENAPI_PATH}|${stat.size}|${stat.mtimeMs}|v1`).digest('hex').slice(0, 16);
  const cache = join(tmpdir(), `pinterest-openapi-params-${key}.json`);
  try {
    return JSON.parse(readFileSync(cache, 'utf8'));
  } catch {
    const extracted = extract();
    try {
      const tmp = `${cache}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(extracted));
      renameSync(tmp, cache);
    } catch {
      // A read-only temp directory only costs the parse next time.
    }
    return extracted;
  }
}

function load(): Loaded {
  if (loaded) return loaded;
  const { basePath, operations: raw } = extractCached();
  const operations: Operation[] = raw.map(({ template, method, params }) => {
    const pathNames: string[] = [];
    const segments = template.split('/').filter(Boolean);
    const pattern = segments
      .map((s) => {
        const m = /^\{(\w+)\}$/.exec(s);
        if (m) {
          pathNames.push(m[1]);
          return '([^/]+)';
        }
        return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return {
      template,
      method,
      regex: new RegExp(`^/${pattern}/?$`),
      pathNames,
      literalSegments: segments.filter((s) => !s.startsWith('{')).length,
      params: new Map(params.map((p) => [`${p.in}:${p.name}`, p])),
    };
  });
  loaded = { basePath, operations };
  return loaded;
}

/**
 * Parameter schemas use `oneOf` for unions of enums that overlap (pin metric_types: IMPRESSION is both a
 * standard and a video metric), so "exactly one" would reject valid values: read oneOf as anyOf.
 */
function unionsAsAnyOf(node: Json): Json {
  if (Array.isArray(node)) return node.map(unionsAsAnyOf);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k === 'oneOf' ? 'anyOf' : k] = k === 'enum' ? v : unionsAsAnyOf(v);
  return out;
}

function validatorFor(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(unionsAsAnyOf(schema));
    validators.set(key, v);
  }
  return v;
}

/** The JSON type a query string is read as, for a (non-array) schema. */
function scalarType(schema: Json): string | undefined {
  if (typeof schema?.type === 'string') return schema.type;
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    for (const branch of schema?.[k] ?? []) {
      const t = scalarType(branch);
      if (t) return t;
    }
  }
  if (Array.isArray(schema?.enum) && schema.enum.every((e: unknown) => typeof e === 'number')) return 'integer';
  return undefined;
}

/** Turns a query-string value into the JSON value the schema describes; leaves it a string when it cannot. */
function coerce(value: string, schema: Json): unknown {
  switch (scalarType(schema)) {
    case 'integer':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return value;
  }
}

function schemaProblems(schema: Json, value: unknown, label: string): string[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const list = value as unknown[];
  const shown =
    Array.isArray(value) && list.length > 20
      ? `[${list.length} items: ${JSON.stringify(list.slice(0, 3)).slice(1, -1)}, …]`
      : JSON.stringify(value);
  return (validate.errors ?? []).map(
    (e) =>
      `${label}: ${shown} ${e.instancePath ? `${e.instancePath} ` : ''}${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.length} allowed values)` : ''}`,
  );
}

/** The operation an absolute or base-relative URL maps to (the most literal template wins). */
function findOperation(
  method: string,
  url: string,
): { op: Operation; path: string; values: Record<string, string> } | undefined {
  const { basePath, operations } = load();
  const u = new URL(url, 'https://api.pinterest.com');
  let path = u.pathname;
  if (basePath && path.startsWith(basePath + '/')) path = path.slice(basePath.length);
  const matches = operations
    .filter((op) => op.method === method.toUpperCase() && op.regex.test(path))
    .sort((a, b) => b.literalSegments - a.literalSegments);
  const op = matches[0];
  if (!op) return undefined;
  const m = op.regex.exec(path)!;
  const values: Record<string, string> = {};
  op.pathNames.forEach((n, i) => {
    values[n] = decodeURIComponent(m[i + 1]);
  });
  return { op, path, values };
}

/**
 * Problems of one request against the OpenAPI description; [] when it conforms.
 * Arrays: with explode:false the value is comma-separated; with the default (explode) repeated keys are
 * expected, and a comma-joined value is accepted too (Pinterest and its SDK use it for id lists).
 */
export function checkRequestAgainstOpenApi(method: string, url: string): string[] {
  const found = findOperation(method, url);
  const u = new URL(url, 'https://api.pinterest.com');
  if (!found) return [`${method.toUpperCase()} ${u.pathname}: no such operation in the OpenAPI description`];
  const { op, values } = found;
  const where = `${op.method} ${op.template}`;
  const problems: string[] = [];

  for (const [name, value] of Object.entries(values)) {
    const p = op.params.get(`path:${name}`);
    if (!p) {
      problems.push(`${where}: path parameter ${name} is not declared`);
      continue;
    }
    problems.push(...schemaProblems(p.schema, coerce(value, p.schema), `${where} path ${name}`));
  }

  const query = new Map<string, string[]>();
  for (const [k, v] of u.searchParams) query.set(k, [...(query.get(k) ?? []), v]);
  for (const [name, rawValues] of query) {
    const p = op.params.get(`query:${name}`);
    if (!p) {
      problems.push(`${where}: query parameter '${name}' is not declared for this operation`);
      continue;
    }
    const label = `${where} ?${name}`;
    if (p.schema?.type === 'array') {
      if (!p.explode && rawValues.length > 1)
        problems.push(`${label}: sent ${rawValues.length} times, but it is explode:false (one comma-separated value)`);
      const items = rawValues.flatMap((v) => v.split(','));
      if (items.some((i) => i === '')) problems.push(`${label}: empty item in ${JSON.stringify(rawValues.join(','))}`);
      const itemSchema = p.schema.items ?? {};
      problems.push(
        ...schemaProblems(
          p.schema,
          items.map((i) => coerce(i, itemSchema)),
          label,
        ),
      );
    } else {
      if (rawValues.length > 1) problems.push(`${label}: sent ${rawValues.length} times for a single-valued parameter`);
      problems.push(...schemaProblems(p.schema, coerce(rawValues[0], p.schema), label));
    }
  }
  for (const p of op.params.values()) {
    if (p.in === 'query' && p.required && !query.has(p.name))
      problems.push(`${where}: required query parameter '${p.name}' is missing`);
  }
  return problems;
}
