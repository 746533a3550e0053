import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../src/core/scim/registry.js';
import { ScimHttpError, type ScimType } from '../../src/server/errors.js';
import { Faults, type FaultName } from '../../src/server/faults.js';
import { TypeModel, type JsonObject } from '../../src/server/model.js';
import { applyPatch, PATCH_OP_URN, type PatchContext } from '../../src/server/patch.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

const registry = SchemaRegistry.core();
const userModel = new TypeModel(registry, registry.resourceType('User')!);
const groupModel = new TypeModel(registry, registry.resourceType('Group')!);

interface Opts {
  faults?: FaultName[];
  group?: boolean;
  memberExists?: (id: string) => boolean;
}

function ctx(opts: Opts = {}): PatchContext {
  const group = opts.group === true;
  return {
    model: group ? groupModel : userModel,
    resolve: registry.resolver(group ? 'Group' : 'User'),
    faults: new Faults(opts.faults ?? []),
    ...(opts.memberExists === undefined ? {} : { memberExists: opts.memberExists }),
  };
}

const body = (...ops: unknown[]) => ({ schemas: [PATCH_OP_URN], Operations: ops });

/** Applies the operations to a copy-checked `current` and asserts `current` was not touched. */
function patch(current: JsonObject, ops: unknown[], opts: Opts = {}): JsonObject {
  const before = structuredClone(current);
  const out = applyPatch(current, body(...ops), ctx(opts));
  expect(current).toStrictEqual(before);
  return out;
}

/** The error `fn` throws, asserted to be a ScimHttpError with this status and scimType. */
function fails(fn: () => unknown, scimType: ScimType, status = 400): ScimHttpError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ScimHttpError);
  const e = caught as ScimHttpError;
  expect({ status: e.status, scimType: e.scimType }).toStrictEqual({ status, scimType });
  expect(e.message.length).toBeGreaterThan(0);
  return e;
}

/** Asserts that applying `ops` fails with this scimType and leaves `current` untouched. */
function patchFails(current: JsonObject, ops: unknown[], scimType: ScimType, opts: Opts = {}): ScimHttpError {
  const before = structuredClone(current);
  const e = fails(() => applyPatch(current, body(...ops), ctx(opts)), scimType);
  expect(current).toStrictEqual(before);
  return e;
}

/** U1 of filter-and-patch.md, in stored form. */
function u1(): JsonObject {
  return {
    userName: 'BJensen',
    externalId: 'bjensen-ext',
    active: true,
    displayName: 'Babs Jensen',
    name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'a@b.c', type: 'home' },
    ],
    [ENT]: { employeeNumber: '701984', department: 'Tour Operations' },
  };
}

/** A user without a work email (only a home one), nothing else optional. */
function homeOnly(): JsonObject {
  return { userName: 'jdoe', emails: [{ value: 'c@example.com', type: 'home', primary: true }] };
}

function group(): JsonObject {
  return { displayName: 'Tour Guides', externalId: 'g-ext', members: [{ value: 'u1' }, { value: 'u2', type: 'User' }] };
}

// ---------------------------------------------------------------------------------------------------------------

describe('the PatchOp envelope (RFC 7644 §3.5.2)', () => {
  const op = { op: 'replace', path: 'displayName', value: 'x' };

  it('needs the PatchOp schema URN in schemas', () => {
    fails(() => applyPatch(u1(), { Operations: [op] }, ctx()), 'invalidSyntax');
    fails(() => applyPatch(u1(), { schemas: [CORE], Operations: [op] }, ctx()), 'invalidSyntax');
    fails(() => applyPatch(u1(), { schemas: PATCH_OP_URN, Operations: [op] }, ctx()), 'invalidSyntax');
  });

  it('needs a non-empty Operations array', () => {
    fails(() => applyPatch(u1(), { schemas: [PATCH_OP_URN] }, ctx()), 'invalidSyntax');
    fails(() => applyPatch(u1(), { schemas: [PATCH_OP_URN], Operations: [] }, ctx()), 'invalidSyntax');
    fails(() => applyPatch(u1(), { schemas: [PATCH_OP_URN], Operations: op }, ctx()), 'invalidSyntax');
  });

  it('needs a JSON object body', () => {
    fails(() => applyPatch(u1(), null, ctx()), 'invalidSyntax');
    fails(() => applyPatch(u1(), [op], ctx()), 'invalidSyntax');
    fails(() => applyPatch(u1(), 'x', ctx()), 'invalidSyntax');
  });

  it('reads the envelope members case-insensitively', () => {
    const out = applyPatch(u1(), { Schemas: [PATCH_OP_URN.toUpperCase()], operations: [{ OP: 'Replace', Path: 'displayName', Value: 'B' }] }, ctx());
    expect(out.displayName).toBe('B');
  });

  it('rejects an unknown, missing or non-string op, and an operation that is not an object, with invalidSyntax', () => {
    patchFails(u1(), [{ op: 'move', path: 'displayName', value: 'x' }], 'invalidSyntax');
    patchFails(u1(), [{ path: 'displayName', value: 'x' }], 'invalidSyntax');
    patchFails(u1(), [{ op: 1, path: 'displayName', value: 'x' }], 'invalidSyntax');
    patchFails(u1(), ['replace displayName'], 'invalidSyntax');
  });

  it('matches op case-insensitively: Add, Replace, Remove, REPLACE', () => {
    expect(patch(u1(), [{ op: 'Add', path: 'title', value: 'Tour Guide' }]).title).toBe('Tour Guide');
    expect(patch(u1(), [{ op: 'Replace', path: 'title', value: 'Tour Guide' }]).title).toBe('Tour Guide');
    expect(patch(u1(), [{ op: 'REPLACE', path: 'title', value: 'Tour Guide' }]).title).toBe('Tour Guide');
    expect(patch(u1(), [{ op: 'Remove', path: 'displayName' }])).not.toHaveProperty('displayName');
  });

  it('needs a value for add and replace (invalidValue), and a string path (invalidPath)', () => {
    patchFails(u1(), [{ op: 'add', path: 'title' }], 'invalidValue');
    patchFails(u1(), [{ op: 'replace', path: 'title' }], 'invalidValue');
    patchFails(u1(), [{ op: 'replace', path: 5, value: 'x' }], 'invalidPath');
  });

  it('does not mutate current, and the result shares no objects with it', () => {
    const current = u1();
    const out = patch(current, [{ op: 'replace', path: 'displayName', value: 'B' }]);
    (out.name as JsonObject).givenName = 'changed';
    (out.emails as JsonObject[]).push({ value: 'z' });
    expect(current).toStrictEqual(u1());
  });
});

