#!/usr/bin/env node
/**
 * Bundles the connector into one file, dist/connector.js, after `tsc` has type-checked src/ (`npm run build`),
 * and writes dist/main.js (scripts/main-loader.js), which loads it with V8's code cache, dist/connector.cache.
 * Why: a read spent ~0.3 s finding, reading and compiling 228 modules before its first request
 * (docs/performance.md, "first record"); one file skips the module resolution, ES builds let unused code
 * (zod's locales, undici's fetch) fall away, and the cache spares compiling the start-up code again.
 * The image then needs no node_modules at all.
 * Beside it: dist/THIRD_PARTY_LICENSES.txt, the licence of every package the bundle holds.
 */
'use strict';
const { build } = require('esbuild');
const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');

/** yargs is taken from its CommonJS build: its ES build finds its own files through import.meta.url. */
const yargsCommonJs = {
  name: 'yargs-commonjs',
  setup(b) {
    b.onResolve({ filter: /^yargs\/yargs$/ }, () => ({ path: require.resolve('yargs/yargs', { paths: [ROOT] }) }));
  },
};

/** The licence text of each package (node_modules/<name>/) whose code is in the bundle. */
function licenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]);
  }
  const parts = [];
  for (const name of [...packages].sort()) {
    const dir = join(ROOT, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)/i.test(f));
    if (!file) throw new Error(`${name} has no licence file: the bundle cannot carry its notice`);
    parts.push(`${name}@${pkg.version} (${pkg.license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`);
  }
  return parts.join(`\n${'-'.repeat(78)}\n\n`);
}

async function main() {
  if (!existsSync(join(ROOT, 'node_modules', 'esbuild'))) throw new Error('esbuild is missing: run `npm ci`');
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'main.ts')],
    outfile: join(DIST, 'connector.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    sourcesContent: false,
    minifyWhitespace: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    plugins: [yargsCommonJs],
  });
  writeFileSync(join(DIST, 'THIRD_PARTY_LICENSES.txt'), licenses(result.metafile));
  // The loader wraps the bundle in a function: the bundle's own `#!` line would not parse there.
  const bundle = join(DIST, 'connector.js');
  writeFileSync(bundle, readFileSync(bundle, 'utf8').replace(/^#!.*/, ''));
  copyFileSync(join(__dirname, 'main-loader.js'), join(DIST, 'main.js'));
  writeCodeCache(bundle, join(DIST, 'connector.cache'));
}

/**
 * Compiles the bundle as the loader does, runs its top level (every module's start-up code, not a command:
 * the bundle is not the main module here) and saves V8's code for what ran, in a child process of the Node
 * that builds, with no V8 flags (what `node dist/main.js` starts with).
 */
function writeCodeCache(bundle, cache) {
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `const { readFileSync, writeFileSync } = require('node:fs');
       const Module = require('node:module');
       const { Script } = require('node:vm');
       const [bundle, cache] = process.argv.slice(1);
       const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
       const module = new Module(bundle);
       script.runInThisContext()(module.exports, require, module, bundle, require('node:path').dirname(bundle));
       writeFileSync(cache, script.createCachedData());`,
      bundle,
      cache,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  if (child.status !== 0) throw new Error('could not write the code cache of dist/connector.js');
}

main().catch((err) => {
  if (!err.errors) console.error(err.message);
  process.exitCode = 1;
});
