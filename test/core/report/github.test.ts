import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { verdictsOf, type Report } from '../../../src/core/model/report.js';
import type { CheckResult, FailOn, Judged, MappingResult } from '../../../src/core/model/verdict.js';
import {
  escapeData,
  escapeProperty,
  githubAnnotations,
  githubStepSummary,
  STEP_SUMMARY_MAX_BYTES,
} from '../../../src/core/report/github.js';
import { Policy } from '../../../src/core/runner/policy.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GOLDEN = join(ROOT, 'test/fixtures/reports/github');
const sample = (): Report => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports/sample.json'), 'utf8')) as Report;
const SUITE_FILES = { errors: 'suites/errors.yaml', 'users-crud': 'suites/users-crud.yaml', 'app:zenya': 'suites/apps/zenya.yaml' };
const MIB = 1024 * 1024;

/** A check as the judge hands it to the policy (failed MUST unless told otherwise). */
function check(over: Partial<Judged<CheckResult>> & { id: string }): Judged<CheckResult> {
  const suite = over.suite ?? over.id.split('/')[0]!;
  return {
    kind: 'check',
    suite,
    group: suite,
    title: over.id,
    severity: 'MUST',
    entra: true,
    reference: 'RFC 7644 §3.3',
    outcome: 'failed',
    message: `${over.id} broke`,
    durationMs: 1,
    exchanges: [],
    ...over,
  };
}

function mapping(over: Partial<Judged<MappingResult>> & { attribute: string }): Judged<MappingResult> {
  const app = over.app ?? 'zenya';
  const object = over.object ?? 'User';
  return {
    kind: 'mapping',
    id: `app:${app}/${object}/${over.attribute}`,
    group: `app:${app}`,
    title: `${object} ${over.attribute}`,
    app,
    object,
    type: 'String',
    matching: false,
    outcome: 'failed',
    phases: { declared: 'passed', create: 'passed', read: 'failed', update: 'skipped', filter: 'n/a' },
    dialects: {},
    message: `read: ${over.attribute} is absent`,
    durationMs: 1,
    exchanges: [],
    ...over,
  };
}

/** A report whose verdicts the policy marked and whose summary and exit code it concluded. */
function report(
  checks: Judged<CheckResult>[],
  extra: Partial<Omit<Report, 'checks' | 'mappings'>> & { mappings?: Judged<MappingResult>[]; failOn?: FailOn } = {},
): Report {
  const { mappings, ...rest } = extra;
  const failOn = extra.failOn ?? 'must';
  const policy = new Policy({ failOn });
  const marked = { checks: checks.map((c) => policy.mark(c)), mappings: mappings?.map((m) => policy.mark(m)) };
  const { summary, exitCode } = policy.conclude(verdictsOf(marked), { durationMs: 10 });
  return {
    tool: { name: 'scimcheck', version: '9.9.9' },
    command: 'run',
    target: { baseUrl: 'https://scim.example.com/v2' },
    exitCode,
    failOn,
    summary,
    checks: marked.checks,
    ...(marked.mappings ? { mappings: marked.mappings } : {}),
    ...rest,
  };
}

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('escapeData / escapeProperty', () => {
  it('escape %, CR and LF in messages; also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
    // `%` first, so that escapes are not escaped twice.
    expect(escapeData('%0A')).toBe('%250A');
    expect(escapeProperty('C:\\a,b')).toBe('C%3A\\a%2Cb');
  });
});

