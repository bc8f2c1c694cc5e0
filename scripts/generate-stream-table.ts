/**
 * Writes the stream table of docs/streams.md from the stream registry, so that no document restates it by
 * hand. Only the part between the two markers is generated; the prose around it is written by people.
 * Run: npm run generate:docs (unit_tests/stream-table.test.ts fails when the file is stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverCatalog } from '../src/engine/catalog';
import type { StreamDefinition } from '../src/streams/definition';
import { reportHistoryDays } from '../src/engine/window-plan';
import { STREAMS } from '../src/streams/definitions';
import { streamRegistry } from '../src/streams/registry';

export const STREAMS_DOC = join(__dirname, '..', 'docs', 'streams.md');
export const TABLE_START =
  '<!-- stream table: written by `npm run generate:docs` from src/streams/definitions.ts; do not edit by hand -->';
export const TABLE_END = '<!-- end of the generated stream table -->';

const SYNCHRONOUS_DAYS = 90;

/** Singular of a list stream's name, for "each board", "≤250 ad groups". */
const entityOf: Record<string, string> = { boards: 'board', board_sections: 'board section', pins: 'pin' };

function endpoint(def: StreamDefinition): string {
  const path = `\`${def.path}\``;
  if (def.kind === 'list' && def.setupAdAccounts) return `${path} (the read's set-up list, no request of its own)`;
  if (def.kind === 'list' && def.unpaged) return `${path} (not paged)`;
  if (def.kind === 'analytics' && def.batched) return `\`${def.batched.path}\` (${path} where refused)`;
  if (def.kind === 'analytics' && def.report && def.report.reportsOnly && def.level)
    return `${path} (reports only, level ${def.level.targeting ? `${def.level.name}_TARGETING` : def.level.name}: POST, then GET ?token=)`;
  if (def.kind === 'snapshot' && def.parentItems)
    return `${path} (the ${def.parentItems.stream} list's request, no request of its own)`;
  if (def.kind === 'snapshot' && !def.queries) return `${path} (the read's set-up request, no request of its own)`;
  return path;
}

function partition(def: StreamDefinition): string {
  const p = def.partition;
  const parts: string[] = [];
  if (p.by === 'user') parts.push("the token's user");
  if (p.by === 'ad_account') parts.push('ad account');
  if (p.by === 'values') parts.push(`${p.as.replace(/_/g, ' ')} (${p.values.join(', ')})`);
  if (def.kind === 'list' && def.variants) parts.push(def.variants.param.replace(/_/g, ' '));
  if (p.by === 'parent') {
    const where = p.parent.where
      ? ` with ${Object.entries(p.parent.where)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(', ')}`
      : '';
    const entity = entityOf[p.parent.stream] ?? p.parent.stream;
    parts.push(
      def.kind === 'analytics' && def.batched ? `≤${def.batched.size} ${entity}s${where}` : `each ${entity}${where}`,
    );
  }
  if (def.kind === 'snapshot' && def.queries) parts.push('sort metric');
  if (def.kind !== 'snapshot' && def.ids) {
    const from = def.ids.from;
    const within = from.within
      ? ` of ${from.within.list.stream.replace(/_/g, ' ')} with ${Object.entries(from.within.list.where ?? {})
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(', ')}`
      : '';
    const batch =
      def.ids.batchSize === 1
        ? `each ${from.stream.replace(/_/g, ' ').replace(/s$/, '')}${within}`
        : `≤${def.ids.batchSize} ${from.stream.replace(/_/g, ' ')}${within}`;
    parts.push(def.kind === 'list' && def.ids.alsoUnfiltered ? `${batch} (plus one request without ids)` : batch);
  }
  if (def.kind === 'analytics') {
    parts.push('window');
    if (def.targeting) parts.push(`≤${def.targeting.perRequest} targeting types`);
  }
  return parts.length ? parts.join(' × ') : '–';
}

function daysBack(def: StreamDefinition): string {
  if (def.kind !== 'analytics') return '–';
  const days = reportHistoryDays(def);
  const reportsOnly = def.report && def.report.reportsOnly;
  const reach = !days
    ? String(SYNCHRONOUS_DAYS)
    : reportsOnly
      ? `${days} (every day from reports, ≤ ${def.report && def.report.maxDays} per report)`
      : `${days} (older than ${SYNCHRONOUS_DAYS} from reports)`;
  return def.lastDay === 'yesterday' ? `${reach}; ends yesterday` : reach;
}

/** The table, one row per registry stream, in registry order. */
export function renderStreamTable(): string {
  const catalog = new Map(discoverCatalog(streamRegistry()).streams.map((s) => [s.name, s]));
  const rows = STREAMS.map((def) => {
    const s = catalog.get(def.name)!;
    const key = (s.source_defined_primary_key ?? []).map((k) => k.join('.')).join(', ');
    const cursor = s.default_cursor_field?.join('.') ?? '–';
    return `| ${def.name} | ${endpoint(def)} | ${partition(def)} | ${s.supported_sync_modes.join(', ')} | ${cursor} | ${key} | ${daysBack(def)} |`;
  });
  return [
    TABLE_START,
    '',
    `${STREAMS.length} streams, plus one \`custom_<name>\` per custom report ([custom-reports.md](custom-reports.md)).`,
    '',
    '| stream | endpoint (GET) | partition | sync modes | cursor | primary key | days back |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    TABLE_END,
  ].join('\n');
}

/** `text` with its generated table replaced by the current one. */
export function withStreamTable(text: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`${STREAMS_DOC} has no generated-table markers (${TABLE_START} … ${TABLE_END})`);
  return text.slice(0, start) + renderStreamTable() + text.slice(end + TABLE_END.length);
}

if (require.main === module) {
  writeFileSync(STREAMS_DOC, withStreamTable(readFileSync(STREAMS_DOC, 'utf8')));
  console.log(`wrote the stream table of ${STREAMS_DOC}`);
}
