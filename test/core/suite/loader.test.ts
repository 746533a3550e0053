import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { loadSuiteDir, loadSuiteFile, parseSuite } from '../../../src/core/suite/loader.js';

const ok = `id: demo
title: A demo suite
vars:
  name: "{{ run.mark }}-{{ random }}@example.com"
steps:
  - id: create
    title: create a user
    severity: MUST
    reference: RFC 7644 §3.3
    request:
      method: POST
      path: /Users
      body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ vars.name }}" }
    expect: { status: 201 }
    capture: { id: body.id }
    cleanup: /Users/{{ captures.id }}
  - forEachDialect:
      - id: disable
        title: disable
        severity: MUST
        reference: RFC 7644 §3.5.2
        request:
          method: PATCH
          path: /Users/{{ captures.id }}
          body: { dialect: "{{ dialect }}" }
  - id: judge
    title: judge
    severity: SHOULD
    reference: x
    response: create
    needs: [create]
`;

function fails(text: string, file = 'suite.yaml'): string {
  try {
    parseSuite(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('suite loader', () => {
  it('loads a valid suite, expanding dialect blocks with their keys', () => {
    const s = parseSuite(ok, 'demo.yaml');
    expect(s.steps.map((st) => st.key)).toEqual(['create', 'disable[entra-legacy]', 'disable[entra]', 'judge']);
    expect(s.steps[1]!.dialect).toBe('entra-legacy');
    expect(s.steps[3]!.where).toBe('demo.yaml:26:5');
    expect(s.vars).toEqual({ name: '{{ run.mark }}-{{ random }}@example.com' });
  });

  it('loads every built-in suite', () => {
    const suites = loadSuiteDir();
    expect(suites.map((s) => s.id)).toContain('test-connection');
    expect(suites.map((s) => s.id)).toContain('discovery');
  });

  it.each([
    ['a YAML syntax error', 'id: x\ntitle: [oops\n', /^suite\.yaml:3:1: invalid YAML: /],
    ['an unknown key, with a suggestion', ok.replace('    title: create a user', '    titel: create a user'), 'suite.yaml:7:5: unknown key "titel" (did you mean "title"?)'],
    ['an unknown top-level key', `${ok}extra: 1\n`, 'suite.yaml:32:1: unknown key "extra"'],
    ['a missing key', ok.replace('    reference: RFC 7644 §3.3\n', ''), 'suite.yaml:6:5: missing "reference"'],
    ['a wrong enum value', ok.replace('severity: SHOULD', 'severity: should'), 'suite.yaml:28:15: severity must be one of MUST, SHOULD, MAY, got "should"'],
    ['a wrong type', ok.replace('expect: { status: 201 }', 'expect: { status: "201" }'), 'suite.yaml:14:23: status must be integer, got "201"'],
    ['a path without a leading slash', ok.replace('path: /Users\n', 'path: Users\n'), 'suite.yaml:12:13: path "Users" must match ^/'],
    ['a step with both request and response', ok.replace('    response: create\n', '    response: create\n    request: { method: GET, path: /Users }\n'), 'suite.yaml:26:5: give "request" or "response", not both'],
    ['a template naming an undefined capture', ok.replace('path: /Users/{{ captures.id }}\n          body', 'path: /Users/{{ captures.userId }}\n          body'), 'suite.yaml:24:17: {{ captures.userId }} names captures.userId, which no earlier step captures'],
    ['a template naming an undefined var', ok.replace('userName: "{{ vars.name }}"', 'userName: "{{ vars.nam }}"'), 'suite.yaml:13:82: {{ vars.nam }} names vars.nam, which the suite does not define'],
    ['an unknown template', ok.replace('{{ random }}', '{{ rand }}'), 'suite.yaml:4:9: unknown template {{ rand }} (use vars.NAME, captures.NAME, run.id, run.mark, uuid, random or dialect)'],
    ['an unknown template filter', ok.replace('{{ vars.name }}', '{{ vars.name | shout }}'), 'suite.yaml:13:82: unknown template filter "shout" in {{ vars.name | shout }} (known: upper, lower, json)'],
    ['{{ dialect }} outside a dialect step', ok.replace('body: { schemas', 'headers: { x: "{{ dialect }}" }\n      body: { schemas'), 'suite.yaml:13:21: {{ dialect }} is only defined in steps that run per dialect'],
    ['needs naming a later step', ok.replace('needs: [create]', 'needs: [later]'), 'suite.yaml:31:13: needs "later", which is not an earlier step'],
    ['a duplicate step id', ok.replace('  - id: judge', '  - id: create'), 'suite.yaml:26:9: step id "create" is used twice'],
    ['a step with neither request nor response', ok.replace('    response: create\n', ''), 'suite.yaml:26:5: a step needs "request" (or "response" to judge an earlier step\'s response)'],
    ['a capture with an empty name and source (named as written)', ok.replace('capture: { id: body.id }', 'capture: { id: body.id, "": "" }'), 'suite.yaml:15:33: "" "" must match ^(body(\\.|\\[|$)|header\\.|scim:)'],
    ['an empty step list', 'id: x\ntitle: t\nsteps: []\n', 'suite.yaml:3:8: steps must not be empty'],
    ['a blank query key with a value of the wrong type (found by the property test)', ok.replace('      path: /Users\n      body', '      path: /Users\n      query: { " ": {} }\n      body'), 'suite.yaml:13:21: " " must be string, number or boolean, got {}'],
  ])('%s', (_what, text, expected) => {
    const message = fails(text);
    if (expected instanceof RegExp) expect(message).toMatch(expected);
    else expect(message).toBe(expected);
  });

  it('says when a suite file cannot be read', () => {
    expect(() => loadSuiteFile('/nonexistent/suite.yaml')).toThrow('/nonexistent/suite.yaml: cannot read suite: no such file');
  });
});
