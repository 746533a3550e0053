/**
 * Every reporter agrees with the exit code: under each --fail-on, and with no baseline, a baseline that lists every
 * failure, and a baseline that lists all but one failure that counts. One `demo` run per combination writes the JSON
 * result, JUnit, HTML, plain terminal lines and (GITHUB_ACTIONS=true) the GitHub annotations and step summary; each
 * reporter's set of "verdicts that fail the run" must equal the JSON result's verdicts with `counts: true`, and the
 * exit code must be 1 when that set is not empty and 0 when it is.
 *
 * How each reporter says "this fails the run":
 * - JSON: `counts: true` (checks and mapping rows);
 * - JUnit: a `<failure>` or `<error>` whose message is not prefixed `WARNING`, `KNOWN:` or `BLOCKED:`;
 * - GitHub: an `::error` annotation (title: the check id, or `<app>/<object> <attribute>` for a mapping row), and a
 *   `❌` row of the step summary's Failures table or of an app's mapping table;
 * - HTML: a `<tr>` whose `data-outcome` has `failed` or `errored` and not `warning`;
 * - terminal: a check line labelled FAILED or ERRORED (not WARN, KNOWN, BLOCKED), a mapping row whose verdict is FAIL
 *   or ERROR.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';

/**
 * The run: a failed MUST check (test-connection/rejects-invalid-token) that blocks another
 * (test-connection/unauthorized-error-format, errored, blockedBy), a failed SHOULD check (filters/invalid-filter), a
 * failed MAY check (discovery/schemas-enterprise-extension), and failed mapping rows of zenya (preferredLanguage; the
 * enterprise department and manager, which /Schemas no longer declares). Fewer than 10 errors: every annotation shows.
 */
const RUN = [
  'demo',
  ...['--suite', 'test-connection', '--suite', 'filters', '--suite', 'discovery', '--app', 'zenya'],
  ...['--fault', 'auth-not-enforced', '--fault', 'filter-invalid-returns-500', '--fault', 'discovery-missing-enterprise', '--fault', 'drop-preferred-language'],
];
/** The failure the "all but one" baseline leaves out. */
const LEFT_OUT = 'test-connection/rejects-invalid-token';

const FAIL_ON = ['must', 'should', 'any'] as const;
const BASELINES = ['none', 'all', 'all-but-one'] as const;
type FailOn = (typeof FAIL_ON)[number];
type BaselineState = (typeof BASELINES)[number];
type ReporterName = 'junit' | 'annotations' | 'step summary' | 'html' | 'terminal';

interface Verdict {
  kind: 'check' | 'mapping';
  id: string;
  outcome: 'passed' | 'failed' | 'errored' | 'skipped';
  counts: boolean;
  severity?: 'MUST' | 'SHOULD' | 'MAY';
  blockedBy?: string;
  baseline?: 'known' | 'new';
  app?: string;
  object?: string;
  attribute?: string;
}
interface Result {
  exitCode: number;
  failOn: FailOn;
  checks: Verdict[];
  mappings?: Verdict[];
  baseline?: { known: string[]; new: string[]; fixed: string[] };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  result: Result;
  junit: string;
  html: string;
  summary: string;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One run per combination, shared by the tests of that combination (and by the baselines derived from it). */
const runs = new Map<string, Promise<Run>>();
function runOf(failOn: FailOn, state: BaselineState): Promise<Run> {
  const key = `${failOn}/${state}`;
  let p = runs.get(key);
  if (!p) runs.set(key, (p = execute(failOn, state)));
  return p;
}

/** The combinations run concurrently, at most this many CLI processes at a time. */
const PARALLEL = 3;
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function execute(failOn: FailOn, state: BaselineState): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'scimcheck-agreement-'));
  dirs.push(dir);
  const args = [...RUN, '--fail-on', failOn, '--report-json', join(dir, 'result.json'), '--junit', join(dir, 'junit.xml'), '--html', join(dir, 'report.html')];
  if (state !== 'none') {
    // The baseline --write-baseline would write from the run without one: its failures that count.
    const failures = countingIds((await runOf(failOn, 'none')).result).filter((id) => state === 'all' || id !== LEFT_OUT);
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify({ 'scimcheck-baseline': 1, createdAt: new Date().toISOString(), failures }));
    args.push('--baseline', join(dir, 'baseline.json'));
  }
  const summaryFile = join(dir, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const r = await limited(() => runCli(args, { env: cleanEnv({ CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile }), timeoutMs: 90_000 }));
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  let result: Result;
  try {
    result = JSON.parse(read('result.json')) as Result;
  } catch (err) {
    throw new Error(`scimcheck ${args.join(' ')}: no JSON result (exit ${r.code}): ${(err as Error).message}\n${r.stderr}`);
  }
  return { ...r, result, junit: read('junit.xml'), html: read('report.html'), summary: readFileSync(summaryFile, 'utf8') };
}

