/**
 * Secrets echoed in every encoding a server may use never reach any output (issue 15, items 8 and 9): JSON with `\/`
 * (PHP) and `\uXXXX` escapes (.NET, either case), percent-encoding in either case, form encoding, base64 and
 * base64url; and an OAuth access token from a token endpoint that answers as a form, not JSON.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodings } from '../../src/core/http/redact.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

const TOKEN = 'canary+tok/en=9f3e';
const ACCESS = 'canary-form-access/77+x';
const CLIENT_SECRET = 'canary-client-secret-5b';

/** The credentials a request carried (a bearer token, or a Basic password; an X-Api-Key value), as the server saw them. */
function credentials(req: IncomingMessage): string[] {
  const auth = req.headers.authorization ?? '';
  const basic = /^Basic (.+)$/.exec(auth);
  const first = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').slice(1).join(':') : auth.replace(/^Bearer /, '');
  const key = req.headers['x-api-key'];
  return [first, ...(typeof key === 'string' ? [key] : [])];
}

/** A body that echoes `s` in every encoding, in JSON. */
function echoJson(s: string): string {
  const php = JSON.stringify(s).replace(/\//g, '\\/');
  const dotnet = JSON.stringify(s).replace(/[+/=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
  const lowerPct = encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"php":${php},"dotnet":${dotnet},"pct":"${lowerPct}","b64":"${Buffer.from(s).toString('base64')}","b64url":"${Buffer.from(s).toString('base64url')}"}`;
}

let scim: Server;
let idp: Server;
let scimUrl: string;
let idpUrl: string;
beforeAll(async () => {
  scim = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    const [first, key] = credentials(req);
    // The echoes as written (their escapes kept): the key's echo joins the body as one more member.
    const text = echoJson(first!);
    res.end(key ? `${text.slice(0, -1)},"key":${echoJson(key)}}` : text);
  });
  idp = createServer((req, res) => {
    req.resume();
    // A form answer, not JSON: the access token must still be registered as a secret.
    res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
    res.end(new URLSearchParams({ access_token: ACCESS, token_type: 'bearer', expires_in: '3600' }).toString());
  });
  for (const s of [scim, idp]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  scimUrl = `http://127.0.0.1:${(scim.address() as { port: number }).port}/scim/v2`;
  idpUrl = `http://127.0.0.1:${(idp.address() as { port: number }).port}/token`;
});
afterAll(async () => {
  for (const s of [scim, idp]) await new Promise<void>((r) => s.close(() => r()));
});

/** Every encoding of every secret, searched in a text (the literal one included). */
function leaks(text: string, secrets: string[]): string[] {
  return secrets.flatMap((s) => encodings(s).filter((e) => text.includes(e)).map((e) => `${s} as ${e}`));
}

describe('secrets echoed in any encoding', () => {
  it('the bearer token: stdout, stderr (--verbose), JSON result, JUnit, HTML and HAR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-echo-'));
    const files = ['r.json', 'r.xml', 'r.html', 'r.har'].map((f) => join(dir, f));
    const r = await runCli(['run', '--base-url', scimUrl, '--suite', 'test-connection', '--verbose', '--report-json', files[0]!, '--junit', files[1]!, '--html', files[2]!, '--har', files[3]!], {
      env: cleanEnv({ SCIMCHECK_TOKEN: TOKEN }),
    });
    expect(r.stderr).not.toMatch(/internal error/);
    const outputs = [r.stdout, r.stderr, ...files.map((f) => readFileSync(f, 'utf8'))];
    expect(outputs.flatMap((o) => leaks(o, [TOKEN]))).toEqual([]);
    // Decoded, too: the JSON result's strings hold no secret after JSON decoding.
    expect(JSON.stringify(JSON.parse(outputs[2]!))).not.toContain('canary+tok');
    expect(r.stdout).toContain('[REDACTED]');
  });

  it('an OAuth access token from a token endpoint that answers as a form', async () => {
    const r = await runCli(['test-connection', '--base-url', scimUrl, '--oauth-token-url', idpUrl, '--client-id', 'c', '--verbose', '--allow-http'], {
      env: cleanEnv({ SCIMCHECK_CLIENT_SECRET: CLIENT_SECRET }),
    });
    expect(leaks(r.stdout + r.stderr, [ACCESS, CLIENT_SECRET])).toEqual([]);
    expect(r.stdout).toContain('[REDACTED]');
  });

  it('a Basic password and an X-Api-Key header value', async () => {
    const password = 'canary+pw/9=x';
    const apiKey = 'canary-key+/77';
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-echo-'));
    const har = join(dir, 'r.har');
    const r = await runCli(['run', '--base-url', scimUrl, '--suite', 'test-connection', '--verbose', '--basic', `svc:${password}`, '--header', `X-Api-Key: ${apiKey}`, '--har', har], {
      env: cleanEnv(),
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect([r.stdout, r.stderr, readFileSync(har, 'utf8')].flatMap((o) => leaks(o, [password, apiKey]))).toEqual([]);
  });
});
