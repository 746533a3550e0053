/**
 * A server's own /Schemas, compiled to JSON Schema at run time, so that the values of its extension attributes are
 * type-checked wherever a check validates a User or Group (RFC 7643 §7 characteristics -> JSON Schema types).
 */
import { createHash } from 'node:crypto';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { newAjv, validatorsOf, type ValidatorSet } from '../util/ajv.js';
import { CORE_SCHEMAS } from './core-schemas.js';
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

const EXTENSION_OPTIONS = { strict: false, allErrors: true };
/** The name of a compiled extension schema: a hash of its JSON Schema. */
export const extensionKey = (jsonSchema: object) => `x${createHash('sha256').update(JSON.stringify(jsonSchema)).digest('hex').slice(0, 24)}`;

let extensionSet: ValidatorSet | undefined;
/**
 * The extension schemas of RFC 7643 as scimcheck knows them (the enterprise User), precompiled at build time: a
 * server that declares them as written gets its checks without compiling anything. Others compile at run time.
 */
export function coreExtensionSet(): ValidatorSet {
  if (!extensionSet) {
    const schemas: string[] = [];
    const exports: Record<string, string> = {};
    for (const def of CORE_SCHEMAS.filter((d) => !CORE_URNS.has(d.id.toLowerCase()))) {
      const js = schemaDefToJsonSchema(def);
      const key = extensionKey(js);
      exports[key] = `urn:scimcheck:extension:${key}`;
      schemas.push(JSON.stringify({ $id: exports[key], ...js }));
    }
    extensionSet = { set: 'extension-schemas', options: EXTENSION_OPTIONS, formats: true, schemas, exports };
  }
  return extensionSet;
}

/** Validators for the extension schemas a server declares; `check(body)` type-checks the extension objects in it. */
export class ServerSchemas {
  private readonly validators = new Map<string, { urn: string; fn: ValidateFunction }>();

  constructor(defs: SchemaDef[]) {
    let ajv: Ajv2020 | undefined;
    const known = coreExtensionSet().exports;
    for (const def of defs) {
      if (CORE_URNS.has(def.id.toLowerCase())) continue;
      try {
        const js = schemaDefToJsonSchema(def);
        const key = extensionKey(js);
        const fn = key in known ? validatorsOf(coreExtensionSet())[key]! : (ajv ??= newAjv(EXTENSION_OPTIONS)).compile(js);
        this.validators.set(def.id.toLowerCase(), { urn: def.id, fn });
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
