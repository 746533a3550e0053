/** Runs the built CLI (bin/run.js over dist/) as a child process, the way users and CI do. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Ledgers of test runs go to a temporary state directory, never to the user's home. */
export const STATE_DIR = mkdtempSync(join(tmpdir(), 'scimcheck-state-'));

/** A clean environment: no SCIMCHECK_* or proxy variables leak in from the machine, no colour. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^SCIMCHECK_|_proxy$|_PROXY$|^NO_COLOR$|^FORCE_COLOR$|^GITHUB_|^NODE_ENV$|^VITEST|^CI$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', SCIMCHECK_STATE_DIR: STATE_DIR, ...extra };
}

export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scimcheck ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 15000} ms`));
    }, opts.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
