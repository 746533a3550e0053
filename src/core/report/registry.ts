/**
 * Every reporter, in the order they report: a new reporter is one file exporting `create` (reporter.ts) plus one
 * line here. Modules are imported only when wanted, so that reporters cost nothing at start-up.
 */
import type { CreateReporter, Reporter, ReporterIO, ReporterOptions, RunInfo } from './reporter.js';

export interface ReporterEntry {
  name: string;
  wanted(opts: ReporterOptions, io: ReporterIO): boolean;
  load(): Promise<{ create: CreateReporter }>;
}

/** The live view on a terminal; plain lines for CI, pipes, files and --verbose. */
const live = (o: ReporterOptions, io: ReporterIO) => !o.json && !o.verbose && io.isTTY && !io.env.CI;

export const REPORTERS: readonly ReporterEntry[] = [
  { name: 'live', wanted: live, load: () => import('./live.js') },
  { name: 'lines', wanted: (o, io) => !live(o, io), load: () => import('./terminal.js') },
  { name: 'json', wanted: (o) => !!o.reportJson, load: () => import('./json.js') },
  { name: 'junit', wanted: (o) => !!o.junit, load: () => import('./junit.js') },
  { name: 'html', wanted: (o) => !!o.html, load: () => import('./html.js') },
  { name: 'har', wanted: (o) => !!o.har, load: () => import('./har.js') },
  { name: 'github', wanted: (_o, io) => io.env.GITHUB_ACTIONS === 'true', load: () => import('./github.js') },
];

/** The wanted reporters, created in registry order, as one reporter that passes everything on to each. */
export async function openReporters(io: ReporterIO, info: RunInfo, opts: ReporterOptions, entries: readonly ReporterEntry[] = REPORTERS): Promise<Required<Reporter>> {
  const list: Reporter[] = [];
  for (const e of entries) if (e.wanted(opts, io)) list.push(await (await e.load()).create(io, info, opts));
  return {
    onEvent: (ev) => {
      for (const r of list) r.onEvent?.(ev);
    },
    close: async () => {
      for (const r of list) await r.close?.();
    },
    report: async (report) => {
      for (const r of list) await r.report?.(report);
    },
  };
}
