/** Report files and CI integration from the command line: --junit, --html, --har, GitHub Actions. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';

describe('report files', () => {
  it('--junit, --html and --har write their files, redacted, from the same run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-reports-'));
    const [junit, html, har] = ['r.xml', 'r.html', 'r.har'].map((f) => join(dir, f));
    const r = await runCli(['demo', '--fault', 'error-status-number', '--suite', 'errors', '--app', 'zscaler-two', '--junit', junit!, '--html', html!, '--har', har!], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(junit!, 'utf8'));
    const suites = [xml.testsuites.testsuite].flat() as { '@_name': string; '@_tests': string; '@_failures': string }[];
    expect(suites.map((s) => [s['@_name'], s['@_tests'], s['@_failures']])).toEqual([
      ['errors', '21', '5'],
      ['app:zscaler-two', '10', '0'],
    ]);
    const page = readFileSync(html!, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/i);
    expect(page).toContain('errors/unknown-id-error-body');
    const harJson = JSON.parse(readFileSync(har!, 'utf8'));
    expect(harJson.log.version).toBe('1.2');
    expect(harJson.log.entries.length).toBeGreaterThan(50);
    // The demo server's token is random (24 base64url characters): no file may hold one after "Bearer".
    for (const f of [junit!, html!, har!]) expect(readFileSync(f, 'utf8')).not.toMatch(/Bearer [A-Za-z0-9_-]{24}\b/);
    for (const e of harJson.log.entries) {
      const auth = e.request.headers.find((h: { name: string }) => h.name.toLowerCase() === 'authorization');
      if (auth) expect(auth.value).toBe('Bearer [REDACTED]');
    }
    for (const f of [html!, har!]) expect(readFileSync(f, 'utf8')).toContain('Bearer [REDACTED]');
  });

  it('an unwritable report path is one line and exit 2', async () => {
    const r = await runCli(['demo', '--suite', 'errors', '--junit', '/nonexistent-dir/r.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^scimcheck: --junit: cannot write \/nonexistent-dir\/r\.xml: ENOENT/);
  });
});

describe('GitHub Actions', () => {
  it('prints annotations and appends a step summary when GITHUB_ACTIONS=true', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimcheck-gh-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const env = cleanEnv({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    const r = await runCli(['demo', '--fault', 'error-status-number', '--suite', 'errors'], { env, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(5);
    expect(annotations[0]).toMatch(/^::error file=suites\/errors\.yaml,line=\d+,col=\d+,title=errors\/duplicate-username-error-body::/);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toContain('errors/unknown-id-error-body');
    // With --json, stdout is the JSON alone: no annotations in it.
    const j = await runCli(['demo', '--fault', 'error-status-number', '--suite', 'errors', '--json'], { env, timeoutMs: 60_000 });
    expect(() => JSON.parse(j.stdout)).not.toThrow();
  });

  it('does nothing of the kind outside GitHub Actions', async () => {
    const r = await runCli(['demo', '--fault', 'error-status-number', '--suite', 'errors']);
    expect(r.stdout.split('\n').some((l) => l.startsWith('::'))).toBe(false);
    expect(existsSync('/nonexistent')).toBe(false);
  });
});
