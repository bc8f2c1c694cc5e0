/**
 * Derives the test fixtures from the two reference documents the project is built against: Pinterest's
 * OpenAPI description (only the operations under the path prefixes the connector and its simulator use,
 * with every component they reference) and Airbyte's protocol schema (as JSON). The results are committed
 * under reference/, so a clone with nothing beside it runs every test; `npm run generate:fixtures`
 * rewrites them from the full documents, and a test checks they are current whenever those are present.
 */
import { parse } from 'yaml';

type Json = any;

/** Path prefixes of every operation the connector, its simulator or its tests may call. */
const OPENAPI_PATH_PREFIXES = [
  '/oauth/',
  '/user_account',
  '/users/',
  '/ad_accounts',
  '/boards',
  '/pins',
  '/catalogs',
  '/resources/metrics_ready_state',
];

/** The subset of an OpenAPI document: the operations under the prefixes and the components they reach. */
export function openApiSubset(yamlText: string): Json {
  const doc = parse(yamlText, { maxAliasCount: -1 }) as Json;
  const paths: Json = {};
  for (const p of Object.keys(doc.paths ?? {}).sort()) {
    if (OPENAPI_PATH_PREFIXES.some((prefix) => p === prefix.replace(/\/$/, '') || p.startsWith(prefix)))
      paths[p] = doc.paths[p];
  }
  // Follow every local $ref from the kept paths, transitively, and keep just those components.
  const kept = new Map<string, Set<string>>();
  const queue: Json[] = [paths];
  const visit = (node: Json) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')) {
        const [section, name] = v
          .slice('#/components/'.length)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
        const names = kept.get(section) ?? new Set<string>();
        kept.set(section, names);
        if (!names.has(name)) {
          names.add(name);
          queue.push(doc.components?.[section]?.[name]);
        }
      } else {
        visit(v);
      }
    }
  };
  while (queue.length) visit(queue.pop());
  const components: Json = {};
  for (const section of [...kept.keys()].sort()) {
    components[section] = {};
    for (const name of [...kept.get(section)!].sort()) components[section][name] = doc.components[section][name];
  }
  return { openapi: doc.openapi, info: doc.info, servers: doc.servers, paths, components };
}

/** Airbyte's protocol schema, unchanged, as JSON. */
export function protocolSchema(yamlText: string): Json {
  return parse(yamlText);
}

export const serializeFixture = (value: unknown): string => JSON.stringify(value, null, 1) + '\n';
