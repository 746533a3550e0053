/**
 * Property-based tests for the SCIM filter and path parser, printer and evaluator (src/core/scim/filter).
 *
 * Arbitraries build valid filter ASTs (attribute refs with or without a schema URN and sub-attribute, every
 * comparison operator, `pr`, `and` / `or` / `not`, value paths, every kind of JSON literal) and adversarial text
 * (random characters of the filter alphabet, deep nesting, long chains). The properties:
 * - printing then parsing gives the same tree (filters, PATCH paths, attribute references);
 * - any text either parses or throws FilterError with a position inside the text, quickly;
 * - whatever parses prints to text that parses to the same tree;
 * - evaluation over random resources returns a boolean or throws FilterError, nothing else;
 * - `not`, `and` and `or` behave as complement, conjunction and disjunction;
 * - keywords, operators, attribute names and schema URNs are case-insensitive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPARE_OPS,
  FilterError,
  STANDARD_SCHEMA_URNS,
  compileFilter,
  evaluateFilter,
  formatAttrRef,
  formatFilter,
  formatPath,
  parseAttrRef,
  parseFilter,
  parsePath,
  selectValues,
  type AttrPath,
  type AttrRef,
  type CompareOp,
  type FilterNode,
  type FilterValue,
} from '../../src/core/scim/filter/index.js';
import { SchemaRegistry } from '../../src/core/scim/registry.js';

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const registry = SchemaRegistry.core();
const resolveUser = registry.resolver('User');

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: names, URNs, values
// ---------------------------------------------------------------------------------------------------------------

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NAME_CHARS = `${ALPHA}0123456789-_`;

/** Words that are keywords somewhere in the grammar but are also valid attribute names. */
const KEYWORD_NAMES = ['and', 'or', 'not', 'pr', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'true', 'false', 'null', 'urn', 'AND', 'Not', 'PR'];

/** Names the core User schema knows, so that evaluation hits typed attributes. */
const USER_ATTRS = ['userName', 'displayName', 'active', 'emails', 'name', 'meta', 'title', 'x509Certificates', 'groups', 'phoneNumbers', 'id', 'externalId', 'nickName', 'addresses'];
const SUB_ATTRS = ['value', 'type', 'primary', 'display', 'givenName', 'familyName', 'formatted', 'lastModified', 'created', 'resourceType', '$ref'];
const ENTERPRISE_ATTRS = ['employeeNumber', 'department', 'manager', 'costCenter'];

const randomName: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...ALPHA), fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 10 }))
  .map(([a, b]) => a + b);

const attrName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...USER_ATTRS, ...ENTERPRISE_ATTRS) },
  { weight: 2, arbitrary: randomName },
  { weight: 1, arbitrary: fc.constantFrom(...KEYWORD_NAMES) },
);

const subAttrName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SUB_ATTRS) },
  { weight: 2, arbitrary: randomName },
  { weight: 1, arbitrary: fc.constantFrom(...KEYWORD_NAMES, '$REF', '$Ref') },
);

/** A URN no standard URN prefixes (so the parser splits it at its last colon). */
const unknownUrn: fc.Arbitrary<string> = fc
  .array(fc.string({ unit: fc.constantFrom(...NAME_CHARS, '.'), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
  .map((segs) => `urn:example:${segs.join(':')}`);

const urnArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STANDARD_SCHEMA_URNS) },
  { weight: 1, arbitrary: unknownUrn },
);

/** `[urn:]name[.sub]` as it may appear at the top level of a filter. */
const topAttrRef: fc.Arbitrary<AttrRef> = fc
  .record({ urn: fc.option(urnArb, { nil: undefined, freq: 3 }), name: attrName, subAttr: fc.option(subAttrName, { nil: undefined, freq: 2 }) })
  .map(({ urn, name, subAttr }) => ({ ...(urn === undefined ? {} : { urn }), name, ...(subAttr === undefined ? {} : { subAttr }) }));

/** A name inside `attr[...]`: relative, never URN-qualified. */
const innerAttrRef: fc.Arbitrary<AttrRef> = fc
  .record({ name: attrName, subAttr: fc.option(subAttrName, { nil: undefined, freq: 4 }) })
  .map(({ name, subAttr }) => ({ name, ...(subAttr === undefined ? {} : { subAttr }) }));

