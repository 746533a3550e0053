/**
 * The schema registry: which schemas and resource types are known, how an attribute reference resolves to its
 * definition (case-insensitively, RFC 7643 §2.1 and RFC 7644 §3.10), and how schemas and resource types are served
 * as /Schemas/{id} and /ResourceTypes/{id} (RFC 7643 §6, §7; RFC 7644 §4).
 */
import { COMMON_ATTRIBUTES, CORE_RESOURCE_TYPES, CORE_SCHEMAS } from './core-schemas.js';
import type { AttrRef, AttributeDef, AttributeResolver, ResourceTypeDef, SchemaDef } from './schema-types.js';

export const SCHEMA_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/** A schema as returned by GET /Schemas/{id}. */
export interface ScimSchemaResource {
  schemas: [typeof SCHEMA_SCHEMA_URN];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
  meta: { resourceType: 'Schema'; location: string };
}

/** A resource type as returned by GET /ResourceTypes/{id}. `schemaExtensions` is left out when there are none. */
export interface ScimResourceTypeResource {
  schemas: [typeof RESOURCE_TYPE_SCHEMA_URN];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions?: { schema: string; required: boolean }[];
  meta: { resourceType: 'ResourceType'; location: string };
}

/** An attribute with its sub-attributes indexed by lower-cased name. */
interface Entry {
  def: AttributeDef;
  subs: Map<string, AttributeDef> | undefined;
}

type AttrTable = Map<string, Entry>;

interface ResolverTables {
  /** Bare names: common attributes, then the core schema, then the extensions; the first definition wins. */
  bare: AttrTable;
  /** Lower-cased schema URN -> that schema's attributes (the core schema's table also holds the common attributes). */
  byUrn: Map<string, AttrTable>;
}

export class SchemaRegistry {
  private readonly schemaList: SchemaDef[];
  private readonly resourceTypeList: ResourceTypeDef[];
  private readonly schemasByUrn = new Map<string, SchemaDef>();
  private readonly resourceTypesByKey = new Map<string, ResourceTypeDef>();
  private readonly resolvers = new Map<ResourceTypeDef, AttributeResolver>();
  private readonly entries = new Map<AttributeDef, Entry>();

  /**
   * Duplicate schema ids or resource type ids keep the first. A resource type that names a schema the registry
   * does not hold still resolves what it can (common attributes and the schemas that are known).
   */
  constructor(schemas: readonly SchemaDef[], resourceTypes: readonly ResourceTypeDef[]) {
    this.schemaList = [];
    for (const schema of schemas) {
      const key = schema.id.toLowerCase();
      if (this.schemasByUrn.has(key)) continue;
      this.schemasByUrn.set(key, schema);
      this.schemaList.push(schema);
    }
    this.resourceTypeList = [];
    const ids = new Set<string>();
    for (const rt of resourceTypes) {
      const id = normaliseKey(rt.id);
      if (ids.has(id)) continue;
      ids.add(id);
      // A resource type's id wins over another type's name or endpoint, whatever the order.
      this.resourceTypesByKey.set(id, rt);
      for (const key of resourceTypeKeys(rt)) if (!this.resourceTypesByKey.has(key)) this.resourceTypesByKey.set(key, rt);
      this.resourceTypeList.push(rt);
    }
    for (const rt of this.resourceTypeList) {
      this.resolvers.set(rt, makeResolver(this.buildTables(rt)));
    }
  }

  /** The registry of the RFC 7643 core: User, Group, Enterprise User; resource types User and Group. */
  static core(): SchemaRegistry {
    return new SchemaRegistry(CORE_SCHEMAS, CORE_RESOURCE_TYPES);
  }

  /** The schema with this id (URN), case-insensitively. */
  schema(urn: string): SchemaDef | undefined {
    return this.schemasByUrn.get(urn.toLowerCase());
  }

  schemas(): SchemaDef[] {
    return [...this.schemaList];
  }

  schemaUrns(): string[] {
    return this.schemaList.map((s) => s.id);
  }

