/**
 * Tests for src/core/scim/filter: parsing, printing and evaluating SCIM filters (RFC 7644 §3.4.2.2) and PATCH
 * paths (§3.5.2), including every vector of /work/shared/reference/filter-and-patch.md.
 */
import { describe, expect, it } from 'vitest';
import {
  FilterError,
  compileFilter,
  evaluateFilter,
  formatFilter,
  formatPath,
  matchesValueFilter,
  parseAttrRef,
  parseFilter,
  parsePath,
  selectValues,
  type FilterNode,
} from '../../../src/core/scim/filter/index.js';
import type { AttributeDef, AttributeResolver, AttrRef } from '../../../src/core/scim/schema-types.js';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: a small User resolver and the users U1/U2/U3 of filter-and-patch.md
// ---------------------------------------------------------------------------------------------------------------

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function attr(name: string, type: AttributeDef['type'], extra: Partial<AttributeDef> = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description: name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

const CORE: AttributeDef[] = [
  attr('id', 'string', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr('externalId', 'string', { caseExact: true }),
  attr('userName', 'string', { required: true, uniqueness: 'server' }),
  attr('name', 'complex', {
    subAttributes: [attr('formatted', 'string'), attr('familyName', 'string'), attr('givenName', 'string')],
  }),
  attr('displayName', 'string'),
  attr('title', 'string'),
  attr('userType', 'string'),
  attr('active', 'boolean'),
  attr('emails', 'complex', {
    multiValued: true,
    subAttributes: [
      attr('value', 'string'),
      attr('display', 'string'),
      attr('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'boolean'),
    ],
  }),
  attr('x509Certificates', 'complex', { multiValued: true, subAttributes: [attr('value', 'binary', { caseExact: true })] }),
  attr('photo', 'binary', { caseExact: true }),
  attr('loginCount', 'integer'),
  attr('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [attr('resourceType', 'string', { caseExact: true }), attr('created', 'dateTime'), attr('lastModified', 'dateTime')],
  }),
];

const ENTERPRISE: AttributeDef[] = [
  attr('employeeNumber', 'string'),
  attr('department', 'string'),
  attr('manager', 'complex', {
    subAttributes: [
      attr('value', 'string'),
      attr('$ref', 'reference', { caseExact: true, referenceTypes: ['User'] }),
      attr('displayName', 'string', { mutability: 'readOnly' }),
    ],
  }),
];

function find(defs: AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return defs?.find((d) => d.name.toLowerCase() === lower);
}

/** Resolves `[urn:]name[.sub]` case-insensitively: bare names search the core schema, then the extension. */
const resolveUser: AttributeResolver = (ref: AttrRef) => {
  let defs: AttributeDef[][];
  if (ref.urn === undefined) defs = [CORE, ENTERPRISE];
  else if (ref.urn.toLowerCase() === USER_URN.toLowerCase()) defs = [CORE];
  else if (ref.urn.toLowerCase() === ENTERPRISE_URN.toLowerCase()) defs = [ENTERPRISE];
  else return undefined;
  for (const list of defs) {
    const def = find(list, ref.name);
    if (def === undefined) continue;
    return ref.subAttr === undefined ? def : find(def.subAttributes, ref.subAttr);
  }
  return undefined;
};

/** A resolver that knows nothing: values are compared by their JSON type. */
const resolveNothing: AttributeResolver = () => undefined;

type Resource = Record<string, unknown>;

/** U1: userName "BJensen", a work email bjensen@example.com and a home email a@b.c. */
const U1: Resource = {
  schemas: [USER_URN, ENTERPRISE_URN],
  id: 'u1',
  externalId: 'EXT-1',
  userName: 'BJensen',
  name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen III' },
  displayName: 'a "b" c',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  loginCount: 10,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'a@b.c', type: 'home' },
  ],
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34.500Z' },
  [ENTERPRISE_URN]: {
    department: 'X',
    manager: { value: 'm1', $ref: 'https://example.com/v2/Users/m1', displayName: 'John Smith' },
  },
};

/** U2: one work email a@b.c. */
const U2: Resource = {
  schemas: [USER_URN, ENTERPRISE_URN],
  id: 'u2',
  externalId: 'ext-2',
  userName: 'alice',
  displayName: 'a\\b',
  title: '',
  userType: 'Intern',
  active: false,
  loginCount: 3,
  emails: [{ value: 'a@b.c', type: 'work' }],
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34Z' },
  [ENTERPRISE_URN]: { department: 'Y' },
};

/** U3: a work email w@other.org and a home email c@example.com. */
const U3: Resource = {
  schemas: [USER_URN],
  id: 'u3',
  userName: 'Adam',
  displayName: '\u00e9',
  title: null,
  active: true,
  emails: [
    { value: 'w@other.org', type: 'work' },
    { value: 'c@example.com', type: 'home' },
  ],
  // 04:42:33Z: an instant before "2011-05-13T04:42:34Z", though it sorts after it as text.
  meta: { resourceType: 'User', lastModified: '2011-05-13T06:42:33+02:00' },
};

const USERS: Record<string, Resource> = { U1, U2, U3 };

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** Names of the fixtures (in order) that match `filter`. */
function matching(filter: string, users: Record<string, Resource> = USERS, resolve: AttributeResolver = resolveUser): string[] {
  const node = parseFilter(filter);
  return Object.entries(users)
    .filter(([, user]) => evaluateFilter(node, user, resolve, { coreSchemaUrn: USER_URN }))
    .map(([key]) => key);
}

/** The FilterError `fn` throws (fails the test when it throws nothing or something else). */
function errorOf(fn: () => unknown): FilterError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FilterError);
    return error as FilterError;
  }
  throw new Error('expected a FilterError, nothing was thrown');
}

const cmp = (name: string, op: string, value: unknown, urn?: string): FilterNode =>
  ({ kind: 'compare', attr: urn === undefined ? { name } : { urn, name }, op, value }) as FilterNode;

// ---------------------------------------------------------------------------------------------------------------
// Parsing filters
// ---------------------------------------------------------------------------------------------------------------

