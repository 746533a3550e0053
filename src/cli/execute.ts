/**
 * What `run`, `demo` and `test-connection` share once their flags are parsed: the policy from --fail-on and the
 * baseline, the reporters the user asked for, the interrupt handling, the run, the redacted JSON result, the
 * baseline file, and the exit code (decided by the policy, never here).
 */
import { randomBytes } from 'node:crypto';
import { readBaseline, writeBaseline } from '../core/baseline.js';
import type { ScimClient } from '../core/http/client.js';
import type { Profile } from '../core/mapping/profile.js';
import type { RunEvent } from '../core/model/events.js';
import type { Report } from '../core/model/report.js';
import type { FailOn } from '../core/model/verdict.js';
import { openReporters } from '../core/report/registry.js';
import type { ReporterOptions } from '../core/report/reporter.js';
import { Policy } from '../core/runner/policy.js';
import { runSuites, type RunResult } from '../core/runner/runner.js';
import { Ledger } from '../core/safety/ledger.js';
import type { Dialect, Suite } from '../core/suite/model.js';
import type { BaseCommand } from './base-command.js';
import { trapInterrupts } from './signals.js';

/** Flags every running command shares (run and demo have them all; test-connection a few). */
export interface RunFlags {
  dialect?: string;
  'read-only'?: boolean;
  concurrency?: number;
  strict?: boolean;
  'fail-on'?: string;
  baseline?: string;
  'write-baseline'?: string;
  check?: string[];
  'report-json'?: string;
  junit?: string;
  html?: string;
  har?: string;
  ledger?: string;
  verbose?: boolean;
}

export interface ExecuteInput {
  command: string;
  baseUrl: string;
  client: ScimClient;
  suites: Suite[];
  profiles: Profile[];
  flags: RunFlags;
  /** The run itself, when it is not runSuites over `suites` (Test Connection); it gets what runSuites would. */
  run?: (common: { policy: Policy; signal: AbortSignal; onEvent: (e: RunEvent) => void }) => Promise<RunResult>;
  /** Record what the run creates in a ledger file (run, demo); default true. */
  ledgerFile?: boolean;
}

export async function executeRun(cmd: BaseCommand, input: ExecuteInput): Promise<Report> {
  const { flags } = input;
  const json = cmd.jsonEnabled();
  const failOn: FailOn = flags.strict ? 'any' : ((flags['fail-on'] ?? 'must') as FailOn);
  const baseline = flags.baseline ? { file: flags.baseline, failures: readBaseline(flags.baseline).failures } : undefined;
  const policy = new Policy({ failOn, ...(baseline ? { baseline } : {}) });
  // With --check, only the suites of the checks run.
  const suites = flags.check?.length ? input.suites.filter((s) => flags.check!.some((c) => c.startsWith(`${s.id}/`))) : input.suites;
  const scope = input.command === 'test-connection' ? undefined : `(${plural(suites.length, 'suite')}${input.profiles.length ? `, ${plural(input.profiles.length, 'app profile')}` : ''})`;
  const opts: ReporterOptions = {
    json,
    verbose: flags.verbose === true,
    ...(flags['report-json'] ? { reportJson: flags['report-json'] } : {}),
    ...(flags.junit ? { junit: flags.junit } : {}),
    ...(flags.html ? { html: flags.html } : {}),
    ...(flags.har ? { har: flags.har } : {}),
  };
  const reporters = await openReporters(
    cmd.reporterIO(),
    {
      command: input.command,
      baseUrl: input.baseUrl,
      ...(scope ? { scope } : {}),
      suites: suites.map((s) => ({ id: s.id, title: s.title })),
      profiles: input.profiles.map((p) => ({ id: p.id, title: p.title, rows: p.rows.length })),
      failOn,
    },
    opts,
  );
  // Safety: what the run creates is recorded before each request, and deleted at the end, also after Ctrl-C.
  const runId = randomBytes(4).toString('hex');
  const ledger = input.ledgerFile === false ? Ledger.inMemory(runId, input.baseUrl) : Ledger.forRun(runId, input.baseUrl, flags.ledger);
  const interrupts = trapInterrupts((l) => cmd.err(l), 'finishing the requests under way, then deleting what the run created', () => ledger.file);
  const startedAt = new Date().toISOString();
  let result: RunResult;
  try {
    const common = { policy, signal: interrupts.signal, onEvent: (e: RunEvent) => reporters.onEvent(e) };
    result = input.run
      ? await input.run(common)
      : await runSuites({
          ...common,
          runId,
          ledger,
          suites: input.suites,
          client: input.client,
          ...(flags.dialect ? { dialects: [flags.dialect as Dialect] } : {}),
          readOnly: flags['read-only'] === true,
          ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
          ...(flags.check?.length ? { checks: flags.check } : {}),
          ...(input.profiles.length ? { profiles: input.profiles } : {}),
        });
  } finally {
    await reporters.close();
    interrupts.dispose();
  }
  const report: Report = cmd.redactor.json({
    tool: { name: 'scimcheck', version: cmd.config.version },
    command: input.command,
    target: { baseUrl: input.baseUrl },
    exitCode: result.exitCode,
    failOn: result.failOn,
    summary: result.summary,
    checks: result.checks,
    runId: result.runId,
    startedAt,
    ...(input.run ? {} : { dialects: flags.dialect ? [flags.dialect] : ['entra-legacy', 'entra'] }),
    ...(input.run ? {} : { ledger: result.ledger }),
    ...(interrupts.by ? { interrupted: interrupts.by } : {}),
    suites: result.suites,
    ...(input.run ? {} : { cleanup: result.cleanup, mappings: result.mappings }),
    ...(result.baseline ? { baseline: result.baseline } : {}),
  });
  const written = flags['write-baseline'] ? writeBaseline(flags['write-baseline'], report, failOn) : undefined;
  await reporters.report({ ...report, exchanges: input.client.exchanges });
  if (written && !json) cmd.out(`wrote ${flags['write-baseline']} with ${plural(written.failures.length, 'known failure')}`);
  process.exitCode = report.exitCode;
  return report;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
