/** What an interop test pins: the failed or errored checks and mapping rows of a run, and a readable list of why. */
import type { RunResult } from '../../src/core/runner/runner.js';

const bad = (o: string) => o === 'failed' || o === 'errored';

export const failingChecks = (r: RunResult): string[] => r.checks.filter((c) => bad(c.outcome)).map((c) => c.id).sort();

export const failingRows = (r: RunResult): string[] => r.mappings.filter((m) => bad(m.outcome)).map((m) => `${m.app}/${m.object}/${m.attribute}`).sort();

/** One line per failure, for the assertion message. */
export const explain = (r: RunResult): string =>
  [
    ...r.checks.filter((c) => bad(c.outcome)).map((c) => `${c.id}: ${c.outcome}: ${c.message}`),
    ...r.mappings.filter((m) => bad(m.outcome)).map((m) => `${m.app}/${m.object}/${m.attribute}: ${m.message}`),
  ].join('\n');
