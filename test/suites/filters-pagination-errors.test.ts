/**
 * The filters, pagination-projection and errors suites: they pass on the conformant reference server, fail exactly
 * where a named fault breaks their rule, give the same verdicts whatever the tenant already holds (seed 0, 12, 300
 * users), and leave nothing behind. Rules that no named fault breaks are proven with a proxy that rewrites the
 * query the way a common server bug reads it (e.g. drops sortBy, reads "and" as "or").
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ScimClient } from '../../src/core/http/client.js';
import { runSuites } from '../../src/core/runner/runner.js';
import { resolveTarget } from '../../src/core/target/resolve.js';
import { FAULTS, startServer, type FaultName } from '../../src/server/index.js';
import { builtinSuites, explain, runAgainstReference } from '../helpers/run-suite.js';

const SUITES = ['filters', 'pagination-projection', 'errors'];
const CHECKS = 31 + 25 + 21;
const SEEDS = [12, 0, 300];

const F = (ids: string[]) => ids.map((id) => `filters/${id}`);
const P = (ids: string[]) => ids.map((id) => `pagination-projection/${id}`);
const E = (ids: string[]) => ids.map((id) => `errors/${id}`);

/** With each fault alone, the checks of the three suites that fail or are errored (every fault is named). */
const EXPECTED: Record<FaultName, string[]> = {
  // The 401 is not there, so neither is its challenge (errored: it needs the 401).
  'auth-not-enforced': E(['no-credentials-401', 'no-credentials-www-authenticate']),
  'www-authenticate-missing': E(['no-credentials-www-authenticate']),
  'filter-404-on-no-match': F(['and-is-conjunction', 'datetime-lt', 'externalid-eq-other-case', 'no-match']),
  'filter-ignored': [
    ...E(['invalid-filter-400', 'invalid-filter-error-body', 'invalid-filter-scim-type']),
    ...F([
      'and', 'and-is-conjunction', 'co', 'complex-value-filter', 'datetime-ge', 'datetime-lt', 'ew', 'externalid-eq',
      'externalid-eq-other-case', 'ge-le', 'group-displayname-eq', 'gt-lt', 'invalid-filter', 'names-and-operators-any-case',
      'ne', 'no-match', 'not', 'or', 'parentheses', 'pr', 'precedence', 'sw', 'username-eq', 'username-eq-other-case',
      'value-path',
    ]),
    // Every list check and the group checks. The page checks need list-all (SHOULD): when it fails they are
    // skipped, not errored, so they are not listed here.
    ...P([
      'attributes-username', 'count-negative', 'count-zero', 'excluded-emails', 'group-excluded-members',
      'group-get-excluded-members', 'group-members-by-default', 'list-all', 'sort-ascending', 'sort-descending',
      'sorted-page-window', 'start-index-past-end',
    ]),
  ],
  'filter-case-sensitive': F(['username-eq-other-case']),
  'filter-names-case-sensitive': F(['names-and-operators-any-case']),
  'filter-and-unsupported': F([
    'and', 'and-is-conjunction', 'complex-value-filter', 'datetime-ge', 'datetime-lt', 'ge-le', 'gt-lt', 'ne', 'not',
    'parentheses', 'pr', 'precedence',
    // Entra's emails[type eq "work"].value eq "..." joins no conditions with "and": value-path passes.
  ]),
  'filter-externalid-unsupported': F(['externalid-eq', 'externalid-eq-other-case']),
  'filter-invalid-returns-500': [...E(['invalid-filter-400', 'invalid-filter-scim-type']), ...F(['invalid-filter'])],
  'list-no-schemas': [...F(['username-eq-list-response']), ...P(['list-response'])],
  'list-total-is-page-size': P(['count-negative', 'count-zero', 'page-total-results', 'start-index-past-end']),
  'pagination-off-by-one': P(['page-window', 'sorted-page-window']),
  'pagination-ignores-count': P(['count-negative', 'count-zero', 'page-count', 'page-window', 'sorted-page-window', 'start-index-below-one']),
  'start-index-below-one-echoed': P(['start-index-below-one-echo']),
  'excluded-attributes-ignored': P(['excluded-emails', 'group-excluded-members', 'group-get-excluded-members']),
  'attributes-ignored': P(['attributes-username']),
  'error-status-number': E(['duplicate-username-error-body', 'invalid-filter-error-body', 'malformed-json-error-body', 'missing-username-error-body', 'unknown-id-error-body']),
  'error-not-scim': [
    ...E([
      'duplicate-username-error-body', 'duplicate-username-scim-type', 'invalid-filter-error-body', 'invalid-filter-scim-type',
      'malformed-json-error-body', 'malformed-json-scim-type', 'missing-username-error-body', 'missing-username-scim-type',
      'patch-remove-without-path-scim-type', 'unknown-id-error-body',
    ]),
    ...F(['invalid-filter']),
  ],
  // The fixtures accept 200 as well as 201: users-crud judges the status of a create.
  'create-returns-200': [],
  'create-no-location': [],
  'location-not-meta-location': [],
  'duplicate-username-allowed': E(['duplicate-username-409', 'duplicate-username-error-body', 'duplicate-username-scim-type']),
  'duplicate-username-case-sensitive': [],
  'duplicate-group-allowed': [],
  'missing-username-accepted': E(['missing-username-400', 'missing-username-error-body', 'missing-username-scim-type']),
  // The 500 is still a valid SCIM Error, so only the status and the scimType checks fail.
  'malformed-json-500': E(['malformed-json-400', 'malformed-json-scim-type']),
  'unknown-schema-rejected': [],
  'null-attribute-rejected': [],
  'bool-string-rejected': [],
  'delete-returns-200': [],
  'deleted-still-readable': [],
  'write-unknown-id-500': [],
  'soft-delete-hides-user': [],
  'etag-ignored': E(['stale-if-match-412']),
  'put-keeps-omitted': [],
  'patch-op-case-sensitive': [],
  'patch-value-path-unsupported': [],
  'patch-pathless-dotted-ignored': [],
  'patch-add-members-first-only': [],
  'patch-remove-member-value-ignored': [],
  'patch-remove-member-filter-unsupported': [],
  // The failing operation is swallowed and the PATCH answered 200, also when it is the only one; the scimType check
  // is errored (it needs the 400).
  'patch-not-atomic': E(['patch-unknown-op-400', 'patch-remove-without-path-400', 'patch-remove-without-path-scim-type']),
  'patch-invalid-ops-ignored': E(['patch-unknown-op-400', 'patch-remove-without-path-400', 'patch-remove-without-path-scim-type']),
  'patch-returns-old-resource': [],
  'patch-active-ignored': [],
  'drop-preferred-language': [],
  'drop-phone-numbers': [],
  'drop-enterprise-extension': [],
  'drop-manager': [],
  'discovery-nulls': [],
  'discovery-missing-enterprise': [],
  'patch-add-member-duplicates': [],
  'patch-add-replaces-members': [],
  'delete-keeps-memberships': [],
  'spc-patch-false': [],
};

