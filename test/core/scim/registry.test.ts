import { describe, expect, it } from 'vitest';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_URN,
  GROUP_RESOURCE_TYPE,
  GROUP_SCHEMA,
  GROUP_SCHEMA_URN,
  USER_RESOURCE_TYPE,
  USER_SCHEMA,
  USER_SCHEMA_URN,
} from '../../../src/core/scim/core-schemas.js';
import { RESOURCE_TYPE_SCHEMA_URN, SCHEMA_SCHEMA_URN, SchemaRegistry } from '../../../src/core/scim/registry.js';
import type { AttrRef, AttributeDef, SchemaDef } from '../../../src/core/scim/schema-types.js';

const BASE = 'http://127.0.0.1:4000/scim/v2';

const registry = SchemaRegistry.core();
const user = registry.resolver('User');
const group = registry.resolver('Group');

/** Resolve a dotted `[urn:]name[.sub]` reference the simple way (tests only). */
function ref(path: string, urn?: string): AttrRef {
  const [name, subAttr] = path.split('.') as [string, string | undefined];
  return { ...(urn === undefined ? {} : { urn }), name, ...(subAttr === undefined ? {} : { subAttr }) };
}

function must(def: AttributeDef | undefined): AttributeDef {
  expect(def).toBeDefined();
  return def as AttributeDef;
}

function sub(parent: AttributeDef, name: string): AttributeDef {
  return must(parent.subAttributes?.find((s) => s.name === name));
}

function top(schema: SchemaDef, name: string): AttributeDef {
  return must(schema.attributes.find((a) => a.name === name));
}

/** Every path in a JSON value whose value is null or undefined. */
function nullishPaths(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullishPaths(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => nullishPaths(v, `${path}.${k}`));
  }
  return [];
}

function walk(attributes: readonly AttributeDef[], visit: (a: AttributeDef, path: string) => void, prefix = ''): void {
  for (const a of attributes) {
    visit(a, prefix + a.name);
    if (a.subAttributes) walk(a.subAttributes, visit, `${prefix}${a.name}.`);
  }
}

const CHARACTERISTICS = [
  'name',
  'type',
  'multiValued',
  'description',
  'required',
  'caseExact',
  'mutability',
  'returned',
  'uniqueness',
] as const;

