/**
 * The JUnit reporter, on the real report in test/fixtures/reports/sample.json.
 *
 * Golden file: test/fixtures/reports/golden/sample.junit.xml holds the output with `time="…"` values and
 * `127.0.0.1:<port>` normalised. It is written when missing (outside CI); after an intended change of the output,
 * regenerate it with
 *   UPDATE_GOLDEN=1 npx vitest run test/core/report/junit.test.ts
 * and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/core/model/exchange.js';
import type { Report } from '../../../src/core/model/report.js';
import type { CheckResult, Judged, MappingResult } from '../../../src/core/model/verdict.js';
import { JUNIT_BODY_LIMIT, escapeAttr, escapeText, stripXmlIllegal, toJUnit } from '../../../src/core/report/junit.js';
import { Policy } from '../../../src/core/runner/policy.js';

const SAMPLE = fileURLToPath(new URL('../../fixtures/reports/sample.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/reports/golden/sample.junit.xml', import.meta.url));

function sample(): Report {
  return JSON.parse(readFileSync(SAMPLE, 'utf8')) as Report;
}

type Attrs = Record<string, string>;
interface XCase extends Attrs {
  classname: string;
  name: string;
  time: string;
}
interface XSuite extends Attrs {
  name: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true, // decode &#10; and friends
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'property', 'failure', 'error', 'skipped', 'system-out'].includes(name),
});

type Any = any;

function parse(xml: string): { suites: Attrs; suite: (XSuite & Any)[] } {
  const doc = parser.parse(xml) as Any;
  return { suites: doc.testsuites, suite: doc.testsuites.testsuite };
}

function cases(xml: string): (XCase & Any)[] {
  return parse(xml).suite.flatMap((s) => s.testcase ?? []);
}

function findCase(xml: string, classname: string, name: string): XCase & Any {
  const found = cases(xml).filter((c) => c.classname === classname && c.name === name);
  expect(found, `${classname} ${name}`).toHaveLength(1);
  return found[0];
}

/** What an XML 1.0 parser insists on, which fast-xml-parser's validator does not check. */
function expectWellFormed(xml: string): void {
  expect(XMLValidator.validate(xml)).toBe(true);
  // No character outside XML 1.0's Char production.
  expect(xml).not.toMatch(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  // Every & starts a predefined entity or a character reference.
  expect(xml.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '')).not.toContain('&');
  // No < and no " inside an attribute value.
  for (const m of xml.matchAll(/\s[\w:-]+="([^"]*)"/g)) expect(m[1]).not.toContain('<');
}