const verdicts = (r: Result): Verdict[] => [...r.checks, ...(r.mappings ?? [])];
const countingIds = (r: Result): string[] => verdicts(r).filter((v) => v.counts).map((v) => v.id).sort();
const mappingId = (app: string, object: string, attribute: string) => `app:${app}/${object}/${attribute}`;
const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();

// ---------------------------------------------------------------------------------------------------------------
// What each reporter shows as failing the run

function junitIds(xml: string): string[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase' });
  type Element = { message?: string } | string;
  const doc = parser.parse(xml) as { testsuites: { testsuite?: { testcase?: { classname: string; name: string; failure?: Element; error?: Element }[] }[] } };
  const ids: string[] = [];
  for (const suite of doc.testsuites.testsuite ?? []) {
    for (const c of suite.testcase ?? []) {
      const el = c.failure ?? c.error;
      if (el === undefined) continue;
      const message = typeof el === 'string' ? '' : (el.message ?? '');
      if (/^(WARNING \(|KNOWN: |BLOCKED: )/.test(message)) continue;
      const app = /^scimcheck\.app\.(.+)$/.exec(c.classname);
      if (app) {
        const space = c.name.indexOf(' ');
        ids.push(mappingId(app[1]!, c.name.slice(0, space), c.name.slice(space + 1)));
      } else ids.push(`${c.classname.replace(/^scimcheck\./, '')}/${c.name}`);
    }
  }
  return sorted(ids);
}

/** The workflow commands on stdout: level and unescaped properties. */
function annotations(stdout: string): { level: string; props: Record<string, string> }[] {
  const unescape = (s: string) => s.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return stdout
    .split('\n')
    .map((l) => /^::(error|warning|notice)(?: ([^:]*))?::/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      level: m[1]!,
      props: Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), unescape(p.slice(p.indexOf('=') + 1))])),
    }));
}

function annotationIds(stdout: string): string[] {
  return sorted(
    annotations(stdout)
      .filter((a) => a.level === 'error')
      .map((a) => {
        const title = a.props.title ?? '';
        const row = /^([^/\s]+)\/(User|Group) (.+)$/.exec(title);
        return row ? mappingId(row[1]!, row[2]!, row[3]!) : title;
      }),
  );
}

function stepSummaryIds(md: string): string[] {
  const ids: string[] = [];
  let app: string | undefined;
  for (const line of md.split('\n')) {
    const head = /^\*\*(.+?)\*\*: \d+ mappings?:/.exec(line);
    if (head) app = head[1]!.replace(/\\(.)/g, '$1');
    const check = /^\| ❌ (?:failed|errored) \| `([^`]+)` \| (?:MUST|SHOULD|MAY) \|/.exec(line);
    if (check) ids.push(check[1]!);
    const row = /^\| ❌ (?:failed|errored) \| (User|Group) \| `([^`]+)`(?: \(matching\))? \|/.exec(line);
    if (row) ids.push(mappingId(app ?? '?', row[1]!, row[2]!));
  }
  return sorted(ids);
}

function htmlIds(html: string): string[] {
  const text = (s: string) =>
    s
      .replace(/<wbr>/g, '')
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const ids: string[] = [];
  // Mapping rows sit in one <section class="app" id="app-<app>"> per app.
  const appAt: { at: number; app: string }[] = [...html.matchAll(/<section class="app" id="app-([^"]+)"/g)].map((m) => ({ at: m.index, app: text(m[1]!) }));
  for (const m of html.matchAll(/<tr data-kind="(check|mapping)" data-outcome="([^"]*)"[^>]*>\n<td[^>]*>(.*?)<\/td>\n<td[^>]*>(.*?)<\/td>/g)) {
    const outcome = m[2]!.split(' ');
    if (!(outcome.includes('failed') || outcome.includes('errored')) || outcome.includes('warning')) continue;
    if (m[1] === 'check') ids.push(text(/<code>(.*?)<\/code>/.exec(m[3]!)?.[1] ?? ''));
    else {
      const app = appAt.filter((a) => a.at < m.index).pop()?.app ?? '?';
      ids.push(mappingId(app, text(m[3]!), text(/<code>(.*?)<\/code>/.exec(m[4]!)?.[1] ?? '')));
    }
  }
  return sorted(ids);
}

