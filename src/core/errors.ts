/**
 * Exit codes and the error classes that carry them. These numbers are a public contract (README "Exit codes").
 */
export const ExitCode = {
  /** Every check that counts passed. */
  Ok: 0,
  /** A check failed (or could not be judged). */
  Failed: 1,
  /** Bad usage or configuration: flags, environment, config file, suite files. */
  Usage: 2,
  /** The target could not be reached: DNS, connection refused, TLS, timeout. */
  Unreachable: 3,
  /** Interrupted by SIGINT (after cleanup). */
  Interrupted: 130,
  /** Interrupted by SIGTERM (after cleanup). */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can act on. Its message is one line, shown as is, never with a stack trace. */
export class ScimcheckError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    // One line, always: user text quoted into a message may hold line breaks.
    super(message.replace(/\r\n|\r|\n/g, '\\n'));
    this.name = 'ScimcheckError';
    this.exitCode = exitCode;
  }
}

/** Bad flags, environment values or configuration files (exit 2). */
export class ConfigError extends ScimcheckError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
    this.name = 'ConfigError';
  }
}
