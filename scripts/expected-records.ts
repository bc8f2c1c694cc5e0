/**
 * Writes integration_tests/expected_records.jsonl: the first records of each stream from the simulator's
 * ground truth for the acceptance config (seed 1, today 2026-06-30). The acceptance suite checks that a read
 * returns each of them. Run: npx tsx scripts/expected-records.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COLUMNS } from '../src/config/schema';
import { startSimulator, STREAM_NAMES } from '../integration_tests/simulator';
import { ACCEPTANCE_CONFIG } from '../test_kit/acceptance';
import { TODAY } from '../test_kit/constants';

const PER_STREAM = 3;

async function main() {
  const sim = await startSimulator({ today: TODAY });
  try {
    const truth = sim.groundTruth({ today: TODAY, columns: [...DEFAULT_COLUMNS], windowDays: ACCEPTANCE_CONFIG.window_days });
    const lines = STREAM_NAMES.flatMap((stream) =>
      truth.records[stream].slice(0, PER_STREAM).map((data) => JSON.stringify({ stream, data, emitted_at: 1782777600000 })),
    );
    writeFileSync(join(__dirname, '..', 'integration_tests', 'expected_records.jsonl'), lines.join('\n') + '\n');
    console.log(`wrote ${lines.length} expected records`);
  } finally {
    await sim.close();
  }
}
void main();
