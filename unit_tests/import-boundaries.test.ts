/**
 * The import-boundary rules of .dependency-cruiser.cjs, run by the real dependency-cruiser over a small
 * made-up tree: each rule fires on the import it forbids and stays quiet on the imports the layering allows.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** path → the modules it imports ('type:' marks an `import type`). */
const TREE: Record<string, string[]> = {
  'src/errors.ts': [],
  'src/util/left.ts': ['src/errors.ts', 'src/util/right.ts'],
  'src/util/right.ts': ['type:src/util/left.ts'],
  'src/pinterest/limits.ts': [],
  'src/http/client.ts': ['src/util/left.ts', 'src/engine/run.ts'],
  'src/engine/run.ts': ['src/http/client.ts', 'src/commands.ts'],
  'src/streams/registry.ts': ['src/pinterest/limits.ts'],
  'src/config/load.ts': ['test_kit/helper.ts'],
  'src/runtime.ts': ['src/engine/run.ts', 'src/authorize/consent.ts'],
  'src/authorize/consent.ts': ['src/runtime.ts'],
  'src/commands.ts': ['src/streams/registry.ts', 'src/pinterest/limits.ts'],
  'simulator/types.ts': ['type:src/streams/registry.ts', 'src/pinterest/limits.ts'],
  'simulator/routes.ts': ['simulator/types.ts', 'src/streams/registry.ts', 'test_kit/helper.ts'],
  'simulator/data.ts': ['simulator/more.ts'],
  'simulator/tests/own.test.ts': ['test_kit/helper.ts', 'simulator/data.ts'],
  'simulator/more.ts': ['simulator/data.ts'],
  'integration_tests/suite.test.ts': ['test_kit/helper.ts', 'simulator/routes.ts', 'src/commands.ts'],
  'test_kit/helper.ts': ['src/commands.ts'],
  'scripts/demo.ts': ['simulator/routes.ts', 'src/commands.ts', 'test_kit/helper.ts'],
};

function importLine(from: string, to: string, i: number): string {
  const target = to.replace(/^type:/, '').replace(/\.ts$/, '');
  const spec = relative(dirname(from), target);
  const path = spec.startsWith('.') ? spec : `./${spec}`;
  return to.startsWith('type:') ? `import type { T${i} } from '${path}';` : `import { v${i} } from '${path}';`;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-boundaries-'));
  for (const [file, imports] of Object.entries(TREE)) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    const lines = imports.map((to, i) => importLine(file, to, i));
    const uses = imports.map((to, i) =>
      to.startsWith('type:') ? `export type U${i} = T${i};` : `export const u${i} = v${i};`,
    );
    const exports = Array.from({ length: 10 }, (_, i) => `export const v${i} = ${i};\nexport type T${i} = number;`);
    writeFileSync(join(dir, file), [...lines, ...uses, ...exports].join('\n') + '\n');
  }
  writeFileSync(join(dir, 'tsconfig.test.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tree', private: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('each boundary rule fires on what it forbids, and only there', () => {
  const cli = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const run = spawnSync(
    process.execPath,
    [cli, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json', '.'],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  expect(run.error).toBeUndefined();
  const result = JSON.parse(run.stdout) as {
    summary: {
      violations: Array<{ rule: { name: string }; from: string; to: string; cycle?: Array<{ name: string }> }>;
    };
  };
  // A cycle is reported once, from whichever of its modules the cruise met first: name it by its members.
  const found = result.summary.violations
    .map((v) =>
      v.cycle
        ? `${v.rule.name}: ${[...new Set([v.from, ...v.cycle.map((c) => c.name)])].sort().join(' ↔ ')}`
        : `${v.rule.name}: ${v.from} → ${v.to}`,
    )
    .sort();
  expect(found).toEqual(
    [
      // upward imports between folders of src/
      'layer-http: src/http/client.ts → src/engine/run.ts',
      'layer-engine: src/engine/run.ts → src/commands.ts',
      'layer-runtime: src/runtime.ts → src/authorize/consent.ts',
      // cycles, type-only edges included, in src/ and in the simulator's old home
      'no-circular: src/util/left.ts ↔ src/util/right.ts',
      'no-circular: src/engine/run.ts ↔ src/http/client.ts',
      'no-circular: src/authorize/consent.ts ↔ src/runtime.ts',
      'no-circular: simulator/data.ts ↔ simulator/more.ts',
      // production code, simulator and scripts stay clear of what they must not use
      'src-not-to-outside: src/config/load.ts → test_kit/helper.ts',
      'simulator-not-to-src: simulator/routes.ts → src/streams/registry.ts',
      'simulator-not-to-tests-or-scripts: simulator/routes.ts → test_kit/helper.ts',
      'scripts-not-to-test-kit: scripts/demo.ts → test_kit/helper.ts',
    ].sort(),
  );
}, 150_000);
