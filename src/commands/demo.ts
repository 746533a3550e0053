import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { testConnection } from '../core/connection/test-connection.js';
import { ScimClient } from '../core/http/client.js';
import { Redactor } from '../core/http/redact.js';
import { checkPrinter, printSummary, runReport } from '../cli/output.js';
import { resolveTarget } from '../core/target/resolve.js';
import { isFaultName, startServer } from '../server/index.js';
import { ConfigError } from '../core/errors.js';

export default class Demo extends BaseCommand {
  static override summary = 'Start the reference server in-process and run scimcheck against it.';
  static override description = `The quickest way to see scimcheck work: no target needed. Today it runs the Test Connection probes; as suites land it runs every suite and every app profile. With --fault, it shows what a broken server looks like.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --fault filter-404-on-no-match'];
  static override enableJsonFlag = true;
  static override flags = {
    fault: Flags.string({ summary: 'Switch on a named fault of the reference server (repeatable).', multiple: true }),
    seed: Flags.integer({ summary: 'Users to pre-create on the reference server.', default: 20, min: 0 }),
  };

  async run() {
    const { flags } = await this.parse(Demo);
    this.setupOutput(flags.color);
    const json = this.jsonEnabled();
    const bad = (flags.fault ?? []).filter((f) => !isFaultName(f));
    if (bad.length) throw new ConfigError(`--fault: unknown fault ${bad.map((b) => `"${b}"`).join(', ')} (scimcheck serve --list-faults lists them)`);
    const server = await startServer({ seed: flags.seed, faults: flags.fault ?? [] });
    try {
      const target = resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: process.cwd() });
      this.redactor = new Redactor(target.secrets);
      const client = new ScimClient(target, { redactor: this.redactor });
      if (!json) this.out(`${this.ch.bold('scimcheck demo')} ${this.ch.dim('→ reference server at')} ${server.url}${server.faults.length ? ` ${this.ch.yellow(`(faults: ${server.faults.join(', ')})`)}` : ''}`);
      const result = await testConnection(client, {
        matchingAttribute: 'userName',
        groups: true,
        onCheck: checkPrinter((l) => this.out(l), this.ch, json),
      });
      await client.close();
      printSummary((l) => this.out(l), this.ch, json, result.summary);
      process.exitCode = result.exitCode;
      return this.redactor.json(runReport('demo', this.config.version, server.url, result));
    } finally {
      await server.close();
    }
  }
}
