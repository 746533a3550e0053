/**
 * failureFields (src/core/report/failure.ts): the one description of a failure that the terminal, JUnit and HTML
 * render. Verdicts are made by hand and marked by the policy, as the runner does.
 */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/core/model/exchange.js';
import type { CheckResult, FailOn, Judged, MappingResult } from '../../../src/core/model/verdict.js';
import { BODY_PREVIEW, failureFields, gate, preview, type FailureField } from '../../../src/core/report/failure.js';
import { Policy } from '../../../src/core/runner/policy.js';

const must = new Policy({ failOn: 'must' });

function exchange(seq: number, over: Partial<Exchange> = {}): Exchange {
  return {
    seq,
    startedAt: '2026-11-22T20:32:27.000Z',
    durationMs: 3,
    request: { method: 'GET', url: `https://scim.example.test/v2/Users/${seq}`, headers: { authorization: '[REDACTED]' } },
    response: { status: 200, headers: {}, body: '{}', sizeBytes: 2 },
    ...over,
  };
}

function check(over: Partial<Judged<CheckResult>> = {}): Judged<CheckResult> {
  return {
    kind: 'check',
    id: 'users-crud/patch-active[entra]',
    group: 'users-crud',
    suite: 'users-crud',
    title: 'PATCH active',
    severity: 'MUST',
    entra: true,
    reference: 'RFC 7644 §3.5.2',
    outcome: 'failed',
    message: 'status: expected 200 or 204, got 400',
    durationMs: 4,
    exchanges: [],
    ...over,
  };
}

function row(over: Partial<Judged<MappingResult>> = {}): Judged<MappingResult> {
  return {
    kind: 'mapping',
    id: 'app:zenya/User/preferredLanguage',
    group: 'app:zenya',
    title: 'User preferredLanguage',
    app: 'zenya',
    object: 'User',
    attribute: 'preferredLanguage',
    type: 'String',
    matching: false,
    outcome: 'failed',
    phases: { declared: 'passed', create: 'passed', read: 'failed', update: 'failed', filter: 'n/a' },
    dialects: { 'entra-legacy': 'failed', entra: 'passed' },
    message: 'read: after create, preferredLanguage is absent, expected "en-US"',
    durationMs: 9,
    exchanges: [],
    ...over,
  };
}

/** `key label: text`, one string per field, so that a failing assertion shows the whole description. */
const lines = (fields: FailureField[]) => fields.map((f) => `${f.key} ${f.label}: ${f.text}`);
const keys = (fields: FailureField[]) => fields.map((f) => f.key);

