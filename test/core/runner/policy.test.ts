/** The policy: the one place that decides which verdicts count, the summary and the exit code. */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../../src/core/model/exchange.js';
import type { CheckResult, FailOn, Judged, MappingResult, Severity } from '../../../src/core/model/verdict.js';
import { baselineFailures, Policy, severityCounts } from '../../../src/core/runner/policy.js';

const answered: Exchange = { seq: 1, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, request: { method: 'GET', url: 'http://127.0.0.1/Users', headers: {} }, response: { status: 200, headers: {}, body: '{}', sizeBytes: 2 } };
const refused: Exchange = { seq: 2, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, request: { method: 'GET', url: 'http://127.0.0.1/Users', headers: {} }, error: { code: 'REFUSED', message: 'connection refused', unreachable: true } };

function check(id: string, outcome: CheckResult['outcome'], severity: Severity = 'MUST', extra: Partial<Judged<CheckResult>> = {}): Judged<CheckResult> {
  return { kind: 'check', id: `s/${id}`, group: 's', suite: 's', title: id, severity, entra: false, reference: 'RFC 7644', outcome, message: id, durationMs: 0, exchanges: [answered], ...extra };
}
function row(attribute: string, outcome: MappingResult['outcome']): Judged<MappingResult> {
  return {
    kind: 'mapping',
    id: `app:a/User/${attribute}`,
    group: 'app:a',
    title: `User ${attribute}`,
    app: 'a',
    object: 'User',
    attribute,
    type: 'String',
    matching: false,
    outcome,
    phases: { declared: 'passed', create: 'passed', read: outcome === 'passed' ? 'passed' : 'failed', update: 'passed', filter: 'n/a' },
    dialects: {},
    message: outcome,
    durationMs: 0,
    exchanges: [answered],
  };
}

describe('which verdicts count', () => {
  it.each<[Severity, FailOn, boolean]>([
    ['MUST', 'must', true],
    ['SHOULD', 'must', false],
    ['MAY', 'must', false],
    ['MUST', 'should', true],
    ['SHOULD', 'should', true],
    ['MAY', 'should', false],
    ['MUST', 'any', true],
    ['SHOULD', 'any', true],
    ['MAY', 'any', true],
  ])('a failed %s check under --fail-on %s counts: %s', (severity, failOn, counts) => {
    expect(severityCounts(severity, failOn)).toBe(counts);
    expect(new Policy({ failOn }).mark(check('x', 'failed', severity)).counts).toBe(counts);
  });

  it('passed and skipped never count; errored counts unless something before it blocked it', () => {
    const p = new Policy({ failOn: 'any' });
    expect(p.mark(check('a', 'passed')).counts).toBe(false);
    expect(p.mark(check('b', 'skipped')).counts).toBe(false);
    expect(p.mark(check('c', 'errored', 'MAY')).counts).toBe(true);
    expect(p.mark(check('d', 'errored', 'MUST', { blockedBy: 's/c' })).counts).toBe(false);
  });

  it('failed and errored mapping rows count under every --fail-on', () => {
    for (const failOn of ['must', 'should', 'any'] as const) {
      const p = new Policy({ failOn });
      expect([p.mark(row('a', 'failed')).counts, p.mark(row('b', 'errored')).counts, p.mark(row('c', 'passed')).counts, p.mark(row('d', 'skipped')).counts]).toEqual([true, true, false, false]);
    }
  });

  it('a failure the baseline lists is known and does not count; one it does not list is new', () => {
    const p = new Policy({ baseline: { file: 'b.json', failures: ['s/known', 'app:a/User/title', 's/now-passes'] } });
    expect(p.mark(check('known', 'failed'))).toMatchObject({ counts: false, baseline: 'known' });
    expect(p.mark(check('fresh', 'failed'))).toMatchObject({ counts: true, baseline: 'new' });
    expect(p.mark(row('title', 'failed'))).toMatchObject({ counts: false, baseline: 'known' });
    // Not a failure that counts: no baseline status at all.
    expect(p.mark(check('warn', 'failed', 'SHOULD'))).not.toHaveProperty('baseline');
    expect(p.mark(check('now-passes', 'passed'))).not.toHaveProperty('baseline');
  });
});

