/**
 * The reference server's view of a resource type's attributes: canonical names, case-insensitive lookup, and
 * value coercion by attribute definition (RFC 7643 §2.3). Shared by POST/PUT normalisation and the PATCH engine.
 */
import { COMMON_ATTRIBUTES } from '../core/scim/core-schemas.js';
import type { SchemaRegistry } from '../core/scim/registry.js';
import type { AttributeDef, ResourceTypeDef } from '../core/scim/schema-types.js';
import { badRequest } from './errors.js';
import type { Faults } from './faults.js';

export type JsonObject = Record<string, unknown>;

export interface SchemaView {
  /** Lower-cased URN -> canonical URN. */
  urn: string;
  defs: Map<string, AttributeDef>;
}

/** Attribute tables of one resource type. */
export class TypeModel {
  readonly rt: ResourceTypeDef;
  readonly core: SchemaView;
  /** Lower-cased extension URN -> its view. */
  readonly extensions = new Map<string, SchemaView>();
  readonly common = new Map<string, AttributeDef>(COMMON_ATTRIBUTES.map((d) => [d.name.toLowerCase(), d]));

  constructor(registry: SchemaRegistry, rt: ResourceTypeDef) {
    this.rt = rt;
    this.core = view(registry, rt.schema);
    for (const ext of rt.schemaExtensions) {
      if (registry.schema(ext.schema)) this.extensions.set(ext.schema.toLowerCase(), view(registry, ext.schema));
    }
  }

  /** All schema URNs this type knows (core first). */
  urns(): string[] {
    return [this.core.urn, ...[...this.extensions.values()].map((e) => e.urn)];
  }

  /** The schema a URN names: the core view, an extension view, or undefined. */
  schemaFor(urn: string): SchemaView | undefined {
    const lower = urn.toLowerCase();
    if (lower === this.core.urn.toLowerCase()) return this.core;
    return this.extensions.get(lower);
  }
}

function view(registry: SchemaRegistry, urn: string): SchemaView {
  const schema = registry.schema(urn);
  return { urn: schema?.id ?? urn, defs: new Map((schema?.attributes ?? []).map((d) => [d.name.toLowerCase(), d])) };
}

export function subDef(def: AttributeDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return def.subAttributes?.find((s) => s.name.toLowerCase() === lower);
}

export interface CoerceCtx {
  faults: Faults;
  /** Path for messages, e.g. `emails[0].primary`. */
  where: string;
}

/**
 * Coerces one value to its attribute definition. Returns undefined for "unassigned" (null, [], {} all-empty;
 * RFC 7643 §2.5). Throws 400 invalidValue for a value of the wrong type. Accepts "True"/"False" for booleans,
 * as Entra's default jobs send them.
 */
export function coerce(def: AttributeDef, value: unknown, ctx: CoerceCtx, single = false): unknown {
  if (value === null || value === undefined) {
    if (value === null && ctx.faults.has('null-attribute-rejected')) throw badRequest('invalidValue', `${ctx.where} is null`);
    return undefined;
  }
  if (def.multiValued && !single) {
    if (!Array.isArray(value)) throw badRequest('invalidValue', `${ctx.where} is multi-valued: expected an array`);
    const out = value.map((v, i) => coerce(def, v, { ...ctx, where: `${ctx.where}[${i}]` }, true)).filter((v) => v !== undefined);
    if (def.type === 'complex' && out.filter((v) => (v as JsonObject).primary === true).length > 1) {
      throw badRequest('invalidValue', `${ctx.where}: "primary": true may appear on one value at most`);
    }
    return out.length ? out : undefined;
  }
  switch (def.type) {
    case 'complex': {
      if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('invalidValue', `${ctx.where} must be an object`);
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value as JsonObject)) {
        const sd = subDef(def, k);
        if (!sd) continue; // unknown sub-attributes are ignored
        const c = coerce(sd, v, { ...ctx, where: `${ctx.where}.${sd.name}` });
        if (c !== undefined) out[sd.name] = c;
      }
      return Object.keys(out).length ? out : undefined;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
        if (ctx.faults.has('bool-string-rejected')) throw badRequest('invalidValue', `${ctx.where} must be a boolean, got the string "${value}"`);
        return value.toLowerCase() === 'true';
      }
      throw badRequest('invalidValue', `${ctx.where} must be a boolean`);
    }
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw badRequest('invalidValue', `${ctx.where} must be an integer`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw badRequest('invalidValue', `${ctx.where} must be a number`);
    case 'dateTime':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
      throw badRequest('invalidValue', `${ctx.where} must be an xsd:dateTime such as 2024-05-13T04:42:34Z`);
    default:
      // string, reference, binary
      if (typeof value === 'string') return value;
      throw badRequest('invalidValue', `${ctx.where} must be a string`);
  }
}
