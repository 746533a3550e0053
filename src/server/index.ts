/**
 * The built-in reference SCIM server: in memory, strict RFC 7643/7644 where scimcheck checks it, tolerant where
 * Entra needs it, with named faults for proving checks. `startServer()` is used by `scimcheck serve`,
 * `scimcheck demo` and the tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SchemaRegistry } from '../core/scim/registry.js';
import { Faults, isFaultName, type FaultName } from './faults.js';
import { handle, type HttpContext } from './http.js';
import { TypeModel, type JsonObject } from './model.js';
import { ENTERPRISE_URN } from './resources.js';
import { Store, type Stored } from './store.js';

export { FAULTS, type FaultName, isFaultName } from './faults.js';

export interface ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The bearer token clients must send; random when absent. */
  token?: string;
  /** Number of users to pre-create (and one group per ten users). */
  seed?: number;
  faults?: readonly string[];
  /** Delay added before every response, in ms. */
  latencyMs?: number;
  /** Fraction (0..1) of requests answered with 500, chosen by a seeded generator. */
  errorRate?: number;
  errorSeed?: number;
  /** Requests per second above which the server answers 429 with Retry-After. */
  rateLimit?: number;
  basePath?: string;
  /** Connection limits (defaults: headers 10 s, whole request 30 s, idle socket 30 s); tests shorten them. */
  timeouts?: { headersMs?: number; requestMs?: number; idleMs?: number };
}

export interface RunningServer {
  /** The SCIM base URL, e.g. http://127.0.0.1:4000/scim/v2. */
  url: string;
  token: string;
  port: number;
  host: string;
  faults: FaultName[];
  store: Store;
  /** Every resource, deep-copied: for comparing state before and after a run. */
  snapshot(): { users: JsonObject[]; groups: JsonObject[] };
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const unknown = (options.faults ?? []).filter((f) => !isFaultName(f));
  if (unknown.length) throw new Error(`unknown fault${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (see scimcheck serve --list-faults)`);
  const faults = new Faults(options.faults as FaultName[] | undefined);
  const host = options.host ?? '127.0.0.1';
  const basePath = (options.basePath ?? '/scim/v2').replace(/\/+$/, '');
  const token = options.token ?? randomBytes(18).toString('base64url');
  const registry = SchemaRegistry.core();
  const models = { User: new TypeModel(registry, registry.resourceType('User')!), Group: new TypeModel(registry, registry.resourceType('Group')!) };

  let baseUrl = '';
  const store = new Store(faults, models, () => baseUrl);
  const random = mulberry32(options.errorSeed ?? 1);
  const errorRate = options.errorRate ?? 0;
  const limiter = options.rateLimit ? tokenBucket(options.rateLimit) : () => 0;
  const ctx: HttpContext = {
    store,
    registry,
    faults,
    token,
    basePath,
    baseUrl: () => baseUrl,
    latencyMs: options.latencyMs ?? 0,
    injectError: () => errorRate > 0 && random() < errorRate,
    rateLimited: limiter,
    deleted: new Map<string, Stored>(),
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => void handle(ctx, req, res));
  server.keepAliveTimeout = 5_000;
  // A client that opens a connection and never finishes its request is cut off: headers within 10 s, the whole
  // request within 30 s, and a socket idle that long is closed (half-open connections no longer stay for ever).
  server.headersTimeout = options.timeouts?.headersMs ?? 10_000;
  server.requestTimeout = options.timeouts?.requestMs ?? 30_000;
  server.timeout = options.timeouts?.idleMs ?? 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${hostPart}:${port}${basePath}`;
  seed(store, options.seed ?? 0);

  return {
    url: baseUrl,
    token,
    port,
    host,
    faults: faults.list(),
    store,
    snapshot: () => store.snapshot(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Deterministic seed data: users `seed-user-000001`… and one group of ten members per ten users. */
function seed(store: Store, n: number): void {
  const pad = (i: number) => String(i).padStart(6, '0');
  for (let i = 1; i <= n; i++) {
    const id = `seed-user-${pad(i)}`;
    store.create(
      'User',
      {
        userName: `seed.user${pad(i)}@example.org`,
        externalId: `seed-ext-${pad(i)}`,
        displayName: `Seed User ${i}`,
        name: { givenName: 'Seed', familyName: `User ${i}`, formatted: `Seed User ${i}` },
        emails: [{ value: `seed.user${pad(i)}@example.org`, type: 'work', primary: true }],
        active: true,
        [ENTERPRISE_URN]: { department: `Department ${i % 7}` },
      },
      id,
    );
  }
  for (let g = 1; g <= Math.floor(n / 10); g++) {
    const members = Array.from({ length: 10 }, (_, k) => ({ value: `seed-user-${pad((g - 1) * 10 + k + 1)}` }));
    store.create('Group', { displayName: `Seed Group ${g}`, externalId: `seed-group-${pad(g)}`, members }, `seed-group-${pad(g)}`);
  }
}

/** A small seeded PRNG, so that a run with --error-rate fails the same requests each time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token bucket of `rate` requests per second (burst `rate`); returns the seconds to wait, or 0. */
function tokenBucket(rate: number): () => number {
  let tokens = rate;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(rate, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - tokens) / rate));
  };
}
