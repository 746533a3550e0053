/** The test-connection and discovery suites: pass in conformant mode, fail exactly where a fault breaks their rule. */
import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../src/server/index.js';
import { explain, runAgainstReference } from '../helpers/run-suite.js';

const SUITES = ['test-connection', 'discovery'];
const LIST_CHECKS = ['test-connection/users-filter-no-match', 'test-connection/groups-filter-no-match'];

/** Every fault, with the checks of these two suites it must fail (most touch neither: they are read-only suites). */
const EXPECTED: Record<FaultName, string[]> = Object.fromEntries(Object.keys(FAULTS).map((f) => [f, []])) as unknown as Record<FaultName, string[]>;
Object.assign(EXPECTED, {
  'auth-not-enforced': ['test-connection/rejects-invalid-token', 'test-connection/unauthorized-error-format'],
  'filter-404-on-no-match': LIST_CHECKS,
  'filter-ignored': LIST_CHECKS,
  'list-no-schemas': LIST_CHECKS, // resource queries only; discovery lists keep their schemas
  'error-status-number': ['test-connection/unauthorized-error-format'],
  'error-not-scim': ['test-connection/unauthorized-error-format'],
  'discovery-nulls': ['discovery/schemas-no-nulls', 'discovery/schema-user'],
  'discovery-missing-enterprise': ['discovery/schemas-enterprise-extension'],
} satisfies Partial<Record<FaultName, string[]>>);

describe('test-connection and discovery suites', () => {
  it('pass on the conformant reference server', async () => {
    const run = await runAgainstReference(SUITES);
    expect(run.bad, explain(run)).toEqual([]);
    expect(run.result.checks.length).toBe(11);
    expect(run.result.checks.every((c) => c.outcome === 'passed')).toBe(true);
    expect(run.leftovers).toEqual({ users: [], groups: [] });
  });

  it.each(Object.keys(FAULTS) as FaultName[])('with %s, exactly the checks that depend on the broken rule fail', async (fault) => {
    const run = await runAgainstReference(SUITES, { faults: [fault] });
    expect([...run.bad].sort(), explain(run)).toEqual([...EXPECTED[fault]].sort());
  });
});
