import { existsSync } from 'node:fs';
import { MAX_YAML_FILE, readLocalFile } from '../util/local-file.js';
import { isIP } from 'node:net';
import { dirname, resolve as resolvePath } from 'node:path';
import { ConfigError } from '../errors.js';
import { YamlSource } from '../util/yaml-source.js';
import {
  CONFIG_SETTING,
  DEFAULT_CONFIG_FILE,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  TARGET_SETTINGS,
  type FlagValues,
  type SettingKey,
  type SettingSpec,
} from './settings.js';

export type Auth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'oauth2'; tokenUrl: URL; clientId: string; clientSecret: string; scope?: string };

/** Everything needed to talk to one SCIM service provider. Holds secrets: never print it. */
export interface Target {
  baseUrl: URL;
  auth: Auth;
  headers: [string, string][];
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  timeoutMs: number;
  maxResponseBytes: number;
  /** Requests per second at most (0: no limit). */
  maxRps: number;
  allowHttp: boolean;
  /** Every secret value, for redaction. */
  secrets: string[];
  /** Things the user must see before the run (e.g. --insecure). */
  warnings: string[];
  /** Where the config file came from, if one was read. */
  configFile?: string;
}

type Source = 'flag' | 'env' | 'file' | 'default';
interface Found<T> {
  value: T;
  source: Source;
  /** Where the value came from, for messages: `--timeout`, `SCIMCHECK_TIMEOUT`, `scimcheck.yaml:4:10`. */
  where: string;
}

export interface ResolveInput {
  flags: FlagValues;
  env: Record<string, string | undefined>;
  cwd: string;
  /** A target is required by commands that talk to a server; `false` lets a command resolve partial settings. */
  requireBaseUrl?: boolean;
  /** `false`: read no config file (a command whose target is its own, like `demo`). */
  configFile?: false;
}

