/**
 * A server's own /Schemas, compiled to JSON Schema at run time, so that the values of its extension attributes are
 * type-checked wherever a check validates a User or Group (RFC 7643 §7 characteristics -> JSON Schema types).
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { newAjv } from '../util/ajv.js';
import type { AttributeDef, SchemaDef } from './schema-types.js';
import { preview } from './validate.js';

const CORE_URNS = new Set([
  'urn:ietf:params:scim:schemas:core:2.0:user',
  'urn:ietf:params:scim:schemas:core:2.0:group',
]);

/** JSON Schema for one attribute. Open (extra sub-attributes allowed), never `required`: responses may omit. */
export function attributeToJsonSchema(def: AttributeDef, single = false): Record<string, unknown> {
  if (def.multiValued && !single) return { type: 'array', items: attributeToJsonSchema(def, true) };
  switch (def.type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
      return { type: 'integer' };
    case 'decimal':
      return { type: 'number' };
    case 'dateTime':
      return { type: 'string', format: 'date-time' };
    case 'complex':
      return { type: 'object', properties: Object.fromEntries((def.subAttributes ?? []).map((s) => [s.name, attributeToJsonSchema(s)])) };
    default:
      return { type: 'string' };
  }
}

export function schemaDefToJsonSchema(def: SchemaDef): Record<string, unknown> {
  return { type: 'object', properties: Object.fromEntries(def.attributes.map((a) => [a.name, attributeToJsonSchema(a)])) };
}

/** Reads SchemaDefs out of a /Schemas ListResponse body, tolerating junk (what cannot be read is left out). */
export function schemaDefsFromListResponse(body: unknown): SchemaDef[] {
  const list = (body as { Resources?: unknown })?.Resources;
  if (!Array.isArray(list)) return [];
  return list.filter((s): s is SchemaDef => !!s && typeof s === 'object' && typeof (s as SchemaDef).id === 'string' && Array.isArray((s as SchemaDef).attributes));
}

export interface ExtensionIssue {
  pointer: string;
  message: string;
}

/** Validators for the extension schemas a server declares; `check(body)` type-checks the extension objects in it. */
export class ServerSchemas {
  private readonly validators = new Map<string, { urn: string; fn: ValidateFunction }>();

  constructor(defs: SchemaDef[]) {
    const ajv = newAjv({ strict: false, allErrors: true });
    for (const def of defs) {
      if (CORE_URNS.has(def.id.toLowerCase())) continue;
      try {
        this.validators.set(def.id.toLowerCase(), { urn: def.id, fn: ajv.compile(schemaDefToJsonSchema(def)) });
      } catch {
        // A schema we cannot compile is not type-checked; discovery checks report malformed /Schemas.
      }
    }
  }

  get size(): number {
    return this.validators.size;
  }

  check(body: unknown): ExtensionIssue[] {
    if (!body || typeof body !== 'object') return [];
    const out: ExtensionIssue[] = [];
    for (const [key, value] of Object.entries(body)) {
      const v = this.validators.get(key.toLowerCase());
      if (!v || v.fn(value)) continue;
      for (const e of (v.fn.errors ?? []).slice(0, 5)) {
        const pointer = `/${key}${e.instancePath}`;
        out.push({ pointer, message: `${e.message ?? 'is invalid'} per the server's own /Schemas (${v.urn}), got ${preview(valueAt(value, e.instancePath))}` });
      }
    }
    return out;
  }
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value;
  for (const seg of pointer.split('/').slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}