describe('paths', () => {
  it('name.givenName and Name.GivenName are the same attribute', () => {
    const a = patch(u1(), [{ op: 'replace', path: 'name.givenName', value: 'Babs' }]);
    const b = patch(u1(), [{ op: 'replace', path: 'Name.GivenName', value: 'Babs' }]);
    expect(a).toStrictEqual(b);
    expect(a.name).toStrictEqual({ formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Babs' });
    expect(Object.keys(a).filter((k) => k.toLowerCase() === 'name')).toStrictEqual(['name']);
  });

  it('stores attributes under their canonical names whatever the case of the path', () => {
    const out = patch(u1(), [
      { op: 'replace', path: 'USERNAME', value: 'bj' },
      { op: 'add', path: 'NickName', value: 'Babs' },
      { op: 'replace', path: 'EXTERNALID', value: 'e2' },
    ]);
    expect(out.userName).toBe('bj');
    expect(out.nickName).toBe('Babs');
    expect(out.externalId).toBe('e2');
    expect(Object.keys(out)).not.toContain('USERNAME');
  });

  it('URN-qualified paths address their schema', () => {
    const out = patch(u1(), [
      { op: 'replace', path: `${CORE}:userName`, value: 'bj' },
      { op: 'replace', path: `${CORE}:name.familyName`, value: 'J' },
      { op: 'replace', path: `${ENT}:department`, value: 'X' },
      { op: 'add', path: `${ENT.toLowerCase()}:COSTCENTER`, value: 'C1' },
    ]);
    expect(out.userName).toBe('bj');
    expect(out.name).toStrictEqual({ formatted: 'Barbara Jensen', familyName: 'J', givenName: 'Barbara' });
    expect(out[ENT]).toStrictEqual({ employeeNumber: '701984', department: 'X', costCenter: 'C1' });
  });

  it('a bare extension attribute name lands in its extension', () => {
    const out = patch({ userName: 'x' }, [{ op: 'add', path: 'department', value: 'D' }]);
    expect(out).toStrictEqual({ userName: 'x', [ENT]: { department: 'D' } });
  });

  it('an unknown attribute is 400 invalidPath', () => {
    patchFails(u1(), [{ op: 'add', path: 'foo', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'name.foo', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'displayName.x', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: `${ENT}:foo`, value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'urn:example:params:scim:ext:title', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'remove', path: 'foo' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'emails[type eq "work"].foo', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'emails[foo eq "work"].value', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'schemas', value: [CORE] }], 'invalidPath');
    // Group has no userName, and its resources know no enterprise extension attributes
    patchFails(group(), [{ op: 'replace', path: 'userName', value: 'x' }], 'invalidPath', { group: true });
    patchFails(group(), [{ op: 'replace', path: 'department', value: 'x' }], 'invalidPath', { group: true });
    patchFails(group(), [{ op: 'add', path: ENT, value: { department: 'x' } }], 'invalidPath', { group: true });
  });

  it('a malformed path is 400 invalidPath', () => {
    patchFails(u1(), [{ op: 'replace', path: '', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'name.givenName.x', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'emails[type eq "work"] x', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'user name', value: 'x' }], 'invalidPath');
  });

  it('a bad filter inside a path is 400 invalidFilter', () => {
    patchFails(u1(), [{ op: 'replace', path: 'emails[type eq].value', value: 'x' }], 'invalidFilter');
    patchFails(u1(), [{ op: 'replace', path: 'emails[type xx "work"].value', value: 'x' }], 'invalidFilter');
    patchFails(u1(), [{ op: 'replace', path: 'emails[type eq work].value', value: 'x' }], 'invalidFilter');
    patchFails(u1(), [{ op: 'remove', path: 'emails[primary gt true]' }], 'invalidFilter');
  });

  it('a value filter on a single-valued attribute, or a sub-attribute of a multi-valued one without a filter, is invalidPath', () => {
    patchFails(u1(), [{ op: 'replace', path: 'name[givenName eq "Barbara"].familyName', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', path: 'emails.value', value: 'x' }], 'invalidPath');
    patchFails(u1(), [{ op: 'add', path: 'emails.type', value: 'work' }], 'invalidPath');
  });

  it('read-only attributes are 400 mutability, for every op', () => {
    for (const path of ['id', 'meta', 'meta.created', 'groups', `${CORE}:id`, `${ENT}:manager.displayName`]) {
      patchFails(u1(), [{ op: 'replace', path, value: 'x' }], 'mutability');
      patchFails(u1(), [{ op: 'add', path, value: 'x' }], 'mutability');
      patchFails(u1(), [{ op: 'remove', path }], 'mutability');
    }
    patchFails(u1(), [{ op: 'replace', value: { id: 'x' } }], 'mutability');
  });
});

describe('add (RFC 7644 §3.5.2.1)', () => {
  it('sets a single-valued attribute', () => {
    const out = patch({ userName: 'x' }, [{ op: 'add', path: 'title', value: 'Guide' }]);
    expect(out).toStrictEqual({ userName: 'x', title: 'Guide' });
  });

  it('merges the sub-attributes of a complex attribute', () => {
    const out = patch(u1(), [{ op: 'add', path: 'name', value: { middleName: 'Jane', givenName: 'Babs' } }]);
    expect(out.name).toStrictEqual({ formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Babs', middleName: 'Jane' });
  });

  it('appends values to a multi-valued attribute', () => {
    const out = patch(u1(), [{ op: 'add', path: 'emails', value: [{ value: 'o@x.org', type: 'other' }] }]);
    expect(out.emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'a@b.c', type: 'home' },
      { value: 'o@x.org', type: 'other' },
    ]);
  });

  it('does not duplicate a value already present (same value and type), and merges its other sub-attributes', () => {
    const out = patch(u1(), [{ op: 'add', path: 'emails', value: [{ value: 'A@B.C', type: 'Home', display: 'Home mail' }] }]);
    expect(out.emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'a@b.c', type: 'home', display: 'Home mail' },
    ]);
  });

  it('a new primary value takes primary from the others (RFC 7643 §2.4)', () => {
    const out = patch(u1(), [{ op: 'add', path: 'emails', value: [{ value: 'n@x.org', type: 'other', primary: 'True' }] }]);
    expect(out.emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'a@b.c', type: 'home' },
      { value: 'n@x.org', type: 'other', primary: true },
    ]);
  });

  it('two primary values in one add are 400 invalidValue', () => {
    patchFails(u1(), [{ op: 'add', path: 'emails', value: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] }], 'invalidValue');
  });

  it('with a value filter, sets the sub-attribute on the matching values', () => {
    const out = patch(u1(), [{ op: 'add', path: 'emails[type eq "work"].display', value: 'Work mail' }]);
    expect(out.emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true, display: 'Work mail' },
      { value: 'a@b.c', type: 'home' },
    ]);
  });

  it('a single value for a multi-valued attribute is taken as a one-element list', () => {
    const out = patch({ userName: 'x' }, [{ op: 'add', path: 'emails', value: { value: 'x@y.z', type: 'work' } }]);
    expect(out.emails).toStrictEqual([{ value: 'x@y.z', type: 'work' }]);
  });

  it('null and [] add nothing', () => {
    expect(patch(u1(), [{ op: 'add', path: 'title', value: null }])).toStrictEqual(u1());
    expect(patch(u1(), [{ op: 'add', path: 'emails', value: [] }])).toStrictEqual(u1());
  });

  it('a value of the wrong type is 400 invalidValue', () => {
    patchFails(u1(), [{ op: 'add', path: 'title', value: 5 }], 'invalidValue');
    patchFails(u1(), [{ op: 'add', path: 'active', value: 'yes' }], 'invalidValue');
    patchFails(u1(), [{ op: 'add', path: 'name', value: 'Barbara' }], 'invalidValue');
    patchFails(u1(), [{ op: 'add', path: 'emails', value: ['x@y.z'] }], 'invalidValue');
  });
});

