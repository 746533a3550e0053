/**
 * The ledger: every object a run asks the server to create, written to a file *before* the request is sent, updated
 * when the id is known and when the object is deleted. A run that crashes or is killed leaves its ledger behind, and
 * `scimcheck cleanup` empties it. The file holds names and ids only (no secrets).
 *
 * On disk it is an append-only log of JSON lines: a header line, then one line per event (`pending`, `created`,
 * `deleted`, `rejected`, each naming its entry by number). Appending a line is one small synchronous write, so the
 * record is on disk before the request goes out without rewriting the file each time, and a crash mid-write can only
 * cut the last line, which reading skips.
 */
import { readLocalFile } from '../util/local-file.js';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
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

interface LedgerEvent {
  n: number;
  state: EntryState;
  type?: ObjectType;
  name?: string;
  id?: string;
  at: string;
}

export class Ledger {
  private readonly data: LedgerFile;
  private started = false;
  /** The open file (appended to), once the first event is written. */
  private fd: number | undefined;
  /** Each entry's number in the file's events (kept when a ledger is read back). */
  private readonly numbers = new Map<LedgerEntry, number>();
  private nextNumber = 0;
  /** Entries by type and id, for ownership checks on every write of a run. */
  private readonly byId = new Map<string, LedgerEntry[]>();

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
    // A file that exists is never overwritten: it may be another run's ledger (its leftovers would be forgotten) or
    // any file at all given by mistake.
    if (file !== undefined && existsSync(file)) throw new ConfigError(`--ledger: ${file} already exists; give a new file (a ledger left by a run is emptied with scimcheck cleanup --ledger ${file})`);
    return new Ledger(file ?? join(stateDir(env), `ledger-${runId}.json`), runId, target);
  }

  /** Reads a ledger file left behind (for `scimcheck cleanup`). */
  static read(file: string): Ledger {
    let text: string;
    try {
      text = readLocalFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(`--ledger: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    const lines = text.split('\n').filter((l) => l.trim());
    let head: Partial<LedgerFile> | undefined;
    try {
      head = JSON.parse(lines[0] ?? '') as Partial<LedgerFile>;
    } catch {
      head = undefined;
    }
    if (head?.['scimcheck-ledger'] !== 1 || typeof head.runId !== 'string') throw new ConfigError(`--ledger: ${file} is not a scimcheck ledger`);
    const l = new Ledger(file, head.runId, String(head.target ?? ''));
    l.data.startedAt = String(head.startedAt ?? l.data.startedAt);
    for (const line of lines.slice(1)) {
      let ev: LedgerEvent;
      try {
        ev = JSON.parse(line) as LedgerEvent;
      } catch {
        continue; // a line cut short by a crash
      }
      if (ev.state === 'pending') {
        l.data.entries[ev.n] = { type: ev.type ?? 'User', ...(ev.name !== undefined ? { name: ev.name } : {}), state: 'pending', at: ev.at };
        l.numbers.set(l.data.entries[ev.n]!, ev.n);
        l.nextNumber = Math.max(l.nextNumber, ev.n + 1);
      }
      const e = l.data.entries[ev.n];
      if (!e) continue;
      e.state = ev.state;
      e.at = ev.at;
      if (ev.id && e.id !== ev.id) {
        e.id = ev.id;
        l.index(e);
      }
    }
    l.data.entries = l.data.entries.filter(Boolean);
    l.started = true;
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
    this.numbers.set(entry, this.nextNumber++);
    this.log(entry);
    return entry;
  }

  created(entry: LedgerEntry, id: string): void {
    entry.id = id;
    this.index(entry);
    entry.state = 'created';
    entry.at = new Date().toISOString();
    this.log(entry);
  }

  rejected(entry: LedgerEntry): void {
    entry.state = 'rejected';
    this.log(entry);
  }

  /** Whether this run created the object (so it may change or delete it; also again, after it deleted it). */
  owns(type: ObjectType, id: string): boolean {
    return (this.byId.get(`${type}\0${id}`) ?? []).some((e) => e.state === 'created' || e.state === 'deleted');
  }

  private index(entry: LedgerEntry): void {
    const key = `${entry.type}\0${entry.id}`;
    const list = this.byId.get(key);
    if (list) list.push(entry);
    else this.byId.set(key, [entry]);
  }

  deleted(type: ObjectType, id: string): void {
    for (const e of this.byId.get(`${type}\0${id}`) ?? []) {
      if (e.state === 'created') {
        e.state = 'deleted';
        this.log(e);
      }
    }
  }

  /** Entries that may still exist on the server: created (not deleted), or pending (the answer never came). */
  remaining(): LedgerEntry[] {
    return this.data.entries.filter((e) => e.state === 'created' || e.state === 'pending');
  }

  /** Closes the open file (a later event opens it again); keeps the file. */
  closeFile(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Removes the file when nothing remains; keeps it otherwise (for `scimcheck cleanup`). */
  close(): boolean {
    this.closeFile();
    if (this.remaining().length === 0) {
      if (this.file) rmSync(this.file, { force: true });
      return true;
    }
    return false;
  }

  /** Appends one event line (the header first, when the file is new). */
  private log(entry: LedgerEntry): void {
    if (!this.file) return;
    const n = this.numbers.get(entry) ?? this.data.entries.indexOf(entry);
    const ev: LedgerEvent = { n, state: entry.state, at: entry.at, ...(entry.state === 'pending' ? { type: entry.type, ...(entry.name !== undefined ? { name: entry.name } : {}) } : {}), ...(entry.id ? { id: entry.id } : {}) };
    try {
      if (!this.started) {
        mkdirSync(dirname(this.file), { recursive: true });
        const head = { 'scimcheck-ledger': 1, runId: this.data.runId, target: this.data.target, startedAt: this.data.startedAt };
        this.fd = openSync(this.file, 'wx', 0o600); // never over a file that appeared meanwhile
        writeSync(this.fd, `${JSON.stringify(head)}\n`);
        this.started = true;
      }
      this.fd ??= openSync(this.file, 'a');
      writeSync(this.fd, `${JSON.stringify(ev)}\n`);
    } catch (err) {
      throw new ConfigError(`--ledger: cannot write ${this.file}: ${(err as Error).message}`);
    }
  }
}
