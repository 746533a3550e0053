/**
 * The result model: what every engine produces and every reporter reads. It imports nothing from the engines, so
 * that reporters, the policy and the JSON result depend on data, never on how it was produced. Part of the JSON
 * result contract (README "JSON result", schemas/report.schema.json).
 */
import type { Exchange } from './exchange.js';

export type Outcome = 'passed' | 'failed' | 'errored' | 'skipped';
/** As RFC 2119 words it in the RFC section the check cites. */
export type Severity = 'MUST' | 'SHOULD' | 'MAY';
/** Which failed checks make a run fail: MUST only (default), MUST and SHOULD, or any (`--strict`). */
export type FailOn = 'must' | 'should' | 'any';

/** One expectation a response did not meet. */
export interface FailedExpectation {
  /** What was judged: `status`, `header ETag`, `body.userName`, `emails[type eq "work"].value`, `Resources ids`, … */
  what: string;
  expected: string;
  actual: string;
  /** The JSON pointer into the response body it concerns, when there is one (`/Resources/0/id`). */
  pointer?: string;
  /** The response header it concerns, when it is one (lower case). */
  header?: string;
}

/** Where a verdict's step is written: the suite YAML file, 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** What every verdict has, check or mapping row. */
interface VerdictBase {
  /** Stable: `suite/check` for checks, `app:<app>/<object>/<attribute>` for mapping rows. */
  id: string;
  /** The suite id of a check, `app:<app>` of a mapping row: what reports group verdicts by. */
  group: string;
  title: string;
  outcome: Outcome;
  /** One line: why it passed, failed, errored or was skipped. */
  message: string;
  /**
   * Whether this verdict makes the run fail: decided once, by the policy (src/core/runner/policy.ts), from its
   * outcome, its severity, `--fail-on` and the baseline. Reporters read it and decide nothing themselves.
   */
  counts: boolean;
  /** With --baseline, for a failed or errored verdict: whether the baseline lists it. */
  baseline?: 'known' | 'new';
  /**
   * The verdict that kept this one from being judged (a failed prerequisite): this one is `errored` or `skipped`,
   * and the cause is that verdict, not a failure of this one's own rule.
   */
  blockedBy?: string;
  /** Where the step is written, for checks that come from a YAML suite. */
  source?: SourcePosition;
  /** Every expectation the response did not meet (the first one is also in `message`). */
  failures?: FailedExpectation[];
  durationMs: number;
  /** Redacted request/response pairs that the verdict rests on. */
  exchanges: Exchange[];
}

/** The PATCH dialect a per-dialect check ran in. */
export type DialectName = 'entra' | 'entra-legacy';

/** One check's verdict. */
export interface CheckResult extends VerdictBase {
  kind: 'check';
  suite: string;
  severity: Severity;
  /** Whether Microsoft Entra provisioning depends on this behaviour. */
  entra: boolean;
  /** The rule: `RFC 7644 §3.4.2`, or the Entra requirement. */
  reference: string;
  expected?: string;
  actual?: string;
  /** What Entra would show its admin, when it would fail. */
  entraMessage?: string;
  /** How to fix the server, for a failure. */
  hint?: string;
  dialect?: DialectName;
}

export type Phase = 'passed' | 'failed' | 'errored' | 'skipped' | 'n/a';
export type MappingType = 'String' | 'Boolean' | 'Reference' | 'Integer' | 'DateTime';

/** One attribute-mapping row's verdict: an entry of the JSON result's `mappings[]`. */
export interface MappingResult extends VerdictBase {
  kind: 'mapping';
  app: string;
  object: 'User' | 'Group';
  attribute: string;
  type: MappingType;
  matching: boolean;
  phases: { declared: Phase; create: Phase; read: Phase; update: Phase; filter: Phase };
  /** The update phase in each of Entra's PATCH dialects that ran. */
  dialects: Partial<Record<DialectName, Phase>>;
}

/** A check or a mapping row. */
export type Verdict = CheckResult | MappingResult;

/** A verdict as an engine produces it, before the policy says whether it counts. */
export type Judged<V extends Verdict> = V extends unknown ? Omit<V, 'counts' | 'baseline'> : never;

export const isFailing = (v: { outcome: Outcome }): boolean => v.outcome === 'failed' || v.outcome === 'errored';

/** The id of a mapping row (also its id in baselines). */
export const mappingId = (m: { app: string; object: string; attribute: string }): string => `app:${m.app}/${m.object}/${m.attribute}`;

/** One DELETE of an object the run created. */
export interface CleanupItem {
  /** The suite (or `app:<app>`, or `ledger`) that created it. */
  suite: string;
  path: string;
  status?: number;
  ok: boolean;
  message: string;
}

export interface Summary {
  passed: number;
  /** Failed checks whose severity counts under --fail-on (MUST by default). */
  failed: number;
  errored: number;
  skipped: number;
  /** Failed checks whose severity does not count under --fail-on. */
  warnings: number;
  durationMs: number;
  /** Attribute-mapping rows by outcome (present when app profiles ran). */
  mappings?: { passed: number; failed: number; errored: number; skipped: number };
}

/** The comparison of a run with a baseline file. */
export interface BaselineVerdict {
  file: string;
  /** Failures of this run that the baseline lists: they do not fail the run. */
  known: string[];
  /** Failures the baseline does not list: these fail the run. */
  new: string[];
  /** Baseline failures whose check or row passed in this run. */
  fixed: string[];
}
