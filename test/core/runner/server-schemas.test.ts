/** A server's own /Schemas are compiled to JSON Schema at run time and type-check its extension attributes. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimClient } from '../../../src/core/http/client.js';
import { runSuites } from '../../../src/core/runner/runner.js';
import { attributeToJsonSchema } from '../../../src/core/scim/compile-schema.js';
import { parseSuite } from '../../../src/core/suite/loader.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const attr = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name, type, multiValued: false, description: name, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});
const user = (id: string, acme: Record<string, unknown>) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME], id, userName: `${id}@example.com`, [ACME]: acme });
const USERS: Record<string, unknown> = {
  good: user('good', { badgeNumber: 12, hired: '2024-02-01T09:00:00Z', badges: ['a'] }),
  bad: user('bad', { badgeNumber: '12', hired: 'yesterday', badges: 'a' }),
};
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/scim+json');
  const url = req.url!;
  if (url.endsWith('/Schemas')) {
    res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ id: ACME, name: 'Acme', description: 'x', attributes: [attr('badgeNumber', 'integer'), attr('hired', 'dateTime'), attr('badges', 'string', { multiValued: true })] }] }));
  } else if (url.includes('/Users/')) {
    res.end(JSON.stringify(USERS[url.split('/').pop()!]));
  } else {
    res.statusCode = 404;
    res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' }));
  }
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const suite = parseSuite(
  `id: ext
title: extension types
steps:
  - { id: good, title: good, severity: MUST, reference: r, request: { method: GET, path: /Users/good }, expect: { schema: User } }
  - { id: bad, title: bad, severity: MUST, reference: r, request: { method: GET, path: /Users/bad }, expect: { schema: User } }
`,
  'ext.yaml',
);

describe("the server's own /Schemas", () => {
  it('type-check the extension attributes of every User a check validates', async () => {
    const client = new ScimClient(resolveTarget({ flags: { 'base-url': base }, env: {}, cwd: '/' }));
    const result = await runSuites({ suites: [suite], client });
    await client.close();
    const [good, bad] = result.checks;
    expect(good!.outcome).toBe('passed');
    expect(bad!.outcome).toBe('failed');
    expect(bad!.message).toBe(
      `extension attributes: expected values of the types the server's /Schemas declares, got /${ACME}/badgeNumber: must be integer per the server's own /Schemas (${ACME}), got "12"; /${ACME}/hired: must match format "date-time" per the server's own /Schemas (${ACME}), got "yesterday"; /${ACME}/badges: must be array per the server's own /Schemas (${ACME}), got "a"`,
    );
  });

  it('map each RFC 7643 type to a JSON Schema type', () => {
    expect(attributeToJsonSchema(attr('x', 'reference') as never)).toEqual({ type: 'string' });
    expect(attributeToJsonSchema(attr('x', 'decimal') as never)).toEqual({ type: 'number' });
    expect(attributeToJsonSchema(attr('x', 'complex', { multiValued: true, subAttributes: [attr('v', 'boolean')] }) as never)).toEqual({
      type: 'array',
      items: { type: 'object', properties: { v: { type: 'boolean' } } },
    });
  });
});