describe('githubAnnotations: sample.json', () => {
  const lines = githubAnnotations(sample(), { suiteFiles: SUITE_FILES });

  it('is the golden output', () => {
    golden('sample.annotations.txt', lines.join('\n') + '\n');
  });

  it('gives exact lines for known checks, with file= from the suite files', () => {
    expect(lines[0]).toBe(
      '::error file=suites/errors.yaml,title=errors/duplicate-username-error-body::error body: expected a SCIM Error (RFC 7644 §3.12), got /status: must be a string, got 409 (RFC 7644 §3.12) (RFC 7644 §3.12; fix: Answer errors with {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","detail":"..."}.)',
    );
    expect(lines).toContain(
      '::error file=suites/users-crud.yaml,title=users-crud/disable-verify[entra-legacy]::active: expected false, got absent (RFC 7644 §3.5.2.3, RFC 7643 §4.1.1; fix: Store active from PATCH and return it as a boolean; the string "False" means false.)',
    );
    expect(lines).toContain(
      '::error file=suites/users-crud.yaml,title=users-crud/enable[entra]::status: expected 200 or 204, got 404 {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":404,"detail":"User c0d268ec-6e03-465f-9d94-2c745a2984e1 not found"} (RFC 7644 §3.5.2.3; Entra: default jobs send "True" as a string; fix: Accept active as a boolean and, from Entra\'s default jobs, as the strings "True"/"False"; match op case-insensitively.)',
    );
  });

  it('without suite files there is no file= property', () => {
    const plain = githubAnnotations(sample());
    expect(plain[0]).toMatch(/^::error title=errors\/duplicate-username-error-body::error body: /);
    expect(plain.some((l) => l.includes('file='))).toBe(false);
  });

  it('caps errors at 10 and closes with one ::notice counting the rest (15 checks + 2 mapping rows = 17 errors; the blocked check is a warning)', () => {
    expect(lines).toHaveLength(12);
    expect(lines.slice(0, 10).every((l) => l.startsWith('::error '))).toBe(true);
    expect(lines[10]).toBe(
      '::warning file=suites/users-crud.yaml,title=users-crud/disable-verify[entra]::prerequisite users-crud/enable-verify[entra] did not pass (failed) (RFC 7644 §3.5.2.3, RFC 7643 §4.1.1)',
    );
    expect(lines[11]).toBe(
      "::notice title=scimcheck::7 more errors are not shown as annotations (GitHub shows 10 of each type per step): see the job's step summary or the JSON report (--report-json)",
    );
    // In report order: the errors suite first, then users-crud; the mapping rows are past the cap.
    expect(lines.slice(0, 10).map((l) => /title=([^:]+)::/.exec(l)![1])).toEqual([
      'errors/duplicate-username-error-body',
      'errors/malformed-json-error-body',
      'errors/invalid-filter-error-body',
      'errors/unknown-id-error-body',
      'errors/missing-username-error-body',
      'users-crud/read-unknown-id-error',
      'users-crud/disabled-readable[entra-legacy]',
      'users-crud/disable-verify[entra-legacy]',
      'users-crud/disabled-still-found[entra-legacy]',
      'users-crud/enable[entra]',
    ]);
  });

  it('annotates failed mapping rows as errors (title app/object attribute) and the blocked errored check as a warning after them', () => {
    const r = sample();
    r.checks = r.checks.filter((c) => c.id === 'users-crud/disable-verify[entra]' || c.outcome === 'passed');
    expect(githubAnnotations(r, { suiteFiles: SUITE_FILES })).toEqual([
      '::error file=suites/apps/zenya.yaml,title=zenya/User active::update: GET of the user disabled [entra-legacy] answered 404 (User 9395749a-0f2d-4bbe-a682-09ff56116a4c not found); re-enabling before the [entra] disable answered 404 (User 9395749a-0f2d-4bbe-a682-09ff56116a4c not found)',
      '::error file=suites/apps/zenya.yaml,title=zenya/User preferredLanguage::read: after create, preferredLanguage is absent, expected "en-US"; update: after PATCH [entra-legacy], preferredLanguage is absent, expected "nl-NL"; after PATCH [entra], preferredLanguage is absent, expected "de-DE"',
      '::warning file=suites/users-crud.yaml,title=users-crud/disable-verify[entra]::prerequisite users-crud/enable-verify[entra] did not pass (failed) (RFC 7644 §3.5.2.3, RFC 7643 §4.1.1)',
    ]);
  });
});

