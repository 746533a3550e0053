/** The README is a contract: its settings table and fault list must match the code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SETTING, TARGET_SETTINGS } from '../src/core/target/settings.js';
import { FAULTS } from '../src/server/faults.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = (name: string) => readme.split(`<!-- ${name}:start -->`)[1]!.split(`<!-- ${name}:end -->`)[0]!;

describe('README', () => {
  it('documents every target setting with its flag, variable and key', () => {
    const rows = section('settings').split('\n').filter((l) => l.startsWith('| `--'));
    const documented = rows.map((r) => /^\| `--(?:\[no-\])?([a-z-]+)/.exec(r)![1]);
    expect(documented).toEqual([...TARGET_SETTINGS.map((s) => s.key), CONFIG_SETTING.key]);
    for (const s of [...TARGET_SETTINGS, CONFIG_SETTING]) {
      const row = rows.find((r) => r.includes(`--${s.key}`) || r.includes(`--[no-]${s.key}`))!;
      expect(row).toContain(`\`${s.env}\``);
      if (s.key !== 'config') expect(row).toContain(`\`${s.key}\``);
    }
  });

  it('lists every named fault with its description, in catalogue order', () => {
    const rows = section('faults').split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toEqual(Object.entries(FAULTS).map(([name, what]) => `| \`${name}\` | ${what} |`));
  });
});