describe('replace (RFC 7644 §3.5.2.3)', () => {
  it('{"op":"Replace","path":"active","value":"False"} stores the boolean false', () => {
    const out = patch(u1(), [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(out.active).toBe(false);
    expect(patch(out, [{ op: 'Replace', path: 'active', value: 'True' }]).active).toBe(true);
    expect(patch(u1(), [{ op: 'replace', path: 'active', value: false }]).active).toBe(false);
  });

  it('sets a single-valued attribute, adding it when absent', () => {
    expect(patch(u1(), [{ op: 'replace', path: 'displayName', value: 'B' }]).displayName).toBe('B');
    expect(patch(u1(), [{ op: 'replace', path: 'title', value: 'Guide' }]).title).toBe('Guide');
  });

  it('merges into a complex attribute, keeping sub-attributes the value does not name', () => {
    const out = patch(u1(), [{ op: 'replace', path: 'name', value: { givenName: 'Babs', formatted: null } }]);
    expect(out.name).toStrictEqual({ familyName: 'Jensen', givenName: 'Babs' });
  });

  it('replaces the whole list of a multi-valued attribute', () => {
    const out = patch(u1(), [{ op: 'replace', path: 'emails', value: [{ value: 'n@x.org', type: 'work' }] }]);
    expect(out.emails).toStrictEqual([{ value: 'n@x.org', type: 'work' }]);
  });

  it('emails[type eq "work"].value changes the work email only', () => {
    const out = patch(u1(), [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' }]);
    expect(out.emails).toStrictEqual([
      { value: 'babs@example.com', type: 'work', primary: true },
      { value: 'a@b.c', type: 'home' },
    ]);
  });

  it('matches the filter case-insensitively: type eq "Work" finds "work" and adds no second element', () => {
    const out = patch(u1(), [{ op: 'replace', path: 'emails[type eq "Work"].value', value: 'babs@example.com' }]);
    expect(out.emails).toStrictEqual([
      { value: 'babs@example.com', type: 'work', primary: true },
      { value: 'a@b.c', type: 'home' },
    ]);
  });

  it('replace emails[type eq "work"] with an object replaces each match whole (RFC 7644 §3.5.2.3)', () => {
    const out = patch(u1(), [{ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w@x.org', type: 'work', display: 'W' } }]);
    expect(out.emails).toStrictEqual([
      { value: 'w@x.org', type: 'work', display: 'W' },
      { value: 'a@b.c', type: 'home' },
    ]);
  });

  it('add emails[type eq "work"] with an object merges it into each match', () => {
    const out = patch(u1(), [{ op: 'add', path: 'emails[type eq "work"]', value: { display: 'W' } }]);
    expect(out.emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true, display: 'W' },
      { value: 'a@b.c', type: 'home' },
    ]);
  });

  it('emails[type eq "work"].value with no work email creates it (Entra), keeping the other emails', () => {
    const out = patch(homeOnly(), [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'w@x.org' }]);
    expect(out).toStrictEqual({
      userName: 'jdoe',
      emails: [
        { value: 'c@example.com', type: 'home', primary: true },
        { type: 'work', value: 'w@x.org' },
      ],
    });
    const none = patch({ userName: 'x' }, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@x.org' }]);
    expect(none).toStrictEqual({ userName: 'x', emails: [{ type: 'work', value: 'w@x.org' }] });
  });

  it('creates from an "and" of eq comparisons, and a created primary value takes primary from the others', () => {
    const out = patch(homeOnly(), [{ op: 'replace', path: 'emails[type eq "work" and primary eq true].value', value: 'w@x.org' }]);
    expect(out.emails).toStrictEqual([
      { value: 'c@example.com', type: 'home', primary: false },
      { type: 'work', primary: true, value: 'w@x.org' },
    ]);
  });

  it('creates a phone number and an address from Entra\'s default mappings', () => {
    const out = patch({ userName: 'x' }, [
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Amsterdam' },
      { op: 'Replace', path: 'addresses[type eq "work"].country', value: 'NL' },
    ]);
    expect(out).toStrictEqual({
      userName: 'x',
      phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
      addresses: [{ type: 'work', locality: 'Amsterdam', country: 'NL' }],
    });
  });

  it('a filter that matches nothing and is not eq/and is 400 noTarget (RFC 7644 §3.5.2.3)', () => {
    patchFails(homeOnly(), [{ op: 'replace', path: 'emails[value co "@x.org"].type', value: 'work' }], 'noTarget');
    patchFails(homeOnly(), [{ op: 'replace', path: 'emails[type eq "work" or type eq "other"].value', value: 'w@x.org' }], 'noTarget');
    patchFails(homeOnly(), [{ op: 'replace', path: 'emails[not (type eq "home")].value', value: 'w@x.org' }], 'noTarget');
    patchFails(homeOnly(), [{ op: 'replace', path: 'emails[type pr].display', value: 'x' }, { op: 'replace', path: 'emails[type eq "a" and type eq "b"].value', value: 'x' }], 'noTarget');
  });

  it('primary set through a filter moves primary to that value', () => {
    const out = patch(u1(), [{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }]);
    expect(out.emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'a@b.c', type: 'home', primary: true },
    ]);
  });

  it('a filter with a non-object value and no sub-attribute is 400 invalidValue', () => {
    patchFails(u1(), [{ op: 'replace', path: 'emails[type eq "work"]', value: 'w@x.org' }], 'invalidValue');
  });

  it('null unassigns (RFC 7643 §2.5); emptied complex and multi-valued attributes disappear', () => {
    const out = patch(u1(), [
      { op: 'replace', path: 'displayName', value: null },
      { op: 'replace', path: 'emails', value: [] },
      { op: 'replace', path: 'name', value: { formatted: null, familyName: null, givenName: null } },
    ]);
    expect(out).toStrictEqual({ userName: 'BJensen', externalId: 'bjensen-ext', active: true, [ENT]: { employeeNumber: '701984', department: 'Tour Operations' } });
  });

  it('userName cannot become null or empty (400 invalidValue)', () => {
    patchFails(u1(), [{ op: 'replace', path: 'userName', value: null }], 'invalidValue');
    patchFails(u1(), [{ op: 'replace', path: 'userName', value: ' ' }], 'invalidValue');
    patchFails(u1(), [{ op: 'replace', value: { userName: '' } }], 'invalidValue');
  });
});

describe('add and replace without a path', () => {
  it('dotted and URN-qualified keys land in the right place', () => {
    const out = patch(u1(), [{ op: 'replace', value: { 'name.givenName': 'X', [`${ENT}:department`]: 'Y' } }]);
    expect(out).toStrictEqual({
      ...u1(),
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'X' },
      [ENT]: { employeeNumber: '701984', department: 'Y' },
    });
  });

  it('the bare extension URN with an object merges into the extension', () => {
    const out = patch(u1(), [{ op: 'replace', value: { [ENT]: { department: 'Z' } } }]);
    expect(out[ENT]).toStrictEqual({ employeeNumber: '701984', department: 'Z' });
    const created = patch({ userName: 'x' }, [{ op: 'add', value: { [ENT]: { department: 'Z', manager: { value: 'm1' } } } }]);
    expect(created).toStrictEqual({ userName: 'x', [ENT]: { department: 'Z', manager: { value: 'm1' } } });
    const withPath = patch(u1(), [{ op: 'add', path: ENT, value: { division: 'Q', Department: 'R' } }]);
    expect(withPath[ENT]).toStrictEqual({ employeeNumber: '701984', department: 'R', division: 'Q' });
  });

  it('plain keys, core-URN keys and a bare core URN work too; a schemas key is ignored', () => {
    const out = patch({ userName: 'x' }, [
      {
        op: 'add',
        value: {
          schemas: [CORE],
          displayName: 'D',
          emails: [{ value: 'e@x', type: 'work' }],
          [`${CORE}:title`]: 'T',
          [CORE]: { nickName: 'N' },
        },
      },
    ]);
    expect(out).toStrictEqual({ userName: 'x', displayName: 'D', emails: [{ value: 'e@x', type: 'work' }], title: 'T', nickName: 'N' });
  });

  it('a value that is not an object is 400 invalidValue; an unknown key is 400 invalidPath', () => {
    patchFails(u1(), [{ op: 'replace', value: 'x' }], 'invalidValue');
    patchFails(u1(), [{ op: 'replace', value: [{ displayName: 'x' }] }], 'invalidValue');
    patchFails(u1(), [{ op: 'replace', value: { displayName: 'x', foo: 'y' } }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', value: { [ENT]: { foo: 'y' } } }], 'invalidPath');
    patchFails(u1(), [{ op: 'replace', value: { [ENT]: 'y' } }], 'invalidValue');
  });
});

describe('remove (RFC 7644 §3.5.2.2)', () => {
  it('needs a path: 400 noTarget', () => {
    patchFails(u1(), [{ op: 'remove' }], 'noTarget');
    patchFails(u1(), [{ op: 'remove', value: { displayName: 'Babs Jensen' } }], 'noTarget');
  });

  it('unsets a single-valued attribute and a sub-attribute', () => {
    const out = patch(u1(), [
      { op: 'remove', path: 'displayName' },
      { op: 'remove', path: 'name.givenName' },
      { op: 'remove', path: 'externalId' },
    ]);
    expect(out).toStrictEqual({
      userName: 'BJensen',
      active: true,
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen' },
      emails: u1().emails,
      [ENT]: u1()[ENT],
    });
  });

  it('removes all values of a multi-valued attribute, or those a filter matches', () => {
    expect(patch(u1(), [{ op: 'remove', path: 'emails' }])).not.toHaveProperty('emails');
    expect(patch(u1(), [{ op: 'remove', path: 'emails[type eq "home"]' }]).emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(patch(u1(), [{ op: 'remove', path: 'emails[type eq "work"].primary' }]).emails).toStrictEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'a@b.c', type: 'home' },
    ]);
  });

  it('leaves no empty object or list behind', () => {
    const out = patch(u1(), [
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'remove', path: 'emails[value eq "bjensen@example.com"]' },
      { op: 'remove', path: 'name.givenName' },
      { op: 'remove', path: 'name.familyName' },
      { op: 'remove', path: 'name.formatted' },
      { op: 'remove', path: `${ENT}:department` },
      { op: 'remove', path: 'employeeNumber' },
    ]);
    expect(out).toStrictEqual({ userName: 'BJensen', externalId: 'bjensen-ext', active: true, displayName: 'Babs Jensen' });
  });

  it('removes a whole extension by its URN; the core schema cannot be removed (invalidPath)', () => {
    expect(patch(u1(), [{ op: 'remove', path: ENT }])).not.toHaveProperty(ENT);
    expect(patch(u1(), [{ op: 'replace', path: ENT, value: null }])).not.toHaveProperty(ENT);
    patchFails(u1(), [{ op: 'remove', path: CORE }], 'invalidPath');
  });

  it('removing what is not there changes nothing', () => {
    expect(patch(u1(), [{ op: 'remove', path: 'title' }])).toStrictEqual(u1());
    expect(patch(u1(), [{ op: 'remove', path: 'emails[type eq "other"]' }])).toStrictEqual(u1());
    expect(patch(homeOnly(), [{ op: 'remove', path: ENT }])).toStrictEqual(homeOnly());
  });

  it('removing userName (required) is 400 invalidValue', () => {
    patchFails(u1(), [{ op: 'remove', path: 'userName' }], 'invalidValue');
    patchFails(u1(), [{ op: 'Remove', path: `${CORE}:UserName` }], 'invalidValue');
  });

  it('removes the values listed in value from a multi-valued attribute', () => {
    const out = patch(u1(), [{ op: 'remove', path: 'emails', value: [{ value: 'A@B.C' }] }]);
    expect(out.emails).toStrictEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });
});

describe('group members', () => {
  const known = (id: string) => ['u1', 'u2', 'u3', 'u4', 'g9'].includes(id);

  it('adds several members at once, keeping value and type, dropping $ref and display', () => {
    const out = patch(group(), [
      {
        op: 'Add',
        path: 'members',
        value: [
          { $ref: null, value: 'u3' },
          { $ref: 'https://example.com/v2/Users/u4', value: 'u4', display: 'Dee', type: 'User' },
          { value: 'g9', type: 'Group' },
        ],
      },
    ], { group: true, memberExists: known });
    expect(out.members).toStrictEqual([{ value: 'u1' }, { value: 'u2', type: 'User' }, { value: 'u3' }, { value: 'u4', type: 'User' }, { value: 'g9', type: 'Group' }]);
  });

  it('adding an existing member does not duplicate it', () => {
    const out = patch(group(), [{ op: 'add', path: 'members', value: [{ value: 'u1', type: 'User' }, { value: 'u2' }, { value: 'u3' }, { value: 'u3' }] }], {
      group: true,
      memberExists: known,
    });
    expect(out.members).toStrictEqual([{ value: 'u1' }, { value: 'u2', type: 'User' }, { value: 'u3' }]);
  });

  it('an unknown member id or a member without value is 400 invalidValue', () => {
    patchFails(group(), [{ op: 'add', path: 'members', value: [{ value: 'u3' }, { value: 'nobody' }] }], 'invalidValue', { group: true, memberExists: known });
    patchFails(group(), [{ op: 'replace', path: 'members', value: [{ value: 'nobody' }] }], 'invalidValue', { group: true, memberExists: known });
    patchFails(group(), [{ op: 'replace', path: 'members[value eq "nobody"]', value: { type: 'User' } }], 'invalidValue', { group: true, memberExists: known });
    patchFails(group(), [{ op: 'add', path: 'members', value: [{ type: 'User' }] }], 'invalidValue', { group: true });
    // Without memberExists every id is accepted
    expect(patch(group(), [{ op: 'add', path: 'members', value: [{ value: 'nobody' }] }], { group: true }).members).toHaveLength(3);
  });

  it('removes by value array (Entra default) and by members[value eq "..."] (Entra compliant)', () => {
    const byArray = patch(group(), [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] }], { group: true });
    expect(byArray.members).toStrictEqual([{ value: 'u2', type: 'User' }]);
    const byFilter = patch(group(), [{ op: 'remove', path: 'members[value eq "u2"]' }], { group: true });
    expect(byFilter.members).toStrictEqual([{ value: 'u1' }]);
    const both = patch(group(), [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }, { value: 'gone' }] }], { group: true });
    expect(both).toStrictEqual({ displayName: 'Tour Guides', externalId: 'g-ext' });
  });

  it('remove without value removes every member; replace sets the list', () => {
    expect(patch(group(), [{ op: 'remove', path: 'members' }], { group: true })).toStrictEqual({ displayName: 'Tour Guides', externalId: 'g-ext' });
    const out = patch(group(), [{ op: 'replace', path: 'members', value: [{ value: 'u3', $ref: 'x' }, { value: 'u4' }, { value: 'u3' }] }], {
      group: true,
      memberExists: known,
    });
    expect(out.members).toStrictEqual([{ value: 'u3' }, { value: 'u4' }]);
  });

  it('a member\'s value is immutable: changing it through a filter is 400 mutability', () => {
    patchFails(group(), [{ op: 'replace', path: 'members[value eq "u1"].value', value: 'u3' }], 'mutability', { group: true, memberExists: known });
    const same = patch(group(), [{ op: 'replace', path: 'members[value eq "u1"]', value: { value: 'u1', type: 'User' } }], { group: true, memberExists: known });
    expect(same.members).toStrictEqual([{ value: 'u1', type: 'User' }, { value: 'u2', type: 'User' }]);
  });
});

