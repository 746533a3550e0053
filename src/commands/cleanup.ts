import { visible } from '../core/report/failure.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { targetFlags } from '../cli/target-flags.js';
import { ConfigError, ExitCode } from '../core/errors.js';
import type { ScimClient } from '../core/http/client.js';
import type { CleanupItem } from '../core/runner/runner.js';
import { SafetyGuard, sweepLedger } from '../core/safety/guard.js';
import { Ledger, stateDir } from '../core/safety/ledger.js';

/** Whether two base URLs name the same SCIM root: scheme, host, port and path (the query string aside). */
function sameTarget(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const x = new URL(u);
      return `${x.protocol}//${x.host}${x.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      return u;
    }
  };
  return norm(a) === norm(b);
}

/** Names a run gives the objects it creates: scimcheck-<8 hex digits of the run id>-... */
const MARKED = /^scimcheck-[0-9a-f]{8}-/i;
const PAGE = 100;
const MAX_PAGES = 100;

export default class Cleanup extends BaseCommand {
  static override summary = 'Delete what interrupted or crashed runs left behind.';
  static override description = `Reads the ledgers that runs write before every create (default: every ledger of this target in the state directory) and deletes the objects they list, by id, or by name when a create never got its answer. With --sweep it also looks for objects whose userName or displayName carries a run's mark (scimcheck-<runId>-...) and deletes them. It says what it removed.

Exit codes: 0 nothing is left, 1 something could not be deleted, 2 usage or configuration error, 3 target unreachable.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --base-url https://staging.example.com/scim/v2',
    '<%= config.bin %> <%= command.id %> --ledger ~/.local/state/scimcheck/ledger-1a2b3c4d.json',
    '<%= config.bin %> <%= command.id %> --sweep',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...targetFlags,
    ledger: Flags.string({ summary: 'The ledger file to empty (default: every ledger of this target in the state directory).', helpValue: 'FILE', multiple: true }),
    sweep: Flags.boolean({ summary: "Also find objects carrying a run's mark (scimcheck-<runId>-) by filter, and delete them.", default: false }),
  };

  async run() {
    const { flags } = await this.parse(Cleanup);
    this.setupOutput(flags.color);
    const { client, baseUrl } = this.openTarget(flags, false);
    const removed: (CleanupItem & { name?: string })[] = [];
    try {
      const files = flags.ledger?.length ? flags.ledger : Ledger.list(stateDir()).filter((f) => sameTarget(Ledger.read(f).target, baseUrl));
      for (const file of files) {
        const ledger = Ledger.read(file);
        if (!sameTarget(ledger.target, baseUrl)) {
          throw new ConfigError(`--ledger: ${file} was written for ${ledger.target}, not ${baseUrl}: run cleanup with --base-url ${ledger.target}`);
        }
        client.setGuard(new SafetyGuard(ledger, `scimcheck-${ledger.runId}`));
        const items = await sweepLedger(ledger, (r) => client.send(r), `ledger ${file}`);
        const emptied = ledger.close();
        removed.push(...items);
        this.out(`${file}: ${items.filter((i) => i.ok).length} deleted${items.some((i) => !i.ok) ? `, ${items.filter((i) => !i.ok).length} not` : ''}${emptied ? ' (ledger removed)' : ' (ledger kept)'}`);
      }
      if (flags.sweep) removed.push(...(await this.sweep(client)));
    } finally {
      client.setGuard(undefined);
      await client.close();
    }
    for (const r of removed) this.out(`  ${r.ok ? this.ch.green('deleted') : this.ch.red('NOT deleted')} ${visible(r.path)}${r.name ? ` (${visible(r.name)})` : ''}${r.ok ? '' : `: ${visible(r.message)}`}`);
    const failed = removed.filter((r) => !r.ok).length;
    this.out(`${removed.length - failed} object(s) deleted${failed ? `, ${failed} could not be` : ''}`);
    process.exitCode = failed ? ExitCode.Failed : ExitCode.Ok;
    return { target: { baseUrl }, deleted: removed.filter((r) => r.ok), failed: removed.filter((r) => !r.ok) };
  }

  /** Marked users and groups, found by `sw "scimcheck-"` filters (paged, bounded), deleted through an in-memory ledger. */
  private async sweep(client: ScimClient): Promise<(CleanupItem & { name?: string })[]> {
    const ledger = Ledger.inMemory('sweep', client.target.baseUrl.toString());
    const names = new Map<string, string>();
    for (const [type, path, attr] of [['User', '/Users', 'userName'], ['Group', '/Groups', 'displayName']] as const) {
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await client.send({ method: 'GET', path, query: [['filter', `${attr} sw "scimcheck-"`], ['startIndex', String(page * PAGE + 1)], ['count', String(PAGE)], ['attributes', attr]] });
        const list = (res.json as { Resources?: Record<string, unknown>[] } | undefined)?.Resources;
        if (res.status !== 200 || !Array.isArray(list) || list.length === 0) {
          if (res.status !== 200) this.err(this.ch.yellow(`warning: --sweep: ${path} answered ${res.status ?? visible(res.error?.message ?? '')}; nothing swept there`));
          break;
        }
        for (const r of list) {
          const name = Object.entries(r).find(([k]) => k.toLowerCase() === attr.toLowerCase())?.[1];
          if (typeof r.id !== 'string' || typeof name !== 'string' || !MARKED.test(name)) continue;
          ledger.created(ledger.beforeCreate(type, name), r.id);
          names.set(r.id, name);
        }
        if (list.length < PAGE) break;
      }
    }
    client.setGuard(new SafetyGuard(ledger, 'scimcheck-'));
    return (await sweepLedger(ledger, (r) => client.send(r), 'sweep')).map((i) => ({ ...i, name: names.get(decodeURIComponent(i.path.split('/').pop()!)) }));
  }
}
