/** The test-connection and discovery suites: pass in conformant mode, fail exactly where a fault breaks their rule. */
import { describe, expect, it } from 'vitest';
import { explain, runAgainstReference } from '../helpers/run-suite.js';

const SUITES = ['test-connection', 'discovery'];

describe('test-connection and discovery suites', () => {
  it('pass on the conformant reference server', async () => {
    const run = await runAgainstReference(SUITES);
    expect(run.bad, explain(run)).toEqual([]);
    expect(run.result.checks.length).toBe(11);
    expect(run.result.checks.every((c) => c.outcome === 'passed')).toBe(true);
  });

  it.each([
    ['filter-404-on-no-match', ['test-connection/users-filter-no-match', 'test-connection/groups-filter-no-match']],
    ['filter-ignored', ['test-connection/users-filter-no-match', 'test-connection/groups-filter-no-match']],
    ['list-no-schemas', ['test-connection/users-filter-no-match', 'test-connection/groups-filter-no-match', 'discovery/resource-types', 'discovery/schemas-list', 'discovery/schemas-enterprise-extension', 'discovery/schemas-no-nulls']],
    ['auth-not-enforced', ['test-connection/rejects-invalid-token', 'test-connection/unauthorized-error-format']],
    ['error-status-number', ['test-connection/unauthorized-error-format']],
    ['error-not-scim', ['test-connection/unauthorized-error-format']],
    ['discovery-nulls', ['discovery/schemas-no-nulls', 'discovery/schema-user']],
    ['discovery-missing-enterprise', ['discovery/schemas-enterprise-extension']],
  ])('with %s, exactly the checks that depend on the broken rule fail', async (fault, expected) => {
    const run = await runAgainstReference(SUITES, { faults: [fault] });
    expect([...run.bad].sort(), explain(run)).toEqual([...expected].sort());
  });
});
