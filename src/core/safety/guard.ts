/**
 * The safety guard every request of a run passes through (ScimClient's `guard`):
 * - a create (POST /Users, POST /Groups) is written to the ledger before it is sent, and must carry the run's mark
 *   in its userName / displayName;
 * - PUT, PATCH and DELETE of /Users/{id} or /Groups/{id} are refused unless the run created that object, whatever
 *   a suite says;
 * - after a 5xx (or no answer) to a create, it checks whether the object exists before the client may send it again;
 * - ownership is verified, never trusted: the id a create answers with is read back and must carry the name the run
 *   sent (its mark); otherwise the run's real object is looked up by that exact name, and the id the server gave is
 *   not the run's to change or delete. Before a ledger's leftovers are deleted they are read back the same way.
 */
import type { RequestGuard, ScimRequest, ScimResponse } from '../http/client.js';
import { resourcePath } from '../http/resource-path.js';
import type { CleanupItem } from '../model/verdict.js';
import type { Ledger, LedgerEntry, ObjectType } from './ledger.js';

/**
 * What a request path names, judged on its normalised form: query and fragment dropped, empty and `.` segments
 * removed, each segment percent-decoded. `/Users`, `/Groups` (a collection), `/Users/<id>`, `/Groups/<id>` (one
 * object); anything else is `other`, and a path with a segment that is or decodes to `.` or `..` is `ambiguous` (a
 * server could resolve it to another object).
 */
export function target(req: ScimRequest): { type: ObjectType; id?: string } | undefined {
  const t = classify(req.path);
  return t.kind === 'collection' || t.kind === 'object' ? { type: t.type, ...(t.kind === 'object' ? { id: t.id } : {}) } : undefined;
}

type PathKind = { kind: 'collection'; type: ObjectType } | { kind: 'object'; type: ObjectType; id: string } | { kind: 'search' } | { kind: 'other' } | { kind: 'ambiguous' };

