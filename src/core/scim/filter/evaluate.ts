/**
 * Schema-aware evaluation of SCIM filters (RFC 7644 §3.4.2.2) against resources, and value selection by PATCH
 * path (RFC 7644 §3.5.2).
 *
 * A filter is compiled once into nested closures: attribute definitions are resolved, literals lower-cased and
 * dateTime literals parsed at compile time, so evaluating a resource only walks its members. Compiled filters are
 * cached per node object (and resolver), so calling `evaluateFilter` in a loop with the same node and resolver
 * compiles once; `compileFilter` hands the compiled predicate out directly.
 *
 * Decisions on points the RFC leaves open (each also noted where it is implemented):
 * - `ne`: "the attribute and operator values are not identical". For one value it is exactly `not eq`. A
 *   multi-valued attribute matches when ANY value is not identical (the RFC's "any of the values" rule applied to
 *   `ne` as to every operator). An attribute that is absent or null has no value identical to a non-null operand,
 *   so `ne "x"` matches it while `ne null` does not (mirroring `eq null`, which matches absent or null). This keeps
 *   `x ne v` equivalent to `not (x eq v)` for single-valued attributes, present or not.
 * - Complex attribute without a sub-attribute (`emails co "example.com"`): RFC 7644 §3.4.2.2 says "for complex
 *   attributes, a fully qualified sub-attribute MUST be specified", yet its own examples include
 *   `emails co "example.com"` next to `emails.value co "example.org"`. We read the former as applying to the
 *   `value` sub-attribute, the attribute's "significant value" (RFC 7643 §2.4). A comparison on a complex attribute
 *   whose schema has no `value` sub-attribute (e.g. `name eq "x"`) is rejected with invalidFilter; `pr` on a
 *   complex attribute is fine ("contains a non-empty node").
 * - Type mismatches (a string attribute compared with a number, a boolean with a string, an unparseable dateTime)
 *   do not match; consequently `ne` with a mismatched operand does match.
 * - `gt`/`ge`/`lt`/`le` on a boolean or binary attribute, with a boolean operand, and any operator other than
 *   `eq`/`ne` with `null` throw FilterError(invalidFilter): the RFC requires the 400 for boolean and binary, and
 *   there is no meaningful ordering or substring of `true` or `null`.
 * - Attribute names match resource members case-insensitively; string values compare case-insensitively unless
 *   the attribute is `caseExact` (binary always compares exactly). Unknown attributes (the resolver returns
 *   undefined) are compared by their JSON type, strings case-insensitively.
 */
import type { AttributeDef, AttributeResolver, AttrRef } from '../schema-types.js';
import { FilterError, formatAttrRef, nodePositions, type AttrPath, type CompareOp, type FilterNode, type FilterValue } from './ast.js';
import { getMember, isObject, isPresent, parseInstant, readTopLevel, topLevelAccess, type JsonObject } from './values.js';

export interface EvaluateOptions {
  /** The resource's core schema URN: references qualified with it read the top level of the resource. */
  coreSchemaUrn?: string;
}

/** A compiled filter: true when the resource matches. May throw FilterError(invalidFilter), see above. */
export type CompiledFilter = (resource: Record<string, unknown>) => boolean;

/** A compiled value filter (the inside of `attr[...]`): true when one element of `attr` matches. */
export type CompiledValueFilter = (element: unknown) => boolean;

type Pred = (target: JsonObject) => boolean;
type Test = (value: unknown) => boolean;

/** How values of an attribute compare, from its definition. */
type Kind = 'caseIgnore' | 'caseExact' | 'binary' | 'dateTime' | 'number' | 'boolean' | 'auto';

/** For a reference without a sub-attribute: whether object elements are compared through their `value`. */
type ValueRule = 'never' | 'always' | 'auto';

