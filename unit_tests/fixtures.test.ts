/**
 * The committed fixtures are what the full reference documents derive to. Where the documents are not
 * beside the repository (a fresh clone on its own), there is nothing to compare and the test is skipped.
 */
import { readFileSync } from 'node:fs';
import { openApiSubset, protocolSchema, serializeFixture } from '../scripts/lib/derive-fixtures';
import { FULL_OPENAPI, FULL_PROTOCOL, OPENAPI_FIXTURE, PROTOCOL_FIXTURE, fullReferenceDocsPresent } from '../reference';

const whenPresent = fullReferenceDocsPresent() ? describe : describe.skip;

whenPresent('fixtures derived from the reference documents are current (npm run generate:fixtures)', () => {
  test('Pinterest OpenAPI subset', () => {
    const fresh = serializeFixture(openApiSubset(readFileSync(FULL_OPENAPI, 'utf8')));
    expect(readFileSync(OPENAPI_FIXTURE, 'utf8') === fresh).toBe(true);
  });
  test('Airbyte protocol schema', () => {
    const fresh = serializeFixture(protocolSchema(readFileSync(FULL_PROTOCOL, 'utf8')));
    expect(readFileSync(PROTOCOL_FIXTURE, 'utf8') === fresh).toBe(true);
  });
});

describe('the OpenAPI subset keeps what the tests rely on', () => {
  const doc = JSON.parse(readFileSync(OPENAPI_FIXTURE, 'utf8'));
  test('every local $ref in it resolves inside it', () => {
    const missing: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') {
          const target = v
            .slice(2)
            .split('/')
            .reduce((n: any, part) => n?.[part], doc);
          if (target === undefined) missing.push(v);
        } else walk(v);
      }
    };
    walk(doc);
    expect(missing).toEqual([]);
  });
  test('it holds the operations under every prefix the connector calls, and nothing else', () => {
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/oauth/token',
      '/user_account',
      '/ad_accounts/{ad_account_id}/reports',
      '/boards/{board_id}/sections',
      '/catalogs',
      '/pins/{pin_id}/analytics',
    ]) {
      expect(paths).toContain(p);
    }
    expect(
      paths.filter((p) => !/^\/(oauth|user_account|users|ad_accounts|boards|pins|catalogs|resources)(\/|$)/.test(p)),
    ).toEqual([]);
  });
});