const SECRET_HEADER = /auth|token|secret|key|cookie|session|password|signature|credential/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reads flags > environment > config file > defaults into a validated Target. Throws ConfigError (exit 2). */
export function resolveTarget(input: ResolveInput): Target {
  const file = loadConfigFile(input);
  const settings = new Map<SettingKey, Found<unknown>>();
  for (const spec of TARGET_SETTINGS) {
    const found = lookup(spec, input, file);
    if (found) settings.set(spec.key, found);
  }
  const get = <T>(key: SettingKey): Found<T> | undefined => settings.get(key) as Found<T> | undefined;

  const warnings: string[] = [];
  const secrets: string[] = [];

  // Base URL
  const rawBase = get<string>('base-url');
  if (!rawBase) {
    if (input.requireBaseUrl === false) throw new ConfigError('internal: partial targets are not supported');
    throw new ConfigError(
      `no target: give --base-url, set SCIMCHECK_BASE_URL, or put base-url in ${DEFAULT_CONFIG_FILE}`,
    );
  }
  const baseUrl = parseHttpUrl(rawBase, 'base-url');
  if (baseUrl.username || baseUrl.password) {
    throw new ConfigError(`${rawBase.where}: the base URL must not carry credentials; use --basic or --token`);
  }
  baseUrl.hash = '';
  const allowHttp = (get<boolean>('allow-http')?.value as boolean | undefined) ?? false;
  requireSecureScheme(baseUrl, rawBase.where, allowHttp);

  // Authentication: one method at most.
  const token = get<string>('token');
  const basic = get<string>('basic');
  const tokenUrl = get<string>('oauth-token-url');
  const clientId = get<string>('client-id');
  const clientSecret = get<string>('client-secret');
  const scope = get<string>('scope');
  const methods = [
    token && `--token (${token.where})`,
    basic && `--basic (${basic.where})`,
    (tokenUrl || clientSecret) && `OAuth 2.0 client credentials (${(tokenUrl ?? clientSecret)!.where})`,
  ].filter(Boolean);
  if (methods.length > 1) {
    throw new ConfigError(`more than one authentication method is set: ${methods.join(', ')}; keep one`);
  }
  let auth: Auth = { kind: 'none' };
  if (token) {
    if (!token.value) throw new ConfigError(`${token.where}: the token is empty`);
    auth = { kind: 'bearer', token: token.value };
    secrets.push(token.value);
  } else if (basic) {
    const at = basic.value.indexOf(':');
    if (at <= 0) throw new ConfigError(`${basic.where}: expected user:password`);
    auth = { kind: 'basic', user: basic.value.slice(0, at), password: basic.value.slice(at + 1) };
    secrets.push(auth.password, Buffer.from(basic.value).toString('base64'));
  } else if (tokenUrl || clientSecret || clientId) {
    const missing = [
      !tokenUrl && '--oauth-token-url',
      !clientId && '--client-id',
      !clientSecret && '--client-secret',
    ].filter(Boolean);
    if (missing.length) throw new ConfigError(`OAuth 2.0 client credentials need ${missing.join(', ')} as well`);
    const url = parseHttpUrl(tokenUrl!, 'oauth-token-url');
    requireSecureScheme(url, tokenUrl!.where, allowHttp);
    auth = {
      kind: 'oauth2',
      tokenUrl: url,
      clientId: clientId!.value,
      clientSecret: clientSecret!.value,
      ...(scope ? { scope: scope.value } : {}),
    };
    secrets.push(clientSecret!.value, Buffer.from(`${clientId!.value}:${clientSecret!.value}`).toString('base64'));
  }

  // Extra headers, merged by name: flag beats environment beats file.
  const headers = new Map<string, [string, string]>();
  for (const source of ['file', 'env', 'flag'] as const) {
    const found = collectHeaders(source, input, file);
    for (const h of found) {
      const [name, value] = parseHeader(h.value, h.where);
      headers.set(name.toLowerCase(), [name, value]);
      if (SECRET_HEADER.test(name) && value) secrets.push(value);
    }
  }

  // TLS
  const ca = get<string>('ca');
  const cert = get<string>('cert');
  const key = get<string>('key');
  if (Boolean(cert) !== Boolean(key)) {
    const given = (cert ?? key)!;
    throw new ConfigError(`${given.where}: a client certificate needs both --cert and --key`);
  }
  const insecure = (get<boolean>('insecure')?.value as boolean | undefined) ?? false;
  if (insecure) {
    warnings.push(
      'TLS certificate verification is OFF (--insecure): anyone on the network path can read the token. Never use this against production.',
    );
  }

  const timeout = get<number>('timeout');
  const MAX_TIMEOUT_MS = 3_600_000;
  const MAX_RESPONSE_CAP = 1024 ** 3;
  const timeoutMs = timeout?.value ?? DEFAULT_TIMEOUT_MS;
  if (timeout && timeoutMs < 1) throw new ConfigError(`${timeout.where}: the timeout must be at least 1 ms`);
  // Node's timers hold at most 2^31-1 ms (about 24.8 days): a larger value would silently become 1 ms.
  if (timeout && timeoutMs > MAX_TIMEOUT_MS) throw new ConfigError(`${timeout.where}: the timeout must be at most ${MAX_TIMEOUT_MS} ms (1 hour), got ${timeoutMs}`);
  const maxSize = get<number>('max-response-size');
  const maxResponseBytes = maxSize?.value ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (maxSize && maxResponseBytes < 1024) throw new ConfigError(`${maxSize.where}: the response-size cap must be at least 1024 bytes`);
  if (maxSize && maxResponseBytes > MAX_RESPONSE_CAP) throw new ConfigError(`${maxSize.where}: the response-size cap must be at most ${MAX_RESPONSE_CAP} bytes (1 GiB), got ${maxResponseBytes}`);

  const rps = get<number>('max-rps');
  const maxRps = (rps?.value as number | undefined) ?? 0;
  if (rps && (maxRps < 0 || maxRps > 100_000)) throw new ConfigError(`${rps.where}: max-rps must be from 0 (no limit) to 100000, got ${maxRps}`);
  return {
    baseUrl,
    auth,
    maxRps,
    headers: [...headers.values()],
    tls: {
      ...(ca ? { ca: readPem(ca) } : {}),
      ...(cert ? { cert: readPem(cert) } : {}),
      ...(key ? { key: readPem(key) } : {}),
      rejectUnauthorized: !insecure,
    },
    timeoutMs,
    maxResponseBytes,
    allowHttp,
    secrets: secrets.filter((s) => s.length > 0),
    warnings,
    ...(file ? { configFile: file.src.file } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------

interface ConfigFile {
  src: YamlSource;
  dir: string;
  values: Record<string, unknown>;
}

function loadConfigFile(input: ResolveInput): ConfigFile | undefined {
  if (input.configFile === false) return undefined;
  let path: string | undefined;
  let where: string;
  const flag = input.flags.config;
  if (typeof flag === 'string') {
    path = flag;
    where = '--config';
  } else if (input.env[CONFIG_SETTING.env]) {
    path = input.env[CONFIG_SETTING.env];
    where = CONFIG_SETTING.env;
  } else {
    const implicit = resolvePath(input.cwd, DEFAULT_CONFIG_FILE);
    if (!existsSync(implicit)) return undefined;
    path = DEFAULT_CONFIG_FILE;
    where = 'the working directory';
  }
  const abs = resolvePath(input.cwd, path!);
  let text: string;
  try {
    text = readLocalFile(abs, 'utf8', MAX_YAML_FILE);
  } catch (err) {
    // The implicit ./scimcheck.yaml is named as the place of the error (it has no flag or variable of its own).
    throw new ConfigError(where === 'the working directory' ? `${path}: cannot read config file: ${describeFsError(err)}` : `${where}: cannot read config file ${path}: ${describeFsError(err)}`);
  }
  const src = YamlSource.parse(path!, text, (m) => new ConfigError(m));
  const contents = src.doc.contents;
  if (contents === null || contents === undefined) return { src, dir: dirname(abs), values: {} };
  if (!src.isMapping()) throw new ConfigError(`${src.where([])}: the config file must be a mapping of settings`);
  const values = src.toJS(text, (m) => new ConfigError(m)) as Record<string, unknown>;
  const known = new Set<string>(TARGET_SETTINGS.map((s) => s.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) {
      const hint = [...known].find((k) => k.replace(/-/g, '') === key.toLowerCase().replace(/[-_]/g, ''));
      throw new ConfigError(
        `${src.where([key], 'key')}: unknown setting "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
    }
  }
  return { src, dir: dirname(abs), values };
}

function lookup(spec: SettingSpec, input: ResolveInput, file: ConfigFile | undefined): Found<unknown> | undefined {
  if (spec.kind === 'list') return undefined; // headers are merged separately
  const flag = input.flags[spec.key as SettingKey];
  const inCwd = (v: unknown) => (spec.kind === 'path' ? resolvePath(input.cwd, v as string) : v);
  if (flag !== undefined && flag !== null) {
    return { value: inCwd(coerce(spec, flag, `--${spec.key}`)), source: 'flag', where: `--${spec.key}` };
  }
  const env = input.env[spec.env];
  if (env !== undefined && env !== '') {
    return { value: inCwd(coerce(spec, env, spec.env)), source: 'env', where: spec.env };
  }
  if (file && spec.key in file.values) {
    const where = file.src.where([spec.key]);
    let value = coerce(spec, file.values[spec.key], where);
    if (spec.kind === 'path') value = resolvePath(file.dir, value as string);
    return { value, source: 'file', where };
  }
  return undefined;
}

function collectHeaders(source: 'flag' | 'env' | 'file', input: ResolveInput, file: ConfigFile | undefined) {
  const out: { value: string; where: string }[] = [];
  if (source === 'flag') {
    const v = input.flags.header;
    const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    for (const h of list) out.push({ value: h, where: '--header' });
  } else if (source === 'env') {
    const v = input.env.SCIMCHECK_HEADER;
    if (v) for (const line of v.split(/\r?\n/)) if (line.trim()) out.push({ value: line, where: 'SCIMCHECK_HEADER' });
  } else if (file && 'header' in file.values) {
    const v = file.values.header;
    const list = Array.isArray(v) ? v : [v];
    list.forEach((h, i) => {
      const where = file.src.where(Array.isArray(v) ? ['header', i] : ['header']);
      if (typeof h !== 'string') throw new ConfigError(`${where}: header must be a "Name: value" string`);
      out.push({ value: h, where });
    });
  }
  return out;
}

function coerce(spec: SettingSpec, raw: unknown, where: string): unknown {
  switch (spec.kind) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      throw new ConfigError(`${where}: expected true or false for ${spec.key}, got "${String(raw)}"`);
    }
    case 'integer': {
      const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) throw new ConfigError(`${where}: expected a whole number for ${spec.key}, got "${String(raw)}"`);
      return n;
    }
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        throw new ConfigError(`${where}: expected a string for ${spec.key}`);
      }
      return String(raw);
    }
  }
}

/**
 * A value quoted in a usage error, unless it could be a secret given to the wrong flag (a token as the base URL, a URL
 * with a password): only values with a space and no `@` are shown.
 */
function shown(value: string): string {
  return /\s/.test(value) && !value.includes('@') && value.length <= 80 ? `"${value}"` : `(${value.length} characters, not shown in case it is a secret)`;
}

function parseHttpUrl(found: Found<string>, key: string): URL {
  let url: URL;
  try {
    url = new URL(found.value);
  } catch {
    throw new ConfigError(`${found.where}: ${key} is not a URL: ${shown(found.value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${found.where}: ${key} must use https:// (or http:// to a loopback address), got ${url.protocol}//`);
  }
  return url;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

function requireSecureScheme(url: URL, where: string, allowHttp: boolean): void {
  if (url.protocol === 'http:' && !allowHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `${where}: refusing plain http:// to ${url.host}: the token would cross the network in clear text (use https://, or --allow-http for a test network)`,
    );
  }
}

function parseHeader(raw: string, where: string): [string, string] {
  const at = raw.indexOf(':');
  const name = at > 0 ? raw.slice(0, at).trim() : '';
  if (!name || !HEADER_NAME.test(name)) {
    // A header without its colon may still hold its credential (`X-Api-Key=KEY`, `Authorization Bearer T`): only its
    // first word is shown, and only when it looks like a header name.
    const first = /^[^\s=:]*/.exec(raw)![0];
    const rest = raw.length > first.length ? '…' : '';
    const word = first.length <= 32 && HEADER_NAME.test(first) ? `"${first}${rest}"` : '(not shown: it may hold a secret)';
    throw new ConfigError(`${where}: expected a header as "Name: value", got ${word}`);
  }
  const value = raw.slice(at + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new ConfigError(`${where}: header ${name} contains a line break`);
  return [name, value];
}

function readPem(found: Found<string>): Buffer {
  try {
    return readLocalFile(found.value);
  } catch (err) {
    throw new ConfigError(`${found.where}: cannot read ${found.value}: ${describeFsError(err)}`);
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (err as Error).message;
}
