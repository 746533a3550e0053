import { writeFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { checkPrinter, printSummary, runReport } from '../cli/output.js';
import { selectSuites, type SuiteSelection } from '../cli/suites.js';
import { selectProfiles, wantsProfiles, type ProfileSelection } from '../cli/profiles.js';
import type { Profile } from '../core/mapping/profile.js';
import type { Suite } from '../core/suite/model.js';
import { mappingTables } from '../core/report/mappings.js';
import { checkDetails, checkLine } from '../core/report/text.js';
import { startLiveView } from '../cli/live.js';
import { githubActions, writeReportFiles, type ReportFileFlags } from '../cli/report-files.js';
import { targetFlags } from '../cli/target-flags.js';
import { ConfigError } from '../core/errors.js';
import { ScimClient } from '../core/http/client.js';
import { runSuites, type RunResult } from '../core/runner/runner.js';
import type { Dialect } from '../core/suite/model.js';
import type { CheckResult, FailOn } from '../core/result.js';
import { applyBaseline, exitCodeWithBaseline, readBaseline, writeBaseline } from '../core/baseline.js';
import { randomBytes } from 'node:crypto';
import { Ledger } from '../core/safety/ledger.js';
import type { Report } from '../core/report/model.js';

export const runFlags = {
  suite: Flags.string({ summary: 'Run only this suite (repeatable; see scimcheck suites).', multiple: true, helpValue: 'ID' }),
  'suite-file': Flags.string({ summary: 'Also run the suite in this YAML file (repeatable).', multiple: true, helpValue: 'FILE' }),
  tag: Flags.string({ summary: 'Run only suites with this tag (repeatable): read-only, write, entra, rfc.', multiple: true, helpValue: 'TAG' }),
  check: Flags.string({ summary: 'Run only this check, with the steps it depends on (repeatable).', multiple: true, helpValue: 'ID' }),
  dialect: Flags.string({ summary: "Keep one of Entra's PATCH dialects (default: both).", options: ['entra', 'entra-legacy'] }),
  'read-only': Flags.boolean({ summary: 'Send no write: skip checks that create, change or delete.', default: false }),
  concurrency: Flags.integer({ summary: 'Suites run at once.', default: 4, min: 1, max: 32 }),
  'fail-on': Flags.string({ summary: 'Which failed checks fail the run: must (default), should (MUST and SHOULD), any.', options: ['must', 'should', 'any'], default: 'must' }),
  strict: Flags.boolean({ summary: 'Same as --fail-on any.', default: false }),
  baseline: Flags.string({ summary: 'Known failures (a file written by --write-baseline): fail only on new ones, list the ones now fixed.', helpValue: 'FILE' }),
  'write-baseline': Flags.string({ summary: "Write this run's failures to a baseline file.", helpValue: 'FILE' }),
  ledger: Flags.string({ summary: 'Where to record what the run creates (default: $SCIMCHECK_STATE_DIR, $XDG_STATE_HOME/scimcheck or ~/.local/state/scimcheck).', helpValue: 'FILE' }),
  'report-json': Flags.string({ summary: 'Write the JSON result to this file.', helpValue: 'FILE' }),
  junit: Flags.string({ summary: 'Write a JUnit XML report (GitLab, Jenkins, Azure DevOps: name it TEST-*.xml there).', helpValue: 'FILE' }),
  html: Flags.string({ summary: 'Write one self-contained HTML report (for pre-certification).', helpValue: 'FILE' }),
  har: Flags.string({ summary: 'Write every exchange, redacted, as a HAR 1.2 file.', helpValue: 'FILE' }),
  verbose: Flags.boolean({ char: 'v', summary: 'Print every exchange (redacted) as it happens.', default: false }),
  app: Flags.string({ summary: 'Check the attribute mappings of this app profile (repeatable; `all` for every one; see scimcheck apps).', multiple: true, helpValue: 'ID' }),
  'app-file': Flags.string({ summary: 'Check the attribute mappings of an app profile file of your own (repeatable).', multiple: true, helpValue: 'FILE' }),
  'entra-schema': Flags.string({ summary: "Check the mappings of the schema JSON that Entra's provisioning page downloads.", helpValue: 'FILE' }),
};

export default class Run extends BaseCommand {
  static override summary = 'Run the conformance suites against a SCIM endpoint.';
  static override description = `Runs the built-in YAML suites (and --suite-file ones) against the target: discovery, Test Connection, Entra's user lifecycle in both PATCH dialects, group membership, filters, pagination and projection, error format. Every resource a run creates is deleted at the end.

Exit codes: 0 no check that counts failed (MUST by default; see --fail-on) and none errored (with --baseline: no new failure), 1 otherwise, 2 usage or configuration error, 3 target unreachable.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --base-url https://staging.example.com/scim/v2 --token "$TOKEN"',
    '<%= config.bin %> <%= command.id %> --suite users-crud --dialect entra',
    '<%= config.bin %> <%= command.id %> --read-only --json > result.json',
    '<%= config.bin %> <%= command.id %> --check users-crud/create-returns-201 --verbose',
  ];
  static override enableJsonFlag = true;
  static override flags = { ...targetFlags, ...runFlags };

  async run() {
    const { flags } = await this.parse(Run);
    this.setupOutput(flags.color);
    const json = this.jsonEnabled();
    const { suites, profiles } = selectWork(flags, false);
    const { client, baseUrl } = this.openTarget(flags, flags.verbose);
    try {
      return await executeRun(this, { suites, profiles, client, baseUrl, flags, json, command: 'run', verbose: flags.verbose });
    } finally {
      await client.close();
    }
  }
}

/**
 * What a run covers. Suites unless only apps were asked for; profiles when asked for (and all of them for `demo`
 * when nothing narrows it).
 */
export function selectWork(flags: SuiteSelection & ProfileSelection, demo: boolean): { suites: Suite[]; profiles: Profile[] } {
  const suiteAsked = Boolean(flags.suite?.length || flags['suite-file']?.length || flags.tag?.length || flags.check?.length);
  const appAsked = wantsProfiles(flags);
  const suites = appAsked && !suiteAsked ? [] : selectSuites(flags);
  const profiles = appAsked ? selectProfiles(flags) : demo && !suiteAsked ? selectProfiles({ app: ['all'] }) : [];
  if (suites.length === 0 && profiles.length === 0) throw new ConfigError('no suite matches the given --suite/--tag');
  return { suites, profiles };
}

export interface ExecuteInput {
  /** --verbose prints exchanges as they happen: the live view would garble them. */
  verbose?: boolean;
  suites: Suite[];
  profiles: Profile[];
  client: ScimClient;
  baseUrl: string;
  json: boolean;
  command: string;
  flags: {
    dialect?: string;
    'read-only': boolean;
    concurrency: number;
    strict: boolean;
    'fail-on': string;
    baseline?: string;
    'write-baseline'?: string;
    check?: string[];
    'report-json'?: string;
    ledger?: string;
  } & ReportFileFlags;
}

/** Runs suites and prints them as `run` does; shared with `demo`. */
export async function executeRun(cmd: BaseCommand, input: ExecuteInput) {
  const { flags, json } = input;
  const c = cmd;
  const failOn: FailOn = flags.strict ? 'any' : (flags['fail-on'] as FailOn);
  // A live view on a terminal; plain lines for CI, pipes and files.
  const live = !json && !input.verbose && process.stdout.isTTY === true && !process.env.CI ? await startLiveView(input.suites, input.profiles, c.ch.level > 0) : undefined;
  const baseline = flags.baseline ? readBaseline(flags.baseline) : undefined;
  const print = live ? undefined : checkPrinter((l) => c.out(l), c.ch, json, failOn);
  const buffered = new Map<string, CheckResult[]>();
  const startedAt = new Date().toISOString();
  if (!json) c.out(`${c.ch.bold(`scimcheck ${input.command}`)} ${c.ch.dim('→')} ${input.baseUrl} ${c.ch.dim(`(${plural(input.suites.length, 'suite')}${input.profiles.length ? `, ${plural(input.profiles.length, 'app profile')}` : ''})`)}`);
  // Safety: what the run creates is recorded before each request, and deleted at the end, also after Ctrl-C.
  const runId = randomBytes(4).toString('hex');
  const ledger = Ledger.forRun(runId, input.baseUrl, flags.ledger);
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interruptedBy) {
      c.err(`scimcheck: ${sig} again: stopping now; what the run created is listed in ${ledger.file} (scimcheck cleanup --ledger ${ledger.file})`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    interruptedBy = sig;
    c.err(`scimcheck: ${sig}: finishing the requests under way, then deleting what the run created (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again stops at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: RunResult;
  try {
    result = await runSuites({
      runId,
      ledger,
      signal: controller.signal,
    suites: input.suites,
    client: input.client,
    ...(flags.dialect ? { dialects: [flags.dialect as Dialect] } : {}),
    readOnly: flags['read-only'],
    concurrency: flags.concurrency,
    failOn,
    ...(flags.check?.length ? { checks: flags.check } : {}),
    ...(input.profiles.length ? { profiles: input.profiles } : {}),
    onEvent: (e) => {
      live?.onEvent(e);
      // Suites run concurrently: each suite's checks are printed together when the suite ends.
      if (!print) return;
      if (e.type === 'check') (buffered.get(e.check.suite) ?? buffered.set(e.check.suite, []).get(e.check.suite)!).push(e.check);
      if (e.type === 'suite-end') {
        c.out(`${c.ch.bold(e.suite.id)} ${c.ch.dim(`${e.suite.title} (${e.durationMs} ms)`)}`);
        for (const check of buffered.get(e.suite.id) ?? []) print(check);
      }
    },
    });
  } finally {
    live?.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (live) {
    await live.done;
    // The details of what did not pass, once the live view is drawn.
    for (const check of result.checks.filter((x) => x.outcome === 'failed' || x.outcome === 'errored')) {
      c.out(`  ${checkLine(check, c.ch, failOn)}`);
      for (const l of checkDetails(check, c.ch)) c.out(l);
    }
  }
  if (!json && result.mappings.length) {
    c.out('');
    for (const l of mappingTables(result.mappings, new Map(input.profiles.map((p) => [p.id, p.title])), c.ch)) c.out(l);
  }
  // The last word on each path (the ledger sweep may have tried again after a suite's own cleanup).
  const lastByPath = new Map(result.cleanup.map((x) => [x.path, x]));
  const notDeleted = [...lastByPath.values()].filter((x) => !x.ok);
  for (const x of notDeleted) c.err(c.ch.yellow(`warning: could not delete ${x.path} (suite ${x.suite}): ${x.message}`));
  if (result.ledger.remaining) {
    c.err(c.ch.yellow(`warning: ${result.ledger.remaining} object(s) the run created may remain; they are listed in ${result.ledger.file ?? 'the ledger'}: scimcheck cleanup --ledger ${result.ledger.file ?? 'FILE'}`));
  }
  printSummary((l) => c.out(l), c.ch, json, result.summary);
  const report: Report = c.redactor.json({
    ...runReport(input.command, c.config.version, input.baseUrl, result),
    runId: result.runId,
    startedAt,
    dialects: flags.dialect ? [flags.dialect] : ['entra-legacy', 'entra'],
    ledger: result.ledger,
    ...(interruptedBy ? { interrupted: interruptedBy } : {}),
    suites: result.suites,
    cleanup: result.cleanup,
    mappings: result.mappings,
  });
  if (baseline && flags.baseline) {
    const verdict = applyBaseline(report, baseline, flags.baseline, failOn);
    report.baseline = verdict;
    report.exitCode = exitCodeWithBaseline(report, verdict);
    if (!json) {
      c.out(
        `baseline ${flags.baseline}: ${verdict.known.length} known failure${verdict.known.length === 1 ? '' : 's'}, ` +
          `${verdict.new.length ? c.ch.red(`${verdict.new.length} new`) : c.ch.green('0 new')}, ${verdict.fixed.length} fixed since the baseline`,
      );
      for (const id of verdict.new) c.out(`  ${c.ch.red('new')}    ${id}`);
      for (const id of verdict.fixed) c.out(`  ${c.ch.green('fixed')}  ${id}`);
    }
  }
  if (flags['write-baseline']) {
    const written = writeBaseline(flags['write-baseline'], report, failOn);
    if (!json) c.out(`wrote ${flags['write-baseline']} with ${written.failures.length} known failure${written.failures.length === 1 ? '' : 's'}`);
  }
  await writeReportFiles({ ...report, exchanges: input.client.exchanges }, flags);
  await githubActions(report, input.suites, failOn, (l) => c.out(l), json);
  if (flags['report-json']) {
    try {
      writeFileSync(flags['report-json'], `${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      throw new ConfigError(`--report-json: cannot write ${flags['report-json']}: ${(err as Error).message}`);
    }
  }
  if (interruptedBy) report.exitCode = (interruptedBy === 'SIGINT' ? 130 : 143) as Report['exitCode'];
  process.exitCode = report.exitCode;
  return report;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
