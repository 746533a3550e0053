/** Terminal text of verdicts: one line per check, the failure details under it, the summary line, --verbose exchanges. */
import type { ChalkInstance } from 'chalk';
import type { Exchange } from '../model/exchange.js';
import type { CheckResult, FailOn, Summary, Verdict } from '../model/verdict.js';
import { failureFields, preview, visible } from './failure.js';

const SYMBOL = { passed: '✔', failed: '✖', errored: '!', skipped: '-' } as const;

/** How a verdict shows: its outcome, or WARN for a failed check that does not count, KNOWN for a baseline's failure. */
export function label(v: Verdict): 'PASSED' | 'FAILED' | 'ERRORED' | 'SKIPPED' | 'WARN' | 'KNOWN' | 'BLOCKED' {
  if ((v.outcome === 'failed' || v.outcome === 'errored') && !v.counts) {
    if (v.baseline === 'known') return 'KNOWN';
    if (v.blockedBy) return 'BLOCKED';
    if (v.outcome === 'failed') return 'WARN';
  }
  return v.outcome.toUpperCase() as 'PASSED';
}

/** One line per check: symbol, label, id, title, timing. Warnings (failed SHOULD/MAY that do not count) show as `▲`. */
export function checkLine(c: CheckResult, ch: ChalkInstance): string {
  const l = label(c);
  const sym = l === 'WARN' || l === 'KNOWN' ? ch.yellow('▲') : l === 'BLOCKED' ? ch.dim(SYMBOL[c.outcome]) : paint(ch, c.outcome, SYMBOL[c.outcome]);
  const time = c.durationMs ? ch.dim(` (${c.durationMs} ms)`) : '';
  const suffix = c.outcome === 'skipped' ? ch.dim(` [skipped: ${visible(c.message)}]`) : '';
  return `${sym} ${l.padEnd(7)} ${visible(c.id)}  ${visible(c.title)}${time}${suffix}`;
}

/** The details under a failed or errored verdict (the shared failure fields, report/failure.ts). */
export function checkDetails(v: Verdict, ch: ChalkInstance, failOn: FailOn): string[] {
  if (v.outcome === 'passed' || v.outcome === 'skipped') return [];
  return failureFields(v, failOn).map((f) => `      ${ch.dim(f.label.padEnd(9))} ${f.text}`);
}

export function summaryLine(s: Summary, ch: ChalkInstance): string {
  const parts = [
    ch.green(`${s.passed} passed`),
    (s.failed ? ch.red : ch.dim)(`${s.failed} failed`),
    (s.errored ? ch.red : ch.dim)(`${s.errored} errored`),
    ch.dim(`${s.skipped} skipped`),
  ];
  if (s.warnings) parts.push(ch.yellow(`${s.warnings} warning${s.warnings === 1 ? '' : 's'}`));
  const m = s.mappings;
  const mappings = m
    ? `; mappings: ${[ch.green(`${m.passed} passed`), (m.failed ? ch.red : ch.dim)(`${m.failed} failed`), ...(m.errored ? [ch.red(`${m.errored} errored`)] : []), ...(m.skipped ? [ch.dim(`${m.skipped} skipped`)] : [])].join(', ')}`
    : '';
  return `${parts.join(', ')}${mappings} ${ch.dim(`in ${s.durationMs} ms`)}`;
}

/** A compact one-exchange dump for --verbose. */
export function exchangeLines(e: Exchange, ch: ChalkInstance): string[] {
  const out = [ch.dim(`#${e.seq} ${e.request.method} ${visible(e.request.url)}`)];
  if (e.request.body) out.push(ch.dim(`   > ${preview(e.request.body)}`));
  if (e.response) out.push(ch.dim(`   < ${e.response.status} ${preview(e.response.body)} (${e.durationMs} ms)`));
  if (e.error) out.push(ch.dim(`   ! ${visible(e.error.message)}`));
  return out;
}

function paint(ch: ChalkInstance, outcome: CheckResult['outcome'], s: string): string {
  return outcome === 'passed' ? ch.green(s) : outcome === 'skipped' ? ch.dim(s) : ch.red(s);
}
