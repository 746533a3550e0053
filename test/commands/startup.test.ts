/**
 * Start-up (issue 8): `--version` and `--help` load nothing of the engine, and a run of the built-in suites neither
 * compiles a JSON Schema nor parses YAML (the build precompiled and parsed them). Checked by listing every module the
 * CLI process loads.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../helpers/module-log.mjs', import.meta.url));

function modulesOf(args: string[], bin = BIN): { code: number | null; files: string[] } {
  const log = join(mkdtempSync(join(tmpdir(), 'scimcheck-modules-')), 'modules.log');
  const r = spawnSync(process.execPath, ['--import', PRELOAD, bin, ...args], { cwd: ROOT, env: cleanEnv({ SCIMCHECK_MODULE_LOG: log, CI: 'true' }), encoding: 'utf8' });
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^(esm|cjs) /, '').replace(/^file:\/\//, ''));
  return { code: r.status, files };
}

const rel = (f: string) => f.slice(ROOT.length);
const engine = (files: string[]) => files.map(rel).filter((f) => /^dist\/(core|server|cli)\//.test(f) || /node_modules\/(undici|ajv|ajv-formats|yaml|listr2)\//.test(f));

describe('start-up', () => {
  it.each([['--version'], ['--help']])('scimcheck %s loads no module of the engine, nor undici, ajv, yaml or listr2', (flag) => {
    const { code, files } = modulesOf([flag]);
    expect(code).toBe(0);
    expect(files.some((f) => f.includes('node_modules/@oclif/core/'))).toBe(true); // the log works
    expect(engine(files)).toEqual([]);
  });

  it('demo loads precompiled validators and no schema compiler, no YAML parser, no listr2 (CI output)', () => {
    const { code, files } = modulesOf(['demo', '--suite', 'test-connection', '--app', 'zenya']);
    expect(code).toBe(0);
    const loaded = files.map(rel);
    expect(loaded).toContain('dist/generated/message-schemas.cjs');
    const forbidden = [/node_modules\/ajv\/dist\/(core|2020|compile\/)/, /node_modules\/yaml\//, /node_modules\/listr2\//, /node_modules\/undici\/index\.js$/];
    expect(loaded.filter((f) => forbidden.some((re) => re.test(f)))).toEqual([]);
  });

  it('installed under a path with a space, still loads the precompiled validators', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'scimcheck-')), 'with space');
    mkdirSync(root);
    for (const f of ['bin', 'dist', 'schemas', 'suites', 'package.json', 'oclif.manifest.json']) cpSync(join(ROOT, f), join(root, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    const { code, files } = modulesOf(['demo', '--suite', 'test-connection', '--app', 'zenya'], join(root, 'bin', 'run.js'));
    expect(code).toBe(0);
    expect(files).toContain(join(root, 'dist', 'generated', 'message-schemas.cjs'));
    expect(files.filter((f) => /node_modules\/ajv\/dist\/(core|2020|compile\/)/.test(f))).toEqual([]);
  });
});
