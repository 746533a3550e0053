/**
 * Report files and CI integrations, each a function of the (already redacted) JSON result. Reporters are imported
 * only when asked for, so that they cost nothing at start-up.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Report } from '../core/report/model.js';
import type { FailOn } from '../core/result.js';
import type { Suite } from '../core/suite/model.js';

export interface ReportFileFlags {
  junit?: string;
  html?: string;
  har?: string;
}

function write(flag: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new ConfigError(`--${flag}: cannot write ${file}: ${(err as Error).message}`);
  }
}

export async function writeReportFiles(report: Report, flags: ReportFileFlags): Promise<void> {
  if (flags.junit) write('junit', flags.junit, (await import('../core/report/junit.js')).toJUnit(report));
  if (flags.html) write('html', flags.html, (await import('../core/report/html.js')).toHtml(report));
  if (flags.har) write('har', flags.har, `${JSON.stringify((await import('../core/report/har.js')).toHar(report), null, 2)}\n`);
}

/**
 * In GitHub Actions (GITHUB_ACTIONS=true): annotations for failures on stdout (not with --json, whose stdout is the
 * JSON alone) and a Markdown summary appended to $GITHUB_STEP_SUMMARY.
 */
export async function githubActions(report: Report, suites: Suite[], failOn: FailOn, out: (line: string) => void, json: boolean, env = process.env): Promise<void> {
  if (env.GITHUB_ACTIONS !== 'true') return;
  const gh = await import('../core/report/github.js');
  if (!json) {
    const suiteFiles = Object.fromEntries(suites.map((s) => [s.id, relative(process.cwd(), s.file) || s.file]));
    for (const line of gh.githubAnnotations(report, { suiteFiles, failOn })) out(line);
  }
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      appendFileSync(env.GITHUB_STEP_SUMMARY, `${gh.githubStepSummary(report, { failOn })}\n`);
    } catch (err) {
      out(`::warning title=scimcheck::cannot append to GITHUB_STEP_SUMMARY: ${(err as Error).message}`);
    }
  }
}
