/**
 * Golden end-to-end cases: one folder per behaviour under test/golden/, each run through the built CLI and compared
 * byte for byte (after `normalise`) with the files the folder holds.
 *
 *   test/golden/<case>/args.json     the CLI arguments (a JSON array, e.g. ["demo", "--suite", "test-connection"]);
 *                                    the run's working directory is the case folder, so a file it names (a
 *                                    baseline) is written relative to it
 *   test/golden/<case>/terminal.txt  stdout: the plain-lines reporter (NO_COLOR=1, CI=true, stdout a pipe)
 *   test/golden/<case>/stderr.txt    stderr, only when the run writes any (absent means: stderr must be empty)
 *   test/golden/<case>/result.json   the file --report-json writes
 *   test/golden/<case>/junit.xml     the file --junit writes
 *
 * The test adds `--report-json` and `--junit` (to a temporary directory) to args.json. It also checks that the exit
 * code equals the JSON result's `exitCode` (which result.json pins).
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden     rewrites the expected files from what the CLI does now
 *
 * Review the diff of a rewrite: every change in it is a change in what users see.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli, STATE_DIR } from '../helpers/cli.js';

const GOLDEN = fileURLToPath(new URL('./', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface NormaliseContext {
  /** The run's id (the JSON result's `runId`): the `scimcheck-<runId>` mark of everything the run creates. */
  runId: string;
  /** Directories that differ per run, each with the placeholder it becomes: the report directory, the state dir. */
  dirs: [dir: string, placeholder: string][];
}

/**
 * What differs between two runs of the same case, replaced by placeholders; nothing else is touched, so that a change
 * in wording, order, outcome, counts, severity or exchanges fails the comparison. Applied alike to stdout, stderr, the
 * JSON result and the JUnit XML. In order:
 *
 * 1. Temporary directories (report files, the ledger's state directory): `<out>`, `<state>`.
 * 2. The tool's version (`"version": "0.1.0"` in the JSON result, the JUnit `scimcheck.version` property): `<version>`.
 * 3. UUIDs (server-generated ids, `{{ uuid }}` values): `<uuid-1>`, `<uuid-2>`, … numbered by first appearance in the
 *    text, so that the same id stays the same placeholder (a create's id, then the GET, PATCH and DELETE of it);
 *    `<UUID-n>` when the UUID is written in capitals.
 * 4. The run id, wherever it is (`runId`, `scimcheck.runId`, the `scimcheck-<runId>` marks, the ledger's name):
 *    `<run>` (`<RUN>` in capitals, as in the upper-cased userName of the case-insensitive match).
 * 5. Random hex in generated names (`{{ random }}` and the mapping engine's tags): inside a marked name
 *    (`scimcheck-<run>…`), a 4-, 6- or 8-digit hex segment between `.`/`-` and `.`/`-`/`@`/`%`/end: `<hex-1>`, … numbered
 *    by first appearance like UUIDs (`<HEX-n>` in capitals).
 * 6. Timestamps: ISO 8601 (`startedAt`, `meta.created`, JUnit's `timestamp`, also URL-encoded
 *    in a filter: `19%3A44%3A04`): `<time>`; HTTP dates (`date` header):
 *    `<date>`.
 * 7. The reference server's port: `127.0.0.1:<port>`.
 * 8. Durations: `"durationMs": 12` → `"durationMs": "<ms>"` (the JSON stays JSON); JUnit ` time="0.012"` →
 *    ` time="<s>"`; the terminal's ` (12 ms)` after a check or suite is dropped (it is left out for 0 ms, so it cannot
 *    be a placeholder), and the summary line's `in 1421 ms` at the end of a line → `in <ms> ms`.
 *
 * ETags (`W/"3"`), exchange sequence numbers, content lengths and body sizes are deterministic and are kept.
 */