  /**
   * A resource type by id, name or endpoint, case-insensitively, with or without the endpoint's leading slash:
   * "User", "/Users" and "users" all find the User resource type.
   */
  resourceType(nameOrEndpoint: string): ResourceTypeDef | undefined {
    return this.resourceTypesByKey.get(normaliseKey(nameOrEndpoint));
  }

  resourceTypes(): ResourceTypeDef[] {
    return [...this.resourceTypeList];
  }

  /**
   * The attribute resolver of a resource type (looked up as by {@link resourceType}). Built once in the constructor:
   * calling it costs two lower-casings and two or three map look-ups.
   *
   * - A bare name is searched in the common attributes (id, externalId, meta), then the core schema, then the
   *   extensions in the resource type's order.
   * - A URN selects that schema; the core schema's URN also reaches the common attributes. A URN the resource type
   *   does not use resolves nothing.
   * - With `subAttr`, the sub-attribute's definition is returned (undefined if the attribute is not complex).
   *
   * @throws Error if the registry has no such resource type.
   */
  resolver(resourceTypeName: string): AttributeResolver {
    const rt = this.resourceType(resourceTypeName);
    const resolver = rt === undefined ? undefined : this.resolvers.get(rt);
    if (resolver === undefined) {
      throw new Error(`unknown resource type "${resourceTypeName}" (known: ${this.resourceTypeList.map((r) => r.name).join(', ')})`);
    }
    return resolver;
  }

  /**
   * The JSON a service provider returns for GET /Schemas/{id}: `schemas`, id, name, description, attributes (each with
   * every characteristic) and `meta` with an absolute location under `baseUrl`. No null or undefined anywhere.
   *
   * @param baseUrl the absolute SCIM base URL, e.g. `http://127.0.0.1:4000/scim/v2` (a trailing slash is ignored)
   * @throws TypeError if `baseUrl` is not an absolute URL
   */
  toScimSchema(def: SchemaDef, baseUrl: string): ScimSchemaResource {
    return {
      schemas: [SCHEMA_SCHEMA_URN],
      id: def.id,
      name: def.name ?? def.id,
      description: def.description ?? '',
      attributes: jsonAttributes(def.attributes),
      meta: { resourceType: 'Schema', location: locationOf(baseUrl, 'Schemas', def.id) },
    };
  }

  /**
   * The JSON a service provider returns for GET /ResourceTypes/{id}, with an absolute `meta.location` under `baseUrl`.
   * `schemaExtensions` is left out when empty (as in RFC 7643 §8.6). No null or undefined anywhere.
   *
   * @throws TypeError if `baseUrl` is not an absolute URL
   */
  toScimResourceType(def: ResourceTypeDef, baseUrl: string): ScimResourceTypeResource {
    const out: ScimResourceTypeResource = {
      schemas: [RESOURCE_TYPE_SCHEMA_URN],
      id: def.id,
      name: def.name ?? def.id,
      endpoint: def.endpoint,
      description: def.description ?? '',
      schema: def.schema,
      meta: { resourceType: 'ResourceType', location: locationOf(baseUrl, 'ResourceTypes', def.id) },
    };
    const extensions = (def.schemaExtensions ?? []).filter(isPresent);
    if (extensions.length > 0) {
      // Rebuilt so that the key order is the RFC's and `schemaExtensions` sits before `meta`.
      const { meta, ...rest } = out;
      return {
        ...rest,
        schemaExtensions: extensions.map((e) => ({ schema: e.schema, required: e.required ?? false })),
        meta,
      };
    }
    return out;
  }

  private entry(def: AttributeDef): Entry {
    let entry = this.entries.get(def);
    if (entry === undefined) {
      let subs: Map<string, AttributeDef> | undefined;
      if (def.subAttributes !== undefined && def.subAttributes !== null) {
        subs = new Map();
        for (const sub of def.subAttributes) {
          const key = sub.name.toLowerCase();
          if (!subs.has(key)) subs.set(key, sub);
        }
      }
      entry = { def, subs };
      this.entries.set(def, entry);
    }
    return entry;
  }

  private table(attributes: readonly AttributeDef[]): AttrTable {
    const table: AttrTable = new Map();
    for (const def of attributes) {
      const key = def.name.toLowerCase();
      if (!table.has(key)) table.set(key, this.entry(def));
    }
    return table;
  }

