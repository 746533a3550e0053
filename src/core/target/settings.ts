/**
 * Every target setting, once: its flag / config-file key, its environment variable, its kind and its default.
 * Commands build their oclif flags from this table, the resolver reads it, and the README table mirrors it
 * (test/core/target/settings.test.ts keeps the README honest).
 */
export type SettingKind = 'string' | 'secret' | 'path' | 'boolean' | 'integer' | 'list';

export interface SettingSpec {
  /** The flag name without dashes; also the config-file key. */
  key: string;
  env: string;
  kind: SettingKind;
  description: string;
  /** Shown in help and README; the resolver applies defaults itself. */
  defaultText?: string;
}

export const TARGET_SETTINGS = [
  { key: 'base-url', env: 'SCIMCHECK_BASE_URL', kind: 'string', description: "The SCIM endpoint (Entra's Tenant URL), e.g. https://app.example.com/scim/v2. Its query string is sent on every request." },
  { key: 'token', env: 'SCIMCHECK_TOKEN', kind: 'secret', description: "Bearer token (Entra's Secret Token), sent as Authorization: Bearer." },
  { key: 'basic', env: 'SCIMCHECK_BASIC', kind: 'secret', description: 'HTTP Basic credentials as user:password.' },
  { key: 'oauth-token-url', env: 'SCIMCHECK_OAUTH_TOKEN_URL', kind: 'string', description: 'OAuth 2.0 token endpoint for the client-credentials grant.' },
  { key: 'client-id', env: 'SCIMCHECK_CLIENT_ID', kind: 'string', description: 'OAuth 2.0 client id.' },
  { key: 'client-secret', env: 'SCIMCHECK_CLIENT_SECRET', kind: 'secret', description: 'OAuth 2.0 client secret.' },
  { key: 'scope', env: 'SCIMCHECK_SCOPE', kind: 'string', description: 'OAuth 2.0 scope to request (optional).' },
  { key: 'header', env: 'SCIMCHECK_HEADER', kind: 'list', description: 'Extra request header "Name: value" (repeatable; in the environment, one per line).' },
  { key: 'ca', env: 'SCIMCHECK_CA', kind: 'path', description: 'PEM file of CA certificates to trust for the target (replaces the system list).' },
  { key: 'cert', env: 'SCIMCHECK_CERT', kind: 'path', description: 'PEM client certificate for mutual TLS (with --key).' },
  { key: 'key', env: 'SCIMCHECK_KEY', kind: 'path', description: 'PEM private key of the client certificate.' },
  { key: 'insecure', env: 'SCIMCHECK_INSECURE', kind: 'boolean', description: 'Skip TLS certificate verification (prints a warning; never in production).', defaultText: 'false' },
  { key: 'timeout', env: 'SCIMCHECK_TIMEOUT', kind: 'integer', description: 'Per-request time limit in milliseconds.', defaultText: '10000' },
  { key: 'max-response-size', env: 'SCIMCHECK_MAX_RESPONSE_SIZE', kind: 'integer', description: 'Largest response body accepted, in bytes.', defaultText: '10485760 (10 MiB)' },
  { key: 'max-rps', env: 'SCIMCHECK_MAX_RPS', kind: 'integer', description: 'Send at most this many requests per second (paced; 0 for no limit).', defaultText: '0 (no limit)' },
  { key: 'allow-http', env: 'SCIMCHECK_ALLOW_HTTP', kind: 'boolean', description: 'Allow plain http:// to a host that is not a loopback address.', defaultText: 'false' },
] as const satisfies readonly SettingSpec[];

export type SettingKey = (typeof TARGET_SETTINGS)[number]['key'];

/** The config file itself: --config, then SCIMCHECK_CONFIG, then ./scimcheck.yaml when present. */
export const CONFIG_SETTING: SettingSpec = {
  key: 'config',
  env: 'SCIMCHECK_CONFIG',
  kind: 'path',
  description: 'YAML file with any of the keys above (default: ./scimcheck.yaml when it exists).',
};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_CONFIG_FILE = 'scimcheck.yaml';

/** Raw values as the command line gives them (undefined when the flag was not given). */
export type FlagValues = Partial<Record<SettingKey | 'config', string | string[] | boolean | number>>;