interface Ctx {
  resolve: AttributeResolver;
  coreSchemaUrn: string | undefined;
  /** Set inside `attr[...]`: references are sub-attributes of this attribute and read from one element. */
  parent: AttrRef | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

interface CacheEntry<F> {
  resolve: AttributeResolver;
  core: string | undefined;
  key: string;
  fn: F;
}

const filterCache = new WeakMap<FilterNode, CacheEntry<CompiledFilter>>();
const valueFilterCache = new WeakMap<FilterNode, CacheEntry<CompiledValueFilter>>();

/**
 * Compiles a filter for repeated evaluation. Throws FilterError(invalidFilter) up front for combinations that are
 * invalid whatever the data (e.g. `active gt true`, `meta.lastModified co null`, `name eq "x"`).
 */
export function compileFilter(node: FilterNode, resolve: AttributeResolver, opts?: EvaluateOptions): CompiledFilter {
  const core = opts?.coreSchemaUrn;
  const hit = filterCache.get(node);
  if (hit !== undefined && hit.resolve === resolve && hit.core === core) return hit.fn;
  const fn: CompiledFilter = compileNode(node, { resolve, coreSchemaUrn: core, parent: undefined });
  filterCache.set(node, { resolve, core, key: '', fn });
  return fn;
}

/**
 * Whether `resource` matches the filter. Throws FilterError(invalidFilter) where RFC 7644 §3.4.2.2 requires a 400
 * (ordering operators on boolean or binary attributes) and for the other invalid combinations listed above.
 */
export function evaluateFilter(
  node: FilterNode,
  resource: Record<string, unknown>,
  resolve: AttributeResolver,
  opts?: EvaluateOptions,
): boolean {
  return compileFilter(node, resolve, opts)(resource);
}

/**
 * Compiles the filter of a value path (`emails[type eq "work"]`) to test single elements of `parent`; the
 * references inside name sub-attributes of `parent`. Used by PATCH to pick the elements a path designates.
 */
export function compileValueFilter(
  filter: FilterNode,
  parent: AttrRef,
  resolve: AttributeResolver,
  opts?: EvaluateOptions,
): CompiledValueFilter {
  const core = opts?.coreSchemaUrn;
  const key = formatAttrRef({ ...(parent.urn === undefined ? {} : { urn: parent.urn }), name: parent.name }).toLowerCase();
  const hit = valueFilterCache.get(filter);
  if (hit !== undefined && hit.resolve === resolve && hit.core === core && hit.key === key) return hit.fn;
  const pred = compileNode(filter, { resolve, coreSchemaUrn: core, parent });
  const fn: CompiledValueFilter = (element) => isObject(element) && pred(element);
  valueFilterCache.set(filter, { resolve, core, key, fn });
  return fn;
}

/** Whether one element of the multi-valued (or complex) attribute `parent` matches a value-path filter. */
export function matchesValueFilter(
  filter: FilterNode,
  element: unknown,
  parent: AttrRef,
  resolve: AttributeResolver,
  opts?: EvaluateOptions,
): boolean {
  return compileValueFilter(filter, parent, resolve, opts)(element);
}

/**
 * The values a PATCH path designates in `resource`, flattened into one array (multi-valued attributes contribute
 * each element; absent and null values contribute nothing). The array holds references into `resource`, not
 * copies. Examples on a User:
 * - `emails[type eq "work"].value` → the value of each work email, e.g. `["bjensen@example.com"]`
 * - `members[value eq "abc"]` → the matching member objects
 * - `name.givenName` → `["Barbara"]`; `urn:…:enterprise:2.0:User` → `[the extension object]`
 */
export function selectValues(
  resource: Record<string, unknown>,
  path: AttrPath,
  resolve: AttributeResolver,
  opts?: EvaluateOptions,
): unknown[] {
  const { attr } = path;
  const raw = readTopLevel(resource, topLevelAccess(attr.urn, opts?.coreSchemaUrn), attr.name, attr.name.toLowerCase());
  const out: unknown[] = [];
  const base: unknown[] = [];
  if (attr.subAttr === undefined) pushFlat(base, raw);
  else {
    const subLower = attr.subAttr.toLowerCase();
    forEachItem(raw, (el) => {
      if (isObject(el)) pushFlat(base, getMember(el, attr.subAttr!, subLower));
    });
  }
  if (path.filter === undefined) {
    return base;
  }
  const matches = compileValueFilter(path.filter, attr, resolve, opts);
  const subLower = path.subAttr?.toLowerCase();
  for (const el of base) {
    if (!matches(el)) continue;
    if (path.subAttr === undefined) out.push(el);
    else pushFlat(out, getMember(el as JsonObject, path.subAttr, subLower!));
  }
  return out;
}

function forEachItem(raw: unknown, fn: (item: unknown) => void): void {
  if (Array.isArray(raw)) {
    for (const item of raw) if (item !== undefined && item !== null) fn(item);
  } else if (raw !== undefined && raw !== null) fn(raw);
}

function pushFlat(out: unknown[], value: unknown): void {
  forEachItem(value, (item) => out.push(item));
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------------------------

function invalid(node: FilterNode, message: string): FilterError {
  return new FilterError(message, 'invalidFilter', nodePositions.get(node) ?? -1);
}

function compileNode(node: FilterNode, ctx: Ctx): Pred {
  switch (node.kind) {
    case 'and':
    case 'or':
      return compileChain(node, ctx);
    case 'not': {
      const inner = compileNode(node.expr, ctx);
      return (t) => !inner(t);
    }
    case 'present':
      return compilePresent(node, ctx);
    case 'compare':
      return compileCompare(node, ctx);
    case 'valuePath':
      return compileValuePath(node, ctx);
  }
}

/** `a and b and c ...`: collected iteratively (the parser builds left-deep chains) and tested in order. */
function compileChain(node: FilterNode & { kind: 'and' | 'or' }, ctx: Ctx): Pred {
  const kind = node.kind;
  const operands: FilterNode[] = [];
  const stack: FilterNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.kind === kind) {
      stack.push(current.right, current.left);
    } else operands.push(current);
  }
  const preds = operands.map((operand) => compileNode(operand, ctx));
  const count = preds.length;
  if (kind === 'and') {
    if (count === 2) {
      const [a, b] = preds as [Pred, Pred];
      return (t) => a(t) && b(t);
    }
    return (t) => {
      for (let i = 0; i < count; i++) if (!preds[i]!(t)) return false;
      return true;
    };
  }
  if (count === 2) {
    const [a, b] = preds as [Pred, Pred];
    return (t) => a(t) || b(t);
  }
  return (t) => {
    for (let i = 0; i < count; i++) if (preds[i]!(t)) return true;
    return false;
  };
}

