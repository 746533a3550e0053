import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { ConfigError } from '../core/errors.js';
import { ScimClient } from '../core/http/client.js';
import { Redactor } from '../core/http/redact.js';
import { resolveTarget } from '../core/target/resolve.js';
import { isFaultName, startServer } from '../server/index.js';
import { executeRun } from '../cli/execute.js';
import { runFlags, selectWork } from './run.js';

export default class Demo extends BaseCommand {
  static override summary = 'Start the reference server in-process and run every suite and app profile against it.';
  static override description = `The quickest way to see scimcheck work, with no target of your own: it starts the built-in reference SCIM server on 127.0.0.1 and runs every suite and every app profile against it. With --fault, it shows what a broken server looks like.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --fault patch-op-case-sensitive --suite users-crud'];
  static override enableJsonFlag = true;
  static override flags = {
    ...runFlags,
    fault: Flags.string({ summary: 'Switch on a named fault of the reference server (repeatable).', multiple: true }),
    seed: Flags.integer({ summary: 'Users to pre-create on the reference server.', default: 20, min: 0 }),
  };

  async run() {
    const { flags } = await this.parse(Demo);
    this.setupOutput(flags.color);
    const bad = (flags.fault ?? []).filter((f) => !isFaultName(f));
    if (bad.length) throw new ConfigError(`--fault: unknown fault ${bad.map((b) => `"${b}"`).join(', ')} (scimcheck serve --list-faults lists them)`);
    const { suites, profiles } = selectWork(flags, true);
    const server = await startServer({ seed: flags.seed, faults: flags.fault ?? [] });
    try {
      // The demo's target is its own in-process server: the user's scimcheck.yaml does not apply to it.
      const target = resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: process.cwd(), configFile: false });
      this.redactor = new Redactor(target.secrets);
      const client = new ScimClient(target, { redactor: this.redactor });
      try {
        const label = server.faults.length ? `${server.url} (reference server; faults: ${server.faults.join(', ')})` : `${server.url} (reference server)`;
        return await executeRun(this, { command: 'demo', baseUrl: label, client, suites, profiles, flags });
      } finally {
        await client.close();
      }
    } finally {
      await server.close();
    }
  }
}
