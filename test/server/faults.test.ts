/**
 * Each named fault changes exactly the behaviour it names and nothing else. A battery of raw-HTTP probes records a
 * small observation each; for every fault, the set of probes whose observation differs from conformant mode must be
 * exactly the fault's expected set.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, startServer, type FaultName, type RunningServer } from '../../src/server/index.js';
import { api, ENT_URN, entraGroup, entraUser, GROUP_URN, nullsIn, patchOp, USER_URN } from '../helpers/scim-http.js';

type Api = ReturnType<typeof api>;
type Probe = (c: Api, server: RunningServer) => Promise<unknown>;
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
const ids = (body: { Resources?: { id: string }[] } | undefined) => body?.Resources?.map((r) => r.id);
let k = 0;
const name = (p: string) => `${p}-${++k}@example.com`;
// Probes that are not about Entra's body habits use neutral bodies (no null, no ADSCIM URI), so that a fault
// aimed at those habits shows only in the probes that test them.
async function user(c: Api, extra: Record<string, unknown> = {}) {
  const { nickName: _n, ...body } = entraUser(name('u'), extra);
  return (await c.post('/Users', body)).body as { id: string; userName: string };
}
async function group(c: Api, members: string[] = []) {
  const body = { schemas: [GROUP_URN], displayName: name('g'), ...(members.length ? { members: members.map((value) => ({ value })) } : {}) };
  return (await c.post('/Groups', body)).body as { id: string };
}
const accepted = (status: number) => status >= 200 && status < 300;
const memberIds = async (c: Api, gid: string) => ((await c.get(`/Groups/${gid}`)).body.members ?? []).map((m: { value: string }) => m.value).length;

const PROBES: Record<string, Probe> = {
  'auth.wrong-token': async (_c, s) => (await api(s.url, 'wrong').get('/Users')).status,
  'auth.challenge': async (_c, s) => {
    const r = await fetch(`${s.url}/Users`);
    return [r.status, r.headers.get('www-authenticate')];
  },
  'list.no-match': async (c) => {
    const r = await c.get(`/Users${q({ filter: 'userName eq "nobody-here"' })}`);
    return [r.status, r.body?.totalResults];
  },
  'list.schemas': async (c) => (await c.get(`/Users${q({ filter: 'userName eq "seed.user000001@example.org"' })}`)).body.schemas,
  'list.match-case': async (c) => ids((await c.get(`/Users${q({ filter: 'userName eq "SEED.USER000001@EXAMPLE.ORG"' })}`)).body),
  'list.names-any-case': async (c) => {
    const r = await c.get(`/Users${q({ filter: 'USERNAME EQ "seed.user000001@example.org"' })}`);
    return [r.status, ids(r.body)];
  },
  'list.ignores-others': async (c) => ids((await c.get(`/Users${q({ filter: 'userName eq "seed.user000004@example.org"' })}`)).body),
  'list.externalId': async (c) => {
    const r = await c.get(`/Users${q({ filter: 'externalId eq "seed-ext-000002"' })}`);
    return [r.status, ids(r.body)];
  },
  'list.and': async (c) => {
    const r = await c.get(`/Users${q({ filter: 'userName eq "seed.user000003@example.org" and active eq true' })}`);
    return [r.status, ids(r.body)];
  },
  'list.invalid-filter': async (c) => (await c.get(`/Users${q({ filter: 'userName eq' })}`)).status,
  'list.page': async (c) => {
    const b = (await c.get(`/Users${q({ filter: 'userName sw "seed.user00000"', startIndex: '3', count: '2' })}`)).body;
    return [b.totalResults, ids(b)];
  },
  'list.count0': async (c) => {
    const b = (await c.get(`/Users${q({ filter: 'userName sw "seed.user00000"', count: '0' })}`)).body;
    return [b.totalResults, b.Resources.length];
  },
  'list.start-zero': async (c) => (await c.get(`/Users${q({ startIndex: '0', count: '1' })}`)).body.startIndex,
  'groups.excluded-members': async (c) => 'members' in (await c.get(`/Groups${q({ filter: 'displayName eq "Seed Group 1"', excludedAttributes: 'members' })}`)).body.Resources[0],
  'users.attributes': async (c) => Object.keys((await c.get(`/Users${q({ filter: 'userName eq "seed.user000005@example.org"', attributes: 'userName' })}`)).body.Resources[0]).sort(),
  'error.format': async (c) => {
    const b = (await c.get('/Users/no-such-id')).body;
    return [typeof b?.status, b?.status, b?.schemas];
  },
  'read.unknown': async (c) => (await c.get('/Users/no-such-id')).status,
  'write.deleted': async (c) => {
    const u = await user(c);
    await c.del(`/Users/${u.id}`);
    const patch = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'Gone' }));
    return [patch.status, (await c.del(`/Users/${u.id}`)).status];
  },
  'create.user': async (c) => {
    const { nickName: _n, ...body } = entraUser(name('create'));
    const r = await c.post('/Users', body);
    return [r.status, r.headers.get('location') === r.body.meta.location];
  },
  'create.dup': async (c) => {
    const u = await user(c);
    return (await c.post('/Users', { schemas: [USER_URN], userName: u.userName })).status;
  },
  'create.dup-case': async (c) => {
    const u = await user(c);
    return (await c.post('/Users', { schemas: [USER_URN], userName: u.userName.toUpperCase() })).status;
  },
  'create.group-dup': async (c) => {
    const n = name('team');
    await c.post('/Groups', { schemas: [GROUP_URN], displayName: n });
    return (await c.post('/Groups', { schemas: [GROUP_URN], displayName: n })).status;
  },
  'create.no-username': async (c) => {
    return (await c.post('/Users', { schemas: [USER_URN], displayName: 'No Name' })).status;
  },
  'create.malformed': async (c) => (await c.post('/Users', '{"schemas": [')).status,
  'create.adscim': async (c) => accepted((await c.post('/Groups', entraGroup(name('adscim')))).status),
  'create.null-attr': async (c) => accepted((await c.post('/Users', { schemas: [USER_URN], userName: name('null'), title: null })).status),
  'create.bool-string': async (c) => {
    const r = await c.post('/Users', { schemas: [USER_URN], userName: name('bool'), active: 'True' });
    return [accepted(r.status), r.body?.active];
  },
  'store.attributes': async (c) => {
    const boss = await user(c);
    const u = await user(c, {
      preferredLanguage: 'nl-NL',
      phoneNumbers: [{ type: 'work', value: '+31 20 555 0100' }],
      [ENT_URN]: { department: 'R&D', manager: { value: boss.id } },
    });
    const r = (await c.get(`/Users/${u.id}`)).body;
    return { preferredLanguage: r.preferredLanguage, phones: r.phoneNumbers?.length, department: r[ENT_URN]?.department, manager: r[ENT_URN]?.manager?.value === boss.id };
  },
  'delete.status': async (c) => (await c.del(`/Users/${(await user(c)).id}`)).status,
  'delete.then-get': async (c) => {
    const u = await user(c);
    await c.del(`/Users/${u.id}`);
    return (await c.get(`/Users/${u.id}`)).status;
  },
  'soft-delete.visible': async (c) => {
    const u = await user(c);
    await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    const get = await c.get(`/Users/${u.id}`);
    const found = (await c.get(`/Users${q({ filter: `userName eq "${u.userName}"` })}`)).body.totalResults;
    return [get.status, found];
  },
  'patch.active': async (c) => {
    const u = await user(c);
    return (await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }))).body.active;
  },
  'etag.stale': async (c) => {
    const u = await user(c);
    return (await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' }), { 'if-match': 'W/"999"' })).status;
  },
  'put.clears': async (c) => {
    const u = await user(c, { title: 'Keep?' });
    return (await c.put(`/Users/${u.id}`, { schemas: [USER_URN], userName: u.userName })).body.title ?? null;
  },
  'patch.op-case': async (c) => {
    const u = await user(c);
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'Replace', path: 'title', value: 'Boss' }));
    return [r.status, r.body?.title];
  },
  'patch.value-path': async (c) => {
    const u = await user(c);
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'emails[type eq "work"].value', value: 'moved@example.com' }));
    return [r.status, r.body?.emails?.[0]?.value];
  },
  'patch.pathless': async (c) => {
    const u = await user(c);
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', value: { 'name.givenName': 'Grace', [`${ENT_URN}:department`]: 'Navy' } }));
    return [r.status, r.body?.name?.givenName, r.body?.[ENT_URN]?.department];
  },
  'patch.add-members': async (c) => {
    const a = await user(c);
    const b = await user(c);
    const g = await group(c);
    await c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }] }));
    return memberIds(c, g.id);
  },
  'patch.remove-member-value': async (c) => {
    const a = await user(c);
    const b = await user(c);
    const g = await group(c, [a.id, b.id]);
    await c.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members', value: [{ value: a.id }] }));
    return memberIds(c, g.id);
  },
  'patch.remove-member-filter': async (c) => {
    const a = await user(c);
    const b = await user(c);
    const g = await group(c, [a.id, b.id]);
    const r = await c.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }));
    return [r.status, await memberIds(c, g.id)];
  },
  'patch.add-to-members': async (c) => {
    const a = await user(c);
    const b = await user(c);
    const g = await group(c, [a.id]);
    await c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: b.id }] }));
    return memberIds(c, g.id);
  },
  'patch.add-existing-member': async (c) => {
    const a = await user(c);
    const g = await group(c, [a.id]);
    await c.patch(`/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }));
    return memberIds(c, g.id);
  },
  'delete.leaves-groups': async (c) => {
    const a = await user(c);
    const g = await group(c, [a.id]);
    await c.del(`/Users/${a.id}`);
    return memberIds(c, g.id);
  },
  'patch.invalid-ops': async (c) => {
    const u = await user(c, { title: 'Before' });
    const unknown = await c.patch(`/Users/${u.id}`, patchOp({ op: 'merge', path: 'title', value: 'After' }));
    const pathless = await c.patch(`/Users/${u.id}`, patchOp({ op: 'remove' }));
    return [unknown.status, pathless.status, (await c.get(`/Users/${u.id}`)).body.title];
  },
  'patch.response': async (c) => {
    const u = await user(c, { title: 'Before' });
    const r = await c.patch(`/Users/${u.id}?attributes=title`, patchOp({ op: 'replace', path: 'title', value: 'After' }));
    return [r.status, r.body?.title];
  },
  'patch.atomic': async (c) => {
    const u = await user(c, { title: 'Before' });
    const r = await c.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'After' }, { op: 'replace', path: 'bogusAttr', value: 1 }));
    return [r.status, (await c.get(`/Users/${u.id}`)).body.title];
  },
  'discovery.nulls': async (c) => nullsIn((await c.get('/Schemas')).body).length,
  'discovery.enterprise': async (c) => {
    const schemas = ids((await c.get('/Schemas')).body);
    const rt = (await c.get('/ResourceTypes/User')).body;
    return [schemas, rt.schemaExtensions];
  },
  'spc.patch': async (c) => (await c.get('/ServiceProviderConfig')).body.patch,
};

/** For each fault, the probes whose observation it must change (and no other). */
const EXPECTED: Record<FaultName, string[]> = {
  'auth-not-enforced': ['auth.wrong-token', 'auth.challenge'],
  'www-authenticate-missing': ['auth.challenge'],
  'filter-404-on-no-match': ['list.no-match'],
  'filter-ignored': ['list.no-match', 'list.match-case', 'list.names-any-case', 'list.ignores-others', 'list.externalId', 'list.and', 'list.invalid-filter', 'list.page', 'list.count0', 'soft-delete.visible'],
  'filter-case-sensitive': ['list.match-case'],
  'filter-names-case-sensitive': ['list.names-any-case'],
  'filter-and-unsupported': ['list.and'],
  'filter-externalid-unsupported': ['list.externalId'],
  'filter-invalid-returns-500': ['list.invalid-filter'],
  'list-no-schemas': ['list.schemas'],
  'list-total-is-page-size': ['list.page', 'list.count0'],
  'pagination-off-by-one': ['list.page'],
  'pagination-ignores-count': ['list.page', 'list.count0'],
  'start-index-below-one-echoed': ['list.start-zero'],
  'excluded-attributes-ignored': ['groups.excluded-members'],
  'attributes-ignored': ['users.attributes'],
  'error-status-number': ['error.format'],
  'error-not-scim': ['error.format'],
  'create-returns-200': ['create.user'],
  'create-no-location': ['create.user'],
  'location-not-meta-location': ['create.user'],
  'duplicate-username-allowed': ['create.dup', 'create.dup-case'],
  'duplicate-username-case-sensitive': ['create.dup-case'],
  'duplicate-group-allowed': ['create.group-dup'],
  'missing-username-accepted': ['create.no-username'],
  'malformed-json-500': ['create.malformed'],
  'unknown-schema-rejected': ['create.adscim'],
  'null-attribute-rejected': ['create.null-attr'],
  'bool-string-rejected': ['create.bool-string'],
  'delete-returns-200': ['delete.status'],
  'deleted-still-readable': ['delete.then-get'],
  'write-unknown-id-500': ['write.deleted'],
  'soft-delete-hides-user': ['soft-delete.visible'],
  'etag-ignored': ['etag.stale'],
  'put-keeps-omitted': ['put.clears'],
  'patch-op-case-sensitive': ['patch.op-case'],
  'patch-value-path-unsupported': ['patch.value-path'],
  'patch-pathless-dotted-ignored': ['patch.pathless'],
  'patch-add-members-first-only': ['patch.add-members'],
  'patch-remove-member-value-ignored': ['patch.remove-member-value'],
  'patch-remove-member-filter-unsupported': ['patch.remove-member-filter'],
  // A failing operation is swallowed and the PATCH answered 200, also when it is the only one.
  'patch-not-atomic': ['patch.atomic', 'patch.invalid-ops'],
  'patch-invalid-ops-ignored': ['patch.invalid-ops'],
  // Every probe that reads a PATCH response body.
  'patch-returns-old-resource': ['patch.active', 'patch.op-case', 'patch.value-path', 'patch.pathless', 'patch.response'],
  'patch-add-replaces-members': ['patch.add-to-members'],
  'patch-add-member-duplicates': ['patch.add-existing-member'],
  'delete-keeps-memberships': ['delete.leaves-groups'],
  'patch-active-ignored': ['patch.active'],
  'drop-preferred-language': ['store.attributes'],
  'drop-phone-numbers': ['store.attributes'],
  'drop-enterprise-extension': ['store.attributes', 'patch.pathless'],
  'drop-manager': ['store.attributes'],
  'discovery-nulls': ['discovery.nulls'],
  'discovery-missing-enterprise': ['discovery.enterprise'],
  'spc-patch-false': ['spc.patch'],
};

