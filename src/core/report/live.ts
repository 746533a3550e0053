/**
 * The live terminal view (a TTY, not CI): one listr2 task per suite and per app profile, updated as checks and
 * mapping rows finish; when the run is over, the details of what did not pass, then the same end as the plain lines
 * (terminal.ts). Verdicts come from scimcheck's own results, never from listr2's task states: a failure that does not
 * count (a warning, a known failure, a blocked check) is not shown as one. listr2 reads its colours from the
 * environment when it loads, so the colour decision is put there first and it is imported lazily.
 */
import type { RunEvent } from '../model/events.js';
import type { CreateReporter } from './reporter.js';
import { checkBlock, heading, printEnd } from './terminal.js';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

export const create: CreateReporter = async (io, info, opts) => {
  io.out(heading(io, info));
  if (io.ch.level > 0) {
    delete process.env.NO_COLOR;
    process.env.FORCE_COLOR = '1';
  } else {
    delete process.env.FORCE_COLOR;
    process.env.NO_COLOR = '1';
  }
  const { Listr } = await import('listr2');
  type Task = { title: string | undefined };
  type State = { d: Deferred; task?: Task; passed: number; bad: number; skipped: number; total?: number; label: string };
  const state = new Map<string, State>();
  for (const s of info.suites) state.set(s.id, { d: deferred(), passed: 0, bad: 0, skipped: 0, label: `${s.id} ${s.title}` });
  for (const p of info.profiles) state.set(`app:${p.id}`, { d: deferred(), passed: 0, bad: 0, skipped: 0, total: p.rows, label: `app ${p.id} (${p.title})` });

  const title = (s: State, unit: string) =>
    `${s.label}: ${s.passed} passed${s.bad ? `, ${s.bad} not` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}${s.total ? ` of ${s.total}` : ''} ${unit}`;

  const tasks = [...state.entries()].map(([key, s]) => ({
    title: s.label,
    task: async (_ctx: unknown, task: Task) => {
      s.task = task;
      await s.d.promise;
      task.title = title(s, key.startsWith('app:') ? 'mappings' : 'checks');
      if (s.bad) throw new Error(`${s.label}: ${s.bad} failed or errored`);
    },
  }));
  // listr2 would register its own SIGINT handler and exit 127 on Ctrl-C, leaving the run's objects and ledger behind:
  // the run's own handler (cli/signals.ts) stops the run, cleans up and exits 130.
  const list = new Listr(tasks, { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: true } });
  const done = list.run().then(
    () => undefined,
    () => undefined,
  );

  const bump = (key: string, outcome: string, counts: boolean, unit: string) => {
    const s = state.get(key);
    if (!s) return;
    if (outcome === 'passed' || (outcome === 'failed' && !counts)) s.passed++;
    else if (outcome === 'skipped' || !counts) s.skipped++;
    else s.bad++;
    if (s.task) s.task.title = title(s, unit);
    if (s.total !== undefined && s.passed + s.bad + s.skipped >= s.total) s.d.resolve();
  };
  return {
    onEvent: (e: RunEvent) => {
      if (e.type === 'check') bump(e.check.suite, e.check.outcome, e.check.counts, 'checks');
      else if (e.type === 'suite-end') state.get(e.suite.id)?.d.resolve();
      else if (e.type === 'mapping') bump(`app:${e.result.app}`, e.result.outcome, e.result.counts, 'mappings');
    },
    close: async () => {
      for (const s of state.values()) s.d.resolve();
      await done;
    },
    report: (report) => {
      // The details of what did not pass, once the live view is drawn.
      for (const c of report.checks) if (c.outcome === 'failed' || c.outcome === 'errored') for (const l of checkBlock(c, io, report.failOn)) io.out(l);
      printEnd(report, io, info, opts.json);
    },
  };
};
