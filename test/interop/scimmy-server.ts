/**
 * SCIMMY (npm `scimmy`) behind `scimmy-routers` on express 4, with the smallest in-memory storage glue its docs show:
 * resource types declared with ingress (create/replace), egress (one by id, or the stored list with SCIMMY's own
 * parsed `resource.filter` applied; SCIMMY's ListResponse does sort and paging) and degress (delete). What SCIMMY does
 * itself — parsing, schema validation, PATCH, filters, projection, errors, discovery — is left to it: the point is to
 * test SCIMMY, not this glue. Storage concerns SCIMMY leaves to the implementer are done here the obvious way:
 * ids (randomUUID), meta.created/lastModified, userName uniqueness (409 uniqueness, RFC 7644 §3.3), 404 for an unknown id,
 * and dropping a deleted user from its groups.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export interface ScimmyServer {
  /** Base URL of the SCIM service, e.g. http://127.0.0.1:PORT/scim/v2 */
  url: string;
  token: string;
  close(): Promise<void>;
  count(): { users: number; groups: number };
}

type Stored = Record<string, unknown> & { id: string; meta: { created: string; lastModified: string } };

// SCIMMY's resource types and config are process-wide singletons: declare them once per process.
const users = new Map<string, Stored>();
const groups = new Map<string, Stored>();
let declared = false;

function store(map: Map<string, Stored>, id: string | undefined, instance: object, unique?: (existing: Stored) => boolean): Stored {
  for (const other of map.values()) {
    if (other.id !== id && unique?.(other)) throw new SCIMMY.Types.Error(409, 'uniqueness', 'A resource with that value already exists');
  }
  const now = new Date().toISOString();
  if (id === undefined) {
    const created: Stored = { ...instance, id: randomUUID(), meta: { created: now, lastModified: now } };
    map.set(created.id, created);
    return created;
  }
  const existing = map.get(id);
  if (!existing) throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${id} not found`);
  const updated: Stored = { ...instance, id, meta: { created: existing.meta.created, lastModified: now } };
  map.set(id, updated);
  return updated;
}

function read(map: Map<string, Stored>, resource: { id?: string; filter?: { match(values: unknown[]): unknown[] } }): Stored | Stored[] {
  if (resource.id !== undefined) {
    const found = map.get(resource.id);
    if (!found) throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${resource.id} not found`);
    return found;
  }
  const all = [...map.values()];
  return (resource.filter ? resource.filter.match(all) : all) as Stored[];
}

function dispose(map: Map<string, Stored>, id: string | undefined): void {
  if (id === undefined || !map.delete(id)) throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${id} not found`);
}

function declare(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Config.set({ patch: true, filter: 200, sort: true });
  const lower = (v: unknown) => String(v).toLowerCase();
  SCIMMY.Resources.declare(
    SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false)
      .ingress((resource, instance) => store(users, resource.id, instance, (o) => lower(o.userName) === lower(instance.userName)) as never)
      .egress((resource) => read(users, resource) as never)
      .degress((resource) => {
        dispose(users, resource.id);
        // Referential integrity is the store's job (SCIMMY has no notion of it): a deleted user leaves its groups.
        for (const group of groups.values()) {
          const members = group.members as { value: string }[] | undefined;
          if (members?.some((m) => m.value === resource.id)) group.members = members.filter((m) => m.value !== resource.id);
        }
      }),
  );
  SCIMMY.Resources.declare(
    SCIMMY.Resources.Group.ingress((resource, instance) => store(groups, resource.id, instance) as never)
      .egress((resource) => read(groups, resource) as never)
      .degress((resource) => dispose(groups, resource.id)),
  );
}

export async function startScimmy(): Promise<ScimmyServer> {
  declare();
  users.clear();
  groups.clear();
  const token = `scimmy-${randomUUID()}`;
  const app = express();
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req) => {
        if (req.header('Authorization') !== `Bearer ${token}`) throw new Error('Invalid or missing bearer token');
        return 'scimcheck';
      },
    }),
  );
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    token,
    count: () => ({ users: users.size, groups: groups.size }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