describe('githubAnnotations: synthetic reports', () => {
  it('escapes %, CR, LF in the message and also : and , in file= and title=', () => {
    const r = report([
      check({
        id: 'my:suite/odd,check',
        suite: 'my:suite',
        message: '100% of 2 users\r\nwere lost, sadly: both',
        reference: 'RFC 7644 §3.4.2',
        hint: 'keep them\nall',
      }),
    ]);
    expect(githubAnnotations(r, { suiteFiles: { 'my:suite': 'C:\\suites\\a,b.yaml' } })).toEqual([
      '::error file=C%3A\\suites\\a%2Cb.yaml,title=my%3Asuite/odd%2Ccheck::100%25 of 2 users%0D%0Awere lost, sadly: both (RFC 7644 §3.4.2; fix: keep them%0Aall)',
    ]);
  });

  it('escapes the URN of an extension attribute in a mapping title', () => {
    const r = report([], { mappings: [mapping({ attribute: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', message: 'read: absent' })] });
    expect(githubAnnotations(r)).toEqual(['::error title=zenya/User urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aenterprise%3A2.0%3AUser%3Adepartment::read: absent']);
  });

  it('puts errors before warnings, caps each type at 10, and counts both in the notice', () => {
    const checks: Judged<CheckResult>[] = [];
    for (let i = 1; i <= 13; i++) checks.push(check({ id: `s/should-${i}`, severity: 'SHOULD' }));
    for (let i = 1; i <= 12; i++) checks.push(check({ id: `s/must-${i}` }));
    checks.push(check({ id: 's/passed', outcome: 'passed' }), check({ id: 's/skipped', outcome: 'skipped' }));
    for (let i = 1; i <= 3; i++) checks.push(check({ id: `s/errored-${i}`, outcome: 'errored' }));
    checks.push(check({ id: 's/may-1', severity: 'MAY' }), check({ id: 's/may-2', severity: 'MAY' }));
    const r = report(checks, { mappings: [mapping({ attribute: 'title' }), mapping({ attribute: 'nickName', outcome: 'errored' }), mapping({ attribute: 'userName', outcome: 'passed' })] });
    const lines = githubAnnotations(r);
    expect(lines).toHaveLength(21);
    const titles = lines.slice(0, 20).map((l) => /^::(\w+) title=([^:]+)::/.exec(l)!.slice(1, 3).join(' '));
    expect(titles).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `error s/must-${i + 1}`),
      ...Array.from({ length: 10 }, (_, i) => `warning s/should-${i + 1}`),
    ]);
    // 12 MUST + 3 errored + 2 mapping rows = 17 errors; 13 SHOULD + 2 MAY = 15 warnings.
    expect(lines[20]).toBe(
      "::notice title=scimcheck::7 more errors and 5 more warnings are not shown as annotations (GitHub shows 10 of each type per step): see the job's step summary or the JSON report (--report-json)",
    );
  });

  it('cuts a message that quotes a huge body to 4000 characters, keeping the rule', () => {
    const [line] = githubAnnotations(report([check({ id: 's/huge', message: 'y'.repeat(100_000), reference: 'R' })]));
    expect(line).toBe(`::error title=s/huge::${'y'.repeat(3999)}… (R)`);
  });

  it('no notice when nothing is hidden; one hidden warning is singular', () => {
    const few = report([check({ id: 's/a' }), check({ id: 's/b', severity: 'MAY' })]);
    expect(githubAnnotations(few)).toEqual(['::error title=s/a::s/a broke (RFC 7644 §3.3)', '::warning title=s/b::s/b broke (RFC 7644 §3.3)']);
    const eleven = report(Array.from({ length: 11 }, (_, i) => check({ id: `s/w${i}`, severity: 'SHOULD' })));
    expect(githubAnnotations(eleven).at(-1)).toBe(
      "::notice title=scimcheck::1 more warning is not shown as annotations (GitHub shows 10 of each type per step): see the job's step summary or the JSON report (--report-json)",
    );
    expect(githubAnnotations(report([check({ id: 's/ok', outcome: 'passed' })]))).toEqual([]);
  });

  it('--fail-on: a failed SHOULD or MAY check is an error exactly when the policy marked it as counting', () => {
    const checks = [check({ id: 's/should', severity: 'SHOULD' }), check({ id: 's/may', severity: 'MAY' })];
    const level = (r: Report) => githubAnnotations(r).map((l) => l.slice(0, l.indexOf(' ')));
    expect(level(report(checks, { failOn: 'must' }))).toEqual(['::warning', '::warning']);
    expect(level(report(checks, { failOn: 'should' }))).toEqual(['::error', '::warning']);
    expect(level(report(checks, { failOn: 'any' }))).toEqual(['::error', '::error']);
  });

  it('reads `counts` and nothing else: not the severity, the summary or the report\'s failOn', () => {
    const r = report([check({ id: 's/must' }), check({ id: 's/may', severity: 'MAY' })], { failOn: 'must' });
    // Flipped by hand: a MUST that does not count, a MAY that does (as no policy would decide).
    r.checks[0]!.counts = false;
    r.checks[1]!.counts = true;
    expect(githubAnnotations(r)).toEqual(['::error title=s/may::s/may broke (RFC 7644 §3.3)', '::warning title=s/must::s/must broke (RFC 7644 §3.3)']);
  });

  it('a blocked errored check is a warning without the fix (its cause has it); a known failure is a warning', () => {
    const policy = { failOn: 'must' as const, baseline: { file: 'b.json', failures: ['s/old'] } };
    const p = new Policy(policy);
    const checks = [
      p.mark(check({ id: 's/cause', hint: 'fix the cause' })),
      p.mark(check({ id: 's/blocked', outcome: 'errored', message: 'prerequisite s/cause did not pass (failed)', blockedBy: 's/cause', hint: 'not this' })),
      p.mark(check({ id: 's/old', hint: 'old fix' })),
    ];
    const r: Report = { ...report([]), checks, ...p.conclude(checks, { durationMs: 1 }) };
    expect(githubAnnotations(r)).toEqual([
      '::error title=s/cause::s/cause broke (RFC 7644 §3.3; fix: fix the cause)',
      '::warning title=s/blocked::prerequisite s/cause did not pass (failed) (RFC 7644 §3.3)',
      '::warning title=s/old::s/old broke (RFC 7644 §3.3; fix: old fix)',
    ]);
  });

  it('links a check to its step (file, line, col) when its source lies inside cwd, else to its suite file', () => {
    const cwd = join(tmpdir(), 'repo');
    const r = report([
      check({ id: 'a/rel', source: { file: 'suites/a.yaml', line: 12, column: 5 } }),
      check({ id: 'a/abs', source: { file: join(cwd, 'suites', 'a b,c.yaml'), line: 3, column: 7 } }),
      check({ id: 'a/outside', source: { file: join(tmpdir(), 'elsewhere', 'a.yaml'), line: 9, column: 1 } }),
      check({ id: 'a/none' }),
    ]);
    expect(githubAnnotations(r, { cwd, suiteFiles: { a: 'suites/from-map.yaml' } })).toEqual([
      '::error file=suites/a.yaml,line=12,col=5,title=a/rel::a/rel broke (RFC 7644 §3.3)',
      '::error file=suites/a b%2Cc.yaml,line=3,col=7,title=a/abs::a/abs broke (RFC 7644 §3.3)',
      '::error file=suites/from-map.yaml,title=a/outside::a/outside broke (RFC 7644 §3.3)',
      '::error file=suites/from-map.yaml,title=a/none::a/none broke (RFC 7644 §3.3)',
    ]);
    // Without suite files, a source outside cwd gives no file= at all (an installed package's built-in suite).
    expect(githubAnnotations(r, { cwd })[2]).toBe('::error title=a/outside::a/outside broke (RFC 7644 §3.3)');
  });
});

describe('githubStepSummary', () => {
  it('is the golden output for sample.json', () => {
    golden('sample.summary.md', githubStepSummary(sample()));
  });

  it('has the verdict, the target, the exact counts, a failure row, the failed mapping rows and the cleanup line', () => {
    const md = githubStepSummary(sample());
    expect(md.startsWith(
      '## ❌ scimcheck failed: `http://127.0.0.1:37597/scim/v2 (reference server; faults: drop-preferred-language, error-status-number, soft-delete-hides-user)`\n',
    )).toBe(true);
    expect(md).toContain('exit code 1 · `scimcheck demo` 0.1.0 · run `670dc4c9` · dialects entra-legacy, entra · 452 ms');
    expect(md).toContain(
      '| | passed | failed | errored | skipped | warnings |\n|---|---:|---:|---:|---:|---:|\n| checks | 49 | 15 | 1 | 0 | 0 |\n| mappings | 11 | 2 | 0 | 0 | – |\n',
    );
    // The last error row, then the blocked check: a warning, after the errors, without a fix (its cause has it).
    expect(md).toContain(
      '\n| ❌ failed | `users-crud/delete` | MUST | yes | RFC 7644 §3.6 | status: expected 204, got 404 {"schemas":\\["urn:ietf:params:scim:api:messages:2.0:Error"\\],"status":404,"detail":"User c0d268ec-6e03-465f-9d94-2c745a2984e1 not found"}<br>**Fix:** Answer a successful DELETE with 204 and no body. |\n' +
        '| ⚠️ blocked | `users-crud/disable-verify[entra]` | MUST | yes | RFC 7644 §3.5.2.3, RFC 7643 §4.1.1 | prerequisite users-crud/enable-verify\\[entra\\] did not pass (failed) |\n',
    );
    expect(md.match(/^\| ❌ (failed|errored) \| `/gm)).toHaveLength(15);
    expect(md.match(/^\| ⚠️ \w+ \| `/gm)).toEqual(['| ⚠️ blocked | `']);
    expect(md).toContain('**zenya**: 13 mappings: 11 passed, 2 failed\n');
    expect(md).toContain(
      '\n| ❌ failed | User | `preferredLanguage` | String | ✅ | ✅ | ❌ | ❌ | – | read: after create, preferredLanguage is absent, expected "en-US"; update: after PATCH \\[entra-legacy\\], preferredLanguage is absent, expected "nl-NL"; after PATCH \\[entra\\], preferredLanguage is absent, expected "de-DE" |\n',
    );
    expect(md).not.toContain('`displayName`'); // passed rows are only counted
    expect(md).toContain('Cleanup: all 21 objects the run created were deleted.\n');
    expect(md).not.toContain('truncated');
  });

  it('escapes | and newlines in cells, lists warnings after errors, and shows cleanup problems', () => {
    const r = report(
      [
        check({ id: 'p/warn', severity: 'SHOULD', message: 'should be fine', reference: 'RFC 7644 §3.12' }),
        check({ id: 'p/pipe', message: 'filter a | b\r\nfailed <here> *loudly*', entra: false, hint: 'split on |' }),
      ],
      {
        cleanup: [
          { suite: 'users-crud', path: '/Users/1', status: 204, ok: true, message: 'deleted (204)' },
          { suite: 'users-crud', path: '/Users/2', status: 500, ok: false, message: 'DELETE answered 500 | oops' },
          { suite: 'app:zenya', path: '/Groups/3', ok: false, message: 'connection reset' },
        ],
      },
    );
    const md = githubStepSummary(r);
    expect(md.startsWith('## ❌ scimcheck failed: `https://scim.example.com/v2`\n')).toBe(true);
    expect(md).toContain('| checks | 0 | 1 | 0 | 0 | 1 |\n');
    expect(md).not.toContain('| mappings |');
    const rows = md.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
    expect(rows).toEqual([
      '| ❌ failed | `p/pipe` | MUST | no | RFC 7644 §3.3 | filter a \\| b<br>failed \\<here\\> \\*loudly\\*<br>**Fix:** split on \\| |',
      '| ⚠️ warning | `p/warn` | SHOULD | yes | RFC 7644 §3.12 | should be fine |',
    ]);
    expect(md).toContain(
      '### Cleanup problems\n\n2 objects the run created could not be deleted; remove them by hand:\n\n| suite | path | status | message |\n|---|---|---:|---|\n| users-crud | `/Users/2` | 500 | DELETE answered 500 \\| oops |\n| app:zenya | `/Groups/3` | – | connection reset |\n',
    );
  });

  it('a passing run: ✅ and no failure table', () => {
    const md = githubStepSummary(report([check({ id: 's/ok', outcome: 'passed' })]));
    expect(md.startsWith('## ✅ scimcheck passed: `https://scim.example.com/v2`\n')).toBe(true);
    expect(md).toContain('| checks | 1 | 0 | 0 | 0 | 0 |\n');
    expect(md).not.toContain('### Failures');
  });

  it('an unreachable target (exit 3) says so', () => {
    const r = report([check({ id: 's/x', outcome: 'errored', message: 'connect ECONNREFUSED' })], { exitCode: 3 });
    expect(githubStepSummary(r).startsWith('## ❌ scimcheck could not reach the target: `https://scim.example.com/v2`\n')).toBe(true);
  });

  it('stays under 1 MiB for 20,000 failed checks, with the truncation note; smaller tables are listed in full', () => {
    const checks = Array.from({ length: 20_000 }, (_, i) =>
      check({ id: `big/check-${i}`, message: `status: expected 200, got 500 ${'x'.repeat(200)} | row ${i}`, hint: 'Answer 200 with the resource.' }),
    );
    const mappings = Array.from({ length: 3_000 }, (_, i) => mapping({ attribute: `attr${i}` }));
    const cleanup = Array.from({ length: 2_000 }, (_, i) => ({ suite: 'big', path: `/Users/${i}`, status: 500, ok: false, message: 'DELETE answered 500' }));
    const md = githubStepSummary(report(checks, { mappings, cleanup }));
    const bytes = Buffer.byteLength(md, 'utf8');
    expect(bytes).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    expect(bytes).toBeLessThan(MIB);
    expect(bytes).toBeGreaterThan(STEP_SUMMARY_MAX_BYTES - 16_384); // it uses the room it has
    expect(md).toContain('| checks | 0 | 20000 | 0 | 0 | 0 |\n');
    const shown = md.split('\n').filter((l) => l.startsWith('| ❌ failed | `big/')).length;
    expect(shown).toBeGreaterThan(1000);
    expect(shown).toBeLessThan(20_000);
    expect(md).toContain(
      `\n> ⚠️ ${20_000 - shown} more failures are not listed: the step summary is limited to 1 MiB. See the JSON report (\`--report-json\`) or the HTML report for all of them.\n`,
    );
    // The failure table does not crowd out the mapping rows and the objects left behind.
    expect(md.split('\n').filter((l) => l.startsWith('| ❌ failed | User | `attr')).length).toBe(3000);
    expect(md).toContain('### Cleanup problems\n\n2000 objects the run created could not be deleted');
    expect(md).toContain('| big | `/Users/1999` | 500 | DELETE answered 500 |\n');
    expect(md.match(/are not listed/g)).toHaveLength(1);
  });

  it('when every table is huge, each gets a share and its own note, and the total stays under 1 MiB', () => {
    const checks = Array.from({ length: 20_000 }, (_, i) => check({ id: `big/check-${i}`, message: 'y'.repeat(300) }));
    const mappings = Array.from({ length: 20_000 }, (_, i) => mapping({ attribute: `attr${i}`, message: 'z'.repeat(300) }));
    const cleanup = Array.from({ length: 20_000 }, (_, i) => ({ suite: 'big', path: `/Users/${i}`, status: 500, ok: false, message: 'w'.repeat(300) }));
    const md = githubStepSummary(report(checks, { mappings, cleanup }));
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    const count = (prefix: string) => md.split('\n').filter((l) => l.startsWith(prefix)).length;
    const [c, m, k] = [count('| ❌ failed | `big/'), count('| ❌ failed | User |'), count('| big | `/Users/')];
    for (const n of [c, m, k]) expect(n).toBeGreaterThan(500);
    expect(md).toContain(`> ⚠️ ${20_000 - c} more failures are not listed`);
    expect(md).toContain(`> ⚠️ ${20_000 - m} more failed mapping rows of zenya are not listed`);
    expect(md).toContain(`> ⚠️ ${20_000 - k} more cleanup problems are not listed`);
    expect(md).toContain('**zenya**: 20000 mappings: 0 passed, 20000 failed\n');
  });

  it('cuts a huge message to one bounded cell', () => {
    const md = githubStepSummary(report([check({ id: 's/huge', message: 'y'.repeat(5_000_000) })]));
    const row = md.split('\n').find((l) => l.includes('`s/huge`'))!;
    expect(row.length).toBeLessThan(1200);
    expect(row).toContain('y…');
  });
});

describe('action.yml', () => {
  const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  const action = parse(text) as {
    name: string;
    inputs: Record<string, { required?: boolean; default?: string; description: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { uses?: string; with?: Record<string, unknown>; run?: string; shell?: string; id?: string; env?: Record<string, string> }[] };
  };
  const runStep = action.runs.steps.find((s) => s.run)!;
  const tmp = mkdtempSync(join(tmpdir(), 'scimcheck-action-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is a composite action with the inputs, outputs and steps named in docs/ci.md', () => {
    expect(action.name).toBe('scimcheck');
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['apps', 'args', 'base-url', 'baseline', 'dialect', 'fail-on', 'suites', 'token', 'version']);
    expect(action.inputs['base-url']!.required).toBe(true);
    expect(action.inputs.token!.required).toBe(true);
    expect(action.inputs['fail-on']!.default).toBe('must');
    expect(action.inputs.version!.default).toBe('latest');
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'report']);
    expect(action.outputs['exit-code']!.value).toBe('${{ steps.scimcheck.outputs.exit-code }}');
    expect(action.runs.steps[0]).toMatchObject({ uses: 'actions/setup-node@v4', with: { 'node-version': 20 } });
    expect(runStep).toMatchObject({ id: 'scimcheck', shell: 'bash' });
    expect(runStep.run).toContain('npx --yes "scimcheck@${INPUT_VERSION:-latest}" "${args[@]}"');
    expect(runStep.run).toContain('--junit scimcheck-junit.xml --html scimcheck-report.html --report-json scimcheck.json');
    expect(action.runs.steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(false);
  });

  it('passes every input through env (the token as SCIMCHECK_TOKEN), never ${{ }} inside a script', () => {
    for (const s of action.runs.steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
    expect(text).not.toMatch(/run:[^\n]*\$\{\{/);
    expect(runStep.env!.SCIMCHECK_TOKEN).toBe('${{ inputs.token }}');
    expect(runStep.run).not.toMatch(/--token/);
    for (const name of Object.keys(action.inputs)) expect(Object.values(runStep.env!)).toContain(`\${{ inputs.${name} }}`);
  });

  /** Runs the step's script with bash as GitHub does, with `npx` replaced by a stub that records its arguments. */
  function runScript(env: Record<string, string>, stubExit = 1) {
    const dir = mkdtempSync(join(tmp, 'run-'));
    const bin = join(dir, 'bin');
    spawnSync('mkdir', [bin]);
    writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "$ARGS_OUT"\necho '{}' > scimcheck.json\nexit ${stubExit}\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    writeFileSync(join(dir, 'step.sh'), runStep.run!);
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    const base = { INPUT_BASE_URL: '', INPUT_SUITES: '', INPUT_APPS: '', INPUT_DIALECT: '', INPUT_FAIL_ON: 'must', INPUT_BASELINE: '', INPUT_ARGS: '', INPUT_VERSION: 'latest', SCIMCHECK_TOKEN: '' };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'step.sh')], {
      cwd: dir,
      env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, ARGS_OUT: join(dir, 'args'), ...base, ...env },
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, args: existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8').split('\n').slice(0, -1) : [], output: readFileSync(output, 'utf8'), dir };
  }

  it('builds the command line safely from the inputs and passes the exit code on', () => {
    const r = runScript(
      {
        SCIMCHECK_TOKEN: 's3cret-token',
        INPUT_BASE_URL: 'https://scim.example.com/v2?aadOptscim062020',
        INPUT_SUITES: 'users-crud, errors\n$(touch pwned)',
        INPUT_APPS: 'zenya',
        INPUT_DIALECT: 'entra',
        INPUT_FAIL_ON: 'should',
        INPUT_BASELINE: 'ci/scim baseline.json',
        INPUT_ARGS: '--header\n  X-Tenant: acme; rm -rf /  \n--timeout\n5000\n',
        INPUT_VERSION: '^0.2',
      },
      1,
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::add-mask::s3cret-token');
    expect(r.args).toEqual([
      '--yes', 'scimcheck@^0.2', 'run', '--base-url', 'https://scim.example.com/v2?aadOptscim062020',
      '--suite', 'users-crud', '--suite', 'errors', '--suite', '$(touch', '--suite', 'pwned)',
      '--app', 'zenya', '--dialect', 'entra', '--fail-on', 'should', '--baseline', 'ci/scim baseline.json',
      '--header', 'X-Tenant: acme; rm -rf /', '--timeout', '5000',
      '--junit', 'scimcheck-junit.xml', '--html', 'scimcheck-report.html', '--report-json', 'scimcheck.json',
    ]);
    expect(r.args.join(' ')).not.toContain('s3cret');
    expect(existsSync(join(r.dir, 'pwned'))).toBe(false);
    expect(r.output).toBe('exit-code=1\nreport=scimcheck.json\n');
  });

  it('with only the required inputs: no optional flags, whitespace-split args, exit 0', () => {
    const r = runScript({ INPUT_BASE_URL: 'https://a.example/scim', SCIMCHECK_TOKEN: 't0k3n', INPUT_ARGS: '--read-only  --concurrency 2 *' }, 0);
    expect(r.status).toBe(0);
    expect(r.args).toEqual([
      '--yes', 'scimcheck@latest', 'run', '--base-url', 'https://a.example/scim', '--fail-on', 'must',
      '--read-only', '--concurrency', '2', '*',
      '--junit', 'scimcheck-junit.xml', '--html', 'scimcheck-report.html', '--report-json', 'scimcheck.json',
    ]);
    expect(r.output).toBe('exit-code=0\nreport=scimcheck.json\n');
  });
});