export function normalise(text: string, ctx: NormaliseContext): string {
  let s = text;
  // 1. temporary directories
  for (const [dir, placeholder] of ctx.dirs) s = s.split(dir).join(placeholder);
  // 2. the tool's version
  s = s.split(`"version": "${VERSION}"`).join('"version": "<version>"');
  s = s.split(`name="scimcheck.version" value="${VERSION}"`).join('name="scimcheck.version" value="<version>"');
  // 3. UUIDs
  const uuid = numbered('uuid');
  s = s.replace(/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, (m) => uuid(m));
  // 4. the run id
  if (!/^[0-9a-f]{8}$/.test(ctx.runId)) throw new Error(`normalise: unexpected runId ${JSON.stringify(ctx.runId)}`);
  // Its case follows its letters, or, for an all-digit id, the letters just before it (`SCIMCHECK-12345678`).
  s = s.replace(new RegExp(ctx.runId, 'gi'), (m, at: number, all: string) => {
    const letters = /[a-f]/i.test(m) ? m : all.slice(Math.max(0, at - 10), at).replace(/[^A-Za-z]/g, '');
    return letters && letters === letters.toUpperCase() && /[A-Z]/.test(letters) ? '<RUN>' : '<run>';
  });
  // 5. random hex in marked names
  const hex = numbered('hex');
  // (in a name written in capitals, as `<RUN>` shows, also when the hex has no letter to tell: an all-digit value)
  s = s.replace(/scimcheck-<(?:run|RUN)>[\w.%@-]*/gi, (name) => {
    const letters = name.replace(/<[^>]*>/g, '').replace(/[^A-Za-z]/g, '');
    const capitals = letters === letters.toUpperCase();
    return name.replace(/(?<=[.-])(?:[0-9a-f]{8}|[0-9a-f]{6}|[0-9a-f]{4})(?=[.@%-]|$)/gi, (m) => hex(m, capitals));
  });
  // 6. timestamps
  s = s.replace(/\b\d{4}-\d\d-\d\dT\d\d(?::|%3A)\d\d(?::|%3A)\d\d(?:\.\d+)?Z?/gi, '<time>');
  s = s.replace(/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\b/g, '<date>');
  // 7. the port
  s = s.replace(/\b127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
  // 8. durations
  s = s.replace(/"durationMs": \d+/g, '"durationMs": "<ms>"');
  s = s.replace(/ time="\d+\.\d{3}"/g, ' time="<s>"');
  s = s.replace(/ \(\d+ ms\)/g, '');
  s = s.replace(/ in \d+ ms$/gm, ' in <ms> ms');
  return s;
}

/** A replacer that numbers distinct values (case-insensitively) by first appearance: `<name-1>`, `<name-2>`, … */
function numbered(name: string): (m: string, capitals?: boolean) => string {
  const seen = new Map<string, number>();
  return (m, capitals) => {
    const key = m.toLowerCase();
    let n = seen.get(key);
    if (n === undefined) seen.set(key, (n = seen.size + 1));
    const upper = capitals ?? (/[A-F]/.test(m) && !/[a-f]/.test(m));
    return `<${upper ? name.toUpperCase() : name}-${n}>`;
  };
}

const cases = readdirSync(GOLDEN)
  .filter((d) => statSync(join(GOLDEN, d)).isDirectory() && existsSync(join(GOLDEN, d, 'args.json')))
  .sort();

describe('golden cases', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases)('%s', async (name) => {
    const dir = join(GOLDEN, name);
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as unknown;
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error(`${name}/args.json: expected an array of strings`);
    const out = mkdtempSync(join(tmpdir(), 'scimcheck-golden-'));
    try {
      const resultFile = join(out, 'result.json');
      const junitFile = join(out, 'junit.xml');
      const r = await runCli([...args, '--report-json', resultFile, '--junit', junitFile], { cwd: dir, env: cleanEnv({ CI: 'true' }), timeoutMs: 30_000 });
      expect(existsSync(resultFile), `${name}: no JSON result; stderr: ${r.stderr}`).toBe(true);
      const rawResult = readFileSync(resultFile, 'utf8');
      const result = JSON.parse(rawResult) as { exitCode: number; runId: string };
      expect(r.code, `${name}: exit code vs the JSON result's exitCode`).toBe(result.exitCode);

      const ctx: NormaliseContext = { runId: result.runId, dirs: [[out, '<out>'], [STATE_DIR, '<state>']] };
      const actual: Record<string, string | undefined> = {
        'terminal.txt': normalise(r.stdout, ctx),
        'stderr.txt': r.stderr ? normalise(r.stderr, ctx) : undefined,
        'result.json': normalise(rawResult, ctx),
        'junit.xml': normalise(readFileSync(junitFile, 'utf8'), ctx),
      };
      for (const [file, text] of Object.entries(actual)) {
        const path = join(dir, file);
        if (UPDATE) {
          if (text === undefined) rmSync(path, { force: true });
          else writeFileSync(path, text);
          continue;
        }
        const expected = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
        expect(text, `${name}/${file} (UPDATE_GOLDEN=1 rewrites it)`).toBe(expected);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('normalise', () => {
  it('gives an all-digit run id and random value the case of the name they stand in (no flake when a run id has no letter)', () => {
    const text = '"scimcheck-12345678-filters-4321.a@x" "EXT-A-SCIMCHECK-12345678-FILTERS-4321"';
    expect(normalise(text, { runId: '12345678', dirs: [] })).toBe('"scimcheck-<run>-filters-<hex-1>.a@x" "EXT-A-SCIMCHECK-<RUN>-FILTERS-<HEX-1>"');
    const lettered = '"scimcheck-1234abcd-filters-43e1.a@x" "EXT-A-SCIMCHECK-1234ABCD-FILTERS-43E1"';
    expect(normalise(lettered, { runId: '1234abcd', dirs: [] })).toBe('"scimcheck-<run>-filters-<hex-1>.a@x" "EXT-A-SCIMCHECK-<RUN>-FILTERS-<HEX-1>"');
  });
});
