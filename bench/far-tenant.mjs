#!/usr/bin/env node
// Far tenants (issue 8): a full run (every `rfc` suite, every app profile, default flags) against the reference server
// in its own process, with 0 and with LATENCY ms added to every response.
//
// The critical path of dependent requests: the run's discovery (one round trip: its three reads are independent),
// then the longest chain that cannot be shortened, which is the longer of
// - a suite: its steps change and read the same objects in order, so they are sequential by nature; then its
//   cleanup (one round trip per kind of object, the DELETEs of a kind being independent);
// - a mapping row (create, read, update per dialect, read back, filter: one object, in order), then the rows'
//   cleanup (groups, then users).
// A suite's chain is counted from the JSON report (the requests its checks sent, plus cleanup); a row's from its
// duration at LATENCY (/ LATENCY, rounded). Target: wall time <= critical path x LATENCY x 1.2.
// Usage: npm run build && node bench/far-tenant.mjs [latencyMs=150] [extra scimcheck flags...]
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const latency = Number(process.argv[2] ?? 150);
const extra = process.argv.slice(3);

async function serve(ms) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--token', 'bench-token-0002', '--latency', String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise((resolve) => child.stdout.on('data', (c) => ((out += c), /token:/.test(out) && resolve())));
  return { child, url: /base URL: (\S+)/.exec(out)[1] };
}

const times = {};
let report;
for (const ms of [0, latency]) {
  const server = await serve(ms);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'run', '--base-url', server.url, '--token', 'bench-token-0002', '--tag', 'rfc', '--app', 'all', '--json', ...extra], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 256 * 1024 * 1024,
  });
  times[ms] = Number(process.hrtime.bigint() - t0) / 1e6;
  report = JSON.parse(r.stdout);
  console.log(`latency ${String(ms).padStart(3)} ms: exit ${r.status}, ${times[ms].toFixed(0)} ms wall (${report.summary.passed} checks and ${report.summary.mappings.passed} mapping rows passed)`);
  server.child.kill('SIGTERM');
}

const trips = (durationMs) => Math.round(durationMs / latency);
const kinds = (match) => new Set(report.cleanup.filter((c) => match(c.suite)).map((c) => c.path.split('/')[1])).size;
// A suite's chain, counted exactly: the requests its checks sent (a check that judges an earlier response sends
// none), then one round trip per kind of object it deletes.
const suiteChains = report.suites.map((s) => {
  const sent = new Set(report.checks.filter((c) => c.suite === s.id).flatMap((c) => c.exchanges.map((e) => e.seq))).size;
  return { what: `suite ${s.id}: ${sent} requests + its cleanup`, n: sent + kinds((x) => x === s.id) };
});
// A mapping row's chain, from its duration (rows do not list their exchanges in the report).
const row = [...report.mappings].sort((a, b) => b.durationMs - a.durationMs)[0];
const chains = [
  ...suiteChains,
  { what: `mapping row ${row.app}/${row.object}.${row.attribute}, then the rows' cleanup`, n: trips(row.durationMs) + kinds((x) => x.startsWith('app:')) },
].sort((a, b) => b.n - a.n);
const critical = 1 + chains[0].n;
console.log(`longest chains: ${chains.slice(0, 3).map((c) => `${c.what}: ${c.n}`).join('; ')}`);
console.log(`critical path: 1 (discovery) + ${chains[0].n} = ${critical} round trips x ${latency} ms = ${critical * latency} ms`);
console.log(`full run at ${latency} ms: ${times[latency].toFixed(0)} ms = ${(times[latency] / (critical * latency)).toFixed(2)}x the critical path (target <= 1.2x)`);
console.log(`measured: (${times[latency].toFixed(0)} - ${times[0].toFixed(0)}) / ${latency} = ${((times[latency] - times[0]) / latency).toFixed(1)} round trips waited for in sequence`);
