/**
 * The terminal reporters' text. `create` is the plain-lines reporter (CI, pipes, files, --verbose): each suite's
 * checks are printed together when the suite ends (suites run at once), every failure with its details. `printEnd`
 * is what both it and the live view print when the run is over: the mapping tables, what could not be deleted (on
 * stderr), the summary and the baseline. Under --json only the stderr warnings are printed.
 */
import type { Report } from '../model/report.js';
import type { CheckResult } from '../model/verdict.js';
import { visible } from './failure.js';
import { mappingTables } from './mappings.js';
import type { CreateReporter, ReporterIO, RunInfo } from './reporter.js';
import { checkDetails, checkLine, summaryLine } from './text.js';

/** The heading line: `scimcheck run → https://… (7 suites, 5 app profiles)`. */
export function heading(io: ReporterIO, info: RunInfo): string {
  return `${io.ch.bold(`scimcheck ${info.command}`)} ${io.ch.dim('→')} ${info.baseUrl}${info.scope ? ` ${io.ch.dim(info.scope)}` : ''}`;
}

/** A check's line and, when it did not pass, its details. */
export function checkBlock(c: CheckResult, io: ReporterIO, failOn: Report['failOn']): string[] {
  return [`  ${checkLine(c, io.ch)}`, ...checkDetails(c, io.ch, failOn)];
}

/** The end of a run on the terminal (both terminal reporters). */
export function printEnd(report: Report, io: ReporterIO, info: RunInfo, json: boolean): void {
  const ch = io.ch;
  if (!json && report.mappings?.length) {
    io.out('');
    for (const l of mappingTables(report.mappings, new Map(info.profiles.map((p) => [p.id, p.title])), ch)) io.out(l);
  }
  // The last word on each path (the ledger sweep may have tried again after a suite's own cleanup).
  const lastByPath = new Map((report.cleanup ?? []).map((x) => [x.path, x]));
  for (const x of lastByPath.values()) if (!x.ok) io.err(ch.yellow(`warning: could not delete ${visible(x.path)} (suite ${x.suite}): ${visible(x.message)}`));
  const ledger = report.ledger;
  if (report.interrupted) {
    const deleted = [...lastByPath.values()].filter((x) => x.ok).length;
    io.err(`scimcheck: interrupted by ${report.interrupted}: deleted ${deleted} object${deleted === 1 ? '' : 's'} the run created${ledger?.remaining ? `; ${ledger.remaining} may remain (below)` : ', nothing remains'}`);
  }
  if (ledger?.remaining) {
    io.err(ch.yellow(`warning: ${ledger.remaining} object(s) the run created may remain; they are listed in ${ledger.file ?? 'the ledger'}: scimcheck cleanup --ledger ${ledger.file ?? 'FILE'}`));
  }
  if (json) return;
  io.out('');
  io.out(summaryLine(report.summary, ch));
  const b = report.baseline;
  if (b) {
    const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
    io.out(`baseline ${b.file}: ${n(b.known.length, 'known failure')}, ${b.new.length ? ch.red(`${b.new.length} new`) : ch.green('0 new')}, ${b.fixed.length} fixed since the baseline`);
    for (const id of b.new) io.out(`  ${ch.red('new')}    ${id}`);
    for (const id of b.fixed) io.out(`  ${ch.green('fixed')}  ${id}`);
  }
}

export const create: CreateReporter = (io, info, opts) => {
  if (!opts.json) io.out(heading(io, info));
  const buffered = new Map<string, CheckResult[]>();
  return {
    onEvent: (e) => {
      if (opts.json) return;
      if (e.type === 'check') {
        const list = buffered.get(e.check.suite) ?? [];
        list.push(e.check);
        buffered.set(e.check.suite, list);
      } else if (e.type === 'suite-end') {
        io.out(`${io.ch.bold(e.suite.id)} ${io.ch.dim(`${e.suite.title} (${e.durationMs} ms)`)}`);
        for (const c of buffered.get(e.suite.id) ?? []) for (const l of checkBlock(c, io, info.failOn)) io.out(l);
        buffered.delete(e.suite.id);
      }
    },
    report: (report) => printEnd(report, io, info, opts.json),
  };
};