describe('failureFields', () => {
  it('a failed check: every field it has, in order, the last exchange the request and response', () => {
    const v = must.mark(
      check({
        message: 'status: expected 200 or 204, got 400 (+2 more: header ETag, body.active)',
        expected: '200 or 204',
        actual: '400',
        failures: [
          { what: 'status', expected: '200 or 204', actual: '400' },
          { what: 'header ETag', expected: 'present', actual: 'absent', header: 'etag' },
          { what: 'body.active', expected: 'false', actual: '"False"', pointer: '/active' },
        ],
        entraMessage: 'Failed to update User in customappsso: 400 Bad Request',
        hint: 'Accept active as a boolean and as the strings "True"/"False".',
        dialect: 'entra',
        source: { file: 'suites/users-crud.yaml', line: 41, column: 5 },
        exchanges: [
          exchange(1, { request: { method: 'GET', url: 'https://scim.example.test/v2/Users/u1', headers: {} } }),
          exchange(2, {
            request: { method: 'PATCH', url: 'https://scim.example.test/v2/Users/u1', headers: {}, body: '{"Operations":[{"op":"Replace","path":"active","value":"False"}]}' },
            response: { status: 400, headers: {}, body: '{"detail":"active must be a boolean"}', sizeBytes: 37 },
          }),
        ],
      }),
    );
    expect(v.counts).toBe(true);
    expect(lines(failureFields(v, 'must'))).toEqual([
      'problem problem: status: expected 200 or 204, got 400 (+2 more: header ETag, body.active)',
      'request request: PATCH https://scim.example.test/v2/Users/u1',
      'request-body : {"Operations":[{"op":"Replace","path":"active","value":"False"}]}',
      'response response: 400 {"detail":"active must be a boolean"}',
      'expected expected: 200 or 204',
      'actual actual: 400',
      'also also: header ETag: expected present, got absent',
      'also also: body.active: expected false, got "False"',
      'rule rule: RFC 7644 §3.5.2 (MUST; Entra depends on it; dialect entra)',
      'entra Entra: Failed to update User in customappsso: 400 Bad Request',
      'fix fix: Accept active as a boolean and as the strings "True"/"False".',
      'source suite: suites/users-crud.yaml:41:5',
    ]);
  });

  it('a check without exchanges, expected/actual, Entra message, fix or source has only the problem and the rule', () => {
    const v = must.mark(check({ entra: false }));
    expect(lines(failureFields(v, 'must'))).toEqual([
      'problem problem: status: expected 200 or 204, got 400',
      'rule rule: RFC 7644 §3.5.2 (MUST; Entra does not depend on it)',
    ]);
  });

  it('an errored check blocked by another: the cause and the gate, no fix of its own', () => {
    const v = must.mark(
      check({
        id: 'users-crud/disable-verify[entra]',
        outcome: 'errored',
        message: 'prerequisite users-crud/disable[entra] did not pass (failed)',
        blockedBy: 'users-crud/disable[entra]',
        hint: 'Store active from PATCH as a boolean.',
        dialect: 'entra',
      }),
    );
    expect(v.counts).toBe(false);
    const fields = failureFields(v, 'must');
    expect(lines(fields)).toEqual([
      'problem problem: prerequisite users-crud/disable[entra] did not pass (failed)',
      'cause cause: not judged: users-crud/disable[entra] did not pass (see it for the fix)',
      'rule rule: RFC 7644 §3.5.2 (MUST; Entra depends on it; dialect entra)',
      'gate gate: does not fail the run on its own: users-crud/disable[entra] does',
    ]);
    expect(keys(fields)).not.toContain('fix');
  });

  it('an errored check that is not blocked counts: no cause, no gate, its fix', () => {
    const v = must.mark(
      check({
        outcome: 'errored',
        message: 'PATCH: no answer in 30 s',
        hint: 'Answer within 30 s.',
        exchanges: [exchange(3, { response: undefined, error: { code: 'TIMEOUT', message: 'no answer in 30 s', unreachable: true } })],
      }),
    );
    expect(v.counts).toBe(true);
    expect(lines(failureFields(v, 'must'))).toEqual([
      'problem problem: PATCH: no answer in 30 s',
      'request request: GET https://scim.example.test/v2/Users/3',
      'response response: none: no answer in 30 s',
      'rule rule: RFC 7644 §3.5.2 (MUST; Entra depends on it)',
      'fix fix: Answer within 30 s.',
    ]);
  });

  it('a failed SHOULD check under --fail-on must is a warning (gate); under should it counts (no gate)', () => {
    const judged = check({ severity: 'SHOULD', hint: 'Return ETag.' });
    const underMust = must.mark(judged);
    expect(underMust.counts).toBe(false);
    expect(lines(failureFields(underMust, 'must')).slice(-3)).toEqual([
      'rule rule: RFC 7644 §3.5.2 (SHOULD; Entra depends on it)',
      'gate gate: a warning: a failed SHOULD check does not fail the run under --fail-on must',
      'fix fix: Return ETag.',
    ]);
    const underShould = new Policy({ failOn: 'should' }).mark(judged);
    expect(underShould.counts).toBe(true);
    expect(keys(failureFields(underShould, 'should'))).toEqual(['problem', 'rule', 'fix']);
    // A MAY check under should is a warning, and the gate names the run's --fail-on.
    const may = new Policy({ failOn: 'should' }).mark(check({ severity: 'MAY' }));
    expect(gate(may, 'should')).toBe('a warning: a failed MAY check does not fail the run under --fail-on should');
  });

  it('a known baseline failure: the gate says known (it keeps its fix); a new one counts and has no gate', () => {
    const policy = new Policy({ failOn: 'must', baseline: { file: 'baseline.json', failures: ['users-crud/patch-active[entra]'] } });
    const known = policy.mark(check({ hint: 'Accept "False".' }));
    expect(known).toMatchObject({ counts: false, baseline: 'known' });
    expect(lines(failureFields(known, 'must')).slice(-2)).toEqual([
      'gate gate: a known failure: the baseline lists it, so it does not fail the run',
      'fix fix: Accept "False".',
    ]);
    const fresh = policy.mark(check({ id: 'users-crud/other' }));
    expect(fresh).toMatchObject({ counts: true, baseline: 'new' });
    expect(keys(failureFields(fresh, 'must'))).toEqual(['problem', 'rule']);
    // A known SHOULD failure under must is known, not a warning.
    const knownShould = new Policy({ failOn: 'any', baseline: { file: 'b.json', failures: ['s/x'] } }).mark(check({ id: 's/x', severity: 'SHOULD' }));
    expect(gate(knownShould, 'any')).toBe('a known failure: the baseline lists it, so it does not fail the run');
  });

  it('a mapping row: the mapping, its phases and dialects; no rule, expected, Entra or fix', () => {
    const v = must.mark(
      row({
        matching: true,
        failures: [
          { what: 'read preferredLanguage', expected: '"en-US"', actual: 'absent' },
          { what: 'update [entra-legacy] preferredLanguage', expected: '"nl-NL"', actual: 'absent' },
        ],
        exchanges: [exchange(7, { response: { status: 200, headers: {}, body: '{"id":"u7"}', sizeBytes: 11 } })],
      }),
    );
    expect(v.counts).toBe(true);
    expect(lines(failureFields(v, 'must'))).toEqual([
      'problem problem: read: after create, preferredLanguage is absent, expected "en-US"',
      'request request: GET https://scim.example.test/v2/Users/7',
      'response response: 200 {"id":"u7"}',
      'also also: update [entra-legacy] preferredLanguage: expected "nl-NL", got absent',
      'mapping mapping: zenya User preferredLanguage (String, the matching attribute)',
      'phases phases: declared passed, create passed, read failed, update failed, filter n/a',
      'dialects dialects: update entra-legacy failed, entra passed',
    ]);
    // Without dialects there is no dialects field; a mapping row is never a warning (a failed one counts).
    const plain = must.mark(row({ dialects: {} }));
    expect(keys(failureFields(plain, 'any'))).toEqual(['problem', 'mapping', 'phases']);
    expect(keys(failureFields(must.mark(row({ outcome: 'errored' })), 'must'))).not.toContain('gate');
  });

  it('folds every multi-line text to one line (CR LF, LF and CR each become a space)', () => {
    const v = must.mark(
      check({
        message: 'first\r\nsecond\nthird\rfourth',
        expected: 'a\nb',
        actual: 'c\r\nd',
        entraMessage: 'Entra\nsays',
        hint: 'line one\nline two',
        exchanges: [exchange(1, { request: { method: 'POST', url: 'https://scim.example.test/v2/Users', headers: {}, body: '{\n  "userName": "a"\n}' } })],
      }),
    );
    const fields = failureFields(v, 'must');
    for (const f of fields) expect(f.text).not.toMatch(/[\r\n]/);
    expect(Object.fromEntries(fields.map((f) => [f.key, f.text]))).toMatchObject({
      problem: 'first second third fourth',
      'request-body': '{ "userName": "a" }',
      expected: 'a b',
      actual: 'c d',
      entra: 'Entra says',
      fix: 'line one line two',
    });
  });

  it('cuts bodies at BODY_PREVIEW characters and says their full length; an empty response body says so', () => {
    expect(BODY_PREVIEW).toBe(600);
    const exact = 'x'.repeat(BODY_PREVIEW);
    const long = 'y'.repeat(BODY_PREVIEW + 1);
    const v = must.mark(
      check({
        exchanges: [
          exchange(1, {
            request: { method: 'PUT', url: 'https://scim.example.test/v2/Users/u1', headers: {}, body: exact },
            response: { status: 500, headers: {}, body: long, sizeBytes: long.length },
          }),
        ],
      }),
    );
    const f = Object.fromEntries(failureFields(v, 'must').map((x) => [x.key, x.text]));
    expect(f['request-body']).toBe(exact); // at the limit: whole
    expect(f.response).toBe(`500 ${'y'.repeat(BODY_PREVIEW - 1)}… (${BODY_PREVIEW + 1} chars)`);
    // The length said is the body's own, before its line breaks were folded.
    const pretty = `{\n${'  "k": "v",\n'.repeat(100)}  "end": 1\n}`;
    const flat = `{ ${'"k": "v", '.repeat(100)}"end": 1 }`;
    expect(flat.length).toBeLessThan(pretty.length);
    expect(preview(pretty)).toBe(`${flat.slice(0, BODY_PREVIEW - 1)}… (${pretty.length} chars)`);
    expect(preview('{\n  "short": true\n}')).toBe('{ "short": true }');
    const empty = must.mark(check({ exchanges: [exchange(2, { response: { status: 204, headers: {}, body: '', sizeBytes: 0 } })] }));
    expect(failureFields(empty, 'must').find((x) => x.key === 'response')?.text).toBe('204 (empty body)');
  });

  it('gate: nothing for a passed, skipped or counting verdict', () => {
    const failOns: FailOn[] = ['must', 'should', 'any'];
    for (const failOn of failOns) {
      expect(gate(must.mark(check({ outcome: 'passed' })), failOn)).toBeUndefined();
      expect(gate(must.mark(check({ outcome: 'skipped', blockedBy: 'x/y' })), failOn)).toBeUndefined();
      expect(gate(must.mark(check()), failOn)).toBeUndefined();
      expect(gate(must.mark(row()), failOn)).toBeUndefined();
    }
  });
});
