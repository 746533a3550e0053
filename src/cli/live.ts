/**
 * The live terminal view (a TTY, not CI): one listr2 task per suite and per app profile, updated as checks and
 * mapping rows finish. Verdicts come from scimcheck's own results, never from listr2's task states. listr2 reads
 * its colours from the environment when it loads, so the colour decision is put there first and it is imported
 * lazily (it is also kept out of start-up that way).
 */
import type { Profile } from '../core/mapping/profile.js';
import type { RunEvent } from '../core/runner/runner.js';
import type { Suite } from '../core/suite/model.js';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

export interface LiveView {
  onEvent: (e: RunEvent) => void;
  /** Resolves when the view has drawn its last frame. */
  done: Promise<void>;
  /** Called when the run is over (also on failure), so that every task ends. */
  finish: () => void;
}

export async function startLiveView(suites: Suite[], profiles: Profile[], color: boolean): Promise<LiveView> {
  if (color) {
    delete process.env.NO_COLOR;
    process.env.FORCE_COLOR = '1';
  } else {
    delete process.env.FORCE_COLOR;
    process.env.NO_COLOR = '1';
  }
  const { Listr } = await import('listr2');
  type Task = { title: string | undefined };
  const state = new Map<string, { d: Deferred; task?: Task; passed: number; bad: number; skipped: number; total?: number; label: string }>();
  for (const s of suites) state.set(s.id, { d: deferred(), passed: 0, bad: 0, skipped: 0, label: `${s.id} ${s.title}` });
  for (const p of profiles) state.set(`app:${p.id}`, { d: deferred(), passed: 0, bad: 0, skipped: 0, total: p.rows.length, label: `app ${p.id} (${p.title})` });

  const title = (s: { passed: number; bad: number; skipped: number; total?: number; label: string }, unit: string) =>
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
  const list = new Listr(tasks, { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: true } });
  const done = list.run().then(
    () => undefined,
    () => undefined,
  );

  const bump = (key: string, outcome: string, unit: string) => {
    const s = state.get(key);
    if (!s) return;
    if (outcome === 'passed') s.passed++;
    else if (outcome === 'skipped') s.skipped++;
    else s.bad++;
    if (s.task) s.task.title = title(s, unit);
    if (s.total !== undefined && s.passed + s.bad + s.skipped >= s.total) s.d.resolve();
  };
  return {
    done,
    onEvent: (e) => {
      if (e.type === 'check') bump(e.check.suite, e.check.outcome === 'failed' && e.check.severity !== 'MUST' ? 'passed' : e.check.outcome, 'checks');
      else if (e.type === 'suite-end') state.get(e.suite.id)?.d.resolve();
      else if (e.type === 'mapping') bump(`app:${e.result.app}`, e.result.outcome, 'mappings');
    },
    finish: () => {
      for (const s of state.values()) s.d.resolve();
    },
  };
}
