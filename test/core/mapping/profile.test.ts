import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { loadEntraSchema } from '../../../src/core/mapping/entra-schema.js';
import { parseProfile } from '../../../src/core/mapping/profile.js';

const ok = `id: mine
title: My app
users:
  matching: userName
  mappings:
    - { attribute: userName, type: String }
    - { attribute: externalID, type: String }
groups:
  mappings:
    - { attribute: displayName, type: String }
`;
const fails = (text: string) => {
  try {
    parseProfile(text, 'app.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('profile loader', () => {
  it('loads a profile; attribute names are case-insensitive; groups match on displayName by default', () => {
    const p = parseProfile(ok, 'app.yaml');
    expect(p.rows.map((r) => [r.object, r.attribute, r.matching])).toEqual([
      ['User', 'userName', true],
      ['User', 'externalID', false],
      ['Group', 'displayName', true],
    ]);
    expect(p.rows[1]!.where).toBe('app.yaml:7:20');
  });

  it.each([
    ['an unknown attribute', ok.replace('externalID', 'favouriteColour'), 'app.yaml:7:20: "favouriteColour" is not an attribute of the SCIM User schemas (RFC 7643)'],
    ['an unknown sub-attribute', ok.replace('externalID', 'name.nickname'), 'app.yaml:7:20: "name.nickname" is not an attribute of the SCIM User schemas (RFC 7643)'],
    ['a bad type', ok.replace('externalID, type: String', 'externalID, type: Text'), 'app.yaml:7:38: type must be one of String, Boolean, Reference, Integer, DateTime, got "Text"'],
    ['an unknown key', ok.replace('title: My app', 'title: My app\ncolour: red'), 'app.yaml:3:1: unknown key "colour"'],
    ['a matching attribute that is not mapped', ok.replace('matching: userName', 'matching: externalId2'), 'app.yaml:4:13: the matching attribute "externalId2" is not one of the users mappings'],
    ['neither users nor groups', 'id: x\ntitle: x\n', 'app.yaml:1:1: a profile needs "users" or "groups" mappings'],
    ['a malformed path', ok.replace('externalID', "'emails[type eq'"), /^app\.yaml:7:20: emails\[type eq: /],
  ])('%s', (_what, text, message) => {
    const m = fails(text);
    if (message instanceof RegExp) expect(m).toMatch(message);
    else expect(m).toBe(message);
  });
});

describe("Entra's schema export (Microsoft Graph synchronizationSchema)", () => {
  const file = fileURLToPath(new URL('../../fixtures/entra/scim-app-schema.json', import.meta.url));
  it('becomes a profile: enabled object mappings, matching by matchingPriority, types from the target directory', () => {
    const p = loadEntraSchema(file);
    expect(p.id).toBe('entra-schema-scim-app-schema');
    expect(p.rows.map((r) => [r.object, r.attribute, r.type, r.matching])).toEqual([
      ['User', 'userName', 'String', true],
      ['User', 'active', 'Boolean', false],
      ['User', 'displayName', 'String', false],
      ['User', 'title', 'String', false],
      ['User', 'emails[type eq "work"].value', 'String', false],
      ['User', 'externalId', 'String', false],
      ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'String', false],
      ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'Reference', false],
      ['Group', 'displayName', 'String', true],
      ['Group', 'externalId', 'String', false],
      ['Group', 'members', 'Reference', false],
    ]);
    expect(p.rows[1]!.source).toBe('Switch([IsSoftDeleted], , "False", "True", "True", "False")');
  });

  it('refuses a file that is not such an export, in one line', () => {
    expect(() => loadEntraSchema('/nonexistent.json')).toThrow('--entra-schema: cannot read /nonexistent.json: no such file');
    const readme = fileURLToPath(new URL('../../../package.json', import.meta.url));
    expect(() => loadEntraSchema(readme)).toThrow(/no synchronizationRules: expected the schema JSON that Entra's provisioning page downloads/);
  });
});