/** Query rewrites that imitate a server bug no named fault reproduces, and the checks that must catch each one. */
type Mutation = (q: URLSearchParams) => void;
const inFilter = (from: RegExp, to: string): Mutation => (q) => {
  const f = q.get('filter');
  if (f !== null) q.set('filter', f.replace(from, to));
};
const drop = (param: string): Mutation => (q) => q.delete(param);

const MUTATIONS: [string, Mutation, string[]][] = [
  ['"and" read as "or"', inFilter(/ and /gi, ' or '), F(['and', 'and-is-conjunction', 'complex-value-filter', 'datetime-ge', 'datetime-lt', 'ge-le', 'gt-lt', 'ne', 'not', 'parentheses', 'pr', 'precedence'])],
  // parentheses and precedence need "or" (SHOULD): when it fails they are skipped.
  ['"or" read as "and"', inFilter(/ or /gi, ' and '), F(['or'])],
  ['"and" and "or" evaluated left to right', inFilter(/^([^()]+) or ([^()]+) and ([^()]+)$/, '($1 or $2) and $3'), F(['precedence'])],
  ['"not ( )" ignored', inFilter(/\bnot \(/gi, '('), F(['not'])],
  ['"ne" read as "eq"', inFilter(/ ne /g, ' eq '), F(['ne'])],
  ['"co" read as "sw"', inFilter(/ co /g, ' sw '), F(['co'])],
  ['"ew" read as "sw"', inFilter(/ ew /g, ' sw '), F(['ew'])],
  ['"gt"/"lt" inclusive', inFilter(/ (g|l)t /g, ' $1e '), F(['datetime-lt', 'gt-lt'])],
  ['"ge"/"le" strict', inFilter(/ (g|l)e /g, ' $1t '), F(['datetime-ge', 'ge-le'])],
  ['"pr" ignored', inFilter(/ and emails pr$/, ''), F(['pr'])],
  ['value path split into independent conditions', inFilter(/^emails\[type eq "work"\]\.value eq (".*")$/, 'emails.type eq "work" and emails.value eq $1'), F(['value-path'])],
  ['value filter matched across elements', inFilter(/^emails\[type eq "home" and value eq (".*")\]$/, 'emails.type eq "home" and emails.value eq $1'), F(['complex-value-filter'])],
  ['sortBy ignored', drop('sortBy'), P(['sort-ascending', 'sort-descending', 'sorted-page-window'])],
  ['sortOrder ignored', drop('sortOrder'), P(['sort-descending'])],
  ['startIndex ignored', drop('startIndex'), P(['page-start-index', 'page-window', 'sorted-page-window', 'start-index-past-end'])],
  ['attributes ignored everywhere', drop('attributes'), P(['attributes-username'])],
  ['excludedAttributes ignored everywhere', drop('excludedAttributes'), P(['excluded-emails', 'group-excluded-members', 'group-get-excluded-members'])],
];

/** Runs the three suites against the reference server through a proxy that rewrites each request's query. */
async function runThroughMutation(mutate: Mutation) {
  const upstream = await startServer({ seed: 12 });
  const base = new URL(upstream.url);
  const proxy = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    mutate(url.searchParams);
    const search = url.searchParams.toString();
    const forward = request(
      { host: base.hostname, port: base.port, method: req.method, path: `${url.pathname}${search ? `?${search}` : ''}`, headers: req.headers },
      (up: IncomingMessage) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${base.pathname}`;
  const client = new ScimClient(resolveTarget({ flags: { 'base-url': url, token: upstream.token }, env: {}, cwd: '/' }));
  try {
    const result = await runSuites({ suites: builtinSuites().filter((s) => SUITES.includes(s.id)), client });
    const bad = result.checks.filter((c) => c.outcome === 'failed' || c.outcome === 'errored');
    const left = upstream.snapshot();
    return {
      bad: bad.map((c) => c.id).sort(),
      why: bad.map((c) => `${c.id}: ${c.outcome}: ${c.message}`).join('\n'),
      leftovers: [...left.users, ...left.groups].map((r) => String(r.id)).filter((id) => !id.startsWith('seed-')),
    };
  } finally {
    await client.close();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await upstream.close();
  }
}

describe('filters, pagination-projection and errors suites', () => {
  it('name every fault in the table', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(FAULTS).sort());
  });

  it.each(SEEDS)('pass on the conformant reference server and leave nothing behind (seed %i)', async (seed) => {
    const run = await runAgainstReference(SUITES, { seed });
    expect(run.bad, explain(run)).toEqual([]);
    expect(run.result.checks.length).toBe(CHECKS);
    expect(run.result.checks.filter((c) => c.outcome !== 'passed').map((c) => `${c.id}: ${c.outcome}: ${c.message}`)).toEqual([]);
    expect(run.leftovers).toEqual({ users: [], groups: [] });
  });

  describe.each(SEEDS)('seed %i', (seed) => {
    it.each(Object.entries(EXPECTED) as [FaultName, string[]][])('with %s, exactly the checks that depend on the broken rule fail', async (fault, expected) => {
      const run = await runAgainstReference(SUITES, { faults: [fault], seed });
      expect([...run.bad].sort(), explain(run)).toEqual([...expected].sort());
      expect(run.result.checks.length).toBe(CHECKS);
      expect(run.leftovers).toEqual({ users: [], groups: [] });
    });
  });

  describe('rules no named fault covers, broken by rewriting the query', () => {
    it.each(MUTATIONS)('%s', async (_name, mutate, expected) => {
      const run = await runThroughMutation(mutate);
      expect(run.bad, run.why).toEqual([...expected].sort());
      expect(run.leftovers).toEqual([]);
    });
  });
});
