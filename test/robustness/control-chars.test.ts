/**
 * Terminal control sequences from a server never reach a terminal raw: an OSC 52 clipboard write, a screen clear, an
 * OSC 8 hidden link and an OSC 0 window title in a body or a detail are shown as \xNN in failure details,
 * --verbose lines and the HTML report (issue 15, item 14).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';

const NASTY = '\x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\x1b]0;owned\x07\x9b31m';
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    // Every answer is a 404 whose plain-text body carries the sequences (Node refuses them in headers).
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`not here ${NASTY}`);
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/scim/v2`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** No ESC, BEL or C1 byte at all (colour is off, so scimcheck's own output has none either). */
const raw = /[\x07\x1b\x9b]/;

describe('control characters from a server', () => {
  it('are escaped in failure details and --verbose lines', async () => {
    for (const extra of [[], ['--verbose']]) {
      const r = await runCli(['test-connection', '--base-url', url, '--token', 't', ...extra], { env: cleanEnv() });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toMatch(raw);
      expect(r.stdout).toContain('\\x1b]52;c;aGVsbG8=\\x07\\x1b[2J');
    }
  });

  it('are escaped in the HTML report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-ctl-'));
    const html = join(dir, 'r.html');
    const r = await runCli(['run', '--base-url', url, '--token', 't', '--suite', 'test-connection', '--html', html], { env: cleanEnv() });
    expect(r.code).toBe(1);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(raw);
    expect(page).toContain('\\x1b]52;c;aGVsbG8=\\x07');
  });
});
