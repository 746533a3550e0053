/**
 * Input that used to crash scimcheck (issue 15, item 12): a response nested thousands of levels deep (10 KB), a
 * valid 8 MB response printed with --json, and deeply nested files given to validate and as a suite. Each gives a
 * verdict and an exit code, never a stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';

let mode: 'deep' | 'large' = 'deep';
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.headers.authorization !== 'Bearer t') {
      res.writeHead(401, { 'content-type': 'application/scim+json', 'www-authenticate': 'Bearer' });
      return res.end('{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401"}');
    }
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    if (mode === 'deep') return res.end(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    // A valid, empty ListResponse with 8 MB of padding.
    res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [], padding: 'x'.repeat(8 * 1024 * 1024) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/scim/v2`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('bodies that are too deep or large', () => {
  it('a body nested 5,000 levels deep is a failed check with a reason, not a crash', async () => {
    mode = 'deep';
    const r = await runCli(['test-connection', '--base-url', url, '--token', 't', '--json'], { env: cleanEnv() });
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|^\s+at /m);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { checks: { id: string; outcome: string; message: string }[] };
    expect(result.checks[0]).toMatchObject({ outcome: 'failed', message: '200 but the body is nested deeper than 64 levels' });
  });

  it('a valid 8 MB body under the cap prints with --json', async () => {
    mode = 'large';
    const r = await runCli(['test-connection', '--base-url', url, '--token', 't', '--json'], { env: cleanEnv(), timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|^\s+at /m);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { exitCode: number };
    expect(result.exitCode).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(8 * 1024 * 1024);
  }, 60_000);

  it('a file nested 5,000 levels deep: validate and the suite loader say so in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-deep-'));
    const json = join(dir, 'deep.json');
    const yaml = join(dir, 'deep.yaml');
    writeFileSync(json, `${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    writeFileSync(yaml, `id: x\ntitle: t\nsteps:\n  - ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    const v = await runCli(['validate', json], { env: cleanEnv() });
    expect(v.code).toBe(1);
    expect(v.stdout.trim().split('\n')).toHaveLength(1);
    expect(v.stdout).toMatch(/^.*deep\.json:1:65: \/0(\/0)*: invalid JSON: nested deeper than 64 levels/);
    const s = await runCli(['run', '--base-url', 'http://127.0.0.1:9/scim', '--token', 't', '--suite-file', yaml], { env: cleanEnv() });
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toMatch(/^scimcheck: .*deep\.yaml:4:\d+: invalid YAML: nested too deeply$/);
  });
});
