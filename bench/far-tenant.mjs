#!/usr/bin/env node
// Far tenants (issue 8): a full run (every suite, every app profile) against the reference server with 0 and with
// 150 ms of added latency per response. (T150 - T0) / 150 ms is the number of round trips the run effectively waits
// for in sequence: the measured critical path.
// Usage: npm run build && node bench/far-tenant.mjs [latencyMs=150] [concurrency=16]
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const latency = Number(process.argv[2] ?? 150);
const concurrency = String(process.argv[3] ?? 16);

async function serve(ms) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--token', 'bench-token-0002', '--latency', String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise((resolve) => child.stdout.on('data', (c) => ((out += c), /token:/.test(out) && resolve())));
  return { child, url: /base URL: (\S+)/.exec(out)[1] };
}

const times = {};
for (const ms of [0, latency]) {
  const server = await serve(ms);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'run', '--base-url', server.url, '--token', 'bench-token-0002', '--tag', 'rfc', '--app', 'all', '--concurrency', concurrency, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 256 * 1024 * 1024,
  });
  times[ms] = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = JSON.parse(r.stdout);
  const slowest = [...report.suites].sort((a, b) => b.durationMs - a.durationMs)[0];
  console.log(`latency ${String(ms).padStart(3)} ms: exit ${r.status}, ${times[ms].toFixed(0)} ms wall; slowest suite ${slowest.id} ${slowest.durationMs} ms`);
  server.child.kill('SIGTERM');
}
console.log(`measured critical path: (${times[latency].toFixed(0)} - ${times[0].toFixed(0)}) / ${latency} = ${((times[latency] - times[0]) / latency).toFixed(0)} round trips in sequence`);
