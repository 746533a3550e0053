/**
 * The reference server in conformant mode, tested with raw HTTP (not through scimcheck's checks), section by
 * section of RFC 7643/7644 and for what Entra needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { api, ENT_URN, entraGroup, entraUser, GROUP_URN, nullsIn, patchOp, USER_URN } from '../helpers/scim-http.js';

let server: RunningServer;
let s: ReturnType<typeof api>;
beforeAll(async () => {
  server = await startServer({ token: 'server-test-token', seed: 25 });
  s = api(server.url, server.token);
});
afterAll(() => server.close());

let n = 0;
const uniq = (p: string) => `${p}-${++n}-${Date.now()}@example.com`;
async function newUser(extra: Record<string, unknown> = {}) {
  const r = await s.post('/Users', entraUser(uniq('user'), extra));
  expect(r.status).toBe(201);
  return r.body;
}

describe('authentication (RFC 7644 §2, §3.12)', () => {
  it('answers 401 with WWW-Authenticate and a SCIM Error without or with a wrong token', async () => {
    for (const auth of [undefined, 'Bearer wrong']) {
      const r = await fetch(`${server.url}/Users`, { headers: auth ? { authorization: auth } : {} });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="scimcheck"');
      expect(await r.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    }
  });
});

describe('discovery (RFC 7643 §5-§7, RFC 7644 §4)', () => {
  it('serves a ServiceProviderConfig that tells the truth', async () => {
    const r = await s.get('/ServiceProviderConfig');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      sort: { supported: true },
      etag: { supported: true },
      changePassword: { supported: false },
      meta: { resourceType: 'ServiceProviderConfig', location: `${server.url}/ServiceProviderConfig` },
    });
    expect(r.body.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', primary: true });
  });

  it('lists resource types and serves each by id', async () => {
    const list = await s.get('/ResourceTypes');
    expect(list.body.totalResults).toBe(2);
    expect(list.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const user = await s.get('/ResourceTypes/User');
    expect(user.body).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER_URN, schemaExtensions: [{ schema: ENT_URN, required: false }] });
    expect((await s.get('/ResourceTypes/Nope')).status).toBe(404);
  });

  it('lists schemas with complete attribute definitions and no nulls, and serves each by URN', async () => {
    const list = await s.get('/Schemas');
    expect(list.body.Resources.map((r: { id: string }) => r.id)).toEqual([USER_URN, GROUP_URN, ENT_URN]);
    expect(nullsIn(list.body)).toEqual([]);
    const user = await s.get(`/Schemas/${USER_URN}`);
    const userName = user.body.attributes.find((a: { name: string }) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite', returned: 'default' });
    expect(user.body.meta.location).toBe(`${server.url}/Schemas/${USER_URN}`);
    expect((await s.get('/Schemas/urn:nope')).status).toBe(404);
  });
});

describe('create (RFC 7644 §3.3)', () => {
  it("accepts Entra's user body (nulls, empty roles, meta) and answers 201 with Location, meta and ETag", async () => {
    const userName = uniq('create');
    const r = await s.post('/Users', entraUser(userName, { [ENT_URN]: { department: 'Sales' }, password: 'Secret#1234' }));
    expect(r.status).toBe(201);
    expect(typeof r.body.id).toBe('string');
    expect(r.headers.get('location')).toBe(`${server.url}/Users/${r.body.id}`);
    expect(r.body.meta).toMatchObject({ resourceType: 'User', location: `${server.url}/Users/${r.body.id}`, version: 'W/"1"' });
    expect(r.headers.get('etag')).toBe('W/"1"');
    expect(r.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    expect(r.body.schemas).toEqual([USER_URN, ENT_URN]);
    expect(r.body).toMatchObject({ userName, active: true, emails: [{ primary: true, type: 'work', value: userName }], [ENT_URN]: { department: 'Sales' } });
    expect(r.body.password).toBeUndefined();
    expect(r.body.roles).toBeUndefined();
    expect(r.body.nickName).toBeUndefined();
    expect(nullsIn(r.body)).toEqual([]);
  });

  it('ignores the unknown ADSCIM schema URI on groups', async () => {
    const r = await s.post('/Groups', entraGroup(uniq('group')));
    expect(r.status).toBe(201);
    expect(r.body.schemas).toEqual([GROUP_URN]);
    expect(r.body.members).toBeUndefined();
  });

  it('answers 409 uniqueness for a duplicate userName, also in another case, and for a duplicate group displayName', async () => {
    const userName = uniq('Dup');
    expect((await s.post('/Users', entraUser(userName))).status).toBe(201);
    for (const again of [userName, userName.toUpperCase()]) {
      const r = await s.post('/Users', entraUser(again));
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
      expect(r.body.detail).toMatch(/is already taken/);
    }
    const name = uniq('team');
    expect((await s.post('/Groups', entraGroup(name))).status).toBe(201);
    expect((await s.post('/Groups', entraGroup(name.toUpperCase()))).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('answers 400 for a missing userName, malformed JSON, a missing core schema, and a wrong type', async () => {
    const { userName: _u, ...noName } = entraUser('x');
    expect((await s.post('/Users', noName)).body).toMatchObject({ status: '400', scimType: 'invalidValue', detail: 'userName is required' });
    expect((await s.post('/Users', '{"userName": ')).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await s.post('/Users', { userName: 'a' })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await s.post('/Users', entraUser(uniq('t'), { active: 'maybe' }))).body).toMatchObject({ status: '400', scimType: 'invalidValue', detail: 'active must be a boolean' });
  });

  it('coerces "True"/"False" strings for booleans', async () => {
    const u = await newUser({ active: 'False' });
    expect(u.active).toBe(false);
  });
});

describe('read, replace, delete (RFC 7644 §3.4.1, §3.5.1, §3.6)', () => {
  it('reads by id, and answers 404 with a SCIM Error for an unknown id', async () => {
    const u = await newUser();
    expect((await s.get(`/Users/${u.id}`)).body).toEqual(u);
    const r = await s.get('/Users/does-not-exist');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User does-not-exist not found' });
  });

  it('PUT replaces: omitted attributes are cleared, read-only ones kept', async () => {
    const u = await newUser({ title: 'Engineer' });
    const r = await s.put(`/Users/${u.id}`, { schemas: [USER_URN], userName: u.userName, id: 'ignored', displayName: 'New' });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(u.id);
    expect(r.body.displayName).toBe('New');
    expect(r.body.title).toBeUndefined();
    expect(r.body.emails).toBeUndefined();
    expect(r.body.meta.created).toBe(u.meta.created);
    expect(r.body.meta.version).toBe('W/"2"');
  });

  it('DELETE answers 204, then 404; the user leaves its groups', async () => {
    const u = await newUser();
    const g = (await s.post('/Groups', entraGroup(uniq('g'), { members: [{ value: u.id }] }))).body;
    expect(g.members).toEqual([{ value: u.id, $ref: `${server.url}/Users/${u.id}`, type: 'User' }]);
    expect((await s.get(`/Users/${u.id}`)).body.groups).toEqual([{ value: g.id, $ref: `${server.url}/Groups/${g.id}`, display: g.displayName, type: 'direct' }]);
    const d = await s.del(`/Users/${u.id}`);
    expect(d.status).toBe(204);
    expect(d.text).toBe('');
    expect((await s.get(`/Users/${u.id}`)).status).toBe(404);
    expect((await s.get(`/Groups/${g.id}`)).body.members).toBeUndefined();
  });

  it('honours If-Match (412 when stale) and If-None-Match (304)', async () => {
    const u = await newUser();
    expect((await s.get(`/Users/${u.id}`, { 'if-none-match': 'W/"1"' })).status).toBe(304);
    const ok = await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'A' }), { 'if-match': 'W/"1"' });
    expect(ok.status).toBe(200);
    const stale = await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'B' }), { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    expect((await s.del(`/Users/${u.id}`, { 'if-match': 'W/"1"' })).status).toBe(412);
  });

  it('keeps a disabled (soft-deleted) user readable and filterable', async () => {
    const u = await newUser();
    await s.patch(`/Users/${u.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect((await s.get(`/Users/${u.id}`)).body.active).toBe(false);
    const f = await s.get(`/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`);
    expect(f.body.totalResults).toBe(1);
  });
});

describe('PATCH in both of Entra\'s dialects (RFC 7644 §3.5.2)', () => {
  it('legacy: Replace ops one per attribute, a "False" string, member removal by value array', async () => {
    const u = await newUser();
    const r = await s.patch(
      `/Users/${u.id}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
        { op: 'Replace', path: 'name.familyName', value: 'Byron' },
        { op: 'Replace', path: 'active', value: 'False' },
      ),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ emails: [{ type: 'work', value: 'new@example.com', primary: true }], name: { familyName: 'Byron', givenName: 'Ada' }, active: false });
    const a = await newUser();
    const b = await newUser();
    const g = (await s.post('/Groups', entraGroup(uniq('legacy')))).body;
    expect((await s.patch(`/Groups/${g.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: a.id }, { $ref: null, value: b.id }] }))).status).toBe(200);
    expect((await s.get(`/Groups/${g.id}`)).body.members.map((m: { value: string }) => m.value)).toEqual([a.id, b.id]);
    await s.patch(`/Groups/${g.id}`, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: a.id }] }));
    expect((await s.get(`/Groups/${g.id}`)).body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
  });

  it('compliant: lower-case ops, one path-less op with dotted and URN keys, removal by members[value eq]', async () => {
    const u = await newUser();
    const r = await s.patch(
      `/Users/${u.id}`,
      patchOp({ op: 'replace', value: { displayName: 'Ada L', 'name.givenName': 'Augusta', [`${ENT_URN}:employeeNumber`]: '42', active: false } }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ displayName: 'Ada L', name: { givenName: 'Augusta' }, active: false, [ENT_URN]: { employeeNumber: '42' } });
    const a = await newUser();
    const g = (await s.post('/Groups', entraGroup(uniq('compliant'), { members: [{ value: a.id }] }))).body;
    await s.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }));
    expect((await s.get(`/Groups/${g.id}`)).body.members).toBeUndefined();
  });

  it('is atomic: a failing second operation changes nothing', async () => {
    const u = await newUser({ title: 'Before' });
    const r = await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'After' }, { op: 'replace', path: 'noSuchAttribute', value: 1 }));
    expect(r.body).toMatchObject({ status: '400', scimType: 'invalidPath' });
    expect((await s.get(`/Users/${u.id}`)).body).toEqual(u);
  });

  it('keeps required attributes: removing a group displayName is 400 and changes nothing', async () => {
    const g = (await s.post('/Groups', entraGroup(uniq('named')))).body;
    const r = await s.patch(`/Groups/${g.id}`, patchOp({ op: 'remove', path: 'displayName' }));
    expect(r.body).toMatchObject({ status: '400', scimType: 'invalidValue', detail: 'displayName is required' });
    expect((await s.get(`/Groups/${g.id}`)).body.displayName).toBe(g.displayName);
  });

  it('sets the manager from Entra\'s form and renders its $ref', async () => {
    const boss = await newUser();
    const u = await newUser();
    const r = await s.patch(`/Users/${u.id}`, patchOp({ op: 'Add', path: 'manager', value: [{ $ref: 'ignored', value: boss.id }] }));
    expect(r.body[ENT_URN].manager).toEqual({ value: boss.id, $ref: `${server.url}/Users/${boss.id}` });
  });
});

describe('queries (RFC 7644 §3.4.2)', () => {
  const q = (path: string, params: Record<string, string>) => s.get(`${path}?${new URLSearchParams(params)}`);

  it('filters on userName case-insensitively, externalId case-exactly, and answers 200 with an empty list for no match', async () => {
    const u = await newUser();
    expect((await q('/Users', { filter: `userName eq "${u.userName.toUpperCase()}"` })).body.Resources.map((r: { id: string }) => r.id)).toEqual([u.id]);
    expect((await q('/Users', { filter: `externalId eq "${u.externalId}"` })).body.totalResults).toBe(1);
    expect((await q('/Users', { filter: `externalId eq "${u.externalId.toUpperCase()}"` })).body.totalResults).toBe(0);
    const none = await q('/Users', { filter: 'userName eq "8646d011-1693-4cd3-9ee6-0d7482ca2219"' });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });

  it("evaluates Entra's value-path form, URN-qualified names, and/or/not, pr and dateTime comparisons", async () => {
    const u = await newUser({ title: 'Pilot', [ENT_URN]: { department: 'Flight-9' } });
    const ids = async (filter: string) => (await q('/Users', { filter, count: '200' })).body.Resources.map((r: { id: string }) => r.id);
    expect(await ids(`emails[type eq "work"].value eq "${u.userName}"`)).toEqual([u.id]);
    expect(await ids(`${ENT_URN}:department eq "Flight-9"`)).toEqual([u.id]);
    expect(await ids(`title eq "Pilot" and userName eq "${u.userName}"`)).toEqual([u.id]);
    expect(await ids(`(title eq "Pilot" or title eq "Nope") and not (userName ne "${u.userName}")`)).toEqual([u.id]);
    expect(await ids(`title pr and userName eq "${u.userName}"`)).toEqual([u.id]);
    expect(await ids(`meta.lastModified ge "${u.meta.lastModified}" and userName eq "${u.userName}"`)).toEqual([u.id]);
    expect(await ids(`meta.lastModified gt "${u.meta.lastModified}" and userName eq "${u.userName}"`)).toEqual([]);
  });

  it('answers 400 invalidFilter for a malformed filter', async () => {
    const r = await q('/Users', { filter: 'userName eq' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
  });

  it('paginates 1-based with startIndex and count, count=0 giving only totalResults', async () => {
    const all = (await q('/Users', { filter: 'userName sw "seed.user"', count: '200' })).body;
    expect(all.totalResults).toBe(25);
    const page = (await q('/Users', { filter: 'userName sw "seed.user"', startIndex: '11', count: '5' })).body;
    expect(page).toMatchObject({ totalResults: 25, itemsPerPage: 5, startIndex: 11 });
    expect(page.Resources.map((r: { id: string }) => r.id)).toEqual(all.Resources.slice(10, 15).map((r: { id: string }) => r.id));
    const zero = (await q('/Users', { filter: 'userName sw "seed.user"', count: '0' })).body;
    expect(zero).toMatchObject({ totalResults: 25, itemsPerPage: 0, Resources: [] });
    const past = (await q('/Users', { filter: 'userName sw "seed.user"', startIndex: '100' })).body;
    expect(past).toMatchObject({ totalResults: 25, itemsPerPage: 0 });
  });

  it('sorts by sortBy/sortOrder', async () => {
    const asc = (await q('/Users', { filter: 'userName sw "seed.user00001"', sortBy: 'userName' })).body.Resources.map((r: { userName: string }) => r.userName);
    const desc = (await q('/Users', { filter: 'userName sw "seed.user00001"', sortBy: 'userName', sortOrder: 'descending' })).body.Resources.map((r: { userName: string }) => r.userName);
    expect(asc).toEqual([...asc].sort());
    expect(desc).toEqual([...asc].reverse());
    expect(asc.length).toBe(10);
  });

  it('projects with attributes and excludedAttributes (members excluded on groups)', async () => {
    const one = (await q('/Users', { filter: 'userName eq "seed.user000001@example.org"', attributes: 'userName,name.givenName' })).body.Resources[0];
    expect(one).toEqual({ schemas: [USER_URN, ENT_URN], id: 'seed-user-000001', userName: 'seed.user000001@example.org', name: { givenName: 'Seed' } });
    const g = (await q('/Groups', { filter: 'displayName eq "Seed Group 1"', excludedAttributes: 'members' })).body.Resources[0];
    expect(g.members).toBeUndefined();
    expect(g.displayName).toBe('Seed Group 1');
    expect((await s.get('/Groups/seed-group-000001?excludedAttributes=members')).body.members).toBeUndefined();
  });

  it('answers POST /.search at the root and per resource type (RFC 7644 §3.4.3)', async () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName eq "Seed Group 2"', attributes: ['displayName'] };
    const root = await s.post('/.search', body);
    expect(root.status).toBe(200);
    expect(root.body.Resources).toEqual([{ schemas: [GROUP_URN], id: 'seed-group-000002', displayName: 'Seed Group 2' }]);
    const typed = await s.post('/Users/.search', { ...body, filter: 'userName eq "seed.user000002@example.org"' });
    expect(typed.body.totalResults).toBe(1);
    expect((await s.post('/Users/.search', { filter: 'x' })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });
});

describe('fixes from the RFC review (each pinned)', () => {
  const q = (path: string, params: Record<string, string>) => s.get(`${path}?${new URLSearchParams(params)}`);

  it('answers 400 invalidFilter, not 500, for filters that parse but cannot apply (RFC 7644 §3.4.2.2)', async () => {
    for (const filter of ['active gt true', 'name eq "x"', 'userName co null']) {
      const r = await q('/Users', { filter });
      expect([filter, r.status, r.body.scimType]).toEqual([filter, 400, 'invalidFilter']);
    }
    const search = await s.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'active gt true' });
    expect(search.status).toBe(400);
  });

  it('keeps version and lastModified when a PATCH changes nothing (RFC 7644 §3.5.2.1)', async () => {
    const u = await newUser({ title: 'Same' });
    const r = await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'Same' }));
    expect(r.body.meta).toEqual(u.meta);
  });

  it('gives a user a new version when its groups change (RFC 7644 §3.14)', async () => {
    const u = await newUser();
    await s.post('/Groups', entraGroup(uniq('etag'), { members: [{ value: u.id }] }));
    const r = await s.get(`/Users/${u.id}`, { 'if-none-match': u.meta.version });
    expect(r.status).toBe(200);
    expect(r.body.meta.version).toBe('W/"2"');
    expect(Date.parse(r.body.meta.lastModified)).toBeGreaterThan(Date.parse(u.meta.lastModified));
  });

  it('sorts unassigned values last ascending and first descending (RFC 7644 §3.4.2.3)', async () => {
    const a = await newUser({ nickName: 'sort-a', title: 'A' });
    const b = await newUser({ nickName: 'sort-b' });
    const c = await newUser({ nickName: 'sort-c', title: 'C' });
    const order = async (sortOrder: string) =>
      (await q('/Users', { filter: 'nickName sw "sort-"', sortBy: 'title', sortOrder })).body.Resources.map((r: { id: string }) => r.id);
    expect(await order('ascending')).toEqual([a.id, c.id, b.id]);
    expect(await order('descending')).toEqual([b.id, c.id, a.id]);
  });

  it('answers 403 to a filter on a discovery endpoint (RFC 7644 §4)', async () => {
    for (const path of ['/Schemas', '/ResourceTypes', '/ServiceProviderConfig']) {
      expect((await q(path, { filter: 'id eq "x"' })).status).toBe(403);
    }
  });

  it('answers 404, not 500, to malformed percent-encoding, and 400 to a PATCH path too complex to evaluate', async () => {
    expect((await s.get('/Users/%E0%A4%A')).status).toBe(404);
    const u = await newUser();
    const huge = `emails[${Array.from({ length: 10_000 }, (_, i) => `type eq "t${i}"`).join(' or ')}].value`;
    const r = await s.patch(`/Users/${u.id}`, patchOp({ op: 'replace', path: huge, value: 'x@example.com' }));
    expect(r.status).toBe(400);
  });

  it('says in /Schemas that a group displayName is required, as it enforces', async () => {
    const g = (await s.get(`/Schemas/${GROUP_URN}`)).body;
    expect(g.attributes.find((a: { name: string }) => a.name === 'displayName').required).toBe(true);
  });
});

describe('seed data and endpoints', () => {
  it('holds the seeded tenant: 25 users and 2 groups of ten', async () => {
    const snap = server.snapshot();
    expect(snap.users.filter((u) => String(u.id).startsWith('seed-user-'))).toHaveLength(25);
    expect(snap.groups.filter((g) => String(g.id).startsWith('seed-group-')).map((g) => (g.members as unknown[]).length)).toEqual([10, 10]);
  });

  it('answers 404 outside the SCIM root, 501 for /Bulk, 405 for a wrong method', async () => {
    expect((await fetch(`${server.url.replace('/scim/v2', '')}/other`, { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(404);
    expect((await s.post('/Bulk', {})).status).toBe(501);
    const r = await s.call('DELETE', '/Users');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, POST');
  });
});

describe('conditions for robustness work', () => {
  it('--latency delays every response', async () => {
    const slow = await startServer({ latencyMs: 120 });
    const t0 = Date.now();
    await api(slow.url, slow.token).get('/ServiceProviderConfig');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
    await slow.close();
  });

  it('--error-rate fails a seeded, repeatable fraction with 500', async () => {
    const pattern = async () => {
      const e = await startServer({ errorRate: 0.3, errorSeed: 7 });
      const c = api(e.url, e.token);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await c.get('/ServiceProviderConfig')).status);
      await e.close();
      return statuses;
    };
    const first = await pattern();
    expect(first.filter((x) => x === 500).length).toBeGreaterThan(4);
    expect(first.filter((x) => x === 500).length).toBeLessThan(24);
    expect(await pattern()).toEqual(first);
  });

  it('--rate-limit answers 429 with Retry-After above the rate', async () => {
    const limited = await startServer({ rateLimit: 5 });
    const c = api(limited.url, limited.token);
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await c.get('/ServiceProviderConfig'));
    const limitedReply = replies.find((r) => r.status === 429)!;
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(limitedReply.headers.get('retry-after')).toBe('1');
    expect(limitedReply.body).toMatchObject({ status: '429' });
    await limited.close();
  });
});
