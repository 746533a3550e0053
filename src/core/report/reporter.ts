/**
 * The reporter interface. A reporter hears the run's events as they happen (`onEvent`), is told when the run is over
 * (`close`, also when it failed), and gets the final, redacted result (`report`). It decides nothing: which verdicts
 * count, the exit code, `--fail-on` and the baseline are all in what it is given. Reporters are listed in
 * registry.ts and loaded only when wanted.
 */
import { writeFileSync } from 'node:fs';
import type { ChalkInstance } from 'chalk';
import { ConfigError } from '../errors.js';
import type { RunEvent } from '../model/events.js';
import type { Report } from '../model/report.js';
import type { FailOn } from '../model/verdict.js';

/** Where a reporter writes for people: both already redacted. */
export interface ReporterIO {
  out(line: string): void;
  err(line: string): void;
  ch: ChalkInstance;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stdout is a terminal. */
  isTTY: boolean;
}

/** What the run is about to do, for reporters that draw it before it starts (the live view, headings). */
export interface RunInfo {
  command: string;
  baseUrl: string;
  /** A few words after the heading: `(7 suites, 5 app profiles)`. */
  scope?: string;
  suites: { id: string; title: string }[];
  profiles: { id: string; title: string; rows: number }[];
  /** Which failed checks count (`--fail-on`), for reporters that explain a verdict before the report exists. */
  failOn: FailOn;
}

/** What the user asked for: which reporters are wanted and where they write. */
export interface ReporterOptions {
  /** --json: stdout is the JSON result alone. */
  json: boolean;
  /** --verbose: exchanges are printed as they happen (the live view would garble them). */
  verbose: boolean;
  reportJson?: string;
  junit?: string;
  html?: string;
  har?: string;
}

export interface Reporter {
  onEvent?(e: RunEvent): void;
  close?(): void | Promise<void>;
  report?(report: Report): void | Promise<void>;
}

export type CreateReporter = (io: ReporterIO, info: RunInfo, opts: ReporterOptions) => Reporter | Promise<Reporter>;

/** Writes a report file; a failure is a one-line error naming the flag. */
export function writeReportFile(flag: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new ConfigError(`--${flag}: cannot write ${file}: ${(err as Error).message}`);
  }
}
