/**
 * Canary secrets (bearer token, Basic password, OAuth client secret and access token) checked against every byte of
 * every output and report, while a proxy in front of the reference server echoes the credential it received in
 * response bodies, headers and Location URLs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';
import { startTokenEndpoint, type TestTokenEndpoint } from '../../helpers/oauth.js';

const TOKEN = 'canary-bearer-7d2f9a41c6';
const USER = 'svc-scim';
const PASSWORD = 'canary-basic-pw-5e8b13';
const CLIENT_SECRET = 'canary-client-secret-0f4c';

let upstream: RunningServer;
let idp: TestTokenEndpoint;
let proxy: Server;
let proxyUrl = '';

beforeAll(async () => {
  upstream = await startServer({ seed: 5 });
  idp = await startTokenEndpoint('canary-client', CLIENT_SECRET);
  const accepted = new Set([`Bearer ${TOKEN}`, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`, `Bearer ${idp.accessToken}`]);
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      const auth = req.headers.authorization ?? '';
      const r = await fetch(`${upstream.url.replace('/scim/v2', '')}${req.url}`, {
        method: req.method,
        headers: { authorization: accepted.has(auth) ? `Bearer ${upstream.token}` : 'Bearer wrong', ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}) },
        ...(body ? { body } : {}),
      });
      let text = await r.text();
      try {
        const j = JSON.parse(text) as Record<string, unknown>;
        if (j && typeof j === 'object' && !Array.isArray(j)) text = JSON.stringify({ ...j, echo: `you sent ${auth}`, note: `token=${auth.split(' ')[1]}` });
      } catch {
        // not JSON: unchanged
      }
      const headers: Record<string, string> = { 'content-type': r.headers.get('content-type') ?? 'application/scim+json', 'x-echo': auth };
      const location = r.headers.get('location');
      if (location) headers.location = `${location.replace(upstream.url.replace('/scim/v2', ''), proxyUrl)}?access_token=${encodeURIComponent(auth.split(' ')[1] ?? '')}`;
      if (r.headers.get('etag')) headers.etag = r.headers.get('etag')!;
      res.writeHead(r.status, headers);
      res.end(r.status === 204 ? undefined : text);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((r) => proxy.close(() => r()));
  await idp.close();
  await upstream.close();
});

const forms = (s: string) => [s, encodeURIComponent(s), Buffer.from(s).toString('base64')];

describe('canary secrets', () => {
  it.each([
    ['a bearer token', ['--token', TOKEN], {}, [TOKEN]],
    ['a Basic password', ['--basic', `${USER}:${PASSWORD}`], {}, [PASSWORD, `${USER}:${PASSWORD}`]],
    ['an OAuth client secret and its access token', ['--oauth-token-url', 'IDP', '--client-id', 'canary-client'], { SCIMCHECK_CLIENT_SECRET: CLIENT_SECRET }, [CLIENT_SECRET, 'ACCESS']],
  ])('%s appears in no output or report', async (_what, auth, extraEnv, secrets) => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-canary-'));
    const files = { json: join(dir, 'r.json'), junit: join(dir, 'r.xml'), html: join(dir, 'r.html'), har: join(dir, 'r.har'), summary: join(dir, 'summary.md'), ledger: join(dir, 'ledger.json') };
    const args = auth.map((a) => (a === 'IDP' ? idp.url : a));
    const env = cleanEnv({ ...extraEnv, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: files.summary, SCIMCHECK_STATE_DIR: dir });
    const base = ['--base-url', `${proxyUrl}/scim/v2`, ...args];
    const outputs: string[] = [];
    for (const cmd of [
      ['run', ...base, '--suite', 'users-crud', '--suite', 'test-connection', '--app', 'zenya', '--verbose', '--report-json', files.json, '--junit', files.junit, '--html', files.html, '--har', files.har, '--ledger', files.ledger],
      ['run', ...base, '--suite', 'errors', '--json'],
      ['test-connection', ...base, '--verbose'],
      ['test-connection', ...base, '--json'],
      ['cleanup', ...base, '--sweep', '--yes'],
    ]) {
      const r = await runCli(cmd, { env, timeoutMs: 60_000 });
      expect(r.stderr).not.toMatch(/^\s+at /m);
      outputs.push(r.stdout, r.stderr);
    }
    for (const f of Object.values(files)) if (existsSync(f)) outputs.push(readFileSync(f, 'utf8'));
    for (const f of readdirSync(dir)) outputs.push(readFileSync(join(dir, f), 'utf8'));
    expect(outputs.join('').length).toBeGreaterThan(50_000);
    // The proxy really echoed the credential it received.
    expect(outputs.join('')).toContain('you sent ');
    const canaries = secrets.flatMap((s) => forms(s === 'ACCESS' ? idp.accessToken : s));
    for (const out of outputs) for (const c of canaries) expect(out.includes(c), `a canary (${c.slice(0, 6)}…) leaked`).toBe(false);
  });
});
