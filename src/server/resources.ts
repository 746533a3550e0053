/**
 * Incoming resources (POST, PUT) to stored form, and stored form to the representation the server returns.
 */
import { ENTERPRISE_USER_SCHEMA_URN } from '../core/scim/core-schemas.js';
import { badRequest } from './errors.js';
import type { Faults } from './faults.js';
import { coerce, type JsonObject, type TypeModel } from './model.js';
import type { Store, Stored, TypeName } from './store.js';

export const ENTERPRISE_URN = ENTERPRISE_USER_SCHEMA_URN;

/** Attributes a fault silently drops, by (schema URN or '', attribute name). */
export function droppedByFault(faults: Faults, urn: string, name: string): boolean {
  if (urn.toLowerCase() === ENTERPRISE_URN.toLowerCase()) {
    if (faults.has('drop-enterprise-extension')) return true;
    if (name === 'manager' && faults.has('drop-manager')) return true;
    return false;
  }
  if (name === 'preferredLanguage' && faults.has('drop-preferred-language')) return true;
  if (name === 'phoneNumbers' && faults.has('drop-phone-numbers')) return true;
  return false;
}

/**
 * Validates and normalises a POST/PUT body: canonical attribute names, coerced values, read-only attributes and
 * unknown attributes or schema URIs ignored (RFC 7644 §3.3; Entra sends the ADSCIM URI), nulls treated as absent.
 */
export function normalizeInput(body: unknown, model: TypeModel, faults: Faults, memberExists: (id: string) => boolean): JsonObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalidSyntax', 'the body must be a JSON object');
  const input = body as JsonObject;
  const schemas = input.schemas ?? findKey(input, 'schemas');
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw badRequest('invalidSyntax', `"schemas" must be an array holding "${model.core.urn}"`);
  }
  if (!schemas.some((s) => (s as string).toLowerCase() === model.core.urn.toLowerCase())) {
    throw badRequest('invalidSyntax', `"schemas" must include "${model.core.urn}"`);
  }
  if (faults.has('unknown-schema-rejected')) {
    const unknown = (schemas as string[]).find((s) => !model.schemaFor(s));
    if (unknown) throw badRequest('invalidValue', `unknown schema "${unknown}"`);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') continue;
    const common = model.common.get(lower);
    if (common) {
      if (common.mutability === 'readOnly') continue; // id, meta
      const v = coerce(common, value, { faults, where: common.name });
      if (v !== undefined) out[common.name] = v;
      continue;
    }
    const ext = lower.startsWith('urn:') ? model.schemaFor(key) : undefined;
    if (ext && ext !== model.core) {
      if (value === null) {
        if (faults.has('null-attribute-rejected')) throw badRequest('invalidValue', `${key} is null`);
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('invalidValue', `${key} must be an object`);
      const inner: JsonObject = {};
      for (const [k, v] of Object.entries(value as JsonObject)) {
        const def = ext.defs.get(k.toLowerCase());
        if (!def || def.mutability === 'readOnly' || droppedByFault(faults, ext.urn, def.name)) continue;
        const c = coerce(def, v, { faults, where: `${ext.urn}:${def.name}` });
        if (c !== undefined) inner[def.name] = c;
      }
      if (Object.keys(inner).length) out[ext.urn] = inner;
      continue;
    }
    const def = model.core.defs.get(lower);
    if (!def || def.mutability === 'readOnly' || droppedByFault(faults, '', def.name)) continue;
    const v = coerce(def, value, { faults, where: def.name });
    if (v !== undefined) out[def.name] = v;
  }
  checkRequired(out, model, faults);
  checkMembers(out, memberExists);
  return out;
}

export function checkRequired(data: JsonObject, model: TypeModel, faults: Faults): void {
  if (model.rt.name === 'User') {
    if (typeof data.userName !== 'string' || data.userName.trim() === '') {
      if (!faults.has('missing-username-accepted')) throw badRequest('invalidValue', 'userName is required');
    }
  } else if (typeof data.displayName !== 'string' || data.displayName.trim() === '') {
    throw badRequest('invalidValue', 'displayName is required');
  }
}

function checkMembers(data: JsonObject, memberExists: (id: string) => boolean): void {
  const members = data.members;
  if (!Array.isArray(members)) return;
  const seen = new Set<string>();
  data.members = members.filter((m) => {
    const v = (m as JsonObject).value;
    if (typeof v !== 'string') throw badRequest('invalidValue', 'every member needs a "value" (the member\'s id)');
    if (!memberExists(v)) throw badRequest('invalidValue', `member "${v}" is not a user or group of this server`);
    if (seen.has(v)) return false;
    seen.add(v);
    delete (m as JsonObject).$ref;
    return true;
  });
}

function findKey(o: JsonObject, lower: string): unknown {
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The full representation of a stored resource (before projection), cached until it changes. */
export function render(s: Stored, store: Store): JsonObject {
  if (s.rendered) return s.rendered;
  const model = store.modelOf(s.type);
  const schemas = [model.core.urn];
  for (const ext of model.extensions.values()) if (s.data[ext.urn] !== undefined) schemas.push(ext.urn);
  const out: JsonObject = { schemas, id: s.id };
  for (const [k, v] of Object.entries(s.data)) out[k] = structuredClone(v);
  if (s.type === 'Group' && Array.isArray(out.members)) {
    out.members = (out.members as JsonObject[]).map((m) => {
      const type: TypeName = store.get('Group', m.value as string) ? 'Group' : 'User';
      return { value: m.value, $ref: store.location(type, m.value as string), type: m.type ?? type };
    });
  }
  const ent = out[ENTERPRISE_URN] as JsonObject | undefined;
  const manager = ent?.manager as JsonObject | undefined;
  if (manager && typeof manager.value === 'string') {
    ent!.manager = { ...manager, $ref: store.location('User', manager.value) };
  }
  if (s.type === 'User') {
    const groups = store.groupsOf(s.id);
    if (groups.length) {
      out.groups = groups.map((g) => ({ value: g.id, $ref: store.location('Group', g.id), display: g.data.displayName, type: 'direct' }));
    }
  }
  delete out.password; // returned: never
  out.meta = { resourceType: s.type, created: s.created, lastModified: s.lastModified, location: store.location(s.type, s.id), version: store.etag(s) };
  s.rendered = out;
  return out;
}
