/**
 * Entra's Test Connection, run from its YAML suite (suites/test-connection.yaml) through the same engine as every
 * suite: no discovery first (Entra sends only its probes, in sequence), the matching attribute as the suite's
 * `matchingAttribute` var, and the group probe skipped when the app provisions no groups. The failures are worded
 * as Entra shows them (wording.ts).
 */
import type { ScimClient } from '../http/client.js';
import type { RunEvent } from '../model/events.js';
import { Policy } from '../runner/policy.js';
import { runSuites, type RunResult } from '../runner/runner.js';
import { loadSuiteDir } from '../suite/loader.js';
import type { Suite } from '../suite/model.js';
import { TEST_CONNECTION_SUITE } from './wording.js';

export interface TestConnectionOptions {
  /** The user attribute Entra matches on (default userName; older jobs used externalId). */
  matchingAttribute: string;
  /** Probe /Groups as well (apps that provision groups). */
  groups: boolean;
  /** What counts (default: MUST failures). */
  policy?: Policy;
  /** The suite to run (default: the built-in one, loaded here). */
  suite?: Suite;
  /** Aborting stops between probes (SIGINT). */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
}

/** The built-in Test Connection suite. */
export function testConnectionSuite(): Suite {
  const suite = loadSuiteDir().find((s) => s.id === TEST_CONNECTION_SUITE);
  if (!suite) throw new Error(`the built-in suite ${TEST_CONNECTION_SUITE} is missing`);
  return suite;
}

export function testConnection(client: ScimClient, opts: TestConnectionOptions): Promise<RunResult> {
  return runSuites({
    suites: [opts.suite ?? testConnectionSuite()],
    client,
    discovery: false,
    concurrency: 1,
    policy: opts.policy ?? new Policy(),
    vars: { matchingAttribute: opts.matchingAttribute },
    ...(opts.groups ? {} : { skip: { [`${TEST_CONNECTION_SUITE}/groups-filter-no-match`]: 'groups are out of scope (--no-groups)' } }),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
}
