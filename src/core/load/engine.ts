/**
 * The load engine behind `scimcheck load`: Entra's gallery requirement that an endpoint sustain 25 requests per
 * second per tenant. It creates a small pool of the run's own users and one group, drives an open-loop schedule of
 * Entra-like reads and writes on those objects only, and deletes them at the end. No printing: the command does.
 *
 * Open loop: request i is started at t0 + i / rps whatever the server does; when `concurrency` requests are already
 * in flight, the request is dropped and counted as "not sent on time" (a slow server cannot make the tool send less
 * without it showing). Latencies go to a fixed-size histogram; the client's exchange log is emptied as it goes, so
 * memory stays flat however long the run.
 */
import { performance } from 'node:perf_hooks';
import { ExitCode, ScimcheckError } from '../errors.js';
import type { ScimClient, ScimRequest, ScimResponse } from '../http/client.js';
import { resourcePath } from '../http/resource-path.js';
import { sweepLedger } from '../safety/guard.js';
import type { Ledger } from '../safety/ledger.js';
import { LatencyHistogram } from './histogram.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The pass thresholds (Entra's gallery requirement: 25 req/s per tenant). */
export const THRESHOLDS = { minRateFraction: 0.95, maxErrorRate: 0.01, maxP95Ms: 1000 } as const;

export interface LoadOptions {
  /** Sets up and cleans up (the default retry policy is fine there). */
  control: ScimClient;
  /** Sends the load: built without retries, so that the server's refusals (429) are measured, not hidden. */
  load: ScimClient;
  ledger: Ledger;
  /** `scimcheck-<runId>`: carried by the name of every object the run creates. */
  mark: string;
  rps: number;
  durationMs: number;
  concurrency: number;
  /** Users in the pool (default 10). */
  users?: number;
  signal?: AbortSignal;
  /** Called about once a second while the load runs. */
  onProgress?: (p: { elapsedMs: number; sent: number; errors: number }) => void;
}

export interface LoadResult {
  settings: { rps: number; durationMs: number; concurrency: number; users: number };
  requests: { scheduled: number; sent: number; completed: number; ok: number; failed: number; notSentOnTime: number; reads: number; writes: number };
  /** Requests sent per second over the sending window. */
  achievedRps: number;
  windowMs: number;
  /** failed / completed (non-2xx answers and transport errors). */
  errorRate: number;
  /** Failed requests by HTTP status or transport error code. */
  errors: Record<string, number>;
  latencyMs: { min: number; mean: number; p50: number; p95: number; p99: number; max: number; overflow10s: boolean };
  thresholds: { minRps: number; maxErrorRate: number; maxP95Ms: number };
  passed: boolean;
  /** Why it did not pass (empty when it did). */
  reasons: string[];
  /** Nothing came back at all: every request failed below HTTP with the target unreachable. */
  unreachable: boolean;
  interrupted: boolean;
  cleanup: { deleted: number; failed: number; remaining: number; ledger?: string };
}

interface Pool {
  users: { id: string; userName: string }[];
  groupId: string;
}

type Op = 'filter-user' | 'get-user' | 'get-group' | 'patch-user' | 'patch-group';
/** 7 reads, 3 writes, interleaved. */
const MIX: readonly Op[] = ['filter-user', 'get-user', 'get-group', 'patch-user', 'filter-user', 'get-user', 'patch-group', 'filter-user', 'get-group', 'patch-user'];

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const n = opts.users ?? 10;
  let pool: Pool | undefined;
  let result: LoadResult | undefined;
  let failure: unknown;
  try {
    pool = await setUp(opts.control, opts.mark, n);
    if (!opts.signal?.aborted) result = await drive(opts, pool, n);
  } catch (err) {
    failure = err;
  }
  const cleanup = await cleanUp(opts);
  if (failure) {
    if (failure instanceof ScimcheckError) {
      const tail = cleanup.remaining ? `; ${cleanup.remaining} object(s) the run created may remain: scimcheck cleanup --ledger ${cleanup.ledger ?? 'FILE'}` : cleanup.deleted ? `; deleted the ${cleanup.deleted} object(s) it had created` : '';
      throw new ScimcheckError(`${failure.message}${tail}`, failure.exitCode);
    }
    throw failure;
  }
  if (!result) result = emptyResult(opts, n);
  result.cleanup = cleanup;
  result.interrupted = Boolean(opts.signal?.aborted);
  return result;
}

async function cleanUp(opts: LoadOptions): Promise<LoadResult['cleanup']> {
  const items = await sweepLedger(opts.ledger, (r) => opts.control.send(r), 'load');
  const remaining = opts.ledger.remaining().length;
  opts.ledger.close();
  return {
    deleted: items.filter((i) => i.ok).length,
    failed: items.filter((i) => !i.ok).length,
    remaining,
    ...(remaining && opts.ledger.file ? { ledger: opts.ledger.file } : {}),
  };
}

