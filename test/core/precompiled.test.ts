/**
 * Build-time work (issue 8): AJV validators precompiled to standalone code, and the built-in suites and profiles
 * parsed into a cache. `npm test` builds first, so the generated files are there; these tests prove they are used,
 * that they give exactly what compiling and parsing at run time give, and that a stale one is not used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileDir, parseProfile, profileSchemaSet } from '../../src/core/mapping/profile.js';
import { BUILTIN_PROFILE_DIR, BUILTIN_SUITE_DIR } from '../../src/core/paths.js';
import { coreExtensionSet, extensionKey, schemaDefsFromListResponse, schemaDefToJsonSchema, ServerSchemas } from '../../src/core/scim/compile-schema.js';
import { ENTERPRISE_USER_SCHEMA_URN } from '../../src/core/scim/core-schemas.js';
import { MESSAGE_SCHEMA_NAMES, messageSchemaSet } from '../../src/core/scim/validate.js';
import { loadSuiteDir, parseSuite, suiteSchemaSet } from '../../src/core/suite/loader.js';
import { compileSet, setHash, validatorSource, validatorsOf, type ValidatorSet } from '../../src/core/util/ajv.js';
import { fromBuiltinCache } from '../../src/core/util/builtin-cache.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

const SETS: [string, () => ValidatorSet][] = [
  ['message-schemas', messageSchemaSet],
  ['suite-schema', suiteSchemaSet],
  ['profile-schema', profileSchemaSet],
  ['extension-schemas', coreExtensionSet],
];

const payloadDir = fileURLToPath(new URL('../fixtures/payloads/', import.meta.url));
const payloads = [
  ...readdirSync(payloadDir).filter((f) => f.endsWith('.json')).map((f) => join(payloadDir, f)),
  ...readdirSync(join(payloadDir, 'invalid')).filter((f) => f.endsWith('.json')).map((f) => join(payloadDir, 'invalid', f)),
]
  .map((f) => {
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as unknown;
    } catch {
      return undefined; // the fixture of a JSON syntax error
    }
  })
  .filter((p) => p !== undefined);
// Values that break the schemas in many ways: wrong types, bad formats, missing attributes, nested in $refs.
const broken: unknown[] = [
  null,
  42,
  {},
  { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 7, emails: [{ value: 1, primary: 'yes' }], meta: { created: 'yesterday', location: 'not a uri' } },
  { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER_SCHEMA_URN], userName: 'a', [ENTERPRISE_USER_SCHEMA_URN]: { manager: 'bob', employeeNumber: 3 } },
  { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: 404, scimType: 'nope' },
  { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: '1', Resources: [{ id: 1 }] },
  { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Jump', path: 5 }] },
];

/** The parts of an Ajv error that do not depend on how the validator was built. */
const comparable = (errors: unknown) =>
  ((errors ?? []) as { instancePath: string; schemaPath: string; keyword: string; params: unknown; message?: string; parentSchema?: unknown }[]).map((e) => ({
    instancePath: e.instancePath,
    schemaPath: e.schemaPath,
    keyword: e.keyword,
    params: e.params,
    message: e.message,
    parentSchema: e.parentSchema,
  }));

