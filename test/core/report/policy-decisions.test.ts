/**
 * Reporters decide nothing: whether a verdict fails the run is `counts`, decided once by the policy
 * (src/core/runner/policy.ts). One run's verdicts (a failed MUST, SHOULD and MAY check, an errored check blocked by the
 * MUST, a baseline's known failure, a failed mapping row) are marked and concluded under each --fail-on, and JUnit,
 * the GitHub annotations, the step summary and the HTML must each present as failing the run exactly the verdicts the
 * policy marked as counting, and every other failure as not counting.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { verdictsOf, type Report } from '../../../src/core/model/report.js';
import type { CheckResult, FailOn, Judged, MappingResult } from '../../../src/core/model/verdict.js';
import { githubAnnotations, githubStepSummary } from '../../../src/core/report/github.js';
import { toHtml } from '../../../src/core/report/html.js';
import { toJUnit } from '../../../src/core/report/junit.js';
import { Policy } from '../../../src/core/runner/policy.js';

const ROW = 'app:zenya/User/title';

function check(id: string, over: Partial<Judged<CheckResult>> = {}): Judged<CheckResult> {
  return {
    kind: 'check',
    id,
    group: 's',
    suite: 's',
    title: `the ${id} check`,
    severity: 'MUST',
    entra: true,
    reference: 'RFC 7644 §3.3',
    outcome: 'failed',
    message: `${id} broke`,
    hint: `fix ${id}`,
    durationMs: 1,
    exchanges: [],
    ...over,
  };
}

function row(attribute: string, over: Partial<Judged<MappingResult>> = {}): Judged<MappingResult> {
  return {
    kind: 'mapping',
    id: `app:zenya/User/${attribute}`,
    group: 'app:zenya',
    title: `User ${attribute}`,
    app: 'zenya',
    object: 'User',
    attribute,
    type: 'String',
    matching: false,
    outcome: 'failed',
    phases: { declared: 'passed', create: 'passed', read: 'failed', update: 'skipped', filter: 'n/a' },
    dialects: {},
    message: `read: ${attribute} is absent`,
    durationMs: 1,
    exchanges: [],
    ...over,
  };
}

const CHECKS: Judged<CheckResult>[] = [
  check('s/ok', { outcome: 'passed', message: '200' }),
  check('s/must'),
  check('s/should', { severity: 'SHOULD' }),
  check('s/may', { severity: 'MAY' }),
  check('s/blocked', { outcome: 'errored', message: 'prerequisite s/must did not pass (failed)', blockedBy: 's/must' }),
  check('s/known'),
  check('s/skipped', { outcome: 'skipped', message: 'prerequisite s/should did not pass (failed)', blockedBy: 's/should' }),
];
const ROWS: Judged<MappingResult>[] = [row('userName', { outcome: 'passed', message: 'ok' }), row('title')];

/** What each failure is when it does not count (JUnit's prefix, the step summary's result). */
const NOT_COUNTING: Record<string, { junit: string; summary: string }> = {
  's/should': { junit: 'WARNING (SHOULD): ', summary: '⚠️ warning' },
  's/may': { junit: 'WARNING (MAY): ', summary: '⚠️ warning' },
  's/blocked': { junit: 'BLOCKED: ', summary: '⚠️ blocked' },
  's/known': { junit: 'KNOWN: ', summary: '⚠️ known' },
};
const FAILURES = ['s/must', 's/should', 's/may', 's/blocked', 's/known', ROW];

/** The verdicts that fail the run, as the rules say (README "Exit codes"), written out per --fail-on. */
const COUNTING: Record<FailOn, string[]> = {
  must: ['s/must', ROW],
  should: ['s/must', 's/should', ROW],
  any: ['s/must', 's/should', 's/may', ROW],
};

