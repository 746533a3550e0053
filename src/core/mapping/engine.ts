/**
 * Runs an app profile's attribute mappings against a server, row by row, the way Entra would provision them, and
 * gives each row a verdict with the phase that failed:
 *   declared (the server's /Schemas declares the attribute) → create (POST with a generated, type-correct value)
 *   → read (GET by id: the value at that SCIM path is equal) → update (PATCH as Entra sends it, in each dialect,
 *   then GET) → filter (matching attribute only: `eq` finds exactly the resource, in another case too where the
 *   attribute is not caseExact).
 * `active` is disabled and the user must stay retrievable (GET and filter); `manager` must point at a real user the
 * run created; `members` are added (two in one PATCH) and removed, verified by GET. Each row works on its own
 * resources, so one broken attribute cannot hide another; everything created is deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import type { ScimClient, ScimRequest, ScimResponse } from '../http/client.js';
import type { Exchange } from '../model/exchange.js';
import { mappingId, type CleanupItem, type Judged, type MappingResult } from '../model/verdict.js';
import { resourcePath } from '../http/resource-path.js';
import { deleteAll } from '../safety/guard.js';
import { FilterError, selectValues, type FilterNode } from '../scim/filter/index.js';
import { SchemaRegistry } from '../scim/registry.js';
import type { AttributeResolver } from '../scim/schema-types.js';
import type { Dialect } from '../suite/model.js';
import type { MappingRow, Profile } from './profile.js';

export type { MappingResult, Phase } from '../model/verdict.js';
type Row = Judged<MappingResult>;

/** What every verdict of a row says about the row itself (the same with any outcome). */
function rowBase(p: Profile, row: MappingRow) {
  return {
    kind: 'mapping' as const,
    id: mappingId({ app: p.id, object: row.object, attribute: row.attribute }),
    group: `app:${p.id}`,
    title: `${row.object} ${row.attribute}`,
    app: p.id,
    object: row.object,
    attribute: row.attribute,
    type: row.type,
    matching: row.matching,
  };
}

export interface MappingOptions {
  client: ScimClient;
  profiles: Profile[];
  runId: string;
  dialects?: Dialect[];
  readOnly?: boolean;
  concurrency?: number;
  /** The server's own schemas and resource types (from /Schemas, /ResourceTypes); undefined when it serves none. */
  serverRegistry?: SchemaRegistry;
  /** Aborting stops starting new rows. */
  signal?: AbortSignal;
  onRow?: (r: Row) => void;
}

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CORE = SchemaRegistry.core();

class PhaseFailure extends Error {
  constructor(
    message: string,
    readonly exchanges: Exchange[],
    readonly errored = false,
  ) {
    super(message);
  }
}

export async function runMappings(opts: MappingOptions): Promise<{ results: Row[]; cleanup: CleanupItem[] }> {
  const dialects = opts.dialects ?? ['entra-legacy', 'entra'];
  const jobs = opts.profiles.flatMap((p) => p.rows.map((row, index) => ({ profile: p, row, index })));
  const results = new Array<Row>(jobs.length);
  const created: { type: 'User' | 'Group'; id: string; app: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const { profile, row, index } = jobs[i]!;
      const r = opts.signal?.aborted
        ? skippedRow(profile, row, 'interrupted before this row ran')
        : opts.readOnly
          ? skippedRow(profile, row, 'read-only run: mapping checks create, change and delete objects')
          : await new RowRun(opts, profile, row, index, dialects, created).run();
      results[i] = r;
      opts.onRow?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 32, jobs.length || 1)) }, worker));

  // Groups first (they reference users), then users; eight DELETEs at a time, since a far tenant makes each one slow.
  const paths = created.map((c) => resourcePath(c.type, c.id));
  const appOf = new Map(created.map((c, i) => [paths[i]!, `app:${c.app}`]));
  const cleanup = await deleteAll((r) => opts.client.send(r), paths, (path) => appOf.get(path)!);
  return { results, cleanup };
}

function skippedRow(p: Profile, row: MappingRow, why: string): Row {
  return {
    ...rowBase(p, row),
    outcome: 'skipped',
    phases: { declared: 'skipped', create: 'skipped', read: 'skipped', update: 'skipped', filter: row.matching ? 'skipped' : 'n/a' },
    dialects: {},
    message: why,
    durationMs: 0,
    exchanges: [],
  };
}

class RowRun {
  private readonly phases: MappingResult['phases'];
  private readonly byDialect: MappingResult['dialects'] = {};
  private readonly problems: { phase: string; message: string; exchanges: Exchange[]; errored: boolean }[] = [];
  private readonly resolve: AttributeResolver;
  private readonly coreUrn: string;
  private readonly tag: string;

