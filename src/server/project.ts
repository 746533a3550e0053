/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9), honouring each attribute's `returned`
 * characteristic: `always` is never removed, `never` never shown, `request` only when asked for.
 */
import { parseAttrRef } from '../core/scim/filter/index.js';
import type { AttrRef, AttributeDef } from '../core/scim/schema-types.js';
import { badRequest } from './errors.js';
import { subDef, type JsonObject, type SchemaView, type TypeModel } from './model.js';

export interface Projection {
  attributes?: AttrRef[];
  excluded?: AttrRef[];
}

export function parseProjection(model: TypeModel, attributes: string | undefined, excluded: string | undefined): Projection {
  const parse = (list: string | undefined, param: string) => {
    if (list === undefined || list.trim() === '') return undefined;
    return list.split(',').map((item) => {
      try {
        return parseAttrRef(item.trim(), { schemaUrns: model.urns() });
      } catch (err) {
        throw badRequest('invalidValue', `${param}: ${(err as Error).message}`);
      }
    });
  };
  const out: Projection = {};
  const a = parse(attributes, 'attributes');
  const e = parse(excluded, 'excludedAttributes');
  if (a) out.attributes = a;
  if (e) out.excluded = e;
  return out;
}

/** Applies a projection to a rendered resource; returns a new object (the input is the server's cache). */
export function project(resource: JsonObject, model: TypeModel, p: Projection): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas' || key === 'id') {
      out[key] = value;
      continue;
    }
    const ext = key.startsWith('urn:') ? model.schemaFor(key) : undefined;
    if (ext) {
      const inner: JsonObject = {};
      for (const [k, v] of Object.entries(value as JsonObject)) {
        const def = ext.defs.get(k.toLowerCase());
        const kept = keep(def, ext, k, v, model, p);
        if (kept !== undefined) inner[k] = kept;
      }
      if (Object.keys(inner).length) out[key] = inner;
      continue;
    }
    const def = model.common.get(key.toLowerCase()) ?? model.core.defs.get(key.toLowerCase());
    const kept = keep(def, model.core, key, value, model, p);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function refMatches(ref: AttrRef, schema: SchemaView, name: string, model: TypeModel): boolean {
  if (ref.name.toLowerCase() !== name.toLowerCase()) return false;
  if (!ref.urn) return true;
  return model.schemaFor(ref.urn) === schema;
}

function keep(def: AttributeDef | undefined, schema: SchemaView, name: string, value: unknown, model: TypeModel, p: Projection): unknown {
  const returned = def?.returned ?? 'default';
  if (returned === 'never') return undefined;
  if (returned === 'always') return value;
  if (p.attributes) {
    const refs = p.attributes.filter((r) => refMatches(r, schema, name, model));
    if (refs.length === 0) return undefined;
    if (refs.some((r) => !r.subAttr) || !def || def.type !== 'complex') return value;
    const subs = new Set(refs.map((r) => r.subAttr!.toLowerCase()));
    return pickSubs(value, def, (n) => subs.has(n.toLowerCase()));
  }
  if (returned === 'request') return undefined;
  if (p.excluded) {
    const refs = p.excluded.filter((r) => refMatches(r, schema, name, model));
    if (refs.some((r) => !r.subAttr)) return undefined;
    if (refs.length && def?.type === 'complex') {
      const subs = new Set(refs.map((r) => r.subAttr!.toLowerCase()));
      return pickSubs(value, def, (n) => !subs.has(n.toLowerCase()) || subDef(def, n)?.returned === 'always');
    }
  }
  return value;
}

function pickSubs(value: unknown, def: AttributeDef, want: (name: string) => boolean): unknown {
  const pick = (o: JsonObject) => {
    const r: JsonObject = {};
    for (const [k, v] of Object.entries(o)) if (want(k) || subDef(def, k)?.returned === 'always') r[k] = v;
    return Object.keys(r).length ? r : undefined;
  };
  if (Array.isArray(value)) {
    const arr = value.map((v) => pick(v as JsonObject)).filter((v) => v !== undefined);
    return arr.length ? arr : undefined;
  }
  return pick(value as JsonObject);
}