  private buildTables(rt: ResourceTypeDef): ResolverTables {
    const common = this.table(COMMON_ATTRIBUTES);
    const bare: AttrTable = new Map(common);
    const byUrn = new Map<string, AttrTable>();
    const urns = [rt.schema, ...(rt.schemaExtensions ?? []).filter(isPresent).map((e) => e.schema)];
    urns.forEach((urn, index) => {
      const key = urn.toLowerCase();
      if (byUrn.has(key)) return;
      const schema = this.schema(urn);
      const own = this.table(schema?.attributes ?? []);
      // The core schema (index 0) also carries the common attributes under its URN; its own names come first there.
      const urnTable: AttrTable = index === 0 ? mergeTables(own, common) : own;
      byUrn.set(key, urnTable);
      for (const [name, entry] of own) if (!bare.has(name)) bare.set(name, entry);
    });
    return { bare, byUrn };
  }
}

function makeResolver({ bare, byUrn }: ResolverTables): AttributeResolver {
  return (ref: AttrRef): AttributeDef | undefined => {
    let table: AttrTable | undefined = bare;
    if (ref.urn !== undefined && ref.urn !== '') {
      table = byUrn.get(ref.urn.toLowerCase());
      if (table === undefined) return undefined;
    }
    const entry = table.get(ref.name.toLowerCase());
    if (entry === undefined) return undefined;
    if (ref.subAttr === undefined) return entry.def;
    return entry.subs?.get(ref.subAttr.toLowerCase());
  };
}

/** `first` overrides `second` on a name clash. */
function mergeTables(first: AttrTable, second: AttrTable): AttrTable {
  const merged: AttrTable = new Map(first);
  for (const [name, entry] of second) if (!merged.has(name)) merged.set(name, entry);
  return merged;
}

function normaliseKey(value: string): string {
  return value.trim().replace(/\/+$/, '').replace(/^\/+/, '').toLowerCase();
}

function resourceTypeKeys(rt: ResourceTypeDef): string[] {
  const keys = [rt.id, rt.name, rt.endpoint].filter((k): k is string => typeof k === 'string' && k.trim() !== '');
  return [...new Set(keys.map(normaliseKey))];
}

function isPresent<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

function strings(values: readonly (string | null | undefined)[]): string[] {
  return values.filter((v): v is string => typeof v === 'string');
}

/**
 * A copy of the attributes with the keys in RFC 7643 §8.7.1 order, every characteristic present (the §2.2 default
 * standing in for a missing one), and optional keys left out rather than null. Defensive because a registry may be
 * built from a server's own /Schemas, where nulls do occur.
 */
function jsonAttributes(attributes: readonly (AttributeDef | null | undefined)[] | null | undefined): AttributeDef[] {
  return (attributes ?? []).filter(isPresent).map((a) => {
    const out: AttributeDef = {
      name: a.name,
      type: a.type ?? 'string',
      multiValued: a.multiValued ?? false,
      description: a.description ?? '',
      required: a.required ?? false,
      caseExact: a.caseExact ?? false,
      mutability: a.mutability ?? 'readWrite',
      returned: a.returned ?? 'default',
      uniqueness: a.uniqueness ?? 'none',
    };
    if (Array.isArray(a.canonicalValues)) out.canonicalValues = strings(a.canonicalValues);
    if (Array.isArray(a.referenceTypes)) out.referenceTypes = strings(a.referenceTypes);
    if (Array.isArray(a.subAttributes)) out.subAttributes = jsonAttributes(a.subAttributes);
    return out;
  });
}

/** `{baseUrl}/{collection}/{id}`, the id encoded as a path segment but with ':' kept (RFC 3986 pchar). */
function locationOf(baseUrl: string, collection: string, id: string): string {
  const parsed = new URL(baseUrl); // throws TypeError on a relative or malformed URL
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new TypeError(`base URL must not carry a query or fragment: ${baseUrl}`);
  }
  const base = parsed.href.replace(/\/+$/, '');
  return `${base}/${collection}/${encodePathSegment(id)}`;
}

function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(3A|40|24|26|2B|2C|3B|3D)/gi, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}