async function setUp(client: ScimClient, mark: string, n: number): Promise<Pool> {
  // The users are created side by side (the guard writes each to the ledger before it is sent).
  const created = await Promise.allSettled(
    Array.from({ length: n }, async (_, i) => {
      const k = i + 1;
      const userName = `${mark}-load-${k}@example.com`;
      const res = await client.send({
        method: 'POST',
        path: '/Users',
        body: {
          schemas: [USER_SCHEMA],
          externalId: `${mark}-load-${k}`,
          userName,
          active: true,
          displayName: `Load User ${k}`,
          emails: [{ primary: true, type: 'work', value: userName }],
          name: { givenName: 'Load', familyName: `User ${k}`, formatted: `Load User ${k}` },
        },
      });
      return { id: createdId(res, `POST /Users (load pool user ${k})`), userName };
    }),
  );
  const refused = created.find((c) => c.status === 'rejected');
  if (refused) throw refused.reason;
  const users = created.map((c) => (c as PromiseFulfilledResult<Pool['users'][number]>).value);
  const res = await client.send({ method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: `${mark}-load-group`, externalId: `${mark}-load-group`, members: [] } });
  return { users, groupId: createdId(res, 'POST /Groups (load pool group)') };
}

function createdId(res: ScimResponse, what: string): string {
  if (res.error && res.status === undefined) {
    throw new ScimcheckError(`setting up the load pool: ${what}: ${res.error.message}`, res.error.unreachable ? ExitCode.Unreachable : ExitCode.Failed);
  }
  const id = (res.json as { id?: unknown } | undefined)?.id;
  if (res.status === undefined || res.status < 200 || res.status > 299 || typeof id !== 'string' || !id) {
    throw new ScimcheckError(`setting up the load pool: ${what} answered ${res.status ?? 'nothing'}${typeof id === 'string' ? '' : ' without an id'}: the load test needs objects of its own`, ExitCode.Failed);
  }
  return id;
}

/** The i-th request of the schedule, on the run's own objects only. */
export class Workload {
  private readonly counters: Record<Op, number> = { 'filter-user': 0, 'get-user': 0, 'get-group': 0, 'patch-user': 0, 'patch-group': 0 };

  constructor(private readonly pool: Pool) {}

  next(i: number): { req: ScimRequest; write: boolean } {
    const op = MIX[i % MIX.length]!;
    const c = this.counters[op]++;
    const users = this.pool.users;
    const user = users[c % users.length]!;
    switch (op) {
      case 'filter-user':
        return { req: { method: 'GET', path: '/Users', query: [['filter', `userName eq "${user.userName}"`]] }, write: false };
      case 'get-user':
        return { req: { method: 'GET', path: resourcePath('User', user.id) }, write: false };
      case 'get-group':
        return { req: { method: 'GET', path: resourcePath('Group', this.pool.groupId), query: [['excludedAttributes', 'members']] }, write: false };
      case 'patch-user': {
        // Entra's two dialects alternate: legacy `Replace` with a path, compliant `replace` with a value object.
        const attr = Math.floor(c / 2) % 2 === 0 ? 'title' : 'displayName';
        const value = `Load ${attr} ${c}`;
        const ops = c % 2 === 0 ? [{ op: 'Replace', path: attr, value }] : [{ op: 'replace', value: { [attr]: value } }];
        return { req: { method: 'PATCH', path: resourcePath('User', user.id), body: { schemas: [PATCH_SCHEMA], Operations: ops } }, write: true };
      }
      case 'patch-group': {
        // Each user in turn is added, then (a round later) removed; the dialect changes every two rounds.
        const round = Math.floor(c / users.length);
        const add = round % 2 === 0;
        const legacy = Math.floor(round / 2) % 2 === 0;
        const ops = add
          ? legacy
            ? [{ op: 'Add', path: 'members', value: [{ $ref: null, value: user.id }] }]
            : [{ op: 'add', path: 'members', value: [{ value: user.id }] }]
          : legacy
            ? [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: user.id }] }]
            : [{ op: 'remove', path: `members[value eq "${user.id}"]` }];
        return { req: { method: 'PATCH', path: resourcePath('Group', this.pool.groupId), body: { schemas: [PATCH_SCHEMA], Operations: ops } }, write: true };
      }
    }
  }
}

