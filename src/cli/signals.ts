/**
 * SIGINT and SIGTERM for commands that create objects (run, demo, test-connection, load): the first signal aborts the
 * work (with the signal's name as the abort reason, which the policy turns into exit 130 or 143) so that what was
 * created is still deleted; a second one stops at once and says where the ledger is.
 */
export interface Interrupts {
  signal: AbortSignal;
  /** The signal that interrupted the work, if one did. */
  readonly by: NodeJS.Signals | undefined;
  /** Stops listening (always call it, also when the work threw). */
  dispose(): void;
}

/**
 * @param err   where to say what happens (stderr, redacted)
 * @param doing what the first signal does, e.g. "finishing the requests under way, then deleting what the run created"
 * @param ledgerFile the file that lists what was created, for the second signal's message
 */
export function trapInterrupts(err: (line: string) => void, doing: string, ledgerFile: () => string | undefined): Interrupts {
  const controller = new AbortController();
  let by: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (by) {
      const file = ledgerFile();
      err(`scimcheck: ${sig} again: stopping now${file ? `; what the run created is listed in ${file} (scimcheck cleanup --ledger ${file})` : ''}`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    by = sig;
    err(`scimcheck: ${sig}: ${doing} (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again stops at once)`);
    controller.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