/** A known schema URN on its own: a whole-schema reference. */
const wholeSchemaRef: fc.Arbitrary<AttrRef> = fc.constantFrom(...STANDARD_SCHEMA_URNS).map((urn) => ({ urn, name: '' }));

const SPECIAL_CHARS = ['"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udfff', '\ufeff', 'é', '漢', '😀', ' ', ']', ')', '[', '(', 'and', 'or'];

const stringValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  // every UTF-16 code unit, lone surrogates included
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
  fc.string({ unit: fc.constantFrom(...SPECIAL_CHARS), maxLength: 8 }),
  fc.constantFrom('', 'work', 'WORK', 'home', 'bjensen', 'Barbara', '2011-05-13T04:42:34Z', '2011-05-13T04:42:34.000+00:00', 'true', 'null'),
);

const numberValue: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, -1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2),
);

const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  { weight: 4, arbitrary: stringValue },
  { weight: 2, arbitrary: numberValue },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const compareOp: fc.Arbitrary<CompareOp> = fc.constantFrom(...COMPARE_OPS);

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: filter trees
// ---------------------------------------------------------------------------------------------------------------

interface FilterArbs {
  ref: fc.Arbitrary<AttrRef>;
  value: fc.Arbitrary<FilterValue>;
}

/** Filters over `ref`s; `inValue` trees never contain a value path (the grammar forbids nesting). */
function filterTree(arbs: FilterArbs, inValue: boolean, maxDepth = 5): fc.Arbitrary<FilterNode> {
  return fc.letrec<{ node: FilterNode }>((tie) => {
    const leaves: fc.Arbitrary<FilterNode>[] = [
      fc.record({ kind: fc.constant('compare' as const), attr: arbs.ref, op: compareOp, value: arbs.value }),
      fc.record({ kind: fc.constant('present' as const), attr: arbs.ref }),
    ];
    const branches: fc.Arbitrary<FilterNode>[] = [
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), expr: tie('node') }),
    ];
    if (!inValue) {
      branches.push(
        fc.record({
          kind: fc.constant('valuePath' as const),
          attr: arbs.ref.filter((r) => r.name !== ''),
          filter: filterTree(innerArbs(arbs), true, 3),
        }),
      );
    }
    return { node: fc.oneof({ depthSize: 'small', maxDepth, withCrossShrink: true }, ...leaves, ...branches) };
  }).node;
}

function innerArbs(arbs: FilterArbs): FilterArbs {
  return { ref: innerAttrRef, value: arbs.value };
}

const syntaxArbs: FilterArbs = { ref: fc.oneof({ weight: 10, arbitrary: topAttrRef }, { weight: 1, arbitrary: wholeSchemaRef }), value: filterValue };
const anyFilter = filterTree(syntaxArbs, false);

const isRef = (name: string | undefined) => name?.toLowerCase() === '$ref';

/** `attr[filter].sub` with a given arbitrary for the trailing sub-attribute. */
function bracketPath(sub: fc.Arbitrary<string | undefined>): fc.Arbitrary<AttrPath> {
  return fc
    .record({ attr: topAttrRef.filter((r) => r.subAttr === undefined && r.name !== ''), filter: filterTree(innerArbs(syntaxArbs), true, 3), subAttr: sub })
    .map(({ attr, filter, subAttr }) => ({ attr, filter, ...(subAttr === undefined ? {} : { subAttr }) }));
}

/**
 * PATCH paths. `attr[filter].$ref` is left out here: the lexer rejects `$` right after `].` although the grammar
 * (parser.ts, `subName = ATTRNAME / "$ref"`) allows it; the separate property below covers that case.
 */
const pathArb: fc.Arbitrary<AttrPath> = fc.oneof(
  wholeSchemaRef.map((attr) => ({ attr })),
  topAttrRef.map((attr) => ({ attr })),
  bracketPath(fc.option(subAttrName.filter((s) => !isRef(s)), { nil: undefined })),
  fc.record({ attr: topAttrRef.filter((r) => r.subAttr !== undefined), filter: filterTree(innerArbs(syntaxArbs), true, 3) }),
);

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: adversarial text
// ---------------------------------------------------------------------------------------------------------------

