import type { ChalkInstance } from 'chalk';
import type { MappingResult, Phase } from '../model/verdict.js';
import { visible } from './failure.js';
import { label } from './text.js';

const VERDICT: Record<MappingResult['outcome'], string> = { passed: 'PASS', failed: 'FAIL', errored: 'ERROR', skipped: 'SKIP' };
const MARK: Record<Phase, string> = { passed: '✔', failed: '✖', errored: '!', skipped: '-', 'n/a': '·' };

/** One table per app: object, attribute, type, create / read / update / filter, verdict, reason. */
export function mappingTables(results: MappingResult[], titles: Map<string, string>, ch: ChalkInstance): string[] {
  const lines: string[] = [];
  const apps = [...new Set(results.map((r) => r.app))];
  for (const app of apps) {
    const rows = results.filter((r) => r.app === app);
    const count = (o: MappingResult['outcome']) => rows.filter((r) => r.outcome === o && (o === 'passed' || o === 'skipped' || r.counts)).length;
    const known = rows.filter((r) => r.baseline === 'known').length;
    const tally = [`${count('passed')} passed`, count('failed') ? ch.red(`${count('failed')} failed`) : '', count('errored') ? ch.red(`${count('errored')} errored`) : '', known ? ch.yellow(`${known} known`) : '', count('skipped') ? `${count('skipped')} skipped` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`${ch.bold(app)} ${ch.dim(titles.get(app) ?? '')} ${ch.dim('—')} ${rows.length} mappings: ${tally}`);
    const w = Math.min(48, Math.max(9, ...rows.map((r) => r.attribute.length)));
    lines.push(ch.dim(`  ${'object'.padEnd(6)}  ${'attribute'.padEnd(w)}  ${'type'.padEnd(9)}  create  read  update  filter  verdict  reason`));
    for (const r of rows) {
      const p = (ph: Phase) => paint(ch, ph, MARK[ph]);
      const attr = r.attribute.length > w ? `…${r.attribute.slice(-(w - 1))}` : r.attribute;
      const l = label(r);
      const verdict = l === 'KNOWN' || l === 'WARN' ? ch.yellow(l) : paint(ch, r.outcome, VERDICT[r.outcome]);
      lines.push(
        `  ${r.object.padEnd(6)}  ${(attr + (r.matching ? '*' : '')).padEnd(w + 1)} ${r.type.padEnd(9)}  ${p(r.phases.create)}       ${p(r.phases.read)}     ${p(r.phases.update)}       ${p(r.phases.filter)}       ${verdict.padEnd(verdictPad(ch, verdict))} ${r.outcome === 'passed' ? '' : visible(r.message)}`,
      );
    }
    lines.push(ch.dim('  * the matching attribute'));
  }
  return lines;
}

function verdictPad(ch: ChalkInstance, s: string): number {
  return s.length + (7 - ch.reset(s).replace(/\u001b\[[0-9;]*m/g, '').length);
}

function paint(ch: ChalkInstance, outcome: string, s: string): string {
  if (outcome === 'passed') return ch.green(s);
  if (outcome === 'failed' || outcome === 'errored') return ch.red(s);
  return ch.dim(s);
}