function run(failOn: FailOn): Report {
  const policy = new Policy({ failOn, baseline: { file: 'baseline.json', failures: ['s/known'] } });
  const checks = CHECKS.map((c) => policy.mark(c));
  const mappings = ROWS.map((m) => policy.mark(m));
  return {
    tool: { name: 'scimcheck', version: '9.9.9' },
    command: 'run',
    target: { baseUrl: 'https://scim.example.test/v2' },
    failOn,
    checks,
    mappings,
    ...policy.conclude(verdictsOf({ checks, mappings }), { durationMs: 42 }),
  };
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name, _p, _l, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/** JUnit: id → the element of each failure or error, its type and message. */
function junitProblems(report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = xml.parse(toJUnit(report)) as any;
  for (const s of doc.testsuites.testsuite) {
    for (const c of s.testcase) {
      const id = s.name.startsWith('app:') ? `${s.name}/${c.name.replace(' ', '/')}` : `${s.name}/${c.name}`;
      for (const tag of ['failure', 'error'] as const) for (const e of c[tag] ?? []) out[id] = `${tag} ${e.type} ${e.message}`;
    }
  }
  return out;
}

/** HTML: id → data-outcome of the row, and the Gate fact of its failure block ('' when there is none). */
function htmlClassification(page: string): Record<string, { outcome: string; gate: string }> {
  const flat = page.replace(/<wbr>/g, '');
  const out: Record<string, { outcome: string; gate: string }> = {};
  for (const m of flat.matchAll(/<tr data-kind="check" data-outcome="([^"]*)" class="row-[\w]+">\n<td class="col-id"><code>([^<]+)<\/code>/g)) {
    out[m[2]!] = { outcome: m[1]!, gate: '' };
  }
  for (const m of flat.matchAll(/<tr data-kind="mapping" data-outcome="([^"]*)" class="row-\w+">\n<td>(\w+)<\/td>\n<td class="attr"><code>([^<]+)<\/code>/g)) {
    out[`app:zenya/${m[2]}/${m[3]}`] = { outcome: m[1]!, gate: '' };
  }
  for (const a of flat.matchAll(/<article class="failure [^"]*" id="[^"]*" data-outcome="([^"]*)"[^>]*>\n<h4[^>]*>.*?<code>([^<]+)<\/code>(?: · (\w+) <code>([^<]+)<\/code>)?.*?<\/h4>([\s\S]*?)<\/article>/g)) {
    const id = a[3] ? `app:${a[2]}/${a[3]}/${a[4]}` : a[2]!;
    expect(out[id]?.outcome, `the failure block of ${id} has the row's outcome`).toBe(a[1]);
    out[id]!.gate = /<dt>Gate<\/dt><dd>([^<]*)<\/dd>/.exec(a[5]!)?.[1] ?? '';
  }
  return out;
}

/** HTML: id → the badge of each failed or errored row (`<class> <word>`); its failure block's badge must be the same. */
function htmlBadges(page: string): Record<string, string> {
  const flat = page.replace(/<wbr>/g, '');
  const out: Record<string, string> = {};
  const badge = String.raw`<span class="badge badge-(\w+)">([^<]+)<\/span>`;
  const rows = new RegExp(String.raw`<tr data-kind="(check|mapping)" data-outcome="(?:failed|errored)[^"]*"[^>]*>\n<td[^>]*>(?:<code>)?([^<]+)(?:<\/code>)?<\/td>\n(?:<td class="attr"><code>([^<]+)<\/code>)?[\s\S]*?<td class="col-outcome">${badge}`, 'g');
  for (const m of flat.matchAll(rows)) out[m[1] === 'mapping' ? `app:zenya/${m[2]}/${m[3]}` : m[2]!] = `${m[4]} ${m[5]}`;
  const blocks = new RegExp(String.raw`<article class="failure [^"]*" id="[^"]*" data-outcome="[^"]*"[^>]*>\n<h4[^>]*>${badge} <code>([^<]+)<\/code>(?: · (\w+) <code>([^<]+)<\/code>)?`, 'g');
  const seen: string[] = [];
  for (const a of flat.matchAll(blocks)) {
    const id = a[4] ? `app:${a[3]}/${a[4]}/${a[5]}` : a[3]!;
    expect(`${a[1]} ${a[2]}`, `the failure block of ${id} has the row's badge`).toBe(out[id]);
    seen.push(id);
  }
  expect(seen.sort(), 'one failure block per failed or errored row').toEqual(Object.keys(out).sort());
  return out;
}

