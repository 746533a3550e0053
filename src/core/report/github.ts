/**
 * GitHub Actions output of a report: workflow-command annotations (`::error` / `::warning` lines on stdout, which the
 * runner turns into annotations on the job and the pull request) and the Markdown of the job's step summary (appended
 * to `$GITHUB_STEP_SUMMARY`). Both are pure functions of the (already redacted) report; the CLI decides when to emit.
 *
 * GitHub shows at most 10 annotations of each type per step and accepts at most 1 MiB of step summary per step, so
 * annotations are capped (errors first) with a closing `::notice`, and the summary is cut off with a note.
 */
import { isAbsolute, relative } from 'node:path';
import type { Report } from '../model/report.js';
import type { CreateReporter } from './reporter.js';
import type { CheckResult, MappingResult, Phase } from '../model/verdict.js';

/** GitHub shows at most this many annotations of each type (error, warning, notice) per step. */
export const ANNOTATIONS_PER_TYPE = 10;
/** The step summary stays at or below this many bytes (GitHub refuses a step summary above 1 MiB). */
export const STEP_SUMMARY_MAX_BYTES = 1_000_000;
/** Longest message of an annotation (before its rule and fix): a check message can quote a response body. */
const MAX_MESSAGE = 4000;
/** Longest table cell (characters) in the step summary. */
const MAX_CELL = 1000;

