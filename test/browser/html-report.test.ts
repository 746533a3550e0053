/**
 * The HTML report (src/core/report/html.ts): fast assertions on the markup, then the real page in headless Chromium
 * (Debian's `chromium`, driven by playwright-core): it renders, loads nothing, filters by outcome, prints everything,
 * and shows a hostile server's body as text.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS, escapeHtml, indentJson, toHtml } from '../../src/core/report/html.js';
import { verdictsOf, type Report } from '../../src/core/model/report.js';
import type { CheckResult } from '../../src/core/model/verdict.js';
import { Policy } from '../../src/core/runner/policy.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sample = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports/sample.json'), 'utf8')) as Report;

const PWNED = '<script>window.__pwned=1</script>';

/** The sample with untrusted strings where the server (or a suite) puts them. */
function hostile(): Report {
  const r = structuredClone(sample);
  r.target.baseUrl = 'https://scim.example.test/<b id="injected-b">bold</b>';
  const failed = r.checks.find((c) => c.outcome === 'failed')!;
  failed.title = '<img id="injected-img" src="x" onerror="window.__pwned=2">';
  failed.message = '"><script>window.__pwned=3</script>';
  const ex = failed.exchanges[0]!;
  ex.response!.body = PWNED;
  ex.response!.headers['x-evil'] = '"><svg onload="window.__pwned=4">';
  ex.request.url = 'https://scim.example.test/Users?filter=</pre><script>window.__pwned=5</script>';
  return r;
}

/** A report with what the sample lacks: a warning, a skipped check, a transport error, a huge body, a leftover. */
function edgeCases(): Report {
  const r = structuredClone(sample);
  const base = r.checks[0]!;
  const warning: CheckResult = { ...structuredClone(base), id: 'errors/should-thing', severity: 'SHOULD', outcome: 'failed', message: 'a SHOULD failed' };
  const skipped: CheckResult = { ...structuredClone(base), id: 'errors/skipped-thing', outcome: 'skipped', message: 'the server does not support it', exchanges: [] };
  const errored: CheckResult = {
    ...structuredClone(base),
    id: 'errors/timeout-thing',
    outcome: 'errored',
    message: 'timed out',
    exchanges: [{ seq: 999, startedAt: base.exchanges[0]!.startedAt, durationMs: 30000, request: { method: 'GET', url: 'http://127.0.0.1:1/scim/v2/Users', headers: {} }, error: { code: 'TIMEOUT', message: 'no answer in 30 s', unreachable: true } }],
  };
  const big = structuredClone(base);
  big.id = 'errors/big-body';
  big.outcome = 'failed';
  big.exchanges[0]!.response!.body = 'x'.repeat(MAX_BODY_CHARS * 3);
  // Marked by the policy of the run (`--fail-on must`), which also gives the summary and the exit code.
  const policy = new Policy({ failOn: r.failOn });
  r.checks.push(...[warning, skipped, errored, big].map((c) => policy.mark(c)));
  Object.assign(r, policy.conclude(verdictsOf(r), { durationMs: r.summary.durationMs }));
  r.cleanup = [...(r.cleanup ?? []), { suite: 'users-crud', path: '/Users/left-behind-1', status: 500, ok: false, message: 'DELETE answered 500' }];
  return r;
}

/** Every string value of a JSON value, with `f` applied. */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k), mapStrings(x, f)]));
  return v;
}

