/**
 * The runner: executes suites against one ScimClient. Suites run concurrently (a pool of `concurrency`); the steps
 * of a suite run in order. Every step becomes one CheckResult. A step whose prerequisite failed is `errored`
 * (skipped when the prerequisite was skipped); a step the server's ServiceProviderConfig rules out is `skipped`.
 * Every resource a suite creates is deleted when the suite ends, also when checks fail. Nothing here prints.
 */
import { randomBytes } from 'node:crypto';
import type { ScimClient, ScimRequest, ScimResponse } from '../http/client.js';
import { exitCodeFor, summarize, type CheckResult, type FailOn, type Summary } from '../result.js';
import type { ExitCode } from '../errors.js';
import { schemaDefsFromListResponse, ServerSchemas } from '../scim/compile-schema.js';
import { parsePath, selectValues } from '../scim/filter/index.js';
import { SchemaRegistry } from '../scim/registry.js';
import type { Capability, Dialect, Requires, Step, Suite } from '../suite/model.js';
import type { ResourceTypeDef } from '../scim/schema-types.js';
import { runMappings, type MappingResult } from '../mapping/engine.js';
import { Ledger } from '../safety/ledger.js';
import { deleteAll, SafetyGuard, sweepLedger } from '../safety/guard.js';
import type { Profile } from '../mapping/profile.js';
import { evaluate } from './expect.js';
import { MissingCapture, render, type Scope } from './template.js';

export type RunEvent =
  | { type: 'suite-start'; suite: Suite }
  | { type: 'check'; check: CheckResult }
  | { type: 'suite-end'; suite: Suite; durationMs: number }
  | { type: 'cleanup'; item: CleanupItem }
  | { type: 'mapping'; result: MappingResult };

export interface CleanupItem {
  suite: string;
  path: string;
  status?: number;
  ok: boolean;
  message: string;
}

export interface RunOptions {
  suites: Suite[];
  client: ScimClient;
  /** Which PATCH dialects to run (default both). */
  dialects?: Dialect[];
  /** Run only steps that send no write (and those that depend on nothing written). */
  readOnly?: boolean;
  concurrency?: number;
  /** Check ids (`suite/step`) to run, with the steps they depend on. */
  checks?: string[];
  /** Which failed checks count (default must; `strict: true` is any). */
  failOn?: FailOn;
  strict?: boolean;
  runId?: string;
  registry?: SchemaRegistry;
  /** App profiles whose attribute mappings to check (run alongside the suites). */
  profiles?: Profile[];
  /** Where the run records what it creates (default: in memory). */
  ledger?: Ledger;
  /** Aborting stops the run between steps (SIGINT): what was created is still deleted. */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
}

export interface RunResult {
  runId: string;
  checks: CheckResult[];
  summary: Summary;
  exitCode: ExitCode;
  cleanup: CleanupItem[];
  suites: { id: string; title: string; durationMs: number }[];
  mappings: MappingResult[];
  /** The ledger file (when one was written), and how many objects in it could not be deleted. */
  ledger: { file?: string; remaining: number };
  /** The run was interrupted (signal). */
  interrupted: boolean;
}

interface Capabilities {
  /** undefined: the server did not say (discovery failed); the checks then run. */
  spc?: Partial<Record<Capability, boolean>>;
  resourceTypes?: Set<string>;
  /** The server's own extension schemas, for type-checking extension attributes. */
  schemas?: ServerSchemas;
  /** The server's own schemas and resource types as a registry (for the mappings' "declared" phase). */
  registry?: SchemaRegistry;
}

export async function runSuites(opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const runId = opts.runId ?? randomBytes(4).toString('hex');
  const registry = opts.registry ?? SchemaRegistry.core();
  const dialects = opts.dialects ?? ['entra-legacy', 'entra'];
  const selected = opts.checks ? closure(opts.suites, opts.checks, dialects) : undefined;
  // Safety: every request of the run passes through the guard (ledger, ownership, marks).
  const ledger = opts.ledger ?? Ledger.inMemory(runId, opts.client.target.baseUrl.toString());
  const previousGuard = opts.client.guard;
  opts.client.setGuard(new SafetyGuard(ledger, `scimcheck-${runId}`));
  try {
    return await runGuarded({ ...opts, runId }, ledger, started, registry, dialects, selected);
  } finally {
    opts.client.setGuard(previousGuard);
    ledger.closeFile(); // also when the run ends in an exception (the file stays, for `scimcheck cleanup`)
  }
}

