/**
 * The JSON result of a run (schemas/report.schema.json): what `--json` prints and `--report-json` writes, and the one
 * input of every reporter (terminal, JUnit, HTML, HAR, GitHub). Everything in it is already redacted, and everything
 * a reporter shows is read from it: which verdicts count, the exit code, `--fail-on` and the baseline are decided
 * before it is made (src/core/runner/policy.ts).
 */
import type { ExitCode } from '../errors.js';
import type { Exchange } from './exchange.js';
import type { BaselineVerdict, CheckResult, CleanupItem, FailOn, MappingResult, Summary } from './verdict.js';

export interface Report {
  tool: { name: 'scimcheck'; version: string };
  command: string;
  target: { baseUrl: string };
  exitCode: ExitCode;
  /** Which failed checks count (`--fail-on`; `--strict` is `any`). */
  failOn: FailOn;
  summary: Summary;
  checks: CheckResult[];
  runId?: string;
  /** When the run started (ISO 8601). */
  startedAt?: string;
  /** The PATCH dialects the run used. */
  dialects?: string[];
  suites?: { id: string; title: string; durationMs: number }[];
  cleanup?: CleanupItem[];
  mappings?: MappingResult[];
  /** With --baseline: the known, new and fixed failures. */
  baseline?: BaselineVerdict;
  /**
   * Every exchange of the run (discovery, passing mapping rows, cleanup included), redacted. Handed to the file
   * reporters (HAR); not part of the JSON result, whose checks and rows carry the exchanges their verdicts rest on.
   */
  exchanges?: Exchange[];
  /** Objects the run created that may remain (0 when all were deleted), and the ledger file that lists them. */
  ledger?: { file?: string; remaining: number };
  /** The signal that interrupted the run, if one did (exit code 130 for SIGINT, 143 for SIGTERM). */
  interrupted?: string;
}

/** Every exchange of a report once, in sequence order (checks and mapping rows can share one). */
export function allExchanges(report: Report): Exchange[] {
  const bySeq = new Map<number, Exchange>();
  for (const e of report.exchanges ?? []) bySeq.set(e.seq, e);
  for (const c of report.checks) for (const e of c.exchanges) bySeq.set(e.seq, e);
  for (const m of report.mappings ?? []) for (const e of m.exchanges) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Checks, then mapping rows: every verdict of a report in report order. */
export function verdictsOf(report: Pick<Report, 'checks' | 'mappings'>): (CheckResult | MappingResult)[] {
  return [...report.checks, ...(report.mappings ?? [])];
}
