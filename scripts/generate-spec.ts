/** Writes spec.json from the zod config schema (src/config/spec.ts). Run: npm run generate:spec */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSpec } from '../src/config/spec';

export const SPEC_PATH = join(__dirname, '..', 'spec.json');
export const renderSpec = (): string => JSON.stringify(buildSpec(), null, 2) + '\n';

if (require.main === module) {
  writeFileSync(SPEC_PATH, renderSpec());
  console.log(`wrote ${SPEC_PATH}`);
}