describe('parseFilter', () => {
  it('parses a comparison', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual(cmp('userName', 'eq', 'bjensen'));
  });

  it('reads operators and keywords in any case, keeping attribute names as written', () => {
    expect(parseFilter('USERNAME Eq "bjensen"')).toEqual(cmp('USERNAME', 'eq', 'bjensen'));
    expect(parseFilter('title PR AND NOT (active EQ FALSE) Or x Ne NULL')).toEqual({
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'present', attr: { name: 'title' } },
        right: { kind: 'not', expr: cmp('active', 'eq', false) },
      },
      right: cmp('x', 'ne', null),
    });
    expect(parseFilter('active eq True')).toEqual(cmp('active', 'eq', true));
  });

  it('gives "and" precedence over "or", and "not" over "and"', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      kind: 'or',
      left: cmp('a', 'eq', 1),
      right: { kind: 'and', left: cmp('b', 'eq', 2), right: cmp('c', 'eq', 3) },
    });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: cmp('a', 'eq', 1), right: cmp('b', 'eq', 2) },
      right: cmp('c', 'eq', 3),
    });
    expect(parseFilter('not (a pr) and b pr')).toEqual({
      kind: 'and',
      left: { kind: 'not', expr: { kind: 'present', attr: { name: 'a' } } },
      right: { kind: 'present', attr: { name: 'b' } },
    });
  });

  it('groups with parentheses and chains left-associatively', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: cmp('a', 'eq', 1), right: cmp('b', 'eq', 2) },
      right: cmp('c', 'eq', 3),
    });
    expect(parseFilter('a pr and b pr and c pr')).toEqual({
      kind: 'and',
      left: { kind: 'and', left: { kind: 'present', attr: { name: 'a' } }, right: { kind: 'present', attr: { name: 'b' } } },
      right: { kind: 'present', attr: { name: 'c' } },
    });
    expect(parseFilter('((userName eq "x"))')).toEqual(cmp('userName', 'eq', 'x'));
  });

  it('accepts "not(" without a space (RFC errata 7319) and whitespace including line breaks', () => {
    expect(parseFilter('not(userName sw "a")')).toEqual({ kind: 'not', expr: cmp('userName', 'sw', 'a') });
    expect(parseFilter('userType eq "Employee" and (emails co "example.com" or\n  emails.value co "example.org")')).toEqual({
      kind: 'and',
      left: cmp('userType', 'eq', 'Employee'),
      right: {
        kind: 'or',
        left: { kind: 'compare', attr: { name: 'emails' }, op: 'co', value: 'example.com' },
        right: { kind: 'compare', attr: { name: 'emails', subAttr: 'value' }, op: 'co', value: 'example.org' },
      },
    });
  });

  it('parses value paths, with and/or/not nested inside the brackets', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      kind: 'valuePath',
      attr: { name: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@example.com') },
    });
    expect(parseFilter('emails[not (type eq "work") or (primary eq true and value pr)]')).toEqual({
      kind: 'valuePath',
      attr: { name: 'emails' },
      filter: {
        kind: 'or',
        left: { kind: 'not', expr: cmp('type', 'eq', 'work') },
        right: { kind: 'and', left: cmp('primary', 'eq', true), right: { kind: 'present', attr: { name: 'value' } } },
      },
    });
  });

  it("reads Entra's emails[type eq \"work\"].value eq \"a@b.c\" as one element satisfying both conditions", () => {
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
      kind: 'valuePath',
      attr: { name: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'eq', 'a@b.c') },
    });
    expect(parseFilter('emails[type eq "work"].value pr')).toEqual({
      kind: 'valuePath',
      attr: { name: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: { kind: 'present', attr: { name: 'value' } } },
    });
    expect(parseFilter('userName eq "x" or addresses[type eq "work"].postalCode sw "98"')).toEqual({
      kind: 'or',
      left: cmp('userName', 'eq', 'x'),
      right: {
        kind: 'valuePath',
        attr: { name: 'addresses' },
        filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('postalCode', 'sw', '98') },
      },
    });
  });

  it('splits URN-qualified names at the last ":" or after a known schema URN', () => {
    expect(parseFilter(`${ENTERPRISE_URN}:department eq "X"`)).toEqual(cmp('department', 'eq', 'X', ENTERPRISE_URN));
    expect(parseFilter(`${USER_URN}:name.givenName eq "B"`)).toEqual({
      kind: 'compare',
      attr: { urn: USER_URN, name: 'name', subAttr: 'givenName' },
      op: 'eq',
      value: 'B',
    });
    expect(parseFilter(`${ENTERPRISE_URN}:manager.$ref pr`)).toEqual({
      kind: 'present',
      attr: { urn: ENTERPRISE_URN, name: 'manager', subAttr: '$ref' },
    });
    // "URN:" in any case; a known URN is returned in its canonical spelling.
    expect(parseFilter(`${ENTERPRISE_URN.toUpperCase()}:department eq "X"`)).toEqual(cmp('department', 'eq', 'X', ENTERPRISE_URN));
    // An unknown URN: split at the last colon.
    expect(parseFilter('urn:acme:params:scim:1.0:Badge:number.code eq 7')).toEqual({
      kind: 'compare',
      attr: { urn: 'urn:acme:params:scim:1.0:Badge', name: 'number', subAttr: 'code' },
      op: 'eq',
      value: 7,
    });
    // A URN known through schemaUrns whose name part itself would be mis-split otherwise.
    expect(parseFilter('urn:acme:Badge pr', { schemaUrns: ['urn:acme:Badge'] })).toEqual({
      kind: 'present',
      attr: { urn: 'urn:acme:Badge', name: '' },
    });
    expect(parseFilter('urn:acme:Badge pr')).toEqual({ kind: 'present', attr: { urn: 'urn:acme', name: 'Badge' } });
    expect(parseFilter(`${USER_URN}:emails[type eq "work"]`)).toEqual({
      kind: 'valuePath',
      attr: { urn: USER_URN, name: 'emails' },
      filter: cmp('type', 'eq', 'work'),
    });
  });

  it('decodes every JSON string escape', () => {
    expect(parseFilter('displayName eq "a \\"b\\" c"')).toEqual(cmp('displayName', 'eq', 'a "b" c'));
    expect(parseFilter('displayName eq "a\\\\b"')).toEqual(cmp('displayName', 'eq', 'a\\b'));
    expect(parseFilter('displayName eq "\\u00e9"')).toEqual(cmp('displayName', 'eq', '\u00e9'));
    expect(parseFilter('x eq "\\/\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00"')).toEqual(cmp('x', 'eq', '/\b\f\n\r\tA\u{1F600}'));
    expect(parseFilter('x eq "caf\u00e9 \u{1F600} [a] (b) and or"')).toEqual(cmp('x', 'eq', 'caf\u00e9 \u{1F600} [a] (b) and or'));
    expect(parseFilter('x eq ""')).toEqual(cmp('x', 'eq', ''));
  });

  it('reads JSON numbers', () => {
    expect(parseFilter('x eq 42')).toEqual(cmp('x', 'eq', 42));
    expect(parseFilter('x gt -1.5e2')).toEqual(cmp('x', 'gt', -150));
    expect(parseFilter('x lt 0.25')).toEqual(cmp('x', 'lt', 0.25));
    expect(parseFilter('x eq 1E+3')).toEqual(cmp('x', 'eq', 1000));
    expect(Object.is((parseFilter('x eq -0') as { value: unknown }).value, -0)).toBe(true);
  });

  it('accepts an attribute literally named "not" or "and"', () => {
    expect(parseFilter('not eq 1')).toEqual(cmp('not', 'eq', 1));
    expect(parseFilter('and pr and or pr')).toEqual({
      kind: 'and',
      left: { kind: 'present', attr: { name: 'and' } },
      right: { kind: 'present', attr: { name: 'or' } },
    });
  });

  it('parses every example filter of RFC 7644 §3.4.2.2', () => {
    const examples = [
      'userName eq "bjensen"',
      'name.familyName co "O\'Malley"',
      'userName sw "J"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'title pr',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and (emails.type eq "work")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ];
    const kinds = examples.map((text) => parseFilter(text).kind);
    expect(kinds).toEqual([
      'compare', 'compare', 'compare', 'compare', 'present', 'compare', 'compare', 'compare', 'compare',
      'and', 'or', 'compare', 'and', 'and', 'and', 'and', 'or',
    ]);
    expect(parseFilter(examples[3]!)).toEqual(cmp('userName', 'sw', 'J', USER_URN));
    expect(parseFilter(examples[1]!)).toEqual({
      kind: 'compare',
      attr: { name: 'name', subAttr: 'familyName' },
      op: 'co',
      value: "O'Malley",
    });
    expect(parseFilter(examples[16]!)).toEqual({
      kind: 'or',
      left: {
        kind: 'valuePath',
        attr: { name: 'emails' },
        filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@example.com') },
      },
      right: {
        kind: 'valuePath',
        attr: { name: 'ims' },
        filter: { kind: 'and', left: cmp('type', 'eq', 'xmpp'), right: cmp('value', 'co', '@foo.com') },
      },
    });
  });

  it('handles long flat chains and rejects pathological nesting', () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `a${i} pr`).join(' and ');
    const node = parseFilter(chain);
    // (deep-equality on a 5000-level tree would overflow the matcher's own recursion; compare the text instead)
    expect(formatFilter(node)).toBe(chain);
    expect(formatFilter(parseFilter(formatFilter(node)))).toBe(chain);
    let depth = 0;
    for (let n: FilterNode = node; n.kind === 'and'; n = n.left) depth++;
    expect(depth).toBe(4999);
    expect(evaluateFilter(node, { a0: 1 }, resolveNothing)).toBe(false);
    const all = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`a${i}`, i]));
    expect(evaluateFilter(node, all, resolveNothing)).toBe(true);
    expect(evaluateFilter(parseFilter(chain.replaceAll(' and ', ' or ')), { a4999: 'x' }, resolveNothing)).toBe(true);
    const deep = `${'('.repeat(200)}a pr${')'.repeat(200)}`;
    const error = errorOf(() => parseFilter(deep));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.position).toBe(100);
    expect(parseFilter(`${'('.repeat(50)}a pr${')'.repeat(50)}`)).toEqual({ kind: 'present', attr: { name: 'a' } });
  });
});

