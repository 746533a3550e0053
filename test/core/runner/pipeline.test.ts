/**
 * What the pipeline hands the reporters, against the reference server: causes (`blockedBy`) for verdicts that could
 * not be judged, every failed expectation with its pointer or header, the step's source position, `counts` decided
 * as each verdict is made, and the options Test Connection needs (no discovery, suite vars from the caller, a skip
 * with its reason, titles that name a var).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimClient } from '../../../src/core/http/client.js';
import type { CheckResult } from '../../../src/core/model/verdict.js';
import { Policy } from '../../../src/core/runner/policy.js';
import { runSuites, type RunEvent } from '../../../src/core/runner/runner.js';
import { loadSuiteDir, parseSuite } from '../../../src/core/suite/loader.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';
import { startServer, type RunningServer } from '../../../src/server/index.js';

const SUITE = `id: pipe
title: pipeline
vars:
  attr: userName
steps:
  - id: create
    title: create a user
    severity: MUST
    reference: RFC 7644 §3.3
    request:
      method: POST
      path: /Users
      body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ run.mark }}-pipe-{{ random }}" }
    expect:
      status: 418
      headers: { ETag: { present: false } }
      body: { userName: nobody }
    capture: { id: body.id }
    cleanup: /Users/{{ captures.id }}
  - id: needs-create
    title: needs the create
    severity: MUST
    reference: r
    needs: [create]
    request: { method: GET, path: "/Users/{{ captures.id }}" }
    expect: { status: 200 }
  - id: should-fail
    title: a SHOULD that fails
    severity: SHOULD
    reference: r
    request: { method: GET, path: /ServiceProviderConfig }
    expect: { status: 404 }
  - id: after-should
    title: builds on the SHOULD
    severity: MUST
    reference: r
    needs: [should-fail]
    request: { method: GET, path: /ServiceProviderConfig }
  - id: by-var
    title: "filter on {{ vars.attr }}"
    severity: MUST
    reference: r
    request: { method: GET, path: /Users, query: { filter: '{{ vars.attr }} eq "nobody-{{ uuid }}"' } }
    expect: { status: 200, list: { totalResults: 0 } }
`;

let server: RunningServer;
let client: ScimClient;
beforeAll(async () => {
  server = await startServer({ seed: 0 });
  client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: process.cwd(), configFile: false }));
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const byId = (checks: CheckResult[], key: string) => checks.find((c) => c.id === `pipe/${key}`)!;

describe('the pipeline', () => {
  it('names the cause of what it could not judge, lists every failed expectation, and knows where each step is written', async () => {
    const events: RunEvent[] = [];
    const result = await runSuites({ suites: [parseSuite(SUITE, 'suites/pipe.yaml')], client, onEvent: (e) => events.push(e) });
    const create = byId(result.checks, 'create');
    expect(create).toMatchObject({ kind: 'check', group: 'pipe', outcome: 'failed', counts: true, source: { file: 'suites/pipe.yaml', line: 6, column: 5 } });
    expect(create.failures).toEqual([
      { what: 'status', expected: '418', actual: expect.stringMatching(/^201 \{/) },
      { what: 'header ETag', header: 'etag', expected: 'absent', actual: expect.stringMatching(/^"/) },
      { what: 'body.userName', pointer: '/userName', expected: '"nobody"', actual: expect.stringMatching(/^"scimcheck-/) },
    ]);
    expect(create.message).toMatch(/^status: expected 418, got 201 .* \(\+2 more: header ETag, body\.userName\)$/);
    // A failed MUST prerequisite: errored, blocked by it, and it does not count on its own (its cause does).
    expect(byId(result.checks, 'needs-create')).toMatchObject({ outcome: 'errored', blockedBy: 'pipe/create', counts: false, message: 'prerequisite pipe/create did not pass (failed)' });
    // A failed SHOULD: a warning; what builds on it is skipped with the cause named.
    expect(byId(result.checks, 'should-fail')).toMatchObject({ outcome: 'failed', counts: false });
    expect(byId(result.checks, 'after-should')).toMatchObject({ outcome: 'skipped', blockedBy: 'pipe/should-fail', counts: false });
    // The events carried the same decisions as the result.
    const evCounts = events.flatMap((e) => (e.type === 'check' ? [[e.check.id, e.check.counts]] : []));
    expect(Object.fromEntries(evCounts)).toEqual(Object.fromEntries(result.checks.map((c) => [c.id, c.counts])));
    expect(byId(result.checks, 'by-var')).toMatchObject({ title: 'filter on userName', outcome: 'passed' });
    expect(result.exitCode).toBe(1);
    // The user the failed check created was deleted all the same.
    expect(result.cleanup).toEqual([expect.objectContaining({ suite: 'pipe', ok: true, path: expect.stringMatching(/^\/Users\//) })]);
  });

  it("runs without discovery, with the caller's vars and skips, under the given policy", async () => {
    const first = client.exchanges.length;
    const result = await runSuites({
      suites: [parseSuite(SUITE, 'suites/pipe.yaml')],
      client,
      discovery: false,
      vars: { attr: 'externalId', notInSuite: 'ignored' },
      skip: { 'pipe/create': 'out of scope here' },
      policy: new Policy({ failOn: 'should' }),
    });
    const paths = client.exchanges.slice(first).map((e) => new URL(e.request.url).pathname.replace(/^\/scim\/v2/, ''));
    expect(paths).not.toContain('/ResourceTypes');
    expect(paths).not.toContain('/Schemas');
    expect(byId(result.checks, 'create')).toMatchObject({ outcome: 'skipped', message: 'out of scope here' });
    expect(byId(result.checks, 'needs-create')).toMatchObject({ outcome: 'skipped', blockedBy: 'pipe/create' });
    expect(byId(result.checks, 'should-fail')).toMatchObject({ outcome: 'failed', counts: true });
    const byVar = byId(result.checks, 'by-var');
    expect(byVar.title).toBe('filter on externalId');
    expect(new URL(byVar.exchanges[0]!.request.url).searchParams.get('filter')).toMatch(/^externalId eq "nobody-/);
    expect(result).toMatchObject({ failOn: 'should', exitCode: 1 });
  });

  it('refuses a title that names anything but a var, with file:line:col', () => {
    const bad = SUITE.replace('title: "filter on {{ vars.attr }}"', 'title: "filter on {{ uuid }}"');
    expect(() => parseSuite(bad, 'suites/pipe.yaml')).toThrow(/^suites\/pipe\.yaml:\d+:\d+: a title may use vars only, not \{\{ uuid \}\}$/);
  });
});

describe('--check', () => {
  it.each([
    ['users-crud/put-clears-omitted', 'users-crud/put-replace'],
    ['groups-membership/deleted-user-leaves-group', 'groups-membership/delete-member-user'],
  ])('%s runs with the earlier writes whose state it judges (%s), and passes on a conformant server', async (check, write) => {
    const suites = loadSuiteDir();
    const result = await runSuites({ suites, client, checks: [check] });
    const ran = result.checks.map((c) => c.id);
    expect(ran).toContain(check);
    expect(ran).toContain(write);
    expect(result.checks.filter((c) => c.outcome !== 'passed').map((c) => `${c.id} ${c.outcome}: ${c.message}`)).toEqual([]);
    // Only the check's own suite ran.
    expect(new Set(result.checks.map((c) => c.suite))).toEqual(new Set([check.split('/')[0]]));
  });
});

describe('ids that need escaping', () => {
  it('a captured id is one percent-encoded path segment in requests and cleanup, and the guard accepts it', async () => {
    const { createServer } = await import('node:http');
    const ID = 'a b/c?d#e%f..';
    const seen: string[] = [];
    let exists = false;
    let userName = '';
    const srv = createServer(async (req, res) => {
      let text = '';
      for await (const c of req) text += String(c);
      seen.push(`${req.method} ${req.url}`);
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/scim+json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/Users') {
        exists = true;
        userName = (JSON.parse(text) as { userName: string }).userName;
      }
      const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: ID, userName };
      if (req.method === 'POST' && req.url === '/Users') return send(201, user);
      if (req.url === `/Users/${encodeURIComponent(ID)}`) {
        if (req.method === 'GET') return exists ? send(200, user) : send(404);
        if (req.method === 'DELETE') {
          exists = false;
          return send(204);
        }
      }
      send(404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const local = new ScimClient(resolveTarget({ flags: { 'base-url': `http://127.0.0.1:${port}`, token: 't' }, env: {}, cwd: process.cwd(), configFile: false }));
    try {
      const suite = parseSuite(
        `id: esc
title: t
steps:
  - id: create
    title: create
    severity: MUST
    reference: r
    request: { method: POST, path: /Users, body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ run.mark }}-esc" } }
    expect: { status: 201 }
    capture: { id: body.id }
    cleanup: '/Users/{{ captures.id }}'
  - id: read
    title: read
    severity: MUST
    reference: r
    request: { method: GET, path: '/Users/{{ captures.id }}' }
    expect: { status: 200, attributes: [{ path: id, equals: '{{ captures.id }}' }] }
`,
        'esc.yaml',
      );
      const result = await runSuites({ suites: [suite], client: local, discovery: false });
      expect(result.checks.map((c) => [c.id, c.outcome])).toEqual([
        ['esc/create', 'passed'],
        ['esc/read', 'passed'],
      ]);
      const enc = encodeURIComponent(ID);
      // The create, its read-back (the mark), the check's GET, the cleanup.
      expect(seen).toEqual(['POST /Users', `GET /Users/${enc}`, `GET /Users/${enc}`, `DELETE /Users/${enc}`]);
      expect(result.cleanup).toEqual([expect.objectContaining({ ok: true, path: `/Users/${enc}` })]);
      expect(result.ledger.remaining).toBe(0);
    } finally {
      await local.close();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