async function runGuarded(
  opts: RunOptions & { runId: string },
  ledger: Ledger,
  started: number,
  registry: SchemaRegistry,
  dialects: Dialect[],
  selected: Set<string> | undefined,
): Promise<RunResult> {
  const runId = opts.runId;
  const caps = await discover(opts.client);
  const checks: CheckResult[] = [];
  const cleanup: CleanupItem[] = [];
  const suiteTimes: RunResult['suites'] = [];
  const emit = (e: RunEvent) => {
    if (e.type === 'check') checks.push(e.check);
    if (e.type === 'cleanup') cleanup.push(e.item);
    opts.onEvent?.(e);
  };

  // Longest suites first (by the requests they send in sequence): with fewer workers than suites, the longest chain
  // then starts at once instead of queueing behind short ones, so a far tenant waits for it alone. Reports keep the
  // suites' own order.
  const length = (s: Suite) => s.steps.filter((st) => st.request && (!st.dialect || dialects.includes(st.dialect))).length;
  const queue = opts.suites
    .filter((s) => !selected || s.steps.some((st) => selected.has(`${s.id}/${st.key}`)))
    .map((s, i) => ({ s, i, n: length(s) }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((x) => x.s);
  const worker = async () => {
    for (let suite = queue.shift(); suite; suite = queue.shift()) {
      const t0 = Date.now();
      emit({ type: 'suite-start', suite });
      await runSuite(suite, { ...opts, runId, registry, dialects, selected, caps, emit });
      const durationMs = Date.now() - t0;
      suiteTimes.push({ id: suite.id, title: suite.title, durationMs });
      emit({ type: 'suite-end', suite, durationMs });
    }
  };
  const mappingRun = opts.profiles?.length
    ? runMappings({
        ...(opts.signal ? { signal: opts.signal } : {}),
        client: opts.client,
        profiles: opts.profiles,
        runId,
        dialects,
        ...(opts.readOnly ? { readOnly: true } : {}),
        ...(caps.registry ? { serverRegistry: caps.registry } : {}),
        onRow: (result) => opts.onEvent?.({ type: 'mapping', result }),
      })
    : Promise.resolve({ results: [] as MappingResult[], cleanup: [] as CleanupItem[] });
  const [, mapped] = await Promise.all([Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, queue.length || 1)) }, worker)), mappingRun]);
  for (const item of mapped.cleanup) emit({ type: 'cleanup', item });
  // Whatever the suites' and rows' own cleanup did not remove: the ledger knows it (also objects whose create got
  // no answer, found by name).
  for (const item of await sweepLedger(ledger, (r) => opts.client.send(r))) emit({ type: 'cleanup', item });
  ledger.close();
  const remaining = ledger.remaining().length;
  // Suites ran longest first; the report lists them as given.
  const given = new Map(opts.suites.map((s, i) => [s.id, i]));
  suiteTimes.sort((a, b) => (given.get(a.id) ?? 0) - (given.get(b.id) ?? 0));

  // Report in a stable order: suites as given, steps as written.
  const order = new Map<string, number>();
  opts.suites.forEach((s, i) => s.steps.forEach((st, j) => order.set(`${s.id}/${st.key}`, i * 10_000 + j)));
  checks.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const summary = summarize(checks, Date.now() - started, opts.strict ? 'any' : opts.failOn ?? 'must');
  const mappings = mapped.results;
  if (mappings.length) {
    summary.mappings = { passed: 0, failed: 0, errored: 0, skipped: 0 };
    for (const m of mappings) summary.mappings[m.outcome]++;
  }
  let exitCode = exitCodeFor(checks, summary);
  if (exitCode === 0 && mappings.some((m) => m.outcome === 'failed' || m.outcome === 'errored')) exitCode = 1;
  return {
    runId,
    checks,
    summary,
    exitCode,
    cleanup,
    suites: suiteTimes,
    mappings,
    ledger: { ...(ledger.file && remaining ? { file: ledger.file } : {}), remaining },
    interrupted: opts.signal?.aborted === true,
  };
}

function resourceTypeDefs(list: unknown[]): ResourceTypeDef[] {
  return list
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && typeof (r as { schema?: unknown }).schema === 'string')
    .map((r) => ({
      id: String(r.id ?? r.name),
      name: String(r.name ?? r.id),
      endpoint: String(r.endpoint ?? ''),
      description: String(r.description ?? ''),
      schema: String(r.schema),
      schemaExtensions: Array.isArray(r.schemaExtensions)
        ? (r.schemaExtensions as { schema?: unknown; required?: unknown }[]).filter((e) => typeof e?.schema === 'string').map((e) => ({ schema: String(e.schema), required: e.required === true }))
        : [],
    }));
}

