/** The tenant's data: a run changes and deletes only what it created, marks what it creates, and leaves nothing. */
import { describe, expect, it } from 'vitest';
import { loadProfileDir } from '../../../src/core/mapping/profile.js';
import { parseSuite } from '../../../src/core/suite/loader.js';
import { runAgainstReference } from '../../helpers/run-suite.js';

const hostileSuite = parseSuite(
  `id: meddler
title: a suite that tries to touch the tenant's own data
vars:
  name: "{{ run.mark }}-meddler-{{ random }}@example.com"
steps:
  - { id: patch-seed-user, title: patch a seed user, severity: MUST, reference: r, request: { method: PATCH, path: /Users/seed-user-000001, body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: replace, path: title, value: pwned }] } } }
  - { id: put-seed-user, title: replace a seed user, severity: MUST, reference: r, request: { method: PUT, path: /Users/seed-user-000002, body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: x } } }
  - { id: delete-seed-group, title: delete a seed group, severity: MUST, reference: r, request: { method: DELETE, path: /Groups/seed-group-000001 } }
  - { id: create-unmarked, title: create a user without the run's mark, severity: MUST, reference: r, request: { method: POST, path: /Users, body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: plain@example.com } } }
  - { id: create-marked, title: create a marked user, severity: MUST, reference: r, request: { method: POST, path: /Users, body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ vars.name }}" } }, expect: { status: 201 }, capture: { id: body.id } }
  - { id: patch-own, title: patch the user it created, severity: MUST, reference: r, request: { method: PATCH, path: "/Users/{{ captures.id }}", body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: replace, path: title, value: mine }] } }, expect: { status: 200 } }
`,
  'meddler.yaml',
);

describe('the safety guard', () => {
  it("refuses to change or delete objects the run did not create, and to create unmarked ones; the tenant's data is untouched", async () => {
    const run = await runAgainstReference(['meddler'], { suites: [hostileSuite] });
    expect(run.outcomes).toEqual({
      'meddler/patch-seed-user': 'errored',
      'meddler/put-seed-user': 'errored',
      'meddler/delete-seed-group': 'errored',
      'meddler/create-unmarked': 'errored',
      'meddler/create-marked': 'passed',
      'meddler/patch-own': 'passed',
    });
    expect(run.byId('meddler/patch-seed-user').message).toBe(
      'scimcheck refused to PATCH /Users/seed-user-000001: this run did not create that object, and a run only ever changes or deletes its own',
    );
    expect(run.byId('meddler/create-unmarked').message).toMatch(/^scimcheck refused to create User "plain@example\.com": the names of objects a run creates must carry its mark scimcheck-[0-9a-f]{8}/);
    expect(run.seedAfter.users.filter((u) => String(u.id).startsWith('seed-'))).toEqual(run.seedBefore.users);
    expect(run.seedAfter.groups).toEqual(run.seedBefore.groups);
    // The marked user it created was not in any suite cleanup: the ledger sweep deleted it.
    expect(run.leftovers).toEqual({ users: [], groups: [] });
    expect(run.result.ledger).toEqual({ remaining: 0 });
  });

  it('every name a run creates carries its mark (suites and mapping rows)', async () => {
    const seen: string[] = [];
    const run = await runAgainstReference(['users-crud', 'groups-membership', 'filters', 'pagination-projection', 'errors'], { profiles: loadProfileDir() });
    for (const c of run.result.checks) {
      for (const e of c.exchanges) if (e.request.method === 'POST' && e.request.body && !e.request.url.endsWith('/.search')) seen.push(e.request.body);
    }
    expect(seen.length).toBeGreaterThan(20);
    for (const body of seen) {
      let j: Record<string, unknown>;
      try {
        j = JSON.parse(body) as Record<string, unknown>;
      } catch {
        continue; // the malformed-JSON checks send no object
      }
      // The name a resource is found by (userName for users, displayName for groups) and externalId carry the mark.
      const isGroup = JSON.stringify(j.schemas ?? []).includes(':Group');
      for (const key of [isGroup ? 'displayName' : 'userName', 'externalId']) {
        if (typeof j[key] === 'string') expect(String(j[key]).toLowerCase(), `${key} of ${body.slice(0, 200)}`).toContain(`scimcheck-${run.result.runId}`);
      }
    }
    expect(run.leftovers).toEqual({ users: [], groups: [] });
  });
});

describe('a server that fails at random and rate-limits', () => {
  it('leaves zero objects behind and does not touch the seed data', async () => {
    const run = await runAgainstReference(['users-crud', 'groups-membership', 'errors'], {
      profiles: loadProfileDir().filter((p) => p.id === 'zenya'),
      server: { errorRate: 0.12, errorSeed: 42, rateLimit: 80 },
      seed: 20,
    });
    // The server did fail requests; the client sent reads and DELETEs again, and creates only after checking.
    expect(run.exchanges.filter((e) => e.response?.status === 500).length).toBeGreaterThan(10);
    // ... and rate-limited it: each 429 was sent again after its Retry-After.
    expect(run.exchanges.filter((e) => e.response?.status === 429).length).toBeGreaterThan(0);
    expect(run.leftovers).toEqual({ users: [], groups: [] });
    expect(run.result.ledger.remaining).toBe(0);
    const seedOnly = (s: typeof run.seedAfter) => ({ users: s.users.filter((u) => String(u.id).startsWith('seed-')), groups: s.groups.filter((g) => String(g.id).startsWith('seed-')) });
    expect(seedOnly(run.seedAfter)).toEqual(seedOnly(run.seedBefore));
  });
});
