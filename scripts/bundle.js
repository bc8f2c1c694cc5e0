#!/usr/bin/env node
/**
 * Bundles the connector into one file, dist/main.js, after `tsc` has type-checked src/ (`npm run build`).
 * Why: a read spent ~0.3 s finding, reading and compiling 228 modules before its first request
 * (docs/performance.md, "first record"); one file skips the module resolution, and ES builds let unused
 * code (zod's locales, undici's fetch) fall away. The image then needs no node_modules at all.
 * Beside it: dist/THIRD_PARTY_LICENSES.txt, the licence of every package the bundle holds.
 */
'use strict';
const { build } = require('esbuild');
const { existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
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
    outfile: join(DIST, 'main.js'),
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
}

main().catch((err) => {
  if (!err.errors) console.error(err.message);
  process.exitCode = 1;
});
