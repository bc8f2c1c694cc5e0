/**
 * npm run generate:report-enums: the report API's enums from Pinterest's OpenAPI description
 * (ReportingColumnAsync, MetricsReportingLevel, TargetingTypeFilter) into src/pinterest/report-enums.json,
 * which custom-report validation reads. Input as generate-schemas: ../shared/…/openapi.yaml or OPENAPI_PATH.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const input = process.env.OPENAPI_PATH || path.resolve(__dirname, '../../shared/pinterest-api/openapi.yaml');
const doc = parse(fs.readFileSync(input, 'utf8'));
const schemas = doc.components.schemas;
const out = {
  columns: schemas.ReportingColumnAsync.enum as string[],
  levels: schemas.MetricsReportingLevel.enum as string[],
  targeting_types: schemas.TargetingTypeFilter.properties.targeting_types.items.enum as string[],
  targeting_types_max: schemas.TargetingTypeFilter.properties.targeting_types.maxItems as number,
};
const target = path.resolve(__dirname, '../src/pinterest/report-enums.json');
fs.writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(
  `wrote ${target}: ${out.columns.length} columns, ${out.levels.length} levels, ${out.targeting_types.length} targeting types`,
);
