import type { ChalkInstance } from 'chalk';
import type { Exchange } from '../http/exchange.js';
import { counts, type CheckResult, type FailOn, type Summary } from '../result.js';

const SYMBOL = { passed: '✔', failed: '✖', errored: '!', skipped: '-' } as const;
const BODY_PREVIEW = 600;

/** One line per check: symbol, id, title, timing. Warnings (failed SHOULD/MAY) show as `▲`. */
export function checkLine(c: CheckResult, ch: ChalkInstance, failOn: FailOn | boolean = 'must'): string {
  const warn = c.outcome === 'failed' && !counts(c.severity, failOn);
  const sym = warn ? ch.yellow('▲') : paint(ch, c.outcome, SYMBOL[c.outcome]);
  const label = warn ? 'WARN' : c.outcome.toUpperCase();
  const time = c.durationMs ? ch.dim(` (${c.durationMs} ms)`) : '';
  const suffix = c.outcome === 'skipped' ? ch.dim(` [skipped: ${c.message}]`) : '';
  return `${sym} ${label.padEnd(7)} ${c.id}  ${c.title}${time}${suffix}`;
}

/** The details under a failed or errored check: request, response, expectation, rule, Entra's view, fix. */
export function checkDetails(c: CheckResult, ch: ChalkInstance): string[] {
  if (c.outcome === 'passed' || c.outcome === 'skipped') return [];
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`      ${ch.dim(k.padEnd(9))} ${v}`);
  row('problem', c.message);
  const ex = c.exchanges[c.exchanges.length - 1];
  if (ex) {
    row('request', `${ex.request.method} ${ex.request.url}`);
    if (ex.request.body) row('', truncate(ex.request.body));
    if (ex.response) row('response', `${ex.response.status} ${truncate(ex.response.body) || '(empty body)'}`);
  }
  if (c.expected) row('expected', c.expected);
  row('rule', `${c.reference} (${c.severity}${c.entra ? '; Entra depends on it' : '; Entra does not depend on it'})`);
  if (c.entraMessage) row('Entra', c.entraMessage);
  if (c.hint) row('fix', c.hint);
  return lines;
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
  const out = [ch.dim(`#${e.seq} ${e.request.method} ${e.request.url}`)];
  if (e.request.body) out.push(ch.dim(`   > ${truncate(e.request.body)}`));
  if (e.response) out.push(ch.dim(`   < ${e.response.status} ${truncate(e.response.body)} (${e.durationMs} ms)`));
  if (e.error) out.push(ch.dim(`   ! ${e.error.message}`));
  return out;
}

function paint(ch: ChalkInstance, outcome: CheckResult['outcome'], s: string): string {
  return outcome === 'passed' ? ch.green(s) : outcome === 'skipped' ? ch.dim(s) : ch.red(s);
}

function truncate(s: string): string {
  const flat = s.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > BODY_PREVIEW ? `${flat.slice(0, BODY_PREVIEW - 1)}… (${s.length} chars)` : flat;
}