const FRAGMENTS = [
  ' ', ' ', ' ', '\t', '\n', '(', ')', '[', ']', '.', '"', '\\', "'", ':', '$', '-', '+', '0', '1', '9', 'e', 'E', '.5',
  'a', 'x', 'Z', '_', 'é', '😀', '\u0000', '\ud800',
  'and', 'or', 'not', 'pr', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'true', 'false', 'null',
  'userName', 'emails', 'value', 'type', 'name.givenName', '$ref', 'urn:', 'URN:', ...STANDARD_SCHEMA_URNS, 'urn:x:y:',
  '"work"', '"a\\"b"', '"\\u00e9"', '"\\u12"', '"\\x"', '"unterminated', '1e5', '-0', '1.', '01', '1e', '-',
];

const alphabetText: fc.Arbitrary<string> = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(''));

/** Valid filters with one random edit: a fragment inserted, a span deleted, or a cut. */
const mutatedFilterText: fc.Arbitrary<string> = fc
  .tuple(anyFilter.map(formatFilter), fc.nat(), fc.nat({ max: 6 }), fc.constantFrom(...FRAGMENTS), fc.constantFrom('insert', 'delete', 'cut', 'replace'))
  .map(([text, at, len, frag, how]) => {
    const i = at % (text.length + 1);
    if (how === 'insert') return text.slice(0, i) + frag + text.slice(i);
    if (how === 'delete') return text.slice(0, i) + text.slice(i + len);
    if (how === 'cut') return text.slice(0, i);
    return text.slice(0, i) + frag + text.slice(i + frag.length);
  });

const deepText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('(', 'not (', 'not(', 'emails[', '(('), fc.boolean(), fc.constantFrom(')', ']', ''))
  .map(([n, open, balanced, close]) => `${open.repeat(n)}userName pr${balanced ? (open.includes('[') ? ']' : ')').repeat(open === '((' ? 2 * n : n) : close.repeat(n)}`);

const longChainText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 4000 }), fc.constantFrom(' and ', ' or ', ' AND ', ' and not ', ' or ('), fc.constantFrom('x pr', 'emails[type eq "work"]', 'a eq 1', '(b pr)'))
  .map(([n, op, term]) => Array.from({ length: n }, () => term).join(op));

const adversarialText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 4, arbitrary: alphabetText },
  { weight: 4, arbitrary: mutatedFilterText },
  { weight: 1, arbitrary: deepText },
  { weight: 1, arbitrary: longChainText },
);

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

type Outcome = { ok: true; value: unknown } | { ok: false; error: FilterError };

/** Runs `fn`; a FilterError is a legitimate outcome, anything else thrown fails the property. */
function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof FilterError) return { ok: false, error: err };
    throw err;
  }
}

function expectParseOutcome(text: string, fn: () => unknown): Outcome {
  const started = performance.now();
  const out = attempt(fn);
  const elapsed = performance.now() - started;
  expect(elapsed, `parsing ${text.length} characters took ${elapsed.toFixed(0)} ms`).toBeLessThan(1000);
  if (!out.ok) {
    expect(Number.isInteger(out.error.position)).toBe(true);
    expect(out.error.position).toBeGreaterThanOrEqual(0);
    expect(out.error.position).toBeLessThanOrEqual(text.length);
    expect(['invalidFilter', 'invalidPath']).toContain(out.error.scimType);
    expect(out.error.message.length).toBeGreaterThan(0);
  }
  return out;
}

/** Re-cases every character outside string literals (names, URNs, keywords, operators, `e` of numbers). */
function recase(text: string, seed: number): string {
  let state = seed >>> 0 || 1;
  const flip = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % 3;
  };
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const r = flip();
    out += r === 0 ? c.toUpperCase() : r === 1 ? c.toLowerCase() : c;
  }
  return out;
}

