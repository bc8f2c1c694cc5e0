/**
 * Where the tests find Pinterest's OpenAPI description and Airbyte's protocol schema: the fixtures derived
 * from them and committed in this folder (so a clone with nothing beside it runs every test), and, for the
 * freshness test and the generators only, the full reference documents when they are present.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const FIXTURES_DIR = __dirname;
/** The operations under the connector's path prefixes and every component they reference (JSON). */
export const OPENAPI_FIXTURE = resolve(FIXTURES_DIR, 'pinterest-openapi.json');
/** Airbyte's protocol schema, as JSON. */
export const PROTOCOL_FIXTURE = resolve(FIXTURES_DIR, 'airbyte-protocol.json');

/**
 * The full reference documents the fixtures are derived from. REFERENCE_DOCS_DIR moves them; by default
 * they are looked for in the reference checkout that CI places beside the repository.
 */
const REFERENCE_DOCS_DIR = process.env.REFERENCE_DOCS_DIR || resolve(__dirname, '../../shared');
export const FULL_OPENAPI = resolve(REFERENCE_DOCS_DIR, 'pinterest-api/openapi.yaml');
export const FULL_PROTOCOL = resolve(REFERENCE_DOCS_DIR, 'airbyte-protocol/airbyte_protocol.yaml');
export const fullReferenceDocsPresent = (): boolean => existsSync(FULL_OPENAPI) && existsSync(FULL_PROTOCOL);
