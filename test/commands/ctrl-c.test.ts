/**
 * Ctrl-C as a person presses it: `run` on a real pseudo-terminal (util-linux `script`), so that the live view (listr2)
 * is drawn, and the interrupt is the byte 0x03 typed into the terminal, which the terminal's line discipline turns
 * into SIGINT for the foreground process group. The run must stop, delete what it created, remove its ledger and exit
 * 130 with its message, whatever the live view's library does with SIGINT itself.
 */
import { ownObjects } from '../helpers/server.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/safety/ledger.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { cleanEnv, ROOT } from '../helpers/cli.js';

const SCRIPT = '/usr/bin/script';
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\r/g, '\n');
const servers: RunningServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
const shq = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe('Ctrl-C in a real terminal', () => {
  it.skipIf(!existsSync(SCRIPT))('stops the live view, deletes what the run created, removes the ledger and exits 130 (needs util-linux `script`)', async () => {
    const server = await startServer({ latencyMs: 40, seed: 5 });
    servers.push(server);
    const ledger = join(mkdtempSync(join(tmpdir(), 'scimcheck-ledger-')), 'ledger.json');
    const cmd = ['exec', process.execPath, 'bin/run.js', 'run', '--base-url', server.url, '--token', server.token, '--suite', 'users-crud', '--suite', 'groups-membership', '--ledger', ledger].map(shq).join(' ');
    const env = cleanEnv();
    delete env.NO_COLOR;
    const child = spawn(SCRIPT, ['-qec', `stty cols 140 rows 40; ${cmd}`, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait until the run has created a few objects (its ledger says so), then type Ctrl-C.
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the run never created 3 objects:\n${plain(out)}`);
      try {
        if (existsSync(ledger) && Ledger.read(ledger).remaining().filter((e) => e.state === 'created').length >= 3) break;
      } catch {
        // being written
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(out).toContain('\x1b['); // the live view is drawing: a terminal
    child.stdin.write('\x03');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('hung'), 30_000))]);
    const text = plain(out);
    expect(code, text).toBe(130);
    expect(text).toContain('scimcheck: SIGINT: finishing the requests under way, then deleting what the run created');
    expect(text).toMatch(/scimcheck: interrupted by SIGINT: deleted [1-9]\d* objects? the run created, nothing remains/);
    expect(ownObjects(server)).toBe(0);
    expect(existsSync(ledger)).toBe(false);
  }, 60_000);
});
