import type { ChalkInstance } from 'chalk';
import type { CheckResult, FailOn, Summary } from '../core/result.js';
import type { ExitCode } from '../core/errors.js';
import type { Report } from '../core/report/model.js';
import { checkDetails, checkLine, summaryLine } from '../core/report/text.js';

/** The JSON result of a run (README "JSON result", src/core/report/model.ts). */
export type RunReport = Report;

export function runReport(command: string, version: string, baseUrl: string, r: { exitCode: ExitCode; summary: Summary; checks: CheckResult[] }): RunReport {
  return { tool: { name: 'scimcheck', version }, command, target: { baseUrl }, exitCode: r.exitCode, summary: r.summary, checks: r.checks };
}

/** Line printer for checks as they finish (undefined under --json, where nothing but the JSON is printed). */
export function checkPrinter(out: (line: string) => void, ch: ChalkInstance, json: boolean, failOn: FailOn | boolean = 'must'): ((c: CheckResult) => void) | undefined {
  if (json) return undefined;
  return (c) => {
    out(`  ${checkLine(c, ch, failOn)}`);
    for (const l of checkDetails(c, ch)) out(l);
  };
}

export function printSummary(out: (line: string) => void, ch: ChalkInstance, json: boolean, summary: Summary): void {
  if (json) return;
  out('');
  out(summaryLine(summary, ch));
}
