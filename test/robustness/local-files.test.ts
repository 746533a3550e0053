/**
 * Files a user names are read only when they are regular files under the size limit (issue 15, item 13): /dev/zero,
 * a FIFO with no writer, a directory and an oversized file given to any flag that reads a file end at once with
 * exit 2 and one line, never a hang or gigabytes of memory.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, ftruncateSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_LOCAL_FILE } from '../../src/core/util/local-file.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'scimcheck-files-'));
const fifo = join(dir, 'pipe');
const big = join(dir, 'big.yaml');
const folder = join(dir, 'folder');
beforeAll(() => {
  execFileSync('mkfifo', [fifo]);
  const fd = openSync(big, 'w');
  ftruncateSync(fd, MAX_LOCAL_FILE + 1);
  closeSync(fd);
  mkdirSync(folder);
});

const BASE = ['--base-url', 'http://127.0.0.1:9/scim', '--token', 't'];
const commands = (f: string): [string, string[]][] => [
  ['--suite-file', ['run', ...BASE, '--suite-file', f]],
  ['--config', ['test-connection', '--config', f]],
  ['--entra-schema', ['run', ...BASE, '--entra-schema', f]],
  ['--ca', ['test-connection', ...BASE.slice(0, 2).map((x) => x.replace('http:', 'https:')), '--token', 't', '--ca', f]],
  ['--baseline', ['run', ...BASE, '--suite', 'discovery', '--baseline', f]],
  ['cleanup --ledger', ['cleanup', ...BASE, '--ledger', f]],
  ['validate', ['validate', f]],
];

describe('special and oversized files', () => {
  for (const [what, file, why] of [
    ['/dev/zero', '/dev/zero', /not a regular file/],
    ['a FIFO', fifo, /not a regular file/],
    ['a directory', folder, /not a regular file/],
    ['a file over the limit', big, /larger than (16 MiB, the most scimcheck reads from one file|1 MiB, the most scimcheck reads from a YAML file)/],
  ] as const) {
    it(`${what}: every flag that reads a file ends at once with exit 2 and one line`, async () => {
      for (const [flag, args] of commands(file)) {
        // A hang fails here: runCli gives up after 10 s.
        const r = await runCli(args, { env: cleanEnv(), timeoutMs: 10_000 });
        expect(r.code, `${flag}: ${r.stderr}`).toBe(2);
        const lines = r.stderr.trim().split('\n');
        expect(lines, flag).toHaveLength(1);
        expect(lines[0], flag).toMatch(why);
      }
    }, 120_000);
  }

  it('run --ledger never writes over a device or any existing file', async () => {
    for (const file of ['/dev/zero', fifo]) {
      const r = await runCli(['run', ...BASE, '--suite', 'discovery', '--ledger', file], { env: cleanEnv(), timeoutMs: 10_000 });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`scimcheck: --ledger: ${file} already exists; give a new file (a ledger left by a run is emptied with scimcheck cleanup --ledger ${file})`);
    }
  });
});
