/**
 * How a run orders and overlaps its requests (issue 8, far tenants): discovery's three independent reads go out
 * together, a suite's DELETEs at cleanup go out together (groups before users), and the longest suites start first.
 * Against the reference server with 150 ms of latency, overlap in time is unambiguous: requests sent one after the
 * other can never overlap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/core/http/exchange.js';
import { ScimClient } from '../../../src/core/http/client.js';
import { runSuites, type RunEvent } from '../../../src/core/runner/runner.js';
import { parseSuite } from '../../../src/core/suite/loader.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';
import { startServer, type RunningServer } from '../../../src/server/index.js';

const interval = (e: Exchange) => {
  const start = Date.parse(e.startedAt);
  return { start, end: start + e.durationMs };
};
const overlapAll = (xs: Exchange[]) => {
  const iv = xs.map(interval);
  return Math.max(...iv.map((i) => i.start)) < Math.min(...iv.map((i) => i.end));
};
const pathOf = (e: Exchange) => new URL(e.request.url).pathname.replace(/^\/scim\/v2/, '');

const creates = (n: number, kind: 'Users' | 'Groups') =>
  Array.from(
    { length: n },
    (_, i) => `  - id: create-${kind.toLowerCase()}-${i}
    title: create ${i}
    severity: MUST
    reference: r
    request:
      method: POST
      path: /${kind}
      body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:${kind === 'Users' ? 'User' : 'Group'}"], ${kind === 'Users' ? 'userName' : 'displayName'}: "{{ run.mark }}-sched-${kind}-${i}-{{ random }}" }
    expect: { status: 201 }
    capture: { id${kind}${i}: body.id }
    cleanup: /${kind}/{{ captures.id${kind}${i} }}
`,
  ).join('');
const reads = (n: number) =>
  Array.from({ length: n }, (_, i) => `  - id: read-${i}\n    title: read ${i}\n    severity: MUST\n    reference: r\n    request: { method: GET, path: /ServiceProviderConfig }\n`).join('');

let server: RunningServer;
let client: ScimClient;
beforeAll(async () => {
  server = await startServer({ seed: 0, latencyMs: 150 });
  client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: process.cwd(), configFile: false }));
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe('scheduling of a run', () => {
  it("sends discovery's three reads together, and a suite's cleanup DELETEs together, groups before users", async () => {
    const suite = parseSuite(`id: cleanup-shape\ntitle: t\nsteps:\n${creates(3, 'Users')}${creates(2, 'Groups')}`, 'cleanup-shape.yaml');
    const first = client.exchanges.length;
    const result = await runSuites({ suites: [suite], client });
    expect(result.summary).toMatchObject({ passed: 5, failed: 0, errored: 0 });
    const mine = client.exchanges.slice(first);
    const discovery = mine.filter((e) => ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas'].includes(pathOf(e)));
    expect(discovery.map(pathOf).sort()).toEqual(['/ResourceTypes', '/Schemas', '/ServiceProviderConfig']);
    expect(overlapAll(discovery)).toBe(true);

    const deletes = mine.filter((e) => e.request.method === 'DELETE');
    const groups = deletes.filter((e) => pathOf(e).startsWith('/Groups/'));
    const users = deletes.filter((e) => pathOf(e).startsWith('/Users/'));
    expect([groups.length, users.length]).toEqual([2, 3]);
    expect(overlapAll(groups)).toBe(true);
    expect(overlapAll(users)).toBe(true);
    expect(Math.max(...groups.map((e) => interval(e).end))).toBeLessThanOrEqual(Math.min(...users.map((e) => interval(e).start)));
    // the report lists groups then users, latest first within each kind
    const created = mine.filter((e) => e.request.method === 'POST' && e.response?.status === 201).map((e) => `${pathOf(e)}/${(JSON.parse(e.response!.body) as { id: string }).id}`);
    expect(result.cleanup.map((c) => c.path)).toEqual([created[4], created[3], created[2], created[1], created[0]]);
    expect(result.cleanup.every((c) => c.ok)).toBe(true);
    expect(server.snapshot().users).toEqual([]);
  });

  it('starts the longest suites first when there are fewer workers than suites, and reports them in their own order', async () => {
    const suites = [
      parseSuite(`id: short\ntitle: t\nsteps:\n${reads(1)}`, 'short.yaml'),
      parseSuite(`id: long\ntitle: t\nsteps:\n${reads(3)}`, 'long.yaml'),
      parseSuite(`id: middle\ntitle: t\nsteps:\n${reads(2)}`, 'middle.yaml'),
    ];
    const started: string[] = [];
    const result = await runSuites({ suites, client, concurrency: 1, onEvent: (e: RunEvent) => e.type === 'suite-start' && started.push(e.suite.id) });
    expect(started).toEqual(['long', 'middle', 'short']);
    expect([...new Set(result.checks.map((c) => c.suite))]).toEqual(['short', 'long', 'middle']);
    expect(result.suites.map((s) => s.id)).toEqual(['short', 'long', 'middle']);
  });
});
