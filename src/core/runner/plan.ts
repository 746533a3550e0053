/**
 * Planning: which steps run, in which order, what each depends on, and why a step is skipped before it is sent.
 * Pure functions of the suites, the options and (for skip reasons) the server's capabilities.
 */
import type { Capabilities } from './discovery.js';
import type { Dialect, Requires, Step, Suite } from '../suite/model.js';

export interface PlanOptions {
  dialects: Dialect[];
  /** Check ids (`suite/step`) to run, with the steps they depend on. */
  checks?: string[];
}

export interface Plan {
  /** The suites to run, longest first (reports keep the suites' own order). */
  queue: Suite[];
  /** The selected steps (`--check` and their dependencies); undefined when every step runs. */
  selected: Set<string> | undefined;
}

export function plan(suites: Suite[], opts: PlanOptions): Plan {
  const selected = opts.checks ? closure(suites, opts.checks, opts.dialects) : undefined;
  // Longest suites first (by the requests they send in sequence): with fewer workers than suites, the longest chain
  // then starts at once instead of queueing behind short ones, so a far tenant waits for it alone.
  const length = (s: Suite) => s.steps.filter((st) => st.request && (!st.dialect || opts.dialects.includes(st.dialect))).length;
  const queue = suites
    .filter((s) => !selected || s.steps.some((st) => selected.has(`${s.id}/${st.key}`)))
    .map((s, i) => ({ s, i, n: length(s) }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((x) => x.s);
  return { queue, selected };
}

const OPTIONAL = new Set<string>(['sort', 'etag', 'bulk', 'changePassword']);

/** Why the server's own description rules a suite or step out, if it does. */
export function unmet(req: Requires | undefined, caps: Capabilities): string | undefined {
  for (const c of req?.capabilities ?? []) {
    if (caps.spc && caps.spc[c] === false) return `the server's ServiceProviderConfig says ${c}.supported is false`;
    // Optional features (RFC 7644 §3.4.2.3 sort, §3.14 ETags, §3.7 bulk, §3.5.2 password change) are judged only where
    // the server says it supports them; patch and filter, which Entra needs, run unless it says they are not.
    if (OPTIONAL.has(c) && caps.spc?.[c] !== true) return `the server's ServiceProviderConfig does not say ${c}.supported is true${caps.spc ? '' : ' (it could not be read)'}`;
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

export const isWrite = (s: Step): boolean => !!s.request && s.request.method !== 'GET' && !(s.request.method === 'POST' && s.request.path.endsWith('/.search'));

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
export function dependencies(suite: Suite, index: number, dialects?: Dialect[]): string[] {
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

/**
 * `--check` ids and everything they depend on, transitively: the steps they name (needs, response, captures) and
 * every earlier step of the suite that writes, since a step judges the state those writes leave (a PUT before the GET
 * that verifies it shares no capture with it).
 */
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
    for (const earlier of suite.steps.slice(0, index)) {
      if (isWrite(earlier) && (!earlier.dialect || !dialects || dialects.includes(earlier.dialect))) want.push(`${suite.id}/${earlier.key}`);
    }
  }
  return out;
}

/** Whether a step runs only in a dialect that this run leaves out. */
export function isDialectOff(suite: Suite, key: string, dialects: Dialect[]): boolean {
  const dep = suite.steps.find((s) => s.key === key);
  return !!dep?.dialect && !dialects.includes(dep.dialect);
}