  constructor(
    private readonly opts: MappingOptions,
    private readonly profile: Profile,
    private readonly row: MappingRow,
    private readonly index: number,
    private readonly dialects: Dialect[],
    private readonly created: { type: 'User' | 'Group'; id: string; app: string }[],
  ) {
    this.phases = { declared: 'skipped', create: 'skipped', read: 'skipped', update: 'skipped', filter: row.matching ? 'skipped' : 'n/a' };
    this.resolve = CORE.resolver(row.object);
    this.coreUrn = row.object === 'User' ? USER_URN : GROUP_URN;
    // The run's mark first: every name the run creates starts with scimcheck-<runId> (the guard insists on it).
    this.tag = `scimcheck-${opts.runId}-${profile.id}-${index + 1}-${randomBytes(3).toString('hex')}`;
  }

  async run(): Promise<Row> {
    const t0 = Date.now();
    this.declared();
    try {
      if (this.row.object === 'Group' && this.row.attribute.toLowerCase() === 'members') await this.members();
      else await this.attribute();
    } catch (err) {
      if (!(err instanceof PhaseFailure)) {
        this.problems.push({ phase: 'run', message: `internal error: ${(err as Error).message}`, exchanges: [], errored: true });
      }
    }
    const first = this.problems[0];
    const errored = this.problems.length > 0 && this.problems.every((p) => p.errored);
    return {
      ...rowBase(this.profile, this.row),
      outcome: !first ? 'passed' : errored ? 'errored' : 'failed',
      phases: this.phases,
      dialects: this.byDialect,
      message: first ? this.problems.map((p) => `${p.phase}: ${p.message}`).join('; ') : 'all phases passed',
      durationMs: Date.now() - t0,
      exchanges: first?.exchanges ?? [],
    };
  }

  /** Before any write: does the server's /Schemas declare the attribute? */
  private declared(): void {
    const reg = this.opts.serverRegistry;
    if (!reg || !reg.resourceType(this.row.object)) return;
    const def = reg.resolver(this.row.object)(this.row.path.attr);
    const sub = this.row.path.subAttr;
    const ok = !!def && (!sub || !!def.subAttributes?.some((s) => s.name.toLowerCase() === sub.toLowerCase()));
    this.phases.declared = ok ? 'passed' : 'failed';
    if (!ok) this.problems.push({ phase: 'declared', message: `the server's /Schemas does not declare ${this.row.attribute}`, exchanges: [], errored: false });
  }

  /** Runs one phase: a PhaseFailure marks it failed (or errored) and, when `fatal`, stops the row. */
  private async phase(name: 'create' | 'read' | 'update' | 'filter', fn: () => Promise<void>, fatal = false): Promise<boolean> {
    try {
      await fn();
      if (this.phases[name] !== 'failed' && this.phases[name] !== 'errored') this.phases[name] = 'passed';
      return true;
    } catch (err) {
      if (!(err instanceof PhaseFailure)) throw err;
      this.phases[name] = err.errored ? 'errored' : 'failed';
      this.problems.push({ phase: name, message: err.message, exchanges: err.exchanges, errored: err.errored });
      if (fatal) throw err;
      return false;
    }
  }

  /** Runs `fn` once per dialect, each on its own: the phase fails if any dialect fails, and says which. */
  private async eachDialect(fn: (d: Dialect, i: number) => Promise<void>): Promise<void> {
    const failures: PhaseFailure[] = [];
    for (const [i, d] of this.dialects.entries()) {
      try {
        await fn(d, i);
        this.byDialect[d] = 'passed';
      } catch (err) {
        if (!(err instanceof PhaseFailure)) throw err;
        this.byDialect[d] = err.errored ? 'errored' : 'failed';
        failures.push(err);
      }
    }
    if (failures.length) {
      throw new PhaseFailure(failures.map((f) => f.message).join('; '), failures.flatMap((f) => f.exchanges), failures.every((f) => f.errored));
    }
  }

  private async send(req: ScimRequest, what: string, ok: (status: number) => boolean): Promise<ScimResponse> {
    const res = await this.opts.client.send(req);
    if (res.status === undefined) throw new PhaseFailure(`${what}: ${res.error?.message ?? 'no response'}`, [res.exchange], true);
    if (!ok(res.status)) throw new PhaseFailure(`${what} answered ${res.status}${detail(res)}`, [res.exchange]);
    return res;
  }

