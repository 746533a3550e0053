#!/usr/bin/env node
// Large tenants: run time and peak RSS of a full scimcheck run (every suite, every app profile) against the
// reference server with 0 and with 100,000 existing users (issue 8). The server runs in its own process, so the
// figures are scimcheck's alone.
// Usage: npm run build && node bench/tenant-size.mjs [seed=100000]
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const big = Number(process.argv[2] ?? 100_000);

async function serve(seed) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--token', 'bench-token-0001', '--seed', String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const t0 = Date.now();
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (/token:/.test(out)) resolve();
    });
    child.on('exit', () => reject(new Error('serve exited')));
  });
  return { child, url: /base URL: (\S+)/.exec(out)[1], startMs: Date.now() - t0 };
}

for (const seed of [0, big]) {
  const server = await serve(seed);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'run', '--base-url', server.url, '--token', 'bench-token-0001', '--app', 'all', '--tag', 'rfc', '--json'], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  const report = JSON.parse(r.stdout);
  console.log(
    `seed ${String(seed).padStart(6)}: ${report.checks.length} checks + ${report.mappings.length} mapping rows, exit ${r.status}, ` +
      `${ms.toFixed(0)} ms wall, peak RSS ${(rssKb / 1024).toFixed(0)} MiB (server started in ${server.startMs} ms)`,
  );
  server.child.kill('SIGTERM');
}
