/**
 * Better Auth's SCIM plugin (npm `@better-auth/scim`) on Better Auth (`better-auth`) with its own in-memory database
 * adapter (`better-auth/adapters/memory`: native transactions, which the plugin requires) and its own Node handler
 * (`better-auth/node`), on `node:http`. Nothing SCIM-related is done here: the plugin parses, validates, stores
 * (Better Auth users plus its own scimUser / scimGroup / scimGroupMember tables), filters, pages, projects, answers
 * errors and discovery. The glue is the configuration its docs show: one code-defined connection with one static bearer
 * credential (every scope), and the documented Microsoft Entra compatibility switch (`acceptLegacyGroupSchema`).
 * Settings that are not SCIM are made explicit so the run is hermetic: no telemetry, no rate limiter, no log output.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scim } from '@better-auth/scim';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { getAuthTables } from 'better-auth/db';
import { toNodeHandler } from 'better-auth/node';

export interface BetterAuthScimServer {
  /** Base URL of the SCIM service, e.g. http://127.0.0.1:PORT/api/auth/scim/v2 */
  url: string;
  token: string;
  close(): Promise<void>;
  /** SCIM resources held by the plugin's tables (a deleted SCIM User leaves a disabled Better Auth user by design). */
  count(): { users: number; groups: number; memberships: number };
}

export async function startBetterAuthScim(): Promise<BetterAuthScimServer> {
  const token = `better-auth-${randomUUID()}`;
  // Listen first: Better Auth's baseURL (meta.location, Location) needs the port. Nobody knows the URL until this returns.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const options = {
    baseURL: `http://127.0.0.1:${port}`,
    secret: randomBytes(32).toString('hex'),
    telemetry: { enabled: false },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    plugins: [
      scim({
        connections: [{ id: 'scimcheck', credentials: [{ type: 'bearer', id: 'scimcheck-ci', token }] }],
        compatibility: { microsoftEntra: { acceptLegacyGroupSchema: true } },
      }),
    ],
  };
  // The memory adapter reads tables that must exist: one empty array per table of Better Auth and the plugin.
  const db: Record<string, Record<string, unknown>[]> = Object.fromEntries(Object.values(getAuthTables(options)).map((t) => [t.modelName, []]));
  const auth = betterAuth({ ...options, database: memoryAdapter(db) });
  const handle = toNodeHandler(auth);
  server.on('request', (req, res) => void handle(req, res));

  return {
    url: `http://127.0.0.1:${port}/api/auth/scim/v2`,
    token,
    count: () => ({ users: db.scimUser?.length ?? 0, groups: db.scimGroup?.length ?? 0, memberships: db.scimGroupMember?.length ?? 0 }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