export interface AnnotationOptions {
  /**
   * The YAML file of each suite, by suite id (`users-crud` → `suites/users-crud.yaml`), relative to the repository
   * root, so that GitHub links the annotation to it. Mapping rows look up `app:<profile id>` (the profile's file).
   * A check that knows its own position (`source`) is linked to its step's line instead.
   */
  suiteFiles?: Record<string, string>;
  /** The working directory (the repository root in a workflow): sources outside it are not linked. */
  cwd?: string;
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
  /** `failed`, `errored`, or `warning` (a failed or errored check that does not count: a warning, a known failure, a blocked check). */
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
  const problems = problemsOf(report);
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');
  const lines = [...errors.slice(0, ANNOTATIONS_PER_TYPE), ...warnings.slice(0, ANNOTATIONS_PER_TYPE)].map((p) => annotation(p, opts));
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

function annotation(p: Problem, opts: AnnotationOptions): string {
  const suiteFiles = opts.suiteFiles;
  const props: string[] = [];
  let title: string;
  let message: string;
  let file: string | undefined;
  let at: string[] = [];
  if (p.check) {
    const c = p.check;
    title = clip(c.id, 200);
    const fix = c.hint && !c.blockedBy ? `; fix: ${clip(c.hint, 1000)}` : '';
    message = `${clip(c.message, MAX_MESSAGE)} (${clip(c.reference, 200)}${fix})`;
    file = suiteFiles?.[c.suite];
    const src = c.source && inside(c.source.file, opts.cwd);
    if (src) {
      file = src;
      at = [`line=${c.source!.line}`, `col=${c.source!.column}`];
    }
  } else {
    const m = p.mapping!;
    title = `${m.app}/${m.object} ${m.attribute}`;
    message = clip(m.message, MAX_MESSAGE);
    file = suiteFiles?.[`app:${m.app}`];
  }
  if (file) props.push(`file=${escapeProperty(file)}`, ...at);
  props.push(`title=${escapeProperty(title)}`);
  return `::${p.level} ${props.join(',')}::${escapeData(message)}`;
}

/** A source file as a path relative to `cwd`, or undefined when it lies outside (a built-in suite of an installed package). */
function inside(file: string, cwd = process.cwd()): string | undefined {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : undefined;
}

/**
 * Errors (in report order: checks, then mapping rows) followed by warnings. An error is a verdict that counts (the
 * policy decided it: report/model `counts`); a failed or errored check that does not count is a warning.
 */
function problemsOf(report: Report): Problem[] {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  for (const c of report.checks) {
    if (c.outcome !== 'failed' && c.outcome !== 'errored') continue;
    if (c.counts) errors.push({ level: 'error', kind: c.outcome, check: c });
    else warnings.push({ level: 'warning', kind: 'warning', check: c });
  }
  for (const m of report.mappings ?? []) {
    if (m.outcome !== 'failed' && m.outcome !== 'errored') continue;
    if (m.counts) errors.push({ level: 'error', kind: m.outcome, mapping: m });
    else warnings.push({ level: 'warning', kind: 'warning', mapping: m });
  }
  return [...errors, ...warnings];
}

// ---------------------------------------------------------------------------------------------------------------
// Step summary

/**
 * A block of the summary whose rows can be left out: `head` (a tally line, a table header) and `tail` come with the
 * rows or go with them; `note(n)` says that n rows were left out.
 */
interface Block {
  head: string[];
  rows: string[];
  tail: string[];
  note: (left: number) => string;
}

const PHASE_MARK: Record<Phase, string> = { passed: '✅', failed: '❌', errored: '⚠️', skipped: '⏭️', 'n/a': '–' };

/**
 * The Markdown step summary: verdict and target, the counts, a table of failures (errors first, then warnings), the
 * failed mapping rows per app (with a count of the rest), and cleanup problems. Never more than
 * STEP_SUMMARY_MAX_BYTES (GitHub's limit is 1 MiB): when everything does not fit, the tables share the room, the
 * smallest first (so a few mapping or cleanup problems are never crowded out by thousands of failed checks), and
 * each says how many rows it left out.
 */
export function githubStepSummary(report: Report): string {
  const s = report.summary;
  const verdict = report.exitCode === 0 ? '✅ scimcheck passed' : report.exitCode === 3 ? '❌ scimcheck could not reach the target' : '❌ scimcheck failed';
  const facts = [`exit code ${report.exitCode}`, `${codeSpan(`scimcheck ${clip(report.command, 50)}`, false)} ${cell(report.tool.version, 50)}`];
  if (report.runId) facts.push(`run ${codeSpan(clip(report.runId, 50), false)}`);
  if (report.dialects?.length) facts.push(`dialects ${cell(report.dialects.join(', '), 100)}`);
  facts.push(`${s.durationMs} ms`);
  const m = s.mappings;
  // The document: fixed lines and blocks, in order.
  const parts: (string | Block)[] = [
    `## ${verdict}: ${codeSpan(clip(report.target.baseUrl, 500), false)}`,
    '',
    facts.join(' · '),
    '',
    '| | passed | failed | errored | skipped | warnings |',
    '|---|---:|---:|---:|---:|---:|',
    `| checks | ${s.passed} | ${s.failed} | ${s.errored} | ${s.skipped} | ${s.warnings} |`,
    ...(m ? [`| mappings | ${m.passed} | ${m.failed} | ${m.errored} | ${m.skipped} | – |`] : []),
    '',
  ];

  // Failures: checks that failed or errored, errors first.
  const problems = problemsOf(report).filter((p) => p.check);
  if (problems.length) {
    parts.push('### Failures', '', {
      head: ['| result | check | severity | Entra | reference | message |', '|---|---|---|---|---|---|'],
      rows: problems.map((p) => {
        const c = p.check!;
        const result = p.kind !== 'warning' ? (p.kind === 'errored' ? '❌ errored' : '❌ failed') : c.baseline === 'known' ? '⚠️ known' : c.blockedBy ? '⚠️ blocked' : '⚠️ warning';
        const fix = c.hint && !c.blockedBy ? `<br>**Fix:** ${cell(c.hint)}` : '';
        return `| ${result} | ${codeSpan(clip(c.id, 200))} | ${c.severity} | ${c.entra ? 'yes' : 'no'} | ${cell(c.reference, 200)} | ${cell(c.message)}${fix} |`;
      }),
      tail: [''],
      note: (n) => truncated(n, 'failure'),
    });
  }

  // Mapping rows: failed and errored rows in full, per app, with a count of the others.
  const mappings = report.mappings ?? [];
  if (mappings.length) {
    parts.push('### Attribute mappings', '');
    const byApp = new Map<string, MappingResult[]>();
    for (const r of mappings) {
      const list = byApp.get(r.app);
      if (list) list.push(r);
      else byApp.set(r.app, [r]);
    }
    for (const [app, rows] of byApp) {
      const bad = rows.filter((r) => r.outcome === 'failed' || r.outcome === 'errored');
      const count = (o: MappingResult['outcome']) => rows.filter((r) => r.outcome === o).length;
      const tally = (['passed', 'failed', 'errored', 'skipped'] as const).filter((o) => o === 'passed' || count(o)).map((o) => `${count(o)} ${o}`);
      parts.push({
        head: [
          `**${cell(app, 200)}**: ${plural(rows.length, 'mapping')}: ${tally.join(', ')}`,
          '',
          ...(bad.length ? ['| result | object | attribute | type | declared | create | read | update | filter | message |', '|---|---|---|---|---|---|---|---|---|---|'] : []),
        ],
        rows: bad.map((r) => {
          const ph = r.phases;
          const marks = [ph.declared, ph.create, ph.read, ph.update, ph.filter].map((x) => PHASE_MARK[x]).join(' | ');
          const attr = `${codeSpan(clip(r.attribute, 200))}${r.matching ? ' (matching)' : ''}`;
          const result = r.counts ? (r.outcome === 'errored' ? '❌ errored' : '❌ failed') : r.baseline === 'known' ? '⚠️ known' : '⚠️ warning';
          return `| ${result} | ${cell(r.object, 20)} | ${attr} | ${cell(r.type, 50)} | ${marks} | ${cell(r.message)} |`;
        }),
        tail: bad.length ? [''] : [],
        note: (n) => truncated(n, 'failed mapping row', ` of ${cell(app, 200)}`),
      });
    }
  }

  // Cleanup: what the run created and could not delete.
  const cleanup = report.cleanup ?? [];
  const stuck = cleanup.filter((c) => !c.ok);
  if (stuck.length) {
    parts.push('### Cleanup problems', '', {
      head: [
        `${plural(stuck.length, 'object')} the run created could not be deleted; remove ${stuck.length === 1 ? 'it' : 'them'} by hand:`,
        '',
        '| suite | path | status | message |',
        '|---|---|---:|---|',
      ],
      rows: stuck.map((c) => `| ${cell(c.suite, 200)} | ${codeSpan(clip(c.path, 300))} | ${c.status ?? '–'} | ${cell(c.message)} |`),
      tail: [''],
      note: (n) => truncated(n, 'cleanup problem'),
    });
  } else if (cleanup.length) {
    parts.push(`Cleanup: all ${plural(cleanup.length, 'object')} the run created ${cleanup.length === 1 ? 'was' : 'were'} deleted.`, '');
  }
  return render(parts, STEP_SUMMARY_MAX_BYTES);
}

const bytesOf = (lines: string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l, 'utf8') + 1, 0);

