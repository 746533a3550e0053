/**
 * Discovery: the server's ServiceProviderConfig, ResourceTypes and Schemas, read once per run before any suite. What
 * they say decides which checks are skipped (a capability the server says it lacks) and how extension attributes are
 * type-checked. A failed read leaves that part unknown, and the checks then run.
 */
import type { ScimClient } from '../http/client.js';
import { schemaDefsFromListResponse, ServerSchemas } from '../scim/compile-schema.js';
import { SchemaRegistry } from '../scim/registry.js';
import type { ResourceTypeDef } from '../scim/schema-types.js';
import type { Capability } from '../suite/model.js';

export interface Capabilities {
  /** undefined: the server did not say (discovery failed); the checks then run. */
  spc?: Partial<Record<Capability, boolean>>;
  resourceTypes?: Set<string>;
  /** The server's own extension schemas, for type-checking extension attributes. */
  schemas?: ServerSchemas;
  /** The server's own schemas and resource types as a registry (for the mappings' "declared" phase). */
  registry?: SchemaRegistry;
}

export async function discover(client: ScimClient): Promise<Capabilities> {
  const caps: Capabilities = {};
  // Three independent reads: one round trip, not three (it is on every run's critical path).
  const [spc, rts, schemas] = await Promise.all([
    client.send({ method: 'GET', path: '/ServiceProviderConfig' }),
    client.send({ method: 'GET', path: '/ResourceTypes' }),
    client.send({ method: 'GET', path: '/Schemas' }),
  ]);
  if (spc.status === 200 && spc.json && typeof spc.json === 'object') {
    const j = spc.json as Record<string, { supported?: unknown } | undefined>;
    caps.spc = {};
    for (const c of ['patch', 'filter', 'sort', 'etag', 'bulk', 'changePassword'] as Capability[]) {
      const v = j[c]?.supported;
      if (typeof v === 'boolean') caps.spc[c] = v;
    }
  }
  const list = (rts.json as { Resources?: { name?: unknown; id?: unknown }[] } | undefined)?.Resources as unknown[] | undefined;
  if (rts.status === 200 && Array.isArray(list)) caps.resourceTypes = new Set((list as { name?: unknown; id?: unknown }[]).flatMap((r) => [String(r?.name ?? ''), String(r?.id ?? '')]));
  if (schemas.status === 200) {
    const defs = schemaDefsFromListResponse(schemas.json);
    caps.schemas = new ServerSchemas(defs);
    if (Array.isArray(list)) caps.registry = new SchemaRegistry(defs, resourceTypeDefs(list));
  }
  return caps;
}

function resourceTypeDefs(list: unknown[]): ResourceTypeDef[] {
  return list
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && typeof (r as { schema?: unknown }).schema === 'string')
    .map((r) => ({
      id: String(r.id ?? r.name),
      name: String(r.name ?? r.id),
      endpoint: String(r.endpoint ?? ''),
      description: String(r.description ?? ''),
      schema: String(r.schema),
      schemaExtensions: Array.isArray(r.schemaExtensions)
        ? (r.schemaExtensions as { schema?: unknown; required?: unknown }[]).filter((e) => typeof e?.schema === 'string').map((e) => ({ schema: String(e.schema), required: e.required === true }))
        : [],
    }));
}
