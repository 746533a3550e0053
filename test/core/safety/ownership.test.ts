/**
 * Ownership by the mark, read back, not by trust (issue 15, items 2, 4 and 5): against servers that answer a create
 * with another object's id, that ignore filters, or whose ids changed hands since a ledger was written, scimcheck
 * changes and deletes only the objects that carry the names its run sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScimClient } from '../../../src/core/http/client.js';
import { runSuites } from '../../../src/core/runner/runner.js';
import { Ledger } from '../../../src/core/safety/ledger.js';
import { parseSuite } from '../../../src/core/suite/loader.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const VICTIM = { id: 'victim-1', userName: 'real.person@example.com' };

interface Misbehaviour {
  /** A create stores the new user but answers with this existing object's id. */
  answerCreateWithId?: string;
  /** A create stores the new user but answers 500. */
  createAnswers500?: boolean;
  /** Filters are ignored: every list holds every user. */
  ignoreFilters?: boolean;
  /** Lists pair each name with the pre-existing user's id. */
  listWithVictimId?: boolean;
}

/** A tiny SCIM users endpoint with one pre-existing user, misbehaving as asked; it records every request. */
async function startServer(bad: Misbehaviour) {
  const users = new Map<string, { id: string; userName: string; title?: string }>([[VICTIM.id, { ...VICTIM }]]);
  const seen: string[] = [];
  let n = 0;
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/scim+json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      seen.push(`${req.method} ${url.pathname}`);
      const id = decodeURIComponent(url.pathname.split('/')[2] ?? '');
      const resource = (u: { id: string; userName: string }) => ({ schemas: [USER], ...u });
      if (req.method === 'POST' && url.pathname === '/Users') {
        const body = JSON.parse(text) as { userName: string };
        const u = { id: `new-${++n}`, userName: body.userName };
        users.set(u.id, u);
        if (bad.createAnswers500) return send(res, 500, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500' });
        return send(res, 201, resource({ ...u, id: bad.answerCreateWithId ?? u.id }));
      }
      if (req.method === 'GET' && url.pathname === '/Users') {
        const m = /^userName eq "(.*)"$/.exec(url.searchParams.get('filter') ?? '');
        const list = [...users.values()].filter((u) => bad.ignoreFilters || !m || u.userName.toLowerCase() === m[1]!.toLowerCase());
        const shown = bad.listWithVictimId ? list.map((u) => ({ ...u, id: VICTIM.id })) : list;
        return send(res, 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: list.length, Resources: shown.map(resource) });
      }
      const u = users.get(id);
      if (!u) return send(res, 404, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
      if (req.method === 'GET') return send(res, 200, resource(u));
      if (req.method === 'PATCH') {
        u.title = 'changed';
        return send(res, 200, resource(u));
      }
      if (req.method === 'DELETE') {
        users.delete(id);
        return send(res, 204);
      }
      send(res, 405);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, users, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const SUITE = parseSuite(
  `id: own
title: create, change and delete a user
steps:
  - id: create
    title: create
    severity: MUST
    reference: r
    request: { method: POST, path: /Users, body: { schemas: ["${USER}"], userName: "{{ run.mark }}-own@example.com" } }
    expect: { status: 201 }
    capture: { id: body.id }
    cleanup: '/Users/{{ captures.id }}'
  - id: change
    title: change it
    severity: MUST
    reference: r
    request: { method: PATCH, path: '/Users/{{ captures.id }}', body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: replace, path: title, value: x }] } }
`,
  'own.yaml',
);

async function run(server: { url: string }) {
  const client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: 't' }, env: {}, cwd: process.cwd(), configFile: false }), { retry: { retries: 1, backoffMs: 1, maxRetryAfterMs: 0 } });
  try {
    return await runSuites({ suites: [SUITE], client, discovery: false });
  } finally {
    await client.close();
  }
}

