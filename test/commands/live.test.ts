/** The live view (listr2) on a real pseudo-terminal, and its absence in CI and pipes. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.js';

const SCRIPT = '/usr/bin/script'; // util-linux: runs a command on a pseudo-terminal
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\r/g, '\n');

describe('live view', () => {
  it.skipIf(!existsSync(SCRIPT))('draws one task per suite and app on a terminal, then the failure details (needs util-linux `script` for a pseudo-terminal)', () => {
    const r = spawnSync(SCRIPT, ['-qec', 'stty cols 160 rows 50; node bin/run.js demo --suite errors --suite discovery --app zscaler-two --fault error-status-number', '/dev/null'], {
      cwd: ROOT,
      env: { ...cleanEnv(), NO_COLOR: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const out = plain(r.stdout);
    expect(r.status).toBe(1);
    expect(out).toContain('✔ discovery Discovery endpoints: 7 passed checks');
    expect(out).toContain('✔ app zscaler-two (Zscaler Two): 10 passed of 10 mappings');
    expect(out).toContain('✖ errors Error responses: 5 failed or errored');
    expect(out).toMatch(/✖ FAILED {2}errors\/duplicate-username-error-body/);
    expect(out).toMatch(/23 passed, 5 failed, 0 errored, 0 skipped; mappings: 10 passed, 0 failed in \d+ ms/);
    expect(r.stdout).toContain('\x1b['); // colour and cursor codes: a terminal
  });

  it('is not used when CI is set or stdout is not a terminal: plain lines, no cursor codes', async () => {
    const r = await runCli(['demo', '--suite', 'errors'], { env: cleanEnv({ CI: 'true' }) });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout.split('\n').filter((l) => /^ {2}✔ PASSED {2}errors\//.test(l)).length).toBeGreaterThan(10);
  });
});
