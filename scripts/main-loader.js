#!/usr/bin/env node
/**
 * dist/main.js: loads the bundled connector (dist/connector.js) with V8's code cache (dist/connector.cache,
 * written by `npm run build`), so that a run does not compile the bundle's start-up code again (~50 ms of
 * every start, on the way to the first record). V8 refuses a cache made by another Node version or under
 * other V8 flags (NODE_OPTIONS): the bundle is then compiled as usual.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'connector.js');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, 'connector.cache'));
} catch {
  // No cache (a build without one): compile as usual.
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
// The bundle runs as this module: `require.main === module` holds when this file is the one Node started.
script.runInThisContext()(exports, require, module, __filename, __dirname);
