/**
 * Baselines: the known failures of a target, by check id, so that a CI gate fails only on new failures and says which
 * known ones are now fixed. The file is JSON: { "scimcheck-baseline": 1, "createdAt", "target", "failures": [ids] }.
 * Mapping rows have ids too: `app:<app>/<object>/<attribute>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, ExitCode } from './errors.js';
import { counts, type FailOn } from './result.js';
import type { Report } from './report/model.js';

export interface BaselineFile {
  'scimcheck-baseline': 1;
  createdAt: string;
  target?: string;
  failures: string[];
}

export interface BaselineVerdict {
  file: string;
  /** Counting failures of this run that the baseline knows. */
  known: string[];
  /** Counting failures the baseline does not know: these fail the run. */
  new: string[];
  /** Baseline failures whose check or row passed in this run. */
  fixed: string[];
}

export const mappingId = (m: { app: string; object: string; attribute: string }) => `app:${m.app}/${m.object}/${m.attribute}`;

/** The ids of a report's failures that count under `failOn` (failed checks by severity; errored checks; bad rows). */
export function countingFailures(report: Report, failOn: FailOn): string[] {
  const checks = report.checks.filter((c) => c.outcome === 'errored' || (c.outcome === 'failed' && counts(c.severity, failOn))).map((c) => c.id);
  const rows = (report.mappings ?? []).filter((m) => m.outcome === 'failed' || m.outcome === 'errored').map(mappingId);
  return [...checks, ...rows];
}

export function readBaseline(file: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--baseline: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create one with --write-baseline)' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--baseline: ${file} is not JSON: ${(err as Error).message}`);
  }
  const b = json as Partial<BaselineFile>;
  if (b?.['scimcheck-baseline'] !== 1 || !Array.isArray(b.failures) || !b.failures.every((f) => typeof f === 'string')) {
    throw new ConfigError(`--baseline: ${file} is not a scimcheck baseline (expected {"scimcheck-baseline": 1, "failures": [check ids]})`);
  }
  return b as BaselineFile;
}

export function writeBaseline(file: string, report: Report, failOn: FailOn): BaselineFile {
  const baseline: BaselineFile = {
    'scimcheck-baseline': 1,
    createdAt: new Date().toISOString(),
    target: report.target.baseUrl,
    failures: [...new Set(countingFailures(report, failOn))].sort(),
  };
  try {
    writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (err) {
    throw new ConfigError(`--write-baseline: cannot write ${file}: ${(err as Error).message}`);
  }
  return baseline;
}

/** Compares a run with a baseline. */
export function applyBaseline(report: Report, baseline: BaselineFile, file: string, failOn: FailOn): BaselineVerdict {
  const now = new Set(countingFailures(report, failOn));
  const knownIds = new Set(baseline.failures);
  const passed = new Set([
    ...report.checks.filter((c) => c.outcome === 'passed' || (c.outcome === 'failed' && !counts(c.severity, failOn))).map((c) => c.id),
    ...(report.mappings ?? []).filter((m) => m.outcome === 'passed').map(mappingId),
  ]);
  return {
    file,
    known: [...now].filter((id) => knownIds.has(id)).sort(),
    new: [...now].filter((id) => !knownIds.has(id)).sort(),
    fixed: baseline.failures.filter((id) => passed.has(id)).sort(),
  };
}

/** The exit code under a baseline: unreachable stays 3; otherwise only new failures fail the run. */
export function exitCodeWithBaseline(report: Report, verdict: BaselineVerdict): ExitCode {
  if (report.exitCode === ExitCode.Unreachable) return ExitCode.Unreachable;
  return verdict.new.length ? ExitCode.Failed : ExitCode.Ok;
}