describe('the conclusion', () => {
  it('tallies checks by outcome (failed only when its severity counts, else a warning) and rows apart', () => {
    const p = new Policy({ failOn: 'should' });
    const v = [check('a', 'passed'), check('b', 'failed', 'MUST'), check('c', 'failed', 'SHOULD'), check('d', 'failed', 'MAY'), check('e', 'errored'), check('f', 'skipped'), row('x', 'passed'), row('y', 'failed')].map((x) => (x.kind === 'check' ? p.mark(x) : p.mark(x)));
    const c = p.conclude(v, { durationMs: 12 });
    expect(c.summary).toEqual({ passed: 1, failed: 2, errored: 1, skipped: 1, warnings: 1, durationMs: 12, mappings: { passed: 1, failed: 1, errored: 0, skipped: 0 } });
    expect(c.exitCode).toBe(1);
    expect(c).not.toHaveProperty('baseline');
  });

  it('exit code 0 when nothing counts, 1 when something does', () => {
    const p = new Policy();
    expect(p.conclude([p.mark(check('a', 'passed')), p.mark(check('w', 'failed', 'SHOULD'))], { durationMs: 0 }).exitCode).toBe(0);
    expect(p.conclude([p.mark(check('a', 'passed')), p.mark(row('r', 'failed'))], { durationMs: 0 }).exitCode).toBe(1);
  });

  it('exit code 3 only when no request got an answer; one refused request in an answering run is 1', () => {
    const p = new Policy();
    const down = [p.mark(check('a', 'errored', 'MUST', { exchanges: [refused] })), p.mark(check('b', 'errored', 'MUST', { exchanges: [refused] }))];
    expect(p.conclude(down, { durationMs: 0 }).exitCode).toBe(3);
    expect(p.conclude([...down, p.mark(check('c', 'passed'))], { durationMs: 0 }).exitCode).toBe(1);
  });

  it('an interrupted run exits 130 (SIGINT) or 143 (SIGTERM), whatever else happened', () => {
    const p = new Policy();
    const v = [p.mark(check('a', 'failed'))];
    expect(p.conclude(v, { durationMs: 0, interrupted: 'SIGINT' }).exitCode).toBe(130);
    expect(p.conclude(v, { durationMs: 0, interrupted: 'SIGTERM' }).exitCode).toBe(143);
  });

  it('with a baseline: known, new and fixed, and exit 1 only for a new failure', () => {
    const p = new Policy({ baseline: { file: 'b.json', failures: ['s/known', 's/fixed', 's/gone'] } });
    const onlyKnown = [p.mark(check('known', 'failed')), p.mark(check('fixed', 'passed'))];
    expect(p.conclude(onlyKnown, { durationMs: 0 })).toMatchObject({ exitCode: 0, baseline: { file: 'b.json', known: ['s/known'], new: [], fixed: ['s/fixed'] } });
    const withNew = [...onlyKnown, p.mark(check('fresh', 'errored'))];
    expect(p.conclude(withNew, { durationMs: 0 })).toMatchObject({ exitCode: 1, baseline: { known: ['s/known'], new: ['s/fresh'], fixed: ['s/fixed'] } });
  });

  it('a failed SHOULD that no longer counts is fixed for a baseline written under --fail-on should', () => {
    const p = new Policy({ failOn: 'must', baseline: { file: 'b.json', failures: ['s/warn'] } });
    expect(p.conclude([p.mark(check('warn', 'failed', 'SHOULD'))], { durationMs: 0 }).baseline?.fixed).toEqual(['s/warn']);
  });
});

describe('what a baseline file records', () => {
  it('the failures that count under --fail-on, blocked ones aside (their cause is listed)', () => {
    const v = [check('m', 'failed'), check('s', 'failed', 'SHOULD'), check('e', 'errored'), check('b', 'errored', 'MUST', { blockedBy: 's/m' }), check('p', 'passed')].map((x) => new Policy().mark(x));
    expect(baselineFailures([...v, new Policy().mark(row('title', 'failed'))], 'must')).toEqual(['app:a/User/title', 's/e', 's/m']);
    expect(baselineFailures(v, 'should')).toEqual(['s/e', 's/m', 's/s']);
  });
});
