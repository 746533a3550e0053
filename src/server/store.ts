/**
 * The in-memory resources of the reference server: stored form (see patch.ts), uniqueness indexes, group
 * membership (for the User's read-only `groups`), versions for ETags, and a cache of each rendered resource.
 */
import { randomUUID } from 'node:crypto';
import { ScimHttpError } from './errors.js';
import type { Faults } from './faults.js';
import type { JsonObject, TypeModel } from './model.js';

export type TypeName = 'User' | 'Group';

export interface Stored {
  id: string;
  type: TypeName;
  data: JsonObject;
  created: string;
  lastModified: string;
  version: number;
  /** Rendered representation, rebuilt on change. */
  rendered?: JsonObject;
  /** Creation order: lists without sortBy keep it, also when an index found the candidates. */
  seq: number;
}

export class Store {
  private readonly maps: Record<TypeName, Map<string, Stored>> = { User: new Map(), Group: new Map() };
  private readonly names: Record<TypeName, Map<string, string>> = { User: new Map(), Group: new Map() };
  /**
   * userName / displayName, lower-cased and sorted, with ids (duplicates allowed): the candidates of `eq`, `sw`, `gt`,
   * `ge`, `lt`, `le` on the name, found by binary search instead of a scan of the tenant (list.ts).
   */
  private readonly sortedNames: Record<TypeName, { key: string; id: string }[]> = { User: [], Group: [] };
  /** externalId, lower-cased -> ids (for `externalId eq`, Entra's other matching attribute). */
  private readonly externalIds: Record<TypeName, Map<string, Set<string>>> = { User: new Map(), Group: new Map() };
  /** userId/groupId -> ids of the groups it is a direct member of. */
  private readonly memberOf = new Map<string, Set<string>>();
  private clock = 0;
  private created = 0;

  constructor(
    private readonly faults: Faults,
    private readonly models: Record<TypeName, TypeModel>,
    private readonly baseUrl: () => string,
  ) {}

  get(type: TypeName, id: string): Stored | undefined {
    return this.maps[type].get(id);
  }

  all(type: TypeName): IterableIterator<Stored> {
    return this.maps[type].values();
  }

  size(type: TypeName): number {
    return this.maps[type].size;
  }

  exists(id: string): boolean {
    return this.maps.User.has(id) || this.maps.Group.has(id);
  }

  /** Looks a resource up by its unique name (userName / displayName), as the uniqueness index sees it. */
  byName(type: TypeName, name: string): Stored | undefined {
    const id = this.names[type].get(this.nameKey(type, name));
    return id ? this.maps[type].get(id) : undefined;
  }

  /**
   * Resources whose lower-cased name lies in a range: `from` and `to` inclusive or exclusive, either open (undefined).
   * A superset of what a case-insensitive comparison of the name matches, whatever the case-exactness.
   */
  byNameRange(type: TypeName, from: { key: string; inclusive: boolean } | undefined, to: { key: string; inclusive: boolean } | undefined): Stored[] {
    const list = this.sortedNames[type];
    let i = from ? lowerBound(list, from.key) : 0;
    if (from && !from.inclusive) while (i < list.length && list[i]!.key === from.key) i++;
    const out: Stored[] = [];
    for (; i < list.length; i++) {
      const k = list[i]!.key;
      if (to && (k > to.key || (!to.inclusive && k === to.key))) break;
      const s = this.maps[type].get(list[i]!.id);
      if (s) out.push(s);
    }
    return out;
  }

  /** Resources whose lower-cased name starts with this (lower-cased) prefix. */
  byNamePrefix(type: TypeName, prefix: string): Stored[] {
    const list = this.sortedNames[type];
    const out: Stored[] = [];
    for (let i = lowerBound(list, prefix); i < list.length && list[i]!.key.startsWith(prefix); i++) {
      const s = this.maps[type].get(list[i]!.id);
      if (s) out.push(s);
    }
    return out;
  }

  /** Resources whose externalId equals this one, ignoring case (a superset of the case-exact matches). */
  byExternalId(type: TypeName, externalId: string): Stored[] {
    return [...(this.externalIds[type].get(externalId.toLowerCase()) ?? [])].map((id) => this.maps[type].get(id)!).filter(Boolean);
  }

  create(type: TypeName, data: JsonObject, id: string = randomUUID()): Stored {
    this.checkUnique(type, data, undefined);
    const now = this.now();
    const s: Stored = { id, type, data, created: now, lastModified: now, version: 1, seq: ++this.created };
    this.maps[type].set(id, s);
    this.index(s, undefined);
    return s;
  }

  replace(s: Stored, data: JsonObject): Stored {
    this.checkUnique(s.type, data, s);
    const before = s.data;
    // A change that changes nothing keeps the version and lastModified (RFC 7644 §3.5.2.1, §3.14).
    if (JSON.stringify(before) === JSON.stringify(data)) return s;
    s.data = data;
    s.lastModified = this.now();
    s.version++;
    s.rendered = undefined;
    this.index(s, before);
    return s;
  }