describe('toHtml (markup)', () => {
  it('references nothing outside the file: no URL of its own, no src, link, url() or @import; links only to anchors', () => {
    const noUrls = mapStrings(sample, (s) => s.replace(/https?:\/\//gi, 'scheme-x://')) as Report;
    const page = toHtml(noUrls);
    expect(page).not.toMatch(/https?:\/\//i);
    expect(page).not.toMatch(/\ssrc\s*=/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/url\(/i);
    expect(page).not.toMatch(/@import/i);
    expect(page).not.toMatch(/<(img|iframe|object|embed|svg|video|audio|form)\b/i);
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(h).toMatch(/^#/);
    // The real report's URLs appear only as text: the target URL is in the header.
    expect(toHtml(sample)).toContain(`<code>${escapeHtml(sample.target.baseUrl)}</code>`);
  });

  it('carries the strict Content-Security-Policy and one inline script', () => {
    const page = toHtml(sample);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`);
    expect(page.match(/<script\b/gi)).toHaveLength(1);
  });

  it('escapes every string from the report', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const page = toHtml(hostile());
    expect(page.match(/<script\b/gi)).toHaveLength(1); // ours only
    expect(page).not.toMatch(/<(img|svg|b)\b/i);
    expect(page).not.toMatch(/<[^>]*\son(error|load)\s*=/i);
    expect(page).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
  });

  it('is deterministic: the same report gives the same bytes', () => {
    expect(toHtml(sample)).toBe(toHtml(structuredClone(sample)));
    expect(toHtml(edgeCases())).toBe(toHtml(edgeCases()));
  });

  it('marks warnings, truncates big bodies, shows transport errors and highlights what was not deleted', () => {
    const page = toHtml(edgeCases());
    expect(page).toContain('<tr data-kind="check" data-outcome="failed warning" class="row-warning">\n<td class="col-id"><code>errors/<wbr>should-thing</code>');
    // The policy marked it as not counting (a SHOULD under --fail-on must): its failure block says so.
    expect(page).toMatch(/<article class="failure failure-warning" id="f-\d+" data-outcome="failed warning"[^>]*>\n<h4[^>]*><span class="badge badge-warning">Warning<\/span> <code>errors\/should-thing<\/code>/);
    expect(page).toContain('<dt>Gate</dt><dd>a warning: a failed SHOULD check does not fail the run under --fail-on must</dd>');
    // The sample's blocked check does not count either: "errored warning", badge Blocked, and a Gate naming its cause.
    expect(page).toContain('<tr data-kind="check" data-outcome="errored warning" class="row-warning">\n<td class="col-id"><code>users-crud/<wbr>disable-verify[entra]</code>');
    expect(page).toMatch(/<article class="failure failure-warning" id="f-\d+" data-outcome="errored warning"[^>]*>\n<h4[^>]*><span class="badge badge-warning">Blocked<\/span> <code>users-crud\/disable-verify\[entra\]<\/code>/);
    expect(page).toContain('<dt>Gate</dt><dd>does not fail the run on its own: users-crud/enable-verify[entra] does</dd>');
    // The big failed MUST counts: no warning token, no gate.
    expect(page).toContain('<tr data-kind="check" data-outcome="failed" class="row-failed">\n<td class="col-id"><code>errors/<wbr>big-body</code>');
    expect(page.match(/<dt>Gate<\/dt>/g)).toHaveLength(2);
    expect(page).toContain('data-outcome="skipped"');
    expect(page).toContain(`Truncated: the first 8,192 of ${(MAX_BODY_CHARS * 3).toLocaleString('en-US')} characters are shown.`);
    expect(page).not.toContain('x'.repeat(MAX_BODY_CHARS + 1));
    expect(page).toContain('Transport error TIMEOUT:');
    expect(page).toMatch(/<tr class="left-behind">.*NOT DELETED/);
    expect(page).toContain('1 object was not deleted.');
  });

  it('indents JSON bodies without changing a token, and leaves anything else alone', () => {
    expect(indentJson('{"a":1,"a":1.50,"b":[],"c":{"d":"x, y: {z}"}}')).toBe('{\n  "a": 1,\n  "a": 1.50,\n  "b": [],\n  "c": {\n    "d": "x, y: {z}"\n  }\n}');
    expect(indentJson('{"a":"\\"}"}')).toBe('{\n  "a": "\\"}"\n}');
    expect(indentJson('{not json')).toBe('{not json');
    expect(indentJson('<html>')).toBe('<html>');
  });
});

// ------------------------------------------------------------------------------------------------------------------

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NO_CHROMIUM = !existsSync(CHROMIUM);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (NO_CHROMIUM) {
  console.warn(`html-report browser tests skipped: chromium is not installed at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

describe('HTML report in headless Chromium', () => {
  // Shown as a skipped test (never a pass) when the browser is missing.
  it.skipIf(NO_CHROMIUM)(NO_CHROMIUM ? `SKIPPED: chromium is not installed at ${CHROMIUM}; install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)` : 'chromium is installed', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  let browser: Browser | undefined;
  let dir = '';
  let sampleUrl = '';
  let hostileUrl = '';
  const pages: Page[] = [];

  beforeAll(async () => {
    if (NO_CHROMIUM) return;
    dir = mkdtempSync(join(tmpdir(), 'scimcheck-html-'));
    writeFileSync(join(dir, 'report.html'), toHtml(sample));
    writeFileSync(join(dir, 'hostile.html'), toHtml(hostile()));
    sampleUrl = pathToFileURL(join(dir, 'report.html')).href;
    hostileUrl = pathToFileURL(join(dir, 'hostile.html')).href;
    // playwright-core gives every launch a new, empty user data dir of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 15_000 });
  });

  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a file and records every request the page makes and every console error it logs. */
  async function open(url: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, errors };
  }

  const rows = (page: Page, kind: 'check' | 'mapping', visible = true) => page.locator(`tr[data-kind="${kind}"]${visible ? ':visible' : ''}`);

  it.skipIf(NO_CHROMIUM)('renders the header and summary with the report\'s numbers, and requests nothing but the file', async () => {
    const { page, requests, errors } = await open(sampleUrl);
    expect(await page.title()).toBe(`scimcheck report: ${sample.target.baseUrl}`);
    const n = async (key: string) => Number(await page.locator(`[data-summary="${key}"]`).textContent());
    const s = sample.summary;
    expect(await n('passed')).toBe(s.passed);
    expect(await n('failed')).toBe(s.failed);
    expect(await n('errored')).toBe(s.errored);
    expect(await n('skipped')).toBe(s.skipped);
    expect(await n('warnings')).toBe(s.warnings);
    expect(await n('mappings-passed')).toBe(s.mappings!.passed);
    expect(await n('mappings-failed')).toBe(s.mappings!.failed);
    expect(await n('exit-code')).toBe(sample.exitCode);
    const header = await page.locator('header').innerText();
    for (const text of [sample.target.baseUrl, '2026-11-22 20:32:25 UTC', sample.tool.version, sample.command, sample.runId!, ...sample.dialects!]) expect(header).toContain(text);
    expect(await rows(page, 'check').count()).toBe(sample.checks.length);
    expect(await rows(page, 'mapping').count()).toBe(sample.mappings!.length);
    expect(await page.locator('#cleanup tbody tr').count()).toBe(sample.cleanup!.length);
    expect(requests).toEqual([sampleUrl]);
    expect(errors).toEqual([]); // no CSP violation, no script error
  });

  it.skipIf(NO_CHROMIUM)('filters rows and failure blocks by outcome', async () => {
    const { page, requests } = await open(sampleUrl);
    const s = sample.summary;
    const failedButton = page.getByRole('button', { name: /^Failed/ });
    await expect(failedButton.locator('.count').textContent()).resolves.toBe(String(s.failed + s.warnings + s.mappings!.failed));
    await failedButton.click();
    expect(await failedButton.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: /^All/ }).getAttribute('aria-pressed')).toBe('false');
    expect(await rows(page, 'check').count()).toBe(s.failed + s.warnings);
    expect(await rows(page, 'mapping').count()).toBe(s.mappings!.failed);
    for (const o of await page.locator('tr[data-outcome]:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))) {
      expect(o?.split(' ')).toContain('failed');
    }
    expect(await page.locator('.failure:visible').count()).toBe(s.failed + s.warnings + s.mappings!.failed);
    expect(await page.locator('.failure[data-outcome="errored"]').first().isVisible()).toBe(false);

    await page.getByRole('button', { name: /^Errored/ }).click();
    expect(await rows(page, 'check').count()).toBe(s.errored);
    expect(await page.locator('.failure:visible').count()).toBe(s.errored + s.mappings!.errored);

    await page.getByRole('button', { name: /^Skipped/ }).click();
    expect(await rows(page, 'check').count()).toBe(s.skipped);
    expect(await page.locator('.empty-note:visible').count()).toBeGreaterThan(0); // says so, rather than an empty table

    await page.getByRole('button', { name: /^All/ }).click();
    expect(await rows(page, 'check').count()).toBe(sample.checks.length);
    expect(await rows(page, 'mapping').count()).toBe(sample.mappings!.length);
    expect(await page.locator('.empty-note:visible').count()).toBe(0);
    expect(requests).toEqual([sampleUrl]);
  });

  it.skipIf(NO_CHROMIUM)('shows a failure with its rule, fix and exchange; the row links to it', async () => {
    const { page } = await open(sampleUrl);
    const failed = sample.checks.find((c) => c.outcome === 'failed')!;
    const ex = failed.exchanges[0]!;
    await page.locator('tr[data-kind="check"].row-failed a.details-link').first().click();
    const block = page.locator('#f-1');
    await expect(block.isVisible()).resolves.toBe(true);
    const text = await block.innerText();
    // The shared failure fields (report/failure.ts), in their order; it counts, so no Gate.
    expect(await block.locator('.facts dt').allInnerTexts()).toEqual(['Problem', 'Request', 'Response', 'Expected', 'Actual', 'Rule', 'How to fix']);
    expect(await block.locator('.facts div', { has: page.locator('dt', { hasText: /^Request$/ }) }).locator('dd').innerText()).toBe(`${ex.request.method} ${ex.request.url}\n${ex.request.body}`);
    expect(await block.locator('.facts .hint dd').innerText()).toBe(failed.hint);
    expect(text).toContain(failed.id);
    expect(text).toContain(failed.message);
    expect(text).toContain(failed.reference);
    expect(text).toContain(failed.hint!);
    expect(text).toContain(`${ex.request.method}`);
    expect(text).toContain(ex.request.url);
    expect(text).toContain(String(ex.response!.status));
    expect(text).toContain('"scimType": "uniqueness"'); // the response body, indented
    expect(text).toContain('[REDACTED]');
  });

  it.skipIf(NO_CHROMIUM)('renders a hostile response body as text and runs none of it', async () => {
    const { page, requests, errors } = await open(hostileUrl);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('#injected-img, #injected-b').count()).toBe(0);
    expect(await page.locator('#f-1').innerText()).toContain(PWNED);
    expect(await page.locator('header').innerText()).toContain('<b id="injected-b">bold</b>');
    expect(requests).toEqual([hostileUrl]); // not even the injected <img src="x">
    expect(errors).toEqual([]);
  });

  it.skipIf(NO_CHROMIUM)('prints everything, whatever the filter', async () => {
    const { page } = await open(sampleUrl);
    await page.getByRole('button', { name: /^Passed/ }).click();
    expect(await rows(page, 'check').count()).toBe(sample.summary.passed);
    await page.emulateMedia({ media: 'print' });
    expect(await rows(page, 'check').count()).toBe(sample.checks.length);
    expect(await rows(page, 'mapping').count()).toBe(sample.mappings!.length);
    expect(await page.locator('.failure:visible').count()).toBe(await page.locator('.failure').count());
    expect(await page.locator('#filters').isVisible()).toBe(false);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ media: 'screen' });
  });

  it.skipIf(NO_CHROMIUM)('takes a screenshot (test-output/html-report.png)', async () => {
    const { page } = await open(sampleUrl);
    const out = join(ROOT, 'test-output');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'html-report.png') });
    expect(existsSync(join(out, 'html-report.png'))).toBe(true);
  });
});