function normalise(s: string): string {
  return s.replace(/ time="[^"]*"/g, ' time="T"').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

/** A hand-made check, marked by the policy of the sample (`--fail-on must`, no baseline). */
function check(over: Partial<Judged<CheckResult>>): CheckResult {
  const suite = over.suite ?? 'extra';
  return new Policy({ failOn: 'must' }).mark({
    kind: 'check',
    id: 'extra/x',
    group: suite,
    suite,
    title: 'An extra check',
    severity: 'MUST',
    entra: true,
    reference: 'RFC 7644 §3.12',
    outcome: 'passed',
    message: '200',
    durationMs: 5,
    exchanges: [],
    ...over,
  });
}

function exchange(seq: number, over: Partial<Exchange> = {}): Exchange {
  return {
    seq,
    startedAt: '2026-11-22T20:32:27.000Z',
    durationMs: 3,
    request: { method: 'GET', url: 'http://127.0.0.1:1/scim/v2/Users/x', headers: { authorization: '[REDACTED]' } },
    response: { status: 200, headers: {}, body: '{}', sizeBytes: 2 },
    ...over,
  };
}

describe('toJUnit on the sample report', () => {
  const report = sample();
  const xml = toJUnit(report);
  const { suites, suite } = parse(xml);

  it('is well-formed XML with a declaration', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
    expectWellFormed(xml);
  });

  it('has one testsuite per suite, then one per app profile', () => {
    expect(suite.map((s) => s.name)).toEqual(['errors', 'users-crud', 'app:zenya']);
  });

  it('counts outcomes per testsuite and in total, equal to the report', () => {
    for (const s of suite) {
      const own = s.name.startsWith('app:')
        ? (report.mappings ?? []).filter((m) => `app:${m.app}` === s.name)
        : report.checks.filter((c) => c.suite === s.name);
      const n = (o: string) => String(own.filter((x) => x.outcome === o).length);
      expect({ tests: s.tests, failures: s.failures, errors: s.errors, skipped: s.skipped }).toEqual({
        tests: String(own.length),
        failures: n('failed'),
        errors: n('errored'),
        skipped: n('skipped'),
      });
      const tc: XCase[] = s.testcase;
      expect(tc).toHaveLength(own.length);
      expect(tc.filter((c: Any) => c.failure).length).toBe(Number(s.failures));
      expect(tc.filter((c: Any) => c.error).length).toBe(Number(s.errors));
    }
    expect(suite.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped])).toEqual([
      ['errors', '15', '5', '0', '0'],
      ['users-crud', '50', '10', '1', '0'],
      ['app:zenya', '13', '2', '0', '0'],
    ]);
    const sm = report.summary;
    expect(suites).toMatchObject({
      name: 'scimcheck',
      tests: String(report.checks.length + (report.mappings?.length ?? 0)),
      failures: String(sm.failed + sm.warnings + (sm.mappings?.failed ?? 0)),
      errors: String(sm.errored + (sm.mappings?.errored ?? 0)),
      time: '0.452',
    });
    expect(suites.tests).toBe('78');
    expect(suites.failures).toBe('17');
    expect(suites.errors).toBe('1');
  });

  it('has every check and every mapping row exactly once, classname+name unique', () => {
    const got = cases(xml).map((c) => `${c.classname} :: ${c.name}`);
    const want = [
      ...report.checks.map((c) => `scimcheck.${c.suite} :: ${c.id.slice(c.suite.length + 1)}`),
      ...(report.mappings ?? []).map((m) => `scimcheck.app.${m.app} :: ${m.object} ${m.attribute}`),
    ];
    expect(got).toEqual(want);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toContain('scimcheck.users-crud :: patch-update[entra-legacy]');
    expect(got).toContain('scimcheck.users-crud :: patch-update[entra]');
    expect(got).toContain('scimcheck.app.zenya :: User emails[type eq "work"].value');
    expect(got).toContain('scimcheck.app.zenya :: Group displayName');
    // Jenkins splits on dots: package `scimcheck` (or `scimcheck.app`), class = the suite or app.
    for (const c of cases(xml)) expect(c.classname).toMatch(/^scimcheck\.(app\.)?[^.]+$/);
  });

  it('writes a failed MUST check as <failure> with the request, response, expected, actual, rule and fix', () => {
    const c = findCase(xml, 'scimcheck.users-crud', 'disabled-readable[entra-legacy]');
    const src = report.checks.find((x) => x.id === 'users-crud/disabled-readable[entra-legacy]')!;
    expect(c.error).toBeUndefined();
    expect(c.failure).toHaveLength(1);
    const f = c.failure[0];
    expect(f.type).toBe('MUST');
    expect(f.message).toBe(src.message);
    expect(f.message.startsWith('status: expected 200, got 404 {"schemas"')).toBe(true);
    const body: string = f['#text'];
    const ex = src.exchanges.at(-1)!;
    expect(body.split('\n')).toEqual([
      'check: users-crud/disabled-readable[entra-legacy] (A disabled user is still returned by GET /Users/{id})',
      `request: GET ${ex.request.url}`,
      `response: 404 ${ex.response!.body}`,
      'expected: 200',
      `actual: ${src.actual}`,
      'rule: Entra: a disabled user stays readable and findable; only DELETE removes it (MUST; Entra depends on it; dialect entra-legacy)',
      'fix: Disabling is not deleting; keep returning users with active false on GET and in filters.',
    ]);
    expect(ex.request.url).toBe('http://127.0.0.1:37597/scim/v2/Users/c0d268ec-6e03-465f-9d94-2c745a2984e1');
    expect(c['system-out'][0]).toContain('#147 GET http://127.0.0.1:37597/scim/v2/Users/c0d268ec-6e03-465f-9d94-2c745a2984e1\nresponse: 404 {"schemas"');
  });

  it('says whether Entra depends on a failed rule', () => {
    const c = findCase(xml, 'scimcheck.errors', 'duplicate-username-error-body');
    expect(c.failure[0]['#text']).toContain('\nrule: RFC 7644 §3.12 (MUST; Entra does not depend on it)\n');
  });

  it('writes a blocked errored check as <error type="blocked"> with BLOCKED:, its cause and its gate, and no fix', () => {
    const c = findCase(xml, 'scimcheck.users-crud', 'disable-verify[entra]');
    expect(c.failure).toBeUndefined();
    expect(c.error).toHaveLength(1);
    expect(c.error[0].message).toBe('BLOCKED: prerequisite users-crud/enable-verify[entra] did not pass (failed)');
    expect(c.error[0].type).toBe('blocked');
    expect(c.error[0]['#text'].split('\n')).toEqual([
      'check: users-crud/disable-verify[entra] (After the disable, GET shows active false (a JSON boolean))',
      'cause: not judged: users-crud/enable-verify[entra] did not pass (see it for the fix)',
      'rule: RFC 7644 §3.5.2.3, RFC 7643 §4.1.1 (MUST; Entra depends on it; dialect entra)',
      'gate: does not fail the run on its own: users-crud/enable-verify[entra] does',
    ]);
    expect(c['system-out']).toBeUndefined(); // it made no exchange
  });

  it('writes a passed check with its exchanges only', () => {
    const c = findCase(xml, 'scimcheck.errors', 'create-user');
    expect(c.failure ?? c.error ?? c.skipped).toBeUndefined();
    expect(c.time).toBe('0.078');
    const out: string = c['system-out'][0];
    expect(out.startsWith('\n#24 POST http://127.0.0.1:37597/scim/v2/Users\nrequest body: {"schemas":')).toBe(true);
    expect(out).toContain('\nresponse: 201 {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"bf800334');
  });

  it('writes a failed mapping row as <failure> with its request, the mapping, the phases and the dialects', () => {
    const c = findCase(xml, 'scimcheck.app.zenya', 'User preferredLanguage');
    const src = report.mappings!.find((m) => m.attribute === 'preferredLanguage')!;
    expect(c.failure[0].message).toBe(src.message);
    expect(c.failure[0].type).toBe('mapping');
    const text: string = c.failure[0]['#text'];
    expect(text.split('\n').map((l) => l.slice(0, l.indexOf(':') + 1) || l)).toEqual(['mapping row:', 'request:', 'response:', 'mapping:', 'phases:', 'dialects:']);
    expect(text.startsWith('mapping row: app:zenya/User/preferredLanguage\nrequest: GET http://127.0.0.1:37597/scim/v2/Users/ea4ffb31-34ce-4882-b5b4-58d44949af17\nresponse: 200 {"schemas"')).toBe(true);
    expect(text.endsWith(
      '\nmapping: zenya User preferredLanguage (String)\nphases: declared passed, create passed, read failed, update failed, filter n/a\ndialects: update entra-legacy failed, entra failed',
    )).toBe(true);
    expect(text).not.toContain('rule:');
    const active = findCase(xml, 'scimcheck.app.zenya', 'User active');
    // The last exchange, with its request body on a continuation line.
    expect(active.failure[0]['#text']).toContain(
      '\nrequest: PATCH http://127.0.0.1:37597/scim/v2/Users/9395749a-0f2d-4bbe-a682-09ff56116a4c\n  {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":true}]}\nresponse: 404 ',
    );
    expect(active.failure[0]['#text']).toContain('\nphases: declared passed, create passed, read passed, update failed, filter n/a\ndialects: update entra-legacy failed, entra failed');
    expect(active['system-out'][0]).toContain('#15 GET ');
    expect(active['system-out'][0]).toContain('#21 PATCH ');
    expect(findCase(xml, 'scimcheck.app.zenya', 'Group members').failure).toBeUndefined();
  });

  it('gives times in seconds with 3 decimals', () => {
    for (const c of cases(xml)) expect(c.time).toMatch(/^\d+\.\d{3}$/);
    const bySuite = new Map(suite.map((s) => [s.name, s.time]));
    expect(bySuite.get('errors')).toBe('0.292');
    expect(bySuite.get('users-crud')).toBe('0.350');
    const rows = report.mappings!;
    expect(bySuite.get('app:zenya')).toBe((rows.reduce((n, m) => n + m.durationMs, 0) / 1000).toFixed(3));
    expect(findCase(xml, 'scimcheck.errors', 'duplicate-username-409').time).toBe('0.152');
    expect(findCase(xml, 'scimcheck.app.zenya', 'User userName').time).toBe('0.285');
  });

  it('has a timestamp and the run in <properties>', () => {
    for (const s of suite) {
      expect(s.timestamp).toBe('2026-11-22T20:32:25');
      const props = Object.fromEntries(s.properties.property.map((p: Attrs) => [p.name, p.value]));
      expect(props).toMatchObject({
        'scimcheck.version': '0.1.0',
        'scimcheck.command': 'demo',
        'scimcheck.target': report.target.baseUrl,
        'scimcheck.runId': '670dc4c9',
        'scimcheck.startedAt': '2026-11-22T20:32:25.874Z',
        'scimcheck.dialects': 'entra-legacy,entra',
      });
    }
    expect(suite[0].properties.property.find((p: Attrs) => p.name === 'scimcheck.suite.title').value).toBe('Error responses');
  });

  it('is deterministic', () => {
    expect(toJUnit(sample())).toBe(xml);
  });

  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const got = normalise(xml);
    if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(GOLDEN) && !process.env.CI)) {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, got);
    }
    expect(got).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});