/** ServiceProviderConfig, ResourceTypes and Schemas, read once per run; failures leave the capabilities unknown. */
async function discover(client: ScimClient): Promise<Capabilities> {
  const caps: Capabilities = {};
  // Three independent reads: one round trip, not three (it is on every run's critical path).
  const [spc, rts, schemas] = await Promise.all([
    client.send({ method: 'GET', path: '/ServiceProviderConfig' }),
    client.send({ method: 'GET', path: '/ResourceTypes' }),
    client.send({ method: 'GET', path: '/Schemas' }),
  ]);
  if (spc.status === 200 && spc.json && typeof spc.json === 'object') {
    const j = spc.json as Record<string, { supported?: unknown } | undefined>;
    caps.spc = {};
    for (const c of ['patch', 'filter', 'sort', 'etag', 'bulk', 'changePassword'] as Capability[]) {
      const v = j[c]?.supported;
      if (typeof v === 'boolean') caps.spc[c] = v;
    }
  }
  const list = (rts.json as { Resources?: { name?: unknown; id?: unknown }[] } | undefined)?.Resources as unknown[] | undefined;
  if (rts.status === 200 && Array.isArray(list)) caps.resourceTypes = new Set((list as { name?: unknown; id?: unknown }[]).flatMap((r) => [String(r?.name ?? ''), String(r?.id ?? '')]));
  if (schemas.status === 200) {
    const defs = schemaDefsFromListResponse(schemas.json);
    caps.schemas = new ServerSchemas(defs);
    if (Array.isArray(list)) caps.registry = new SchemaRegistry(defs, resourceTypeDefs(list));
  }
  return caps;
}

function unmet(req: Requires | undefined, caps: Capabilities): string | undefined {
  for (const c of req?.capabilities ?? []) {
    if (caps.spc && caps.spc[c] === false) return `the server's ServiceProviderConfig says ${c}.supported is false`;
  }
  for (const rt of req?.resourceTypes ?? []) {
    if (caps.resourceTypes && !caps.resourceTypes.has(rt)) return `the server's /ResourceTypes does not list ${rt}`;
  }
  for (const u of req?.uniqueness ?? []) {
    const [type, name] = u.split('.') as ['User' | 'Group', string];
    if (!caps.registry?.resourceType(type)) continue; // the server describes no schemas: the check runs
    const def = caps.registry.resolver(type)({ name });
    if (!def || def.uniqueness === 'none') {
      return `the server's /Schemas does not declare ${type} ${name} unique (uniqueness "${def?.uniqueness ?? 'undeclared'}"), so duplicates are allowed`;
    }
  }
  return undefined;
}

const isWrite = (s: Step) => !!s.request && s.request.method !== 'GET' && !(s.request.method === 'POST' && s.request.path.endsWith('/.search'));

const capturesOf = new WeakMap<Step, string[]>();
/** The capture names a step's templates use (worked out once per step). */
function capturesUsed(step: Step): string[] {
  const known = capturesOf.get(step);
  if (known) return known;
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(/\{\{\s*captures\.([A-Za-z0-9_]+)/g)) names.add(m[1]!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (walk(k), walk(x)));
  };
  walk([step.request, step.expect, step.cleanup]);
  capturesOf.set(step, [...names]);
  return [...names];
}

/**
 * The steps a step depends on: explicit needs, the step whose response it judges, and the last earlier producer of
 * each capture it uses (among the steps of the dialects that run).
 */
function dependencies(suite: Suite, index: number, dialects?: Dialect[]): string[] {
  const step = suite.steps[index]!;
  const deps = new Set<string>([...(step.needs ?? []), ...(step.response ? [step.response] : [])]);
  for (const c of capturesUsed(step)) {
    for (let i = index - 1; i >= 0; i--) {
      const producer = suite.steps[i]!;
      if (producer.dialect && dialects && !dialects.includes(producer.dialect)) continue;
      if (producer.capture?.[c] !== undefined) {
        deps.add(suite.steps[i]!.key);
        break;
      }
    }
  }
  return [...deps];
}

/** `--check` ids and everything they depend on, transitively. */
function closure(suites: Suite[], ids: string[], dialects?: Dialect[]): Set<string> {
  const out = new Set<string>();
  const want = [...ids];
  while (want.length) {
    const id = want.pop()!;
    if (out.has(id)) continue;
    const slash = id.indexOf('/');
    const suite = suites.find((s) => s.id === id.slice(0, slash));
    const index = suite?.steps.findIndex((s) => s.key === id.slice(slash + 1)) ?? -1;
    if (!suite || index < 0) continue;
    out.add(id);
    for (const d of dependencies(suite, index, dialects)) want.push(`${suite.id}/${d}`);
  }
  return out;
}

