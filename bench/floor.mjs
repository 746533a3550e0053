#!/usr/bin/env node
// Whole run against its floor (issue 8): the `demo` workload (every suite and app profile against the reference
// server) compared with the same requests replayed by a bare undici loop at the same concurrency, plus start-up.
// Usage: npm run build && node bench/floor.mjs [runs=5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const runs = Number(process.argv[2] ?? 5);
const { startServer } = await import(new URL('../dist/server/index.js', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wall = (args, env = {}) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore', env: { ...process.env, CI: 'true', ...env } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: r.status };
};

const startup = median(Array.from({ length: runs }, () => wall(['--version']).ms));
const dir = mkdtempSync(join(tmpdir(), 'scimcheck-floor-'));
const demo = [];
for (let i = 0; i < runs; i++) demo.push(wall(['demo', '--har', join(dir, 'demo.har')]).ms);
const entries = JSON.parse(readFileSync(join(dir, 'demo.har'), 'utf8')).log.entries;

// Replay: the same method, path, query and body, in sequence order, 12 at a time (4 suites + 8 mapping workers).
const replay = [];
for (let i = 0; i < runs; i++) {
  const server = await startServer({ seed: 20, token: 'floor-token' });
  const origin = new URL(server.url).origin;
  const dispatcher = new Agent({ connections: 16 });
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 12 }, async () => {
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
  replay.push(Number(process.hrtime.bigint() - t0) / 1e6);
  await dispatcher.close();
  await server.close();
}
const floor = median(replay) + startup;
console.log(`requests in the demo workload: ${entries.length}`);
console.log(`scimcheck demo (median of ${runs}): ${median(demo).toFixed(0)} ms wall`);
console.log(`floor: bare undici replay ${median(replay).toFixed(0)} ms + start-up ${startup.toFixed(0)} ms = ${floor.toFixed(0)} ms`);
console.log(`ratio: ${(median(demo) / floor).toFixed(2)}x (target: within 1.5x)`);
