/**
 * Attribute-mapping verdicts against the reference server: every row of every profile passes in conformant mode, and
 * under each fault exactly the rows whose attribute the fault breaks fail, in every profile where that attribute
 * appears, with the phase that failed named.
 */
import { describe, expect, it } from 'vitest';
import { ScimClient } from '../../../src/core/http/client.js';
import type { MappingResult } from '../../../src/core/mapping/engine.js';
import { loadProfileDir } from '../../../src/core/mapping/profile.js';
import { runSuites } from '../../../src/core/runner/runner.js';
import type { Dialect } from '../../../src/core/suite/model.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';
import { FAULTS, startServer, type FaultName } from '../../../src/server/index.js';

const profiles = loadProfileDir();
const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user';
const key = (m: { object: string; attribute: string }) => `${m.object}:${m.attribute.toLowerCase()}`;

async function runProfiles(faults: string[] = [], dialects?: Dialect[]) {
  const server = await startServer({ seed: 3, faults });
  const client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: '/' }));
  try {
    const result = await runSuites({ suites: [], client, profiles, ...(dialects ? { dialects } : {}) });
    const snap = server.snapshot();
    const leftovers = [...snap.users, ...snap.groups].filter((r) => !String(r.id).startsWith('seed-')).length;
    return { result, leftovers };
  } finally {
    await client.close();
    await server.close();
  }
}

const ENT = (...names: string[]) => names.map((n) => `User:${E}:${n}`);
const ADDRESSES = ['country', 'formatted', 'locality', 'postalcode', 'region', 'streetaddress'].map((s) => `User:addresses[type eq "work"].${s}`);
const PHONES = ['fax', 'mobile', 'work'].map((t) => `User:phonenumbers[type eq "${t}"].value`);
const VALUE_PATHS = [...ADDRESSES, 'User:emails[type eq "work"].value', ...PHONES];
const ALL_ROWS = [...new Set(profiles.flatMap((p) => p.rows.map(key)))];

/** Each fault: the rows (object:attribute, lower-cased) that must fail in every profile that has them. */
const EXPECTED: Partial<Record<FaultName, string[]>> = {
  'filter-ignored': ['Group:displayname', 'User:username'],
  'filter-case-sensitive': ['User:username'],
  'null-attribute-rejected': ['Group:members'], // Entra's legacy member add sends "$ref": null
  'bool-string-rejected': ['User:active'],
  'soft-delete-hides-user': ['User:active'],
  'patch-active-ignored': ['User:active'],
  // Entra's legacy dialect writes "Replace"/"Add"/"Remove": every row's legacy update fails
  'patch-op-case-sensitive': ALL_ROWS,
  'patch-value-path-unsupported': VALUE_PATHS,
  'patch-pathless-dotted-ignored': ['User:name.familyname', 'User:name.formatted', 'User:name.givenname', ...ENT('costcenter', 'department', 'division', 'employeenumber')],
  'patch-add-members-first-only': ['Group:members'],
  // patch-add-member-duplicates: each dialect uses its own group and never adds a member twice; the rule is
  // checked by groups-membership/add-existing-member-result.
  'patch-remove-member-value-ignored': ['Group:members'],
  'patch-remove-member-filter-unsupported': ['Group:members'],
  'drop-preferred-language': ['User:preferredlanguage'],
  'drop-phone-numbers': PHONES,
  'drop-enterprise-extension': ENT('costcenter', 'department', 'division', 'employeenumber', 'manager'),
  'drop-manager': ENT('manager'),
  'discovery-missing-enterprise': ENT('costcenter', 'department', 'division', 'employeenumber', 'manager'),
};

function failing(mappings: MappingResult[]) {
  return mappings.filter((m) => m.outcome !== 'passed');
}

