/**
 * Runs built-in suites in-process against the reference server (optionally with faults) and returns the outcome of
 * each check, for fault-table tests: "with fault F, exactly these checks fail".
 */
import { ScimClient } from '../../src/core/http/client.js';
import type { CheckResult } from '../../src/core/model/verdict.js';
import { runSuites, type RunResult } from '../../src/core/runner/runner.js';
import { loadSuiteDir } from '../../src/core/suite/loader.js';
import type { Dialect, Suite } from '../../src/core/suite/model.js';
import { resolveTarget } from '../../src/core/target/resolve.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import type { Profile } from '../../src/core/mapping/profile.js';

let cache: Suite[] | undefined;
export function builtinSuites(): Suite[] {
  cache ??= loadSuiteDir();
  return cache;
}

export interface SuiteRun {
  result: RunResult;
  outcomes: Record<string, CheckResult['outcome']>;
  /** Ids of checks that failed or errored. */
  bad: string[];
  /** Every exchange of the run (retries included). */
  exchanges: ScimClient['exchanges'];
  /** The server's state before and after the run (seed data included). */
  seedBefore: ReturnType<RunningServer['snapshot']>;
  seedAfter: ReturnType<RunningServer['snapshot']>;
  /** Resources left on the server after the run, other than the seed data. */
  leftovers: { users: string[]; groups: string[] };
  byId: (id: string) => CheckResult;
}

export async function runAgainstReference(
  suiteIds: string[],
  opts: { faults?: string[]; dialects?: Dialect[]; readOnly?: boolean; checks?: string[]; seed?: number; suites?: Suite[]; server?: ServerOptions; profiles?: Profile[] } = {},
): Promise<SuiteRun> {
  const server = await startServer({ seed: opts.seed ?? 12, faults: opts.faults ?? [], ...opts.server });
  const before = server.snapshot();
  const client = new ScimClient(resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: '/' }));
  try {
    const suites = (opts.suites ?? builtinSuites()).filter((s) => suiteIds.includes(s.id));
    if (suites.length !== suiteIds.length) throw new Error(`unknown suite in ${suiteIds.join(', ')}`);
    const result = await runSuites({
      suites,
      client,
      ...(opts.dialects ? { dialects: opts.dialects } : {}),
      ...(opts.readOnly ? { readOnly: true } : {}),
      ...(opts.checks ? { checks: opts.checks } : {}),
      ...(opts.profiles ? { profiles: opts.profiles } : {}),
    });
    const outcomes = Object.fromEntries(result.checks.map((c) => [c.id, c.outcome]));
    const snap = server.snapshot();
    return {
      result,
      outcomes,
      bad: result.checks.filter((c) => c.outcome === 'failed' || c.outcome === 'errored').map((c) => c.id),
      exchanges: client.exchanges,
      seedBefore: before,
      seedAfter: snap,
      leftovers: {
        users: snap.users.map((u) => String(u.id)).filter((id) => !id.startsWith('seed-')),
        groups: snap.groups.map((g) => String(g.id)).filter((id) => !id.startsWith('seed-')),
      },
      byId: (id) => {
        const c = result.checks.find((x) => x.id === id);
        if (!c) throw new Error(`no check ${id} in the run`);
        return c;
      },
    };
  } finally {
    await client.close();
    await server.close();
  }
}

/** A readable dump of failures for assertion messages. */
export function explain(run: SuiteRun): string {
  return run.result.checks
    .filter((c) => c.outcome === 'failed' || c.outcome === 'errored')
    .map((c) => `${c.id}: ${c.outcome}: ${c.message}`)
    .join('\n');
}
