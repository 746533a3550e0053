/**
 * The runner: a short orchestrator of the pipeline
 *   plan (plan.ts) → discovery (discovery.ts) → execution of the suites, a pool of `concurrency`, and the mapping
 *   rows alongside (execute.ts, judge.ts, mapping/engine.ts) → cleanup (cleanup.ts) → policy (policy.ts).
 * Every verdict passes the policy as it is made, so events already say whether it counts; the policy concludes the
 * summary and exit code at the end. Every resource the run creates is deleted, also when checks fail. Nothing here
 * prints.
 */
import { randomBytes } from 'node:crypto';
import type { ExitCode } from '../errors.js';
import type { ScimClient } from '../http/client.js';
import { runMappings } from '../mapping/engine.js';
import type { Profile } from '../mapping/profile.js';
import type { RunEvent } from '../model/events.js';
import type { BaselineVerdict, CheckResult, CleanupItem, FailOn, MappingResult, Summary } from '../model/verdict.js';
import { Ledger } from '../safety/ledger.js';
import { SafetyGuard } from '../safety/guard.js';
import { SchemaRegistry } from '../scim/registry.js';
import type { Dialect, Suite } from '../suite/model.js';
import { wordingFor } from '../connection/wording.js';
import { sweep } from './cleanup.js';
import { discover, type Capabilities } from './discovery.js';
import { runSuite } from './execute.js';
import { plan } from './plan.js';
import { Policy } from './policy.js';

export type { RunEvent } from '../model/events.js';
export type { CleanupItem } from '../model/verdict.js';

export interface RunOptions {
  suites: Suite[];
  client: ScimClient;
  /** Which PATCH dialects to run (default both). */
  dialects?: Dialect[];
  /** Run only steps that send no write (and those that depend on nothing written). */
  readOnly?: boolean;
  concurrency?: number;
  /** Check ids (`suite/step`) to run, with the steps they depend on. */
  checks?: string[];
  /** What counts (`--fail-on`, the baseline). Default: MUST failures, no baseline. */
  policy?: Policy;
  /** Shorthand for a policy with this `--fail-on` (ignored when `policy` is given). */
  failOn?: FailOn;
  runId?: string;
  registry?: SchemaRegistry;
  /** Read the server's ServiceProviderConfig, ResourceTypes and Schemas first (default true). */
  discovery?: boolean;
  /** Values for suite vars of the same name (e.g. Test Connection's matchingAttribute). */
  vars?: Record<string, string | number | boolean>;
  /** Checks to skip, by id, with the reason to report. */
  skip?: Record<string, string>;
  /** App profiles whose attribute mappings to check (run alongside the suites). */
  profiles?: Profile[];
  /** Where the run records what it creates (default: in memory). */
  ledger?: Ledger;
  /** Aborting stops the run between steps (SIGINT): what was created is still deleted. */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
}

export interface RunResult {
  runId: string;
  failOn: FailOn;
  checks: CheckResult[];
  summary: Summary;
  exitCode: ExitCode;
  /** With a baseline: the known, new and fixed failures. */
  baseline?: BaselineVerdict;
  cleanup: CleanupItem[];
  suites: { id: string; title: string; durationMs: number }[];
  mappings: MappingResult[];
  /** The ledger file (when one was written), and how many objects in it could not be deleted. */
  ledger: { file?: string; remaining: number };
  /** The run was interrupted (signal). */
  interrupted: boolean;
}

export async function runSuites(opts: RunOptions): Promise<RunResult> {
  const runId = opts.runId ?? randomBytes(4).toString('hex');
  // Safety: every request of the run passes through the guard (ledger, ownership, marks).
  const ledger = opts.ledger ?? Ledger.inMemory(runId, opts.client.target.baseUrl.toString());
  const previousGuard = opts.client.guard;
  opts.client.setGuard(new SafetyGuard(ledger, `scimcheck-${runId}`));
  try {
    return await runGuarded({ ...opts, runId }, ledger);
  } finally {
    opts.client.setGuard(previousGuard);
    ledger.closeFile(); // also when the run ends in an exception (the file stays, for `scimcheck cleanup`)
  }
}