describe('precompiled validators', () => {
  it.each(SETS)('%s is loaded from dist/generated, not compiled', (_name, set) => {
    expect(validatorSource(set())).toBe('precompiled');
  });

  it.each(SETS)('%s: precompiled and compiled validators give the same verdicts and errors', (_name, set) => {
    const pre = validatorsOf(set());
    const fresh = compileSet(set());
    expect(Object.keys(pre).sort()).toEqual(Object.keys(fresh).sort());
    for (const name of Object.keys(fresh)) {
      for (const value of [...payloads, ...broken]) {
        const a = pre[name]!(value);
        const b = fresh[name]!(value);
        expect({ name, value, ok: a }).toEqual({ name, value, ok: b });
        expect(comparable(pre[name]!.errors)).toEqual(comparable(fresh[name]!.errors));
      }
    }
  });

  it('a set whose schema text changed since the build is compiled, not taken from the stale module', () => {
    const set = messageSchemaSet();
    const edited: ValidatorSet = { ...set, schemas: set.schemas.map((s, i) => (i === 0 ? `${s} ` : s)) };
    expect(setHash(edited)).not.toBe(setHash(set));
    expect(validatorSource(edited)).toBe('compiled');
    const changedOptions: ValidatorSet = { ...set, options: { ...set.options, allErrors: false } };
    expect(validatorSource(changedOptions)).toBe('compiled');
  });

  it('every message schema is in the generated module', () => {
    expect(Object.keys(validatorsOf(messageSchemaSet())).sort()).toEqual([...MESSAGE_SCHEMA_NAMES].sort());
  });

  describe("the reference server's enterprise extension uses the precompiled validator", () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({ seed: 0 });
    });
    afterAll(() => server.close());

    it('its /Schemas definition compiles to the JSON Schema precompiled at build time, and type-checks', async () => {
      const res = await fetch(`${server.url}/Schemas`, { headers: { authorization: `Bearer ${server.token}` } });
      const defs = schemaDefsFromListResponse(await res.json());
      const ent = defs.find((d) => d.id === ENTERPRISE_USER_SCHEMA_URN)!;
      expect(Object.keys(coreExtensionSet().exports)).toContain(extensionKey(schemaDefToJsonSchema(ent)));
      const checks = new ServerSchemas(defs);
      expect(checks.size).toBe(1);
      expect(checks.check({ [ENTERPRISE_USER_SCHEMA_URN]: { employeeNumber: '7', manager: { value: 'x' } } })).toEqual([]);
      expect(checks.check({ [ENTERPRISE_USER_SCHEMA_URN]: { employeeNumber: 7, manager: 'x' } }).map((i) => i.pointer)).toEqual([
        `/${ENTERPRISE_USER_SCHEMA_URN}/employeeNumber`,
        `/${ENTERPRISE_USER_SCHEMA_URN}/manager`,
      ]);
    });
  });
});

describe('the cache of built-in suites and profiles', () => {
  const cases = [
    ['suites', fileURLToPath(BUILTIN_SUITE_DIR), parseSuite],
    ['profiles', fileURLToPath(BUILTIN_PROFILE_DIR), parseProfile],
  ] as const;
  for (const [kind, dir, parse] of cases) {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    it(`has every built-in ${kind} file, equal to parsing it now (with the caller's display path)`, () => {
      expect(files.length).toBeGreaterThanOrEqual(5);
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        const display = `some/where/${f}`;
        const cached = fromBuiltinCache(kind, f, text, display);
        expect(cached).toBeDefined();
        expect(cached).toEqual(parse(text, display));
      }
    });
    it(`is not used for ${kind} text that changed since the build, nor for a name it does not know`, () => {
      const f = files[0]!;
      const text = readFileSync(join(dir, f), 'utf8');
      expect(fromBuiltinCache(kind, f, `${text}\n# edited\n`, f)).toBeUndefined();
      expect(fromBuiltinCache(kind, `other-${f}`, text, f)).toBeUndefined();
    });
  }

  it('loadSuiteDir and loadProfileDir give the same as before the cache: positions relative to the working directory', () => {
    const suites = loadSuiteDir();
    const uc = suites.find((s) => s.id === 'users-crud')!;
    expect(uc.file).toBe(join('suites', 'users-crud.yaml'));
    expect(uc.steps[0]!.where).toMatch(/^suites\/users-crud\.yaml:\d+:\d+$/);
    const profiles = loadProfileDir();
    expect(profiles.find((p) => p.id === 'zenya')!.rows[0]!.where).toMatch(/^suites\/apps\/zenya\.yaml:\d+:\d+$/);
  });
});