interface SuiteCtx extends RunOptions {
  runId: string;
  registry: SchemaRegistry;
  dialects: Dialect[];
  selected: Set<string> | undefined;
  caps: Capabilities;
  emit: (e: RunEvent) => void;
}

async function runSuite(suite: Suite, ctx: SuiteCtx): Promise<void> {
  const client = ctx.client;
  const mark = `scimcheck-${ctx.runId}`;
  const baseScope = { run: { id: ctx.runId, mark }, captures: new Map<string, unknown>(), vars: {} as Record<string, unknown> };
  baseScope.vars = render(suite.vars, { ...baseScope, vars: {} }) as Record<string, unknown>;
  const outcomes = new Map<string, CheckResult['outcome']>();
  const responses = new Map<string, ScimResponse>();
  const cleanups: string[] = [];
  const suiteSkip = unmet(suite.requires, ctx.caps);

  try {
    for (const [index, step] of suite.steps.entries()) {
      if (ctx.signal?.aborted) break; // interrupted: no new request; the cleanup below still runs
      try {
        await runStep(index, step);
      } catch (err) {
        // A bug in scimcheck (or a suite) must not end the run: this check is errored, the others go on.
        const check: CheckResult = {
          id: `${suite.id}/${step.key}`,
          suite: suite.id,
          title: step.title,
          severity: step.severity,
          entra: step.entra ?? false,
          reference: step.reference,
          outcome: 'errored',
          message: `internal error: ${(err as Error).message}`,
          durationMs: 0,
          exchanges: [],
        };
        outcomes.set(step.key, 'errored');
        ctx.emit({ type: 'check', check });
      }
    }
  } finally {
    await cleanUp();
  }

  async function runStep(index: number, step: Step): Promise<void> {
    {
      if (step.dialect && !ctx.dialects.includes(step.dialect)) return;
      const id = `${suite.id}/${step.key}`;
      if (ctx.selected && !ctx.selected.has(id)) return;
      const scope: Scope = { ...baseScope, ...(step.dialect ? { dialect: step.dialect } : {}) };
      const base = {
        id,
        suite: suite.id,
        title: step.title,
        severity: step.severity,
        entra: step.entra ?? false,
        reference: step.reference,
        ...(step.dialect ? { dialect: step.dialect } : {}),
      };
      const finish = (c: Omit<CheckResult, keyof typeof base>) => {
        const check = { ...base, ...c } as CheckResult;
        outcomes.set(step.key, check.outcome);
        ctx.emit({ type: 'check', check });
      };
      const skip = (message: string) => finish({ outcome: 'skipped', message, durationMs: 0, exchanges: [] });
      const error = (message: string) => finish({ outcome: 'errored', message, durationMs: 0, exchanges: [] });

      const why = suiteSkip ?? unmet(step.requires, ctx.caps);
      if (why) {
        skip(why);
        return;
      }
      if (ctx.readOnly && isWrite(step)) {
        skip(`read-only run: ${step.request!.method} writes to the server`);
        return;
      }
      // Prerequisites
      const deps = dependencies(suite, index, ctx.dialects);
      const skippedDep = deps.find((d) => outcomes.get(d) === 'skipped' || (ctx.dialects && !outcomes.has(d) && isDialectOff(suite, d, ctx.dialects)));
      if (skippedDep) {
        skip(`it depends on ${suite.id}/${skippedDep}, which was skipped`);
        return;
      }
      const failedNeed = (step.needs ?? []).find((d) => outcomes.get(d) !== 'passed');
      const needStep = failedNeed ? suite.steps.find((s) => s.key === failedNeed) : undefined;
      if (failedNeed && outcomes.get(failedNeed) === 'failed' && needStep && needStep.severity !== 'MUST') {
        // A server may lawfully fail a SHOULD/MAY rule: what builds on it is not judged, and does not count.
        skip(`it needs ${suite.id}/${failedNeed} (${needStep.severity}), which failed`);
        return;
      }
      if (failedNeed) {
        error(`prerequisite ${suite.id}/${failedNeed} did not pass (${outcomes.get(failedNeed) ?? 'not run'})`);
        return;
      }

      const t0 = Date.now();
      let res: ScimResponse | undefined;
      try {
        if (step.response) {
          res = responses.get(step.response);
          if (!res) {
            error(`prerequisite ${suite.id}/${step.response} has no response to judge`);
            return;
          }
        } else {
          res = await client.send(buildRequest(step, scope));
          responses.set(step.key, res);
        }
      } catch (err) {
        if (err instanceof MissingCapture) {
          const producer = deps.find((d) => suite.steps.find((s) => s.key === d)?.capture?.[err.capture] !== undefined);
          error(`it needs captures.${err.capture}${producer ? `, which ${suite.id}/${producer} did not produce (${outcomes.get(producer) ?? 'not run'})` : ''}`);
          return;
        }
        throw err;
      }

      // Captures and cleanup registration happen whatever the verdict: later steps and cleanup need them.
      if (!step.response) {
        for (const [name, source] of Object.entries(step.capture ?? {})) {
          const v = captureValue(res, source, ctx.registry);
          if (v !== undefined) baseScope.captures.set(name, v);
        }
        if (step.cleanup) {
          try {
            const path = render(step.cleanup, scope);
            if (!cleanups.includes(path)) cleanups.push(path);
          } catch (err) {
            if (!(err instanceof MissingCapture)) throw err;
          }
        }
      }

      if (res.error && res.status === undefined) {
        finish({ outcome: 'errored', message: res.error.message, durationMs: Date.now() - t0, exchanges: [res.exchange] });
        return;
      }
      if (res.error) {
        finish({ outcome: 'errored', message: `${res.status}: ${res.error.message}`, durationMs: Date.now() - t0, exchanges: [res.exchange] });
        return;
      }
      let failures;
      try {
        failures = step.expect ? evaluate(res, render(step.expect, scope), ctx.registry, ctx.caps.schemas) : [];
      } catch (err) {
        if (err instanceof MissingCapture) {
          error(`its expectations need captures.${err.capture}, which no earlier step produced`);
          return;
        }
        throw err;
      }
      const durationMs = step.response ? 0 : Date.now() - t0;
      if (failures.length === 0) {
        finish({ outcome: 'passed', message: `${res.status}`, durationMs, exchanges: [res.exchange] });
      } else {
        const first = failures[0]!;
        const more = failures.length > 1 ? ` (+${failures.length - 1} more: ${failures.slice(1).map((f) => f.what).join(', ')})` : '';
        finish({
          outcome: 'failed',
          message: `${first.what}: expected ${first.expected}, got ${first.actual}${more}`,
          expected: first.expected,
          actual: first.actual,
          ...(step.hint ? { hint: step.hint } : {}),
          durationMs,
          exchanges: [res.exchange],
        });
      }
    }
  }

  async function cleanUp(): Promise<void> {
    // Latest first within each kind; groups before users; independent DELETEs go out together.
    for (const item of await deleteAll((r) => client.send(r), cleanups.reverse(), suite.id)) ctx.emit({ type: 'cleanup', item });
  }
}