  private async createUser(extra: Record<string, unknown> = {}, what = 'POST /Users'): Promise<{ id: string; res: ScimResponse }> {
    const body = { schemas: [USER_URN], userName: `${this.tag}-${randomBytes(2).toString('hex')}@example.com`, ...extra };
    return this.create('User', body, what);
  }

  private async create(type: 'User' | 'Group', body: Record<string, unknown>, what: string): Promise<{ id: string; res: ScimResponse }> {
    const res = await this.send({ method: 'POST', path: type === 'User' ? '/Users' : '/Groups', body }, what, (s) => s >= 200 && s < 300);
    const id = (res.json as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || !id) throw new PhaseFailure(`${what} answered ${res.status} without an id`, [res.exchange]);
    this.created.push({ type, id, app: this.profile.id });
    return { id, res };
  }

  private async get(type: 'User' | 'Group', id: string, what: string): Promise<ScimResponse> {
    return this.send({ method: 'GET', path: resourcePath(type, id) }, what, (s) => s === 200);
  }

  /** The value at the row's path in a resource (a Reference's `value`). */
  private valueIn(resource: unknown): unknown {
    if (!resource || typeof resource !== 'object') return undefined;
    let values: unknown[];
    try {
      values = selectValues(resource as Record<string, unknown>, this.row.path, this.resolve, { coreSchemaUrn: this.coreUrn });
    } catch {
      return undefined;
    }
    const v = values[0];
    return this.row.type === 'Reference' && v && typeof v === 'object' ? (v as { value?: unknown }).value : v;
  }

