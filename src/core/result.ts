import { ExitCode } from './errors.js';
import type { Exchange } from './http/exchange.js';

export type Outcome = 'passed' | 'failed' | 'errored' | 'skipped';
/** As RFC 2119 words it in the RFC section the check cites. */
export type Severity = 'MUST' | 'SHOULD' | 'MAY';

/** One check's verdict: the unit of every report. Part of the JSON result contract (README "JSON result"). */
export interface CheckResult {
  /** Stable: `suite/check`, e.g. `test-connection/users-filter-no-match`. */
  id: string;
  suite: string;
  title: string;
  severity: Severity;
  /** Whether Microsoft Entra provisioning depends on this behaviour. */
  entra: boolean;
  /** The rule: `RFC 7644 §3.4.2`, or the Entra requirement. */
  reference: string;
  outcome: Outcome;
  /** One line: why it passed, failed, errored or was skipped. */
  message: string;
  expected?: string;
  actual?: string;
  /** What Entra would show its admin, when it would fail. */
  entraMessage?: string;
  /** How to fix the server, for a failure. */
  hint?: string;
  /** The Entra PATCH dialect a per-dialect check ran in. */
  dialect?: 'entra' | 'entra-legacy';
  durationMs: number;
  /** Redacted request/response pairs that the verdict rests on. */
  exchanges: Exchange[];
}

export interface Summary {
  passed: number;
  /** Failed checks that count: MUST checks (and SHOULD/MAY per --fail-on / --strict). */
  failed: number;
  errored: number;
  skipped: number;
  /** Failed SHOULD/MAY checks that do not count. */
  warnings: number;
  durationMs: number;
  /** Attribute-mapping rows by outcome (present when app profiles ran). */
  mappings?: { passed: number; failed: number; errored: number; skipped: number };
}

/** Which failed checks make a run fail: MUST only (default), MUST and SHOULD, or any (`--strict`). */
export type FailOn = 'must' | 'should' | 'any';

/** Whether a failed check of this severity counts under `failOn` (`true` is `--strict`, i.e. any). */
export function counts(severity: Severity, failOn: FailOn | boolean = 'must'): boolean {
  const level = failOn === true ? 'any' : failOn === false ? 'must' : failOn;
  return severity === 'MUST' || level === 'any' || (level === 'should' && severity === 'SHOULD');
}

export function summarize(checks: CheckResult[], durationMs: number, failOn: FailOn | boolean = 'must'): Summary {
  const s: Summary = { passed: 0, failed: 0, errored: 0, skipped: 0, warnings: 0, durationMs };
  for (const c of checks) {
    if (c.outcome === 'failed') {
      if (counts(c.severity, failOn)) s.failed++;
      else s.warnings++;
    } else {
      s[c.outcome]++;
    }
  }
  return s;
}

/**
 * The exit code of a run: 3 when the target could not be reached at all (a check failed to reach it and no request
 * got an HTTP answer), 1 when a counting check failed or a check could not be judged, else 0. One timeout in a run
 * where the server otherwise answered is a check that could not be judged (1), not an unreachable target.
 */
export function exitCodeFor(checks: CheckResult[], summary: Summary): ExitCode {
  const answered = checks.some((c) => c.exchanges.some((e) => e.response !== undefined));
  const unreachable = !answered && checks.some((c) => c.outcome === 'errored' && c.exchanges.some((e) => e.error?.unreachable));
  if (unreachable) return ExitCode.Unreachable;
  if (summary.failed > 0 || summary.errored > 0) return ExitCode.Failed;
  return ExitCode.Ok;
}