describe('toJUnit on awkward input', () => {
  const base = sample();
  const weird = check({
    id: 'extra/weird',
    outcome: 'failed',
    severity: 'SHOULD',
    entra: false,
    message: `bad <tag> & "double" 'single' \u0001bell\u0000 ]]> end`,
    expected: 'line one\r\nline two\ttabbed',
    actual: 'token [REDACTED] and a lone surrogate \uD800 here',
    hint: 'use <Error> & retry',
    exchanges: [exchange(900, { response: { status: 500, headers: {}, body: `{"password":"[REDACTED]","x":"\u001f<&>"}`, sizeBytes: 40 } })],
  });
  const skipped = check({ id: 'extra/skip-me', outcome: 'skipped', message: 'read-only run: "creates" users & <groups>' });
  const errored = check({
    id: 'extra/unreachable',
    outcome: 'errored',
    message: 'GET /Users: connect ECONNREFUSED',
    exchanges: [exchange(901, { response: undefined, error: { code: 'REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', unreachable: true } })],
  });
  const long = check({ id: 'extra/long', exchanges: [exchange(902, { response: { status: 200, headers: {}, body: 'x'.repeat(10_000), sizeBytes: 10_000 } })] });
  const twin = check({ id: 'extra/twin' });
  const dotted = check({ id: 'a.b/c', suite: 'a.b' });
  const row = (over: Partial<Judged<MappingResult>>): MappingResult =>
    new Policy({ failOn: 'must' }).mark({
      kind: 'mapping',
      id: 'app:zenya/User/nickName',
      group: 'app:zenya',
      title: 'User nickName',
      app: 'zenya',
      object: 'User',
      attribute: 'nickName',
      type: 'String',
      matching: false,
      outcome: 'skipped',
      phases: { declared: 'skipped', create: 'skipped', read: 'skipped', update: 'skipped', filter: 'n/a' },
      dialects: {},
      message: 'read-only run',
      durationMs: 0,
      exchanges: [],
      ...over,
    });
  const report: Report = {
    ...base,
    startedAt: undefined,
    checks: [...base.checks, weird, skipped, errored, long, twin, { ...twin }, dotted],
    mappings: [...(base.mappings ?? []), row({}), row({ outcome: 'errored', message: 'POST answered 500' })],
  };
  const xml = toJUnit(report);

  it('escapes <&"\', shows control characters from the server as \\xNN and strips lone surrogates', () => {
    expectWellFormed(xml);
    expect(xml).toContain('message="WARNING (SHOULD): bad &lt;tag&gt; &amp; &quot;double&quot; &apos;single&apos; bell ]]&gt; end"');
    const c = findCase(xml, 'scimcheck.extra', 'weird');
    expect(c.failure[0].message).toBe(`WARNING (SHOULD): bad <tag> & "double" 'single' bell ]]> end`);
    expect(c.failure[0].type).toBe('SHOULD');
    const body: string = c.failure[0]['#text'];
    // The shared failure fields are one line each: CR LF folds to a space, a tab stays.
    expect(body.split('\n')).toEqual([
      'check: extra/weird (An extra check)',
      'request: GET http://127.0.0.1:1/scim/v2/Users/x',
      // A control character from the server is shown as \xNN (the failure text), not dropped.
      'response: 500 {"password":"[REDACTED]","x":"\\x1f<&>"}',
      'expected: line one line two\ttabbed',
      'actual: token [REDACTED] and a lone surrogate  here',
      'rule: RFC 7644 §3.12 (SHOULD; Entra does not depend on it)',
      'gate: a warning: a failed SHOULD check does not fail the run under --fail-on must',
      'fix: use <Error> & retry',
    ]);
    expect(xml).toContain('\nfix: use &lt;Error&gt; &amp; retry</failure>');
    expect(c['system-out'][0]).toContain('response: 500 {"password":"[REDACTED]","x":"<&>"}');
  });

  it('counts a failed SHOULD check as a failure marked WARNING', () => {
    const s = parse(xml).suite.find((x) => x.name === 'extra');
    expect(s).toMatchObject({ tests: '6', failures: '1', errors: '1', skipped: '1' });
  });

  it('writes a skipped check as <skipped message>', () => {
    const c = findCase(xml, 'scimcheck.extra', 'skip-me');
    expect(c.skipped).toHaveLength(1);
    expect(c.skipped[0].message).toBe('read-only run: "creates" users & <groups>');
    expect(xml).toContain('<skipped message="read-only run: &quot;creates&quot; users &amp; &lt;groups&gt;"/>');
  });

  it('names the transport error of an errored check', () => {
    const c = findCase(xml, 'scimcheck.extra', 'unreachable');
    expect(c.error[0]).toMatchObject({ message: 'GET /Users: connect ECONNREFUSED', type: 'REFUSED' });
    expect(c['system-out'][0]).toContain('#901 GET http://127.0.0.1:1/scim/v2/Users/x\ntransport error: REFUSED: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('cuts bodies at 4 KiB', () => {
    const out: string = findCase(xml, 'scimcheck.extra', 'long')['system-out'][0];
    expect(out).toContain(`response: 200 ${'x'.repeat(JUNIT_BODY_LIMIT)}… [truncated: 10000 characters in all]\n`);
    expect(out).not.toContain('x'.repeat(JUNIT_BODY_LIMIT + 1));
  });

  it('keeps classname+name unique and classnames one segment per id', () => {
    const names = cases(xml).map((c) => `${c.classname} :: ${c.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('scimcheck.extra :: twin');
    expect(names).toContain('scimcheck.extra :: twin (2)');
    expect(names).toContain('scimcheck.a_b :: c');
    expect(names).toContain('scimcheck.app.zenya :: User nickName');
    expect(names).toContain('scimcheck.app.zenya :: User nickName (2)');
  });

  it('writes skipped and errored mapping rows', () => {
    const s = parse(xml).suite.find((x) => x.name === 'app:zenya');
    expect(s).toMatchObject({ tests: '15', failures: '2', errors: '1', skipped: '1' });
    expect(findCase(xml, 'scimcheck.app.zenya', 'User nickName').skipped[0].message).toBe('read-only run');
    expect(findCase(xml, 'scimcheck.app.zenya', 'User nickName (2)').error[0].message).toBe('POST answered 500');
  });

  it('leaves out the timestamp when the report has no start time', () => {
    for (const s of parse(xml).suite) expect(s.timestamp).toBeUndefined();
  });

  it('writes an empty report', () => {
    const empty: Report = { ...base, checks: [], mappings: undefined, suites: undefined };
    const out = toJUnit(empty);
    expectWellFormed(out);
    expect(out).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scimcheck" tests="0" failures="0" errors="0" time="0.452">\n</testsuites>\n');
  });
});

describe('XML escaping helpers', () => {
  it.each([
    ['a<b>&c', 'a&lt;b&gt;&amp;c', 'a&lt;b&gt;&amp;c'],
    [`"q" 'a'`, `"q" 'a'`, '&quot;q&quot; &apos;a&apos;'],
    ['x\ty\nz\rw', 'x\ty\nz&#13;w', 'x&#9;y&#10;z&#13;w'],
    ['\u0000\u0001\u0008\u000b\u000c\u001f\u007f', '\u007f', '\u007f'],
    ['\uFFFE\uFFFF\uDFFF\uD800 ok \u{1F600}', ' ok \u{1F600}', ' ok \u{1F600}'],
  ])('%j', (input, text, attr) => {
    expect(escapeText(input)).toBe(text);
    expect(escapeAttr(input)).toBe(attr);
  });

  it('keeps every character XML 1.0 allows', () => {
    const ok = 'tab\t lf\n cr\r é \uD7FF \uE000 \uFFFD \u{10000} \u{10FFFF}';
    expect(stripXmlIllegal(ok)).toBe(ok);
  });
});

/**
 * The shape the Jenkins xUnit plugin validates "JUnit" input against (junit-10.xsd, MIT, jenkinsci/xunit-plugin),
 * written out as rules, plus the child order of the older junit-4.xsd (Thales, MIT) that JUnit 5's tests use:
 * a file with an undeclared attribute or element is rejected there, so these are checked one by one.
 */
describe('toJUnit against the Jenkins JUnit schema (junit-10.xsd)', () => {
  const ATTRS: Record<string, { allowed: string[]; required: string[] }> = {
    testsuites: { allowed: ['name', 'time', 'tests', 'failures', 'errors'], required: [] },
    testsuite: {
      allowed: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
      required: ['name', 'tests', 'failures', 'errors'],
    },
    properties: { allowed: [], required: [] },
    property: { allowed: ['name', 'value'], required: ['name', 'value'] },
    testcase: { allowed: ['name', 'time', 'classname', 'group'], required: ['name'] },
    failure: { allowed: ['type', 'message'], required: [] },
    error: { allowed: ['type', 'message'], required: [] },
    skipped: { allowed: ['type', 'message'], required: [] },
    'system-out': { allowed: [], required: [] },
  };
  // junit-4.xsd's sequences (junit-10.xsd allows any order of the same children).
  const ORDER: Record<string, string[]> = {
    testsuites: ['testsuite'],
    testsuite: ['properties', 'testcase', 'system-out', 'system-err'],
    properties: ['property'],
    property: [],
    testcase: ['skipped', 'error', 'failure', 'system-out', 'system-err'],
  };
  const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;
  const ordered = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, parseAttributeValue: false, parseTagValue: false });

  function walk(node: Any, parent: string, problems: string[]): void {
    const tag = Object.keys(node).find((k) => k !== ':@')!;
    if (tag === '#text') return;
    const rule = ATTRS[tag];
    if (!rule) return void problems.push(`<${tag}> is not allowed (in <${parent}>)`);
    const attrs: Attrs = node[':@'] ?? {};
    for (const a of Object.keys(attrs)) if (!rule.allowed.includes(a)) problems.push(`<${tag} ${a}> is not declared`);
    for (const a of rule.required) if (!(a in attrs)) problems.push(`<${tag}> lacks ${a}`);
    if (attrs.time !== undefined && !SUREFIRE_TIME.test(attrs.time)) problems.push(`<${tag} time="${attrs.time}">`);
    const children: Any[] = node[tag];
    const order = ORDER[tag];
    let last = -1;
    for (const child of children) {
      const ct = Object.keys(child).find((k) => k !== ':@')!;
      if (ct === '#text') {
        if (order && String(child['#text']).trim()) problems.push(`text in <${tag}>`);
        continue;
      }
      if (order) {
        const at = order.indexOf(ct);
        if (at < 0) problems.push(`<${ct}> in <${tag}>`);
        else if (at < last) problems.push(`<${ct}> after a later sibling in <${tag}>`);
        else last = at;
      }
      walk(child, tag, problems);
    }
  }

  it.each([
    ['the sample', () => sample()],
    [
      'a report with every outcome',
      () => {
        const r = sample();
        r.checks.push(
          check({ id: 'extra/s', outcome: 'skipped', message: 'why' }),
          check({ id: 'extra/w', outcome: 'failed', severity: 'MAY', exchanges: [exchange(1)] }),
          check({ id: 'extra/e', outcome: 'errored', exchanges: [exchange(2, { response: undefined, error: { code: 'TIMEOUT', message: 't', unreachable: true } })] }),
        );
        return r;
      },
    ],
  ])('%s has only declared elements and attributes, in schema order', (_, make) => {
    const doc = ordered.parse(toJUnit(make())) as Any[];
    const root = doc.find((n) => !('?xml' in n));
    expect(Object.keys(root)).toContain('testsuites');
    const problems: string[] = [];
    walk(root, '', problems);
    expect(problems).toEqual([]);
  });

  it('catches what the schema rejects (so the rules above bite)', () => {
    const bad =
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites skipped="0"><testsuite name="s" tests="1" failures="0" errors="0">' +
      '<testcase name="c" file="f.yaml" time="1,5"><system-out>x</system-out><failure/></testcase><properties/><testcase/></testsuite></testsuites>';
    const problems: string[] = [];
    walk((ordered.parse(bad) as Any[]).find((n) => !('?xml' in n)), '', problems);
    expect(problems).toEqual([
      '<testsuites skipped> is not declared',
      '<testcase file> is not declared',
      '<testcase time="1,5">',
      '<failure> after a later sibling in <testcase>',
      '<properties> after a later sibling in <testsuite>',
      '<testcase> lacks name',
    ]);
  });

  it('writes the timestamp as the Ant schemas want it (no fraction, no zone)', () => {
    for (const m of toJUnit(sample()).matchAll(/timestamp="([^"]*)"/g)) expect(m[1]).toMatch(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$/);
  });
});
