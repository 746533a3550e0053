/**
 * The ledger: every object a run asks the server to create, written to a file *before* the request is sent, updated
 * when the id is known and when the object is deleted. A run that crashes or is killed leaves its ledger behind, and
 * `scimcheck cleanup` empties it. The file holds names and ids only (no secrets).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';

export type ObjectType = 'User' | 'Group';
export type EntryState = 'pending' | 'created' | 'deleted' | 'rejected';

export interface LedgerEntry {
  type: ObjectType;
  /** userName or displayName: it carries the run's mark. */
  name?: string;
  id?: string;
  state: EntryState;
  at: string;
}

export interface LedgerFile {
  'scimcheck-ledger': 1;
  runId: string;
  target: string;
  startedAt: string;
  entries: LedgerEntry[];
}

/** `$SCIMCHECK_STATE_DIR`, else `$XDG_STATE_HOME/scimcheck`, else `~/.local/state/scimcheck`. */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  if (env.SCIMCHECK_STATE_DIR) return env.SCIMCHECK_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'scimcheck');
  return join(homedir(), '.local', 'state', 'scimcheck');
}

export class Ledger {
  private readonly data: LedgerFile;

  constructor(
    readonly file: string,
    runId: string,
    target: string,
  ) {
    this.data = { 'scimcheck-ledger': 1, runId, target, startedAt: new Date().toISOString(), entries: [] };
  }

  /** A ledger kept in memory only (library use and tests): the guard works the same, nothing is written. */
  static inMemory(runId: string, target: string): Ledger {
    return new Ledger('', runId, target);
  }

  static forRun(runId: string, target: string, file?: string, env: Record<string, string | undefined> = process.env): Ledger {
    return new Ledger(file ?? join(stateDir(env), `ledger-${runId}.json`), runId, target);
  }

  /** Reads a ledger file left behind (for `scimcheck cleanup`). */
  static read(file: string): Ledger {
    let json: LedgerFile;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as LedgerFile;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(`--ledger: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    if (json?.['scimcheck-ledger'] !== 1 || !Array.isArray(json.entries)) throw new ConfigError(`--ledger: ${file} is not a scimcheck ledger`);
    const l = new Ledger(file, json.runId, json.target);
    Object.assign(l.data, json);
    return l;
  }

  /** Ledger files in a state directory, newest first. */
  static list(dir: string): string[] {
    try {
      return readdirSync(dir)
        .filter((f) => /^ledger-.+\.json$/.test(f))
        .map((f) => join(dir, f))
        .sort()
        .reverse();
    } catch {
      return [];
    }
  }

  get runId(): string {
    return this.data.runId;
  }

  get target(): string {
    return this.data.target;
  }

  /** Records an object about to be created, and writes the file before the request goes out. */
  beforeCreate(type: ObjectType, name: string | undefined): LedgerEntry {
    const entry: LedgerEntry = { type, ...(name !== undefined ? { name } : {}), state: 'pending', at: new Date().toISOString() };
    this.data.entries.push(entry);
    this.save();
    return entry;
  }

  created(entry: LedgerEntry, id: string): void {
    entry.id = id;
    entry.state = 'created';
    entry.at = new Date().toISOString();
    this.save();
  }

  rejected(entry: LedgerEntry): void {
    entry.state = 'rejected';
    this.save();
  }

  /** Whether this run created the object (so it may change or delete it; also again, after it deleted it). */
  owns(type: ObjectType, id: string): boolean {
    return this.data.entries.some((e) => e.type === type && e.id === id && (e.state === 'created' || e.state === 'deleted'));
  }

  deleted(type: ObjectType, id: string): void {
    let changed = false;
    for (const e of this.data.entries) {
      if (e.type === type && e.id === id && e.state === 'created') {
        e.state = 'deleted';
        changed = true;
      }
    }
    if (changed) this.save();
  }

  /** Entries that may still exist on the server: created (not deleted), or pending (the answer never came). */
  remaining(): LedgerEntry[] {
    return this.data.entries.filter((e) => e.state === 'created' || e.state === 'pending');
  }

  /** Removes the file when nothing remains; keeps it otherwise (for `scimcheck cleanup`). */
  close(): boolean {
    if (this.remaining().length === 0) {
      if (this.file) rmSync(this.file, { force: true });
      return true;
    }
    this.save();
    return false;
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Write then rename: a crash mid-write never leaves a truncated ledger.
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (err) {
      throw new ConfigError(`--ledger: cannot write ${this.file}: ${(err as Error).message}`);
    }
  }
}
