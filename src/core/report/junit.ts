/**
 * The JUnit XML reporter (`--report-junit`): one `<testsuite>` per suite and per app profile (`app:<id>`), a
 * `<testcase>` per check and per attribute-mapping row, for Jenkins, Azure DevOps (`TEST-*.xml`), GitLab and friends.
 *
 * Shape: the Jenkins xUnit plugin's `junit-10.xsd` (MIT), the schema it validates "JUnit" input against, and which
 * rejects a file with an undeclared attribute. Hence: `skipped` and `timestamp` only on `<testsuite>` (not on
 * `<testsuites>`), `<properties>` inside each `<testsuite>` (not under `<testsuites>`), no `file` on `<testcase>`.
 * The timestamp has no fraction and no zone (UTC), as the stricter Ant schemas want; the exact start is a property.
 *
 * A failed check that does not count (a SHOULD/MAY warning under --fail-on, a baseline's known failure) is still a
 * `<failure>` (CI has no "warning"), its message prefixed `WARNING (SHOULD):` or `KNOWN:` so that people see it does
 * not gate the run; the failure text is the shared failure description (failure.ts). Output is deterministic: same
 * report, same bytes.
 */
import type { Exchange } from '../model/exchange.js';
import type { Report } from '../model/report.js';
import type { CheckResult, FailOn, MappingResult, Verdict } from '../model/verdict.js';
import { failureFields } from './failure.js';
import { writeReportFile, type CreateReporter } from './reporter.js';

/** Bodies in `<system-out>` are cut at this many characters. */
export const JUNIT_BODY_LIMIT = 4096;

interface Case {
  classname: string;
  name: string;
  durationMs: number;
  outcome: 'passed' | 'failed' | 'errored' | 'skipped';
  /** The `<failure>`, `<error>` or `<skipped>` element, already rendered; '' when passed. */
  verdict: string;
  exchanges: Exchange[];
}

interface Suite {
  name: string;
  title?: string;
  durationMs?: number;
  cases: Case[];
}

