/** `--report-json FILE`: the JSON result (schemas/report.schema.json), as `--json` prints it. */
import type { Report } from '../model/report.js';
import { writeReportFile, type CreateReporter } from './reporter.js';

/** The JSON result: the report without the run's full exchange list (verdicts carry the exchanges they rest on). */
export function toJson(report: Report): string {
  const { exchanges: _all, ...result } = report;
  return `${JSON.stringify(result, null, 2)}\n`;
}

export const create: CreateReporter = (_io, _info, opts) => ({
  report: (report) => writeReportFile('report-json', opts.reportJson!, toJson(report)),
});
