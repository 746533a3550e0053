/**
 * The policy: the one place where it is decided which verdicts count toward the exit code, what the summary says,
 * and what the exit code is. Inputs: `--fail-on`, the baseline's known failures, whether the run was interrupted.
 * Engines hand their verdicts to `mark` as they finish (so the live view already knows what counts); `conclude`
 * decides the rest when the run is over. Reporters only read what this decided.
 *
 * The rules:
 * - a failed check counts when its severity counts under --fail-on (MUST; MUST and SHOULD; any);
 * - an errored check counts (it could not be judged), unless something before it blocked it (`blockedBy`): then its
 *   cause counts, not it;
 * - a failed or errored mapping row counts;
 * - with a baseline, a failure it lists does not count (it is "known");
 * - exit code: 130/143 when interrupted, 3 when the target answered no request at all, 1 when a verdict counts, 0
 *   otherwise.
 */
import { ExitCode } from '../errors.js';
import type { BaselineVerdict, CheckResult, FailOn, Judged, MappingResult, Severity, Summary, Verdict } from '../model/verdict.js';

/** Whether a failed check of this severity counts under `failOn`. */
export function severityCounts(severity: Severity, failOn: FailOn): boolean {
  return severity === 'MUST' || failOn === 'any' || (failOn === 'should' && severity === 'SHOULD');
}

/** Whether a verdict is a failure that counts under `failOn`, the baseline aside (what a baseline file records). */
export function failsUnder(v: Judged<Verdict>, failOn: FailOn): boolean {
  if (v.outcome === 'errored') return v.blockedBy === undefined;
  if (v.outcome !== 'failed') return false;
  return v.kind === 'mapping' || severityCounts(v.severity, failOn);
}

export interface PolicyOptions {
  failOn?: FailOn;
  /** The ids a baseline file lists as known failures, and the file's name. */
  baseline?: { file: string; failures: readonly string[] };
}

export interface Conclusion {
  summary: Summary;
  exitCode: ExitCode;
  baseline?: BaselineVerdict;
}

export class Policy {
  readonly failOn: FailOn;
  private readonly known?: Set<string>;
  private readonly baselineFile?: { file: string; failures: readonly string[] };

  constructor(opts: PolicyOptions = {}) {
    this.failOn = opts.failOn ?? 'must';
    if (opts.baseline) {
      this.baselineFile = opts.baseline;
      this.known = new Set(opts.baseline.failures);
    }
  }

  /** A verdict with `counts` (and, under a baseline, `baseline`) decided. */
  mark(v: Judged<CheckResult>): CheckResult;
  mark(v: Judged<MappingResult>): MappingResult;
  mark(v: Judged<Verdict>): Verdict {
    const fails = failsUnder(v, this.failOn);
    const known = fails && this.known?.has(v.id) === true;
    const out = { ...v, counts: fails && !known } as Verdict;
    delete out.baseline;
    if (this.known && fails) out.baseline = known ? 'known' : 'new';
    return out;
  }

  /** The summary, the baseline comparison and the exit code of a run whose verdicts were marked. */
  conclude(verdicts: readonly Verdict[], opts: { durationMs: number; interrupted?: string | undefined }): Conclusion {
    const summary: Summary = { passed: 0, failed: 0, errored: 0, skipped: 0, warnings: 0, durationMs: opts.durationMs };
    const rows = verdicts.filter((v) => v.kind === 'mapping');
    for (const v of verdicts) {
      if (v.kind === 'mapping') continue;
      if (v.outcome === 'failed') {
        if (severityCounts(v.severity, this.failOn)) summary.failed++;
        else summary.warnings++;
      } else summary[v.outcome]++;
    }
    if (rows.length) {
      summary.mappings = { passed: 0, failed: 0, errored: 0, skipped: 0 };
      for (const r of rows) summary.mappings[r.outcome]++;
    }
    const baseline = this.baselineFile ? this.compare(verdicts, this.baselineFile) : undefined;
    return { summary, exitCode: this.exitCode(verdicts, opts.interrupted), ...(baseline ? { baseline } : {}) };
  }

  private exitCode(verdicts: readonly Verdict[], interrupted: string | undefined): ExitCode {
    if (interrupted === 'SIGINT') return ExitCode.Interrupted;
    if (interrupted === 'SIGTERM') return ExitCode.Terminated;
    // 3 only when no request got an HTTP answer and a verdict could not be judged for want of the target: one
    // timeout in a run where the server otherwise answered is an errored check (1).
    const answered = verdicts.some((v) => v.exchanges.some((e) => e.response !== undefined));
    const unreachable = !answered && verdicts.some((v) => v.outcome === 'errored' && v.exchanges.some((e) => e.error?.unreachable));
    if (unreachable) return ExitCode.Unreachable;
    return verdicts.some((v) => v.counts) ? ExitCode.Failed : ExitCode.Ok;
  }

  private compare(verdicts: readonly Verdict[], file: { file: string; failures: readonly string[] }): BaselineVerdict {
    const known: string[] = [];
    const added: string[] = [];
    for (const v of verdicts) if (v.baseline === 'known') known.push(v.id);
    for (const v of verdicts) if (v.baseline === 'new') added.push(v.id);
    const passed = new Set(verdicts.filter((v) => v.outcome === 'passed' || (v.outcome === 'failed' && !failsUnder(v, this.failOn))).map((v) => v.id));
    return {
      file: file.file,
      known: [...new Set(known)].sort(),
      new: [...new Set(added)].sort(),
      fixed: file.failures.filter((id) => passed.has(id)).sort(),
    };
  }
}

/** The ids a baseline file records for a run: its failures that count under `failOn` (blocked ones aside). */
export function baselineFailures(verdicts: readonly Verdict[], failOn: FailOn): string[] {
  return [...new Set(verdicts.filter((v) => failsUnder(v, failOn)).map((v) => v.id))].sort();
}
