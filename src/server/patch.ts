/**
 * The reference server's PATCH engine (RFC 7644 §3.5.2): applies a PatchOp request to the stored form of a resource.
 *
 * The stored form is what the store keeps and what {@link applyPatch} reads and returns: core attributes at the top
 * level under their canonical schema names (`userName`, `name: {givenName}`, `emails: [{value, type, primary}]`,
 * `members: [{value, type?}]`), each extension's attributes under its canonical URN key, and no `id`, `meta`,
 * `schemas` or `groups` (the server adds those when it renders). Unassigned attributes are absent: never null, `[]`
 * or `{}`.
 *
 * Both of Microsoft Entra's dialects are accepted: the default ("legacy") one with `"Replace"`/`"Add"`/`"Remove"`,
 * `"True"`/`"False"` strings for booleans, one operation per attribute and member removal by a value array; and the
 * `aadOptscim062020` ("compliant") one with lower-case ops, real booleans, one path-less operation whose value has
 * dotted and URN-qualified keys, and member removal by `members[value eq "..."]`.
 *
 * Decisions on points RFC 7644 leaves open or where Entra and the RFC disagree (each also noted where implemented):
 * - A replace (or add) through a value filter that matches nothing creates the element when the filter is made of
 *   `eq` comparisons joined by `and` (Entra's `emails[type eq "work"].value`); RFC 7644 §3.5.2.3 asks for 400 noTarget,
 *   which is still the answer for any other filter.
 * - A remove through a value filter that matches nothing, or of an attribute that is absent, changes nothing and
 *   succeeds: §3.5.2.2 names no failure for it, and removal is idempotent (Entra may remove a member twice).
 * - Replace through a value filter without a sub-attribute (`addresses[type eq "work"]`) replaces each matching
 *   element whole (§3.5.2.3: "all matching record values SHALL be replaced"); add through it merges.
 * - `null` as a value means "unassigned" (RFC 7643 §2.5): replace with null removes the attribute, a null
 *   sub-attribute inside a complex value removes that sub-attribute, add with null adds nothing.
 * - Read-only sub-attributes inside a value (`manager.displayName`) are ignored like read-only attributes in a PUT body
 *   (RFC 7644 §3.5.1); naming a read-only attribute in a path is 400 mutability (§3.5.2).
 * - `$ref` of members and of the enterprise manager is not stored: the server derives it from `value` when rendering.
 * - A path-less value's `schemas` key is ignored (some clients echo it); every other key is applied as a path.
 * - Unknown sub-attributes inside a value object are ignored (as `coerce` does for POST/PUT); an unknown attribute
 *   named by a path, a path-less key or a value filter is 400 invalidPath.
 */
import {
  compileValueFilter,
  FilterError,
  parsePath,
  type AttrPath,
  type CompiledValueFilter,
  type FilterNode,
} from '../core/scim/filter/index.js';
import type { AttributeDef, AttributeResolver } from '../core/scim/schema-types.js';
import { droppedByFault } from './resources.js';
import { badRequest, ScimHttpError } from './errors.js';
import type { Faults } from './faults.js';
import { coerce, subDef, type JsonObject, type SchemaView, type TypeModel } from './model.js';

export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface PatchContext {
  /** The resource type's attribute tables. */
  model: TypeModel;
  /** registry.resolver(rt.name), for value-path filters. */
  resolve: AttributeResolver;
  faults: Faults;
  /** true when a member value names an existing resource (group membership); unknown ids are 400 invalidValue */
  memberExists?: (id: string) => boolean;
}

type OpName = 'add' | 'replace' | 'remove';

/**
 * Applies a PatchOp request body (RFC 7644 §3.5.2) to the stored form of a resource and returns the new stored form.
 *
 * Atomic: when any operation fails it throws {@link ScimHttpError} (400 with the RFC 7644 §3.12 `scimType`) and the
 * result of the operations before it is discarded. `current` is never mutated, whatever happens.
 *
 * Under the fault `patch-not-atomic` a failing operation does not throw: the state after the operations before it
 * is returned (unchanged `current` if the first one fails), which the server then stores and answers 200 to, as a
 * non-atomic server would. Errors in the envelope (`schemas`, `Operations`) are still thrown.
 */
