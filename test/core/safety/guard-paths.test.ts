/**
 * The guard judges the path a server will resolve, not the text a suite wrote (issue 15, item 3): `//Users/x`,
 * `/./Users/x`, `/Users/x/../y`, encoded dots, an encoded slash that makes another id, queries and fragments, and writes to anything but
 * `/Users`, `/Groups` and the run's own objects (`/Bulk` included). A property test over generated paths: whatever
 * the guard lets through names, under either way a server may resolve it, a collection (for a create) or an object the
 * run owns.
 */
import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScimRequest } from '../../../src/core/http/client.js';
import { SafetyGuard } from '../../../src/core/safety/guard.js';
import { Ledger } from '../../../src/core/safety/ledger.js';

const MARK = 'scimcheck-0badc0de';
function guardOwning(id: string): SafetyGuard {
  const ledger = Ledger.inMemory('0badc0de', 'http://127.0.0.1/scim');
  ledger.created(ledger.beforeCreate('User', `${MARK}-x`), id);
  return new SafetyGuard(ledger, MARK);
}

describe('the guard on paths', () => {
  const guard = guardOwning('own');
  const refused = (method: ScimRequest['method'], path: string, body?: unknown) => guard.before({ method, path, ...(body ? { body } : {}) });

  it.each([
    '//Users/other',
    '/Users//other',
    '/./Users/other',
    '/Users/own/../other',
    '/Users/x/../..',
    '/Users/%2e%2e/Users/other',
    '/Users/own%2F..%2Fother',
    '/Users/other?x=1',
    '/Users/other#f',
    '/Users',
    '/Bulk',
    '/Users/own/extra',
    '/ServiceProviderConfig',
  ])('refuses PATCH and DELETE of %s', (path) => {
    expect(refused('PATCH', path)).toMatch(/^scimcheck refused to PATCH /);
    expect(refused('DELETE', path)).toMatch(/^scimcheck refused to DELETE /);
  });

  it('lets the run write to its own object, also written oddly, and create in a collection', () => {
    for (const path of ['/Users/own', '//Users/own', '/./Users/own', '/users/own', '/Users/own/', '/Users/own?attributes=id']) expect(refused('PATCH', path)).toBeUndefined();
    // An id with a slash in it (lawful), percent-encoded as one segment, once the run owns it.
    expect(guardOwning('a/b').before({ method: 'DELETE', path: '/Users/a%2Fb' })).toBeUndefined();
    expect(guardOwning('a/b').before({ method: 'DELETE', path: '/Users/a/b' })).toMatch(/^scimcheck refused/);
    expect(refused('POST', '/Users', { userName: `${MARK}-new` })).toBeUndefined();
    expect(refused('POST', '/Users/.search', { filter: 'x' })).toBeUndefined();
    expect(refused('POST', '/Bulk', { Operations: [] })).toMatch(/^scimcheck refused to POST \/Bulk: a run only writes/);
  });

  it('property: every write it lets through names, however a server resolves it, a collection or an object the run owns', () => {
    const piece = fc.constantFrom('', '.', '..', '%2e', '%2E%2E', 'Users', 'users', 'Groups', 'own', 'other', 'own%2F..%2Fother', '%2F', 'x', 'own?q=1', 'other#f', 'Bulk', '.search');
    const resolve = (path: string, decodeFirst: boolean) => {
      const p = path.split(/[?#]/, 1)[0]!;
      let d = p;
      try {
        d = decodeFirst ? decodeURIComponent(p) : p;
      } catch {
        // undecodable: as written
      }
      return posix.normalize(`/${d}`).replace(/\/+$/, '').toLowerCase();
    };
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.constantFrom('PUT', 'PATCH', 'DELETE', 'POST') as fc.Arbitrary<ScimRequest['method']>, (parts, lead, method) => {
        const path = `${lead ? '/' : ''}${parts.join('/')}`;
        const body = method === 'POST' ? { userName: `${MARK}-p`, displayName: `${MARK}-g` } : undefined;
        if (guardOwning('own').before({ method, path, ...(body ? { body } : {}) }) !== undefined) return;
        for (const decodeFirst of [false, true]) {
          const where = resolve(path, decodeFirst);
          if (method === 'POST') expect(['/users', '/groups', '/users/.search', '/groups/.search', '/.search'], `${method} ${path}`).toContain(where);
          else expect(['/users/own'], `${method} ${path}`).toContain(where);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