export function classify(path: string): PathKind {
  const raw = path.split(/[?#]/, 1)[0]!.split('/').filter((seg) => seg !== '' && seg !== '.');
  let segs: string[];
  try {
    segs = raw.map((seg) => decodeURIComponent(seg));
  } catch {
    return { kind: 'ambiguous' };
  }
  // An id may lawfully hold a slash (percent-encoded, it stays one segment, and the run only writes to ids it read
  // back); a segment that is or decodes to "." or ".." could resolve elsewhere.
  if (raw.includes('..') || segs.some((seg) => seg === '.' || seg === '..' || seg.trim() === '')) return { kind: 'ambiguous' };
  // A query by POST (RFC 7644 §3.4.3): /.search, /Users/.search, /Groups/.search.
  if (segs[segs.length - 1] === '.search' && (segs.length === 1 || (segs.length === 2 && /^(users|groups)$/i.test(segs[0]!)))) return { kind: 'search' };
  const type = /^users$/i.test(segs[0] ?? '') ? 'User' : /^groups$/i.test(segs[0] ?? '') ? 'Group' : undefined;
  if (!type || segs.length > 2) return { kind: 'other' };
  return segs.length === 1 ? { kind: 'collection', type } : { kind: 'object', type, id: segs[1]! };
}

export class SafetyGuard implements RequestGuard {
  private readonly pending = new WeakMap<ScimRequest, LedgerEntry>();

  constructor(
    readonly ledger: Ledger,
    /** `scimcheck-<runId>`: every created object's name must carry it. */
    readonly mark: string,
  ) {}

  before(req: ScimRequest): string | undefined {
    if (req.method === 'GET') return undefined;
    const t = classify(req.path);
    if (t.kind === 'search' && req.method === 'POST') return undefined; // a query, not a write
    if (t.kind === 'ambiguous') return `scimcheck refused to ${req.method} ${req.path}: the path is ambiguous (a ".", ".." or an encoded slash could name another object)`;
    if (req.method === 'POST' && t.kind === 'collection') {
      const body = typeof req.body === 'string' ? safeParse(req.body) : req.body;
      const name = nameIn(t.type, body);
      if (name !== undefined && !name.toLowerCase().includes(this.mark.toLowerCase())) {
        return `scimcheck refused to create ${t.type} "${name}": the names of objects a run creates must carry its mark ${this.mark} (use {{ run.mark }} in the suite)`;
      }
      this.pending.set(req, this.ledger.beforeCreate(t.type, name));
      return undefined;
    }
    if ((req.method === 'PUT' || req.method === 'PATCH' || req.method === 'DELETE') && t.kind === 'object') {
      if (!this.ledger.owns(t.type, t.id)) return `scimcheck refused to ${req.method} ${req.path}: this run did not create that object, and a run only ever changes or deletes its own`;
      return undefined;
    }
    // Anything else that writes (/Bulk, a whole collection, an unknown endpoint) could change objects the run did not
    // create: it is not sent.
    return `scimcheck refused to ${req.method} ${req.path}: a run only writes to /Users or /Groups (creates) and to the objects it created`;
  }

  async after(req: ScimRequest, res: ScimResponse, raw: (req: ScimRequest) => Promise<ScimResponse>): Promise<void> {
    const t = target(req);
    if (!t) return;
    const entry = this.pending.get(req);
    if (entry) {
      const id = (res.json as { id?: unknown } | undefined)?.id;
      if (res.status !== undefined && res.status >= 200 && res.status < 300 && typeof id === 'string' && id) {
        // The mark, read back: an id the server answered with is the run's only if that object carries the name sent.
        // When the read-back cannot tell (the server's reads are broken), the create's own answer must carry it.
        const name = entry.name;
        const ours = name === undefined ? true : await carriesName(entry.type, id, name, raw);
        if (ours === true || (ours === undefined && sameName(nameIn(entry.type, res.json), name!))) this.ledger.created(entry, id);
        else if (name !== undefined) {
          const real = await findByName(entry.type, name, raw);
          if (real) this.ledger.created(entry, real);
          // else it stays pending: the end-of-run sweep looks for it by name again.
        }
      } else if (res.status !== undefined && res.status >= 400 && res.status < 500) this.ledger.rejected(entry);
      // 5xx or no answer: it stays pending; the end-of-run sweep looks for it by name.
    } else if (req.method === 'DELETE' && t.id && res.status !== undefined && ((res.status >= 200 && res.status < 300) || res.status === 404)) {
      this.ledger.deleted(t.type, t.id);
    }
  }

  /** After a 5xx or a lost answer to a create: does the object exist now? (If so it is in the ledger, and no retry.) */
  async tookEffect(req: ScimRequest, raw: (req: ScimRequest) => Promise<ScimResponse>): Promise<boolean> {
    const entry = this.pending.get(req);
    if (!entry?.name) return false;
    const id = await findByName(entry.type, entry.name, raw);
    if (id) this.ledger.created(entry, id);
    return id !== undefined;
  }
}

/** The name attribute of a type (what carries a run's mark). */
const nameAttr = (type: ObjectType) => (type === 'User' ? 'userName' : 'displayName');

/** The userName / displayName of a request body or a resource (keys are case-insensitive in SCIM). */
export function nameIn(type: ObjectType, resource: unknown): string | undefined {
  const v = resource && typeof resource === 'object' ? Object.entries(resource).find(([k]) => k.toLowerCase() === nameAttr(type).toLowerCase())?.[1] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Names compare as the server may store them: userName and displayName are case-insensitive (RFC 7643 §4.1.1, §4.2). */
const sameName = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Whether the object at this id carries this exact name: true, false (another object is there), or undefined when
 * the read-back cannot tell (404, no answer, an error, a body without the name).
 */
export async function carriesName(type: ObjectType, id: string, name: string, send: (req: ScimRequest) => Promise<ScimResponse>): Promise<boolean | undefined> {
  const res = await send({ method: 'GET', path: resourcePath(type, id) });
  const found = res.status === 200 ? nameIn(type, res.json) : undefined;
  // No name to compare (no answer, an error, a body that is not JSON): the read-back cannot tell.
  return found === undefined ? undefined : sameName(found, name);
}

/**
 * The id of the one object whose userName / displayName is exactly this name. A list that names another object (a
 * server that ignores filters) or more than one is no answer: nothing is taken for the run's own on a guess.
 */
export async function findByName(type: ObjectType, name: string, send: (req: ScimRequest) => Promise<ScimResponse>): Promise<string | undefined> {
  const attr = nameAttr(type);
  const res = await send({ method: 'GET', path: type === 'User' ? '/Users' : '/Groups', query: [['filter', `${attr} eq "${name.replace(/["\\]/g, '\\$&')}"`]] });
  const list = (res.json as { Resources?: unknown[] } | undefined)?.Resources;
  if (res.status !== 200 || !Array.isArray(list)) return undefined;
  const matches = list.filter((r) => sameName(nameIn(type, r), name));
  const id = (matches[0] as { id?: unknown } | undefined)?.id;
  return matches.length === 1 && typeof id === 'string' && id ? id : undefined;
}

/**
 * Deletes whatever the ledger says may still exist: created objects by id; objects whose create got no answer, by
 * looking them up by name. Every DELETE goes through the client (and so through the guard).
 */
export async function sweepLedger(ledger: Ledger, send: (req: ScimRequest) => Promise<ScimResponse>, label = 'ledger'): Promise<CleanupItem[]> {
  const out: CleanupItem[] = [];
  for (const e of ledger.remaining()) {
    let id = e.id;
    if (!id && e.name) {
      id = await findByName(e.type, e.name, send);
      if (id) ledger.created(e, id);
      else {
        // Never created after all (or already gone): nothing to delete.
        ledger.rejected(e);
        continue;
      }
    }
    if (!id) continue;
    // The mark, read back before deleting: the object at that id must still be the one the run created.
    if (e.name) {
      const ours = await carriesName(e.type, id, e.name, send);
      if (ours === false) {
        // Another object answers at that id: it is left alone; the run's own is looked for by its exact name.
        const real = await findByName(e.type, e.name, send);
        if (!real || real === id) {
          out.push({ suite: label, path: resourcePath(e.type, id), ok: false, message: `not deleted: the object at this id is not the run's (its ${nameAttr(e.type)} is not ${JSON.stringify(e.name)})` });
          continue;
        }
        ledger.created(e, real);
        id = real;
      }
    }
    const item = await deleteObject(send, resourcePath(e.type, id), label);
    if (item.ok) ledger.deleted(e.type, id);
    out.push(item);
  }
  return out;
}

/**
 * Deletes objects: groups first (they reference users), then users, then anything else; within each kind, up to
 * `parallel` DELETEs at a time (a far tenant makes each one slow, and they do not depend on one another). The items
 * come back in the order of `paths` within each kind.
 */
export async function deleteAll(send: (req: ScimRequest) => Promise<ScimResponse>, paths: string[], label: string | ((path: string) => string), parallel = 8): Promise<CleanupItem[]> {
  const kind = (p: string) => (/^\/Groups\//i.test(p) ? 0 : /^\/Users\//i.test(p) ? 1 : 2);
  const out: CleanupItem[] = [];
  for (const k of [0, 1, 2]) {
    const batch = paths.filter((p) => kind(p) === k);
    const items: CleanupItem[] = new Array(batch.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(parallel, batch.length) }, async () => {
        while (next < batch.length) {
          const i = next++;
          items[i] = await deleteObject(send, batch[i]!, typeof label === 'string' ? label : label(batch[i]!));
        }
      }),
    );
    out.push(...items);
  }
  return out;
}

/** Sends one DELETE and says how it went: gone (2xx) or already gone (404) is ok. */
export async function deleteObject(send: (req: ScimRequest) => Promise<ScimResponse>, path: string, label: string): Promise<CleanupItem> {
  const r = await send({ method: 'DELETE', path });
  const ok = r.status !== undefined && ((r.status >= 200 && r.status < 300) || r.status === 404);
  return { suite: label, path, ...(r.status !== undefined ? { status: r.status } : {}), ok, message: ok ? `deleted (${r.status})` : r.error?.message ?? `DELETE answered ${r.status}` };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
