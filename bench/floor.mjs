#!/usr/bin/env node
// Whole run against its floor (issue 8): the `demo` workload (every suite and app profile against the in-process
// reference server) compared with the same requests replayed by a bare undici loop (bench/replay.mjs: same method,
// path, query and body, in order, 36 at a time like the run, against a fresh in-process reference server, with the
// recorded ids mapped to the new ones), plus start-up (`scimcheck --version`).
//
// The replay runs in a new process each time, as cold as scimcheck's own run: both pay for the reference server's
// and undici's code being compiled as they first run. The warm figure (the replay repeated in one process, timed the
// fifth time) is printed too: the difference between the two is JIT warm-up, which no CLI run avoids.
// Usage: npm run build && node bench/floor.mjs [runs=15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const replayScript = fileURLToPath(new URL('./replay.mjs', import.meta.url));
const runs = Number(process.argv[2] ?? 15);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wall = (args) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`scimcheck ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const replay = (har, ...extra) => {
  const r = spawnSync(process.execPath, [replayScript, har, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay failed: ${r.stderr}`);
  return Number(r.stdout.trim());
};

const dir = mkdtempSync(join(tmpdir(), 'scimcheck-floor-'));
const har = join(dir, 'demo.har');
wall(['demo', '--har', har]); // the requests to replay (and a warm file cache)
const startup = [];
const demo = [];
const cold = [];
const warm = [];
// Interleaved, so that a busy moment of the machine falls on all of them alike.
for (let i = 0; i < runs; i++) {
  startup.push(wall(['--version']));
  demo.push(wall(['demo']));
  cold.push(replay(har));
  warm.push(replay(har, '--warm', '4'));
}
const log = console.log;
const entries = JSON.parse(readFileSync(har, 'utf8')).log.entries.length;
const floor = median(cold) + median(startup);
log(`requests in the demo workload: ${entries}`);
log(`scimcheck demo (median of ${runs}): ${median(demo).toFixed(0)} ms wall`);
log(`start-up (scimcheck --version): ${median(startup).toFixed(0)} ms`);
log(`bare undici replay, new process: ${median(cold).toFixed(0)} ms (warmed up in one process: ${median(warm).toFixed(0)} ms)`);
log(`floor: ${median(cold).toFixed(0)} + ${median(startup).toFixed(0)} = ${floor.toFixed(0)} ms`);
log(`ratio: ${(median(demo) / floor).toFixed(2)}x (target: within 1.5x); against the warmed-up replay: ${(median(demo) / (median(warm) + median(startup))).toFixed(2)}x`);