describe('parseFilter errors', () => {
  // [input, position, message fragment]
  const cases: [string, number, string][] = [
    ['userName eq', 11, 'expected a value'],
    ['userName xx "a"', 9, 'unknown operator "xx"'],
    ['(userName eq "a"', 16, 'expected ")"'],
    ['userName eq "a")', 15, 'unexpected ")"'],
    ['userName eq "a" and', 19, 'expected a filter expression after "and"'],
    ['userName eq "a" or ', 19, 'expected a filter expression after "or"'],
    ['userName eq bjensen', 12, 'double quotes'],
    ['userName eq "bjensen', 12, 'unterminated string'],
    ['userName eq "a\\qb"', 14, 'invalid escape "\\\\q"'], // the escape is quoted as a JSON string
    ['userName eq "\\u00g9"', 13, 'invalid escape'],
    ['userName eq "a\\', 12, 'unterminated string'],
    ['userName eq "a\tb"', 14, 'control character'],
    ['', 0, 'expected a filter expression'],
    ['   ', 3, 'expected a filter expression'],
    ['userName', 8, 'expected an operator'],
    ['userName eq "a" userName eq "b"', 16, 'expected "and", "or" or end of input'],
    ['not userName eq "a"', 4, 'expected "(" after "not"'],
    ['not (userName eq "a"', 20, 'expected ")"'],
    ['() ', 1, 'expected a filter expression after "("'],
    ['"x" eq "y"', 0, 'expected a filter expression'],
    ["userName eq 'x'", 12, 'double quotes'],
    ['userName eq 01', 12, 'invalid number'],
    ['userName eq 1.', 12, 'invalid number'],
    ['userName eq -', 12, 'invalid number'],
    ['userName eq 1e999', 12, 'out of range'],
    ['userName eq "a" and and', 23, 'expected an operator'],
    ['a.b.c pr', 3, 'at most one sub-attribute'],
    ['a. pr', 2, 'expected a sub-attribute name'],
    ['a.9 pr', 2, 'invalid character "9"'],
    ['user$name pr', 4, 'invalid character "$"'],
    ['userName eq "a" & x pr', 16, 'unexpected character "&"'],
    ['emails[type eq "work"', 21, 'expected "]"'],
    ['emails[type eq "work" x]', 22, 'expected "and", "or" or "]"'],
    ['emails[type[value eq 1] eq 1]', 11, 'cannot contain another value filter'],
    [`emails[${USER_URN}:emails.type eq "work"]`, 7, 'cannot carry a schema URN'],
    ['emails[type eq "work"].', 23, 'expected a sub-attribute name'],
    ['emails[type eq "work"] .value eq "x"', 22, 'unexpected space'],
    ['emails[type eq "work"].value', 28, 'expected an operator'],
    ['name.givenName[x eq 1].y eq 1', 22, 'at most two levels'],
    [`${ENTERPRISE_URN}[department eq "x"]`, 58, 'expected an attribute name between the schema URN and "["'],
    ['urn:x pr', 0, 'expected a schema URN'],
    ['urn:acme:ext: pr', 13, 'expected an attribute name after the schema URN'],
  ];

  it.each(cases)('%j fails at position %i', (input, position, fragment) => {
    const error = errorOf(() => parseFilter(input));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.position).toBe(position);
    expect(error.message).toContain(fragment);
    expect(error.message).toContain(`at position ${position}`);
    expect(error.name).toBe('FilterError');
  });

  it('says what was expected and where', () => {
    expect(errorOf(() => parseFilter('userName eq')).message).toBe(
      'expected a value (a "string", a number, true, false or null) after "eq" at position 11, found end of input',
    );
    expect(errorOf(() => parseFilter('userName eq bjensen')).message).toBe(
      'expected a value (a "string", a number, true, false or null) after "eq" (string values must be in double quotes) at position 12, found "bjensen"',
    );
    expect(errorOf(() => parseFilter('(userName eq "a"')).message).toBe(
      'expected ")" (to close the "(" opened at position 0) at position 16, found end of input',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Paths and attribute references
// ---------------------------------------------------------------------------------------------------------------

describe('parsePath', () => {
  it('parses the PATCH paths Entra sends', () => {
    expect(parsePath('emails[type eq "work"].value')).toEqual({
      attr: { name: 'emails' },
      filter: cmp('type', 'eq', 'work'),
      subAttr: 'value',
    });
    expect(parsePath('members[value eq "abc"]')).toEqual({ attr: { name: 'members' }, filter: cmp('value', 'eq', 'abc') });
    expect(parsePath('name.givenName')).toEqual({ attr: { name: 'name', subAttr: 'givenName' } });
    expect(parsePath('Name.GivenName')).toEqual({ attr: { name: 'Name', subAttr: 'GivenName' } });
    expect(parsePath('active')).toEqual({ attr: { name: 'active' } });
    expect(parsePath(`${ENTERPRISE_URN}:manager`)).toEqual({ attr: { urn: ENTERPRISE_URN, name: 'manager' } });
    expect(parsePath(`${ENTERPRISE_URN}:manager.value`)).toEqual({
      attr: { urn: ENTERPRISE_URN, name: 'manager', subAttr: 'value' },
    });
    expect(parsePath(`${ENTERPRISE_URN}:department`)).toEqual({ attr: { urn: ENTERPRISE_URN, name: 'department' } });
    expect(parsePath('members[value eq "a" or value eq "b"]')).toEqual({
      attr: { name: 'members' },
      filter: { kind: 'or', left: cmp('value', 'eq', 'a'), right: cmp('value', 'eq', 'b') },
    });
  });

  it('gives the whole extension for a path that is exactly a known schema URN', () => {
    expect(parsePath(ENTERPRISE_URN, { schemaUrns: [USER_URN, ENTERPRISE_URN] })).toEqual({
      attr: { urn: ENTERPRISE_URN, name: '' },
    });
    // The standard enterprise URN is known even without schemaUrns.
    expect(parsePath(ENTERPRISE_URN)).toEqual({ attr: { urn: ENTERPRISE_URN, name: '' } });
    const custom = 'urn:example:params:scim:schemas:extension:acme:1.0:User';
    expect(parsePath(custom, { schemaUrns: [custom] })).toEqual({ attr: { urn: custom, name: '' } });
    expect(parsePath(`${custom}:badge.number`, { schemaUrns: [custom] })).toEqual({
      attr: { urn: custom, name: 'badge', subAttr: 'number' },
    });
    // Without schemaUrns an unknown URN is split at its last colon.
    expect(parsePath(custom)).toEqual({ attr: { urn: 'urn:example:params:scim:schemas:extension:acme:1.0', name: 'User' } });
    // The longest known URN wins.
    expect(parsePath('urn:a:b:c', { schemaUrns: ['urn:a', 'urn:a:b', 'urn:a:b:c'] })).toEqual({ attr: { urn: 'urn:a:b:c', name: '' } });
    expect(parsePath('urn:a:b:x', { schemaUrns: ['urn:a', 'urn:a:b'] })).toEqual({ attr: { urn: 'urn:a:b', name: 'x' } });
  });

  // [input, scimType, position]
  const errors: [string, 'invalidPath' | 'invalidFilter', number][] = [
    ['', 'invalidPath', 0],
    ['emails[type eq "work"', 'invalidPath', 21],
    ['emails[type eq ]', 'invalidFilter', 15],
    ['emails[type xx "work"]', 'invalidFilter', 12],
    ['emails[]', 'invalidFilter', 7],
    ['emails[type eq "wo', 'invalidFilter', 15],
    ['emails[type eq "work"].value.display', 'invalidPath', 28],
    ['emails[type eq "work"] x', 'invalidPath', 23],
    ['emails[type eq "work"]value', 'invalidPath', 22],
    ['emails.value.x', 'invalidPath', 12],
    ['name..givenName', 'invalidPath', 5],
    ['name givenName', 'invalidPath', 5],
    ['9lives', 'invalidPath', 0],
    ['userName eq "x"', 'invalidPath', 9],
    [`${ENTERPRISE_URN}[department eq "x"]`, 'invalidPath', 58],
    ['emails[type eq "work"] and', 'invalidPath', 23],
  ];

  it.each(errors)('%j is %s at position %i', (input, scimType, position) => {
    const error = errorOf(() => parsePath(input));
    expect(error.scimType).toBe(scimType);
    expect(error.position).toBe(position);
    expect(error.message).toContain(`position ${position}`);
  });

  it('prints paths that parse back to the same path', () => {
    for (const text of [
      'emails[type eq "work"].value',
      'members[value eq "abc"]',
      'name.givenName',
      `${ENTERPRISE_URN}:manager`,
      `${ENTERPRISE_URN}:manager.$ref`,
      ENTERPRISE_URN,
      'members[value eq "a" or display co "x" and not (value pr)]',
    ]) {
      const path = parsePath(text);
      expect(formatPath(path)).toBe(text);
      expect(parsePath(formatPath(path))).toEqual(path);
    }
    expect(formatPath(parsePath('EMAILS[TYPE EQ "work"].Value'))).toBe('EMAILS[TYPE eq "work"].Value');
  });
});

describe('parseAttrRef', () => {
  it('parses [urn:]name[.sub]', () => {
    expect(parseAttrRef('userName')).toEqual({ name: 'userName' });
    expect(parseAttrRef('name.givenName')).toEqual({ name: 'name', subAttr: 'givenName' });
    expect(parseAttrRef(`${USER_URN}:userName`)).toEqual({ urn: USER_URN, name: 'userName' });
    expect(parseAttrRef(`${ENTERPRISE_URN}:manager.displayName`)).toEqual({
      urn: ENTERPRISE_URN,
      name: 'manager',
      subAttr: 'displayName',
    });
    expect(parseAttrRef(ENTERPRISE_URN)).toEqual({ urn: ENTERPRISE_URN, name: '' });
    expect(parseAttrRef(' emails.value ')).toEqual({ name: 'emails', subAttr: 'value' });
  });

  it('rejects anything else as invalidPath', () => {
    for (const [text, position] of [
      ['name.', 5],
      ['emails[type eq "work"]', 6],
      ['a b', 2],
      ['', 0],
      ['-x', 0],
    ] as const) {
      const error = errorOf(() => parseAttrRef(text));
      expect(error.scimType).toBe('invalidPath');
      expect(error.position).toBe(position);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------------------------

describe('formatFilter', () => {
  const filters = [
    'userName eq "bjensen"',
    'USERNAME Eq "bjensen"',
    'a eq 1 or b eq 2 and c eq 3',
    '(a eq 1 or b eq 2) and c eq 3',
    'a eq 1 and (b eq 2 or c eq 3) and not (d pr or e pr)',
    'not (not (a pr))',
    'emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work"].value eq "a@b.c"',
    'emails[not (type eq "work") or primary eq true]',
    `${ENTERPRISE_URN}:department eq "X"`,
    `${ENTERPRISE_URN}:manager.$ref sw "https://"`,
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'displayName eq "a \\"b\\" c" or displayName eq "a\\\\b" or displayName eq "\\u00e9\\n\\t\\u0001"',
    'x eq -0 or x eq 1.5e-7 or x eq 1e21 or x eq -12 or x eq true or x eq false or x ne null',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  ];

  it.each(filters)('round-trips %s', (text) => {
    const node = parseFilter(text);
    const printed = formatFilter(node);
    expect(parseFilter(printed)).toEqual(node);
    expect(formatFilter(parseFilter(printed))).toBe(printed);
  });

  it('prints canonical text', () => {
    expect(formatFilter(parseFilter('USERNAME   Eq "bjensen"'))).toBe('USERNAME eq "bjensen"');
    expect(formatFilter(parseFilter('a eq 1 or b eq 2 and c eq 3'))).toBe('a eq 1 or b eq 2 and c eq 3');
    expect(formatFilter(parseFilter('(a eq 1 or b eq 2) and c eq 3'))).toBe('(a eq 1 or b eq 2) and c eq 3');
    expect(formatFilter(parseFilter('((a pr)) AND NOT(b pr)'))).toBe('a pr and not (b pr)');
    expect(formatFilter(parseFilter('emails[type eq "work"].value eq "a@b.c"'))).toBe(
      'emails[type eq "work" and value eq "a@b.c"]',
    );
    expect(formatFilter(parseFilter('x eq "\\u00e9\\/"'))).toBe('x eq "\u00e9/"');
    expect(formatFilter(parseFilter('x eq 1E+3'))).toBe('x eq 1000');
  });

  it('keeps the shape of trees the parser would not build', () => {
    const a: FilterNode = { kind: 'present', attr: { name: 'a' } };
    const b: FilterNode = { kind: 'present', attr: { name: 'b' } };
    const c: FilterNode = { kind: 'present', attr: { name: 'c' } };
    const rightNested: FilterNode = { kind: 'and', left: a, right: { kind: 'and', left: b, right: c } };
    expect(formatFilter(rightNested)).toBe('a pr and (b pr and c pr)');
    expect(parseFilter(formatFilter(rightNested))).toEqual(rightNested);
    const orInAnd: FilterNode = { kind: 'and', left: { kind: 'or', left: a, right: b }, right: { kind: 'or', left: b, right: c } };
    expect(formatFilter(orInAnd)).toBe('(a pr or b pr) and (b pr or c pr)');
    expect(parseFilter(formatFilter(orInAnd))).toEqual(orInAnd);
    const orRight: FilterNode = { kind: 'or', left: a, right: { kind: 'or', left: b, right: c } };
    expect(parseFilter(formatFilter(orRight))).toEqual(orRight);
    expect(formatFilter({ kind: 'present', attr: { urn: ENTERPRISE_URN, name: '' } })).toBe(`${ENTERPRISE_URN} pr`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

describe('evaluateFilter: the vectors of filter-and-patch.md', () => {
  it('userName eq "bjensen" matches U1 (userName is caseExact=false)', () => {
    expect(matching('userName eq "bjensen"')).toEqual(['U1']);
  });

  it('USERNAME Eq "bjensen" matches U1 (attribute names and operators are case-insensitive)', () => {
    expect(matching('USERNAME Eq "bjensen"')).toEqual(['U1']);
  });

  it('emails[type eq "work" and value co "@example.com"] matches U1 only: both conditions on the same element', () => {
    expect(matching('emails[type eq "work" and value co "@example.com"]')).toEqual(['U1']);
    // U3 has a work email and an example.com email, but not in the same element; the dotted form matches it.
    expect(matching('emails.type eq "work" and emails.value co "@example.com"')).toEqual(['U1', 'U3']);
  });

  it('emails[type eq "work"].value eq "a@b.c" matches U2 only (Entra\'s form)', () => {
    expect(matching('emails[type eq "work"].value eq "a@b.c"')).toEqual(['U2']);
    // U1 has a@b.c, but as its home email.
    expect(matching('emails.value eq "a@b.c"')).toEqual(['U1', 'U2']);
    expect(matching('emails[type eq "home"].value eq "A@B.C"')).toEqual(['U1']);
  });

  it('the enterprise department, URN-qualified (and bare, and with a differently cased container key)', () => {
    expect(matching(`${ENTERPRISE_URN}:department eq "X"`)).toEqual(['U1']);
    expect(matching(`${ENTERPRISE_URN}:department eq "x"`)).toEqual(['U1']);
    expect(matching(`${ENTERPRISE_URN}:department eq "Y"`)).toEqual(['U2']);
    expect(matching(`${ENTERPRISE_URN}:department pr`)).toEqual(['U1', 'U2']);
    expect(matching('department eq "X"')).toEqual(['U1']);
    const lowerKey = { userName: 'z', [ENTERPRISE_URN.toLowerCase()]: { Department: 'X' } };
    expect(matching(`${ENTERPRISE_URN}:department eq "X"`, { lowerKey })).toEqual(['lowerKey']);
  });

  it('not (userName sw "a") is the complement of userName sw "a"', () => {
    expect(matching('userName sw "a"')).toEqual(['U2', 'U3']);
    expect(matching('not (userName sw "a")')).toEqual(['U1']);
  });

  it('a eq 1 or b eq 2 and c eq 3: "and" binds tighter than "or"', () => {
    const rows = {
      onlyA: { a: 1, b: 0, c: 0 },
      onlyB: { a: 0, b: 2, c: 0 },
      bAndC: { a: 0, b: 2, c: 3 },
      onlyC: { a: 0, b: 0, c: 3 },
      none: {},
    };
    expect(matching('a eq 1 or b eq 2 and c eq 3', rows, resolveNothing)).toEqual(['onlyA', 'bAndC']);
    expect(matching('(a eq 1 or b eq 2) and c eq 3', rows, resolveNothing)).toEqual(['bAndC']);
  });

  it('meta.lastModified compares as instants', () => {
    // U1 ...34.500Z, U2 ...34Z, U3 06:42:33+02:00 (= 04:42:33Z).
    expect(matching('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual(['U1']);
    expect(matching('meta.lastModified ge "2011-05-13T04:42:34Z"')).toEqual(['U1', 'U2']);
    expect(matching('meta.lastModified lt "2011-05-13T04:42:34Z"')).toEqual(['U3']);
    expect(matching('meta.lastModified le "2011-05-13T04:42:34Z"')).toEqual(['U2', 'U3']);
    expect(matching('meta.lastModified eq "2011-05-13T04:42:34.000Z"')).toEqual(['U2']);
    expect(matching('meta.lastModified eq "2011-05-13T05:42:34.5+01:00"')).toEqual(['U1']);
    expect(matching('meta.lastModified gt "2011-05-13T04:42:34.4999Z"')).toEqual(['U1']);
    expect(matching('meta.lastModified gt "not a date"')).toEqual([]);
    expect(matching('meta.lastModified sw "2011-05-13T04"')).toEqual(['U1', 'U2']);
  });

  it('title pr is false for absent, null, "", [] and {}', () => {
    expect(matching('title pr')).toEqual(['U1']); // U2 "", U3 null
    const rows = {
      absent: {},
      nullValue: { title: null },
      empty: { title: '' },
      emptyArray: { title: [] },
      arrayOfEmpty: { title: ['', null] },
      emptyObject: { title: {} },
      objectOfEmpty: { title: { a: null, b: '' } },
      text: { title: 'x' },
      falseValue: { title: false },
      zero: { title: 0 },
      array: { title: ['', 'x'] },
      object: { title: { a: 'x' } },
    };
    expect(matching('title pr', rows, resolveNothing)).toEqual(['text', 'falseValue', 'zero', 'array', 'object']);
    expect(matching('name pr')).toEqual(['U1']);
    expect(matching('emails.display pr')).toEqual([]);
    expect(matching('emails pr')).toEqual(['U1', 'U2', 'U3']);
  });

  it('decodes escapes before comparing', () => {
    expect(matching('displayName eq "a \\"b\\" c"')).toEqual(['U1']);
    expect(matching('displayName eq "a\\\\b"')).toEqual(['U2']);
    expect(matching('displayName eq "\\u00e9"')).toEqual(['U3']);
    expect(matching('displayName eq "\\u00c9"')).toEqual(['U3']); // caseExact=false
  });
});

describe('evaluateFilter: RFC 7644 §3.4.2.2 examples on the fixtures', () => {
  it.each([
    ['userName eq "bjensen"', ['U1']],
    ['name.familyName co "O\'Malley"', []],
    ['name.familyName co "ENS"', ['U1']],
    ['userName sw "J"', []],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"', ['U1']],
    ['title pr and userType eq "Employee"', ['U1']],
    ['title pr or userType eq "Intern"', ['U1', 'U2']],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', ['U1', 'U2']],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['U1']],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['U2']],
    ['userType eq "Employee" and (emails.type eq "work")', ['U1']],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['U1']],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['U1']],
  ] as [string, string[]][])('%s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it('reads a core-URN-qualified name at the top level without coreSchemaUrn too', () => {
    const node = parseFilter(`${USER_URN}:userName eq "BJENSEN"`);
    expect(evaluateFilter(node, U1, resolveUser)).toBe(true);
    expect(evaluateFilter(node, U1, resolveNothing)).toBe(true);
    // With another core schema declared, a User-qualified name reads nothing.
    const group = evaluateFilter(node, U1, resolveUser, { coreSchemaUrn: 'urn:ietf:params:scim:schemas:core:2.0:Group' });
    expect(group).toBe(false);
  });
});

describe('evaluateFilter: attribute characteristics', () => {
  it('honours caseExact for id and externalId', () => {
    expect(matching('id eq "u1"')).toEqual(['U1']);
    expect(matching('id eq "U1"')).toEqual([]);
    expect(matching('externalId eq "EXT-1"')).toEqual(['U1']);
    expect(matching('externalId eq "ext-1"')).toEqual([]);
    expect(matching('externalId sw "EXT"')).toEqual(['U1']);
    expect(matching('externalId co "xt"')).toEqual(['U2']);
    // Without a schema, strings compare case-insensitively.
    expect(matching('id eq "U1"', USERS, resolveNothing)).toEqual(['U1']);
    expect(matching('externalId sw "ext"', USERS, resolveNothing)).toEqual(['U1', 'U2']);
  });

  it('orders strings lexicographically, honouring caseExact', () => {
    expect(matching('userName gt "B"')).toEqual(['U1']);
    expect(matching('userName lt "ALICE"')).toEqual(['U3']);
    expect(matching('userName ge "alice"')).toEqual(['U1', 'U2']);
    // caseExact: "EXT-1" < "a" < "ext-2" in code-unit order.
    expect(matching('externalId gt "a"')).toEqual(['U2']);
    expect(matching('externalId lt "a"')).toEqual(['U1']);
  });

  it('compares integers numerically and treats type mismatches as no match', () => {
    expect(matching('loginCount gt 5')).toEqual(['U1']);
    expect(matching('loginCount le 3')).toEqual(['U2']);
    expect(matching('loginCount eq 10')).toEqual(['U1']);
    expect(matching('loginCount eq "10"')).toEqual([]);
    expect(matching('loginCount gt "5"')).toEqual([]);
    expect(matching('userName eq 5')).toEqual([]);
    expect(matching('userName co 5')).toEqual([]);
    expect(matching('active eq "true"')).toEqual([]);
    expect(matching('loginCount co "1"')).toEqual([]);
  });

  it('compares booleans with eq and ne', () => {
    expect(matching('active eq true')).toEqual(['U1', 'U3']);
    expect(matching('active eq false')).toEqual(['U2']);
    expect(matching('active ne true')).toEqual(['U2']);
    expect(matching('emails.primary eq true')).toEqual(['U1']);
    expect(matching('emails[primary eq true].value eq "bjensen@example.com"')).toEqual(['U1']);
  });

  it('throws invalidFilter for gt/ge/lt/le on boolean and binary attributes (RFC 7644 §3.4.2.2)', () => {
    for (const filter of [
      'active gt true',
      'active lt 1',
      'emails.primary ge false',
      'emails[primary le true]',
      'photo gt "AAAA"',
      'x509Certificates.value lt "MII"',
      'x509Certificates gt "MII"',
    ]) {
      const error = errorOf(() => evaluateFilter(parseFilter(filter), U1, resolveUser, { coreSchemaUrn: USER_URN }));
      expect(error.scimType).toBe('invalidFilter');
      expect(error.position).toBe(filter.startsWith('emails[') ? 7 : 0);
    }
    // Whatever the resource holds: the attribute's type decides.
    expect(errorOf(() => evaluateFilter(parseFilter('active gt true'), {}, resolveUser)).scimType).toBe('invalidFilter');
    // Unknown attribute holding a boolean value.
    const unknown = errorOf(() => evaluateFilter(parseFilter('userName pr and flag gt 1'), { userName: 'x', flag: true }, resolveNothing));
    expect(unknown.scimType).toBe('invalidFilter');
    expect(unknown.position).toBe(16);
    // eq/ne and co on binary are allowed (binary compares exactly).
    expect(evaluateFilter(parseFilter('photo eq "QUJD"'), { photo: 'QUJD' }, resolveUser)).toBe(true);
    expect(evaluateFilter(parseFilter('photo eq "qujd"'), { photo: 'QUJD' }, resolveUser)).toBe(false);
    expect(evaluateFilter(parseFilter('x509Certificates co "UJ"'), { x509Certificates: [{ value: 'QUJD' }] }, resolveUser)).toBe(true);
  });

  it('throws invalidFilter for operators that cannot apply to the operand', () => {
    for (const filter of ['userName gt null', 'userName co null', 'userName gt true', 'meta.lastModified le false', 'name eq "Barbara"', 'meta gt "x"']) {
      expect(errorOf(() => evaluateFilter(parseFilter(filter), U1, resolveUser)).scimType).toBe('invalidFilter');
    }
    expect(errorOf(() => evaluateFilter(parseFilter('name eq "Barbara"'), U1, resolveUser)).message).toContain('name.formatted');
  });

  it('applies a comparison on a complex attribute without sub-attribute to its "value"', () => {
    expect(matching('emails co "example.com"')).toEqual(['U1', 'U3']);
    expect(matching('emails eq "A@B.C"')).toEqual(['U1', 'U2']);
    expect(matching('emails ew ".org"')).toEqual(['U3']);
    expect(matching(`${ENTERPRISE_URN}:manager eq "M1"`)).toEqual(['U1']);
    expect(matching(`${ENTERPRISE_URN}:manager.$ref sw "https://example.com/"`)).toEqual(['U1']);
    expect(matching(`${ENTERPRISE_URN}:manager.$ref sw "HTTPS://example.com/"`)).toEqual([]); // $ref is caseExact
    expect(matching('manager.displayName co "smith"')).toEqual(['U1']);
    // Unknown to the schema: objects are read through "value" too.
    expect(matching('emails co "example.com"', USERS, resolveNothing)).toEqual(['U1', 'U3']);
  });

  it('matches a multi-valued attribute when any value matches', () => {
    expect(matching('emails.type eq "home"')).toEqual(['U1', 'U3']);
    expect(matching('emails.value co "example.org"')).toEqual([]);
    expect(matching('emails.value ew ".ORG"')).toEqual(['U3']);
    expect(matching('emails sw "A@B"')).toEqual(['U1', 'U2']);
    expect(matching('schemas co "enterprise"')).toEqual(['U1', 'U2']);
    const rows = { tags: { tags: ['red', 'Blue'] }, none: { tags: [] }, other: { tags: ['green'] } };
    expect(matching('tags eq "blue"', rows, resolveNothing)).toEqual(['tags']);
  });

  it('ne: negation of eq for one value, any non-identical value for many, true when absent (unless ne null)', () => {
    expect(matching('title ne "Tour Guide"')).toEqual(['U2', 'U3']); // U2 "", U3 null
    expect(matching('title ne null')).toEqual(['U1', 'U2']);
    expect(matching('title eq null')).toEqual(['U3']);
    expect(matching('userType ne "Employee"')).toEqual(['U2', 'U3']); // U3 has no userType
    expect(matching('nickName ne "x"')).toEqual(['U1', 'U2', 'U3']);
    expect(matching('nickName eq null')).toEqual(['U1', 'U2', 'U3']);
    expect(matching('nickName ne null')).toEqual([]);
    expect(matching('emails.type ne "work"')).toEqual(['U1', 'U3']); // U2's only email is work
    expect(matching('emails.display eq null')).toEqual(['U1', 'U2', 'U3']);
    expect(matching('userName ne 5')).toEqual(['U1', 'U2', 'U3']); // type mismatch: not identical
    for (const filter of ['userName eq "alice"', 'title eq "Tour Guide"', 'active eq true', 'loginCount eq 3']) {
      const ne = filter.replace(' eq ', ' ne ');
      const complement = Object.keys(USERS).filter((k) => !matching(filter).includes(k));
      expect(matching(ne)).toEqual(complement);
    }
  });

  it('evaluates value paths with not/or inside the brackets', () => {
    expect(matching('emails[not (type eq "work")]')).toEqual(['U1', 'U3']);
    expect(matching('emails[type eq "work" or type eq "other"]')).toEqual(['U1', 'U2', 'U3']);
    expect(matching('emails[type eq "work"].value pr')).toEqual(['U1', 'U2', 'U3']);
    expect(matching('emails[type eq "work"].value ew "example.com"')).toEqual(['U1']);
    expect(matching('EMAILS[TYPE EQ "WORK"].VALUE EQ "W@OTHER.ORG"')).toEqual(['U3']);
    expect(matching('ims[type pr]')).toEqual([]);
    expect(matching('not (emails[type eq "home"])')).toEqual(['U2']);
    // A single-valued complex attribute can be filtered too.
    expect(matching('name[givenName eq "barbara" and familyName sw "J"]')).toEqual(['U1']);
  });

  it('matches attribute names case-insensitively against the resource keys', () => {
    const odd = { USERNAME: 'BJensen', Emails: [{ VALUE: 'x@y.z', Type: 'work' }], Name: { GIVENNAME: 'B' } };
    expect(matching('userName eq "bjensen"', { odd })).toEqual(['odd']);
    expect(matching('emails[type eq "work"].value eq "x@y.z"', { odd })).toEqual(['odd']);
    expect(matching('name.givenName eq "b"', { odd })).toEqual(['odd']);
    // Inherited members are not attributes.
    expect(matching('constructor pr', { odd }, resolveNothing)).toEqual([]);
  });

  it('compiles once per node and resolver', () => {
    const node = parseFilter('userName eq "bjensen" and emails[type eq "work"]');
    expect(compileFilter(node, resolveUser)).toBe(compileFilter(node, resolveUser));
    expect(compileFilter(node, resolveUser)).not.toBe(compileFilter(node, resolveNothing));
    const match = compileFilter(node, resolveUser, { coreSchemaUrn: USER_URN });
    expect([U1, U2, U3].map(match)).toEqual([true, false, false]);
  });

  it('does not modify the resource', () => {
    const before = JSON.stringify(U1);
    matching('emails[type eq "work"].value eq "a@b.c" or userName eq "x" or meta.lastModified gt "2000-01-01T00:00:00Z"');
    expect(JSON.stringify(U1)).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Selecting values by path
// ---------------------------------------------------------------------------------------------------------------

describe('selectValues', () => {
  const select = (resource: Resource, path: string) => selectValues(resource, parsePath(path), resolveUser, { coreSchemaUrn: USER_URN });

  it('selects the work email value', () => {
    expect(select(U1, 'emails[type eq "work"].value')).toEqual(['bjensen@example.com']);
    expect(select(U2, 'emails[type eq "work"].value')).toEqual(['a@b.c']);
    expect(select(U3, 'emails[type eq "work"].value')).toEqual(['w@other.org']);
    expect(select(U1, 'emails[type eq "WORK"].value')).toEqual(['bjensen@example.com']);
    expect(select(U1, 'emails[type eq "other"].value')).toEqual([]);
    expect(select({}, 'emails[type eq "work"].value')).toEqual([]);
  });

  it('selects whole elements, sub-attributes and attributes by any case', () => {
    const emails = U1.emails as Resource[];
    const work = select(U1, 'emails[type eq "work"]');
    expect(work).toEqual([emails[0]]);
    expect(work[0]).toBe(emails[0]); // a reference, not a copy
    expect(select(U1, 'emails')).toEqual(emails);
    expect(select(U1, 'emails.value')).toEqual(['bjensen@example.com', 'a@b.c']);
    expect(select(U1, 'name.givenName')).toEqual(['Barbara']);
    expect(select(U1, 'Name.GivenName')).toEqual(['Barbara']);
    expect(select(U1, 'userName')).toEqual(['BJensen']);
    expect(select(U3, 'title')).toEqual([]);
    expect(select(U1, 'nickName')).toEqual([]);
  });

  it('selects group members by value', () => {
    const group: Resource = {
      displayName: 'G',
      members: [
        { value: 'abc', display: 'A' },
        { value: 'ABC', display: 'upper' },
        { value: 'def', display: 'D' },
      ],
    };
    const members = group.members as Resource[];
    // Without a schema the comparison is case-insensitive; a caseExact resolver tells them apart.
    expect(selectValues(group, parsePath('members[value eq "abc"]'), resolveNothing)).toEqual([members[0], members[1]]);
    const caseExactValue: AttributeResolver = (ref) =>
      ref.name.toLowerCase() === 'members' && ref.subAttr?.toLowerCase() === 'value' ? attr('value', 'string', { caseExact: true }) : undefined;
    expect(selectValues(group, parsePath('members[value eq "abc"]'), caseExactValue)).toEqual([members[0]]);
    expect(selectValues(group, parsePath('members[value eq "abc"].display'), caseExactValue)).toEqual(['A']);
    expect(selectValues(group, parsePath('members[value eq "zzz"]'), caseExactValue)).toEqual([]);
  });

  it('selects extension attributes and the whole extension', () => {
    const ext = U1[ENTERPRISE_URN] as Resource;
    expect(select(U1, `${ENTERPRISE_URN}:manager`)).toEqual([ext.manager]);
    expect(select(U1, `${ENTERPRISE_URN}:manager.value`)).toEqual(['m1']);
    expect(select(U1, `${ENTERPRISE_URN}:department`)).toEqual(['X']);
    expect(select(U3, `${ENTERPRISE_URN}:department`)).toEqual([]);
    const whole = selectValues(U1, parsePath(ENTERPRISE_URN, { schemaUrns: [USER_URN, ENTERPRISE_URN] }), resolveUser);
    expect(whole).toHaveLength(1);
    expect(whole[0]).toBe(ext);
  });

  it('tests single elements with matchesValueFilter', () => {
    const filter = parseFilter('type eq "work" and primary eq true');
    const [work, home] = U1.emails as Resource[];
    expect(matchesValueFilter(filter, work, { name: 'emails' }, resolveUser)).toBe(true);
    expect(matchesValueFilter(filter, home, { name: 'emails' }, resolveUser)).toBe(false);
    expect(matchesValueFilter(filter, 'work', { name: 'emails' }, resolveUser)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Scale
// ---------------------------------------------------------------------------------------------------------------

describe('scale', () => {
  it('evaluates a compiled filter over 100,000 resources', () => {
    const resources: Resource[] = [];
    for (let i = 0; i < 100_000; i++) {
      resources.push({
        schemas: [USER_URN, ENTERPRISE_URN],
        id: `id-${i}`,
        userName: `User${i}@Example.com`,
        active: i % 2 === 0,
        emails: [
          { value: `user${i}@example.com`, type: 'work', primary: true },
          { value: `home${i}@example.org`, type: 'home' },
        ],
        meta: { lastModified: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() },
        [ENTERPRISE_URN]: { department: `D${i % 10}` },
      });
    }
    const node = parseFilter(
      `emails[type eq "work"].value ew "0@example.com" and active eq true and ${ENTERPRISE_URN}:department eq "d0" and meta.lastModified ge "2024-01-01T00:00:00Z"`,
    );
    const started = performance.now();
    let count = 0;
    for (const resource of resources) if (evaluateFilter(node, resource, resolveUser, { coreSchemaUrn: USER_URN })) count++;
    const elapsed = performance.now() - started;
    expect(count).toBe(10_000);
    // Generous bound: this runs in well under a second; it guards against accidental per-resource compilation.
    expect(elapsed).toBeLessThan(5_000);
  });
});