function isDialectOff(suite: Suite, key: string, dialects: Dialect[]): boolean {
  const dep = suite.steps.find((s) => s.key === key);
  return !!dep?.dialect && !dialects.includes(dep.dialect);
}

function buildRequest(step: Step, scope: Scope): ScimRequest {
  const r = step.request!;
  const over = step.dialect ? r.dialects?.[step.dialect] : undefined;
  const query = render(over?.query ?? r.query, scope);
  const req: ScimRequest = {
    method: r.method,
    path: render(over?.path ?? r.path, scope),
    ...(query ? { query: Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]) } : {}),
    ...(r.headers ? { headers: render(r.headers, scope) } : {}),
  };
  const body = over && 'body' in over ? over.body : r.body;
  if (r.rawBody !== undefined) req.body = render(r.rawBody, scope);
  else if (body !== undefined) req.body = render(body, scope);
  if (r.auth === 'none') req.auth = 'none';
  else if (r.auth === 'invalid') req.auth = { bearer: randomBytes(16).toString('hex') };
  return req;
}

function captureValue(res: ScimResponse, source: string, registry: SchemaRegistry): unknown {
  if (source.startsWith('header.')) return res.headers[source.slice(7).toLowerCase()];
  if (source.startsWith('scim:')) {
    if (!res.json || typeof res.json !== 'object') return undefined;
    try {
      return selectValues(res.json as Record<string, unknown>, parsePath(source.slice(5), { schemaUrns: registry.schemaUrns() }), registry.resolver('User'))[0];
    } catch {
      return undefined;
    }
  }
  // body, body.a.b, body.Resources[0].id
  let v: unknown = res.json;
  for (const seg of source.slice(4).match(/[^.[\]]+/g) ?? []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}
