import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { executeRun } from '../cli/execute.js';
import { selectSuites, type SuiteSelection } from '../cli/suites.js';
import { selectProfiles, wantsProfiles, type ProfileSelection } from '../cli/profiles.js';
import { targetFlags } from '../cli/target-flags.js';
import { ConfigError } from '../core/errors.js';
import type { Profile } from '../core/mapping/profile.js';
import type { Suite } from '../core/suite/model.js';

export const runFlags = {
  suite: Flags.string({ summary: 'Run only this suite (repeatable; see scimcheck suites).', multiple: true, helpValue: 'ID' }),
  'suite-file': Flags.string({ summary: 'Also run the suite in this YAML file (repeatable).', multiple: true, helpValue: 'FILE' }),
  tag: Flags.string({ summary: 'Run only suites with this tag (repeatable): read-only, write, entra, rfc.', multiple: true, helpValue: 'TAG' }),
  check: Flags.string({ summary: 'Run only this check, with the steps it depends on (repeatable).', multiple: true, helpValue: 'ID' }),
  dialect: Flags.string({ summary: "Keep one of Entra's PATCH dialects (default: both).", options: ['entra', 'entra-legacy'] }),
  'read-only': Flags.boolean({ summary: 'Send no write: skip checks that create, change or delete.', default: false }),
  concurrency: Flags.integer({ summary: 'Suites run at once.', default: 4, min: 1, max: 32 }),
  'fail-on': Flags.string({ summary: 'Which failed checks fail the run: must (default), should (MUST and SHOULD), any.', options: ['must', 'should', 'any'], default: 'must' }),
  strict: Flags.boolean({ summary: 'Same as --fail-on any.', default: false }),
  baseline: Flags.string({ summary: 'Known failures (a file written by --write-baseline): fail only on new ones, list the ones now fixed.', helpValue: 'FILE' }),
  'write-baseline': Flags.string({ summary: "Write this run's failures to a baseline file.", helpValue: 'FILE' }),
  ledger: Flags.string({ summary: 'Where to record what the run creates (default: $SCIMCHECK_STATE_DIR, $XDG_STATE_HOME/scimcheck or ~/.local/state/scimcheck).', helpValue: 'FILE' }),
  'report-json': Flags.string({ summary: 'Write the JSON result to this file.', helpValue: 'FILE' }),
  junit: Flags.string({ summary: 'Write a JUnit XML report (GitLab, Jenkins, Azure DevOps: name it TEST-*.xml there).', helpValue: 'FILE' }),
  html: Flags.string({ summary: 'Write one self-contained HTML report (for pre-certification).', helpValue: 'FILE' }),
  har: Flags.string({ summary: 'Write every exchange, redacted, as a HAR 1.2 file.', helpValue: 'FILE' }),
  verbose: Flags.boolean({ char: 'v', summary: 'Print every exchange (redacted) as it happens.', default: false }),
  app: Flags.string({ summary: 'Check the attribute mappings of this app profile (repeatable; `all` for every one; see scimcheck apps).', multiple: true, helpValue: 'ID' }),
  'app-file': Flags.string({ summary: 'Check the attribute mappings of an app profile file of your own (repeatable).', multiple: true, helpValue: 'FILE' }),
  'entra-schema': Flags.string({ summary: "Check the mappings of the schema JSON that Entra's provisioning page downloads.", helpValue: 'FILE' }),
};

export default class Run extends BaseCommand {
  static override summary = 'Run the conformance suites against a SCIM endpoint.';
  static override description = `Runs the built-in YAML suites (and --suite-file ones) against the target: discovery, Test Connection, Entra's user lifecycle in both PATCH dialects, group membership, filters, pagination and projection, error format. Every resource a run creates is deleted at the end.

Exit codes: 0 no check that counts failed (MUST by default; see --fail-on) and none errored (with --baseline: no new failure), 1 otherwise, 2 usage or configuration error, 3 target unreachable.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --base-url https://staging.example.com/scim/v2 --token "$TOKEN"',
    '<%= config.bin %> <%= command.id %> --suite users-crud --dialect entra',
    '<%= config.bin %> <%= command.id %> --read-only --json > result.json',
    '<%= config.bin %> <%= command.id %> --check users-crud/create-returns-201 --verbose',
  ];
  static override enableJsonFlag = true;
  static override flags = { ...targetFlags, ...runFlags };

  async run() {
    const { flags } = await this.parse(Run);
    this.setupOutput(flags.color);
    const { suites, profiles } = selectWork(flags, false);
    const { client, baseUrl } = this.openTarget(flags, flags.verbose);
    try {
      return await executeRun(this, { command: 'run', baseUrl, client, suites, profiles, flags });
    } finally {
      await client.close();
    }
  }
}

/**
 * What a run covers. Suites unless only apps were asked for; profiles when asked for (and all of them for `demo`
 * when nothing narrows it).
 */
export function selectWork(flags: SuiteSelection & ProfileSelection, demo: boolean): { suites: Suite[]; profiles: Profile[] } {
  const suiteAsked = Boolean(flags.suite?.length || flags['suite-file']?.length || flags.tag?.length || flags.check?.length);
  const appAsked = wantsProfiles(flags);
  const suites = appAsked && !suiteAsked ? [] : selectSuites(flags);
  const profiles = appAsked ? selectProfiles(flags) : demo && !suiteAsked ? selectProfiles({ app: ['all'] }) : [];
  if (suites.length === 0 && profiles.length === 0) throw new ConfigError('no suite matches the given --suite/--tag');
  return { suites, profiles };
}
