/** The client's retry policy: 429 + Retry-After, 5xx on reads and DELETEs, creates only after checking. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryAfterMs, ScimClient } from '../../../src/core/http/client.js';
import { SafetyGuard } from '../../../src/core/safety/guard.js';
import { Ledger } from '../../../src/core/safety/ledger.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';

type Script = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let script: Script[] = [];
const seen: string[] = [];
const users = new Map<string, string>(); // userName -> id
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/scim+json', ...headers });
  res.end(JSON.stringify(body));
};
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push(`${req.method} ${req.url}`);
    const next = req.method === 'GET' && req.url!.includes('filter=') ? undefined : script.shift(); // lookups answer from `users`
    if (next) return next(req, body, res);
    // default: a filter on userName, and a read by id, answer from `users` (userName -> id)
    const byId = /\/Users\/([^/?]+)$/.exec(req.url!);
    if (req.method === 'GET' && byId) {
      const name = [...users].find(([, id]) => id === byId[1])?.[0];
      return name ? json(res, 200, { id: byId[1], userName: name }) : json(res, 404, {});
    }
    const m = /filter=userName\+eq\+"([^"]+)"/.exec(decodeURIComponent(req.url!));
    const id = m ? users.get(m[1]!) : undefined;
    json(res, 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: id ? 1 : 0, Resources: id ? [{ id, userName: m![1] }] : [] });
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  script = [];
  seen.length = 0;
  users.clear();
});

const client = (maxRetryAfterMs = 3000) => new ScimClient(resolveTarget({ flags: { 'base-url': base }, env: {}, cwd: '/' }), { retry: { retries: 2, backoffMs: 10, maxRetryAfterMs } });
const err = (status: number): Script => (_q, _b, res) => json(res, status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
const ok: Script = (_q, _b, res) => json(res, 200, { ok: true });

describe('retries', () => {
  it('waits for Retry-After on a 429 and sends again', async () => {
    script = [(_q, _b, res) => json(res, 429, {}, { 'retry-after': '1' }), ok];
    const t0 = Date.now();
    const r = await client().send({ method: 'GET', path: '/Users' });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
  });

  it('reports the 429 when Retry-After is beyond the cap', async () => {
    script = [(_q, _b, res) => json(res, 429, {}, { 'retry-after': '120' })];
    const r = await client(2000).send({ method: 'POST', path: '/Users', body: { userName: 'x' } });
    expect(r.status).toBe(429);
    expect(seen).toHaveLength(1);
  });

  it('sends a read again after a 5xx, with backoff, at most twice', async () => {
    script = [err(500), err(503), ok];
    expect((await client().send({ method: 'GET', path: '/Users' })).status).toBe(200);
    script = [err(500), err(500), err(500), ok];
    seen.length = 0;
    expect((await client().send({ method: 'GET', path: '/Users' })).status).toBe(500);
    expect(seen).toHaveLength(3);
  });

  it('sends a read again after a reset', async () => {
    script = [(req) => req.socket.destroy(), ok];
    expect((await client().send({ method: 'GET', path: '/Users' })).status).toBe(200);
  });

  it('never repeats a PATCH or a PUT', async () => {
    for (const method of ['PATCH', 'PUT'] as const) {
      script = [err(500), ok];
      seen.length = 0;
      expect((await client().send({ method, path: '/Users/u1', body: {} })).status).toBe(500);
      expect(seen).toHaveLength(1);
    }
  });

  it('sends a DELETE again after a 5xx', async () => {
    script = [err(502), (_q, _b, res) => (res.writeHead(204), res.end())];
    expect((await client().send({ method: 'DELETE', path: '/Users/u1' })).status).toBe(204);
  });

  it('after a 5xx to a create, checks whether it took effect before sending it again', async () => {
    const ledger = Ledger.inMemory('0badc0de', base);
    const c = client();
    c.setGuard(new SafetyGuard(ledger, 'scimcheck-0badc0de'));
    // It took effect (the server stored it, then failed): not sent again; the ledger has its id.
    script = [(_q, body, res) => (users.set(JSON.parse(body).userName, 'u-made'), err(500)(_q, body, res))];
    let r = await c.send({ method: 'POST', path: '/Users', body: { userName: 'scimcheck-0badc0de-a' } });
    expect(r.status).toBe(500);
    expect(seen).toEqual(['POST /scim/Users', 'GET /scim/Users?filter=userName+eq+"scimcheck-0badc0de-a"']);
    expect(ledger.owns('User', 'u-made')).toBe(true);
    // It did not: sent again.
    seen.length = 0;
    script = [err(500), (_q, body, res) => (users.set(JSON.parse(body).userName, 'u-second'), json(res, 201, { id: 'u-second' }))];
    r = await c.send({ method: 'POST', path: '/Users', body: { userName: 'scimcheck-0badc0de-b' } });
    expect(r.status).toBe(201);
    // ... and the id it answered with is read back for the run's mark before the run may write to it.
    expect(seen).toEqual(['POST /scim/Users', 'GET /scim/Users?filter=userName+eq+"scimcheck-0badc0de-b"', 'POST /scim/Users', 'GET /scim/Users/u-second']);
    expect(ledger.owns('User', 'u-second')).toBe(true);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1, 0, 0, 0))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
