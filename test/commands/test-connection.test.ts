import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { startMini, type MiniOptions, type MiniServer } from '../helpers/mini-scim.js';
import { startTokenEndpoint } from '../helpers/oauth.js';
import { startProxy } from '../helpers/proxy.js';

const TOKEN = 'canary-token-5e1f0c7a9b3d4e2f';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function mini(opts: MiniOptions = {}): Promise<MiniServer> {
  const s = await startMini({ token: TOKEN, ...opts });
  open.push(s);
  return s;
}

interface JsonResult {
  exitCode: number;
  summary: { passed: number; failed: number; errored: number; skipped: number };
  checks: { id: string; outcome: string; message: string; entraMessage?: string; blockedBy?: string; counts: boolean; exchanges: { request: { url: string; headers: Record<string, string> } }[] }[];
}

async function tc(url: string, extra: string[] = [], env = cleanEnv()) {
  const r = await runCli(['test-connection', '--base-url', url, ...extra], { env });
  return r;
}
async function tcJson(url: string, extra: string[] = [], env = cleanEnv()) {
  const r = await tc(url, ['--json', ...extra], env);
  return { ...r, json: JSON.parse(r.stdout) as JsonResult };
}
const outcomes = (j: JsonResult) => Object.fromEntries(j.checks.map((c) => [c.id.replace('test-connection/', ''), c.outcome]));

