import { describe, expect, it } from 'vitest';
import { parseSuite } from '../../../src/core/suite/loader.js';
import { render } from '../../../src/core/runner/template.js';
import { runAgainstReference } from '../../helpers/run-suite.js';

const suite = parseSuite(
  `id: t
title: runner semantics
vars:
  name: "{{ run.mark }}-t-{{ random }}@example.com"
steps:
  - id: create
    title: create
    severity: MUST
    reference: r
    request:
      method: POST
      path: /Users
      body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ vars.name }}", active: true }
    expect: { status: 201 }
    capture: { id: body.id, name: body.userName }
    cleanup: /Users/{{ captures.id }}
  - id: wrong-expectation
    title: a check that fails on purpose
    severity: MUST
    reference: r
    request: { method: GET, path: "/Users/{{ captures.id }}" }
    expect: { status: 299 }
  - id: needs-the-failure
    title: needs the failed check
    severity: MUST
    reference: r
    needs: [wrong-expectation]
    request: { method: GET, path: "/Users/{{ captures.id }}" }
  - id: read-case
    title: read with a filtered, upper-cased name
    severity: MUST
    reference: r
    request: { method: GET, path: /Users, query: { filter: 'userName eq "{{ captures.name | upper }}"' } }
    expect: { status: 200, list: { ids: ["{{ captures.id }}"] } }
  - id: patch-per-dialect
    title: patch
    severity: MUST
    reference: r
    requires: { capabilities: [patch] }
    request:
      method: PATCH
      path: "/Users/{{ captures.id }}"
      body: {}
      dialects:
        entra-legacy: { body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: Replace, path: title, value: legacy }] } }
        entra: { body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: replace, path: title, value: compliant }] } }
    expect: { status: 200, attributes: [{ path: title, equals: "{{ dialect }}" }] }
  - id: uses-missing-capture
    title: a capture that is never produced
    severity: MUST
    reference: r
    request: { method: GET, path: "/Nope" }
    capture: { nothing: body.absent }
  - id: consumer
    title: consumes the missing capture
    severity: MUST
    reference: r
    request: { method: GET, path: "/Users/{{ captures.nothing }}" }
  - id: judge
    title: judges the create response
    severity: SHOULD
    reference: r
    response: create
    expect: { headers: { location: { present: true } } }
`,
  'runner-test.yaml',
);

describe('runner', () => {
  it('runs steps in order with captures, prerequisites, dialects and cleanup', async () => {
    const run = await runAgainstReference(['t'], { suites: [suite] });
    expect(run.outcomes).toEqual({
      't/create': 'passed',
      't/wrong-expectation': 'failed',
      't/needs-the-failure': 'errored',
      't/read-case': 'passed',
      't/patch-per-dialect[entra-legacy]': 'failed',
      't/patch-per-dialect[entra]': 'failed',
      't/uses-missing-capture': 'passed',
      't/consumer': 'errored',
      't/judge': 'passed',
    });
    expect(run.byId('t/wrong-expectation').message).toMatch(/^status: expected 299, got 200 /);
    expect(run.byId('t/needs-the-failure').message).toBe('prerequisite t/wrong-expectation did not pass (failed)');
    expect(run.byId('t/consumer').message).toBe('it needs captures.nothing, which t/uses-missing-capture did not produce (passed)');
    // The dialect steps compare title with the dialect name: both fail, each with its own value.
    expect(run.byId('t/patch-per-dialect[entra-legacy]').message).toBe('title: expected "entra-legacy", got "legacy"');
    expect(run.byId('t/patch-per-dialect[entra]').message).toBe('title: expected "entra", got "compliant"');
    // Cleanup deleted the user although checks failed.
    expect(run.leftovers).toEqual({ users: [], groups: [] });
    expect(run.result.cleanup).toHaveLength(1);
    expect(run.result.cleanup[0]).toMatchObject({ suite: 't', ok: true, status: 204 });
  });

  it('--check runs a check with the steps it depends on, and nothing else', async () => {
    const run = await runAgainstReference(['t'], { suites: [suite], checks: ['t/read-case'] });
    expect(Object.keys(run.outcomes)).toEqual(['t/create', 't/read-case']);
    expect(run.leftovers.users).toEqual([]);
  });

  it('keeps one dialect when asked', async () => {
    const run = await runAgainstReference(['t'], { suites: [suite], dialects: ['entra'] });
    expect(Object.keys(run.outcomes).filter((k) => k.includes('['))).toEqual(['t/patch-per-dialect[entra]']);
  });

  it('--read-only skips writes and what depends on them', async () => {
    const run = await runAgainstReference(['t'], { suites: [suite], readOnly: true });
    expect(run.outcomes['t/create']).toBe('skipped');
    expect(run.byId('t/create').message).toBe('read-only run: POST writes to the server');
    expect(run.outcomes['t/read-case']).toBe('skipped');
    expect(run.byId('t/read-case').message).toBe('it depends on t/create, which was skipped');
    expect(run.outcomes['t/uses-missing-capture']).toBe('passed');
  });

  it('skips checks whose capability the ServiceProviderConfig denies, with the reason', async () => {
    const run = await runAgainstReference(['t'], { suites: [suite], faults: ['spc-patch-false'] });
    expect(run.outcomes['t/patch-per-dialect[entra]']).toBe('skipped');
    expect(run.byId('t/patch-per-dialect[entra]').message).toBe("the server's ServiceProviderConfig says patch.supported is false");
  });
});