describe.each(['must', 'should', 'any'] as const)('--fail-on %s: every reporter shows what the policy decided', (failOn) => {
  const report = run(failOn);
  const counting = COUNTING[failOn];
  const notCounting = FAILURES.filter((id) => !counting.includes(id));

  it('the policy marks exactly these verdicts as counting, and the run fails', () => {
    expect(verdictsOf(report).filter((v) => v.counts).map((v) => v.id)).toEqual(counting);
    expect(report.exitCode).toBe(1);
    expect(report.checks.find((c) => c.id === 's/known')).toMatchObject({ counts: false, baseline: 'known' });
    expect(report.baseline).toEqual({ file: 'baseline.json', known: ['s/known'], new: [...counting].sort(), fixed: [] });
  });

  it('JUnit: a failure that counts has its plain message; the others are WARNING, KNOWN or BLOCKED', () => {
    const severity: Record<string, string> = { 's/should': 'SHOULD', 's/may': 'MAY' };
    const expected: Record<string, string> = {};
    for (const id of FAILURES) {
      const v = verdictsOf(report).find((x) => x.id === id)!;
      const prefix = counting.includes(id) ? '' : NOT_COUNTING[id]!.junit;
      const element = id === ROW ? 'failure mapping' : id === 's/blocked' ? 'error blocked' : `failure ${severity[id] ?? 'MUST'}`;
      expected[id] = `${element} ${prefix}${v.message}`;
    }
    const got = junitProblems(report);
    expect(got).toEqual(expected);
    const plain = Object.entries(got).filter(([, e]) => !/^\w+ \w+ (WARNING \((SHOULD|MAY)\): |KNOWN: |BLOCKED: )/.test(e));
    expect(plain.map(([id]) => id)).toEqual(counting);
  });

  it('GitHub annotations: ::error for exactly the verdicts that count (report order), ::warning for the rest', () => {
    const title = (id: string) => (id === ROW ? 'zenya/User title' : id);
    const got = githubAnnotations(report).map((l) => /^::(\w+) title=([^:]+)::/.exec(l)!.slice(1, 3).join(' '));
    expect(got).toEqual([...counting.map((id) => `error ${title(id)}`), ...notCounting.map((id) => `warning ${title(id)}`)]);
    expect(githubAnnotations(report).filter((l) => l.includes('fix s/blocked'))).toEqual([]); // a blocked check's fix is its cause's
  });

  it('step summary: ❌ rows for exactly the checks that count, ⚠️ warning/known/blocked for the others; the row that counts is ❌', () => {
    const md = githubStepSummary(report);
    expect(md.startsWith('## ❌ scimcheck failed: `https://scim.example.test/v2`\n')).toBe(true);
    const failures = md.split('\n').filter((l) => /^\| (❌|⚠️) [a-z]+ \| `s\//.test(l));
    expect(failures.map((l) => /^\| (.+?) \| `([^`]+)`/.exec(l)!.slice(1, 3).join(' '))).toEqual([
      ...counting.filter((id) => id !== ROW).map((id) => `❌ failed ${id}`),
      ...notCounting.map((id) => `${NOT_COUNTING[id]!.summary} ${id}`),
    ]);
    expect(md).toContain('\n| ❌ failed | User | `title` | String | ✅ | ✅ | ❌ | ⏭️ | – | read: title is absent |\n');
    // The tally is the policy's summary: failed checks by severity (a known MUST failure included), warnings the rest.
    const s = report.summary;
    expect(md).toContain(`\n| checks | 1 | ${s.failed} | 1 | 1 | ${s.warnings} |\n| mappings | 1 | 1 | 0 | 0 | – |\n`);
    expect([s.failed, s.warnings]).toEqual({ must: [2, 2], should: [3, 1], any: [4, 0] }[failOn]);
  });

  it('HTML: a failure that counts is "failed", one that does not is "failed warning" (a blocked check "errored warning"); every failure that does not count has a Gate', () => {
    const page = toHtml(report);
    const got = htmlClassification(page);
    const gates: Record<string, string> = {
      's/should': `a warning: a failed SHOULD check does not fail the run under --fail-on ${failOn}`,
      's/may': `a warning: a failed MAY check does not fail the run under --fail-on ${failOn}`,
      's/blocked': 'does not fail the run on its own: s/must does',
      's/known': 'a known failure: the baseline lists it, so it does not fail the run',
    };
    const expected: Record<string, { outcome: string; gate: string }> = {
      's/ok': { outcome: 'passed', gate: '' },
      's/skipped': { outcome: 'skipped', gate: '' },
      'app:zenya/User/userName': { outcome: 'passed', gate: '' },
    };
    for (const id of FAILURES) {
      const outcome = id === 's/blocked' ? 'errored warning' : counting.includes(id) ? 'failed' : 'failed warning';
      expected[id] = { outcome, gate: counting.includes(id) ? '' : gates[id]! };
    }
    expect(got).toEqual(expected);
    // Failing the run: no warning token and no Gate. Exactly the verdicts that count.
    const failing = Object.entries(got).filter(([, v]) => /failed|errored/.test(v.outcome) && !v.outcome.includes('warning') && !v.gate);
    expect(failing.map(([id]) => id).sort()).toEqual([...counting].sort());
    // The filter's Warnings button counts every failure that does not count (a known failure and a blocked check included).
    const warnings = { must: 4, should: 3, any: 2 }[failOn];
    expect(FAILURES.filter((id) => got[id]!.outcome.endsWith(' warning'))).toHaveLength(warnings);
    expect(page).toContain(`data-filter="warning" aria-pressed="false">Warnings <span class="count">${warnings}</span>`);
  });

  it('HTML: the badge of a failure that does not count says why: Blocked, Known or Warning; one that counts says Failed', () => {
    const expected: Record<string, string> = {};
    for (const id of FAILURES) {
      expected[id] = counting.includes(id) ? 'failed Failed' : id === 's/blocked' ? 'warning Blocked' : id === 's/known' ? 'warning Known' : 'warning Warning';
    }
    const got = htmlBadges(toHtml(report));
    expect(got).toEqual(expected);
    expect(got['s/blocked']).toBe('warning Blocked');
    expect(got['s/known']).toBe('warning Known');
  });

  it('HTML: the note under the summary is the run\'s --fail-on', () => {
    const note = /<p class="note">([^<]*) "Entra" says/.exec(toHtml(report))![1];
    expect(note).toBe(
      {
        must: 'Failed counts the failed checks that count: MUST checks. A failed SHOULD or MAY check is a warning: it is listed with the failures but does not change the exit code.',
        should: 'Failed counts the failed checks that count: MUST and SHOULD checks (this run was --fail-on should). A failed MAY check is a warning: it is listed with the failures but does not change the exit code.',
        any: 'Failed counts the failed checks that count: MUST, SHOULD and MAY checks (this run was --fail-on any, or --strict).',
      }[failOn],
    );
  });
});

describe('the note comes from report.failOn, not from the summary (the old heuristic is gone)', () => {
  it('a report with no failed SHOULD/MAY check still says --fail-on any when the run was', () => {
    const policy = new Policy({ failOn: 'any' });
    const checks = [policy.mark(check('s/must'))];
    const report: Report = { ...run('any'), checks, mappings: [], ...policy.conclude(checks, { durationMs: 1 }) };
    expect(report.summary.warnings).toBe(0);
    expect(toHtml(report)).toContain('<p class="note">Failed counts the failed checks that count: MUST, SHOULD and MAY checks (this run was --fail-on any, or --strict).');
    const must = { ...report, failOn: 'must' as const };
    expect(toHtml(must)).toContain('<p class="note">Failed counts the failed checks that count: MUST checks. A failed SHOULD or MAY check is a warning');
  });
});

describe('a mapping row the baseline lists is a known failure', () => {
  it('HTML: "failed warning" with the badge Known and a Gate; step summary: ⚠️ known', () => {
    const policy = new Policy({ failOn: 'must', baseline: { file: 'baseline.json', failures: [ROW] } });
    const mappings = ROWS.map((m) => policy.mark(m));
    const report: Report = { ...run('must'), checks: [], mappings, ...policy.conclude(mappings, { durationMs: 1 }) };
    expect(mappings[1]).toMatchObject({ id: ROW, counts: false, baseline: 'known' });
    const page = toHtml(report);
    expect(htmlClassification(page)[ROW]).toEqual({ outcome: 'failed warning', gate: 'a known failure: the baseline lists it, so it does not fail the run' });
    expect(htmlBadges(page)).toEqual({ [ROW]: 'warning Known' });
    expect(githubStepSummary(report)).toContain('\n| ⚠️ known | User | `title` | String | ✅ | ✅ | ❌ | ⏭️ | – | read: title is absent |\n');
  });
});

describe('reporters read `counts`, not the severity or the outcome', () => {
  it('a MUST failure marked as not counting and a MAY failure marked as counting (by hand) swap places in every reporter', () => {
    const report = run('must');
    const must = report.checks.find((c) => c.id === 's/must')!;
    const may = report.checks.find((c) => c.id === 's/may')!;
    must.counts = false;
    may.counts = true;
    const junit = junitProblems(report);
    expect(junit['s/must']).toBe('failure MUST WARNING (MUST): s/must broke');
    expect(junit['s/may']).toBe('failure MAY s/may broke');
    const levels = Object.fromEntries(githubAnnotations(report).map((l) => /^::(\w+) title=([^:]+)::/.exec(l)!.slice(1, 3).reverse()));
    expect(levels).toMatchObject({ 's/must': 'warning', 's/may': 'error' });
    const md = githubStepSummary(report);
    expect(md).toContain('\n| ⚠️ warning | `s/must` | MUST |');
    expect(md).toContain('\n| ❌ failed | `s/may` | MAY |');
    const html = htmlClassification(toHtml(report));
    expect(html['s/must']).toEqual({ outcome: 'failed warning', gate: 'a warning: a failed MUST check does not fail the run under --fail-on must' });
    expect(html['s/may']).toEqual({ outcome: 'failed', gate: '' });
  });
});