describe('test-connection against a conformant endpoint', () => {
  it('passes every probe, exits 0, and sends what Entra sends', async () => {
    const s = await mini();
    const r = await tcJson(`${s.url}?aadOptscim062020`, ['--token', TOKEN]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outcomes(r.json)).toEqual({
      'users-filter-no-match': 'passed',
      'groups-filter-no-match': 'passed',
      'rejects-invalid-token': 'passed',
      'unauthorized-error-format': 'passed',
    });
    expect(r.json.summary).toMatchObject({ passed: 4, failed: 0, errored: 0, skipped: 0 });
    // Entra's wire format: the base query kept first, spaces as '+', literal quotes, the token as a bearer.
    const [users, groups, bad] = s.seen;
    expect(users!.url).toMatch(/^\/scim\/v2\/Users\?aadOptscim062020&filter=userName\+eq\+"[0-9a-f-]{36}"$/);
    expect(users!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(groups!.url).toMatch(/^\/scim\/v2\/Groups\?aadOptscim062020&excludedAttributes=members&filter=displayName\+eq\+"[0-9a-f-]{36}"$/);
    expect(bad!.headers.authorization).not.toBe(`Bearer ${TOKEN}`);
    expect(bad!.headers.authorization).toMatch(/^Bearer [0-9a-f]{32}$/);
  });

  it('prints one verdict line per probe and a summary', async () => {
    const s = await mini();
    const r = await tc(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`scimcheck test-connection → ${s.url}`);
    expect(lines.filter((l) => /^\s+✔ PASSED\s+test-connection\//.test(l))).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^4 passed, 0 failed, 0 errored, 0 skipped in \d+ ms$/);
  });

  it('honours --matching-attribute and --no-groups', async () => {
    const s = await mini();
    const r = await tcJson(s.url, ['--token', TOKEN, '--matching-attribute', 'externalId', '--no-groups']);
    expect(r.code).toBe(0);
    expect(s.seen[0]!.url).toMatch(/filter=externalId\+eq\+"/);
    expect(s.seen.some((q) => q.url.includes('/Groups'))).toBe(false);
    expect(outcomes(r.json)['groups-filter-no-match']).toBe('skipped');
  });
});

describe('test-connection against broken endpoints', () => {
  it('fails a 404 for a query with no match, with what Entra would show', async () => {
    const s = await mini({ notFoundOnNoMatch: true });
    const r = await tcJson(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    const users = r.json.checks.find((c) => c.id === 'test-connection/users-filter-no-match')!;
    expect(users.outcome).toBe('failed');
    expect(users.message).toBe('a user query for a userName that does not exist answered 404');
    expect(users.entraMessage).toMatch(/HTTP\/404 Not Found came back where it expected HTTP\/200 OK/);
  });

  it('says to check the base URL when nothing is served there', async () => {
    const s = await mini();
    const r = await tc(`${s.url}/Users`, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('404 from /Users: nothing is served at this path');
    expect(r.stdout).toMatch(/fix\s+Check the base URL: it must be the SCIM root/);
  });

  it('fails a filter that is ignored (a non-empty list for a random GUID)', async () => {
    const s = await mini({ ignoreFilter: true });
    const r = await tcJson(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(outcomes(r.json)).toMatchObject({ 'users-filter-no-match': 'failed', 'groups-filter-no-match': 'failed' });
    expect(r.json.checks[0]!.message).toBe(
      'the filter was not applied: a user query for a userName that does not exist returned totalResults 1 and 1 resource(s)',
    );
  });

  it('fails an endpoint that accepts a bad token', async () => {
    const s = await mini({ acceptAnyToken: true });
    const r = await tcJson(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(outcomes(r.json)).toEqual({
      'users-filter-no-match': 'passed',
      'groups-filter-no-match': 'passed',
      'rejects-invalid-token': 'failed',
      'unauthorized-error-format': 'errored',
    });
    expect(r.json.checks[2]!.message).toBe('the endpoint answered 200 to a made-up token: it does not check credentials');
    // The error-format check had no 401 to judge: it says what blocked it, and only its cause fails the run.
    expect(r.json.checks[3]).toMatchObject({ outcome: 'errored', blockedBy: 'test-connection/rejects-invalid-token', counts: false });
    expect(r.json.checks[2]).toMatchObject({ outcome: 'failed', counts: true });
  });

  it('exits 1 with the credentials message when the right token is refused', async () => {
    const s = await mini();
    const r = await tc(s.url, ['--token', 'not-the-right-token']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the server refused the credentials (401)');
    expect(r.stdout).toContain('Entra would report invalid credentials (SystemForCrossDomainIdentityManagementCredentialValidationUnavailable)');
  });

  it('fails a /Groups that does not exist', async () => {
    const s = await mini({ groupsMissing: true });
    const r = await tcJson(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(outcomes(r.json)).toMatchObject({ 'users-filter-no-match': 'passed', 'groups-filter-no-match': 'failed' });
  });

  it('gives the RFC verdict and Entra\'s on a 401 without a SCIM Error body', async () => {
    const s = await mini({ plainUnauthorized: true });
    const r = await tcJson(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    const c = r.json.checks.find((x) => x.id === 'test-connection/unauthorized-error-format')!;
    expect(c.outcome).toBe('failed');
    expect(c.message).toBe('the 401 body is not JSON; Entra does not read this body: it would still work.');
  });

  it('reports a redirect as it came, without following it', async () => {
    const s = await mini({ redirectTo: 'https://elsewhere.invalid/scim' });
    const r = await tcJson(s.url, ['--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(r.json.checks[0]!.message).toBe('the server redirected (302 to https://elsewhere.invalid/scim); scimcheck does not follow redirects');
    expect(s.seen).toHaveLength(3); // three probes, nothing followed to elsewhere.invalid
  });

  it('errors on a response over the size cap, with a clear message', async () => {
    const s = await mini({ hugeBody: 20_000 });
    const r = await tcJson(s.url, ['--token', TOKEN, '--max-response-size', '4096']);
    expect(r.code).toBe(1);
    expect(r.json.checks[0]!.outcome).toBe('errored');
    expect(r.json.checks[0]!.message).toBe(`200: the response from 127.0.0.1:${s.port} is larger than the cap (--max-response-size)`);
  });
});

describe('test-connection when the target cannot be reached', () => {
  it('exits 3 for a closed port', async () => {
    const port = await closedPort();
    const r = await tc(`http://127.0.0.1:${port}/scim/v2`, ['--token', TOKEN]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`connection refused by 127.0.0.1:${port}`);
    expect(r.stderr).toBe('');
  });

  it('exits 3 on a timeout', async () => {
    const s = await mini({ delayMs: 3000 });
    const r = await tc(s.url, ['--token', TOKEN, '--timeout', '300']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`127.0.0.1:${s.port} did not answer within 300 ms`);
  });
});

describe('test-connection over TLS', () => {
  let pems: Awaited<ReturnType<typeof generate>>;
  let caFile: string;
  beforeAll(async () => {
    pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      clientCertificate: { cn: 'scimcheck-client' },
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 2, value: 'scim.test' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-tls-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pems.cert);
    writeFileSync(join(dir, 'client.pem'), pems.clientcert!);
    writeFileSync(join(dir, 'client.key'), pems.clientprivate!);
    clientDir = dir;
  });
  let clientDir: string;

  it('presents a client certificate for mutual TLS with --cert and --key', async () => {
    const s = await mini({ tls: { key: pems.private, cert: pems.cert, ca: pems.cert, requireClientCert: true } });
    const without = await tc(s.url, ['--token', TOKEN, '--ca', caFile]);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain(`problem   127.0.0.1:${s.port} closed the connection before the response was complete`);
    expect(without.stdout).toContain('fix       The server closed the connection without answering. Over HTTPS this is often a server that requires a client certificate (mutual TLS): pass --cert and --key.');
    expect(s.seen).toHaveLength(0);
    const withCert = await tc(s.url, ['--token', TOKEN, '--ca', caFile, '--cert', join(clientDir, 'client.pem'), '--key', join(clientDir, 'client.key')]);
    expect(withCert.code).toBe(0);
    expect(s.seen).toHaveLength(3);
  });

  it('refuses a self-signed certificate without --ca (exit 3) and accepts it with --ca', async () => {
    const s = await mini({ tls: { key: pems.private, cert: pems.cert } });
    const refused = await tc(s.url, ['--token', TOKEN]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toMatch(/TLS with 127\.0\.0\.1:\d+ failed: the certificate is self-signed; trust it with --ca FILE \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const accepted = await tc(s.url, ['--token', TOKEN, '--ca', caFile]);
    expect(accepted.code).toBe(0);
  });

  it('--insecure skips verification with a loud warning', async () => {
    const s = await mini({ tls: { key: pems.private, cert: pems.cert } });
    const r = await tc(s.url, ['--token', TOKEN, '--insecure']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: TLS certificate verification is OFF \(--insecure\)/);
  });

  it('goes through the proxy named by HTTPS_PROXY', async () => {
    const s = await mini({ tls: { key: pems.private, cert: pems.cert } });
    // scim.test is a name only the proxy knows: a target that is not loopback.
    const proxy = await startProxy({ 'scim.test': '127.0.0.1' });
    open.push(proxy);
    const r = await tc(s.url.replace('127.0.0.1', 'scim.test'), ['--token', TOKEN, '--ca', caFile], cleanEnv({ HTTPS_PROXY: proxy.url }));
    expect(r.code).toBe(0);
    expect(proxy.tunnels).toContain(`scim.test:${s.port}`);
    expect(s.seen).toHaveLength(3);
  });

  it('never sends a loopback target through a proxy, so the token never reaches it', async () => {
    const s = await mini();
    const proxy = await startProxy();
    open.push(proxy);
    const r = await tc(s.url, ['--token', TOKEN], cleanEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }));
    expect(r.code).toBe(0);
    expect(proxy.tunnels).toEqual([]);
    expect(s.seen).toHaveLength(3);
  });
});

describe('test-connection with OAuth 2.0 client credentials', () => {
  it('fetches the access token once and sends it as a bearer token', async () => {
    const secret = 'canary-client-secret-91d2e8';
    const idp = await startTokenEndpoint('scimcheck-client', secret);
    open.push(idp);
    const s = await mini({ token: undefined, acceptAuthorization: [`Bearer ${idp.accessToken}`] });
    const r = await tcJson(s.url, ['--oauth-token-url', idp.url, '--client-id', 'scimcheck-client', '--scope', 'scim.all'], cleanEnv({ SCIMCHECK_CLIENT_SECRET: secret }));
    expect(r.code).toBe(0);
    expect(idp.calls).toBe(1);
    expect(idp.forms[0]!.get('scope')).toBe('scim.all');
    expect(s.seen.slice(0, 2).map((q) => q.headers.authorization)).toEqual([`Bearer ${idp.accessToken}`, `Bearer ${idp.accessToken}`]);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(idp.accessToken);
    }
  });

  it('a refused client secret fails with the credentials message', async () => {
    const idp = await startTokenEndpoint('scimcheck-client', 'right-secret-value');
    open.push(idp);
    const s = await mini();
    const r = await tc(s.url, ['--oauth-token-url', idp.url, '--client-id', 'scimcheck-client', '--client-secret', 'wrong-secret-value']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the OAuth token endpoint answered 401: invalid_client (client authentication failed)');
    expect(r.stdout).not.toContain('wrong-secret-value');
  });
});

describe('configuration precedence: flag > environment > file > default', () => {
  it('takes each setting from the highest source that has it', async () => {
    const good = await mini();
    const other = await mini();
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-cfg-'));
    writeFileSync(join(dir, 'scimcheck.yaml'), `base-url: ${other.url}\ntoken: file-token-value\ntimeout: 5000\n`);
    // file only
    let r = await runCli(['test-connection', '--json'], { cwd: dir, env: cleanEnv() });
    expect(r.code).toBe(1); // wrong token from the file
    expect(other.seen[0]!.headers.authorization).toBe('Bearer file-token-value');
    // environment beats file
    r = await runCli(['test-connection', '--json'], { cwd: dir, env: cleanEnv({ SCIMCHECK_TOKEN: TOKEN }) });
    expect(r.code).toBe(0);
    expect(good.seen).toHaveLength(0);
    // flag beats environment
    r = await runCli(['test-connection', '--json', '--base-url', good.url], { cwd: dir, env: cleanEnv({ SCIMCHECK_TOKEN: TOKEN, SCIMCHECK_BASE_URL: other.url }) });
    expect(r.code).toBe(0);
    expect(good.seen).toHaveLength(3);
  });
});

describe('secrets never appear in output', () => {
  it('even when the server echoes the token in bodies, headers and URLs', async () => {
    const s = await mini({ echoSecrets: true });
    for (const args of [['--json'], ['--verbose'], []]) {
      const r = await tc(s.url, ['--token', TOKEN, ...args]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(r.stdout + r.stderr).not.toContain(TOKEN.replace(/-/g, ''));
    }
    const r = await tc(s.url, ['--token', TOKEN, '--verbose']);
    expect(r.stdout).toContain('[REDACTED]');
  });

  it('hides a Basic password and its base64 form', async () => {
    const password = 'basic-canary-pw-73d1';
    const s = await mini({ token: undefined, acceptAuthorization: [`Basic ${Buffer.from(`svc:${password}`).toString('base64')}`], echoSecrets: true });
    const r = await tc(s.url, ['--basic', `svc:${password}`, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.stdout + r.stderr).not.toContain(Buffer.from(`svc:${password}`).toString('base64'));
  });

  it('in failure output too (a refused secret in the echoed 401 body)', async () => {
    const s = await mini({ echoSecrets: true });
    const wrong = 'wrong-canary-2b9f6e3a';
    const r = await tc(s.url, ['--token', wrong, '--verbose']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });
});

describe('usage errors: one line, exit 2', () => {
  it.each([
    [['--base-url', 'not a url', '--token', 'x'], 'scimcheck: --base-url: base-url is not a URL: "not a url"'],
    [['--base-url', 'http://scim.example.com/v2', '--token', 'x'], 'scimcheck: --base-url: refusing plain http:// to scim.example.com: the token would cross the network in clear text (use https://, or --allow-http for a test network)'],
    [['--token', 'x'], 'scimcheck: no target: give --base-url, set SCIMCHECK_BASE_URL, or put base-url in scimcheck.yaml'],
    [['--base-url', 'https://a.example', '--token', 'x', '--ca', '/nonexistent/ca.pem'], 'scimcheck: --ca: cannot read /nonexistent/ca.pem: no such file'],
    [['--base-url', 'https://a.example', '--token', 'x', '--basic', 'u:p'], 'scimcheck: more than one authentication method is set: --token (--token), --basic (--basic); keep one'],
    [['--base-url', 'https://a.example', '--timeout', 'soon'], 'scimcheck: --timeout: expected a whole number for timeout, got "soon"'],
    [['--base-url', 'https://a.example', '--bogus'], 'scimcheck: Nonexistent flag: --bogus'],
  ])('%j', async (args, message) => {
    const r = await runCli(['test-connection', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
