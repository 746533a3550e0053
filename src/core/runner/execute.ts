/**
 * Execution: the steps of one suite, in order. For each step: the skip reasons the plan knows (capabilities,
 * read-only, --check, the caller's own), its prerequisites (a step that could not be judged because one before it
 * went wrong says which one: `blockedBy`), the request built from its templates, the captures and cleanup paths it
 * registers, and the verdict from judging the response. Nothing here prints or decides what counts.
 */
import { randomBytes } from 'node:crypto';
import type { ScimClient, ScimRequest, ScimResponse } from '../http/client.js';
import type { CheckResult, CleanupItem, Judged } from '../model/verdict.js';
import { parsePath, selectValues } from '../scim/filter/index.js';
import type { SchemaRegistry } from '../scim/registry.js';
import type { Dialect, Step, Suite } from '../suite/model.js';
import { SuiteCleanup } from './cleanup.js';
import type { Capabilities } from './discovery.js';
import { evaluate, verdictOf } from './judge.js';
import { dependencies, isDialectOff, isWrite, unmet } from './plan.js';
import { MissingCapture, render, renderPath, type Scope } from './template.js';

/**
 * Suite-specific wording of a verdict (Test Connection words its failures as Entra shows them): it gets the judged
 * verdict and the response it rests on, and returns the verdict to report.
 */
export type Wording = (check: Judged<CheckResult>, res: ScimResponse | undefined) => Judged<CheckResult>;

export interface SuiteContext {
  client: ScimClient;
  runId: string;
  registry: SchemaRegistry;
  dialects: Dialect[];
  selected: Set<string> | undefined;
  caps: Capabilities;
  readOnly?: boolean;
  signal?: AbortSignal;
  /** Values that replace the suite's own vars of the same name. */
  vars?: Record<string, string | number | boolean>;
  /** Checks to skip, by id, with the reason. */
  skip?: Record<string, string>;
  wording?: Wording;
  onCheck: (check: Judged<CheckResult>) => void;
  onCleanup: (item: CleanupItem) => void;
}

