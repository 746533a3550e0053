/**
 * GitHub Actions output of a report: workflow-command annotations (`::error` / `::warning` lines on stdout, which the
 * runner turns into annotations on the job and the pull request) and the Markdown of the job's step summary (appended
 * to `$GITHUB_STEP_SUMMARY`). Both are pure functions of the (already redacted) report; the CLI decides when to emit.
 *
 * GitHub shows at most 10 annotations of each type per step and accepts at most 1 MiB of step summary per step, so
 * annotations are capped (errors first) with a closing `::notice`, and the summary is cut off with a note.
 */
import type { MappingResult, Phase } from '../mapping/engine.js';
import { counts, type CheckResult, type FailOn } from '../result.js';
import type { Report } from './model.js';

/** GitHub shows at most this many annotations of each type (error, warning, notice) per step. */
export const ANNOTATIONS_PER_TYPE = 10;
/** The step summary stays at or below this many bytes (GitHub refuses a step summary above 1 MiB). */
export const STEP_SUMMARY_MAX_BYTES = 1_000_000;
/** Longest annotation message: a check message can quote a response body. */
const MAX_MESSAGE = 4000;
/** Longest table cell (characters) in the step summary. */
const MAX_CELL = 1000;

export interface GithubOptions {
  /**
   * Which failed checks count as errors (the run's `--fail-on`); a failed check that does not count is a warning.
   * Default: what the report's own summary implies (`summary.failed` against the failed checks by severity), else
   * `must`.
   */
  failOn?: FailOn;
}

export interface AnnotationOptions extends GithubOptions {
  /**
   * The YAML file of each suite, by suite id (`users-crud` → `suites/users-crud.yaml`), relative to the repository
   * root, so that GitHub links the annotation to it. Mapping rows look up `app:<profile id>` (the profile's file).
   */
  suiteFiles?: Record<string, string>;
}

/** Escapes the message of a workflow command: `%`, CR and LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command (`file=`, `title=`): `%`, CR, LF, `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type Level = 'error' | 'warning';

interface Problem {
  level: Level;
  /** `failed`, `errored`, or `warning` (a failed check that does not count). */
  kind: 'failed' | 'errored' | 'warning';
  check?: CheckResult;
  mapping?: MappingResult;
}

/**
 * One workflow command per failed or errored check and per failed or errored mapping row, errors first (failed
 * checks that count, errored checks, failed and errored mapping rows, in report order), then warnings (failed checks
 * that do not count: SHOULD/MAY under `--fail-on must`). Each type is capped at 10; a final `::notice` says how many
 * more there are and where to find them.
 */
