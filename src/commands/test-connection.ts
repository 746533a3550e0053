import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { targetFlags } from '../cli/target-flags.js';
import { executeRun } from '../cli/execute.js';
import { testConnection, testConnectionSuite } from '../core/connection/test-connection.js';

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
    const { client, baseUrl } = this.openTarget(flags, flags.verbose);
    const suite = testConnectionSuite();
    try {
      return await executeRun(this, {
        command: 'test-connection',
        baseUrl,
        client,
        suites: [suite],
        profiles: [],
        flags: { strict: flags.strict, verbose: flags.verbose },
        ledgerFile: false,
        run: (common) => testConnection(client, { ...common, suite, matchingAttribute: flags['matching-attribute'], groups: flags.groups }),
      });
    } finally {
      await client.close();
    }
  }
}
