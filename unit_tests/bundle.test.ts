/**
 * What `npm run build` leaves in dist/ (scripts/bundle.js): the bundle, its loader, a code cache this Node
 * accepts, and the licence of every runtime dependency; and the loader runs the bundle without the cache
 * (the image drops it), from a folder with nothing but dist/, spec.json and package.json (no node_modules).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

test('dist holds the loader, the bundle with its code cache, and the licence of each runtime dependency', () => {
  expect(readFileSync(join(DIST, 'main.js'), 'utf8')).toMatch(/connector\.cache/);
  const licences = readFileSync(join(DIST, 'THIRD_PARTY_LICENSES.txt'), 'utf8');
  for (const dep of Object.keys(pkg.dependencies))
    expect([dep, licences.includes(`\n${dep}@`) || licences.startsWith(`${dep}@`)]).toEqual([dep, true]);
  expect(readFileSync(join(DIST, 'connector.cache')).length).toBeGreaterThan(0);
});

test('V8 accepts the code cache when Node starts without flags', () => {
  const script = `
    const { readFileSync } = require('node:fs');
    const { Script } = require('node:vm');
    const file = ${JSON.stringify(join(DIST, 'connector.js'))};
    const s = new Script(require('node:module').wrap(readFileSync(file, 'utf8')), {
      filename: file,
      cachedData: readFileSync(${JSON.stringify(join(DIST, 'connector.cache'))}),
    });
    process.stdout.write(String(s.cachedDataRejected));`;
  const rejected = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
  expect(rejected.toString()).toBe('false');
});

test('without the cache and without node_modules, the loader still runs the connector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-bundle-'));
  try {
    cpSync(DIST, join(dir, 'dist'), { recursive: true });
    rmSync(join(dir, 'dist', 'connector.cache'));
    for (const f of ['spec.json', 'package.json']) writeFileSync(join(dir, f), readFileSync(join(ROOT, f)));
    const out = execFileSync(process.execPath, [join(dir, 'dist', 'main.js'), 'spec'], { cwd: dir }).toString();
    const spec = JSON.parse(out.split('\n').find((l) => l.includes('"SPEC"'))!).spec;
    expect(spec).toEqual(JSON.parse(readFileSync(join(ROOT, 'spec.json'), 'utf8')));
    // --version reads package.json beside dist/ (text for people goes to stderr).
    const version = spawnSync(process.execPath, [join(dir, 'dist', 'main.js'), '--version'], { cwd: dir });
    expect([version.status, version.stderr.toString().trim()]).toEqual([0, pkg.version]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
