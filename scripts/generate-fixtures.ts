/**
 * npm run generate:fixtures — rewrites reference/ from the full reference documents (Pinterest's
 * OpenAPI description and Airbyte's protocol schema; REFERENCE_DOCS_DIR says where they are). The tests
 * read only the committed fixtures; unit_tests/fixtures.test.ts fails when they fall behind the documents.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FULL_OPENAPI, FULL_PROTOCOL, OPENAPI_FIXTURE, PROTOCOL_FIXTURE, fullReferenceDocsPresent } from '../reference';
import { openApiSubset, protocolSchema, serializeFixture } from './lib/derive-fixtures';

if (!fullReferenceDocsPresent()) {
  process.stderr.write(
    `generate-fixtures: the reference documents are not at ${FULL_OPENAPI} and ${FULL_PROTOCOL} (set REFERENCE_DOCS_DIR)\n`,
  );
  process.exit(1);
}
writeFileSync(OPENAPI_FIXTURE, serializeFixture(openApiSubset(readFileSync(FULL_OPENAPI, 'utf8'))));
writeFileSync(PROTOCOL_FIXTURE, serializeFixture(protocolSchema(readFileSync(FULL_PROTOCOL, 'utf8'))));
process.stderr.write(`generate-fixtures: wrote ${OPENAPI_FIXTURE} and ${PROTOCOL_FIXTURE}\n`);
