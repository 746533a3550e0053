/**
 * The safety guard every request of a run passes through (ScimClient's `guard`):
 * - a create (POST /Users, POST /Groups) is written to the ledger before it is sent, and must carry the run's mark
 *   in its userName / displayName;
 * - PUT, PATCH and DELETE of /Users/{id} or /Groups/{id} are refused unless the run created that object, whatever
 *   a suite says;
 * - after a 5xx (or no answer) to a create, it checks whether the object exists before the client may send it again.
 */
import type { RequestGuard, ScimRequest, ScimResponse } from '../http/client.js';
import { resourcePath } from '../http/resource-path.js';
import type { CleanupItem } from '../model/verdict.js';
import type { Ledger, LedgerEntry, ObjectType } from './ledger.js';

const RESOURCE = /^\/(Users|Groups)(?:\/([^/?]+))?\/?$/i;

export function target(req: ScimRequest): { type: ObjectType; id?: string } | undefined {
  const m = RESOURCE.exec(req.path);
  if (!m) return undefined;
  return { type: m[1]!.toLowerCase() === 'users' ? 'User' : 'Group', ...(m[2] ? { id: decodeURIComponent(m[2]) } : {}) };
}

function nameOf(type: ObjectType, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const key = type === 'User' ? 'username' : 'displayname';
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === key && typeof v === 'string') return v;
  return undefined;
}

export class SafetyGuard implements RequestGuard {
  private readonly pending = new WeakMap<ScimRequest, LedgerEntry>();

  constructor(
    readonly ledger: Ledger,
    /** `scimcheck-<runId>`: every created object's name must carry it. */
    readonly mark: string,
  ) {}

  before(req: ScimRequest): string | undefined {
    const t = target(req);
    if (!t) return undefined;
    if (req.method === 'POST' && !t.id) {
      const body = typeof req.body === 'string' ? safeParse(req.body) : req.body;
      const name = nameOf(t.type, body);
      if (name !== undefined && !name.toLowerCase().includes(this.mark.toLowerCase())) {
        return `scimcheck refused to create ${t.type} "${name}": the names of objects a run creates must carry its mark ${this.mark} (use {{ run.mark }} in the suite)`;
      }
      this.pending.set(req, this.ledger.beforeCreate(t.type, name));
      return undefined;
    }
    if ((req.method === 'PUT' || req.method === 'PATCH' || req.method === 'DELETE') && t.id && !this.ledger.owns(t.type, t.id)) {
      return `scimcheck refused to ${req.method} ${req.path}: this run did not create that object, and a run only ever changes or deletes its own`;
    }
    return undefined;
  }

  after(req: ScimRequest, res: ScimResponse): void {
    const t = target(req);
    if (!t) return;
    const entry = this.pending.get(req);
    if (entry) {
      const id = (res.json as { id?: unknown } | undefined)?.id;
      if (res.status !== undefined && res.status >= 200 && res.status < 300 && typeof id === 'string' && id) this.ledger.created(entry, id);
      else if (res.status !== undefined && res.status >= 400 && res.status < 500) this.ledger.rejected(entry);
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

/** The id of the object with this userName / displayName, if there is exactly one. */
export async function findByName(type: ObjectType, name: string, send: (req: ScimRequest) => Promise<ScimResponse>): Promise<string | undefined> {
  const attr = type === 'User' ? 'userName' : 'displayName';
  const res = await send({ method: 'GET', path: type === 'User' ? '/Users' : '/Groups', query: [['filter', `${attr} eq "${name.replace(/["\\]/g, '\\$&')}"`]] });
  const list = (res.json as { Resources?: { id?: unknown }[] } | undefined)?.Resources;
  if (res.status !== 200 || !Array.isArray(list) || list.length !== 1) return undefined;
  return typeof list[0]?.id === 'string' ? list[0].id : undefined;
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
