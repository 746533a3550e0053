/**
 * The JSON Schemas of schemas/ (RFC 7643 §4-§7, RFC 7644 §3.5.2, §3.12, §3.4.2): the RFC's own examples pass,
 * broken variants fail with the expected pointer, message and reference, Entra's PATCH bodies pass, and so does
 * everything the reference server returns. Also validateFile's positions.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_DIR } from '../../../src/core/paths.js';
import { formatIssues, MESSAGE_SCHEMAS, validateMessage, type MessageSchemaName } from '../../../src/core/scim/validate.js';
import { guessType, parseJson, validateFile, JsonSyntaxError } from '../../../src/core/scim/validate-file.js';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { api, ADSCIM_GROUP_URN, ENT_URN, entraGroup, entraUser, GROUP_URN, patchOp, USER_URN } from '../../helpers/scim-http.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../fixtures/payloads/${name}`, import.meta.url), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(v: T): T => structuredClone(v);
const lines = (name: MessageSchemaName, value: unknown) => formatIssues(validateMessage(name, value), value);

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SPC_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

const minimalUser = fixture('rfc7643-8.1-minimal-user.json');
const fullUser = fixture('rfc7643-8.2-full-user.json');
const enterpriseUser = fixture('rfc7643-8.3-enterprise-user.json');
const group = fixture('rfc7643-8.4-group.json');
const spc = fixture('rfc7643-8.5-service-provider-config.json');
const resourceTypes = fixture('rfc7643-8.6-resource-types.json') as Json[];

describe('the schema files', () => {
  const files = Object.entries(MESSAGE_SCHEMAS).map(([name, file]) => [name, JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as Json] as const);

  it.each(files)('%s: 2020-12, $id under scimcheck.dev, an x-reference on the root and on every property', (_name, schema) => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\/scimcheck\.dev\/schemas\/[a-z-]+\.json$/);
    expect(schema['x-reference']).toMatch(/^RFC 764[34] §\d/);
    const missing: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node as Json)) {
        if (k === 'if') continue; // conditions, not properties
        if (k === 'properties') {
          for (const [prop, sub] of Object.entries(v as Json)) {
            if (typeof sub === 'object' && !(sub as Json)['x-reference'] && !at.includes('/contains')) missing.push(`${at}/properties/${prop}`);
          }
        }
        walk(v, `${at}/${k}`);
      }
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });

  it.each(files)('%s compiles in strict mode', (name) => {
    expect(() => validateMessage(name as MessageSchemaName, {})).not.toThrow();
  });
});

describe('RFC 7643 §8 examples are valid', () => {
  it.each([
    ['§8.1 minimal user', 'User', minimalUser],
    ['§8.2 full user', 'User', fullUser],
    ['§8.3 enterprise user', 'User', enterpriseUser],
    ['§8.3 enterprise extension object', 'EnterpriseUser', enterpriseUser[ENT_URN]],
    ['§8.4 group', 'Group', group],
    ['§8.5 service provider configuration', 'ServiceProviderConfig', spc],
    ['§8.6 User resource type', 'ResourceType', resourceTypes[0]],
    ['§8.6 Group resource type', 'ResourceType', resourceTypes[1]],
  ] as [string, MessageSchemaName, unknown][])('%s', (_what, name, value) => {
    expect(lines(name, value)).toEqual([]);
  });

  it('the §8.2 user is guessed as a User and the §8.5 document as a ServiceProviderConfig', () => {
    expect(guessType(fullUser)).toBe('User');
    expect(guessType(spc)).toBe('ServiceProviderConfig');
    expect(guessType(group)).toBe('Group');
    expect(guessType(resourceTypes[0])).toBe('ResourceType');
  });
});

describe('open where the RFCs allow extensions', () => {
  it('accepts unknown attributes, other extensions and null for optional attributes (RFC 7643 §2.5, §3.3)', () => {
    const u = clone(enterpriseUser);
    u.schemas.push('urn:example:params:scim:schemas:extension:acme:2.0:User');
    u['urn:example:params:scim:schemas:extension:acme:2.0:User'] = { badge: 7 };
    u.favouriteColour = 'green';
    u.emails[0].verified = true;
    u.nickName = null;
    u.name.middleName = null;
    u[ENT_URN].manager = null;
    expect(lines('User', u)).toEqual([]);
  });

  it("accepts a group with Entra's ADSCIM schema URN and members with display", () => {
    expect(lines('Group', { ...clone(group), schemas: [GROUP_URN, ADSCIM_GROUP_URN] })).toEqual([]);
  });

  it('accepts op in any case', () => {
    expect(lines('PatchOp', patchOp({ op: 'ADD', path: 'title', value: 'x' }, { op: 'rEmOvE', path: 'title' }))).toEqual([]);
  });
});

describe('broken variants fail with the expected pointer, message and rule', () => {
  const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
  const cases: [string, MessageSchemaName, unknown, string[]][] = [
    ['Error: status as a number', 'Error', { schemas: [ERROR_URN], status: 404 }, ['/status: must be a string, got 404 (RFC 7644 §3.12)']],
    ['User: id a number', 'User', { ...clone(minimalUser), id: 2819 }, ['/id: must be a string, got 2819 (RFC 7643 §3.1)']],
    ['User: id empty', 'User', { ...clone(minimalUser), id: '' }, ['/id: must not be empty, got "" (RFC 7643 §3.1)']],
    ['User: id "bulkId"', 'User', { ...clone(minimalUser), id: 'bulkId' }, ['/id: must not be "bulkId", a reserved keyword, got "bulkId" (RFC 7643 §3.1)']],
    ['User: no id', 'User', (({ id: _id, ...rest }) => rest)(clone(minimalUser)), ['(root): missing required attribute "id" (RFC 7643 §4.1)']],
    ['User: no userName', 'User', (({ userName: _u, ...rest }) => rest)(clone(minimalUser)), ['(root): missing required attribute "userName" (RFC 7643 §4.1)']],
    ['User: active "False" in a response', 'User', { ...clone(fullUser), active: 'False' }, ['/active: must be a boolean, got "False" (RFC 7643 §4.1.1)']],
    [
      'User: emails not an array',
      'User',
      { ...clone(fullUser), emails: { value: 'bjensen@example.com' } },
      ['/emails: must be an array, got {"value":"bjensen@example.com"} (RFC 7643 §4.1.2)'],
    ],
    [
      'User: two primary emails',
      'User',
      { ...clone(minimalUser), emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] },
      ['/emails: must not have more than one value with "primary": true, got [{"value":"a@x","primary":true},{"value":"b@x","primary":true}] (RFC 7643 §2.4)'],
    ],
    [
      'User: the core URN missing from schemas',
      'User',
      { ...clone(enterpriseUser), schemas: [ENT_URN] },
      [`/schemas: must contain "${USER}", got ["${ENT_URN}"] (RFC 7643 §3)`],
    ],
    [
      'User: the extension URN missing from schemas while its attributes are present',
      'User',
      { ...clone(enterpriseUser), schemas: [USER] },
      [`/schemas: must contain "${ENT_URN}" when the resource carries that extension, got ["${USER}"] (RFC 7643 §3)`],
    ],
    [
      'User: a schema URN twice',
      'User',
      { ...clone(minimalUser), schemas: [USER, 'urn:x', 'urn:x'] },
      [`/schemas: must not repeat a value (items 1 and 2 are equal), got ["${USER}","urn:x","urn:x"] (RFC 7643 §3)`],
    ],
    [
      'User: manager.value not a string',
      'User',
      (() => {
        const u = clone(enterpriseUser);
        u[ENT_URN].manager.value = 26118915;
        return u;
      })(),
      [`/${ENT_URN}/manager/value: must be a string, got 26118915 (RFC 7643 §4.3)`],
    ],
    [
      'User: meta.created not a date-time',
      'User',
      { ...clone(minimalUser), meta: { ...minimalUser.meta, created: '23/01/2010' } },
      ['/meta/created: must be a date-time with a time zone, such as 2011-05-13T04:42:34Z, got "23/01/2010" (RFC 7643 §3.1)'],
    ],
    [
      'User: a certificate that is not base64',
      'User',
      { ...clone(minimalUser), x509Certificates: [{ value: 'MIID Qz==' }] },
      ['/x509Certificates/0/value: must be base64 (RFC 4648 §4) without line breaks, got "MIID Qz==" (RFC 7643 §2.3.6)'],
    ],
    ['User: name not an object', 'User', { ...clone(minimalUser), name: 'Babs' }, ['/name: must be an object, got "Babs" (RFC 7643 §4.1.1)']],
    ['EnterpriseUser: manager a plain string', 'EnterpriseUser', { manager: 'abc' }, ['/manager: must be an object, got "abc" (RFC 7643 §4.3)']],
    [
      'Group: members[].value not a string',
      'Group',
      { ...clone(group), members: [{ value: 2819 }] },
      ['/members/0/value: must be a string, got 2819 (RFC 7643 §4.2)'],
    ],
    ['Group: a member without value', 'Group', { ...clone(group), members: [{ display: 'Babs' }] }, ['/members/0: missing required attribute "value" (RFC 7643 §4.2)']],
    ['PatchOp: Operations empty', 'PatchOp', patchOp(), ['/Operations: must not be empty, got [] (RFC 7644 §3.5.2)']],
    ['PatchOp: remove without path', 'PatchOp', patchOp({ op: 'remove' }), ['/Operations/0: missing required attribute "path" (RFC 7644 §3.5.2.2)']],
    ['PatchOp: add without value', 'PatchOp', patchOp({ op: 'Add', path: 'title' }), ['/Operations/0: missing required attribute "value" (RFC 7644 §3.5.2.1)']],
    ['PatchOp: replace without value', 'PatchOp', patchOp({ op: 'replace', path: 'title' }), ['/Operations/0: missing required attribute "value" (RFC 7644 §3.5.2.3)']],
    [
      'PatchOp: path-less replace with a string value',
      'PatchOp',
      patchOp({ op: 'replace', value: 'x' }),
      ['/Operations/0/value: must be an object of attributes when the operation has no "path", got "x" (RFC 7644 §3.5.2.1)'],
    ],
    ['PatchOp: an unknown op', 'PatchOp', patchOp({ op: 'move', path: 'a' }), ['/Operations/0/op: must be "add", "remove" or "replace" (in any case), got "move" (RFC 7644 §3.5.2)']],
    ['PatchOp: no op', 'PatchOp', patchOp({ path: 'a', value: 1 }), ['/Operations/0: missing required attribute "op" (RFC 7644 §3.5.2)']],
    ['PatchOp: path not a string', 'PatchOp', patchOp({ op: 'remove', path: ['a'] }), ['/Operations/0/path: must be a string, got ["a"] (RFC 7644 §3.5.2)']],
    [
      'PatchOp: the PatchOp URN missing',
      'PatchOp',
      { schemas: [USER], Operations: [{ op: 'remove', path: 'a' }] },
      [`/schemas: must contain "urn:ietf:params:scim:api:messages:2.0:PatchOp", got ["${USER}"] (RFC 7644 §3.5.2)`],
    ],
    ['ServiceProviderConfig: no patch', 'ServiceProviderConfig', (({ patch: _p, ...rest }) => rest)(clone(spc)), ['(root): missing required attribute "patch" (RFC 7643 §5)']],
    [
      'ServiceProviderConfig: patch.supported a string',
      'ServiceProviderConfig',
      { ...clone(spc), patch: { supported: 'true' } },
      ['/patch/supported: must be a boolean, got "true" (RFC 7643 §5)'],
    ],
    [
      'ServiceProviderConfig: bulk without maxOperations',
      'ServiceProviderConfig',
      { ...clone(spc), bulk: { supported: false, maxPayloadSize: 0 } },
      ['/bulk: missing required attribute "maxOperations" (RFC 7643 §5)'],
    ],
    [
      'ServiceProviderConfig: an authentication scheme without description',
      'ServiceProviderConfig',
      { ...clone(spc), authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token' }] },
      ['/authenticationSchemes/0: missing required attribute "description" (RFC 7643 §5)'],
    ],
    [
      'ResourceType: schemaExtensions[].required a string',
      'ResourceType',
      { ...clone(resourceTypes[0]!), schemaExtensions: [{ schema: ENT_URN, required: 'true' }] },
      ['/schemaExtensions/0/required: must be a boolean, got "true" (RFC 7643 §6)'],
    ],
    ['ResourceType: no endpoint', 'ResourceType', (({ endpoint: _e, ...rest }) => rest)(clone(resourceTypes[1]!)), ['(root): missing required attribute "endpoint" (RFC 7643 §6)']],
    [
      'Schema: an attribute type outside §7',
      'Schema',
      { id: USER, attributes: [{ name: 'userName', type: 'text', multiValued: false }] },
      ['/attributes/0/type: must be one of "string", "boolean", "decimal", "integer", "dateTime", "reference", "binary", "complex", got "text" (RFC 7643 §7)'],
    ],
    [
      'Schema: mutability in the wrong case, deep in subAttributes',
      'Schema',
      { id: USER, attributes: [{ name: 'name', type: 'complex', multiValued: false, subAttributes: [{ name: 'givenName', type: 'string', multiValued: false, mutability: 'readwrite' }] }] },
      ['/attributes/0/subAttributes/0/mutability: must be one of "readOnly", "readWrite", "immutable", "writeOnly", got "readwrite" (RFC 7643 §7)'],
    ],
    [
      'Schema: a null description (Entra fails on nulls in /Schemas)',
      'Schema',
      { id: USER, attributes: [{ name: 'userName', type: 'string', multiValued: false, description: null }] },
      ['/attributes/0/description: must be a string, got null (RFC 7643 §7)'],
    ],
    [
      'Schema: an attribute without multiValued, with a bad name',
      'Schema',
      { id: USER, attributes: [{ name: 'user name', type: 'string' }] },
      [
        '/attributes/0: missing required attribute "multiValued" (RFC 7643 §7)',
        '/attributes/0/name: must be an attribute name: a letter, then letters, digits, "-" or "_" (or "$ref"), got "user name" (RFC 7643 §2.1)',
      ],
    ],
  ];

  it.each(cases)('%s', (_what, name, value, expected) => {
    expect(lines(name, value)).toEqual(expected);
  });

  it('keeps the raw Ajv error for tools and the reference apart from the message', () => {
    const [issue] = validateMessage('User', { ...clone(fullUser), active: 'False' });
    expect(issue).toMatchObject({ pointer: '/active', message: 'must be a boolean', reference: 'RFC 7643 §4.1.1', ajv: { keyword: 'type' } });
  });
});

describe("Entra's PATCH bodies are valid PatchOps (entra-provisioning.md)", () => {
  it.each([
    'entra-patch-user-default.json',
    'entra-patch-user-aadoptscim062020.json',
    'entra-patch-group-default.json',
    'entra-patch-group-aadoptscim062020.json',
  ])('%s', (file) => {
    const body = fixture(file);
    expect(guessType(body)).toBe('PatchOp');
    expect(lines('PatchOp', body)).toEqual([]);
  });

  it('the default dialect: capitalised ops, "False" as a string, manager as a list or a plain id', () => {
    const body = patchOp(
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'manager', value: [{ $ref: null, value: 'm1' }] },
      { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] },
      { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: '' },
    );
    expect(lines('PatchOp', body)).toEqual([]);
  });
});

describe('what the reference server returns is valid', () => {
  let server: RunningServer;
  let s: ReturnType<typeof api>;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', seed: 3 });
    s = api(server.url, server.token);
  });
  afterAll(() => server.close());

  it('a created user with the enterprise extension, as POST and GET return it', async () => {
    const manager = await s.post('/Users', entraUser('manager@example.com'));
    expect(manager.status).toBe(201);
    const created = await s.post(
      '/Users',
      entraUser('ada@example.com', {
        displayName: 'Ada Lovelace',
        phoneNumbers: [{ type: 'work', value: '+1 555 0100', primary: true }],
        addresses: [{ type: 'work', locality: 'London', primary: true }],
        [ENT_URN]: { employeeNumber: '1815', department: 'Analytical Engines', manager: { value: manager.body.id } },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body[ENT_URN]).toMatchObject({ department: 'Analytical Engines', manager: { value: manager.body.id } });
    expect(lines('User', created.body)).toEqual([]);
    const read = await s.get(`/Users/${created.body.id}`);
    expect(lines('User', read.body)).toEqual([]);
    const list = await s.get('/Users?filter=userName+eq+"ada@example.com"');
    expect(list.body.totalResults).toBe(1);
    expect(lines('ListResponse', list.body)).toEqual([]);
    expect(lines('User', list.body.Resources[0])).toEqual([]);
  });

  it('a group with members', async () => {
    const users = (await s.get('/Users?count=2')).body.Resources as { id: string }[];
    const created = await s.post('/Groups', entraGroup('Engineers', { members: users.map((u) => ({ value: u.id })) }));
    expect(created.status).toBe(201);
    const read = await s.get(`/Groups/${created.body.id}`);
    expect(read.body.members).toHaveLength(2);
    expect(lines('Group', read.body)).toEqual([]);
  });

  it('/ServiceProviderConfig', async () => {
    const r = await s.get('/ServiceProviderConfig');
    expect(r.body.schemas).toEqual([SPC_URN]);
    expect(lines('ServiceProviderConfig', r.body)).toEqual([]);
  });

  it('/ResourceTypes and each entry', async () => {
    const r = await s.get('/ResourceTypes');
    expect(lines('ListResponse', r.body)).toEqual([]);
    expect(r.body.Resources).toHaveLength(2);
    for (const rt of r.body.Resources) expect(lines('ResourceType', rt)).toEqual([]);
    expect(lines('ResourceType', (await s.get('/ResourceTypes/User')).body)).toEqual([]);
  });

  it('/Schemas and each entry', async () => {
    const r = await s.get('/Schemas');
    expect(lines('ListResponse', r.body)).toEqual([]);
    expect(r.body.Resources.map((x: Json) => x.id)).toEqual(expect.arrayContaining([USER_URN, GROUP_URN, ENT_URN]));
    for (const schema of r.body.Resources) expect(lines('Schema', schema)).toEqual([]);
  });

  it('a 404 is a valid Error', async () => {
    const r = await s.get('/Users/does-not-exist');
    expect(r.status).toBe(404);
    expect(lines('Error', r.body)).toEqual([]);
  });
});

describe('validateFile', () => {
  it('places each issue at its value, and a missing attribute at the object that lacks it', () => {
    const text = '{\n  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],\n  "members": [\n    {"value": 1},\n    {"display": "x"}\n  ]\n}\n';
    const r = validateFile('g.json', text);
    expect(r.type).toBe('Group');
    expect(r.issues).toEqual([
      { pointer: '', line: 1, col: 1, message: 'missing required attribute "id"', reference: 'RFC 7643 §4.2' },
      { pointer: '/members/0/value', line: 4, col: 15, message: 'must be a string, got 1', reference: 'RFC 7643 §4.2' },
      { pointer: '/members/1', line: 5, col: 5, message: 'missing required attribute "value"', reference: 'RFC 7643 §4.2' },
    ]);
  });

  it('counts columns after CRLF line ends and a byte order mark, and finds keys that need escaping in a pointer', () => {
    const line3 = `  "${ENT_URN}": {"a/b~c": 1, "manager": {"value": false}}}`;
    const text = `\uFEFF{"schemas": ["${USER_URN}"],\r\n"id": "1", "userName": "u",\r\n${line3}`;
    expect(validateFile('u.json', text).issues).toEqual([
      {
        pointer: '/schemas',
        line: 1,
        col: 13,
        message: `must contain "${ENT_URN}" when the resource carries that extension, got ["${USER_URN}"]`,
        reference: 'RFC 7643 §3',
      },
      { pointer: `/${ENT_URN}/manager/value`, line: 3, col: line3.indexOf('false') + 1, message: 'must be a string, got false', reference: 'RFC 7643 §4.3' },
    ]);
    expect(parseJson('{"a/b~c": {"x": 1}}').offsetOf('/a~1b~0c/x')).toBe(16);
    expect(parseJson('{"a/b~c": {"x": 1}}').offsetOf('/a~1b~0c/missing')).toBe(10);
  });

  it('reports invalid JSON with its position and the pointer being read', () => {
    const cases: [string, number, number, string, string][] = [
      ['{"a": 1,\n}', 2, 1, '', 'unexpected "}" after ",": JSON allows no trailing comma'],
      ['{"a": [1, 2,]}', 1, 13, '/a', 'unexpected "]" after ",": JSON allows no trailing comma'],
      ['{"a": tru}', 1, 7, '/a', 'unexpected "t", expected a value'],
      ["{'a': 1}", 1, 2, '', `expected a property name in double quotes, got "'"`],
      ['{"a": "x\ny"}', 1, 9, '/a', 'control character U+000A in a string: escape it'],
      ['{"a": "\\q"}', 1, 8, '/a', 'invalid escape "\\\\q" in a string'],
      ['{"a": 01}', 1, 7, '/a', 'invalid number "01"'],
      ['{"a": 1 "b": 2}', 1, 9, '/a', 'expected "," or "}" after the value of "a", got "\\""'],
      ['{"a": "x', 1, 7, '/a', 'unterminated string'],
      ['[1] x', 1, 5, '', 'unexpected "x" after the end of the JSON value'],
      ['  \n', 1, 1, '', 'the file is empty'],
      ['{"a": [', 1, 8, '/a/0', 'unexpected end of the file, expected a value'],
    ];
    for (const [text, line, col, pointer, message] of cases) {
      expect(validateFile('x.json', text), text).toEqual({ file: 'x.json', type: null, issues: [{ pointer, line, col, message: `invalid JSON: ${message}`, reference: 'RFC 8259' }] });
    }
    expect(() => parseJson('{"a": }')).toThrow(JsonSyntaxError);
  });

  it('parses what JSON.parse parses, including escapes and "__proto__" keys', () => {
    const text = '{"s": "\\u00e9\\n\\"\\/", "n": [-1.5e3, 0, 10], "t": true, "f": false, "z": null, "__proto__": {"x": 1}}';
    const v = parseJson(text).value as Json;
    expect(v).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toContain('__proto__');
  });

  it('cannot guess a payload without a known URN, and says so', () => {
    expect(validateFile('x.json', '{"id": "1"}').issues).toEqual([
      { pointer: '', line: 1, col: 1, message: 'cannot tell the payload\'s type: it has no "schemas"; name it with --as', reference: 'RFC 7643 §3' },
    ]);
    expect(validateFile('x.json', '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}').issues[0]).toMatchObject({
      pointer: '/schemas',
      col: 13,
      message: expect.stringMatching(/^cannot tell the payload's type: "schemas" holds no known URN/),
    });
    expect(validateFile('x.json', '{"id": "1"}', 'EnterpriseUser')).toEqual({ file: 'x.json', type: 'EnterpriseUser', issues: [] });
  });

  it('guesses case-insensitively; the extension URN alone means a User', () => {
    expect(guessType({ schemas: ['URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP'] })).toBe('Group');
    expect(guessType({ schemas: [ENT_URN] })).toBe('User');
    expect(guessType({ schemas: [ENT_URN, USER_URN] })).toBe('User');
    expect(guessType({ schemas: 'urn:ietf:params:scim:schemas:core:2.0:User' })).toBeUndefined();
    expect(guessType([])).toBeUndefined();
  });

  it("checks a ListResponse's resources against their own schemas, and a top-level array element by element", () => {
    const list = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ ...clone(minimalUser), active: 'True' }] };
    expect(validateFile('l.json', JSON.stringify(list)).issues.map((i) => `${i.pointer}: ${i.message}`)).toEqual(['/Resources/0/active: must be a boolean, got "True"']);
    const rts = readFileSync(new URL('../../fixtures/payloads/rfc7643-8.6-resource-types.json', import.meta.url), 'utf8');
    expect(validateFile('rt.json', rts)).toEqual({ file: 'rt.json', type: 'ResourceType', issues: [] });
    expect(validateFile('mixed.json', JSON.stringify([minimalUser, group]))).toEqual({ file: 'mixed.json', type: null, issues: [] });
    expect(validateFile('empty.json', '[]').issues[0]!.message).toBe('the payload is an empty array: nothing to validate');
  });
});