export async function runSuite(suite: Suite, ctx: SuiteContext): Promise<void> {
  const client = ctx.client;
  const mark = `scimcheck-${ctx.runId}`;
  const baseScope = { run: { id: ctx.runId, mark }, captures: new Map<string, unknown>(), vars: {} as Record<string, unknown> };
  const vars = { ...suite.vars, ...pick(ctx.vars, suite.vars) };
  baseScope.vars = render(vars, { ...baseScope, vars: {} }) as Record<string, unknown>;
  const outcomes = new Map<string, CheckResult['outcome']>();
  const responses = new Map<string, ScimResponse>();
  const cleanup = new SuiteCleanup();
  const suiteSkip = unmet(suite.requires, ctx.caps);

  const base = (step: Step) => ({
    kind: 'check' as const,
    id: `${suite.id}/${step.key}`,
    group: suite.id,
    suite: suite.id,
    title: step.title.includes('{{') ? String(render(step.title, baseScope)) : step.title,
    severity: step.severity,
    entra: step.entra ?? false,
    reference: step.reference,
    ...(step.dialect ? { dialect: step.dialect } : {}),
    ...(step.source ? { source: step.source } : {}),
  });
  const finish = (step: Step, c: Omit<Judged<CheckResult>, keyof ReturnType<typeof base>>, res?: ScimResponse) => {
    let check: Judged<CheckResult> = { ...base(step), ...c };
    if (ctx.wording && check.outcome !== 'skipped' && !check.blockedBy) check = ctx.wording(check, res);
    outcomes.set(step.key, check.outcome);
    ctx.onCheck(check);
  };

  try {
    for (const [index, step] of suite.steps.entries()) {
      if (ctx.signal?.aborted) break; // interrupted: no new request; the cleanup below still runs
      try {
        await runStep(index, step);
      } catch (err) {
        // A bug in scimcheck (or a suite) must not end the run: this check is errored, the others go on.
        finish(step, { outcome: 'errored', message: `internal error: ${(err as Error).message}`, durationMs: 0, exchanges: [] });
      }
    }
  } finally {
    for (const item of await cleanup.run(client, suite.id)) ctx.onCleanup(item);
  }

  async function runStep(index: number, step: Step): Promise<void> {
    if (step.dialect && !ctx.dialects.includes(step.dialect)) return;
    const id = `${suite.id}/${step.key}`;
    if (ctx.selected && !ctx.selected.has(id)) return;
    const scope: Scope = { ...baseScope, ...(step.dialect ? { dialect: step.dialect } : {}) };
    const skip = (message: string, blockedBy?: string) =>
      finish(step, { outcome: 'skipped', message, ...(blockedBy ? { blockedBy: `${suite.id}/${blockedBy}` } : {}), durationMs: 0, exchanges: [] });
    const error = (message: string, blockedBy?: string) =>
      finish(step, { outcome: 'errored', message, ...(blockedBy ? { blockedBy: `${suite.id}/${blockedBy}` } : {}), durationMs: 0, exchanges: [] });

    const why = ctx.skip?.[id] ?? suiteSkip ?? unmet(step.requires, ctx.caps);
    if (why) return skip(why);
    if (ctx.readOnly && isWrite(step)) return skip(`read-only run: ${step.request!.method} writes to the server`);

    // Prerequisites
    const deps = dependencies(suite, index, ctx.dialects);
    const skippedDep = deps.find((d) => outcomes.get(d) === 'skipped' || (!outcomes.has(d) && isDialectOff(suite, d, ctx.dialects)));
    if (skippedDep) return skip(`it depends on ${suite.id}/${skippedDep}, which was skipped`, skippedDep);
    const failedNeed = (step.needs ?? []).find((d) => outcomes.get(d) !== 'passed');
    const needStep = failedNeed ? suite.steps.find((s) => s.key === failedNeed) : undefined;
    if (failedNeed && outcomes.get(failedNeed) === 'failed' && needStep && needStep.severity !== 'MUST') {
      // A server may lawfully fail a SHOULD/MAY rule: what builds on it is not judged, and does not count.
      return skip(`it needs ${suite.id}/${failedNeed} (${needStep.severity}), which failed`, failedNeed);
    }
    if (failedNeed) return error(`prerequisite ${suite.id}/${failedNeed} did not pass (${outcomes.get(failedNeed) ?? 'not run'})`, failedNeed);

    const t0 = Date.now();
    let res: ScimResponse | undefined;
    try {
      if (step.response) {
        res = responses.get(step.response);
        if (!res) return error(`prerequisite ${suite.id}/${step.response} has no response to judge`, step.response);
      } else {
        res = await client.send(buildRequest(step, scope));
        responses.set(step.key, res);
      }
    } catch (err) {
      if (err instanceof MissingCapture) {
        const producer = deps.find((d) => suite.steps.find((s) => s.key === d)?.capture?.[err.capture] !== undefined);
        return error(`it needs captures.${err.capture}${producer ? `, which ${suite.id}/${producer} did not produce (${outcomes.get(producer) ?? 'not run'})` : ''}`, producer);
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
          cleanup.add(renderPath(step.cleanup, scope));
        } catch (err) {
          if (!(err instanceof MissingCapture)) throw err;
        }
      }
    }

    const durationMs = step.response ? 0 : Date.now() - t0;
    if (res.error) {
      // No answer at all, or a status whose body could not be read whole (too large, reset).
      const message = res.status === undefined ? res.error.message : `${res.status}: ${res.error.message}`;
      return finish(step, { outcome: 'errored', message, durationMs: Date.now() - t0, exchanges: [res.exchange] }, res);
    }
    let failures;
    try {
      failures = step.expect ? evaluate(res, render(step.expect, scope), ctx.registry, ctx.caps.schemas) : [];
    } catch (err) {
      if (err instanceof MissingCapture) return error(`its expectations need captures.${err.capture}, which no earlier step produced`);
      throw err;
    }
    finish(step, { ...verdictOf(failures, res.status, step.hint), durationMs, exchanges: [res.exchange] }, res);
  }
}

/** The caller's values for the vars a suite defines (a suite's vars are its own: no new ones are added). */
function pick(over: Record<string, string | number | boolean> | undefined, own: Record<string, unknown>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(over ?? {}).filter(([k]) => k in own));
}

function buildRequest(step: Step, scope: Scope): ScimRequest {
  const r = step.request!;
  const over = step.dialect ? r.dialects?.[step.dialect] : undefined;
  const query = render(over?.query ?? r.query, scope);
  const req: ScimRequest = {
    method: r.method,
    path: renderPath(over?.path ?? r.path, scope),
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