export function githubAnnotations(report: Report, opts: AnnotationOptions = {}): string[] {
  const problems = problemsOf(report, opts.failOn ?? inferFailOn(report));
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');
  const lines = [...errors.slice(0, ANNOTATIONS_PER_TYPE), ...warnings.slice(0, ANNOTATIONS_PER_TYPE)].map((p) => annotation(p, opts.suiteFiles));
  const moreErrors = Math.max(0, errors.length - ANNOTATIONS_PER_TYPE);
  const moreWarnings = Math.max(0, warnings.length - ANNOTATIONS_PER_TYPE);
  if (moreErrors || moreWarnings) {
    const parts = [moreErrors ? plural(moreErrors, 'more error') : '', moreWarnings ? plural(moreWarnings, 'more warning') : ''].filter(Boolean);
    const verb = moreErrors + moreWarnings === 1 ? 'is' : 'are';
    lines.push(
      `::notice title=scimcheck::${escapeData(
        `${parts.join(' and ')} ${verb} not shown as annotations (GitHub shows ${ANNOTATIONS_PER_TYPE} of each type per step): see the job's step summary or the JSON report (--report-json)`,
      )}`,
    );
  }
  return lines;
}

function annotation(p: Problem, suiteFiles: Record<string, string> | undefined): string {
  const props: string[] = [];
  let title: string;
  let message: string;
  let file: string | undefined;
  if (p.check) {
    const c = p.check;
    title = c.id;
    message = `${c.message} (${c.reference}${c.hint ? `; fix: ${c.hint}` : ''})`;
    file = suiteFiles?.[c.suite];
  } else {
    const m = p.mapping!;
    title = `${m.app}/${m.object} ${m.attribute}`;
    message = m.message;
    file = suiteFiles?.[`app:${m.app}`];
  }
  if (file) props.push(`file=${escapeProperty(file)}`);
  props.push(`title=${escapeProperty(title)}`);
  return `::${p.level} ${props.join(',')}::${escapeData(clip(message, MAX_MESSAGE))}`;
}

/** Errors (in report order: checks, then mapping rows) followed by warnings. */
function problemsOf(report: Report, failOn: FailOn): Problem[] {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  for (const c of report.checks) {
    if (c.outcome === 'errored') errors.push({ level: 'error', kind: 'errored', check: c });
    else if (c.outcome === 'failed') {
      if (counts(c.severity, failOn)) errors.push({ level: 'error', kind: 'failed', check: c });
      else warnings.push({ level: 'warning', kind: 'warning', check: c });
    }
  }
  for (const m of report.mappings ?? []) {
    if (m.outcome === 'failed' || m.outcome === 'errored') errors.push({ level: 'error', kind: m.outcome, mapping: m });
  }
  return [...errors, ...warnings];
}

/**
 * The `--fail-on` level the report's summary implies: `summary.failed` is the number of failed checks that count.
 * Where two levels give the same count they classify every failed check alike, so the first match is right.
 */
export function inferFailOn(report: Report): FailOn {
  const failed = report.checks.filter((c) => c.outcome === 'failed');
  const n = (sev: CheckResult['severity']) => failed.filter((c) => c.severity === sev).length;
  const must = n('MUST');
  const should = n('SHOULD');
  const may = n('MAY');
  const f = report.summary.failed;
  if (f === must) return 'must';
  if (f === must + should) return 'should';
  if (f === must + should + may) return 'any';
  return 'must';
}

// ---------------------------------------------------------------------------------------------------------------
// Step summary

/** Appends lines while they fit in the byte budget, leaving `reserve` bytes for the closing notes. */
class Budget {
  private readonly lines: string[] = [];
  private bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly reserve: number,
  ) {}

  /** Adds the lines (all or none) if they fit with the reserve left over. */
  fit(...lines: string[]): boolean {
    const n = lines.reduce((sum, l) => sum + Buffer.byteLength(l, 'utf8') + 1, 0);
    if (this.bytes + n + this.reserve > this.limit) return false;
    this.push(lines, n);
    return true;
  }

  /** Adds short, bounded lines (headings, notes) unconditionally: they come out of the reserve when need be. */
  add(...lines: string[]): void {
    this.push(lines, lines.reduce((sum, l) => sum + Buffer.byteLength(l, 'utf8') + 1, 0));
  }

  private push(lines: string[], n: number): void {
    this.lines.push(...lines);
    this.bytes += n;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

const PHASE_MARK: Record<Phase, string> = { passed: '✅', failed: '❌', errored: '⚠️', skipped: '⏭️', 'n/a': '–' };

/**
 * The Markdown step summary: verdict and target, the counts, a table of failures (errors first, then warnings), the
 * failed mapping rows per app (with a count of the rest), and cleanup problems. Never more than 1 MiB: what does not
 * fit is left out with a note pointing at the JSON report.
 */
export function githubStepSummary(report: Report, opts: GithubOptions = {}): string {
  const out = new Budget(STEP_SUMMARY_MAX_BYTES, 8192);
  const s = report.summary;
  const ok = report.exitCode === 0;
  const verdict = ok ? '✅ scimcheck passed' : report.exitCode === 3 ? '❌ scimcheck could not reach the target' : '❌ scimcheck failed';
  out.add(`## ${verdict}: ${codeSpan(clip(report.target.baseUrl, 500))}`, '');

  const facts = [`exit code ${report.exitCode}`, `\`scimcheck ${clip(report.command, 50)}\` ${clip(report.tool.version, 50)}`];
  if (report.runId) facts.push(`run ${codeSpan(clip(report.runId, 50))}`);
  if (report.dialects?.length) facts.push(`dialects ${clip(report.dialects.join(', '), 100)}`);
  facts.push(`${s.durationMs} ms`);
  out.add(facts.join(' · '), '');

  out.add('| | passed | failed | errored | skipped | warnings |', '|---|---:|---:|---:|---:|---:|');
  out.add(`| checks | ${s.passed} | ${s.failed} | ${s.errored} | ${s.skipped} | ${s.warnings} |`);
  const m = s.mappings;
  if (m) out.add(`| mappings | ${m.passed} | ${m.failed} | ${m.errored} | ${m.skipped} | – |`);
  out.add('');

  // Failures: checks that failed or errored, errors first.
  const problems = problemsOf(report, opts.failOn ?? inferFailOn(report)).filter((p) => p.check);
  if (problems.length) {
    out.add('### Failures', '', '| result | check | severity | Entra | reference | message |', '|---|---|---|---|---|---|');
    let shown = 0;
    for (const p of problems) {
      const c = p.check!;
      const row = `| ${p.kind === 'warning' ? '⚠️ warning' : p.kind === 'errored' ? '❌ errored' : '❌ failed'} | ${codeSpan(clip(c.id, 200))} | ${c.severity} | ${c.entra ? 'yes' : 'no'} | ${cell(c.reference, 200)} | ${cell(c.message)}${c.hint ? `<br>**Fix:** ${cell(c.hint)}` : ''} |`;
      if (!out.fit(row)) break;
      shown++;
    }
    out.add('');
    if (shown < problems.length) out.add(truncated(problems.length - shown, 'failure'), '');
  }

  // Mapping rows: failed and errored rows in full, per app, with a count of the others.
  const mappings = report.mappings ?? [];
  if (mappings.length) {
    out.add('### Attribute mappings', '');
    let left = 0;
    for (const app of [...new Set(mappings.map((r) => r.app))]) {
      const rows = mappings.filter((r) => r.app === app);
      const bad = rows.filter((r) => r.outcome === 'failed' || r.outcome === 'errored');
      const count = (o: MappingResult['outcome']) => rows.filter((r) => r.outcome === o).length;
      const tally = (['passed', 'failed', 'errored', 'skipped'] as const).filter((o) => o === 'passed' || count(o)).map((o) => `${count(o)} ${o}`);
      if (!out.fit(`**${cell(app, 200)}**: ${plural(rows.length, 'mapping')}: ${tally.join(', ')}`, '')) {
        left += bad.length;
        continue;
      }
      if (!bad.length) continue;
      if (!out.fit('| result | object | attribute | type | declared | create | read | update | filter | message |', '|---|---|---|---|---|---|---|---|---|---|')) {
        left += bad.length;
        continue;
      }
      let shown = 0;
      for (const r of bad) {
        const ph = r.phases;
        const row = `| ${r.outcome === 'errored' ? '❌ errored' : '❌ failed'} | ${r.object} | ${codeSpan(clip(r.attribute, 200))}${r.matching ? ' (matching)' : ''} | ${cell(r.type, 50)} | ${PHASE_MARK[ph.declared]} | ${PHASE_MARK[ph.create]} | ${PHASE_MARK[ph.read]} | ${PHASE_MARK[ph.update]} | ${PHASE_MARK[ph.filter]} | ${cell(r.message)} |`;
        if (!out.fit(row)) break;
        shown++;
      }
      left += bad.length - shown;
      out.add('');
    }
    if (left) out.add(truncated(left, 'failed mapping row'), '');
  }

  // Cleanup: what the run created and could not delete.
  const cleanup = report.cleanup ?? [];
  const stuck = cleanup.filter((c) => !c.ok);
  if (stuck.length) {
    out.add('### Cleanup problems', '', `${plural(stuck.length, 'object')} the run created could not be deleted; remove ${stuck.length === 1 ? 'it' : 'them'} by hand:`, '');
    out.add('| suite | path | status | message |', '|---|---|---:|---|');
    let shown = 0;
    for (const c of stuck) {
      if (!out.fit(`| ${cell(c.suite, 200)} | ${codeSpan(clip(c.path, 300))} | ${c.status ?? '–'} | ${cell(c.message)} |`)) break;
      shown++;
    }
    out.add('');
    if (shown < stuck.length) out.add(truncated(stuck.length - shown, 'cleanup problem'), '');
  } else if (cleanup.length) {
    out.add(`Cleanup: all ${plural(cleanup.length, 'object')} the run created ${cleanup.length === 1 ? 'was' : 'were'} deleted.`, '');
  }
  return out.text();
}

function truncated(n: number, what: string): string {
  return `> ⚠️ ${plural(n, `more ${what}`)} ${n === 1 ? 'is' : 'are'} not listed: the step summary is limited to 1 MiB. See the JSON report (\`--report-json\`) or the HTML report for all of them.`;
}

/** A Markdown table cell: one line, Markdown and HTML punctuation escaped, `|` escaped, newlines as `<br>`. */
export function cell(s: string, max = MAX_CELL): string {
  return clip(s, max)
    .replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`)
    .replace(/\r\n?|\n/g, '<br>');
}

/** Inline code; `|` escaped for tables (GFM unescapes it inside code spans in tables), newlines as spaces. */
function codeSpan(s: string): string {
  const t = s.replace(/\r\n?|\n/g, ' ').replace(/\|/g, '\\|');
  const fence = t.includes('`') ? '``' : '`';
  const pad = fence.length > 1 || t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** At most `max` UTF-16 units, ending in `…` when cut (never inside a surrogate pair). */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(s.charAt(end - 1))) end--;
  return `${s.slice(0, end)}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