function terminalIds(stdout: string, result: Result): string[] {
  const ids: string[] = [];
  let app: string | undefined;
  for (const line of stdout.split('\n')) {
    const check = /^ {2}\S+ (FAILED|ERRORED|WARN|KNOWN|BLOCKED|PASSED|SKIPPED) +(\S+) {2}/.exec(line);
    if (check) {
      if (check[1] === 'FAILED' || check[1] === 'ERRORED') ids.push(check[2]!);
      continue;
    }
    const head = /^(\S+) .* — \d+ mappings: /.exec(line);
    if (head) app = head[1]!;
    const row = /^ {2}(User|Group) +(.+?)\*? +(?:String|Boolean|Reference|Integer|DateTime) +\S+ +\S+ +\S+ +\S+ +(PASS|FAIL|ERROR|SKIP)\b/.exec(line);
    if (row && (row[3] === 'FAIL' || row[3] === 'ERROR')) {
      // Long attributes are cut to their end, `…chemas:extension:…:department`: find the row they end.
      const shown = row[2]!;
      const candidates = (result.mappings ?? []).filter((m) => m.app === app && m.object === row[1] && (shown.startsWith('…') ? m.attribute!.endsWith(shown.slice(1)) : m.attribute === shown));
      ids.push(candidates.length === 1 ? candidates[0]!.id : `? ${app}/${row[1]} ${shown} (${candidates.length} rows match)`);
    }
  }
  return sorted(ids);
}

const SHOWN: Record<ReporterName, (run: Run) => string[]> = {
  junit: (run) => junitIds(run.junit),
  annotations: (run) => annotationIds(run.stdout),
  'step summary': (run) => stepSummaryIds(run.summary),
  html: (run) => htmlIds(run.html),
  terminal: (run) => terminalIds(run.stdout, run.result),
};

// ---------------------------------------------------------------------------------------------------------------

// Concurrent: each combination's tests share its run, and the runs go PARALLEL at a time.
describe.concurrent.each(FAIL_ON)('--fail-on %s', (failOn) => {
  describe.each(BASELINES)('baseline: %s', (state) => {
    it('the exit code is the JSON result’s, 1 when a verdict counts and 0 when none does', { timeout: 180_000 }, async ({ expect }) => {
      const run = await runOf(failOn, state);
      const r = run.result;
      expect(run.code, run.stderr).toBe(r.exitCode);
      expect(r.failOn).toBe(failOn);
      const counting = countingIds(r);
      expect(r.exitCode).toBe(counting.length ? 1 : 0);

      // The run is what it is meant to be: a failed MUST that blocks another check, a failed SHOULD and MAY, failed rows.
      const all = verdicts(r);
      const failed = (v: Verdict) => v.outcome === 'failed';
      expect(all.some((v) => failed(v) && v.severity === 'MUST')).toBe(true);
      expect(all.some((v) => failed(v) && v.severity === 'SHOULD')).toBe(true);
      expect(all.some((v) => failed(v) && v.severity === 'MAY')).toBe(true);
      expect(all.some((v) => v.outcome === 'errored' && v.blockedBy !== undefined && !v.counts)).toBe(true);
      expect(all.some((v) => v.kind === 'mapping' && failed(v))).toBe(true);

      // What counts follows from --fail-on and the baseline.
      const severities = { must: ['MUST'], should: ['MUST', 'SHOULD'], any: ['MUST', 'SHOULD', 'MAY'] }[failOn];
      const fails = all.filter((v) => (v.outcome === 'errored' && !v.blockedBy) || (failed(v) && (v.kind === 'mapping' || severities.includes(v.severity!))));
      const expected = state === 'none' ? fails.map((v) => v.id) : state === 'all' ? [] : [LEFT_OUT];
      expect(counting).toEqual(sorted(expected));
      expect(r.exitCode).toBe(state === 'all' ? 0 : 1);
      if (state === 'none') expect(r.baseline).toBeUndefined();
      else expect(r.baseline?.new).toEqual(counting);

      // The step summary's headline and the HTML's exit code card say the same.
      expect(run.summary).toMatch(r.exitCode === 0 ? /^## ✅ scimcheck passed/ : /^## ❌ scimcheck failed/);
      expect(/data-summary="exit-code">(\d+)</.exec(run.html)?.[1]).toBe(String(r.exitCode));
      // No annotation was held back by GitHub's cap of 10 per type.
      expect(annotations(run.stdout).filter((a) => a.level === 'notice')).toEqual([]);
    });

    for (const reporter of Object.keys(SHOWN) as ReporterName[]) {
      it(`${reporter} shows as failing exactly the verdicts that count`, { timeout: 180_000 }, async ({ expect }) => {
        const run = await runOf(failOn, state);
        expect(SHOWN[reporter](run)).toEqual(sorted(countingIds(run.result)));
      });
    }
  });
});