describe('ownership by the mark, read back', () => {
  it("a create answered with another object's id: that object is never changed or deleted; the run's own is found by name and deleted", async () => {
    const s = await startServer({ answerCreateWithId: VICTIM.id });
    open.push(s);
    const result = await run(s);
    expect(s.users.get(VICTIM.id)).toEqual(VICTIM); // untouched: no title, still there
    expect(s.seen.filter((r) => r.endsWith(`/Users/${VICTIM.id}`) && !r.startsWith('GET'))).toEqual([]);
    expect(result.checks.find((c) => c.id === 'own/change')).toMatchObject({ outcome: 'errored', message: expect.stringContaining('scimcheck refused to PATCH /Users/victim-1') });
    expect([...s.users.keys()]).toEqual([VICTIM.id]); // the run's own user was deleted
    expect(result.ledger.remaining).toBe(0);
  });

  it("a 500 on a create and a server that ignores filters: the tenant's only other user is not taken for the run's", async () => {
    const s = await startServer({ createAnswers500: true, ignoreFilters: true });
    open.push(s);
    const result = await run(s);
    expect(s.users.get(VICTIM.id)).toEqual(VICTIM);
    expect(s.seen.filter((r) => r === `DELETE /Users/${VICTIM.id}`)).toEqual([]);
    // The create did take effect: the run found its own user by its exact name and deleted it.
    expect([...s.users.keys()]).toEqual([VICTIM.id]);
    expect(result.ledger.remaining).toBe(0);
  });

  it('cleanup --ledger does not delete an object whose id now belongs to someone else', async () => {
    const s = await startServer({});
    open.push(s);
    const file = join(mkdtempSync(join(tmpdir(), 'scimcheck-own-')), 'ledger.json');
    const ledger = new Ledger(file, 'deadbeef', `${s.url}`);
    ledger.created(ledger.beforeCreate('User', 'scimcheck-deadbeef-left@example.com'), VICTIM.id);
    ledger.closeFile();
    const r = await runCli(['cleanup', '--base-url', s.url, '--token', 't', '--ledger', file], { env: cleanEnv() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`NOT deleted /Users/${VICTIM.id}: not deleted: the object at this id is not the run's (its userName is not "scimcheck-deadbeef-left@example.com")`);
    expect(s.users.get(VICTIM.id)).toEqual(VICTIM);
    expect(s.seen).not.toContain(`DELETE /Users/${VICTIM.id}`);
  });

  it('cleanup --ledger refuses a ledger written for another target, and deletes nothing there', async () => {
    const a = await startServer({});
    const b = await startServer({});
    open.push(a, b);
    const file = join(mkdtempSync(join(tmpdir(), 'scimcheck-own-')), 'ledger.json');
    const ledger = new Ledger(file, 'deadbeef', a.url);
    ledger.created(ledger.beforeCreate('User', 'scimcheck-deadbeef-x@example.com'), VICTIM.id);
    ledger.closeFile();
    const r = await runCli(['cleanup', '--base-url', b.url, '--token', 't', '--ledger', file], { env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`scimcheck: --ledger: ${file} was written for ${a.url}, not ${b.url}/: run cleanup with --base-url ${a.url}`);
    expect(b.seen).toEqual([]);
  });

  it('run --ledger never overwrites an existing file', async () => {
    const s = await startServer({});
    open.push(s);
    const file = join(mkdtempSync(join(tmpdir(), 'scimcheck-own-')), 'notes.txt');
    writeFileSync(file, 'my notes\n');
    const r = await runCli(['run', '--base-url', s.url, '--token', 't', '--suite', 'users-crud', '--ledger', file], { env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`scimcheck: --ledger: ${file} already exists; give a new file (a ledger left by a run is emptied with scimcheck cleanup --ledger ${file})`);
    expect(readFileSync(file, 'utf8')).toBe('my notes\n');
    expect(s.seen).toEqual([]);
  });

  it("cleanup --sweep does not believe a list that pairs a marked name with another object's id", async () => {
    const s = await startServer({ listWithVictimId: true });
    open.push(s);
    s.users.set('left-1', { id: 'left-1', userName: 'scimcheck-0badc0de-left@example.com' });
    const r = await runCli(['cleanup', '--base-url', s.url, '--token', 't', '--sweep', '--yes'], { env: cleanEnv() });
    expect(r.code).toBe(0);
    expect(s.users.get(VICTIM.id)).toEqual(VICTIM);
    expect(s.seen.filter((x) => x.startsWith('DELETE'))).toEqual([]);
  });
});
