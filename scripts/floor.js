#!/usr/bin/env node
/**
 * The benchmark's floor: the least a Pinterest reader can do on this machine. It gets a token, fetches the
 * given request paths (the same pages the connector fetched) with the same HTTP stack and concurrency, parses
 * each body and writes every row as one JSON line to stdout. No validation, no state, no protocol.
 * Usage: node scripts/floor.js PLAN.json   (PLAN: {url, clientId, clientSecret, refreshToken, paths[], concurrency})
 */
'use strict';
const { readFileSync } = require('node:fs');
const { Agent, setGlobalDispatcher } = require('undici');

setGlobalDispatcher(new Agent({ keepAliveTimeout: 30_000, connections: 64 }));
const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));

let buffer = [];
let bytes = 0;
function emit(row) {
  const line = JSON.stringify(row);
  buffer.push(line);
  bytes += line.length;
  if (bytes > 65536) return flush();
}
function flush() {
  if (buffer.length === 0) return;
  const chunk = buffer.join('\n') + '\n';
  buffer = [];
  bytes = 0;
  if (!process.stdout.write(chunk)) return new Promise((r) => process.stdout.once('drain', r));
}

function rows(body) {
  if (Array.isArray(body)) return body;
  if (Array.isArray(body.items)) return body.items;
  if (Array.isArray(body.data)) return body.data;
  if (body.all && Array.isArray(body.all.daily_metrics)) return body.all.daily_metrics;
  return [];
}

/** One page; a connection the server closed while idle (keep-alive race on a loaded machine) is tried again, as any client would. */
async function get(path, token) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(plan.url + path, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function main() {
  const basic = Buffer.from(`${plan.clientId}:${plan.clientSecret}`).toString('base64');
  const tokenRes = await fetch(`${plan.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: plan.refreshToken }).toString(),
  });
  const { access_token } = await tokenRes.json();
  const paths = plan.paths.slice();
  const worker = async () => {
    while (paths.length) {
      const path = paths.shift();
      const { status, text } = await get(path, access_token);
      const body = JSON.parse(text);
      if (status !== 200) continue;
      for (const row of rows(body)) {
        const pending = emit(row);
        if (pending) await pending;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency || 8 }, worker));
  await flush();
}
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