async function runGuarded(opts: RunOptions & { runId: string }, ledger: Ledger): Promise<RunResult> {
  const started = Date.now();
  const { runId, client } = opts;
  const policy = opts.policy ?? new Policy({ failOn: opts.failOn ?? 'must' });
  const registry = opts.registry ?? SchemaRegistry.core();
  const dialects = opts.dialects ?? ['entra-legacy', 'entra'];
  const { queue, selected } = plan(opts.suites, { dialects, ...(opts.checks ? { checks: opts.checks } : {}) });
  const caps: Capabilities = opts.discovery === false ? {} : await discover(client);

  const checks: CheckResult[] = [];
  const cleanup: CleanupItem[] = [];
  const suiteTimes: RunResult['suites'] = [];
  const emit = (e: RunEvent) => {
    if (e.type === 'check') checks.push(e.check);
    if (e.type === 'cleanup') cleanup.push(e.item);
    opts.onEvent?.(e);
  };
  const worker = async () => {
    for (let suite = queue.shift(); suite; suite = queue.shift()) {
      const t0 = Date.now();
      const ref = { id: suite.id, title: suite.title };
      emit({ type: 'suite-start', suite: ref });
      const wording = wordingFor(suite.id);
      await runSuite(suite, {
        client,
        runId,
        registry,
        dialects,
        selected,
        caps,
        ...(opts.readOnly ? { readOnly: true } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.vars ? { vars: opts.vars } : {}),
        ...(opts.skip ? { skip: opts.skip } : {}),
        ...(wording ? { wording } : {}),
        onCheck: (check) => emit({ type: 'check', check: policy.mark(check) }),
        onCleanup: (item) => emit({ type: 'cleanup', item }),
      });
      const durationMs = Date.now() - t0;
      suiteTimes.push({ ...ref, durationMs });
      emit({ type: 'suite-end', suite: ref, durationMs });
    }
  };
  const markedRows = new Map<object, MappingResult>();
  const mappingRun = opts.profiles?.length
    ? runMappings({
        ...(opts.signal ? { signal: opts.signal } : {}),
        client,
        profiles: opts.profiles,
        runId,
        dialects,
        ...(opts.readOnly ? { readOnly: true } : {}),
        ...(caps.registry ? { serverRegistry: caps.registry } : {}),
        onRow: (row) => {
          const marked = policy.mark(row);
          markedRows.set(row, marked);
          emit({ type: 'mapping', result: marked });
        },
      })
    : Promise.resolve({ results: [], cleanup: [] });
  const workers = Math.max(1, Math.min(opts.concurrency ?? 4, queue.length || 1));
  const [, mapped] = await Promise.all([Promise.all(Array.from({ length: workers }, worker)), mappingRun]);
  for (const item of mapped.cleanup) emit({ type: 'cleanup', item });
  for (const item of await sweep(ledger, client)) emit({ type: 'cleanup', item });
  ledger.close();
  const remaining = ledger.remaining().length;

  // Report in a stable order: suites as given (they ran longest first), steps as written, rows as listed.
  const given = new Map(opts.suites.map((s, i) => [s.id, i]));
  suiteTimes.sort((a, b) => (given.get(a.id) ?? 0) - (given.get(b.id) ?? 0));
  const order = new Map<string, number>();
  opts.suites.forEach((s, i) => s.steps.forEach((st, j) => order.set(`${s.id}/${st.key}`, i * 10_000 + j)));
  checks.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const mappings = mapped.results.map((r) => markedRows.get(r) ?? policy.mark(r));

  const interrupted = opts.signal?.aborted === true;
  // The command aborts with the signal's name as the reason (SIGINT, SIGTERM): the exit code says which.
  const reason = interrupted && typeof opts.signal?.reason === 'string' ? opts.signal.reason : undefined;
  const { summary, exitCode, baseline } = policy.conclude([...checks, ...mappings], { durationMs: Date.now() - started, interrupted: reason });
  return {
    runId,
    failOn: policy.failOn,
    checks,
    summary,
    exitCode,
    ...(baseline ? { baseline } : {}),
    cleanup,
    suites: suiteTimes,
    mappings,
    ledger: { ...(ledger.file && remaining ? { file: ledger.file } : {}), remaining },
    interrupted,
  };
}