describe('prerequisites of lower severity and one-dialect steps', () => {
  const s2 = parseSuite(
    `id: s
title: severity of prerequisites
steps:
  - { id: optional, title: an optional rule that fails, severity: SHOULD, reference: r, request: { method: GET, path: /ServiceProviderConfig }, expect: { status: 418 } }
  - { id: builds-on-it, title: builds on it, severity: MUST, reference: r, needs: [optional], request: { method: GET, path: /ServiceProviderConfig } }
  - id: legacy-only
    title: only the legacy dialect differs
    severity: MUST
    reference: r
    request: { method: GET, path: /ServiceProviderConfig, dialects: { entra-legacy: { path: /ResourceTypes } } }
`,
    's.yaml',
  );
  it('skips (does not error) what needs a failed SHOULD check, and runs a one-dialect step once', async () => {
    const run = await runAgainstReference(['s'], { suites: [s2] });
    expect(run.outcomes).toEqual({ 's/optional': 'failed', 's/builds-on-it': 'skipped', 's/legacy-only[entra-legacy]': 'passed' });
    expect(run.byId('s/builds-on-it').message).toBe('it needs s/optional (SHOULD), which failed');
    expect(run.result.exitCode).toBe(0);
  });
});

describe('requires.uniqueness', () => {
  const u = parseSuite(
    `id: u
title: uniqueness requirements
steps:
  - { id: unique-name, title: userName is declared unique, severity: MUST, reference: r, requires: { uniqueness: [User.userName] }, request: { method: GET, path: /ServiceProviderConfig } }
  - { id: not-unique, title: nickName is not, severity: MUST, reference: r, requires: { uniqueness: [User.nickName] }, request: { method: GET, path: /ServiceProviderConfig } }
`,
    'u.yaml',
  );
  it("runs a check only when the server's /Schemas declares the attribute unique", async () => {
    const run = await runAgainstReference(['u'], { suites: [u] });
    expect(run.outcomes).toEqual({ 'u/unique-name': 'passed', 'u/not-unique': 'skipped' });
    expect(run.byId('u/not-unique').message).toBe(`the server's /Schemas does not declare User nickName unique (uniqueness "none"), so duplicates are allowed`);
  });
});

describe('captures made per dialect', () => {
  const perDialect = parseSuite(
    `id: d
title: a capture made per dialect, used after the block
steps:
  - forEachDialect:
      - { id: read, title: read, severity: MUST, reference: r, request: { method: GET, path: /ServiceProviderConfig }, capture: { name: 'body.meta.resourceType' } }
  - { id: use, title: use, severity: MUST, reference: r, request: { method: GET, path: '/ResourceTypes/{{ captures.name | lower }}' }, expect: { status: 404 } }
`,
    'd.yaml',
  );
  it.each([['entra-legacy'], ['entra']] as const)('come from the dialect that ran (%s only)', async (dialect) => {
    const run = await runAgainstReference(['d'], { suites: [perDialect], dialects: [dialect] });
    expect(run.outcomes).toEqual({ [`d/read[${dialect}]`]: 'passed', 'd/use': 'passed' });
  });
});

describe('templates', () => {
  const scope = { vars: { n: 'Ab' }, captures: new Map<string, unknown>([['flag', true], ['obj', { a: 1 }]]), run: { id: 'r1', mark: 'scimcheck-r1' }, dialect: 'entra' };
  it('renders deep, keeps the type of a whole-string template, applies filters', () => {
    expect(render({ a: '{{ captures.flag }}', b: ['x-{{ vars.n | upper }}-{{ dialect }}'], c: '{{ captures.obj | json }}', d: 5 }, scope)).toEqual({
      a: true,
      b: ['x-AB-entra'],
      c: '{"a":1}',
      d: 5,
    });
    expect(render('{{ run.mark }}/{{ run.id }}', scope)).toBe('scimcheck-r1/r1');
    expect(render('{{ uuid }}', scope)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