  delete(s: Stored): void {
    this.maps[s.type].delete(s.id);
    this.unindexName(s.type, s.data, s.id);
    if (s.type === 'Group') this.setMembers(s.id, membersOf(s.data), []);
    // Remove it from every group it belonged to.
    if (this.faults.has('delete-keeps-memberships')) return;
    for (const gid of this.memberOf.get(s.id) ?? []) {
      const g = this.maps.Group.get(gid);
      if (!g) continue;
      const members = membersOf(g.data).filter((m) => m !== s.id);
      const data = { ...g.data };
      if (members.length) data.members = (g.data.members as JsonObject[]).filter((m) => m.value !== s.id);
      else delete data.members;
      g.data = data;
      this.touch(g);
    }
    this.memberOf.delete(s.id);
  }

  /** The groups a resource is a direct member of. */
  groupsOf(id: string): Stored[] {
    return [...(this.memberOf.get(id) ?? [])].map((g) => this.maps.Group.get(g)!).filter(Boolean);
  }

  /** A deep, stable copy of every resource, for tests that compare state before and after a run. */
  snapshot(): { users: JsonObject[]; groups: JsonObject[] } {
    const dump = (t: TypeName) => [...this.maps[t].values()].map((s) => structuredClone({ id: s.id, ...s.data }));
    return { users: dump('User'), groups: dump('Group') };
  }

  location(type: TypeName, id: string): string {
    return `${this.baseUrl()}/${type === 'User' ? 'Users' : 'Groups'}/${id}`;
  }

  etag(s: Stored): string {
    return `W/"${s.version}"`;
  }

  // ---------------------------------------------------------------------------------------------------------

  private now(): string {
    // Strictly increasing timestamps, so that meta.lastModified orders every change.
    const t = Math.max(Date.now(), this.clock + 1);
    this.clock = t;
    return new Date(t).toISOString();
  }

  private nameAttr(type: TypeName): string {
    return type === 'User' ? 'userName' : 'displayName';
  }

  private nameKey(type: TypeName, name: string): string {
    if (type === 'User' && this.faults.has('duplicate-username-case-sensitive')) return name;
    return name.toLowerCase();
  }

  private uniquenessOff(type: TypeName): boolean {
    return type === 'User' ? this.faults.has('duplicate-username-allowed') : this.faults.has('duplicate-group-allowed');
  }

  private checkUnique(type: TypeName, data: JsonObject, self: Stored | undefined): void {
    const name = data[this.nameAttr(type)];
    if (typeof name !== 'string' || this.uniquenessOff(type)) return;
    const holder = this.names[type].get(this.nameKey(type, name));
    if (holder && holder !== self?.id) {
      throw new ScimHttpError(409, `${this.nameAttr(type)} "${name}" is already taken by ${type === 'User' ? 'user' : 'group'} ${holder}`, 'uniqueness');
    }
  }

  private index(s: Stored, before: JsonObject | undefined): void {
    if (before) this.unindexName(s.type, before, s.id);
    const name = s.data[this.nameAttr(s.type)];
    if (typeof name === 'string') {
      this.names[s.type].set(this.nameKey(s.type, name), s.id);
      const list = this.sortedNames[s.type];
      const key = name.toLowerCase();
      list.splice(lowerBound(list, key), 0, { key, id: s.id });
    }
    const ext = s.data.externalId;
    if (typeof ext === 'string') {
      const map = this.externalIds[s.type];
      const set = map.get(ext.toLowerCase());
      if (set) set.add(s.id);
      else map.set(ext.toLowerCase(), new Set([s.id]));
    }
    if (s.type === 'Group') this.setMembers(s.id, before ? membersOf(before) : [], membersOf(s.data));
  }

  private unindexName(type: TypeName, data: JsonObject, id: string): void {
    const ext = data.externalId;
    if (typeof ext === 'string') {
      const set = this.externalIds[type].get(ext.toLowerCase());
      set?.delete(id);
      if (set?.size === 0) this.externalIds[type].delete(ext.toLowerCase());
    }
    const name = data[this.nameAttr(type)];
    if (typeof name !== 'string') return;
    const key = this.nameKey(type, name);
    if (this.names[type].get(key) === id) this.names[type].delete(key);
    const list = this.sortedNames[type];
    const lower = name.toLowerCase();
    for (let i = lowerBound(list, lower); i < list.length && list[i]!.key === lower; i++) {
      if (list[i]!.id === id) {
        list.splice(i, 1);
        break;
      }
    }
  }

  private setMembers(groupId: string, before: string[], after: string[]): void {
    const next = new Set(after);
    for (const m of before) {
      if (next.has(m)) continue;
      this.memberOf.get(m)?.delete(groupId);
      this.invalidate(m);
    }
    const prev = new Set(before);
    for (const m of after) {
      if (prev.has(m)) continue;
      let set = this.memberOf.get(m);
      if (!set) this.memberOf.set(m, (set = new Set()));
      set.add(groupId);
      this.invalidate(m);
    }
  }

  /** A resource whose representation changed as a side effect (its `groups`): new version, new lastModified. */
  private invalidate(id: string): void {
    const s = this.maps.User.get(id) ?? this.maps.Group.get(id);
    if (s) this.touch(s);
  }

  private touch(s: Stored): void {
    s.rendered = undefined;
    s.version++;
    s.lastModified = this.now();
  }

  modelOf(type: TypeName): TypeModel {
    return this.models[type];
  }
}

export function membersOf(data: JsonObject): string[] {
  const m = data.members;
  return Array.isArray(m) ? m.map((x) => (x as JsonObject).value as string) : [];
}

/** The first position in a sorted list whose key is not below `key`. */
function lowerBound(list: { key: string }[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
