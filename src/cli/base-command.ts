import { Command, Flags } from '@oclif/core';
import { ExitCode, ScimcheckError } from '../core/errors.js';
import { ScimClient } from '../core/http/client.js';
import { Redactor } from '../core/http/redact.js';
import { exchangeLines } from '../core/report/text.js';
import { resolveTarget } from '../core/target/resolve.js';
import { targetFlagValues } from './target-flags.js';
import { chalkFor, decideColor } from '../core/report/color.js';
import type { ChalkInstance } from 'chalk';
import type { ReporterIO } from '../core/report/reporter.js';

/**
 * What every scimcheck command shares: colour decided once, output that passes through the redactor, and errors
 * turned into one line and an exit code (never a stack trace; SCIMCHECK_DEBUG=1 shows one).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    color: Flags.boolean({ summary: 'Force colour on or off (default: on for a terminal, off when NO_COLOR is set).', allowNo: true, helpGroup: 'OUTPUT' }),
  };

  /** Secrets known so far; commands add the target's as soon as it is resolved. */
  redactor = new Redactor();
  ch: ChalkInstance = chalkFor(false);

  /**
   * Resolves the target from flags, environment and config file, arms the redactor with its secrets, prints its
   * warnings, and opens the SCIM client (printing every exchange with --verbose).
   */
  protected openTarget(flags: Record<string, unknown>, verbose: boolean): { client: ScimClient; baseUrl: string } {
    const target = resolveTarget({ flags: targetFlagValues(flags), env: process.env, cwd: process.cwd() });
    this.redactor = new Redactor(target.secrets);
    for (const w of target.warnings) this.err(this.ch.yellow(`warning: ${w}`));
    const client = new ScimClient(target, {
      redactor: this.redactor,
      ...(verbose && !this.jsonEnabled() ? { onExchange: (e) => exchangeLines(e, this.ch).forEach((l) => this.out(l)) } : {}),
    });
    return { client, baseUrl: this.redactor.url(target.baseUrl.toString()) };
  }

  protected setupOutput(colorFlag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): void {
    this.ch = chalkFor(decideColor({ flag: colorFlag, env: process.env, isTTY: Boolean(stream.isTTY) }));
  }

  /** Where reporters write: this command's redacted stdout and stderr, its colours, environment and terminal. */
  reporterIO(): ReporterIO {
    return { out: (l) => this.out(l), err: (l) => this.err(l), ch: this.ch, env: process.env, cwd: process.cwd(), isTTY: process.stdout.isTTY === true };
  }

  /**
   * The --json output: plain JSON, pretty-printed, written as it is. oclif's default colourises it with regular
   * expressions, which overflowed the stack on a valid 8 MB body; the JSON result is for machines anyway.
   */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  /** Writes a line to stdout, redacted. */
  out(line = ''): void {
    process.stdout.write(`${this.redactor.text(line)}\n`);
  }

  /** Writes a line to stderr, redacted. */
  err(line: string): void {
    process.stderr.write(`${this.redactor.text(line)}\n`);
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    this.parsed = true; // a parse error is reported below; oclif need not warn that parse() was skipped
    let code: number;
    let message: string;
    if (error instanceof ScimcheckError) {
      code = error.exitCode;
      message = error.message;
    } else if (error.oclif?.exit !== undefined || error.name === 'CLIError' || /Parse|Flag|Arg/.test(error.constructor?.name ?? '')) {
      // oclif's own usage errors: unknown flag, missing value, ...
      if (error.oclif?.exit === 0) return;
      code = ExitCode.Usage;
      message = error.message.split('\n').filter((l) => l.trim() && !/^\s*See more help/.test(l)).map((l) => l.trim()).join(' ');
    } else {
      code = ExitCode.Failed;
      message = `internal error: ${error.message} (run with SCIMCHECK_DEBUG=1 for details, and please report it)`;
    }
    this.err(`scimcheck: ${message}`);
    if (process.env.SCIMCHECK_DEBUG && error.stack) this.err(error.stack);
    if (this.jsonEnabled()) this.out(JSON.stringify({ error: { exitCode: code, message: this.redactor.text(message) } }, null, 2));
    process.exitCode = code;
  }
}