/** Reads the first-level value a reference names, from the resource (top level) or from one element. */
type Reader = (target: JsonObject) => unknown;

function makeReader(ref: AttrRef, ctx: Ctx): Reader {
  const name = ref.name;
  const lower = name.toLowerCase();
  if (ctx.parent !== undefined) return (el) => getMember(el, name, lower);
  const access = topLevelAccess(ref.urn, ctx.coreSchemaUrn);
  return (resource) => readTopLevel(resource, access, name, lower);
}

/** The reference the resolver understands: inside `parent[...]`, `type` is `parent.type`. */
function schemaRef(ref: AttrRef, ctx: Ctx): AttrRef | undefined {
  const parent = ctx.parent;
  if (parent === undefined) return ref;
  if (ref.subAttr !== undefined) return undefined; // three levels: no schema describes it
  return parent.urn === undefined ? { name: parent.name, subAttr: ref.name } : { urn: parent.urn, name: parent.name, subAttr: ref.name };
}

function label(ref: AttrRef, ctx: Ctx): string {
  return JSON.stringify(ctx.parent === undefined ? formatAttrRef(ref) : `${formatAttrRef(ctx.parent)}[${formatAttrRef(ref)}]`);
}

function compilePresent(node: FilterNode & { kind: 'present' }, ctx: Ctx): Pred {
  const read = makeReader(node.attr, ctx);
  const sub = node.attr.subAttr;
  if (sub === undefined) return (t) => isPresent(read(t));
  const subLower = sub.toLowerCase();
  return (t) => {
    const raw = read(t);
    if (Array.isArray(raw)) {
      for (const el of raw) if (isObject(el) && isPresent(getMember(el, sub, subLower))) return true;
      return false;
    }
    return isObject(raw) && isPresent(getMember(raw, sub, subLower));
  };
}

function compileValuePath(node: FilterNode & { kind: 'valuePath' }, ctx: Ctx): Pred {
  if (ctx.parent !== undefined) throw invalid(node, 'a value filter "[...]" cannot contain another value filter');
  const attr = node.attr;
  const read = makeReader(attr, ctx);
  const inner = compileNode(node.filter, { ...ctx, parent: attr });
  const sub = attr.subAttr;
  const subLower = sub?.toLowerCase();
  // Some element of the attribute satisfies the whole inner filter (RFC 7644 §3.4.2.2: "emails[type eq "work" and
  // value co "@example.com"]" tests both conditions on the same email). An absent attribute has no such element.
  const someElement = (raw: unknown): boolean => {
    if (Array.isArray(raw)) {
      for (const el of raw) if (isObject(el) && inner(el)) return true;
      return false;
    }
    return isObject(raw) && inner(raw);
  };
  if (sub === undefined) return (t) => someElement(read(t));
  return (t) => {
    const raw = read(t);
    if (Array.isArray(raw)) {
      for (const el of raw) if (isObject(el) && someElement(getMember(el, sub, subLower!))) return true;
      return false;
    }
    return isObject(raw) && someElement(getMember(raw, sub, subLower!));
  };
}

