/**
 * The one description of a failure that the terminal, JUnit and HTML all render, so that they never disagree:
 * the problem, its cause when it is not its own, the request and what came back, every expectation it missed,
 * the rule, whether it fails the run, what Entra would show, the fix, and where the step is written.
 */
import type { Exchange } from '../model/exchange.js';
import type { FailOn, Verdict } from '../model/verdict.js';

/** Request and response bodies are shown up to this many characters (on one line); the full text is in the reports' exchanges. */
export const BODY_PREVIEW = 600;

export type FieldKey =
  | 'problem'
  | 'cause'
  | 'request'
  | 'request-body'
  | 'response'
  | 'expected'
  | 'actual'
  | 'also'
  | 'mapping'
  | 'phases'
  | 'dialects'
  | 'rule'
  | 'gate'
  | 'entra'
  | 'fix'
  | 'source';

export interface FailureField {
  key: FieldKey;
  /** The label people read (`problem`, `request`, `fix`, …); '' for a continuation line (a request body). */
  label: string;
  /** One line. */
  text: string;
}

/** The fields of a failed or errored verdict (also of a failed one that does not count: a warning or a known failure). */
export function failureFields(v: Verdict, failOn: FailOn): FailureField[] {
  const out: FailureField[] = [];
  const add = (key: FieldKey, label: string, text: string | undefined) => {
    if (text !== undefined && text !== '') out.push({ key, label, text: oneLine(text) });
  };
  add('problem', 'problem', v.message);
  if (v.blockedBy) add('cause', 'cause', `not judged: ${v.blockedBy} did not pass (see it for the fix)`);
  const ex = v.exchanges[v.exchanges.length - 1];
  if (ex) exchangeFields(ex, add);
  if (v.kind === 'check') {
    add('expected', 'expected', v.expected);
    add('actual', 'actual', v.actual);
  }
  for (const f of (v.failures ?? []).slice(1)) add('also', 'also', `${f.what}: expected ${f.expected}, got ${f.actual}`);
  if (v.kind === 'mapping') {
    add('mapping', 'mapping', `${v.app} ${v.object} ${v.attribute} (${v.type}${v.matching ? ', the matching attribute' : ''})`);
    add('phases', 'phases', Object.entries(v.phases).map(([name, p]) => `${name} ${p}`).join(', '));
    const dialects = Object.entries(v.dialects).map(([d, p]) => `${d} ${p}`).join(', ');
    add('dialects', 'dialects', dialects ? `update ${dialects}` : undefined);
  } else {
    add('rule', 'rule', `${v.reference} (${v.severity}${v.entra ? '; Entra depends on it' : '; Entra does not depend on it'}${v.dialect ? `; dialect ${v.dialect}` : ''})`);
  }
  add('gate', 'gate', gate(v, failOn));
  if (v.kind === 'check') add('entra', 'Entra', v.entraMessage);
  // A blocked verdict has no fix of its own: its cause has.
  if (v.kind === 'check' && !v.blockedBy) add('fix', 'fix', v.hint);
  if (v.source) add('source', 'suite', `${v.source.file}:${v.source.line}:${v.source.column}`);
  return out;
}

/** Whether the verdict fails the run, in words, when that is not plain from its outcome. */
export function gate(v: Verdict, failOn: FailOn): string | undefined {
  if (v.outcome !== 'failed' && v.outcome !== 'errored') return undefined;
  if (v.counts) return undefined;
  if (v.baseline === 'known') return 'a known failure: the baseline lists it, so it does not fail the run';
  if (v.blockedBy) return `does not fail the run on its own: ${v.blockedBy} does`;
  if (v.kind === 'check' && v.outcome === 'failed') return `a warning: a failed ${v.severity} check does not fail the run under --fail-on ${failOn}`;
  return undefined;
}

function exchangeFields(ex: Exchange, add: (key: FieldKey, label: string, text: string | undefined) => void): void {
  add('request', 'request', `${ex.request.method} ${ex.request.url}`);
  if (ex.request.body) add('request-body', '', preview(ex.request.body));
  if (ex.response) add('response', 'response', `${ex.response.status} ${preview(ex.response.body) || '(empty body)'}`);
  else if (ex.error) add('response', 'response', `none: ${ex.error.message}`);
}

/** A body on one line, cut at BODY_PREVIEW characters with its full length said. */
export function preview(s: string): string {
  const flat = visible(s.replace(/\s*\n\s*/g, ' ').trim());
  if (flat.length <= BODY_PREVIEW) return flat;
  let cut = BODY_PREVIEW - 1;
  const last = flat.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // do not split a surrogate pair
  return `${flat.slice(0, cut)}… (${s.length} chars)`;
}

function oneLine(s: string): string {
  return visible(s.replace(/\r\n|\r|\n/g, ' '));
}

/**
 * Text from a server made safe for a terminal: control characters other than tab, LF and CR (ESC, BEL, C1 codes,
 * DEL) are shown as `\xNN` / `\uNNNN`, so that a body, a name or a detail cannot clear the screen, set the window
 * title, write the clipboard (OSC 52) or hide a link (OSC 8).
 */
export function visible(s: string): string {
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
