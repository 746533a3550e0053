import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/core/load/histogram.js';
import { parseDuration } from '../../src/core/load/duration.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';

const args = (s: RunningServer, ...rest: string[]) => ['load', '--base-url', s.url, '--token', s.token, ...rest];
const own = (s: RunningServer) => {
  const snap = s.snapshot();
  return [...snap.users, ...snap.groups].filter((r) => !String(r.id).startsWith('seed-'));
};

describe('scimcheck load', () => {
  describe('against a healthy server', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({ seed: 5, token: 'load-test-token-0123' });
    });
    afterAll(() => server.close());

    it('sustains 50 req/s for 2 s, reports ordered percentiles, and leaves nothing behind', async () => {
      const before = server.snapshot();
      const r = await runCli(args(server, '--rps', '50', '--duration', '2s', '--json'));
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.requests.sent).toBeGreaterThanOrEqual(90);
      expect(out.requests.sent).toBeLessThanOrEqual(110);
      expect(out.requests.notSentOnTime).toBe(0);
      // About 70% reads, 30% writes.
      expect(out.requests.reads).toBeGreaterThanOrEqual(out.requests.sent * 0.65);
      expect(out.requests.writes).toBeGreaterThanOrEqual(out.requests.sent * 0.25);
      expect(out.achievedRps).toBeGreaterThanOrEqual(47.5);
      expect(out.errorRate).toBe(0);
      expect(out.errors).toEqual({});
      const l = out.latencyMs;
      for (const k of ['p50', 'p95', 'p99', 'max']) expect(typeof l[k]).toBe('number');
      expect(l.p50).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      expect(out).toMatchObject({ passed: true, exitCode: 0, thresholds: { minRps: 47.5, maxErrorRate: 0.01, maxP95Ms: 1000 } });
      expect(out.cleanup).toMatchObject({ deleted: 11, remaining: 0 });
      expect(JSON.stringify(out)).not.toContain(server.token);
      // Only the run's own objects were touched, and all of them are gone.
      expect(own(server)).toEqual([]);
      expect(server.snapshot()).toEqual(before);
    });

    it('prints the figures, the thresholds and the cleanup as text', async () => {
      const r = await runCli(args(server, '--rps', '20', '--duration', '500ms'));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/requests\s+10 sent/);
      expect(r.stdout).toMatch(/needs ≥ 19, 95% of 20/);
      expect(r.stdout).toMatch(/p95 needs ≤ 1000 ms/);
      expect(r.stdout).toContain('deleted the 11 object(s) the run created');
      expect(r.stdout).toContain('PASSED');
      expect(own(server)).toEqual([]);
    });

    it('--duration abc is a usage error on one line', async () => {
      const r = await runCli(args(server, '--duration', 'abc'));
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('--duration');
    });
  });

  it('fails with 429s in the breakdown against a rate-limited server (refusals are not retried away)', async () => {
    const server = await startServer({ rateLimit: 10 });
    try {
      const r = await runCli(args(server, '--rps', '40', '--duration', '2s', '--json'), { timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.passed).toBe(false);
      expect(out.errorRate).toBeGreaterThan(0.3);
      expect(out.errors['429']).toBeGreaterThan(0);
      expect(out.reasons.join(' ')).toMatch(/error rate/);
      expect(out.cleanup.remaining).toBe(0);
      expect(own(server)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('keeps its rate against a slow server (open loop) and measures the latency', async () => {
    const server = await startServer({ latencyMs: 300 });
    try {
      const r = await runCli(args(server, '--rps', '20', '--duration', '2s', '--json'));
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.achievedRps).toBeGreaterThanOrEqual(19);
      expect(out.latencyMs.p50).toBeGreaterThanOrEqual(300);
      expect(own(server)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('exits 3 when nothing answers', async () => {
    const server = await startServer();
    const url = server.url;
    await server.close();
    const r = await runCli(['load', '--base-url', url, '--token', 'x-token-0123456789', '--duration', '1s', '--timeout', '2000']);
    expect(r.code, r.stderr).toBe(3);
  });
});

describe('load engine parts', () => {
  it('parses durations', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1.5')).toBe(1500);
    expect(parseDuration('24h')).toBe(86_400_000);
    for (const bad of ['abc', '', '0', '-1s', '5 days', '25h', '999999999h']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('keeps latencies in fixed buckets, percentiles ordered and capped by the maximum', () => {
    const h = new LatencyHistogram(100);
    for (let i = 1; i <= 100; i++) h.record(i - 0.5);
    h.record(5000);
    expect(h.percentile(50)).toBe(51);
    expect(h.percentile(99)).toBe(100);
    expect(h.percentile(100)).toBe(5000);
    expect(h.max).toBe(5000);
    expect(new LatencyHistogram().percentile(95)).toBe(0);
  });
});