async function drive(opts: LoadOptions, pool: Pool, n: number): Promise<LoadResult> {
  const { load, rps, durationMs, concurrency, signal } = opts;
  const interval = 1000 / rps;
  const total = Math.max(1, Math.round((rps * durationMs) / 1000));
  const workload = new Workload(pool);
  const histogram = new LatencyHistogram();
  const errors: Record<string, number> = {};
  let sent = 0;
  let completed = 0;
  let ok = 0;
  let failed = 0;
  let answered = 0;
  let unreachableFailures = 0;
  let notSentOnTime = 0;
  let reads = 0;
  let writes = 0;
  let inFlight = 0;
  let next = 0;
  let lastTick = 0;
  let lastProgress = 0;
  let drained: (() => void) | undefined;

  const start = (i: number) => {
    const { req, write } = workload.next(i);
    if (write) writes++;
    else reads++;
    sent++;
    inFlight++;
    const began = performance.now();
    void load.send(req).then(
      (res) => finish(res, performance.now() - began),
      () => finish(undefined, performance.now() - began),
    );
  };
  const finish = (res: ScimResponse | undefined, ms: number) => {
    inFlight--;
    completed++;
    // Memory stays flat: the load client's exchange log is not kept.
    load.exchanges.length = 0;
    histogram.record(ms);
    const status = res?.status;
    if (status !== undefined) answered++;
    if (status !== undefined && status >= 200 && status < 300) ok++;
    else {
      failed++;
      const key = status !== undefined ? String(status) : res?.error?.code ?? 'OTHER';
      errors[key] = (errors[key] ?? 0) + 1;
      if (status === undefined && res?.error?.unreachable) unreachableFailures++;
    }
    if (inFlight === 0) drained?.();
  };

  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    signal?.addEventListener('abort', stop);
    const tick = () => {
      timer = undefined;
      if (signal?.aborted) return stop();
      const now = performance.now();
      lastTick = now;
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (next < due) {
        if (inFlight < concurrency) start(next);
        else notSentOnTime++;
        next++;
      }
      if (opts.onProgress && now - lastProgress >= 1000) {
        lastProgress = now;
        opts.onProgress({ elapsedMs: now - t0, sent, errors: failed });
      }
      if (next >= total) return stop();
      timer = setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    tick();
  });
  // The window the schedule covered: its nominal length, or longer when the event loop fell behind.
  const windowMs = Math.max(signal?.aborted ? 0 : durationMs, lastTick - t0 + interval);
  if (inFlight > 0) await new Promise<void>((r) => (drained = r));

  const achievedRps = sent / (windowMs / 1000);
  const errorRate = completed ? failed / completed : 0;
  const latencyMs = {
    min: round(histogram.count ? histogram.min : 0),
    mean: round(histogram.mean),
    p50: round(histogram.percentile(50)),
    p95: round(histogram.percentile(95)),
    p99: round(histogram.percentile(99)),
    max: round(histogram.max),
    overflow10s: histogram.max >= histogram.maxMs,
  };
  const thresholds = { minRps: round(rps * THRESHOLDS.minRateFraction), maxErrorRate: THRESHOLDS.maxErrorRate, maxP95Ms: THRESHOLDS.maxP95Ms };
  const reasons: string[] = [];
  if (achievedRps < thresholds.minRps) reasons.push(`achieved ${round(achievedRps)} req/s, below ${thresholds.minRps} (95% of ${rps})`);
  if (errorRate > thresholds.maxErrorRate) reasons.push(`error rate ${pct(errorRate)}, above ${pct(thresholds.maxErrorRate)}`);
  if (latencyMs.p95 > thresholds.maxP95Ms) reasons.push(`p95 latency ${latencyMs.p95} ms, above ${thresholds.maxP95Ms} ms`);
  return {
    settings: { rps, durationMs, concurrency, users: n },
    requests: { scheduled: signal?.aborted ? next : total, sent, completed, ok, failed, notSentOnTime, reads, writes },
    achievedRps: round(achievedRps),
    windowMs: Math.round(windowMs),
    errorRate: Math.round(errorRate * 10_000) / 10_000,
    errors,
    latencyMs,
    thresholds,
    passed: reasons.length === 0,
    reasons,
    unreachable: sent > 0 && answered === 0 && unreachableFailures === failed,
    interrupted: false,
    cleanup: { deleted: 0, failed: 0, remaining: 0 },
  };
}

function emptyResult(opts: LoadOptions, n: number): LoadResult {
  return {
    settings: { rps: opts.rps, durationMs: opts.durationMs, concurrency: opts.concurrency, users: n },
    requests: { scheduled: 0, sent: 0, completed: 0, ok: 0, failed: 0, notSentOnTime: 0, reads: 0, writes: 0 },
    achievedRps: 0,
    windowMs: 0,
    errorRate: 0,
    errors: {},
    latencyMs: { min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0, overflow10s: false },
    thresholds: { minRps: round(opts.rps * THRESHOLDS.minRateFraction), maxErrorRate: THRESHOLDS.maxErrorRate, maxP95Ms: THRESHOLDS.maxP95Ms },
    passed: false,
    reasons: ['interrupted before the load started'],
    unreachable: false,
    interrupted: true,
    cleanup: { deleted: 0, failed: 0, remaining: 0 },
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
const pct = (x: number) => `${Math.round(x * 10_000) / 100}%`;