async function observe(faults: FaultName[]): Promise<Record<string, unknown>> {
  const server = await startServer({ seed: 12, faults });
  const c = api(server.url, server.token);
  const out: Record<string, unknown> = {};
  try {
    for (const [probe, fn] of Object.entries(PROBES)) out[probe] = await fn(c, server);
  } finally {
    await server.close();
  }
  return out;
}

let baseline: Record<string, unknown>;
beforeAll(async () => {
  baseline = await observe([]);
});

describe('named faults', () => {
  it('there are at least 25, each expected to change something', () => {
    expect(Object.keys(FAULTS).length).toBeGreaterThanOrEqual(25);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(FAULTS).sort());
    for (const probes of Object.values(EXPECTED)) for (const p of probes) expect(PROBES).toHaveProperty([p]);
  });

  it('conformant mode observes what the RFC and Entra expect', () => {
    expect(baseline).toMatchObject({
      'auth.wrong-token': 401,
      'auth.challenge': [401, 'Bearer realm="scimcheck"'],
      'list.names-any-case': [200, ['seed-user-000001']],
      'list.start-zero': 1,
      'write.deleted': [404, 404],
      'patch.add-to-members': 2,
      'patch.invalid-ops': [400, 400, 'Before'],
      'patch.response': [200, 'After'],
      'list.no-match': [200, 0],
      'list.match-case': ['seed-user-000001'],
      'list.externalId': [200, ['seed-user-000002']],
      'list.and': [200, ['seed-user-000003']],
      'list.invalid-filter': 400,
      'list.page': [9, ['seed-user-000003', 'seed-user-000004']],
      'list.count0': [9, 0],
      'groups.excluded-members': false,
      'users.attributes': ['id', 'schemas', 'userName'],
      'error.format': ['string', '404', ['urn:ietf:params:scim:api:messages:2.0:Error']],
      'create.user': [201, true],
      'create.dup': 409,
      'create.dup-case': 409,
      'create.group-dup': 409,
      'create.no-username': 400,
      'create.malformed': 400,
      'create.adscim': true,
      'create.null-attr': true,
      'create.bool-string': [true, true],
      'store.attributes': { preferredLanguage: 'nl-NL', phones: 1, department: 'R&D', manager: true },
      'delete.status': 204,
      'delete.then-get': 404,
      'soft-delete.visible': [200, 1],
      'patch.active': false,
      'etag.stale': 412,
      'put.clears': null,
      'patch.op-case': [200, 'Boss'],
      'patch.value-path': [200, 'moved@example.com'],
      'patch.pathless': [200, 'Grace', 'Navy'],
      'patch.add-members': 2,
      'patch.remove-member-value': 1,
      'patch.remove-member-filter': [200, 1],
      'patch.atomic': [400, 'Before'],
      'patch.add-existing-member': 1,
      'delete.leaves-groups': 0,
      'discovery.nulls': 0,
      'discovery.enterprise': [[USER_URN, GROUP_URN, ENT_URN], [{ schema: ENT_URN, required: false }]],
      'spc.patch': { supported: true },
    });
  });

  it.each(Object.keys(FAULTS) as FaultName[])('%s changes exactly what it names', async (fault) => {
    const seen = await observe([fault]);
    const changed = Object.keys(PROBES).filter((p) => JSON.stringify(seen[p]) !== JSON.stringify(baseline[p]));
    const detail = Object.fromEntries(changed.map((p) => [p, { conformant: baseline[p], faulty: seen[p] }]));
    expect({ changed: changed.sort(), detail }).toMatchObject({ changed: [...EXPECTED[fault]].sort() });
  });
});