export function applyPatch(current: JsonObject, body: unknown, ctx: PatchContext): JsonObject {
  const ops = readEnvelope(body);
  let committed = structuredClone(current);
  for (let i = 0; i < ops.length; i++) {
    const work = structuredClone(committed);
    try {
      new Patcher(work, ctx).operation(ops[i], i);
    } catch (err) {
      if (err instanceof ScimHttpError && ctx.faults.has('patch-not-atomic')) return committed;
      throw err;
    }
    prune(work);
    committed = work;
  }
  return committed;
}

/** The most operations the reference server applies in one PATCH (Entra sends a few; a documented cap, answered 400). */
export const MAX_PATCH_OPERATIONS = 1000;

/** Checks `schemas` and `Operations` (RFC 7644 §3.5.2) and returns the operations. */
function readEnvelope(body: unknown): unknown[] {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the PATCH body must be a JSON object');
  const schemas = member(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_URN.toLowerCase())) {
    throw badRequest('invalidSyntax', `"schemas" must be an array holding "${PATCH_OP_URN}"`);
  }
  const ops = member(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0) {
    throw badRequest('invalidSyntax', '"Operations" must be a non-empty array of operations');
  }
  // Each operation is applied to a copy of the resource: a PATCH of thousands of operations would hold every client.
  if (ops.length > MAX_PATCH_OPERATIONS) throw badRequest('invalidValue', `at most ${MAX_PATCH_OPERATIONS} operations per PATCH, got ${ops.length}`);
  return ops;
}

/** Where a path points, once resolved against the resource type's schemas. */
interface Target {
  /** The path as written, for messages. */
  text: string;
  /** The top-level attribute. */
  def: AttributeDef;
  /** Canonical URN of the extension holding `def`; undefined for core and common attributes (top level). */
  ext: string | undefined;
  /** `name.givenName`: the sub-attribute named with a dot. */
  sub?: AttributeDef;
  /** `emails[type eq "work"]`: the value filter and its compiled form. */
  filter?: FilterNode;
  match?: CompiledValueFilter;
  /** `emails[type eq "work"].value`: the sub-attribute after the filter. */
  valueSub?: AttributeDef;
}

/** A whole schema named by its URN (`urn:...:enterprise:2.0:User`). */
interface WholeSchema {
  text: string;
  schema: SchemaView;
  isCore: boolean;
}

type Located = { kind: 'attr'; target: Target } | { kind: 'schema'; whole: WholeSchema };

class Patcher {
  private readonly model: TypeModel;
  private readonly faults: Faults;

  constructor(
    private readonly state: JsonObject,
    private readonly ctx: PatchContext,
  ) {
    this.model = ctx.model;
    this.faults = ctx.faults;
  }

  /** Applies one element of `Operations`. */
  operation(raw: unknown, index: number): void {
    const where = `Operations[${index}]`;
    if (!isObject(raw)) throw badRequest('invalidSyntax', `${where} must be an object with "op", "path" and "value"`);
    if (this.faults.has('patch-invalid-ops-ignored') && this.invalidOp(raw)) return;
    const op = this.opName(member(raw, 'op'), where);
    const pathRaw = member(raw, 'path');
    const value = member(raw, 'value');
    if (pathRaw !== undefined && pathRaw !== null && typeof pathRaw !== 'string') {
      throw badRequest('invalidPath', `${where}.path must be a string`);
    }
    const path = typeof pathRaw === 'string' ? pathRaw : undefined;

    if (op === 'remove') {
      // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with ... "noTarget"."
      if (path === undefined) throw badRequest('noTarget', `${where}: "remove" needs a "path"`);
      this.remove(this.locate(path), value);
      return;
    }
    // RFC 7644 §3.5.2.1 and §3.5.2.3: add and replace MUST carry a value.
    if (value === undefined) throw badRequest('invalidValue', `${where}: "${op}" needs a "value"`);
    if (path === undefined) {
      this.pathless(op, value, where);
      return;
    }
    this.set(op, this.locate(path), value);
  }

  /** The `patch-invalid-ops-ignored` fault skips these: an op that is not add/replace/remove, a remove without a path. */
  private invalidOp(raw: JsonObject): boolean {
    const op = member(raw, 'op');
    const lower = typeof op === 'string' ? op.toLowerCase() : undefined;
    if (lower !== 'add' && lower !== 'replace' && lower !== 'remove') return true;
    const path = member(raw, 'path');
    return lower === 'remove' && (path === undefined || path === null);
  }

