#!/usr/bin/env node
/**
 * Load benchmark (not a test): starts the reference SCIM server on loopback and drives `scimcheck load` (the built
 * bin/run.js) against it at 1000 req/s for 10 s, then prints the achieved rate, error rate and percentiles.
 * Run `npm run build` first. Usage: node bench/load.mjs [--rps 1000] [--duration 10s] [--concurrency 256]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from '../dist/server/index.js';

const { values } = parseArgs({ options: { rps: { type: 'string', default: '1000' }, duration: { type: 'string', default: '10s' }, concurrency: { type: 'string', default: '256' } } });
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const server = await startServer({ seed: 100 });
try {
  const args = ['load', '--base-url', server.url, '--token', server.token, '--rps', values.rps, '--duration', values.duration, '--concurrency', values.concurrency, '--json'];
  // The CLI runs in its own process: the server here and the load generator there do not share an event loop.
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, NO_COLOR: '1', SCIMCHECK_STATE_DIR: mkdtempSync(join(tmpdir(), 'scimcheck-bench-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  let r;
  try {
    r = JSON.parse(stdout);
  } catch {
    console.error(`scimcheck load exited ${code} without a JSON result:\n${stdout}${stderr}`);
    process.exit(1);
  }
  const left = [...server.snapshot().users, ...server.snapshot().groups].filter((x) => !String(x.id).startsWith('seed-')).length;
  const q = r.requests;
  console.log(`scimcheck load → reference server on loopback: ${values.rps} req/s for ${values.duration} (concurrency ${values.concurrency})`);
  console.log(`  sent          ${q.sent} of ${q.scheduled} scheduled (${q.reads} reads, ${q.writes} writes), ${q.notSentOnTime} not sent on time`);
  console.log(`  achieved      ${r.achievedRps} req/s over ${r.windowMs} ms`);
  console.log(`  error rate    ${(r.errorRate * 100).toFixed(2)}% ${JSON.stringify(r.errors)}`);
  console.log(`  latency ms    p50 ${r.latencyMs.p50}  p95 ${r.latencyMs.p95}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}  (mean ${r.latencyMs.mean})`);
  console.log(`  verdict       ${r.passed ? 'passed' : `failed: ${r.reasons.join('; ')}`} (exit ${code}); objects left on the server: ${left}`);
  process.exitCode = code ?? 1;
} finally {
  await server.close();
}