describe('core schema data (RFC 7643 §8.7.1)', () => {
  it('has the three URNs', () => {
    expect(USER_SCHEMA.id).toBe('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(GROUP_SCHEMA.id).toBe('urn:ietf:params:scim:schemas:core:2.0:Group');
    expect(ENTERPRISE_USER_SCHEMA.id).toBe('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect([USER_SCHEMA.name, GROUP_SCHEMA.name, ENTERPRISE_USER_SCHEMA.name]).toEqual(['User', 'Group', 'EnterpriseUser']);
  });

  it('lists every User, Group and Enterprise attribute in §8.7.1 order', () => {
    expect(USER_SCHEMA.attributes.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
    expect(GROUP_SCHEMA.attributes.map((a) => a.name)).toEqual(['displayName', 'members']);
    expect(ENTERPRISE_USER_SCHEMA.attributes.map((a) => a.name)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
    expect(top(USER_SCHEMA, 'name').subAttributes?.map((s) => s.name)).toEqual([
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ]);
    expect(top(USER_SCHEMA, 'addresses').subAttributes?.map((s) => s.name)).toEqual([
      'formatted',
      'streetAddress',
      'locality',
      'region',
      'postalCode',
      'country',
      'type',
      'primary',
    ]);
  });

  it('gives every attribute and sub-attribute every characteristic, with valid values and no null', () => {
    const all = [...USER_SCHEMA.attributes, ...GROUP_SCHEMA.attributes, ...ENTERPRISE_USER_SCHEMA.attributes, ...COMMON_ATTRIBUTES];
    let count = 0;
    walk(all, (a, path) => {
      count++;
      for (const key of CHARACTERISTICS) expect(a[key], `${path}.${key}`).not.toBeUndefined();
      expect(a.description.length, `${path} description`).toBeGreaterThan(0);
      expect(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex']).toContain(a.type);
      expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(a.mutability);
      expect(['always', 'never', 'default', 'request']).toContain(a.returned);
      expect(['none', 'server', 'global']).toContain(a.uniqueness);
      expect(a.type === 'complex', `${path}: subAttributes iff complex`).toBe(a.subAttributes !== undefined);
      expect(a.type === 'reference', `${path}: referenceTypes iff reference`).toBe(a.referenceTypes !== undefined);
      if (a.canonicalValues !== undefined) expect(a.canonicalValues.length).toBeGreaterThan(0);
    });
    // User 21 + 46 sub-attributes, Group 2 + 3, Enterprise 6 + 3, common 3 + 5.
    expect(count).toBe(89);
    expect(nullishPaths([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, COMMON_ATTRIBUTES])).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(USER_SCHEMA)).toBe(true);
    expect(Object.isFrozen(top(USER_SCHEMA, 'emails').subAttributes)).toBe(true);
    expect(() => {
      (USER_SCHEMA.attributes[0] as AttributeDef).required = false;
    }).toThrow(TypeError);
  });
});

describe('characteristics that matter', () => {
  it('userName: string, required, caseExact false, uniqueness server', () => {
    expect(must(user({ name: 'userName' }))).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
  });

  it('id: caseExact true, readOnly, returned always, uniqueness server', () => {
    const id = must(user({ name: 'id' }));
    expect(id).toMatchObject({ type: 'string', caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' });
    expect(must(group({ name: 'id' }))).toBe(id);
  });

  it('externalId: caseExact true, readWrite', () => {
    expect(must(user({ name: 'externalId' }))).toMatchObject({
      type: 'string',
      caseExact: true,
      mutability: 'readWrite',
      returned: 'default',
      required: false,
    });
  });

  it('meta: readOnly complex with resourceType, created, lastModified, location, version', () => {
    const meta = must(user({ name: 'meta' }));
    expect(meta).toMatchObject({ type: 'complex', multiValued: false, mutability: 'readOnly' });
    expect(meta.subAttributes?.map((s) => s.name)).toEqual(['resourceType', 'created', 'lastModified', 'location', 'version']);
    for (const s of meta.subAttributes ?? []) expect(s.mutability, s.name).toBe('readOnly');
    expect(must(user(ref('meta.created'))).type).toBe('dateTime');
    expect(must(user(ref('meta.lastModified')))).toMatchObject({ type: 'dateTime', mutability: 'readOnly', returned: 'default' });
    expect(must(user(ref('meta.location')))).toMatchObject({ type: 'reference', referenceTypes: ['uri'] });
    expect(must(user(ref('meta.resourceType')))).toMatchObject({ type: 'string', caseExact: true });
  });

  it('emails: multi-valued complex with value/display/type/primary, canonical types work/home/other', () => {
    const emails = must(user({ name: 'emails' }));
    expect(emails).toMatchObject({ type: 'complex', multiValued: true, required: false, mutability: 'readWrite' });
    expect(emails.subAttributes?.map((s) => s.name)).toEqual(['value', 'display', 'type', 'primary']);
    expect(sub(emails, 'type').canonicalValues).toEqual(['work', 'home', 'other']);
    expect(sub(emails, 'primary')).toMatchObject({ type: 'boolean', multiValued: false });
    expect(sub(emails, 'value')).toMatchObject({ type: 'string', caseExact: false });
  });

  it('canonical type values of the other multi-valued attributes', () => {
    expect(must(user(ref('phoneNumbers.type'))).canonicalValues).toEqual(['work', 'home', 'mobile', 'fax', 'pager', 'other']);
    expect(must(user(ref('ims.type'))).canonicalValues).toEqual(['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']);
    expect(must(user(ref('photos.type'))).canonicalValues).toEqual(['photo', 'thumbnail']);
    expect(must(user(ref('addresses.type'))).canonicalValues).toEqual(['work', 'home', 'other']);
    expect(must(user(ref('groups.type'))).canonicalValues).toEqual(['direct', 'indirect']);
    expect(must(group(ref('members.type'))).canonicalValues).toEqual(['User', 'Group']);
    for (const path of ['entitlements.type', 'roles.type', 'x509Certificates.type']) {
      expect(must(user(ref(path))).canonicalValues, path).toBeUndefined();
    }
  });

  it('password: writeOnly, returned never', () => {
    expect(must(user({ name: 'password' }))).toMatchObject({ type: 'string', mutability: 'writeOnly', returned: 'never' });
  });

  it('active is boolean; profileUrl and photos.value are external references; x509 value is binary', () => {
    expect(must(user({ name: 'active' }))).toMatchObject({ type: 'boolean', caseExact: false, uniqueness: 'none' });
    expect(must(user({ name: 'profileUrl' }))).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
    expect(must(user(ref('photos.value')))).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
    expect(must(user(ref('x509Certificates.value'))).type).toBe('binary');
  });

  it('groups: readOnly, every sub-attribute readOnly, $ref to User or Group', () => {
    const groups = must(user({ name: 'groups' }));
    expect(groups).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readOnly' });
    expect(groups.subAttributes?.map((s) => s.name)).toEqual(['value', '$ref', 'display', 'type']);
    for (const s of groups.subAttributes ?? []) expect(s.mutability, s.name).toBe('readOnly');
    expect(sub(groups, '$ref').referenceTypes).toEqual(['User', 'Group']);
  });

  it('Group: displayName (required false per §8.7.1), members readWrite with immutable value/$ref/type', () => {
    expect(must(group({ name: 'displayName' }))).toMatchObject({ type: 'string', required: false, caseExact: false, uniqueness: 'none' });
    const members = must(group({ name: 'members' }));
    expect(members).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readWrite', required: false });
    expect(members.subAttributes?.map((s) => s.name)).toEqual(['value', '$ref', 'type']);
    expect(sub(members, 'value')).toMatchObject({ type: 'string', mutability: 'immutable' });
    expect(sub(members, '$ref')).toMatchObject({ type: 'reference', mutability: 'immutable', referenceTypes: ['User', 'Group'] });
    expect(sub(members, 'type').mutability).toBe('immutable');
    expect(group(ref('members.display'))).toBeUndefined();
  });

  it('manager: value, $ref (User), displayName (readOnly); none required', () => {
    const manager = must(user({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'manager' }));
    expect(manager).toMatchObject({ type: 'complex', multiValued: false, mutability: 'readWrite' });
    expect(manager.subAttributes?.map((s) => s.name)).toEqual(['value', '$ref', 'displayName']);
    expect(sub(manager, 'value')).toMatchObject({ type: 'string', required: false, mutability: 'readWrite' });
    expect(sub(manager, '$ref')).toMatchObject({ type: 'reference', referenceTypes: ['User'], required: false });
    expect(sub(manager, 'displayName')).toMatchObject({ type: 'string', mutability: 'readOnly' });
  });

  it('enterprise string attributes are plain readWrite strings', () => {
    for (const name of ['employeeNumber', 'costCenter', 'organization', 'division', 'department']) {
      expect(must(user({ name })), name).toMatchObject({
        type: 'string',
        multiValued: false,
        required: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'none',
      });
    }
  });
});

describe('resource types (RFC 7643 §8.6)', () => {
  it('User at /Users with the enterprise extension, not required; Group at /Groups', () => {
    expect(USER_RESOURCE_TYPE).toEqual({
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: expect.any(String),
      schema: USER_SCHEMA_URN,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_URN, required: false }],
    });
    expect(GROUP_RESOURCE_TYPE).toMatchObject({ id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA_URN, schemaExtensions: [] });
  });

  it('finds a resource type by name, id or endpoint, case-insensitively', () => {
    for (const key of ['User', 'user', 'USER', '/Users', 'Users', 'users', '/users/', ' /Users ']) {
      expect(registry.resourceType(key), key).toBe(USER_RESOURCE_TYPE);
    }
    for (const key of ['Group', '/Groups', 'groups']) expect(registry.resourceType(key), key).toBe(GROUP_RESOURCE_TYPE);
    expect(registry.resourceType('Widgets')).toBeUndefined();
    expect(registry.resourceType('')).toBeUndefined();
    expect(registry.resourceTypes()).toEqual([USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE]);
  });
});

describe('schema lookup', () => {
  it('finds schemas by URN case-insensitively and lists them', () => {
    expect(registry.schema(USER_SCHEMA_URN)).toBe(USER_SCHEMA);
    expect(registry.schema(USER_SCHEMA_URN.toUpperCase())).toBe(USER_SCHEMA);
    expect(registry.schema('urn:ietf:params:scim:schemas:extension:enterprise:2.0:user')).toBe(ENTERPRISE_USER_SCHEMA);
    expect(registry.schema(GROUP_SCHEMA_URN)).toBe(GROUP_SCHEMA);
    expect(registry.schema('urn:example:nothing')).toBeUndefined();
    expect(registry.schemaUrns()).toEqual([USER_SCHEMA_URN, GROUP_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN]);
    expect(registry.schemas()).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('returns copies of its lists', () => {
    registry.schemas().pop();
    registry.resourceTypes().pop();
    expect(registry.schemas()).toHaveLength(3);
    expect(registry.resourceTypes()).toHaveLength(2);
  });
});

describe('attribute resolver', () => {
  it('resolves bare names case-insensitively', () => {
    const userName = top(USER_SCHEMA, 'userName');
    expect(user({ name: 'USERNAME' })).toBe(userName);
    expect(user({ name: 'username' })).toBe(userName);
    expect(user({ name: 'ExternalID' })?.name).toBe('externalId');
    expect(group({ name: 'DISPLAYNAME' })).toBe(top(GROUP_SCHEMA, 'displayName'));
  });

  it('resolves sub-attributes case-insensitively', () => {
    expect(user({ name: 'Name', subAttr: 'GivenName' })).toBe(sub(top(USER_SCHEMA, 'name'), 'givenName'));
    expect(user({ name: 'EMAILS', subAttr: 'VALUE' })).toBe(sub(top(USER_SCHEMA, 'emails'), 'value'));
    expect(user({ name: 'addresses', subAttr: 'PRIMARY' })?.type).toBe('boolean');
    expect(group({ name: 'Members', subAttr: '$REF' })?.referenceTypes).toEqual(['User', 'Group']);
  });

  it('resolves URN-qualified names, the URN also case-insensitively', () => {
    const department = top(ENTERPRISE_USER_SCHEMA, 'department');
    expect(user({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'department' })).toBe(department);
    expect(user({ urn: ENTERPRISE_USER_SCHEMA_URN.toUpperCase(), name: 'DEPARTMENT' })).toBe(department);
    expect(user({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'manager', subAttr: 'value' })).toBe(
      sub(top(ENTERPRISE_USER_SCHEMA, 'manager'), 'value'),
    );
    expect(user({ urn: USER_SCHEMA_URN, name: 'userName' })).toBe(top(USER_SCHEMA, 'userName'));
    expect(user({ urn: 'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER', name: 'name', subAttr: 'familyName' })?.name).toBe('familyName');
  });

  it('resolves bare extension names after the core schema', () => {
    expect(user({ name: 'department' })).toBe(top(ENTERPRISE_USER_SCHEMA, 'department'));
    expect(user({ name: 'manager', subAttr: 'displayName' })?.mutability).toBe('readOnly');
    // A name both schemas define resolves to the core one when bare.
    expect(user({ name: 'displayName' })).toBe(top(USER_SCHEMA, 'displayName'));
  });

  it('reaches the common attributes through the core URN only', () => {
    expect(user({ urn: USER_SCHEMA_URN, name: 'id' })).toBe(COMMON_ATTRIBUTES[0]);
    expect(user({ urn: USER_SCHEMA_URN, name: 'meta', subAttr: 'lastModified' })?.type).toBe('dateTime');
    expect(group({ urn: GROUP_SCHEMA_URN, name: 'externalId' })?.caseExact).toBe(true);
    expect(user({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'id' })).toBeUndefined();
    expect(user({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'userName' })).toBeUndefined();
  });

  it('returns undefined for what it does not know', () => {
    expect(user({ name: 'nosuch' })).toBeUndefined();
    expect(user({ name: 'name', subAttr: 'nosuch' })).toBeUndefined();
    expect(user({ name: 'userName', subAttr: 'value' })).toBeUndefined(); // not complex
    expect(user({ urn: 'urn:example:unknown:2.0:User', name: 'userName' })).toBeUndefined();
    expect(user({ urn: GROUP_SCHEMA_URN, name: 'displayName' })).toBeUndefined(); // schema not used by User
    expect(group({ name: 'userName' })).toBeUndefined();
    expect(group({ name: 'department' })).toBeUndefined();
    expect(group({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'department' })).toBeUndefined();
    expect(user({ name: 'members' })).toBeUndefined();
  });

  it('is reached by resource type name or endpoint, is reused, and throws for an unknown type', () => {
    expect(registry.resolver('/Users')).toBe(user);
    expect(registry.resolver('users')).toBe(user);
    expect(registry.resolver('GROUP')).toBe(group);
    expect(() => registry.resolver('Widget')).toThrow(/unknown resource type "Widget"/);
  });

  it('tolerates a resource type whose extension schema is missing', () => {
    const partial = new SchemaRegistry([USER_SCHEMA], [USER_RESOURCE_TYPE]);
    const resolve = partial.resolver('User');
    expect(resolve({ name: 'userName' })).toBe(top(USER_SCHEMA, 'userName'));
    expect(resolve({ name: 'id' })?.caseExact).toBe(true);
    expect(resolve({ name: 'department' })).toBeUndefined();
    expect(resolve({ urn: ENTERPRISE_USER_SCHEMA_URN, name: 'department' })).toBeUndefined();
  });

  it('is cheap enough for a hot loop', () => {
    const refs: AttrRef[] = [
      { name: 'userName' },
      { name: 'name', subAttr: 'givenName' },
      { urn: ENTERPRISE_USER_SCHEMA_URN, name: 'department' },
      { name: 'emails', subAttr: 'value' },
    ];
    const started = performance.now();
    let found = 0;
    for (let i = 0; i < 200_000; i++) if (user(refs[i % refs.length] as AttrRef) !== undefined) found++;
    expect(found).toBe(200_000);
    // Generous bound (a few ms are typical); only guards against per-call rebuilding.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('toScimSchema', () => {
  it('serves each core schema with the Schema URN, absolute location and no null or undefined anywhere', () => {
    for (const def of registry.schemas()) {
      const json = registry.toScimSchema(def, BASE);
      expect(json.schemas).toEqual([SCHEMA_SCHEMA_URN]);
      expect(json.id).toBe(def.id);
      expect(json.meta).toEqual({ resourceType: 'Schema', location: `${BASE}/Schemas/${def.id}` });
      expect(new URL(json.meta.location).protocol).toBe('http:');
      expect(nullishPaths(json), def.id).toEqual([]);
      // Survives a JSON round trip unchanged: nothing undefined was silently dropped.
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      expect(json.attributes).toEqual(def.attributes);
    }
    expect(registry.toScimSchema(USER_SCHEMA, BASE).meta.location).toBe(
      'http://127.0.0.1:4000/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
    );
  });

  it('orders keys as §8.7.1 does and ignores a trailing slash on the base URL', () => {
    const json = registry.toScimSchema(USER_SCHEMA, `${BASE}/`);
    expect(Object.keys(json)).toEqual(['schemas', 'id', 'name', 'description', 'attributes', 'meta']);
    expect(Object.keys(json.attributes[0] as object)).toEqual([...CHARACTERISTICS]);
    expect(json.meta.location).toBe(`${BASE}/Schemas/${USER_SCHEMA_URN}`);
    const emailType = json.attributes.find((a) => a.name === 'emails')?.subAttributes?.find((s) => s.name === 'type');
    expect(Object.keys(emailType ?? {})).toEqual([...CHARACTERISTICS, 'canonicalValues']);
  });

  it('rejects a relative base URL', () => {
    expect(() => registry.toScimSchema(USER_SCHEMA, '/scim/v2')).toThrow(TypeError);
  });

  it('fills and drops nulls in a schema read from a server', () => {
    const sloppy = {
      id: 'urn:example:custom',
      name: 'Custom',
      description: null,
      attributes: [
        {
          name: 'badge',
          type: 'complex',
          multiValued: false,
          description: null,
          required: null,
          caseExact: null,
          mutability: null,
          returned: null,
          uniqueness: null,
          canonicalValues: null,
          referenceTypes: [null, 'external'],
          subAttributes: [{ name: 'code', type: 'string', multiValued: false, description: 'x' }, null],
        },
      ],
    } as unknown as SchemaDef;
    const json = registry.toScimSchema(sloppy, BASE);
    expect(nullishPaths(json)).toEqual([]);
    expect(json.description).toBe('');
    expect(json.attributes[0]).toMatchObject({
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
      referenceTypes: ['external'],
    });
    expect(json.attributes[0]?.subAttributes).toHaveLength(1);
  });
});

describe('toScimResourceType', () => {
  it('serves User with its extension and an absolute location', () => {
    const json = registry.toScimResourceType(USER_RESOURCE_TYPE, BASE);
    expect(json).toEqual({
      schemas: [RESOURCE_TYPE_SCHEMA_URN],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: USER_RESOURCE_TYPE.description,
      schema: USER_SCHEMA_URN,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_URN, required: false }],
      meta: { resourceType: 'ResourceType', location: 'http://127.0.0.1:4000/scim/v2/ResourceTypes/User' },
    });
    expect(Object.keys(json)).toEqual(['schemas', 'id', 'name', 'endpoint', 'description', 'schema', 'schemaExtensions', 'meta']);
    expect(nullishPaths(json)).toEqual([]);
  });

  it('serves Group without an empty schemaExtensions', () => {
    const json = registry.toScimResourceType(GROUP_RESOURCE_TYPE, BASE);
    expect(json).not.toHaveProperty('schemaExtensions');
    expect(json.meta.location).toBe(`${BASE}/ResourceTypes/Group`);
    expect(nullishPaths(json)).toEqual([]);
  });

  it('encodes what a path segment cannot hold but keeps colons', () => {
    const odd = { ...GROUP_RESOURCE_TYPE, id: 'Team Room/1' };
    expect(registry.toScimResourceType(odd, BASE).meta.location).toBe(`${BASE}/ResourceTypes/Team%20Room%2F1`);
  });
});
