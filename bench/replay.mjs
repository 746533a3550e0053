#!/usr/bin/env node
// The floor of a run (issue 8): a bare undici loop that replays the requests of a HAR file (method, path, query and
// body, in order, CONCURRENCY at a time) against a fresh reference server in this process. Prints the milliseconds
// from the first request to the last response. bench/floor.mjs runs it in a new process each time, so that it is as
// cold (JIT, connections) as scimcheck's own run; `--warm N` replays N times first and times the last one.
// Usage: node bench/replay.mjs FILE.har [--warm N]
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { startServer } from '../dist/server/index.js';

const CONCURRENCY = 12;
const entries = JSON.parse(readFileSync(process.argv[2], 'utf8')).log.entries;
const warm = process.argv[3] === '--warm' ? Number(process.argv[4]) : 0;

async function replay() {
  const server = await startServer({ seed: 20, token: 'floor-token' });
  const origin = new URL(server.url).origin;
  const dispatcher = new Agent({ connections: 64 });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < entries.length) {
        const e = entries[next++];
        const u = new URL(e.request.url);
        const res = await request(`${origin}${u.pathname}${u.search}`, {
          method: e.request.method,
          headers: { authorization: 'Bearer floor-token', 'content-type': 'application/scim+json' },
          ...(e.request.postData ? { body: e.request.postData.text } : {}),
          dispatcher,
        });
        await res.body.arrayBuffer();
      }
    }),
  );
  const ms = performance.now() - t0;
  await dispatcher.close();
  await server.close();
  return ms;
}

let ms = 0;
for (let i = 0; i <= warm; i++) ms = await replay();
console.log(ms.toFixed(1));
