/**
 * The reference server against clients that abuse it (issue 15, item 15): a PATCH of thousands of operations, a
 * filter of thousands of terms or deep nesting, and connections that never finish a request. Each is refused or cut
 * off, with a SCIM error where there is a request to answer.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PATCH_OPERATIONS } from '../../src/server/patch.js';
import { startServer, type RunningServer } from '../../src/server/index.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ seed: 1, timeouts: { headersMs: 500, requestMs: 1000, idleMs: 500 } });
});
afterAll(() => server.close());

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('limits of the reference server', () => {
  it(`a PATCH of more than ${MAX_PATCH_OPERATIONS} operations is refused with 400; ${MAX_PATCH_OPERATIONS} are applied`, async () => {
    const user = (await (await call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'limits@example.com' })).json()) as { id: string };
    const ops = (n: number) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'displayName', value: `v${i}` })) });
    const tooMany = await call('PATCH', `/Users/${user.id}`, ops(12_000));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ status: '400', scimType: 'invalidValue', detail: `at most ${MAX_PATCH_OPERATIONS} operations per PATCH, got 12000` });
    const ok = await call('PATCH', `/Users/${user.id}`, ops(MAX_PATCH_OPERATIONS));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { displayName: string }).displayName).toBe(`v${MAX_PATCH_OPERATIONS - 1}`);
  });

  it('a filter of 15,000 "or" terms, or nested 40 levels deep, is 400 invalidFilter (it was a 500)', async () => {
    const long = Array.from({ length: 15_000 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    const deep = `${'('.repeat(40)}userName eq "x"${')'.repeat(40)}`;
    for (const filter of [long, deep]) {
      const r = await call('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ scimType: 'invalidFilter' });
    }
    // A plain filter still works.
    expect((await call('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`)).status).toBe(200);
  });

  it('a connection that sends part of a request and then nothing is closed by the server', async () => {
    const { port } = new URL(server.url);
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n'));
      socket.on('close', () => resolve('closed by the server'));
      socket.on('error', () => undefined);
      // Bounded: the test fails, rather than hangs, if the server keeps the connection.
      setTimeout(() => (socket.destroy(), resolve('still open after 10 s')), 10_000).unref();
    });
    expect(closed).toBe('closed by the server');
  });
});
