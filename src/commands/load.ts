import { randomBytes } from 'node:crypto';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { targetFlags } from '../cli/target-flags.js';
import { ConfigError, ExitCode } from '../core/errors.js';
import { ScimClient } from '../core/http/client.js';
import { createDispatcher } from '../core/http/dispatcher.js';
import { parseDuration } from '../core/load/duration.js';
import { runLoad, THRESHOLDS, type LoadResult } from '../core/load/engine.js';
import { SafetyGuard } from '../core/safety/guard.js';
import { Ledger } from '../core/safety/ledger.js';
import { trapInterrupts } from '../cli/signals.js';

export default class Load extends BaseCommand {
  static override summary = "Check that the endpoint sustains Entra's request rate (25 req/s per tenant).";
  static override description = `Creates a small pool of the run's own users and one group, then sends Entra-like requests at --rps for --duration on an open-loop timetable (a slow server cannot make it send less): about 70% reads (filter by userName, GET user, GET group without members) and 30% writes (PATCH user title/displayName and group membership, Entra's two PATCH dialects alternating). It touches only the objects it created, and deletes them at the end.

Passes when the achieved rate is at least ${THRESHOLDS.minRateFraction * 100}% of --rps, the error rate (non-2xx answers and transport errors) at most ${THRESHOLDS.maxErrorRate * 100}%, and the p95 latency at most ${THRESHOLDS.maxP95Ms} ms. Requests are not retried: a 429 counts as an error. A request that cannot start because --concurrency requests are in flight is counted as not sent on time.

Exit codes: 0 passed, 1 failed, 2 usage or configuration error, 3 target unreachable, 130 interrupted (after cleanup).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --base-url https://staging.example.com/scim/v2 --token "$TOKEN"',
    '<%= config.bin %> <%= command.id %> --rps 50 --duration 2m --json > load.json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...targetFlags,
    rps: Flags.integer({ summary: 'Requests per second to send (Entra: 25 per tenant).', default: 25, min: 1, max: 100_000 }),
    duration: Flags.string({ summary: 'How long to send: 60s, 2m, 500ms, or a number of seconds.', default: '60s', helpValue: 'TIME' }),
    concurrency: Flags.integer({ summary: 'Requests in flight at most; one that cannot start then is counted as not sent on time.', default: 64, min: 1, max: 4096 }),
    users: Flags.integer({ summary: 'Users the run creates for the load (plus one group).', default: 10, min: 1, max: 1000 }),
    ledger: Flags.string({ summary: 'Where to record what the run creates (default: in the state directory, as for run).', helpValue: 'FILE' }),
  };

  async run() {
    const { flags } = await this.parse(Load);
    this.setupOutput(flags.color);
    const json = this.jsonEnabled();
    const durationMs = parseDuration(flags.duration);
    if (durationMs === undefined) throw new ConfigError(`--duration: "${flags.duration}" is not a duration of up to 24h (use e.g. 60s, 2m, 500ms or a number of seconds)`);

    const { client: control, baseUrl } = this.openTarget(flags, false);
    // The load client: its own pool of connections, nothing kept per exchange, and no retry at all: a load test
    // measures the server, and must not hide its refusals (429) or its errors behind retries.
    // --max-rps is a cap the user set for this target: the load's own rate may not go above it. The load client
    // does its own pacing (--rps), so it is built without the client's.
    const maxRps = control.target.maxRps;
    if (maxRps && flags.rps > maxRps) {
      await control.close();
      throw new ConfigError(`--rps ${flags.rps} is above --max-rps ${maxRps} (SCIMCHECK_MAX_RPS or the config file): lower --rps or raise --max-rps`);
    }
    const dispatcher = createDispatcher(control.target, flags.concurrency);
    const load = new ScimClient({ ...control.target, maxRps: 0 }, { redactor: this.redactor, dispatcher, onExchange: () => {}, retry: { retries: 0, backoffMs: 0, maxRetryAfterMs: 0 } });
    const runId = randomBytes(4).toString('hex');
    const mark = `scimcheck-${runId}`;
    const ledger = Ledger.forRun(runId, baseUrl, flags.ledger);
    const guard = new SafetyGuard(ledger, mark);
    control.setGuard(guard);
    load.setGuard(guard);

    const interrupts = trapInterrupts((l) => this.err(l), 'stopping the load, then deleting what the run created', () => ledger.file);

    const ch = this.ch;
    if (!json) {
      this.out(`${ch.bold('scimcheck load')} ${ch.dim('→')} ${baseUrl}`);
      this.out(ch.dim(`  ${flags.rps} req/s for ${fmtMs(durationMs)} (concurrency ${flags.concurrency}), on ${flags.users} users and 1 group of its own (${mark}-…)`));
    }
    let result: LoadResult;
    try {
      result = await runLoad({
        control,
        load,
        ledger,
        mark,
        rps: flags.rps,
        durationMs,
        concurrency: flags.concurrency,
        users: flags.users,
        signal: interrupts.signal,
        ...(json || durationMs < 10_000 ? {} : { onProgress: (p) => {
          const sec = Math.round(p.elapsedMs / 1000);
          if (sec > 0 && sec % 5 === 0) this.out(ch.dim(`  ${sec}s  ${p.sent} sent  ${p.errors} errors`));
        } }),
      });
    } finally {
      interrupts.dispose();
      await load.close();
      await dispatcher.close();
      await control.close();
    }

    let exitCode: number = result.passed ? ExitCode.Ok : ExitCode.Failed;
    if (result.unreachable) exitCode = ExitCode.Unreachable;
    const interruptedBy = interrupts.by;
    if (interruptedBy) exitCode = interruptedBy === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
    if (!json) this.print(result, exitCode);
    if (result.cleanup.remaining) {
      this.err(ch.yellow(`warning: ${result.cleanup.remaining} object(s) the run created may remain; they are listed in ${result.cleanup.ledger ?? ledger.file}: scimcheck cleanup --ledger ${result.cleanup.ledger ?? ledger.file}`));
    }
    process.exitCode = exitCode;
    return this.redactor.json({ command: 'load', version: this.config.version, target: { baseUrl }, runId, ...result, ...(interruptedBy ? { interruptedBy } : {}), exitCode });
  }

  private print(r: LoadResult, exitCode: number): void {
    const ch = this.ch;
    const q = r.requests;
    const errs = Object.entries(r.errors).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
    this.out('');
    this.out(`  requests      ${q.sent} sent (${q.reads} reads, ${q.writes} writes) of ${q.scheduled} scheduled, ${q.notSentOnTime} not sent on time`);
    this.out(`  rate          ${r.achievedRps} req/s achieved over ${fmtMs(r.windowMs)} ${ch.dim(`(needs ≥ ${r.thresholds.minRps}, 95% of ${r.settings.rps})`)}`);
    this.out(`  errors        ${pct(r.errorRate)} (${q.failed} of ${q.completed})${errs ? ` ${errs}` : ''} ${ch.dim(`(needs ≤ ${pct(r.thresholds.maxErrorRate)})`)}`);
    this.out(`  latency       p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms ${ch.dim(`(p95 needs ≤ ${r.thresholds.maxP95Ms} ms)`)}`);
    const c = r.cleanup;
    this.out(`  cleanup       ${c.remaining ? ch.yellow(`${c.deleted} deleted, ${c.remaining} may remain`) : `deleted the ${c.deleted} object(s) the run created`}`);
    this.out('');
    if (exitCode === ExitCode.Unreachable) this.out(ch.red('UNREACHABLE  no request got an answer'));
    else if (r.interrupted) this.out(ch.yellow('INTERRUPTED  the load did not run its full duration'));
    else if (r.passed) this.out(ch.green(`PASSED  sustains ${r.settings.rps} req/s`));
    else this.out(ch.red(`FAILED  ${r.reasons.join('; ')}`));
  }
}

const pct = (x: number) => `${Math.round(x * 10_000) / 100}%`;
const fmtMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(2)}s`);
