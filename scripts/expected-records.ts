/**
 * Writes the CAT files from the stream registry: integration_tests/configured_catalog.json (every stream,
 * incremental where it can be), integration_tests/abnormal_state.json (a far-future state per incremental
 * stream) and integration_tests/expected_records.jsonl (the first records of each
 * stream from the simulator's ground truth for the acceptance config: seed 1, today 2026-06-30). The
 * acceptance suite checks that a read returns each of them. Run: npx tsx scripts/expected-records.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COLUMNS } from '../src/config/schema';
import { startSimulator } from '../simulator';
import { ACCEPTANCE_CONFIG } from './lib/acceptance-config';
import { TODAY } from '../simulator/test-day';
import { cursorOf } from '../src/streams/definition';
import { STREAMS } from '../src/streams/definitions';

const PER_STREAM = 3;

/** The configured catalog CAT reads with: each stream of the registry in its richest mode. */
function configuredCatalog() {
  return {
    streams: STREAMS.map((d) => {
      const primary_key = d.primaryKey.map((k) => [k]);
      const cursor = cursorOf(d);
      const incremental = cursor !== undefined;
      return {
        stream: {
          name: d.name,
          json_schema: {},
          supported_sync_modes: incremental ? ['full_refresh', 'incremental'] : ['full_refresh'],
          ...(incremental ? { source_defined_cursor: true, default_cursor_field: [cursor] } : {}),
          source_defined_primary_key: primary_key,
        },
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        ...(incremental ? { cursor_field: [cursor] } : {}),
        primary_key,
      };
    }),
  };
}

async function main() {
  const sim = await startSimulator({ today: TODAY });
  try {
    const truth = sim.groundTruth({
      today: TODAY,
      columns: [...DEFAULT_COLUMNS],
      windowDays: ACCEPTANCE_CONFIG.window_days,
    });
    const lines = STREAMS.map((d) => d.name).flatMap((stream) =>
      truth.records[stream]
        .slice(0, PER_STREAM)
        .map((data) => JSON.stringify({ stream, data, emitted_at: 1782777600000 })),
    );
    writeFileSync(join(__dirname, '..', 'integration_tests', 'expected_records.jsonl'), lines.join('\n') + '\n');
    writeFileSync(
      join(__dirname, '..', 'integration_tests', 'configured_catalog.json'),
      JSON.stringify(configuredCatalog(), null, 2) + '\n',
    );
    // A state far in the future for every incremental stream: CAT's state_with_abnormally_large_values.
    const abnormal = STREAMS.filter((d) => cursorOf(d) !== undefined).map((d) => ({
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: d.name },
        // 3021-01-01 as a date, or as Unix seconds
        stream_state:
          d.cursorField === 'updated_time' ? { updated_time: 33_166_368_000 } : { [cursorOf(d)!]: '3021-01-01' },
      },
    }));
    writeFileSync(
      join(__dirname, '..', 'integration_tests', 'abnormal_state.json'),
      JSON.stringify(abnormal, null, 2) + '\n',
    );
    console.log(`wrote ${lines.length} expected records`);
  } finally {
    await sim.close();
  }
}
void main();
