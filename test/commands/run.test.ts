import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';

const ajv = new Ajv2020({ strict: true, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')) as object);

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ seed: 10, token: 'run-test-token-0123' });
});
afterAll(() => server.close());

describe('scimcheck run', () => {
  it('runs the selected suites, prints a line per check, and writes a JSON result that matches report.schema.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-run-'));
    const file = join(dir, 'result.json');
    const r = await runCli(['run', '--base-url', server.url, '--token', server.token, '--suite', 'test-connection', '--report-json', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^\s+✔ PASSED\s+test-connection\//.test(l))).toHaveLength(4);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report).toMatchObject({ command: 'run', exitCode: 0, summary: { passed: 4, failed: 0 }, target: { baseUrl: server.url } });
    expect(JSON.stringify(report)).not.toContain(server.token);
  });

  it('--json prints only the JSON result, valid against report.schema.json', async () => {
    const r = await runCli(['run', '--base-url', server.url, '--token', server.token, '--suite', 'test-connection', '--json']);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  });

  it('--check runs one check with its prerequisites', async () => {
    const r = await runCli(['run', '--base-url', server.url, '--token', server.token, '--check', 'test-connection/unauthorized-error-format', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks.map((c: { id: string }) => c.id)).toEqual(['test-connection/rejects-invalid-token', 'test-connection/unauthorized-error-format']);
  });

  it('runs a --suite-file and reports its failures with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-suite-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, `id: mine\ntitle: mine\nsteps:\n  - id: spc-is-teapot\n    title: the SPC answers 418\n    severity: MUST\n    reference: none\n    hint: be a teapot\n    request: { method: GET, path: /ServiceProviderConfig }\n    expect: { status: 418 }\n`);
    const r = await runCli(['run', '--base-url', server.url, '--token', server.token, '--suite', 'mine', '--suite-file', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✖ FAILED  mine/spc-is-teapot  the SPC answers 418');
    expect(r.stdout).toMatch(/problem\s+status: expected 418, got 200/);
    expect(r.stdout).toMatch(/fix\s+be a teapot/);
  });

  it('a broken suite file is one line with file:line:col and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-suite-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'id: bad\ntitle: bad\nsteps:\n  - id: x\n    title: x\n    severity: MUST\n    reference: r\n    request: { method: FETCH, path: / }\n');
    const r = await runCli(['run', '--base-url', server.url, '--token', server.token, '--suite-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`scimcheck: ${file}:8:24: method must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH"`);
  });

  it('rejects an unknown suite or check id with exit 2', async () => {
    expect((await runCli(['run', '--base-url', server.url, '--suite', 'nope'])).stderr.trim()).toBe('scimcheck: --suite: no suite "nope" (scimcheck suites lists them)');
    expect((await runCli(['run', '--base-url', server.url, '--check', 'nope/x'])).stderr.trim()).toBe('scimcheck: --check: no check "nope/x" (scimcheck suites lists check ids)');
  });
});

describe('scimcheck suites', () => {
  it('lists suites and their checks', async () => {
    const r = await runCli(['suites', '--json']);
    expect(r.code).toBe(0);
    const { suites } = JSON.parse(r.stdout);
    const tc = suites.find((s: { id: string }) => s.id === 'test-connection');
    expect(tc.checks.map((c: { id: string }) => c.id)).toEqual([
      'test-connection/users-filter-no-match',
      'test-connection/groups-filter-no-match',
      'test-connection/rejects-invalid-token',
      'test-connection/unauthorized-error-format',
    ]);
  });
});

describe('attribute mappings from the command line', () => {
  it('run --app zenya prints a table per app and returns mappings[] that match report.schema.json', async () => {
    const faulty = await startServer({ faults: ['drop-preferred-language'] });
    try {
      const r = await runCli(['run', '--base-url', faulty.url, '--token', faulty.token, '--app', 'zenya']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/\(0 suites, 1 app profile\)/);
      expect(r.stdout).toContain('zenya Zenya — 13 mappings: 12 passed, 1 failed');
      expect(r.stdout).toMatch(/User\s+preferredLanguage\s+String\s+✔\s+✖\s+✖\s+·\s+FAIL\s+read: after create, preferredLanguage is absent, expected "en-US"/);
      expect(r.stdout).toMatch(/User\s+userName\*\s+String\s+✔\s+✔\s+✔\s+✔\s+PASS/);
      expect(r.stdout).toMatch(/mappings: 12 passed, 1 failed in \d+ ms\n$/);
      const j = await runCli(['run', '--base-url', faulty.url, '--token', faulty.token, '--app', 'zenya', '--json']);
      const report = JSON.parse(j.stdout);
      expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
      expect(report.mappings).toHaveLength(13);
      expect(report.summary.mappings).toEqual({ passed: 12, failed: 1, errored: 0, skipped: 0 });
      expect(report.mappings.find((m: { attribute: string }) => m.attribute === 'preferredLanguage')).toMatchObject({
        app: 'zenya',
        object: 'User',
        type: 'String',
        matching: false,
        outcome: 'failed',
        phases: { create: 'passed', read: 'failed', update: 'failed', filter: 'n/a' },
      });
    } finally {
      await faulty.close();
    }
  });

  it('--entra-schema checks the mappings of an exported schema', async () => {
    const file = new URL('../fixtures/entra/scim-app-schema.json', import.meta.url).pathname;
    const r = await runCli(['run', '--base-url', server.url, '--token', server.token, '--entra-schema', file, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.mappings.map((m: { attribute: string; outcome: string }) => `${m.attribute}:${m.outcome}`)).toEqual([
      'userName:passed', 'active:passed', 'displayName:passed', 'title:passed', 'emails[type eq "work"].value:passed', 'externalId:passed',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department:passed', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager:passed',
      'displayName:passed', 'externalId:passed', 'members:passed',
    ]);
  });

  it('apps lists the profiles and their rows; an unknown app is a usage error', async () => {
    const r = await runCli(['apps', '--json']);
    const { apps } = JSON.parse(r.stdout);
    expect(apps.map((a: { id: string; rows: unknown[] }) => `${a.id}:${a.rows.length}`)).toEqual(['entra-default:25', 'zenya:13', 'zscaler-beta:10', 'zscaler-private-access:16', 'zscaler-two:10']);
    expect(apps[1].source).toMatchObject({ seed: '000_81158d93712d61aa.txt', date: '2019-10-29' });
    const bad = await runCli(['run', '--base-url', server.url, '--app', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('scimcheck: --app: no app profile "nope" (scimcheck apps lists them: entra-default, zenya, zscaler-beta, zscaler-private-access, zscaler-two)');
  });
});
