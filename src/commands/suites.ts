import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { selectSuites } from '../cli/suites.js';

export default class Suites extends BaseCommand {
  static override summary = 'List the suites and their checks.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --suite-file my-suite.yaml --json'];
  static override enableJsonFlag = true;
  static override flags = {
    'suite-file': Flags.string({ summary: 'Also list the suite in this YAML file (repeatable).', multiple: true, helpValue: 'FILE' }),
    tag: Flags.string({ summary: 'Only suites with this tag (repeatable).', multiple: true }),
  };

  async run() {
    const { flags } = await this.parse(Suites);
    this.setupOutput(flags.color);
    const suites = selectSuites(flags);
    const list = suites.map((s) => ({
      id: s.id,
      title: s.title,
      tags: s.tags,
      file: s.file,
      checks: s.steps.map((st) => ({ id: `${s.id}/${st.key}`, title: st.title, severity: st.severity, entra: st.entra ?? false, reference: st.reference, ...(st.dialect ? { dialect: st.dialect } : {}) })),
    }));
    if (!this.jsonEnabled()) {
      for (const s of list) {
        this.out(`${this.ch.bold(s.id)}  ${s.title} ${this.ch.dim(`[${s.tags.join(', ')}]`)}`);
        for (const c of s.checks) this.out(`  ${c.id.padEnd(58)} ${c.severity.padEnd(6)} ${c.entra ? 'Entra ' : '      '}${this.ch.dim(c.reference)}`);
      }
    }
    return { suites: list };
  }
}
