/**
 * Baselines: the known failures of a target, by check id, so that a CI gate fails only on new failures and says which
 * known ones are now fixed. The file is JSON: { "scimcheck-baseline": 1, "createdAt", "target", "failures": [ids] }.
 * Mapping rows have ids too: `app:<app>/<object>/<attribute>`.
 */
import { readLocalFile } from './util/local-file.js';
import { writeFileSync } from 'node:fs';
import { ConfigError } from './errors.js';
import type { Report } from './model/report.js';
import { verdictsOf } from './model/report.js';
import type { FailOn } from './model/verdict.js';
import { baselineFailures } from './runner/policy.js';

export interface BaselineFile {
  'scimcheck-baseline': 1;
  createdAt: string;
  target?: string;
  failures: string[];
}

export type { BaselineVerdict } from './model/verdict.js';
export { mappingId } from './model/verdict.js';
export function readBaseline(file: string): BaselineFile {
  let text: string;
  try {
    text = readLocalFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--baseline: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create one with --write-baseline)' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--baseline: ${file} is not JSON: ${(err as Error).message}`);
  }
  const b = json as Partial<BaselineFile>;
  if (b?.['scimcheck-baseline'] !== 1 || !Array.isArray(b.failures) || !b.failures.every((f) => typeof f === 'string')) {
    throw new ConfigError(`--baseline: ${file} is not a scimcheck baseline (expected {"scimcheck-baseline": 1, "failures": [check ids]})`);
  }
  return b as BaselineFile;
}

/** Writes the run's failures that count under `failOn` (the baseline aside; blocked checks aside: their causes are listed). */
export function writeBaseline(file: string, report: Report, failOn: FailOn): BaselineFile {
  const baseline: BaselineFile = {
    'scimcheck-baseline': 1,
    createdAt: new Date().toISOString(),
    target: report.target.baseUrl,
    failures: baselineFailures(verdictsOf(report), failOn),
  };
  try {
    writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (err) {
    throw new ConfigError(`--write-baseline: cannot write ${file}: ${(err as Error).message}`);
  }
  return baseline;
}