describe('the enterprise manager', () => {
  it('Entra\'s {op:"Add", path:"manager", value:[{$ref, value}]} stores {value}', () => {
    const out = patch(u1(), [{ op: 'Add', path: 'manager', value: [{ $ref: '../Users/m1', value: 'm1' }] }]);
    expect(out[ENT]).toStrictEqual({ employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'm1' } });
  });

  it('a URN-qualified path takes a plain string or an object', () => {
    const asString = patch({ userName: 'x' }, [{ op: 'replace', path: `${ENT}:manager`, value: 'm2' }]);
    expect(asString).toStrictEqual({ userName: 'x', [ENT]: { manager: { value: 'm2' } } });
    const asObject = patch(asString, [{ op: 'replace', path: `${ENT}:manager`, value: { value: 'm3', displayName: 'ignored' } }]);
    expect(asObject).toStrictEqual({ userName: 'x', [ENT]: { manager: { value: 'm3' } } });
    const viaSub = patch(asString, [{ op: 'replace', path: `${ENT}:manager.value`, value: 'm4' }]);
    expect(viaSub).toStrictEqual({ userName: 'x', [ENT]: { manager: { value: 'm4' } } });
  });

  it('"" clears it (and an extension left empty disappears)', () => {
    const withManager = { userName: 'x', [ENT]: { manager: { value: 'm1' } } };
    expect(patch(withManager, [{ op: 'replace', path: `${ENT}:manager`, value: '' }])).toStrictEqual({ userName: 'x' });
    expect(patch(withManager, [{ op: 'Replace', path: 'manager', value: '' }])).toStrictEqual({ userName: 'x' });
    expect(patch(withManager, [{ op: 'remove', path: 'manager' }])).toStrictEqual({ userName: 'x' });
    const kept = patch(u1(), [{ op: 'add', path: 'manager', value: 'm1' }, { op: 'replace', path: 'manager', value: '' }]);
    expect(kept).toStrictEqual(u1());
  });

  it('more than one value for the single-valued manager is 400 invalidValue', () => {
    patchFails(u1(), [{ op: 'add', path: 'manager', value: [{ value: 'm1' }, { value: 'm2' }] }], 'invalidValue');
  });
});