  private opName(raw: unknown, where: string): OpName {
    if (typeof raw !== 'string') throw badRequest('invalidSyntax', `${where}.op must be "add", "replace" or "remove"`);
    const lower = raw.toLowerCase();
    if (lower !== 'add' && lower !== 'replace' && lower !== 'remove') {
      throw badRequest('invalidSyntax', `${where}.op "${raw}" is not one of "add", "replace", "remove"`);
    }
    // RFC 7644 §3.5.2 spells the ops in lower case; Entra's default jobs send "Add"/"Replace"/"Remove".
    if (raw !== lower && this.faults.has('patch-op-case-sensitive')) {
      throw badRequest('invalidSyntax', `${where}.op "${raw}" is not one of "add", "replace", "remove"`);
    }
    return lower;
  }

  /**
   * add/replace without a path (RFC 7644 §3.5.2.1, §3.5.2.3): the value is an object whose keys are applied as paths,
   * in order: `userName`, `name.givenName`, `urn:...:enterprise:2.0:User:department`, or the bare extension URN with
   * an object of that extension's attributes.
   */
  private pathless(op: OpName, value: unknown, where: string): void {
    if (!isObject(value)) throw badRequest('invalidValue', `${where}: without a "path", "value" must be an object of attributes`);
    for (const [key, v] of Object.entries(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      if (this.faults.has('patch-pathless-dotted-ignored') && (key.includes('.') || key.toLowerCase().startsWith('urn:'))) continue;
      this.set(op, this.locate(key), v);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Paths
  // -------------------------------------------------------------------------------------------------------------

  private locate(text: string): Located {
    let path: AttrPath;
    try {
      path = parsePath(text, { schemaUrns: this.model.urns() });
    } catch (err) {
      if (err instanceof FilterError) throw badRequest(err.scimType, `path "${text}": ${err.message}`);
      throw err;
    }
    const { attr } = path;
    if (attr.name === '') {
      const schema = attr.urn === undefined ? undefined : this.model.schemaFor(attr.urn);
      if (schema === undefined) throw badRequest('invalidPath', `path "${text}": ${this.model.rt.name} resources have no schema "${attr.urn}"`);
      return { kind: 'schema', whole: { text, schema, isCore: schema === this.model.core } };
    }

    const found = this.lookup(attr.urn, attr.name, text);
    const { def, ext } = found;
    const target: Target = { text, def, ext };
    if (attr.subAttr !== undefined) {
      const sub = def.type === 'complex' ? subDef(def, attr.subAttr) : undefined;
      if (sub === undefined) throw badRequest('invalidPath', `path "${text}": "${def.name}" has no sub-attribute "${attr.subAttr}"`);
      target.sub = sub;
    }
    if (path.filter !== undefined) {
      if (attr.subAttr !== undefined || !def.multiValued) {
        throw badRequest('invalidPath', `path "${text}": a value filter "[...]" applies to a multi-valued attribute only`);
      }
      const isMembers = def.name.toLowerCase() === 'members';
      if (isMembers && this.faults.has('patch-remove-member-filter-unsupported')) {
        throw badRequest('invalidPath', `path "${text}": filters on members are not supported`);
      }
      if (!isMembers && this.faults.has('patch-value-path-unsupported')) {
        throw badRequest('invalidPath', `path "${text}": value filters are not supported`);
      }
      this.checkFilterNames(path.filter, def, text);
      const parent = ext === undefined ? { name: def.name } : { urn: ext, name: def.name };
      try {
        target.match = compileValueFilter(path.filter, parent, this.ctx.resolve);
      } catch (err) {
        if (err instanceof FilterError) throw badRequest(err.scimType, `path "${text}": ${err.message}`);
        throw err;
      }
      target.filter = path.filter;
    }
    if (path.subAttr !== undefined) {
      const valueSub = subDef(def, path.subAttr);
      if (valueSub === undefined) throw badRequest('invalidPath', `path "${text}": "${def.name}" has no sub-attribute "${path.subAttr}"`);
      target.valueSub = valueSub;
    }
    // RFC 7644 §3.5.2: modifying a readOnly attribute is 400 mutability (id, meta, groups, manager.displayName).
    for (const d of [def, target.sub, target.valueSub]) {
      if (d?.mutability === 'readOnly') {
        throw badRequest('mutability', `path "${text}": "${d === def ? def.name : `${def.name}.${d.name}`}" is read-only`);
      }
    }
    return { kind: 'attr', target };
  }

  /**
   * The definition a name refers to: with a URN, in that schema (the core URN also reaches id, externalId, meta);
   * without one, in the common attributes, then the core schema, then the extensions (RFC 7644 §3.10).
   */
  private lookup(urn: string | undefined, name: string, text: string): { def: AttributeDef; ext: string | undefined } {
    const lower = name.toLowerCase();
    if (urn !== undefined) {
      const schema = this.model.schemaFor(urn);
      if (schema === undefined) throw badRequest('invalidPath', `path "${text}": ${this.model.rt.name} resources have no schema "${urn}"`);
      if (schema === this.model.core) {
        const def = schema.defs.get(lower) ?? this.model.common.get(lower);
        if (def !== undefined) return { def, ext: undefined };
      } else {
        const def = schema.defs.get(lower);
        if (def !== undefined) return { def, ext: schema.urn };
      }
      throw badRequest('invalidPath', `path "${text}": schema "${schema.urn}" has no attribute "${name}"`);
    }
    const def = this.model.common.get(lower) ?? this.model.core.defs.get(lower);
    if (def !== undefined) return { def, ext: undefined };
    for (const schema of this.model.extensions.values()) {
      const extDef = schema.defs.get(lower);
      if (extDef !== undefined) return { def: extDef, ext: schema.urn };
    }
    throw badRequest('invalidPath', `path "${text}": ${this.model.rt.name} resources have no attribute "${name}"`);
  }

  /** Names inside `attr[...]` must be sub-attributes of `attr`. */
  private checkFilterNames(node: FilterNode, def: AttributeDef, text: string): void {
    switch (node.kind) {
      case 'and':
      case 'or':
        this.checkFilterNames(node.left, def, text);
        this.checkFilterNames(node.right, def, text);
        return;
      case 'not':
        this.checkFilterNames(node.expr, def, text);
        return;
      case 'valuePath':
        throw badRequest('invalidFilter', `path "${text}": a value filter cannot contain another value filter`);
      case 'compare':
      case 'present':
        if (node.attr.subAttr !== undefined || subDef(def, node.attr.name) === undefined) {
          const shown = node.attr.subAttr === undefined ? node.attr.name : `${node.attr.name}.${node.attr.subAttr}`;
          throw badRequest('invalidPath', `path "${text}": "${def.name}" has no sub-attribute "${shown}"`);
        }
    }
  }

  /** Add/replace on a path is discarded (accepted, not stored) by a fault. */
  private ignored(t: Target): boolean {
    if (t.ext === undefined && t.def.name === 'active' && this.faults.has('patch-active-ignored')) return true;
    return droppedByFault(this.faults, t.ext ?? '', t.def.name);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Storage
  // -------------------------------------------------------------------------------------------------------------

  /** The object holding `t.def`: the resource itself, or its extension container (created on demand). */
  private container(t: Target, create: boolean): JsonObject | undefined {
    if (t.ext === undefined) return this.state;
    const key = findKey(this.state, t.ext);
    const existing = key === undefined ? undefined : this.state[key];
    if (isObject(existing)) {
      if (key !== t.ext) {
        delete this.state[key!];
        this.state[t.ext] = existing;
      }
      return existing;
    }
    if (!create) return undefined;
    const fresh: JsonObject = {};
    this.state[t.ext] = fresh;
    return fresh;
  }

  private read(t: Target): unknown {
    const c = this.container(t, false);
    if (c === undefined) return undefined;
    const key = findKey(c, t.def.name);
    return key === undefined ? undefined : c[key];
  }

  private write(t: Target, value: unknown): void {
    const c = this.container(t, value !== undefined);
    if (c === undefined) return;
    const key = findKey(c, t.def.name);
    if (key !== undefined) delete c[key];
    if (value !== undefined) c[t.def.name] = value;
  }

  /** Unassigns the attribute; a required one (userName) cannot be (RFC 7643 §2.2, RFC 7644 §3.5.2.2). */
  private unset(t: Target): void {
    if (t.def.required) throw badRequest('invalidValue', `"${t.def.name}" is required and cannot be removed`);
    this.write(t, undefined);
  }

  private list(t: Target): JsonObject[] {
    const v = this.read(t);
    if (Array.isArray(v)) return v as JsonObject[];
    return v === undefined ? [] : [v as JsonObject];
  }

  // -------------------------------------------------------------------------------------------------------------
  // add and replace
  // -------------------------------------------------------------------------------------------------------------

  private set(op: OpName, loc: Located, value: unknown): void {
    if (loc.kind === 'schema') {
      this.setWhole(op, loc.whole, value);
      return;
    }
    const t = loc.target;
    if (this.ignored(t)) return;
    if (t.filter !== undefined) this.setFiltered(op, t, value);
    else if (t.sub !== undefined) this.setSub(t, t.sub, value);
    else if (t.def.multiValued) this.setMulti(op, t, value);
    else if (t.def.type === 'complex') this.setComplex(t, value);
    else this.setSimple(op, t, value);
  }

  /** A whole schema: each key of the object is an attribute of that schema, applied as its own path. */
  private setWhole(op: OpName, whole: WholeSchema, value: unknown): void {
    if (value === null && !whole.isCore) {
      if (op === 'replace') {
        const key = findKey(this.state, whole.schema.urn);
        if (key !== undefined) delete this.state[key];
      }
      return;
    }
    if (!isObject(value)) throw badRequest('invalidValue', `"${whole.text}": the value must be an object of that schema's attributes`);
    for (const [key, v] of Object.entries(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      this.set(op, this.locate(`${whole.schema.urn}:${key}`), v);
    }
  }

  private setSimple(op: OpName, t: Target, value: unknown): void {
    const v = coerce(t.def, value, { faults: this.faults, where: t.text });
    if (v === undefined) {
      // null: "unassigned" (RFC 7643 §2.5). Replace unassigns; add has nothing to add.
      if (op === 'replace') this.unset(t);
      return;
    }
    if (t.def.required && typeof v === 'string' && v.trim() === '') {
      throw badRequest('invalidValue', `"${t.def.name}" is required and cannot be empty`);
    }
    this.assertMutable(t.def, this.read(t), v, t.text);
    this.write(t, v);
  }

  /**
   * A single-valued complex attribute: the given sub-attributes are merged in, the others kept (RFC 7644 §3.5.2.1
   * and §3.5.2.3). Entra sends the manager as `[{"$ref": ..., "value": id}]` (a one-element array: its element is
   * taken), as a plain id string (taken as `{value}`), and `""` to clear it.
   */
  private setComplex(t: Target, value: unknown): void {
    let v = value;
    if (Array.isArray(v)) {
      if (v.length > 1) throw badRequest('invalidValue', `"${t.text}" is single-valued: expected one value, got ${v.length}`);
      v = v.length === 0 ? null : v[0];
    }
    if (typeof v === 'string' && subDef(t.def, 'value') !== undefined) {
      if (v === '') {
        this.unset(t);
        return;
      }
      v = { value: v };
    }
    if (v === null || v === undefined) {
      coerce(t.def, v, { faults: this.faults, where: t.text }); // the null-attribute-rejected fault
      this.unset(t);
      return;
    }
    if (!isObject(v)) throw badRequest('invalidValue', `"${t.text}" must be an object`);
    const existing = this.read(t);
    const out: JsonObject = isObject(existing) ? { ...existing } : {};
    this.merge(t.def, out, v, t.text);
    if (Object.keys(out).length === 0) this.unset(t);
    else this.write(t, out);
  }

  /**
   * Merges the sub-attributes of `input` into `target` (one complex value): unknown and read-only sub-attributes
   * are ignored, null unassigns, `$ref` of members and manager is left to the server.
   * @returns whether `primary` was written
   */
  private merge(def: AttributeDef, target: JsonObject, input: JsonObject, where: string): boolean {
    let wrotePrimary = false;
    for (const [k, raw] of Object.entries(input)) {
      const sd = subDef(def, k);
      if (sd === undefined || sd.mutability === 'readOnly' || this.serverComputed(def, sd)) continue;
      const v = coerce(sd, raw, { faults: this.faults, where: `${where}.${sd.name}` });
      const key = findKey(target, sd.name);
      const old = key === undefined ? undefined : target[key];
      if (key !== undefined) delete target[key];
      if (v === undefined) continue;
      this.assertMutable(sd, old, v, `${where}.${sd.name}`);
      target[sd.name] = v;
      if (sd.name === 'primary') wrotePrimary = true;
    }
    return wrotePrimary;
  }

  /** `members.$ref` and the enterprise `manager.$ref` are derived from `value` by the server. */
  private serverComputed(def: AttributeDef, sd: AttributeDef): boolean {
    return sd.name === '$ref' && (def.name === 'members' || def.name === 'manager');
  }

  /** RFC 7643 §2.2 "immutable": may be set when unassigned, never changed afterwards (400 mutability, §3.5.2). */
  private assertMutable(def: AttributeDef, old: unknown, next: unknown, where: string): void {
    if (def.mutability !== 'immutable' || old === undefined || sameJson(old, next)) return;
    throw badRequest('mutability', `"${where}" is immutable and already has a value`);
  }

  /** `name.givenName`: a sub-attribute of a single-valued complex attribute. */
  private setSub(t: Target, sub: AttributeDef, value: unknown): void {
    if (t.def.multiValued) {
      throw badRequest('invalidPath', `path "${t.text}": name the values to change with a filter, e.g. ${t.def.name}[type eq "work"].${sub.name}`);
    }
    const existing = this.read(t);
    const out: JsonObject = isObject(existing) ? { ...existing } : {};
    this.merge(t.def, out, { [sub.name]: value }, t.def.name);
    if (Object.keys(out).length === 0) this.unset(t);
    else this.write(t, out);
  }

  /**
   * A multi-valued attribute without a filter. replace: the list becomes the given values (RFC 7644 §3.5.2.3).
   * add: the given values are appended, except those already present, whose other sub-attributes are merged into
   * the existing value (§3.5.2.1: "If the target location already contains the value specified, no changes SHOULD be
   * made"). A member is present when its `value` is; another value when its `value` and `type` are.
   */
  private setMulti(op: OpName, t: Target, value: unknown): void {
    if (value === null) {
      coerce(t.def, value, { faults: this.faults, where: t.text }); // the null-attribute-rejected fault
      if (op === 'replace') this.unset(t);
      return;
    }
    let items: unknown[] = Array.isArray(value) ? value : [value];
    const isMembers = t.def.name === 'members';
    if (op === 'add' && isMembers && this.faults.has('patch-add-members-first-only')) items = items.slice(0, 1);
    const given = (coerce(t.def, items, { faults: this.faults, where: t.text }) as unknown[] | undefined) ?? [];
    const values = given.map((el) => this.cleanElement(t.def, el));
    this.checkMembers(t.def, values, t.text);
    // RFC 7644 §3.5.2.1: "If the target location specifies a multi-valued attribute, a new value is added to the
    // attribute." The `patch-add-replaces-members` fault reads an add of members as a replace.
    if (op === 'replace' || (op === 'add' && isMembers && this.faults.has('patch-add-replaces-members'))) {
      // A member listed twice is stored once (as POST/PUT do); other values are kept as given.
      const list = isMembers ? values.filter((el, i) => values.findIndex((other) => this.sameValue(t.def, other, el)) === i) : values;
      if (list.length === 0) this.unset(t);
      else this.write(t, list);
      return;
    }
    const list = this.list(t).slice();
    const fresh = new Set<unknown>();
    for (const el of values) {
      const duplicates = isMembers && this.faults.has('patch-add-member-duplicates');
      const i = duplicates ? -1 : list.findIndex((old) => this.sameValue(t.def, old, el));
      if (i < 0) {
        list.push(el);
        if (isObject(el) && el.primary === true) fresh.add(el);
        continue;
      }
      if (isMembers || !isObject(el)) continue;
      // The value is already there: its identity (value, type) stays as stored, the rest is merged in.
      const rest = Object.fromEntries(Object.entries(el).filter(([k]) => !['value', 'type'].includes(k.toLowerCase())));
      const merged = { ...list[i]! };
      if (this.merge(t.def, merged, rest, `${t.text}[${i}]`) && merged.primary === true) fresh.add(merged);
      list[i] = merged;
    }
    this.enforcePrimary(list, fresh, t.text);
    this.write(t, list.length > 0 ? list : undefined);
  }

  /**
   * A value filter: `emails[type eq "work"]` (replace: each match is replaced by the value, RFC 7644 §3.5.2.3;
   * add: the value is merged into each match) or `emails[type eq "work"].value` (set that sub-attribute of each match).
   */
  private setFiltered(op: OpName, t: Target, value: unknown): void {
    const list = this.list(t).map((el) => (isObject(el) ? { ...el } : el));
    const fresh = new Set<unknown>();
    let matched = 0;
    for (let i = 0; i < list.length; i++) {
      const el = list[i];
      if (!t.match!(el) || !isObject(el)) continue;
      matched++;
      const input = t.valueSub !== undefined ? { [t.valueSub.name]: value } : value;
      if (!isObject(input)) throw badRequest('invalidValue', `"${t.text}": the value must be an object of ${t.def.name} sub-attributes`);
      if (op === 'replace' && t.valueSub === undefined) {
        // "All matching record values SHALL be replaced": the old element's other sub-attributes go.
        for (const k of Object.keys(el)) delete el[k];
      }
      if (this.merge(t.def, el, input, t.text) && el.primary === true) fresh.add(el);
    }
    if (matched === 0 && value === null) return; // nothing to unassign
    if (matched === 0) {
      // Deliberate Entra-over-RFC choice: RFC 7644 §3.5.2.3 answers a replace whose value filter matches nothing
      // with 400 noTarget, but Entra sends `replace emails[type eq "work"].value` to users that have no work email
      // yet and expects the email to be created. When the filter is `eq` comparisons joined by `and`, the element
      // those comparisons describe is created with the value; any other filter is still 400 noTarget.
      const seed = eqSeed(t.filter!);
      if (seed === undefined) {
        throw badRequest('noTarget', `path "${t.text}": no value of "${t.def.name}" matches the filter`);
      }
      const input = t.valueSub !== undefined ? { [t.valueSub.name]: value } : value;
      if (!isObject(input)) throw badRequest('invalidValue', `"${t.text}": the value must be an object of ${t.def.name} sub-attributes`);
      const el: JsonObject = {};
      this.merge(t.def, el, seed, t.text);
      this.merge(t.def, el, input, t.text);
      const clean = this.cleanElement(t.def, el);
      this.checkMembers(t.def, [clean], t.text);
      if (Object.keys(clean).length === 0) return;
      list.push(clean);
      if (clean.primary === true) fresh.add(clean);
    }
    this.enforcePrimary(list, fresh, t.text);
    this.write(t, list.length > 0 ? list : undefined);
  }

  /** An element as stored: no read-only or server-computed sub-attributes. */
  private cleanElement(def: AttributeDef, el: unknown): JsonObject {
    if (!isObject(el)) return el as JsonObject;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(el)) {
      const sd = subDef(def, k);
      if (sd !== undefined && (sd.mutability === 'readOnly' || this.serverComputed(def, sd))) continue;
      out[k] = v;
    }
    return out;
  }

  /** Every member needs a `value` naming an existing resource. */
  private checkMembers(def: AttributeDef, values: unknown[], where: string): void {
    if (def.name !== 'members') return;
    for (const m of values) {
      const id = isObject(m) ? m.value : undefined;
      if (typeof id !== 'string' || id === '') throw badRequest('invalidValue', `"${where}": every member needs a "value" (the member's id)`);
      if (this.ctx.memberExists !== undefined && !this.ctx.memberExists(id)) {
        throw badRequest('invalidValue', `"${where}": member "${id}" is not a resource of this server`);
      }
    }
  }

  /** Whether two elements of a multi-valued attribute hold the same value (see setMulti). */
  private sameValue(def: AttributeDef, a: unknown, b: unknown): boolean {
    if (!isObject(a) || !isObject(b)) return sameJson(a, b);
    const valueDef = subDef(def, 'value');
    if (valueDef === undefined) return sameJson(withoutPrimary(a), withoutPrimary(b));
    if (!sameText(a.value, b.value, valueDef.caseExact)) return false;
    if (def.name === 'members') return true;
    return sameText(a.type, b.type, false);
  }

  /**
   * RFC 7643 §2.4: "primary" may be true on one value at most. The values this operation made primary win: the
   * others lose it (set to false). Two values made primary by one operation are 400 invalidValue.
   */
  private enforcePrimary(list: unknown[], fresh: Set<unknown>, where: string): void {
    if (fresh.size > 1) throw badRequest('invalidValue', `"${where}": "primary": true may appear on one value at most`);
    if (fresh.size === 0) return;
    for (const el of list) {
      if (isObject(el) && !fresh.has(el) && el.primary === true) el.primary = false;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // remove
  // -------------------------------------------------------------------------------------------------------------

  /**
   * RFC 7644 §3.5.2.2. Besides the RFC forms, Entra's default dialect removes members with
   * `{"op": "Remove", "path": "members", "value": [{"value": id}, ...]}`: the values listed are removed.
   * Removing what is not there changes nothing.
   */
  private remove(loc: Located, value: unknown): void {
    if (loc.kind === 'schema') {
      if (loc.whole.isCore) throw badRequest('invalidPath', `path "${loc.whole.text}": the core schema cannot be removed`);
      const key = findKey(this.state, loc.whole.schema.urn);
      if (key !== undefined) delete this.state[key];
      return;
    }
    const t = loc.target;
    if (t.def.name === 'active' && t.ext === undefined && this.faults.has('patch-active-ignored')) return;

    if (t.filter !== undefined) {
      const list = this.list(t);
      let out: unknown[];
      if (t.valueSub !== undefined) {
        const name = t.valueSub.name;
        out = list.map((el) => {
          if (!t.match!(el) || !isObject(el)) return el;
          const copy = { ...el };
          const key = findKey(copy, name);
          if (key !== undefined) delete copy[key];
          return copy;
        });
      } else {
        out = list.filter((el) => !t.match!(el));
      }
      this.write(t, out.length > 0 ? out : undefined);
      return;
    }

    if (t.sub !== undefined) {
      const sub = t.sub.name;
      const drop = (el: unknown): unknown => {
        if (!isObject(el)) return el;
        const copy = { ...el };
        const key = findKey(copy, sub);
        if (key !== undefined) delete copy[key];
        return copy;
      };
      const v = this.read(t);
      if (v === undefined) return;
      this.write(t, Array.isArray(v) ? v.map(drop) : drop(v));
      return;
    }

    if (t.def.multiValued && value !== undefined && value !== null) {
      // Entra's default dialect: remove the listed values (members by `value`).
      if (t.def.name === 'members' && this.faults.has('patch-remove-member-value-ignored')) return;
      const items = Array.isArray(value) ? value : [value];
      const list = this.list(t);
      const out = list.filter((el) => !items.some((item) => this.listed(t.def, el, item)));
      this.write(t, out.length > 0 ? out : undefined);
      return;
    }

    if (t.def.required) throw badRequest('invalidValue', `"${t.def.name}" is required and cannot be removed`);
    this.write(t, undefined);
  }

  /** Whether `el` is one of the values a remove-with-value names: same `value`, or same given sub-attributes. */
  private listed(def: AttributeDef, el: unknown, item: unknown): boolean {
    if (!isObject(item)) {
      return isObject(el) ? sameText(el.value, item, subDef(def, 'value')?.caseExact ?? true) : sameJson(el, item);
    }
    if (!isObject(el)) return false;
    const valueKey = findKey(item, 'value');
    if (valueKey !== undefined) return sameText(el.value, item[valueKey], subDef(def, 'value')?.caseExact ?? true);
    const entries = Object.entries(item).filter(([, v]) => v !== null && v !== undefined);
    if (entries.length === 0) return false;
    return entries.every(([k, v]) => {
      const sd = subDef(def, k);
      if (sd === undefined) return true;
      return sameJson(el[sd.name], v) || sameText(el[sd.name], v, sd.caseExact);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/**
 * The sub-attributes a filter of `eq` comparisons joined by `and` pins down (`type eq "work" and primary eq true`
 * gives `{type: "work", primary: true}`), or undefined for any other filter (or one comparing an attribute twice).
 */
function eqSeed(node: FilterNode): JsonObject | undefined {
  const out: JsonObject = {};
  const stack: FilterNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'and') {
      stack.push(n.right, n.left);
      continue;
    }
    if (n.kind !== 'compare' || n.op !== 'eq' || n.value === null || n.attr.subAttr !== undefined) return undefined;
    const key = n.attr.name.toLowerCase();
    if (Object.keys(out).some((k) => k.toLowerCase() === key)) return undefined;
    out[n.attr.name] = n.value;
  }
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `obj` that equals `name` case-insensitively (RFC 7643 §2.1), an exact match first. */
function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function member(obj: JsonObject, name: string): unknown {
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

function sameText(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return caseExact ? a === b : a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Deep equality of JSON values, ignoring key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return false;
}

function withoutPrimary(o: JsonObject): JsonObject {
  const { primary: _primary, ...rest } = o;
  return rest;
}

/** Removes what became unassigned: null, `{}`, `[]`, and empty objects inside lists, at every depth. */
function prune(obj: JsonObject): void {
  for (const key of Object.keys(obj)) {
    const v = pruneValue(obj[key]);
    if (v === undefined) delete obj[key];
    else obj[key] = v;
  }
}

function pruneValue(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out = v.map(pruneValue).filter((x) => x !== undefined);
    return out.length > 0 ? out : undefined;
  }
  if (isObject(v)) {
    prune(v);
    return Object.keys(v).length > 0 ? v : undefined;
  }
  return v;
}
