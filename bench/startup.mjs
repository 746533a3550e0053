#!/usr/bin/env node
// Start-up: the median wall time of `scimcheck --version` and `--help` against `node -e 0` (issue 8).
// Usage: npm run build && node bench/startup.mjs [runs=15]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const median = (args) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
};
const base = median(['-e', '0']);
const rows = [
  ['node -e 0', base],
  ['scimcheck --version', median([bin, '--version'])],
  ['scimcheck --help', median([bin, '--help'])],
  ['scimcheck run --help', median([bin, 'run', '--help'])],
];
for (const [what, ms] of rows) console.log(`${what.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms  (+${(ms - base).toFixed(0)} ms over node)`);
