/** CI gating: --fail-on, --strict, --baseline and --write-baseline, through `demo` (the reference server in-process). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const demo = (...args: string[]) => runCli(['demo', ...args], { timeoutMs: 60_000 });

describe('--fail-on', () => {
  // patch-add-member-duplicates breaks a SHOULD rule only (RFC 7644 §3.5.2.1); put-keeps-omitted a MAY rule only.
  it.each([
    ['patch-add-member-duplicates', 'groups-membership', { must: 0, should: 1, any: 1 }],
    ['put-keeps-omitted', 'users-crud', { must: 0, should: 0, any: 1 }],
  ] as const)('%s fails the run only at the level it breaks', async (fault, suite, codes) => {
    for (const [level, code] of Object.entries(codes)) {
      const r = await demo('--fault', fault, '--suite', suite, '--fail-on', level, '--json');
      expect([level, r.code]).toEqual([level, code]);
      const report = JSON.parse(r.stdout);
      expect(report.summary.failed + report.summary.warnings).toBe(1);
    }
    expect((await demo('--fault', fault, '--suite', suite, '--strict')).code).toBe(1);
  });

  it('shows a failure that does not count as a warning line', async () => {
    const r = await demo('--fault', 'patch-add-member-duplicates', '--suite', 'groups-membership');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/▲ WARN\s+groups-membership\/add-existing-member-result/);
    expect(r.stdout).toMatch(/, 1 warning in \d+ ms/);
  });
});

describe('baselines', () => {
  it('fail only on new failures and list the ones fixed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-baseline-'));
    const file = join(dir, 'baseline.json');
    const written = await demo('--fault', 'drop-phone-numbers', '--app', 'zenya', '--suite', 'errors', '--write-baseline', file);
    expect(written.code).toBe(1);
    expect(written.stdout).toContain(`wrote ${file} with 1 known failure`);
    const baseline = JSON.parse(readFileSync(file, 'utf8'));
    expect(baseline).toMatchObject({ 'scimcheck-baseline': 1, failures: ['app:zenya/User/phoneNumbers[type eq "work"].value'] });

    // Same failure again: known, so the gate passes.
    const same = await demo('--fault', 'drop-phone-numbers', '--app', 'zenya', '--suite', 'errors', '--baseline', file, '--json');
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).baseline).toEqual({ file, known: ['app:zenya/User/phoneNumbers[type eq "work"].value'], new: [], fixed: [] });

    // A new failure fails it, and is named.
    const worse = await demo('--fault', 'drop-phone-numbers', '--fault', 'error-status-number', '--app', 'zenya', '--suite', 'errors', '--baseline', file);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/baseline .*: 1 known failure, 5 new, 0 fixed since the baseline/);
    expect(worse.stdout).toMatch(/ new\s+errors\/unknown-id-error-body/);

    // Fixed: listed, and the gate passes.
    const better = await demo('--app', 'zenya', '--suite', 'errors', '--baseline', file);
    expect(better.code).toBe(0);
    expect(better.stdout).toMatch(/0 known failures, 0 new, 1 fixed since the baseline/);
    expect(better.stdout).toMatch(/ fixed\s+app:zenya\/User\/phoneNumbers\[type eq "work"\]\.value/);
  });

  it('refuses a file that is not a baseline, with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-baseline-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"failures": 3}');
    const r = await demo('--suite', 'errors', '--baseline', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`scimcheck: --baseline: ${file} is not a scimcheck baseline (expected {"scimcheck-baseline": 1, "failures": [check ids]})`);
  });
});