describe('Entra\'s dialects (entra-provisioning.md)', () => {
  it('default dialect, user update: capitalised ops, "False", one op per attribute', () => {
    const out = patch(u1(), [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
      { op: 'Replace', path: 'name.familyName', value: 'Jensen-Smith' },
      { op: 'Replace', path: 'userName', value: 'barbara@example.com' },
      { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Finance' },
      { op: 'Replace', path: 'active', value: 'False' },
    ]);
    expect(out).toStrictEqual({
      userName: 'barbara@example.com',
      externalId: 'bjensen-ext',
      active: false,
      displayName: 'Babs Jensen',
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen-Smith', givenName: 'Barbara' },
      emails: [
        { value: 'barbara@example.com', type: 'work', primary: true },
        { value: 'a@b.c', type: 'home' },
      ],
      [ENT]: { employeeNumber: '701984', department: 'Finance' },
    });
  });

  it('compliant dialect (aadOptscim062020), user update: one path-less op with dotted and URN-qualified keys', () => {
    const out = patch(u1(), [
      {
        op: 'replace',
        value: {
          displayName: 'Barbara J',
          'name.givenName': 'Barbara Ann',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '701985',
          active: false,
        },
      },
    ]);
    expect(out).toStrictEqual({
      userName: 'BJensen',
      externalId: 'bjensen-ext',
      active: false,
      displayName: 'Barbara J',
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara Ann' },
      emails: u1().emails,
      [ENT]: { employeeNumber: '701985', department: 'Tour Operations' },
    });
  });

  it('default dialect, group: rename, add members, remove a member by value array', () => {
    const opts = { group: true, memberExists: (id: string) => id.startsWith('u') };
    let g: JsonObject = { displayName: 'Guides', externalId: 'g1' };
    g = patch(g, [{ op: 'Replace', path: 'displayName', value: 'Tour Guides' }], opts);
    g = patch(g, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }] }], opts);
    expect(g).toStrictEqual({ displayName: 'Tour Guides', externalId: 'g1', members: [{ value: 'u1' }, { value: 'u2' }] });
    g = patch(g, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] }], opts);
    expect(g).toStrictEqual({ displayName: 'Tour Guides', externalId: 'g1', members: [{ value: 'u2' }] });
  });

  it('compliant dialect, group: lower-case ops, remove a member by members[value eq "..."]', () => {
    const opts = { group: true, memberExists: (id: string) => id.startsWith('u') };
    let g: JsonObject = { displayName: 'Guides' };
    g = patch(g, [{ op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }], opts);
    g = patch(g, [{ op: 'remove', path: 'members[value eq "u1"]' }], opts);
    expect(g).toStrictEqual({ displayName: 'Guides', members: [{ value: 'u2' }] });
    g = patch(g, [{ op: 'remove', path: 'members[value eq "u2"]' }], opts);
    expect(g).toStrictEqual({ displayName: 'Guides' });
  });
});

