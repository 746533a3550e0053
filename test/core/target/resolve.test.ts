import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { isLoopbackHost, resolveTarget } from '../../../src/core/target/resolve.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-resolve-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function fails(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveTarget', () => {
  it('applies defaults and keeps the base query string', () => {
    const t = resolveTarget({ flags: { 'base-url': 'https://app.example.com/scim/v2/?aadOptscim062020' }, env: {}, cwd: dirWith({}) });
    expect(t.baseUrl.toString()).toBe('https://app.example.com/scim/v2/?aadOptscim062020');
    expect(t.timeoutMs).toBe(10_000);
    expect(t.maxResponseBytes).toBe(10 * 1024 * 1024);
    expect(t.auth).toEqual({ kind: 'none' });
    expect(t.tls.rejectUnauthorized).toBe(true);
    expect(t.warnings).toEqual([]);
  });

  it('takes flag over environment over file, per setting', () => {
    const cwd = dirWith({ 'scimcheck.yaml': 'base-url: https://file.example/scim\ntimeout: 3000\ntoken: from-file-token\n' });
    const fileOnly = resolveTarget({ flags: {}, env: {}, cwd });
    expect([fileOnly.baseUrl.host, fileOnly.timeoutMs, fileOnly.auth]).toEqual(['file.example', 3000, { kind: 'bearer', token: 'from-file-token' }]);
    expect(fileOnly.configFile).toBe('scimcheck.yaml');
    const env = resolveTarget({ flags: {}, env: { SCIMCHECK_TIMEOUT: '4000', SCIMCHECK_BASE_URL: 'https://env.example/scim' }, cwd });
    expect([env.baseUrl.host, env.timeoutMs]).toEqual(['env.example', 4000]);
    const flag = resolveTarget({ flags: { timeout: '5000' }, env: { SCIMCHECK_TIMEOUT: '4000' }, cwd });
    expect([flag.baseUrl.host, flag.timeoutMs]).toEqual(['file.example', 5000]);
  });

  it('reads --config and SCIMCHECK_CONFIG, and resolves file paths against the config file', () => {
    const dir = dirWith({ 'ca.pem': 'PEM', 'other.yaml': 'base-url: https://other.example\nca: ca.pem\n' });
    const t = resolveTarget({ flags: { config: join(dir, 'other.yaml') }, env: {}, cwd: tmpdir() });
    expect(t.tls.ca?.toString()).toBe('PEM');
    const e = resolveTarget({ flags: {}, env: { SCIMCHECK_CONFIG: join(dir, 'other.yaml') }, cwd: tmpdir() });
    expect(e.baseUrl.host).toBe('other.example');
  });

  it('merges headers by name: flag over environment over file', () => {
    const cwd = dirWith({ 'scimcheck.yaml': 'base-url: https://a.example\nheader:\n  - "X-Tenant: file"\n  - "X-Env: file"\n  - "X-File: file"\n' });
    const t = resolveTarget({ flags: { header: ['x-tenant: flag'] }, env: { SCIMCHECK_HEADER: 'X-Env: env\nX-Api-Key: k-123456' }, cwd });
    expect(Object.fromEntries(t.headers)).toEqual({ 'x-tenant': 'flag', 'X-Env': 'env', 'X-File': 'file', 'X-Api-Key': 'k-123456' });
    expect(t.secrets).toContain('k-123456');
  });

  it('builds each auth method and registers its secrets', () => {
    const cwd = dirWith({});
    const base = { 'base-url': 'https://a.example' };
    const basic = resolveTarget({ flags: { ...base, basic: 'svc:pa:ss' }, env: {}, cwd });
    expect(basic.auth).toEqual({ kind: 'basic', user: 'svc', password: 'pa:ss' });
    expect(basic.secrets).toEqual(['pa:ss', Buffer.from('svc:pa:ss').toString('base64')]);
    const oauth = resolveTarget({ flags: { ...base, 'oauth-token-url': 'https://idp.example/token', 'client-id': 'cid' }, env: { SCIMCHECK_CLIENT_SECRET: 'csecret' }, cwd });
    expect(oauth.auth).toMatchObject({ kind: 'oauth2', clientId: 'cid', clientSecret: 'csecret' });
    expect(oauth.secrets).toContain('csecret');
  });

  it('gives one clear line for each bad input, with file:line:col for the config file', () => {
    const cwd = dirWith({
      'scimcheck.yaml': 'base-url: https://a.example\ntimout: 5\n',
      'bad.yaml': 'base-url: [unclosed\n',
      'types.yaml': 'base-url: https://a.example\ninsecure: maybe\n',
      'list.yaml': '- a\n- b\n',
      'tok.yaml': 'base-url: https://a.example\ntoken:\n  nested: 1\n',
    });
    expect(fails(() => resolveTarget({ flags: {}, env: {}, cwd }))).toBe('scimcheck.yaml:2:1: unknown setting "timout"');
    expect(fails(() => resolveTarget({ flags: { config: 'bad.yaml' }, env: {}, cwd }))).toMatch(/^bad\.yaml:2:1: invalid YAML: /);
    expect(fails(() => resolveTarget({ flags: { config: 'types.yaml' }, env: {}, cwd }))).toBe('types.yaml:2:11: expected true or false for insecure, got "maybe"');
    expect(fails(() => resolveTarget({ flags: { config: 'list.yaml' }, env: {}, cwd }))).toBe('list.yaml:1:1: the config file must be a mapping of settings');
    expect(fails(() => resolveTarget({ flags: { config: 'tok.yaml' }, env: {}, cwd }))).toBe('tok.yaml:3:3: expected a string for token');
    expect(fails(() => resolveTarget({ flags: { config: 'missing.yaml' }, env: {}, cwd }))).toBe('--config: cannot read config file missing.yaml: no such file');
  });

  it('refuses unsafe or incomplete settings', () => {
    const cwd = dirWith({});
    const r = (flags: Record<string, string | boolean>, env: Record<string, string> = {}) => fails(() => resolveTarget({ flags, env, cwd }));
    expect(r({ 'base-url': 'ftp://a.example' })).toBe('--base-url: base-url must use https:// (or http:// to a loopback address), got ftp://');
    expect(r({ 'base-url': 'https://u:p@a.example' })).toBe('--base-url: the base URL must not carry credentials; use --basic or --token');
    expect(r({ 'base-url': 'https://a.example', basic: 'nocolon' })).toBe('--basic: expected user:password');
    expect(r({ 'base-url': 'https://a.example', 'client-id': 'x' })).toBe('OAuth 2.0 client credentials need --oauth-token-url, --client-secret as well');
    expect(r({ 'base-url': 'https://a.example', 'oauth-token-url': 'http://idp.example/t', 'client-id': 'x', 'client-secret': 'y' })).toMatch(/^--oauth-token-url: refusing plain http:\/\/ to idp\.example/);
    expect(r({ 'base-url': 'https://a.example', cert: '/tmp/c.pem' })).toBe('--cert: a client certificate needs both --cert and --key');
    expect(r({ 'base-url': 'https://a.example', header: 'NoColon' } as never)).toBe('--header: expected a header as "Name: value", got "NoColon"');
    // A usage error never echoes a credential given in the wrong form or to the wrong flag.
    expect(r({ 'base-url': 'https://a.example', header: 'X-Api-Key=canary-key-7d1e' } as never)).toBe('--header: expected a header as "Name: value", got "X-Api-Key…"');
    expect(r({ 'base-url': 'https://a.example', header: 'Authorization Bearer canary-tok-55aa' } as never)).toBe('--header: expected a header as "Name: value", got "Authorization…"');
    expect(r({ 'base-url': 'https://a.example', header: 'eyJhbGciOiJIUzI1NiJ9canarycanarycanary' } as never)).toBe('--header: expected a header as "Name: value", got (not shown: it may hold a secret)');
    expect(r({ 'base-url': 'eyJhbGciOiJIUzI1NiJ9.canary-token' })).toBe('--base-url: base-url is not a URL: (33 characters, not shown in case it is a secret)');
    expect(r({ 'base-url': 'http://svc:canary-pw@' })).toBe('--base-url: base-url is not a URL: (21 characters, not shown in case it is a secret)');
    expect(r({ 'base-url': 'http://svc:canary-pw@a.example/scim' })).toBe('--base-url: the base URL must not carry credentials; use --basic or --token');
    expect(r({ 'base-url': 'https://a.example' }, { SCIMCHECK_TIMEOUT: '0' })).toBe('SCIMCHECK_TIMEOUT: the timeout must be at least 1 ms');
    // Absurd numbers are refused, not turned into something else (Node would make this timeout 1 ms).
    expect(r({ 'base-url': 'https://a.example', timeout: '99999999999999' })).toBe('--timeout: the timeout must be at most 3600000 ms (1 hour), got 99999999999999');
    expect(r({ 'base-url': 'https://a.example', 'max-response-size': '99999999999999' })).toBe('--max-response-size: the response-size cap must be at most 1073741824 bytes (1 GiB), got 99999999999999');
    expect(r({ 'base-url': 'https://a.example' }, { SCIMCHECK_MAX_RPS: '200000' })).toBe('SCIMCHECK_MAX_RPS: max-rps must be from 0 (no limit) to 100000, got 200000');
    expect(r({ 'base-url': 'https://a.example' }, { SCIMCHECK_TOKEN: 't1', SCIMCHECK_BASIC: 'u:p' })).toBe(
      'more than one authentication method is set: --token (SCIMCHECK_TOKEN), --basic (SCIMCHECK_BASIC); keep one',
    );
  });

  it('allows http:// to loopback, and elsewhere only with allow-http', () => {
    const cwd = dirWith({});
    expect(resolveTarget({ flags: { 'base-url': 'http://127.0.0.1:9/scim' }, env: {}, cwd }).baseUrl.port).toBe('9');
    expect(resolveTarget({ flags: { 'base-url': 'http://scim.test/scim', 'allow-http': true }, env: {}, cwd }).allowHttp).toBe(true);
    expect(resolveTarget({ flags: { 'base-url': 'http://scim.test/scim' }, env: { SCIMCHECK_ALLOW_HTTP: 'yes' }, cwd }).allowHttp).toBe(true);
    expect(['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', 'api.localhost'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', '128.0.0.1', 'example.com', '::2'].some(isLoopbackHost)).toBe(false);
  });

  it('warns loudly about --insecure', () => {
    const t = resolveTarget({ flags: { 'base-url': 'https://a.example', insecure: true }, env: {}, cwd: dirWith({}) });
    expect(t.tls.rejectUnauthorized).toBe(false);
    expect(t.warnings[0]).toMatch(/^TLS certificate verification is OFF/);
  });
});
