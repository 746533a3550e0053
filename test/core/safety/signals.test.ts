/** Interrupted and killed runs: SIGINT cleans up and exits 130; SIGKILL leaves a ledger that `cleanup` empties. */
import { ownObjects } from '../../helpers/server.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/safety/ledger.js';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const servers: RunningServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** Starts a slow run and resolves once its ledger lists at least `n` created objects. */
async function startRun(server: RunningServer, ledger: string, n: number) {
  const child = spawn(process.execPath, [BIN, 'run', '--base-url', server.url, '--token', server.token, '--suite', 'users-crud', '--suite', 'groups-membership', '--ledger', ledger], {
    env: cleanEnv({ CI: 'true' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the ledger never listed ${n} objects: ${stderr}`);
    if (existsSync(ledger)) {
      try {
        if (Ledger.read(ledger).remaining().filter((e) => e.state === 'created').length >= n) break;
      } catch {
        // being written
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited, out: () => ({ stdout, stderr }) };
}

describe('interrupted runs', () => {
  it('SIGINT mid-suite: stops, deletes what the run created, removes the ledger, exits 130', async () => {
    const server = await startServer({ latencyMs: 40, seed: 5 });
    servers.push(server);
    const ledger = join(mkdtempSync(join(tmpdir(), 'scimcheck-ledger-')), 'ledger.json');
    const run = await startRun(server, ledger, 3);
    expect(ownObjects(server)).toBeGreaterThanOrEqual(3);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.out().stderr).toContain('scimcheck: SIGINT: finishing the requests under way, then deleting what the run created');
    expect(ownObjects(server)).toBe(0);
    expect(existsSync(ledger)).toBe(false);
  });

  it('a second SIGINT stops at once and leaves the ledger for scimcheck cleanup', async () => {
    const server = await startServer({ latencyMs: 300, seed: 5 });
    servers.push(server);
    const ledger = join(mkdtempSync(join(tmpdir(), 'scimcheck-ledger-')), 'ledger.json');
    const run = await startRun(server, ledger, 2);
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.out().stderr).toMatch(/scimcheck: SIGINT again: stopping now; what the run created is listed in .*ledger\.json/);
    expect(existsSync(ledger)).toBe(true);
    expect(ownObjects(server)).toBeGreaterThan(0);
    const r = await runCli(['cleanup', '--base-url', server.url, '--token', server.token, '--ledger', ledger]);
    expect(r.code).toBe(0);
    expect(ownObjects(server)).toBe(0);
  });

  it('SIGKILL leaves a ledger; scimcheck cleanup empties it and says what it removed', async () => {
    const server = await startServer({ latencyMs: 40, seed: 5 });
    servers.push(server);
    const ledger = join(mkdtempSync(join(tmpdir(), 'scimcheck-ledger-')), 'ledger.json');
    const run = await startRun(server, ledger, 3);
    run.child.kill('SIGKILL');
    await run.exited;
    await new Promise((r) => setTimeout(r, 300)); // a request the server had already received still completes
    const left = ownObjects(server);
    expect(left).toBeGreaterThanOrEqual(3);
    const r = await runCli(['cleanup', '--base-url', server.url, '--token', server.token, '--ledger', ledger]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${ledger.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ deleted \\(ledger removed\\)`));
    expect(r.stdout.split('\n').filter((l) => /^ {2}deleted \/(Users|Groups)\//.test(l)).length).toBe(left);
    expect(ownObjects(server)).toBe(0);
    expect(existsSync(ledger)).toBe(false);
  });
});

describe('cleanup --sweep', () => {
  it("deletes objects carrying a run's mark, and nothing else", async () => {
    const server = await startServer({ seed: 3 });
    servers.push(server);
    const post = (path: string, body: object) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
    await post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'scimcheck-0badc0de-left-behind@example.com' });
    await post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'scimcheck-0badc0de-group' });
    await post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'scimcheck-fan@example.com' }); // not a run's mark
    await post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'scimcheck-deadbeef' }); // no suffix: not a generated name
    await post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'SCIMCHECK-0BADC0DE-Ops@example.com' }); // not the mark's case
    // Not on a terminal and without --yes: the list is shown and nothing is deleted.
    const listed = await runCli(['cleanup', '--base-url', server.url, '--token', server.token, '--sweep']);
    expect(listed.code).toBe(2);
    expect(listed.stdout).toContain("--sweep found 2 object(s) carrying a run's mark:");
    expect(listed.stderr.trim()).toBe('scimcheck: --sweep: not on a terminal, so nothing was deleted: pass --yes to delete the 2 object(s) listed');
    expect(server.snapshot().users.map((u) => u.userName)).toContain('scimcheck-0badc0de-left-behind@example.com');
    const r = await runCli(['cleanup', '--base-url', server.url, '--token', server.token, '--sweep', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(scimcheck-0badc0de-left-behind@example.com)');
    expect(r.stdout).toContain('(scimcheck-0badc0de-group)');
    expect(r.stdout).toMatch(/^2 object\(s\) deleted$/m);
    const names = server.snapshot().users.map((u) => u.userName);
    expect(names).toContain('scimcheck-fan@example.com');
    expect(names).toContain('scimcheck-deadbeef');
    expect(names).toContain('SCIMCHECK-0BADC0DE-Ops@example.com');
    expect(names).not.toContain('scimcheck-0badc0de-left-behind@example.com');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal, lists what it found and asks; "n" deletes nothing, "y" deletes them (util-linux `script` for a pseudo-terminal)', async () => {
    const server = await startServer({ seed: 0 });
    servers.push(server);
    await fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'scimcheck-0badc0de-left@example.com' }) });
    const ask = async (answer: string) => {
      const shq = (x: string) => `'${x.replace(/'/g, "'\\''")}'`;
      const cmd = ['exec', process.execPath, BIN, 'cleanup', '--base-url', server.url, '--token', server.token, '--sweep'].map(shq).join(' ');
      const child = spawn('/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end(`${answer}\r`);
      });
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      return { code, out: out.replace(/\r/g, '') };
    };
    const no = await ask('n');
    expect(no.code).toBe(0);
    expect(no.out).toContain('Delete these 1 object(s)? [y/N]');
    expect(no.out).toContain('nothing deleted');
    expect(server.snapshot().users.map((u) => u.userName)).toContain('scimcheck-0badc0de-left@example.com');
    const yes = await ask('y');
    expect(yes.code).toBe(0);
    expect(yes.out).toContain('(scimcheck-0badc0de-left@example.com)');
    expect(server.snapshot().users.map((u) => u.userName)).not.toContain('scimcheck-0badc0de-left@example.com');
  }, 60_000);
});