function kindOf(def: AttributeDef | undefined): Kind {
  if (def === undefined) return 'auto';
  switch (def.type) {
    case 'string':
    case 'reference':
      return def.caseExact ? 'caseExact' : 'caseIgnore';
    case 'binary':
      return 'binary';
    case 'dateTime':
      return 'dateTime';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'complex':
      return 'auto';
  }
}

function compileCompare(node: FilterNode & { kind: 'compare' }, ctx: Ctx): Pred {
  const ref = node.attr;
  const resolverRef = schemaRef(ref, ctx);
  let def = resolverRef === undefined ? undefined : ctx.resolve(resolverRef);
  let rule: ValueRule = def === undefined ? 'auto' : 'never';
  const sub = ref.subAttr;
  if (def?.type === 'complex' && sub === undefined && resolverRef !== undefined) {
    // RFC 7644 §3.4.2.2 example `emails co "example.com"`: a comparison on a complex attribute applies to its
    // `value` sub-attribute (RFC 7643 §2.4). Without one, a sub-attribute MUST be named: 400 invalidFilter.
    const valueDef =
      resolverRef.subAttr === undefined ? ctx.resolve({ ...resolverRef, subAttr: 'value' }) : undefined;
    const hint = def.subAttributes?.[0]?.name;
    if (valueDef === undefined) {
      throw invalid(
        node,
        `${label(ref, ctx)} is a complex attribute: "${node.op}" needs one of its sub-attributes${hint === undefined ? '' : ` (e.g. "${formatAttrRef(ref)}.${hint}")`}`,
      );
    }
    def = valueDef;
    rule = 'always';
  }
  const test = makeTest(kindOf(def), node.op, node.value, node, ref, ctx);
  const read = makeReader(ref, ctx);
  const subLower = sub?.toLowerCase();
  return (t) => anyValue(read(t), sub, subLower, rule, test);
}

/**
 * RFC 7644 §3.4.2.2: "If the specified attribute in a filter expression is a multi-valued attribute, the filter
 * matches if any of the values of the specified attribute match the specified criterion." An attribute with no
 * value at all (absent, null, []) is tested once as `undefined`, which only `eq null` and `ne <non-null>` accept.
 */
function anyValue(raw: unknown, sub: string | undefined, subLower: string | undefined, rule: ValueRule, test: Test): boolean {
  if (Array.isArray(raw)) {
    let seen = false;
    for (const el of raw) {
      if (el === undefined || el === null) continue;
      seen = true;
      if (testElement(el, sub, subLower, rule, test)) return true;
    }
    return !seen && test(undefined);
  }
  if (raw === undefined || raw === null) return test(undefined);
  return testElement(raw, sub, subLower, rule, test);
}

function testElement(el: unknown, sub: string | undefined, subLower: string | undefined, rule: ValueRule, test: Test): boolean {
  let value: unknown;
  if (sub !== undefined) value = isObject(el) ? getMember(el, sub, subLower!) : undefined;
  else if (rule !== 'never' && isObject(el)) value = getMember(el, 'value', 'value');
  else value = el;
  if (!Array.isArray(value)) return test(value);
  let seen = false;
  for (const item of value) {
    if (item === undefined || item === null) continue;
    seen = true;
    if (test(item)) return true;
  }
  return !seen && test(undefined);
}

const NEVER: Test = () => false;

type Order = (a: number | string, b: number | string) => boolean;
const ORDERS: Record<'gt' | 'ge' | 'lt' | 'le', Order> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

function makeTest(kind: Kind, op: CompareOp, lit: FilterValue, node: FilterNode, ref: AttrRef, ctx: Ctx): Test {
  if (lit === null && op !== 'eq' && op !== 'ne') {
    throw invalid(node, `"${op}" cannot compare ${label(ref, ctx)} with null: only "eq" and "ne" accept null`);
  }
  switch (op) {
    case 'eq':
      return equalityTest(kind, lit);
    case 'ne': {
      const eq = equalityTest(kind, lit);
      return (x) => !eq(x);
    }
    case 'co':
    case 'sw':
    case 'ew':
      return substringTest(kind, op, lit);
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return orderingTest(kind, op, lit, node, ref, ctx);
  }
}

function caseIgnoreEquals(lit: string): Test {
  const lower = lit.toLowerCase();
  return (x) => typeof x === 'string' && (x === lit || x.toLowerCase() === lower);
}

