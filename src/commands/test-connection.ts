import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { targetFlags, targetFlagValues } from '../cli/target-flags.js';
import { testConnection } from '../core/connection/test-connection.js';
import { ScimClient } from '../core/http/client.js';
import { Redactor } from '../core/http/redact.js';
import { exchangeLines } from '../core/report/text.js';
import { checkPrinter, printSummary, runReport } from '../cli/output.js';
import { resolveTarget } from '../core/target/resolve.js';

export default class TestConnection extends BaseCommand {
  static override summary = "Do what Entra's Test Connection does, and say why it would fail.";
  static override description = `Sends the probes of Microsoft Entra ID's "Test Connection" button to the target: a user query for a random GUID (200 and an empty ListResponse expected), the same for groups, and the user query with a wrong token (401 or 403 expected). Every response is validated against the SCIM ListResponse and Error schemas.

Exit codes: 0 passed, 1 a probe failed, 2 usage or configuration error, 3 target unreachable.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --base-url https://app.example.com/scim/v2 --token "$TOKEN"',
    'SCIMCHECK_BASE_URL=https://app.example.com/scim/v2 SCIMCHECK_TOKEN=... <%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --matching-attribute externalId --no-groups',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...targetFlags,
    'matching-attribute': Flags.string({ summary: 'User attribute Entra matches on.', default: 'userName', helpValue: 'ATTR' }),
    groups: Flags.boolean({ summary: 'Probe /Groups too (for apps that provision groups); --no-groups to skip.', default: true, allowNo: true }),
    strict: Flags.boolean({ summary: 'Count failed SHOULD/MAY checks as failures.', default: false }),
    verbose: Flags.boolean({ char: 'v', summary: 'Print every exchange (redacted) as it happens.', default: false }),
  };

  async run() {
    const { flags } = await this.parse(TestConnection);
    this.setupOutput(flags.color);
    const json = this.jsonEnabled();
    const target = resolveTarget({ flags: targetFlagValues(flags), env: process.env, cwd: process.cwd() });
    this.redactor = new Redactor(target.secrets);
    for (const w of target.warnings) this.err(this.ch.yellow(`warning: ${w}`));

    const client = new ScimClient(target, {
      redactor: this.redactor,
      ...(flags.verbose && !json ? { onExchange: (e) => exchangeLines(e, this.ch).forEach((l) => this.out(l)) } : {}),
    });
    const baseUrl = this.redactor.url(target.baseUrl.toString());
    if (!json) this.out(`${this.ch.bold('scimcheck test-connection')} ${this.ch.dim('→')} ${baseUrl}`);
    try {
      const result = await testConnection(client, {
        matchingAttribute: flags['matching-attribute'],
        groups: flags.groups,
        strict: flags.strict,
        onCheck: checkPrinter((l) => this.out(l), this.ch, json, flags.strict),
      });
      printSummary((l) => this.out(l), this.ch, json, result.summary);
      process.exitCode = result.exitCode;
      return this.redactor.json(runReport('test-connection', this.config.version, baseUrl, result));
    } finally {
      await client.close();
    }
  }
}