/** The tree with attribute names, sub-attributes and URNs lower-cased (what case-insensitivity leaves). */
function foldCase(node: FilterNode): FilterNode {
  const ref = (r: AttrRef): AttrRef => ({ ...(r.urn === undefined ? {} : { urn: r.urn.toLowerCase() }), name: r.name.toLowerCase(), ...(r.subAttr === undefined ? {} : { subAttr: r.subAttr.toLowerCase() }) });
  switch (node.kind) {
    case 'compare':
      return { ...node, attr: ref(node.attr) };
    case 'present':
      return { ...node, attr: ref(node.attr) };
    case 'valuePath':
      return { ...node, attr: ref(node.attr), filter: foldCase(node.filter) };
    case 'not':
      return { kind: 'not', expr: foldCase(node.expr) };
    case 'and':
    case 'or':
      return { kind: node.kind, left: foldCase(node.left), right: foldCase(node.right) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: semantics (filters and resources over the User schema)
// ---------------------------------------------------------------------------------------------------------------

const EVAL_TOP = ['userName', 'displayName', 'active', 'emails', 'name', 'meta', 'title', 'x509Certificates', 'groups', 'nickName', 'unknownThing', 'flag'];
const EVAL_SUB = ['value', 'type', 'primary', 'display', 'givenName', 'familyName', 'lastModified', 'created', '$ref'];
const EVAL_STRINGS = ['', 'work', 'WORK', 'home', 'bjensen', 'Bjensen', 'b', 'jen', '2011-05-13T04:42:34Z', '2011-05-13T04:42:34.000+00:00', '2020-01-01', 'not a date', 'ab', 'é'];

const evalValue: fc.Arbitrary<FilterValue> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVAL_STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const evalTopRef: fc.Arbitrary<AttrRef> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ name: fc.constantFrom(...EVAL_TOP) }) },
  { weight: 4, arbitrary: fc.record({ name: fc.constantFrom(...EVAL_TOP), subAttr: fc.constantFrom(...EVAL_SUB) }) },
  { weight: 1, arbitrary: fc.record({ urn: fc.constant(USER_URN), name: fc.constantFrom(...EVAL_TOP) }) },
  { weight: 1, arbitrary: fc.record({ urn: fc.constant(ENTERPRISE_URN), name: fc.constantFrom('employeeNumber', 'manager', 'department') }) },
  { weight: 1, arbitrary: fc.record({ urn: fc.constant(ENTERPRISE_URN), name: fc.constant('manager'), subAttr: fc.constantFrom('value', 'displayName') }) },
);

const EVAL_SUB_NAMES = EVAL_SUB.filter((s) => s !== '$ref'); // `$ref` is a sub-attribute name only

const evalInnerRef: fc.Arbitrary<AttrRef> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ name: fc.constantFrom(...EVAL_SUB_NAMES) }) },
  { weight: 1, arbitrary: fc.record({ name: fc.constantFrom(...EVAL_SUB_NAMES), subAttr: fc.constantFrom(...EVAL_SUB) }) },
);

function evalTree(maxDepth: number): fc.Arbitrary<FilterNode> {
  return fc.letrec<{ node: FilterNode; inner: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      fc.record({ kind: fc.constant('compare' as const), attr: evalTopRef, op: compareOp, value: evalValue }),
      fc.record({ kind: fc.constant('present' as const), attr: evalTopRef }),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), expr: tie('node') }),
      fc.record({ kind: fc.constant('valuePath' as const), attr: evalTopRef.filter((r) => r.name !== ''), filter: tie('inner') }),
    ),
    inner: fc.oneof(
      { depthSize: 'small', maxDepth: 2, withCrossShrink: true },
      fc.record({ kind: fc.constant('compare' as const), attr: evalInnerRef, op: compareOp, value: evalValue }),
      fc.record({ kind: fc.constant('present' as const), attr: evalInnerRef }),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('inner'), right: tie('inner') }),
      fc.record({ kind: fc.constant('not' as const), expr: tie('inner') }),
    ),
  })).node;
}

const evalFilter = evalTree(4);

const jsonScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVAL_STRINGS) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Nested JSON values whose object keys come from the attribute pools (sometimes in another case). */
const jsonValueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    jsonScalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...EVAL_SUB, 'Value', 'TYPE'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Keeps one key of each case-insensitive family (a resource with `userName` and `USERNAME` is not SCIM). */
function dedupeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dedupeKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(value)) {
      if (seen.has(k.toLowerCase())) continue;
      seen.add(k.toLowerCase());
      out[k] = dedupeKeys(v);
    }
    return out;
  }
  return value;
}

const resourceArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      top: fc.dictionary(fc.constantFrom(...EVAL_TOP, 'USERNAME', 'Emails'), jsonValueArb, { maxKeys: 6 }),
      enterprise: fc.option(fc.dictionary(fc.constantFrom('employeeNumber', 'manager', 'department', 'userName'), jsonValueArb, { maxKeys: 3 }), { nil: undefined }),
    },
    { requiredKeys: ['top'] },
  )
  .map(({ top, enterprise }) => dedupeKeys({ schemas: [USER_URN], ...top, ...(enterprise === undefined ? {} : { [ENTERPRISE_URN]: enterprise }) }) as Record<string, unknown>);

const evalOpts = fc.constantFrom(undefined, { coreSchemaUrn: USER_URN });

function run(node: FilterNode, resource: Record<string, unknown>, opts: { coreSchemaUrn: string } | undefined): Outcome {
  const out = attempt(() => evaluateFilter(node, resource, resolveUser, opts));
  if (out.ok) expect(typeof out.value).toBe('boolean');
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

describe('filter printing and parsing', () => {
  it('parseFilter(formatFilter(ast)) deep-equals ast', () => {
    fc.assert(
      fc.property(anyFilter, (ast) => {
        const text = formatFilter(ast);
        expect(parseFilter(text)).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  it('parsePath(formatPath(path)) deep-equals path, and parseAttrRef(formatAttrRef(ref)) deep-equals ref', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        expect(parsePath(formatPath(path))).toEqual(path);
        if (path.filter === undefined && path.subAttr === undefined) expect(parseAttrRef(formatAttrRef(path.attr))).toEqual(path.attr);
      }),
      { numRuns: 400 },
    );
  });

  // Known bug (kept failing on purpose): RFC 7644 §3.5.2 PATH = valuePath [subAttr], and parser.ts documents
  // `subName = ATTRNAME / "$ref"` after `]`, but the lexer stops at the `$` of `members[value eq "x"].$ref` with
  // "unexpected character". formatPath prints such paths, so they do not round-trip.
  it('parsePath(formatPath(path)) deep-equals path for attr[filter].$ref (sub-attribute $ref after a value filter)', () => {
    fc.assert(
      fc.property(bracketPath(fc.constantFrom('$ref', '$REF')), (path) => {
        expect(parsePath(formatPath(path))).toEqual(path);
      }),
      { numRuns: 50 },
    );
  });

  it('keywords, operators, names and URNs in any case parse to the same tree up to the case of names', () => {
    fc.assert(
      fc.property(anyFilter, fc.integer(), (ast, seed) => {
        const text = recase(formatFilter(ast), seed);
        expect(foldCase(parseFilter(text))).toEqual(foldCase(ast));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsing arbitrary text', () => {
  it('parseFilter, parsePath and parseAttrRef return or throw a FilterError positioned inside the input', () => {
    fc.assert(
      fc.property(adversarialText, (text) => {
        expectParseOutcome(text, () => parseFilter(text));
        expectParseOutcome(text, () => parsePath(text));
        expectParseOutcome(text, () => parseAttrRef(text));
      }),
      { numRuns: 500 },
    );
  });

  it('whatever parses prints to text that parses to the same tree', () => {
    fc.assert(
      fc.property(adversarialText, (text) => {
        const filter = expectParseOutcome(text, () => parseFilter(text));
        if (filter.ok) {
          const ast = filter.value as FilterNode;
          expect(parseFilter(formatFilter(ast))).toEqual(ast);
        }
        const path = expectParseOutcome(text, () => parsePath(text));
        if (path.ok) {
          const p = path.value as AttrPath;
          expect(parsePath(formatPath(p))).toEqual(p);
        }
      }),
      { numRuns: 500 },
    );
  });

  // Known bug (kept failing on purpose): the lexer quotes every offending character with JSON.stringify or as U+XXXX,
  // except in "invalid escape", which embeds the character after the backslash raw: `"\<LF>` gives a FilterError
  // whose message spans two lines (it becomes a SCIM error detail, a check's `actual`, a profile ConfigError).
  it('FilterError messages are one line, whatever character follows a backslash in a string', () => {
    fc.assert(
      fc.property(fc.constantFrom('x eq "', '"', 'emails[value eq "'), fc.constantFrom('\n', '\r', '\u2028', '\t', 'x', '\u0000'), (prefix, ch) => {
        const text = `${prefix}\\${ch}"`;
        for (const parse of [parseFilter, parsePath]) {
          const out = expectParseOutcome(text, () => parse(text));
          if (!out.ok) expect(out.error.message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('survives very deep nesting and very long chains without a stack overflow', () => {
    fc.assert(
      fc.property(fc.oneof(deepText, longChainText), (text) => {
        expectParseOutcome(text, () => parseFilter(text));
        expectParseOutcome(text, () => parsePath(text));
      }),
      { numRuns: 100 },
    );
  });
});

describe('evaluation', () => {
  it('never throws anything but FilterError on parsed filters and random resources', () => {
    fc.assert(
      fc.property(anyFilter, fc.array(resourceArb, { minLength: 1, maxLength: 3 }), evalOpts, (ast, resources, opts) => {
        const node = parseFilter(formatFilter(ast)); // parsed nodes carry positions for evaluation errors
        for (const resource of resources) {
          const out = run(node, resource, opts);
          if (!out.ok) {
            expect(out.error.scimType).toBe('invalidFilter');
            expect(out.error.position).toBeGreaterThanOrEqual(-1);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('selectValues never throws anything but FilterError for parsed paths', () => {
    fc.assert(
      fc.property(pathArb, resourceArb, evalOpts, (path, resource, opts) => {
        const out = attempt(() => selectValues(resource, path, resolveUser, opts));
        if (out.ok) expect(Array.isArray(out.value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('not (f) is the complement of f (and fails exactly when f fails)', () => {
    fc.assert(
      fc.property(evalFilter, resourceArb, evalOpts, (f, resource, opts) => {
        const a = run(f, resource, opts);
        const b = run({ kind: 'not', expr: f }, resource, opts);
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) expect(b.value).toBe(!a.value);
      }),
      { numRuns: 400 },
    );
  });

  it('f and g implies f and g; f and g is exactly f && g when both evaluate', () => {
    fc.assert(
      fc.property(evalFilter, evalFilter, resourceArb, evalOpts, (f, g, resource, opts) => {
        const both = run({ kind: 'and', left: f, right: g }, resource, opts);
        const left = run(f, resource, opts);
        const right = run(g, resource, opts);
        if (both.ok && both.value === true) {
          expect(left).toEqual({ ok: true, value: true });
          expect(right).toEqual({ ok: true, value: true });
        }
        if (left.ok && right.ok) expect(both).toEqual({ ok: true, value: left.value && right.value });
      }),
      { numRuns: 400 },
    );
  });

  it('f implies f or g (when g compiles); f or g is exactly f || g when both evaluate', () => {
    fc.assert(
      fc.property(evalFilter, evalFilter, resourceArb, evalOpts, (f, g, resource, opts) => {
        const either = run({ kind: 'or', left: f, right: g }, resource, opts);
        const left = run(f, resource, opts);
        const right = run(g, resource, opts);
        const gCompiles = attempt(() => compileFilter(g, resolveUser, opts)).ok;
        if (left.ok && left.value === true && gCompiles) expect(either).toEqual({ ok: true, value: true });
        if (either.ok && either.value === false) {
          expect(left).toEqual({ ok: true, value: false });
          expect(right).toEqual({ ok: true, value: false });
        }
        if (left.ok && right.ok) expect(either).toEqual({ ok: true, value: left.value || right.value });
      }),
      { numRuns: 400 },
    );
  });

  it('names, URNs, keywords and operators in any case give the same result on every resource', () => {
    fc.assert(
      fc.property(evalFilter, fc.integer(), fc.array(resourceArb, { minLength: 1, maxLength: 3 }), evalOpts, (f, seed, resources, opts) => {
        const text = formatFilter(f);
        const original = parseFilter(text);
        const recased = parseFilter(recase(text, seed));
        for (const resource of resources) {
          const a = run(original, resource, opts);
          const b = run(recased, resource, opts);
          expect(b.ok).toBe(a.ok);
          if (a.ok && b.ok) expect(b.value).toBe(a.value);
        }
      }),
      { numRuns: 300 },
    );
  });
});
