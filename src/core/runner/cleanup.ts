/**
 * Cleanup: what a suite registered for deletion is deleted when the suite ends (also when checks failed or the run
 * was interrupted), latest first, groups before users; at the end of the run the ledger is swept for whatever the
 * suites' and rows' own cleanup did not remove (also objects whose create got no answer, found by name).
 */
import type { ScimClient } from '../http/client.js';
import type { CleanupItem } from '../model/verdict.js';
import { deleteAll, sweepLedger } from '../safety/guard.js';
import type { Ledger } from '../safety/ledger.js';

/** The paths one suite asked to delete, in the order they were registered. */
export class SuiteCleanup {
  private readonly paths: string[] = [];

  add(path: string): void {
    if (!this.paths.includes(path)) this.paths.push(path);
  }

  /** Deletes them, latest first; independent DELETEs go out together. */
  run(client: ScimClient, suite: string): Promise<CleanupItem[]> {
    return deleteAll((r) => client.send(r), [...this.paths].reverse(), suite);
  }
}

/** The end-of-run sweep of the ledger. */
export function sweep(ledger: Ledger, client: ScimClient): Promise<CleanupItem[]> {
  return sweepLedger(ledger, (r) => client.send(r));
}