describe('atomicity', () => {
  it('a request whose second operation fails changes nothing and throws', () => {
    const current = u1();
    const snapshot = structuredClone(current);
    const e = fails(
      () =>
        applyPatch(
          current,
          body(
            { op: 'replace', path: 'displayName', value: 'changed' },
            { op: 'add', path: 'foo', value: 'x' },
            { op: 'replace', path: 'title', value: 'never' },
          ),
          ctx(),
        ),
      'invalidPath',
    );
    expect(e.status).toBe(400);
    expect(current).toStrictEqual(snapshot);
  });

  it('an operation that fails half-way (after changing a list) leaves current untouched', () => {
    const current = u1();
    const snapshot = structuredClone(current);
    fails(
      () =>
        applyPatch(
          current,
          body(
            { op: 'remove', path: 'emails[type eq "home"]' },
            { op: 'add', path: 'emails', value: [{ value: 'p@x', primary: true }, { value: 'q@x', primary: true }] },
          ),
          ctx(),
        ),
      'invalidValue',
    );
    expect(current).toStrictEqual(snapshot);
  });
});

describe('faults (each changes exactly its behaviour)', () => {
  it('patch-op-case-sensitive: "Replace" is 400 invalidSyntax, "replace" still works', () => {
    const op = { op: 'Replace', path: 'displayName', value: 'B' };
    expect(patch(u1(), [op]).displayName).toBe('B');
    patchFails(u1(), [op], 'invalidSyntax', { faults: ['patch-op-case-sensitive'] });
    patchFails(u1(), [{ op: 'Add', path: 'title', value: 'x' }], 'invalidSyntax', { faults: ['patch-op-case-sensitive'] });
    expect(patch(u1(), [{ ...op, op: 'replace' }], { faults: ['patch-op-case-sensitive'] }).displayName).toBe('B');
  });

  it('patch-value-path-unsupported: emails[type eq "work"].value is 400 invalidPath; members[...] still works', () => {
    const op = { op: 'replace', path: 'emails[type eq "work"].value', value: 'w@x.org' };
    expect(patch(u1(), [op]).emails).toStrictEqual([
      { value: 'w@x.org', type: 'work', primary: true },
      { value: 'a@b.c', type: 'home' },
    ]);
    patchFails(u1(), [op], 'invalidPath', { faults: ['patch-value-path-unsupported'] });
    patchFails(u1(), [{ op: 'remove', path: 'emails[type eq "home"]' }], 'invalidPath', { faults: ['patch-value-path-unsupported'] });
    expect(patch(group(), [{ op: 'remove', path: 'members[value eq "u1"]' }], { group: true, faults: ['patch-value-path-unsupported'] }).members).toStrictEqual([
      { value: 'u2', type: 'User' },
    ]);
  });

  it('patch-pathless-dotted-ignored: dotted and URN keys of a path-less value are skipped silently', () => {
    const op = {
      op: 'replace',
      value: { displayName: 'D', 'name.givenName': 'G', [`${ENT}:department`]: 'X', [ENT]: { costCenter: 'C' } },
    };
    expect(patch(u1(), [op])).toStrictEqual({
      ...u1(),
      displayName: 'D',
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'G' },
      [ENT]: { employeeNumber: '701984', department: 'X', costCenter: 'C' },
    });
    expect(patch(u1(), [op], { faults: ['patch-pathless-dotted-ignored'] })).toStrictEqual({ ...u1(), displayName: 'D' });
  });

  it('patch-add-members-first-only: only the first of several new members is added', () => {
    const op = { op: 'Add', path: 'members', value: [{ value: 'u3' }, { value: 'u4' }] };
    expect(patch(group(), [op], { group: true }).members).toStrictEqual([{ value: 'u1' }, { value: 'u2', type: 'User' }, { value: 'u3' }, { value: 'u4' }]);
    expect(patch(group(), [op], { group: true, faults: ['patch-add-members-first-only'] }).members).toStrictEqual([
      { value: 'u1' },
      { value: 'u2', type: 'User' },
      { value: 'u3' },
    ]);
  });

  it('patch-remove-member-value-ignored: removal by value array removes nothing; the filter form still works', () => {
    const op = { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] };
    expect(patch(group(), [op], { group: true }).members).toStrictEqual([{ value: 'u2', type: 'User' }]);
    expect(patch(group(), [op], { group: true, faults: ['patch-remove-member-value-ignored'] })).toStrictEqual(group());
    expect(
      patch(group(), [{ op: 'remove', path: 'members[value eq "u1"]' }], { group: true, faults: ['patch-remove-member-value-ignored'] }).members,
    ).toStrictEqual([{ value: 'u2', type: 'User' }]);
  });

  it('patch-remove-member-filter-unsupported: members[value eq "..."] is 400 invalidPath; the value array still works', () => {
    const op = { op: 'remove', path: 'members[value eq "u1"]' };
    expect(patch(group(), [op], { group: true }).members).toStrictEqual([{ value: 'u2', type: 'User' }]);
    patchFails(group(), [op], 'invalidPath', { group: true, faults: ['patch-remove-member-filter-unsupported'] });
    expect(
      patch(group(), [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }], { group: true, faults: ['patch-remove-member-filter-unsupported'] }).members,
    ).toStrictEqual([{ value: 'u2', type: 'User' }]);
  });

  it('patch-not-atomic: a failing operation returns the state after the ones before it', () => {
    const ops = [
      { op: 'replace', path: 'displayName', value: 'changed' },
      { op: 'add', path: 'foo', value: 'x' },
      { op: 'replace', path: 'title', value: 'never' },
    ];
    patchFails(u1(), ops, 'invalidPath');
    const out = patch(u1(), ops, { faults: ['patch-not-atomic'] });
    expect(out).toStrictEqual({ ...u1(), displayName: 'changed' });
    // A failing first operation: current, unchanged; the envelope is still checked.
    expect(patch(u1(), [{ op: 'remove', path: 'userName' }], { faults: ['patch-not-atomic'] })).toStrictEqual(u1());
    fails(() => applyPatch(u1(), { Operations: ops }, ctx({ faults: ['patch-not-atomic'] })), 'invalidSyntax');
  });

  it('patch-active-ignored: operations on active are accepted but change nothing', () => {
    const ops = [{ op: 'Replace', path: 'active', value: 'False' }, { op: 'replace', path: 'displayName', value: 'D' }];
    expect(patch(u1(), ops)).toStrictEqual({ ...u1(), active: false, displayName: 'D' });
    const faults: FaultName[] = ['patch-active-ignored'];
    expect(patch(u1(), ops, { faults })).toStrictEqual({ ...u1(), displayName: 'D' });
    expect(patch(u1(), [{ op: 'replace', value: { active: false } }], { faults })).toStrictEqual(u1());
    expect(patch(u1(), [{ op: 'remove', path: 'active' }], { faults })).toStrictEqual(u1());
  });

  it('drop-preferred-language: preferredLanguage is accepted and discarded', () => {
    const ops = [{ op: 'add', path: 'preferredLanguage', value: 'nl-NL' }, { op: 'add', path: 'locale', value: 'nl-NL' }];
    expect(patch({ userName: 'x' }, ops)).toStrictEqual({ userName: 'x', preferredLanguage: 'nl-NL', locale: 'nl-NL' });
    expect(patch({ userName: 'x' }, ops, { faults: ['drop-preferred-language'] })).toStrictEqual({ userName: 'x', locale: 'nl-NL' });
    expect(patch({ userName: 'x' }, [{ op: 'replace', value: { preferredLanguage: 'en' } }], { faults: ['drop-preferred-language'] })).toStrictEqual({
      userName: 'x',
    });
  });

  it('drop-phone-numbers: phoneNumbers are accepted and discarded, in every form', () => {
    const ops = [
      { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+31 20 555 0100' },
      { op: 'add', path: 'phoneNumbers', value: [{ value: '+31 6 5555 0100', type: 'mobile' }] },
      { op: 'replace', path: 'title', value: 'T' },
    ];
    expect(patch({ userName: 'x' }, ops)).toStrictEqual({
      userName: 'x',
      title: 'T',
      phoneNumbers: [
        { type: 'work', value: '+31 20 555 0100' },
        { value: '+31 6 5555 0100', type: 'mobile' },
      ],
    });
    expect(patch({ userName: 'x' }, ops, { faults: ['drop-phone-numbers'] })).toStrictEqual({ userName: 'x', title: 'T' });
  });

  it('drop-enterprise-extension: enterprise attributes are accepted and discarded, in every form', () => {
    const ops = [
      { op: 'Replace', path: `${ENT}:department`, value: 'D' },
      { op: 'add', path: 'costCenter', value: 'C' },
      { op: 'replace', value: { [ENT]: { division: 'V' }, [`${ENT}:organization`]: 'O', title: 'T' } },
    ];
    expect(patch({ userName: 'x' }, ops)).toStrictEqual({
      userName: 'x',
      title: 'T',
      [ENT]: { department: 'D', costCenter: 'C', division: 'V', organization: 'O' },
    });
    expect(patch({ userName: 'x' }, ops, { faults: ['drop-enterprise-extension'] })).toStrictEqual({ userName: 'x', title: 'T' });
  });

  it('drop-manager: the manager is accepted and discarded, other enterprise attributes kept', () => {
    const ops = [
      { op: 'Add', path: 'manager', value: [{ $ref: '../Users/m1', value: 'm1' }] },
      { op: 'replace', value: { [ENT]: { department: 'D', manager: { value: 'm2' } } } },
    ];
    expect(patch({ userName: 'x' }, ops)).toStrictEqual({ userName: 'x', [ENT]: { manager: { value: 'm2' }, department: 'D' } });
    expect(patch({ userName: 'x' }, ops, { faults: ['drop-manager'] })).toStrictEqual({ userName: 'x', [ENT]: { department: 'D' } });
  });

  it('bool-string-rejected: "False" for active is 400 invalidValue; false still works', () => {
    const op = { op: 'Replace', path: 'active', value: 'False' };
    expect(patch(u1(), [op]).active).toBe(false);
    patchFails(u1(), [op], 'invalidValue', { faults: ['bool-string-rejected'] });
    expect(patch(u1(), [{ ...op, value: false }], { faults: ['bool-string-rejected'] }).active).toBe(false);
  });
});
