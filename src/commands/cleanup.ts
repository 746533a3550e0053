import { visible } from '../core/report/failure.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { targetFlags } from '../cli/target-flags.js';
import { ConfigError, ExitCode } from '../core/errors.js';
import type { ScimClient } from '../core/http/client.js';
import type { CleanupItem } from '../core/runner/runner.js';
import { carriesName, nameIn, SafetyGuard, sweepLedger } from '../core/safety/guard.js';
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

/**
 * Names a run gives the objects it creates, in full: `scimcheck-`, the run id (8 lower-case hex digits), then `-` or
 * `.` and the rest of a generated name. A real account that merely starts with "scimcheck-" does not match.
 */
const MARKED = /^scimcheck-[0-9a-f]{8}[-.][A-Za-z0-9._%+@-]+$/;
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
    sweep: Flags.boolean({ summary: "Also find objects carrying a run's mark (scimcheck-<runId>-...) by filter, list them, and delete them once confirmed.", default: false }),
    yes: Flags.boolean({ char: 'y', summary: 'Delete what --sweep lists without asking (required when not on a terminal).', default: false }),
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
      if (flags.sweep) removed.push(...(await this.sweep(client, flags.yes)));
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

  /**
   * Marked users and groups, found by `sw "scimcheck-"` filters (paged, bounded): each listed name must match the
   * mark format in full and is read back by id (the object there must carry that very name) before it is listed;
   * the list is shown and deleted once confirmed (a prompt on a terminal, --yes otherwise), through an in-memory
   * ledger so that the guard still applies.
   */
  private async sweep(client: ScimClient, yes: boolean): Promise<(CleanupItem & { name?: string })[]> {
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
          const name = nameIn(type, r);
          if (typeof r.id !== 'string' || typeof name !== 'string' || !MARKED.test(name)) continue;
          // Read back: a list entry that pairs a marked name with another object's id is not believed.
          if ((await carriesName(type, r.id, name, (q) => client.send(q))) !== true) continue;
          ledger.created(ledger.beforeCreate(type, name), r.id);
          names.set(r.id, name);
        }
        if (list.length < PAGE) break;
      }
    }
    const found = ledger.remaining();
    if (found.length === 0) return [];
    this.out(`--sweep found ${found.length} object(s) carrying a run's mark:`);
    for (const e of found) this.out(`  ${e.type === 'User' ? 'Users' : 'Groups'}/${visible(e.id ?? '')}  ${visible(e.name ?? '')}`);
    if (!yes) {
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new ConfigError(`--sweep: not on a terminal, so nothing was deleted: pass --yes to delete the ${found.length} object(s) listed`);
      if (!(await confirm(`Delete these ${found.length} object(s)? [y/N] `))) {
        this.out('nothing deleted');
        return [];
      }
    }
    client.setGuard(new SafetyGuard(ledger, 'scimcheck-'));
    return (await sweepLedger(ledger, (r) => client.send(r), 'sweep')).map((i) => ({ ...i, name: names.get(decodeURIComponent(i.path.split('/').pop()!)) }));
  }
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is yes. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