  private expectValue(res: ScimResponse, want: unknown, when: string): void {
    const got = this.valueIn(res.json);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new PhaseFailure(`${when}, ${this.row.attribute} is ${got === undefined ? 'absent' : JSON.stringify(got)}, expected ${JSON.stringify(want)}`, [res.exchange]);
    }
  }

  // ----------------------------------------------------------------------------------------------------------
  // An attribute row (every row but group members)

  private async attribute(): Promise<void> {
    const row = this.row;
    const isUser = row.object === 'User';
    const isManager = row.type === 'Reference';
    // Managers: real users the run creates (one for create, one per dialect).
    const managers: string[] = [];
    if (isManager) {
      await this.phase('create', async () => {
        for (let i = 0; i <= this.dialects.length; i++) managers.push((await this.createUser({}, 'POST /Users (a manager)')).id);
      }, true);
    }
    const value = (variant: number): unknown => (isManager ? managers[variant] : generate(row, variant, this.tag));
    const initial = value(0);
    const body: Record<string, unknown> = isUser
      ? { schemas: [USER_URN], userName: `${this.tag}@example.com`, active: true }
      : { schemas: [GROUP_URN], displayName: `${this.tag}-group` };
    setPath(body, row, isManager ? { value: initial } : initial);
    let id = '';
    await this.phase('create', async () => {
      id = (await this.create(row.object, body, `POST /${isUser ? 'Users' : 'Groups'} with ${row.attribute}`)).id;
    }, true);
    await this.phase('read', async () => this.expectValue(await this.get(row.object, id, 'GET by id'), initial, 'after create'));
    await this.phase('update', () =>
      this.eachDialect(async (d, i) => {
        if (row.attribute.toLowerCase() === 'active') {
          if (i > 0) await this.send(patch(id, row.object, [{ op: 'replace', path: 'active', value: true }]), `re-enabling before the [${d}] disable`, (s) => s === 200 || s === 204);
          await this.disable(id, d);
          return;
        }
        const next = value(i + 1);
        await this.send(patch(id, row.object, updateOps(row, next, d)), `PATCH [${d}]`, (s) => s === 200 || s === 204);
        this.expectValue(await this.get(row.object, id, `GET after PATCH [${d}]`), next, `after PATCH [${d}]`);
      }),
    );
    if (row.matching) {
      // Filter on the value the resource has now, whatever the updates did.
      await this.phase('filter', async () => this.filter(id, this.valueIn((await this.get(row.object, id, 'GET before filtering')).json)));
    }
  }

  private async disable(id: string, d: Dialect): Promise<void> {
    const ops = d === 'entra-legacy' ? [{ op: 'Replace', path: 'active', value: 'False' }] : [{ op: 'replace', path: 'active', value: false }];
    await this.send(patch(id, 'User', ops), `PATCH [${d}] disabling`, (s) => s === 200 || s === 204);
    const res = await this.send({ method: 'GET', path: resourcePath('User', id) }, `GET of the user disabled [${d}]`, (s) => s === 200);
    this.expectValue(res, false, `after disabling [${d}]`);
    const userName = (res.json as { userName?: unknown }).userName;
    const list = await this.send({ method: 'GET', path: '/Users', query: [['filter', `userName eq "${String(userName)}"`]] }, `filter for the user disabled [${d}]`, (s) => s === 200);
    const ids = resourceIds(list.json);
    if (!ids.includes(id)) throw new PhaseFailure(`the user disabled [${d}] is not found by userName eq (a disabled user must stay retrievable)`, [list.exchange]);
  }

  private async filter(id: string, value: unknown): Promise<void> {
    const attr = this.row.attribute;
    const query = async (v: string, label: string) => {
      const res = await this.send({ method: 'GET', path: this.row.object === 'User' ? '/Users' : '/Groups', query: [['filter', `${attr} eq "${v}"`]] }, `filter ${label}`, (s) => s === 200);
      const ids = resourceIds(res.json);
      if (ids.length !== 1 || ids[0] !== id) throw new PhaseFailure(`filter ${attr} eq "${v}"${label === 'exact' ? '' : ` (${label})`} found ${JSON.stringify(ids)}, expected exactly ["${id}"]`, [res.exchange]);
    };
    await query(String(value), 'exact');
    const def = (this.opts.serverRegistry?.resourceType(this.row.object) ? this.opts.serverRegistry.resolver(this.row.object) : this.resolve)(this.row.path.attr);
    if (def && def.type === 'string' && !def.caseExact) await query(String(value).toUpperCase(), 'in another case: the attribute is not caseExact');
  }

  // ----------------------------------------------------------------------------------------------------------
  // Group members

  private async members(): Promise<void> {
    // One group per dialect: each dialect's add and remove start from an empty group, so a server's handling of one
    // form cannot show up as a failure of the other.
    const users: string[] = [];
    const groups = new Map<Dialect, string>();
    await this.phase('create', async () => {
      users.push((await this.createUser({}, 'POST /Users (a member)')).id, (await this.createUser({}, 'POST /Users (a member)')).id);
      for (const d of this.dialects) groups.set(d, (await this.create('Group', { schemas: [GROUP_URN], displayName: `${this.tag}-group-${d}` }, 'POST /Groups')).id);
    }, true);
    await this.phase('read', async () => {
      for (const gid of groups.values()) {
        const res = await this.get('Group', gid, 'GET by id');
        const m = memberIds(res.json);
        if (m.length) throw new PhaseFailure(`a new group lists members ${JSON.stringify(m)}`, [res.exchange]);
      }
    });
    const [u1, u2] = users as [string, string];
    await this.phase('update', () =>
      this.eachDialect(async (d) => {
        const gid = groups.get(d)!;
        const legacy = d === 'entra-legacy';
        const add = legacy
          ? [{ op: 'Add', path: 'members', value: [{ $ref: null, value: u1 }, { $ref: null, value: u2 }] }]
          : [{ op: 'add', path: 'members', value: [{ value: u1 }, { value: u2 }] }];
        await this.send(patch(gid, 'Group', add), `PATCH [${d}] adding two members`, (s) => s === 200 || s === 204);
        let res = await this.get('Group', gid, `GET after adding members [${d}]`);
        if (JSON.stringify(memberIds(res.json).sort()) !== JSON.stringify([u1, u2].sort())) {
          throw new PhaseFailure(`after adding two members in one PATCH [${d}], the group lists ${JSON.stringify(memberIds(res.json))}`, [res.exchange]);
        }
        const remove = legacy ? [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: u1 }] }] : [{ op: 'remove', path: `members[value eq "${u1}"]` }];
        await this.send(patch(gid, 'Group', remove), `PATCH [${d}] removing a member`, (s) => s === 200 || s === 204);
        res = await this.get('Group', gid, `GET after removing a member [${d}]`);
        if (JSON.stringify(memberIds(res.json)) !== JSON.stringify([u2])) {
          throw new PhaseFailure(`after removing one member [${d}], the group lists ${JSON.stringify(memberIds(res.json))}, expected ["${u2}"]`, [res.exchange]);
        }
      }),
    );
  }
}

// -------------------------------------------------------------------------------------------------------------

function detail(res: ScimResponse): string {
  const j = res.json as { scimType?: unknown; detail?: unknown } | undefined;
  const parts = [j?.scimType, j?.detail].filter((x) => typeof x === 'string');
  return parts.length ? ` (${parts.join(': ')})` : '';
}