export function toJUnit(report: Report): string {
  const suites = [...checkSuites(report), ...appSuites(report)];
  uniqueNames(suites);

  const all = suites.flatMap((s) => s.cases);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${attrs({
      name: 'scimcheck',
      tests: all.length,
      failures: count(all, 'failed'),
      errors: count(all, 'errored'),
      time: seconds(report.summary.durationMs),
    })}>`,
  );
  for (const s of suites) out.push(...renderSuite(s, report));
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function checkSuites(report: Report): Suite[] {
  const byId = new Map<string, Suite>();
  for (const s of report.suites ?? []) byId.set(s.id, { name: s.id, title: s.title, durationMs: s.durationMs, cases: [] });
  for (const c of report.checks) {
    let s = byId.get(c.suite);
    if (!s) byId.set(c.suite, (s = { name: c.suite, cases: [] }));
    s.cases.push(checkCase(c, report.failOn));
  }
  return [...byId.values()];
}

function appSuites(report: Report): Suite[] {
  const byApp = new Map<string, Suite>();
  for (const m of report.mappings ?? []) {
    const name = `app:${m.app}`;
    let s = byApp.get(name);
    if (!s) byApp.set(name, (s = { name, cases: [] }));
    s.cases.push(mappingCase(m, report.failOn));
  }
  return [...byApp.values()];
}

function checkCase(c: CheckResult, failOn: FailOn): Case {
  const prefix = `${c.suite}/`;
  const name = c.id.startsWith(prefix) ? c.id.slice(prefix.length) : c.id;
  return {
    classname: `scimcheck.${classSegment(c.suite)}`,
    name,
    durationMs: c.durationMs,
    outcome: c.outcome,
    verdict: verdictElement(c, failOn),
    exchanges: c.exchanges,
  };
}

/** The `<failure>`, `<error>` or `<skipped>` element of a check or mapping row; '' when it passed. */
function verdictElement(v: Verdict, failOn: FailOn): string {
  switch (v.outcome) {
    case 'passed':
      return '';
    case 'skipped':
      return `<skipped${attrs({ message: v.message })}/>`;
    case 'errored': {
      const code = v.exchanges.find((e) => e.error)?.error?.code;
      const message = v.counts ? v.message : `${v.baseline === 'known' ? 'KNOWN' : 'BLOCKED'}: ${v.message}`;
      return element('error', { message, type: code ?? (v.blockedBy ? 'blocked' : 'errored') }, body(v, failOn));
    }
    case 'failed': {
      const type = v.kind === 'check' ? v.severity : 'mapping';
      const message = v.counts ? v.message : v.baseline === 'known' ? `KNOWN: ${v.message}` : `WARNING (${type}): ${v.message}`;
      return element('failure', { message, type }, body(v, failOn));
    }
  }
}

/** The failure text: what it is, then the shared failure fields as `label: text` lines. */
function body(v: Verdict, failOn: FailOn): string {
  const head = v.kind === 'check' ? `check: ${v.id} (${v.title})` : `mapping row: ${v.id}`;
  return [head, ...failureFields(v, failOn).filter((f) => f.key !== 'problem').map((f) => (f.label ? `${f.label}: ${f.text}` : `  ${f.text}`))].join('\n');
}

function mappingCase(m: MappingResult, failOn: FailOn): Case {
  return {
    classname: `scimcheck.app.${classSegment(m.app)}`,
    name: `${m.object} ${m.attribute}`,
    durationMs: m.durationMs,
    outcome: m.outcome,
    verdict: verdictElement(m, failOn),
    exchanges: m.exchanges,
  };
}

/** classname+name must be unique in the file: a repeated pair gets ` (2)`, ` (3)`, … */
function uniqueNames(suites: Suite[]): void {
  const seen = new Set<string>();
  for (const s of suites) {
    for (const c of s.cases) {
      const base = c.name;
      for (let n = 2; seen.has(`${c.classname}\u0000${c.name}`); n++) c.name = `${base} (${n})`;
      seen.add(`${c.classname}\u0000${c.name}`);
    }
  }
}

function renderSuite(s: Suite, report: Report): string[] {
  const caseMs = s.cases.reduce((sum, c) => sum + c.durationMs, 0);
  const out = [
    `  <testsuite${attrs({
      name: s.name,
      tests: s.cases.length,
      failures: count(s.cases, 'failed'),
      errors: count(s.cases, 'errored'),
      skipped: count(s.cases, 'skipped'),
      time: seconds(s.durationMs ?? caseMs),
      timestamp: report.startedAt ? junitTimestamp(report.startedAt) : undefined,
    })}>`,
    '    <properties>',
  ];
  const props: [string, string | undefined][] = [
    ['scimcheck.version', report.tool.version],
    ['scimcheck.command', report.command],
    ['scimcheck.target', report.target.baseUrl],
    ['scimcheck.runId', report.runId],
    ['scimcheck.startedAt', report.startedAt],
    ['scimcheck.dialects', report.dialects?.join(',')],
    ['scimcheck.suite.title', s.title],
  ];
  for (const [name, value] of props) if (value !== undefined) out.push(`      <property${attrs({ name, value })}/>`);
  out.push('    </properties>');
  for (const c of s.cases) {
    const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: seconds(c.durationMs) })}`;
    const log = c.exchanges.length ? `<system-out>${escapeText(exchangeLog(c.exchanges))}</system-out>` : '';
    if (!c.verdict && !log) {
      out.push(`${open}/>`);
      continue;
    }
    out.push(`${open}>`);
    if (c.verdict) out.push(`      ${c.verdict}`);
    if (log) out.push(`      ${log}`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>');
  return out;
}

/** The exchanges a verdict rests on, as plain text: request line, bodies (cut at 4 KiB), status, transport error. */
function exchangeLog(exchanges: Exchange[]): string {
  const blocks = exchanges.map((e) => {
    const lines = [`#${e.seq} ${e.request.method} ${e.request.url}`];
    if (e.request.body) lines.push(`request body: ${truncate(e.request.body)}`);
    if (e.response) lines.push(`response: ${e.response.status}${e.response.body ? ` ${truncate(e.response.body)}` : ''}`);
    if (e.error) lines.push(`transport error: ${e.error.code}: ${e.error.message}`);
    return lines.join('\n');
  });
  return `\n${blocks.join('\n\n')}\n`;
}

function truncate(s: string): string {
  if (s.length <= JUNIT_BODY_LIMIT) return s;
  let cut = JUNIT_BODY_LIMIT;
  const last = s.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // do not split a surrogate pair
  return `${s.slice(0, cut)}… [truncated: ${s.length} characters in all]`;
}

function count(cases: Case[], outcome: Case['outcome']): number {
  return cases.filter((c) => c.outcome === outcome).length;
}

/** Milliseconds as seconds with 3 decimals (`0.152`). */
function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/** `2026-11-22T20:32:25.874Z` → `2026-11-22T20:32:25` (UTC; the Ant schemas allow neither fraction nor zone). */
function junitTimestamp(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

/** Jenkins splits classnames on dots: keep a suite or app id one segment. */
function classSegment(id: string): string {
  return id.replace(/\./g, '_');
}

function element(tag: string, attributes: Record<string, string>, body: string): string {
  return `<${tag}${attrs(attributes)}>${escapeText(body)}</${tag}>`;
}

function attrs(a: Record<string, string | number | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) s += ` ${k}="${escapeAttr(String(v))}"`;
  return s;
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. With the `u` flag a lone
// surrogate is one code point outside every range, so it goes too.
const ILLEGAL = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops the characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF). */
export function stripXmlIllegal(s: string): string {
  return s.replace(ILLEGAL, '');
}

/** Escapes text content; CR as a reference so parsers do not fold it into LF. */
export function escapeText(s: string): string {
  return stripXmlIllegal(s).replace(/[&<>\r]/g, (ch) => TEXT_ESCAPES[ch]!);
}

/** Escapes an attribute value (double-quoted); tab, LF and CR as references so they survive normalisation. */
export function escapeAttr(s: string): string {
  return stripXmlIllegal(s).replace(/[&<>"'\t\n\r]/g, (ch) => ATTR_ESCAPES[ch]!);
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
};

export const create: CreateReporter = (_io, _info, opts) => ({
  report: (report) => writeReportFile('junit', opts.junit!, toJUnit(report)),
});
