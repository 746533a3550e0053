import { readLocalFile } from '../core/util/local-file.js';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { ConfigError, ExitCode } from '../core/errors.js';
import { formatFileIssue, PAYLOAD_TYPES, validateFile, type FileIssue, type PayloadType } from '../core/scim/validate-file.js';

export interface ValidateReport {
  files: { file: string; type: PayloadType | null; valid: boolean; issues: FileIssue[] }[];
}

export default class Validate extends BaseCommand {
  static override summary = 'Check SCIM JSON payloads against RFC 7643/7644, offline.';
  static override description = `Validates each FILE (a SCIM resource or message as JSON) against scimcheck's JSON Schemas of RFC 7643 and RFC 7644: strict where the RFCs say MUST, open to extensions. The type comes from the payload's "schemas" (the core User, Group, ServiceProviderConfig, ResourceType or Schema URN, or the ListResponse, PatchOp or Error message URN) unless --as names it. A ListResponse's Resources are checked against their own schemas too, and a top-level array (as in the RFC 7643 §8.6 example) element by element.

Each problem is printed as FILE:LINE:COL: POINTER: message (RFC reference).

Exit codes: 0 every file valid, 1 a file invalid (or of a type that cannot be guessed), 2 usage error or unreadable file.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> user.json group.json',
    '<%= config.bin %> <%= command.id %> --as PatchOp patch-body.json',
    '<%= config.bin %> <%= command.id %> responses/*.json --json',
  ];

  static override enableJsonFlag = true;
  static override strict = false;

  static override args = {
    file: Args.string({ description: 'JSON file(s) to validate.', required: true }),
  };

  static override flags = {
    as: Flags.string({ summary: 'Validate every file as this type instead of guessing it from "schemas".', options: [...PAYLOAD_TYPES] }),
  };

  async run(): Promise<ValidateReport> {
    const { argv, flags } = await this.parse(Validate);
    this.setupOutput(flags.color);
    const files = argv as string[];
    const texts = files.map((file) => ({ file, text: read(file) }));
    const as = flags.as as PayloadType | undefined;

    const report: ValidateReport = { files: [] };
    for (const { file, text } of texts) {
      const r = validateFile(file, text, as);
      const valid = r.issues.length === 0;
      report.files.push({ file, type: r.type, valid, issues: r.issues });
      if (this.jsonEnabled()) continue;
      if (valid) this.out(`${file}: ${this.ch.green('ok')}${r.type ? ` (${r.type})` : ''}`);
      for (const issue of r.issues) this.out(formatFileIssue(file, issue));
    }
    process.exitCode = report.files.every((f) => f.valid) ? ExitCode.Ok : ExitCode.Failed;
    return report;
  }
}

function read(file: string): string {
  try {
    return readLocalFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : ((e as Error).message ?? String(e));
    throw new ConfigError(`${file}: cannot read: ${why}`);
  }
}