function resourceIds(json: unknown): string[] {
  const r = (json as { Resources?: { id?: unknown }[] } | undefined)?.Resources;
  return Array.isArray(r) ? r.map((x) => String(x?.id)) : [];
}

function memberIds(json: unknown): string[] {
  const m = (json as { members?: { value?: unknown }[] } | undefined)?.members;
  return Array.isArray(m) ? m.map((x) => String(x?.value)) : [];
}

function patch(id: string, type: 'User' | 'Group', ops: Record<string, unknown>[]): ScimRequest {
  return { method: 'PATCH', path: resourcePath(type, id), body: { schemas: [PATCH_URN], Operations: ops } };
}

/**
 * The operations Entra sends to update one attribute. Legacy jobs: `Replace` with the attribute's path (the manager
 * as `Add manager [{$ref, value}]`). With aadOptscim062020: lower-case ops; simple, dotted and URN-qualified
 * attributes go in a path-less value object, value paths keep their path, the manager is a URN path and a string.
 */
function updateOps(row: MappingRow, value: unknown, d: Dialect): Record<string, unknown>[] {
  const isManager = row.type === 'Reference';
  if (d === 'entra-legacy') {
    if (isManager) return [{ op: 'Add', path: 'manager', value: [{ $ref: null, value }] }];
    return [{ op: 'Replace', path: row.attribute, value: row.type === 'Boolean' ? (value ? 'True' : 'False') : value }];
  }
  if (isManager) return [{ op: 'replace', path: row.attribute, value }];
  if (row.path.filter) return [{ op: 'replace', path: row.attribute, value }];
  return [{ op: 'replace', value: { [row.attribute]: value } }];
}

/** A generated, type-correct value for a row: variant 0 at create, 1.. per dialect update. */
export function generate(row: MappingRow, variant: number, tag: string): unknown {
  const name = (row.path.subAttr ?? row.path.attr.subAttr ?? row.path.attr.name).toLowerCase();
  const attr = row.path.attr.name.toLowerCase();
  switch (row.type) {
    case 'Boolean':
      return variant === 0;
    case 'Integer':
      return 1000 + variant;
    case 'DateTime':
      return new Date(Date.UTC(2024, 0, 1 + variant)).toISOString().replace('.000Z', 'Z');
    default:
      break;
  }
  if (attr === 'username') return `${tag}-v${variant}@example.com`;
  if (attr === 'emails') return `${tag}-v${variant}@example.com`.toLowerCase();
  if (attr === 'phonenumbers') return `+1 555 01${String(variant).padStart(2, '0')}`;
  if (attr === 'preferredlanguage' || attr === 'locale') return ['en-US', 'nl-NL', 'de-DE'][variant % 3];
  if (attr === 'timezone') return ['Europe/Amsterdam', 'America/New_York', 'Asia/Tokyo'][variant % 3];
  if (name === 'country') return ['NL', 'US', 'DE'][variant % 3];
  if (name === 'postalcode') return `10${variant}1 AB`;
  return `${tag}-${name}-v${variant}`;
}

/** Puts a value at a mapping's path in a request body: `name.givenName`, `emails[type eq "work"].value`, URN paths. */
export function setPath(body: Record<string, unknown>, row: MappingRow, value: unknown): void {
  const { attr, filter, subAttr } = row.path;
  let target = body;
  if (attr.urn && attr.urn.toLowerCase() !== USER_URN.toLowerCase() && attr.urn.toLowerCase() !== GROUP_URN.toLowerCase()) {
    target = (body[attr.urn] as Record<string, unknown> | undefined) ?? (body[attr.urn] = {});
    const schemas = body.schemas as string[];
    if (!schemas.includes(attr.urn)) schemas.push(attr.urn);
  }
  if (filter) {
    const element: Record<string, unknown> = { ...eqSeed(filter), [subAttr ?? 'value']: value };
    const list = (target[attr.name] as unknown[] | undefined) ?? (target[attr.name] = []);
    (list as unknown[]).push(element);
  } else if (attr.subAttr) {
    const obj = (target[attr.name] as Record<string, unknown> | undefined) ?? (target[attr.name] = {});
    obj[attr.subAttr] = value;
  } else {
    target[attr.name] = value;
  }
}

function eqSeed(node: FilterNode): Record<string, unknown> {
  if (node.kind === 'compare' && node.op === 'eq') return { [node.attr.name]: node.value };
  if (node.kind === 'and') return { ...eqSeed(node.left), ...eqSeed(node.right) };
  throw new FilterError('a mapping path filter must be eq comparisons', 'invalidPath', -1);
}