function equalityTest(kind: Kind, lit: FilterValue): Test {
  // `eq null` matches an absent or null value (RFC 7644 §3.4.2.2 has no wording for it; absence is the only
  // reading under which it can ever match, since present values are never null).
  if (lit === null) return (x) => x === undefined || x === null;
  switch (kind) {
    case 'caseIgnore':
      return typeof lit === 'string' ? caseIgnoreEquals(lit) : NEVER;
    case 'caseExact':
    case 'binary':
      return typeof lit === 'string' ? (x) => x === lit : NEVER;
    case 'dateTime': {
      if (typeof lit !== 'string') return NEVER;
      const instant = parseInstant(lit);
      const text = caseIgnoreEquals(lit);
      if (Number.isNaN(instant)) return text;
      // Same instant, whatever the notation (`...34Z` equals `...34.000Z` and `...36+00:00:02`...).
      return (x) => {
        if (typeof x !== 'string') return false;
        const t = parseInstant(x);
        return Number.isNaN(t) ? text(x) : t === instant;
      };
    }
    case 'number':
      return typeof lit === 'number' ? (x) => x === lit : NEVER;
    case 'boolean':
      return typeof lit === 'boolean' ? (x) => x === lit : NEVER;
    case 'auto':
      return typeof lit === 'string' ? caseIgnoreEquals(lit) : (x) => x === lit;
  }
}

function substringTest(kind: Kind, op: 'co' | 'sw' | 'ew', lit: FilterValue): Test {
  // co/sw/ew apply to text: strings, references, dateTimes as written, binary. A non-string operand or a numeric
  // or boolean attribute is a type mismatch and does not match.
  if (typeof lit !== 'string' || kind === 'number' || kind === 'boolean') return NEVER;
  if (kind === 'caseExact' || kind === 'binary') {
    if (op === 'co') return (x) => typeof x === 'string' && x.includes(lit);
    if (op === 'sw') return (x) => typeof x === 'string' && x.startsWith(lit);
    return (x) => typeof x === 'string' && x.endsWith(lit);
  }
  const lower = lit.toLowerCase();
  if (op === 'co') return (x) => typeof x === 'string' && x.toLowerCase().includes(lower);
  if (op === 'sw') return (x) => typeof x === 'string' && x.toLowerCase().startsWith(lower);
  return (x) => typeof x === 'string' && x.toLowerCase().endsWith(lower);
}

function orderingTest(kind: Kind, op: 'gt' | 'ge' | 'lt' | 'le', lit: FilterValue, node: FilterNode, ref: AttrRef, ctx: Ctx): Test {
  // RFC 7644 §3.4.2.2 (gt/ge/lt/le): "Boolean and Binary attributes SHALL cause a failed response (HTTP status
  // code 400) with "scimType" of "invalidFilter"."
  if (kind === 'boolean' || kind === 'binary') {
    throw invalid(node, `"${op}" cannot be applied to ${kind} attribute ${label(ref, ctx)} (RFC 7644 §3.4.2.2)`);
  }
  if (typeof lit === 'boolean') {
    throw invalid(node, `"${op}" cannot compare ${label(ref, ctx)} with ${lit}: booleans have no order (RFC 7644 §3.4.2.2)`);
  }
  const order = ORDERS[op];
  switch (kind) {
    case 'caseIgnore': {
      if (typeof lit !== 'string') return NEVER;
      const lower = lit.toLowerCase();
      return (x) => typeof x === 'string' && order(x.toLowerCase(), lower);
    }
    case 'caseExact': {
      if (typeof lit !== 'string') return NEVER;
      return (x) => typeof x === 'string' && order(x, lit);
    }
    case 'dateTime': {
      // Chronological: both sides as instants. An operand or value that is not a dateTime does not match.
      if (typeof lit !== 'string') return NEVER;
      const instant = parseInstant(lit);
      if (Number.isNaN(instant)) return NEVER;
      return (x) => {
        if (typeof x !== 'string') return false;
        const t = parseInstant(x);
        return !Number.isNaN(t) && order(t, instant);
      };
    }
    case 'number':
      return typeof lit === 'number' ? (x) => typeof x === 'number' && order(x, lit) : NEVER;
    case 'auto': {
      // Unknown attribute: by the JSON type of the value; a boolean value is the same 400 as a boolean attribute.
      const lower = typeof lit === 'string' ? lit.toLowerCase() : '';
      return (x) => {
        if (typeof x === 'boolean') {
          throw invalid(node, `"${op}" cannot be applied to the boolean value of ${label(ref, ctx)} (RFC 7644 §3.4.2.2)`);
        }
        if (typeof x === 'string') return typeof lit === 'string' && order(x.toLowerCase(), lower);
        if (typeof x === 'number') return typeof lit === 'number' && order(x, lit);
        return false;
      };
    }
  }
}