describe('attribute-mapping profiles', () => {
  it('have the row counts of the tutorials', () => {
    const counts = Object.fromEntries(profiles.map((p) => [p.id, [p.rows.filter((r) => r.object === 'User').length, p.rows.filter((r) => r.object === 'Group').length]]));
    expect(counts).toEqual({ zenya: [10, 3], 'zscaler-beta': [7, 3], 'zscaler-two': [7, 3], 'zscaler-private-access': [13, 3], 'entra-default': [22, 3] });
  });

  it('pass row by row on the conformant reference server, leaving nothing behind', async () => {
    const { result, leftovers } = await runProfiles();
    expect(failing(result.mappings).map((m) => `${m.app} ${m.attribute}: ${m.message}`)).toEqual([]);
    expect(result.mappings).toHaveLength(74);
    expect(result.summary.mappings).toEqual({ passed: 74, failed: 0, errored: 0, skipped: 0 });
    expect(result.exitCode).toBe(0);
    expect(leftovers).toBe(0);
    const userName = result.mappings.find((m) => m.app === 'zenya' && m.attribute === 'userName')!;
    expect(userName).toMatchObject({ matching: true, phases: { declared: 'passed', create: 'passed', read: 'passed', update: 'passed', filter: 'passed' }, dialects: { 'entra-legacy': 'passed', entra: 'passed' } });
    expect(result.mappings.find((m) => m.app === 'zenya' && m.attribute === 'title')!.phases.filter).toBe('n/a');
  });

  it.each(Object.keys(FAULTS) as FaultName[])('with %s, exactly the rows of the broken attributes fail, in every profile that has them', async (fault) => {
    const { result, leftovers } = await runProfiles([fault]);
    const bad = failing(result.mappings);
    const want = new Set(EXPECTED[fault] ?? []);
    expect([...new Set(bad.map(key))].sort(), bad.map((m) => `${m.app} ${m.attribute}: ${m.message}`).join('\n')).toEqual([...want].sort());
    // ... in every profile where the attribute appears
    for (const p of profiles) {
      const expectedHere = p.rows.filter((r) => want.has(key(r))).map((r) => r.attribute).sort();
      expect(bad.filter((m) => m.app === p.id).map((m) => m.attribute).sort()).toEqual(expectedHere);
    }
    expect(result.exitCode).toBe(want.size ? 1 : 0);
    // A server that hides disabled users answers 404 to their DELETE too: they stay behind (and cleanup says so).
    expect(leftovers).toBe(fault === 'soft-delete-hides-user' ? 5 : 0);
  });

  it('name the phase and the dialect that failed', async () => {
    const drop = (await runProfiles(['drop-preferred-language'])).result.mappings.find((m) => m.app === 'zenya' && m.attribute === 'preferredLanguage')!;
    expect(drop.phases).toEqual({ declared: 'passed', create: 'passed', read: 'failed', update: 'failed', filter: 'n/a' });
    expect(drop.message).toMatch(/^read: after create, preferredLanguage is absent, expected "en-US"; update: /);
    expect(drop.exchanges[0]!.request.method).toBe('GET');

    const bool = (await runProfiles(['bool-string-rejected'])).result.mappings.find((m) => m.app === 'zscaler-beta' && m.attribute === 'active')!;
    expect(bool.phases.update).toBe('failed');
    expect(bool.dialects).toEqual({ 'entra-legacy': 'failed', entra: 'passed' });
    expect(bool.message).toBe('update: PATCH [entra-legacy] disabling answered 400 (invalidValue: active must be a boolean, got the string "False")');

    const valuePath = (await runProfiles(['patch-value-path-unsupported'])).result.mappings.find((m) => m.app === 'zenya' && m.attribute === 'emails[type eq "work"].value')!;
    expect(valuePath.phases).toMatchObject({ create: 'passed', read: 'passed', update: 'failed' });
    expect(valuePath.dialects).toEqual({ 'entra-legacy': 'failed', entra: 'failed' });

    const undeclared = (await runProfiles(['discovery-missing-enterprise'])).result.mappings.find((m) => m.app === 'zenya' && m.attribute.endsWith(':department'))!;
    expect(undeclared.phases).toEqual({ declared: 'failed', create: 'passed', read: 'passed', update: 'passed', filter: 'n/a' });
    expect(undeclared.message).toBe(`declared: the server's /Schemas does not declare urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`);
  });

  it('run one dialect when asked', async () => {
    const { result } = await runProfiles(['bool-string-rejected'], ['entra']);
    expect(failing(result.mappings)).toEqual([]);
    expect(result.mappings[0]!.dialects).toEqual({ entra: 'passed' });
  });
});