/** Joins the parts, fitting the blocks into `limit` bytes (fixed lines and notes come first). */
function render(parts: (string | Block)[], limit: number): string {
  const blocks = parts.filter((p): p is Block => typeof p !== 'string');
  const fixed = bytesOf(parts.filter((p): p is string => typeof p === 'string'));
  const NOTE_ROOM = 1024;
  // Water-filling: each block, smallest first, gets what it needs or an equal share of what is left.
  const allowance = new Map<Block, number>();
  let room = limit - fixed - 1024;
  const bySize = blocks.map((b) => ({ b, need: bytesOf([...b.head, ...b.rows, ...b.tail]) })).sort((x, y) => x.need - y.need);
  bySize.forEach(({ b, need }, i) => {
    const share = Math.max(0, Math.min(need, Math.floor(room / (bySize.length - i))));
    allowance.set(b, share);
    room -= share;
  });
  const lines: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      lines.push(p);
      continue;
    }
    const allow = allowance.get(p)!;
    const frame = bytesOf([...p.head, ...p.tail]);
    if (frame + bytesOf(p.rows) <= allow) {
      lines.push(...p.head, ...p.rows, ...p.tail);
      continue;
    }
    if (!p.rows.length) continue; // a tally without rows that does not fit: left out (only with absurd input)
    // Truncated: room for the note first, then the head, then as many rows as fit.
    let left = allow - NOTE_ROOM - frame;
    const rows: string[] = [];
    for (const r of p.rows) {
      const n = bytesOf([r]);
      if (n > left) break;
      rows.push(r);
      left -= n;
    }
    if (rows.length || allow - NOTE_ROOM >= frame) lines.push(...p.head, ...rows, ...p.tail);
    lines.push(p.note(p.rows.length - rows.length), '');
  }
  let text = lines.join('\n') + '\n';
  if (Buffer.byteLength(text, 'utf8') > limit) {
    // Only with absurd input (thousands of apps): cut at a line and say so.
    const cut = Buffer.from(text, 'utf8').subarray(0, limit - NOTE_ROOM).toString('utf8');
    text = `${cut.slice(0, cut.lastIndexOf('\n') + 1)}\n> ⚠️ The rest is not listed: the step summary is limited to 1 MiB. See the JSON report (\`--report-json\`).\n`;
  }
  return text;
}

function truncated(n: number, what: string, suffix = ''): string {
  return `> ⚠️ ${plural(n, `more ${what}`)}${suffix} ${n === 1 ? 'is' : 'are'} not listed: the step summary is limited to 1 MiB. See the JSON report (\`--report-json\`) or the HTML report for all of them.`;
}

/** A Markdown table cell: one line, Markdown and HTML punctuation escaped, `|` escaped, newlines as `<br>`. */
export function cell(s: string, max = MAX_CELL): string {
  return clip(s, max)
    .replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`)
    .replace(/\r\n?|\n/g, '<br>');
}

/** Inline code, newlines as spaces; in a table `|` is escaped (GFM unescapes it inside code spans in tables). */
function codeSpan(s: string, inTable = true): string {
  let t = s.replace(/\r\n?|\n/g, ' ');
  if (inTable) t = t.replace(/\|/g, '\\|');
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

/**
 * In GitHub Actions (GITHUB_ACTIONS=true): annotations for failures on stdout (not with --json, whose stdout is the
 * JSON alone) and a Markdown summary appended to $GITHUB_STEP_SUMMARY.
 */
export const create: CreateReporter = (io, _info, opts) => ({
  report: async (report) => {
    if (!opts.json) for (const line of githubAnnotations(report, { cwd: io.cwd })) io.out(line);
    const file = io.env.GITHUB_STEP_SUMMARY;
    if (!file) return;
    const { appendFileSync } = await import('node:fs');
    try {
      appendFileSync(file, `${githubStepSummary(report)}\n`);
    } catch (err) {
      io.out(`::warning title=scimcheck::cannot append to GITHUB_STEP_SUMMARY: ${(err as Error).message}`);
    }
  },
});
