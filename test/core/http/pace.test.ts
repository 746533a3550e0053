/** --max-rps: requests start on an even timetable, so a rate-limited server never has to say 429. */
import { describe, expect, it } from 'vitest';
import { ScimClient } from '../../../src/core/http/client.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';
import { startServer } from '../../../src/server/index.js';

describe('--max-rps', () => {
  it('spaces request starts 1000/N ms apart, also when they are sent at once', async () => {
    const server = await startServer({});
    const client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: server.token, 'max-rps': '20' }, env: {}, cwd: '/' }));
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => client.send({ method: 'GET', path: '/ServiceProviderConfig' })));
    const elapsed = Date.now() - t0;
    const starts = client.exchanges.map((e) => Date.parse(e.startedAt)).sort((a, b) => a - b);
    await client.close();
    await server.close();
    expect(elapsed).toBeGreaterThanOrEqual(440); // 9 gaps of 50 ms
    // No request starts before its slot, t0 + i x 50 ms (a timer may fire late, never early; 3 ms of clock rounding
    // allowed). Measured from t0, not from the first start: the first request's own preparation delays its start.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - t0).toBeGreaterThanOrEqual(i * 50 - 3);
  });

  it('keeps a run under a server rate limit: no 429 at all', async () => {
    const server = await startServer({ rateLimit: 10 });
    const client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: server.token, 'max-rps': '8' }, env: {}, cwd: '/' }));
    const replies = await Promise.all(Array.from({ length: 16 }, () => client.send({ method: 'GET', path: '/ServiceProviderConfig' })));
    await client.close();
    await server.close();
    expect(replies.map((r) => r.status)).toEqual(Array(16).fill(200));
    expect(client.exchanges.filter((e) => e.response?.status === 429)).toHaveLength(0);
  });

  it('is a target setting: flag, SCIMCHECK_MAX_RPS, config key; 0 means no limit', () => {
    expect(resolveTarget({ flags: { 'base-url': 'https://a.example' }, env: {}, cwd: '/' }).maxRps).toBe(0);
    expect(resolveTarget({ flags: { 'base-url': 'https://a.example' }, env: { SCIMCHECK_MAX_RPS: '25' }, cwd: '/' }).maxRps).toBe(25);
  });
});
