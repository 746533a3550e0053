/** What a run tells its reporters as it goes (the live view, the terminal lines). */
import type { CheckResult, CleanupItem, MappingResult } from './verdict.js';

export interface SuiteRef {
  id: string;
  title: string;
}

export type RunEvent =
  | { type: 'suite-start'; suite: SuiteRef }
  | { type: 'check'; check: CheckResult }
  | { type: 'suite-end'; suite: SuiteRef; durationMs: number }
  | { type: 'cleanup'; item: CleanupItem }
  | { type: 'mapping'; result: MappingResult };
