/**
 * Queries: GET /Users, GET /Groups, POST /.search (RFC 7644 §3.4.2, §3.4.3): filter, sort, paginate, project.
 */
import { compileFilter, FilterError, parseAttrRef, parseFilter, selectValues, type FilterNode } from '../core/scim/filter/index.js';
import { tokenize } from '../core/scim/filter/lexer.js';
import type { SchemaRegistry } from '../core/scim/registry.js';
import type { AttributeDef, AttributeResolver } from '../core/scim/schema-types.js';
import { badRequest, ScimHttpError } from './errors.js';
import type { Faults } from './faults.js';
import type { JsonObject } from './model.js';
import { parseProjection, project, type Projection } from './project.js';
import { render } from './resources.js';
import type { Store, Stored, TypeName } from './store.js';

export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const DEFAULT_COUNT = 100;
export const MAX_RESULTS = 200;

export interface ListQuery {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

export interface ListContext {
  store: Store;
  registry: SchemaRegistry;
  faults: Faults;
}

export function listResources(ctx: ListContext, types: TypeName[], q: ListQuery): JsonObject {
  const { store, faults } = ctx;
  const filterText = optionalString(q.filter, 'filter');
  let ast: FilterNode | undefined;
  if (filterText !== undefined && !faults.has('filter-ignored')) {
    // A filter is parsed and evaluated by recursion: a huge or deeply nested one is refused before it could exhaust it.
    if (filterText.length > MAX_FILTER_LENGTH) throw badRequest('invalidFilter', `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
    if (nesting(filterText) > MAX_FILTER_NESTING) throw badRequest('invalidFilter', `the filter nests parentheses or brackets deeper than ${MAX_FILTER_NESTING} levels`);
    if (faults.has('filter-names-case-sensitive')) requireRfcSpelling(filterText, ctx.registry);
    try {
      ast = parseFilter(filterText, { schemaUrns: ctx.registry.schemaUrns() });
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      if (faults.has('filter-invalid-returns-500')) throw new ScimHttpError(500, 'internal error');
      throw badRequest('invalidFilter', err.message);
    }
    // Entra's `emails[type eq "work"].value eq "x"` is parsed into a value path with an inner "and": not an "and" the client wrote.
    if (faults.has('filter-and-unsupported') && someNode(ast, (n) => n.kind === 'and', false)) throw badRequest('invalidFilter', '"and" is not supported');
    if (faults.has('filter-externalid-unsupported') && someNode(ast, (n) => 'attr' in n && n.attr.name.toLowerCase() === 'externalid')) {
      throw badRequest('invalidFilter', 'filtering on externalId is not supported');
    }
  }

  // Collect matches across the requested resource types. A filter that names only stored attributes is tested on the
  // stored form: rendering (meta, groups, $refs, password left out) is left for the resources that make the page,
  // so a large tenant is not rendered whole for one query.
  const matches: { s: Stored; r?: JsonObject }[] = [];
  const needsRender = ast !== undefined && someNode(ast, (n) => 'attr' in n && RENDERED_ONLY.has(n.attr.name.toLowerCase()));
  for (const type of types) {
    const model = store.modelOf(type);
    const resolve = resolverFor(ctx, type);
    let test: ((r: JsonObject) => boolean) | undefined;
    if (ast) {
      let compiled: (r: JsonObject) => boolean;
      try {
        compiled = compileFilter(ast, resolve, { coreSchemaUrn: model.core.urn });
      } catch (err) {
        if (err instanceof FilterError) throw badRequest('invalidFilter', err.message);
        throw err;
      }
      test = (r) => {
        try {
          return compiled(r);
        } catch (err) {
          if (err instanceof FilterError) throw badRequest('invalidFilter', err.message);
          throw err;
        }
      };
    }
    const found = candidates(ctx, type, ast) ?? store.all(type);
    for (const s of found) {
      if (type === 'User' && faults.has('soft-delete-hides-user') && s.data.active === false) continue;
      if (!test) matches.push({ s });
      else if (needsRender || s.rendered) {
        const r = render(s, store);
        if (test(r)) matches.push({ s, r });
      } else if (test(s.data)) matches.push({ s });
    }
  }

  const sortBy = optionalString(q.sortBy, 'sortBy');
  if (sortBy) sortMatches(ctx, matches, sortBy, optionalString(q.sortOrder, 'sortOrder'));

  if (matches.length === 0 && filterText !== undefined && faults.has('filter-404-on-no-match')) {
    throw new ScimHttpError(404, 'no resource matches the filter');
  }

  const requestedStart = optionalInt(q.startIndex, 'startIndex') ?? 1;
  const startIndex = Math.max(requestedStart, 1); // RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1."
  let count = optionalInt(q.count, 'count') ?? DEFAULT_COUNT;
  if (count < 0) count = 0; // negative is read as 0
  count = Math.min(count, MAX_RESULTS);
  const from = faults.has('pagination-off-by-one') && startIndex > 1 ? startIndex : startIndex - 1;
  const page = faults.has('pagination-ignores-count') ? matches.slice(from) : matches.slice(from, from + count);

  const attributes = faults.has('attributes-ignored') ? undefined : optionalString(q.attributes, 'attributes');
  const excluded = faults.has('excluded-attributes-ignored') ? undefined : optionalString(q.excludedAttributes, 'excludedAttributes');
  // The projection is parsed once per resource type on the page, not once per resource.
  const projections = new Map<TypeName, Projection>();
  const resources = page.map(({ s, r }) => {
    const model = store.modelOf(s.type);
    let p = projections.get(s.type);
    if (!p) projections.set(s.type, (p = parseProjection(model, attributes, excluded)));
    return project(r ?? render(s, store), model, p);
  });

  return {
    ...(faults.has('list-no-schemas') ? {} : { schemas: [LIST_RESPONSE_URN] }),
    totalResults: faults.has('list-total-is-page-size') ? page.length : matches.length,
    itemsPerPage: page.length,
    startIndex: faults.has('start-index-below-one-echoed') ? requestedStart : startIndex,
    Resources: resources,
  };
}

/** The User resolver, with userName made case-exact under the `filter-case-sensitive` fault. */
function resolverFor(ctx: ListContext, type: TypeName): AttributeResolver {
  const base = ctx.registry.resolver(type);
  if (type !== 'User' || !ctx.faults.has('filter-case-sensitive')) return base;
  return (ref) => {
    const def = base(ref);
    return def && def.name === 'userName' && !ref.subAttr ? { ...def, caseExact: true } : def;
  };
}

/** Filter operators (RFC 7644 §3.4.2.2), for the `filter-names-case-sensitive` fault. */
const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr', 'and', 'or', 'not']);
/** Attributes every resource has (RFC 7643 §3.1), with meta's sub-attributes. */
const COMMON_NAMES = ['id', 'externalId', 'meta', 'resourceType', 'created', 'lastModified', 'location', 'version'];

/**
 * The `filter-names-case-sensitive` fault: a filter whose attribute names or operators are not spelled as the RFC
 * spells them is refused with 400 invalidFilter, as a server that looks names up case-sensitively does. RFC 7644
 * §3.4.2.2: "Attribute names and attribute operators used in filters are case insensitive."
 */
function requireRfcSpelling(text: string, registry: SchemaRegistry): void {
  const canonical = new Map<string, string>();
  const collect = (defs: readonly AttributeDef[]) => {
    for (const d of defs) {
      canonical.set(d.name.toLowerCase(), d.name);
      if (d.subAttributes) collect(d.subAttributes);
    }
  };
  for (const schema of registry.schemas()) collect(schema.attributes);
  for (const name of COMMON_NAMES) canonical.set(name.toLowerCase(), name);
  for (const t of tokenize(text)) {
    if (t.type !== 'word' && t.type !== 'urn') continue;
    const lower = t.text.toLowerCase();
    if (t.type === 'word' && OPERATORS.has(lower)) {
      if (t.text !== lower) throw badRequest('invalidFilter', `unknown operator "${t.text}"`);
      continue;
    }
    const names = t.type === 'urn' ? t.text.slice(t.text.lastIndexOf(':') + 1) : t.text;
    for (const name of names.split('.')) {
      const known = canonical.get(name.toLowerCase());
      if (known !== undefined && known !== name) throw badRequest('invalidFilter', `unknown attribute "${name}"`);
    }
  }
}

/** Attributes that exist only in the rendered form, or differ there (`$ref`s added, `password` left out). */
const RENDERED_ONLY = new Set(['id', 'meta', 'schemas', 'groups', 'members', 'manager', 'password']);

type Bound = { key: string; inclusive: boolean };
type Range = { from?: Bound; to?: Bound };

/**
 * The candidates of a filter from the store's indexes, so that a large tenant is not scanned for the queries a run
 * sends (issue 8): the name (userName / displayName) for eq, sw, gt, ge, lt, le; externalId and id for eq; "and" takes
 * the smaller side (two ranges on the name intersect), "or" the union. A superset of the matches, in creation order:
 * the filter itself still decides. undefined: no index applies, scan the type.
 */
function candidates(ctx: ListContext, type: TypeName, ast: FilterNode | undefined): Stored[] | undefined {
  if (!ast) return undefined;
  const found = plan(ctx, type, ast);
  return found?.sort((a, b) => a.seq - b.seq);
}

function plan(ctx: ListContext, type: TypeName, n: FilterNode): Stored[] | undefined {
  const store = ctx.store;
  const range = nameRange(ctx, type, n);
  if (range) return store.byNameRange(type, range.from, range.to);
  switch (n.kind) {
    case 'compare': {
      if (typeof n.value !== 'string' || n.attr.subAttr || !isCore(ctx, type, n.attr.urn)) break;
      if (n.op === 'sw' && isName(ctx, type, n)) return store.byNamePrefix(type, n.value.toLowerCase());
      if (n.op !== 'eq') break;
      const name = n.attr.name.toLowerCase();
      if (name === 'id') {
        const s = store.get(type, n.value);
        return s ? [s] : [];
      }
      if (name === 'externalid') return store.byExternalId(type, n.value);
      break;
    }
    case 'and': {
      const a = plan(ctx, type, n.left);
      const b = plan(ctx, type, n.right);
      if (a && b) return a.length <= b.length ? a : b;
      return a ?? b;
    }
    case 'or': {
      const a = plan(ctx, type, n.left);
      const b = a && plan(ctx, type, n.right);
      if (!a || !b) return undefined;
      const seen = new Set(a.map((s) => s.id));
      return [...a, ...b.filter((s) => !seen.has(s.id))];
    }
    default:
      break;
  }
  return undefined;
}

/** A comparison of the name (or an "and" of them) as one range of lower-cased names; undefined otherwise. */
function nameRange(ctx: ListContext, type: TypeName, n: FilterNode): Range | undefined {
  if (n.kind === 'and') {
    const a = nameRange(ctx, type, n.left);
    const b = nameRange(ctx, type, n.right);
    if (!a || !b) return undefined;
    return { ...tighter(a.from, b.from, 'from'), ...tighter(a.to, b.to, 'to') };
  }
  if (n.kind !== 'compare' || typeof n.value !== 'string' || !isName(ctx, type, n)) return undefined;
  const key = n.value.toLowerCase();
  switch (n.op) {
    case 'eq':
      return { from: { key, inclusive: true }, to: { key, inclusive: true } };
    // Ordering by lower-cased names matches the filter only when the name is compared ignoring case.
    case 'gt':
    case 'ge':
      return caseIgnored(ctx, type) ? { from: { key, inclusive: n.op === 'ge' } } : undefined;
    case 'lt':
    case 'le':
      return caseIgnored(ctx, type) ? { to: { key, inclusive: n.op === 'le' } } : undefined;
    default:
      return undefined;
  }
}

function tighter(a: Bound | undefined, b: Bound | undefined, side: 'from' | 'to'): Range {
  if (!a || !b) return a || b ? { [side]: a ?? b } : {};
  if (a.key === b.key) return { [side]: { key: a.key, inclusive: a.inclusive && b.inclusive } };
  const pick = side === 'from' ? (a.key > b.key ? a : b) : a.key < b.key ? a : b;
  return { [side]: pick };
}

function isName(ctx: ListContext, type: TypeName, n: { attr: { name: string; subAttr?: string; urn?: string } }): boolean {
  return !n.attr.subAttr && isCore(ctx, type, n.attr.urn) && n.attr.name.toLowerCase() === (type === 'User' ? 'username' : 'displayname');
}

function isCore(ctx: ListContext, type: TypeName, urn: string | undefined): boolean {
  const model = ctx.store.modelOf(type);
  return !urn || model.schemaFor(urn) === model.core;
}

function caseIgnored(ctx: ListContext, type: TypeName): boolean {
  return !resolverFor(ctx, type)({ name: type === 'User' ? 'userName' : 'displayName' })?.caseExact;
}

function someNode(n: FilterNode, pred: (n: FilterNode) => boolean, intoValuePaths = true): boolean {
  if (pred(n)) return true;
  switch (n.kind) {
    case 'and':
    case 'or':
      return someNode(n.left, pred, intoValuePaths) || someNode(n.right, pred, intoValuePaths);
    case 'not':
      return someNode(n.expr, pred, intoValuePaths);
    case 'valuePath':
      return intoValuePaths && someNode(n.filter, pred, intoValuePaths);
    default:
      return false;
  }
}

function sortMatches(ctx: ListContext, matches: { s: Stored; r?: JsonObject }[], sortBy: string, order: string | undefined): void {
  if (order !== undefined && !/^(ascending|descending)$/i.test(order)) throw badRequest('invalidValue', 'sortOrder must be "ascending" or "descending"');
  let ref;
  try {
    ref = parseAttrRef(sortBy, { schemaUrns: ctx.registry.schemaUrns() });
  } catch (err) {
    throw badRequest('invalidValue', `sortBy: ${(err as Error).message}`);
  }
  const desc = order?.toLowerCase() === 'descending';
  const keyed = matches.map((m) => {
    const resolve = ctx.registry.resolver(m.s.type);
    const def = resolve(ref);
    m.r ??= render(m.s, ctx.store);
    return { m, key: sortKey(selectValues(m.r, { attr: ref }, resolve, { coreSchemaUrn: ctx.store.modelOf(m.s.type).core.urn }), def) };
  });
  keyed.sort((a, b) => {
    // Unassigned values sort last when ascending and first when descending (RFC 7644 §3.4.2.3).
    if (a.key === undefined || b.key === undefined) {
      if (a.key === b.key) return 0;
      return (a.key === undefined ? 1 : -1) * (desc ? -1 : 1);
    }
    const c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    return desc ? -c : c;
  });
  matches.splice(0, matches.length, ...keyed.map((k) => k.m));
}

/** The value a resource sorts by: the primary (else first) value of a multi-valued attribute, typed. */
function sortKey(values: unknown[], def: AttributeDef | undefined): string | number | undefined {
  let v: unknown = values.find((x) => x && typeof x === 'object' && (x as JsonObject).primary === true) ?? values[0];
  if (v && typeof v === 'object') v = (v as JsonObject).value;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (def?.type === 'dateTime') return Date.parse(String(v));
  return def?.caseExact ? String(v) : String(v).toLowerCase();
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) v = v.join(',');
  if (typeof v !== 'string') throw badRequest('invalidValue', `${name} must be a string`);
  return v;
}

function optionalInt(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^-?\d+$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw badRequest('invalidValue', `${name} must be an integer`);
  return n;
}

/** The longest filter the reference server evaluates, and how deeply it may nest (answered 400 invalidFilter beyond). */
export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_NESTING = 32;

/** The deepest nesting of ( and [ in a filter, outside string literals. */
function nesting(filter: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(' || c === '[') max = Math.max(max, ++depth);
    else if (c === ')' || c === ']') depth--;
  }
  return max;
}
