import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { selectProfiles } from '../cli/profiles.js';

export default class Apps extends BaseCommand {
  static override summary = 'List the app profiles (Entra attribute mappings of the seed apps) and their rows.';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --entra-schema exported-schema.json --json'];
  static override enableJsonFlag = true;
  static override flags = {
    'app-file': Flags.string({ summary: 'Also list an app profile file of your own (repeatable).', multiple: true, helpValue: 'FILE' }),
    'entra-schema': Flags.string({ summary: "Also list the mappings of a schema JSON downloaded from Entra's provisioning page.", helpValue: 'FILE' }),
  };

  async run() {
    const { flags } = await this.parse(Apps);
    this.setupOutput(flags.color);
    const profiles = selectProfiles({ app: ['all'], ...flags });
    const list = profiles.map((p) => ({
      id: p.id,
      title: p.title,
      ...(p.source ? { source: p.source } : {}),
      rows: p.rows.map((r) => ({ object: r.object, attribute: r.attribute, type: r.type, matching: r.matching, ...(r.source ? { source: r.source } : {}) })),
    }));
    if (!this.jsonEnabled()) {
      for (const p of list) {
        const users = p.rows.filter((r) => r.object === 'User').length;
        this.out(`${this.ch.bold(p.id)}  ${p.title} ${this.ch.dim(`(${users} user + ${p.rows.length - users} group mappings${p.source?.date ? `; tutorial of ${p.source.date}` : ''})`)}`);
        for (const r of p.rows) this.out(`  ${r.object.padEnd(6)} ${(r.attribute + (r.matching ? '  (matching)' : '')).padEnd(72)} ${r.type}`);
      }
    }
    return { apps: list };
  }
}
