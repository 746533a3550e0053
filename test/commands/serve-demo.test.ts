import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULTS, startServer, type RunningServer } from '../../src/server/index.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const servers: RunningServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

describe('scimcheck serve', () => {
  it('--list-faults prints every fault with one line', async () => {
    const r = await runCli(['serve', '--list-faults']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(Object.keys(FAULTS).length);
    for (const [i, [name, what]] of Object.entries(FAULTS).entries()) expect(lines[i]).toMatch(new RegExp(`^${name} +${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('refuses an unknown fault with exit 2', async () => {
    const r = await runCli(['serve', '--fault', 'no-such-fault']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('scimcheck: --fault: unknown fault "no-such-fault" (scimcheck serve --list-faults lists them)');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('prints its base URL and token, serves, and stops on %s', async (signal) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--token', 'serve-token-1234', '--seed', '3'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 10_000;
    while (!/token: /.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /base URL: (\S+)/.exec(out)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    expect(out).toContain('token:    serve-token-1234');
    const res = await fetch(`${url}/Users?count=0`, { headers: { authorization: 'Bearer serve-token-1234' } });
    expect((await res.json()).totalResults).toBe(3);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(out).toContain('stopped');
  });
});

describe('test-connection against the reference server', () => {
  it.each([
    [[], 0, {}],
    [['filter-404-on-no-match'], 1, { 'users-filter-no-match': 'failed', 'groups-filter-no-match': 'failed' }],
    [['filter-ignored'], 1, { 'users-filter-no-match': 'failed', 'groups-filter-no-match': 'failed' }],
    [['list-no-schemas'], 1, { 'users-filter-no-match': 'failed', 'groups-filter-no-match': 'failed' }],
    [['auth-not-enforced'], 1, { 'rejects-invalid-token': 'failed', 'unauthorized-error-format': 'errored' }],
    [['error-status-number'], 1, { 'unauthorized-error-format': 'failed' }],
    [['error-not-scim'], 1, { 'unauthorized-error-format': 'failed' }],
  ] as [string[], number, Record<string, string>][])('faults %j: exit %i', async (faults, code, changed) => {
    const server = await startServer({ faults, seed: 10 }); // ten users and one group
    servers.push(server);
    const r = await runCli(['test-connection', '--base-url', server.url, '--token', server.token, '--json']);
    expect(r.code).toBe(code);
    const outcomes = Object.fromEntries(
      (JSON.parse(r.stdout) as { checks: { id: string; outcome: string }[] }).checks.map((c) => [c.id.replace('test-connection/', ''), c.outcome]),
    );
    expect(outcomes).toEqual({
      'users-filter-no-match': 'passed',
      'groups-filter-no-match': 'passed',
      'rejects-invalid-token': 'passed',
      'unauthorized-error-format': 'passed',
      ...changed,
    });
  });
});

describe('scimcheck demo', () => {
  it('runs every suite and app profile against the in-process reference server and exits 0', async () => {
    const r = await runCli(['demo'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scimcheck demo → http:\/\/127\.0\.0\.1:\d+\/scim\/v2 \(reference server\) \(7 suites, 5 app profiles\)\n/);
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed, 0 errored, 0 skipped; mappings: 74 passed, 0 failed in \d+ ms\n$/);
  });

  it("ignores the user's scimcheck.yaml: its target is its own server", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-demo-cwd-'));
    writeFileSync(join(dir, 'scimcheck.yaml'), 'base-url: https://staging.example.com/scim/v2\nbasic: someone:elses-password\nheader: "X-Tenant: acme"\n');
    const r = await runCli(['demo', '--suite', 'test-connection', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2 \(reference server\)$/);
  });

  it('shows a broken server with --fault, exit 1, JSON on request', async () => {
    const r = await runCli(['demo', '--fault', 'auth-not-enforced', '--suite', 'test-connection', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.command).toBe('demo');
    expect(json.summary).toMatchObject({ passed: 2, failed: 1, errored: 1, skipped: 0 });
    expect(json.checks.find((c: { id: string }) => c.id === 'test-connection/rejects-invalid-token').outcome).toBe('failed');
  });
});
