/**
 * Templates in suite strings: `{{ vars.userName }}`, `{{ captures.userId }}`, `{{ run.id }}`, `{{ run.mark }}`,
 * `{{ uuid }}`, `{{ random }}`, `{{ dialect }}`, with filters: `{{ vars.userName | upper }}` (upper, lower, json).
 * A string that is exactly one template takes the value's own type (a captured boolean stays a boolean).
 */
import { randomBytes, randomUUID } from 'node:crypto';

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*(.*?)\s*\}\}$/;
const FILTERS = ['upper', 'lower', 'json'] as const;
type Filter = (typeof FILTERS)[number];

export interface TemplateRef {
  kind: 'vars' | 'captures' | 'run' | 'uuid' | 'random' | 'dialect';
  name?: string;
  filters: Filter[];
  text: string;
}

export class TemplateError extends Error {}

/** A capture that a step needs but that no earlier step produced (at run time). */
export class MissingCapture extends Error {
  constructor(readonly capture: string) {
    super(`captures.${capture} is not available`);
  }
}

export function parseRef(expr: string): TemplateRef {
  const [head, ...rest] = expr.split('|').map((p) => p.trim());
  const filters = rest.map((f) => {
    if (!(FILTERS as readonly string[]).includes(f)) throw new TemplateError(`unknown template filter "${f}" in {{ ${expr} }} (known: ${FILTERS.join(', ')})`);
    return f as Filter;
  });
  const m = /^(vars|captures|run)\.([A-Za-z_][A-Za-z0-9_]*)$|^(uuid|random|dialect)$/.exec(head ?? '');
  if (!m) throw new TemplateError(`unknown template {{ ${expr} }} (use vars.NAME, captures.NAME, run.id, run.mark, uuid, random or dialect)`);
  if (m[1] === 'run' && !['id', 'mark'].includes(m[2]!)) throw new TemplateError(`unknown template {{ ${expr} }} (run.id or run.mark)`);
  return m[1] ? { kind: m[1] as 'vars', name: m[2]!, filters, text: expr } : { kind: m[3] as 'uuid', filters, text: expr };
}

/** Every template reference in a value (deep), for load-time checks. Throws TemplateError on a malformed one. */
export function refsIn(value: unknown, out: TemplateRef[] = []): TemplateRef[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(TEMPLATE)) out.push(parseRef(m[1]!));
  } else if (Array.isArray(value)) {
    for (const v of value) refsIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      refsIn(k, out);
      refsIn(v, out);
    }
  }
  return out;
}

export interface Scope {
  vars: Record<string, unknown>;
  captures: Map<string, unknown>;
  run: { id: string; mark: string };
  dialect?: string;
}

function lookup(ref: TemplateRef, scope: Scope): unknown {
  let v: unknown;
  switch (ref.kind) {
    case 'vars':
      v = scope.vars[ref.name!];
      if (v === undefined) throw new TemplateError(`vars.${ref.name} is not defined`);
      break;
    case 'captures':
      if (!scope.captures.has(ref.name!)) throw new MissingCapture(ref.name!);
      v = scope.captures.get(ref.name!);
      break;
    case 'run':
      v = ref.name === 'id' ? scope.run.id : scope.run.mark;
      break;
    case 'uuid':
      v = randomUUID();
      break;
    case 'random':
      v = randomBytes(4).toString('hex');
      break;
    case 'dialect':
      v = scope.dialect ?? '';
      break;
  }
  for (const f of ref.filters) {
    if (f === 'upper') v = String(v).toUpperCase();
    else if (f === 'lower') v = String(v).toLowerCase();
    else v = JSON.stringify(v);
  }
  return v;
}

/** Renders every template in a value (deep). Throws MissingCapture when a capture is absent. */
export function render<T>(value: T, scope: Scope): T {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !whole[1]!.includes('}}')) return lookup(parseRef(whole[1]!), scope) as T;
    return value.replace(TEMPLATE, (_m, expr: string) => String(lookup(parseRef(expr), scope))) as T;
  }
  if (Array.isArray(value)) return value.map((v) => render(v, scope)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[render(k, scope)] = render(v, scope);
    return out as T;
  }
  return value;
}

/**
 * Renders a request path (`/Users/{{ captures.id }}`): every value a template puts into it is one path segment,
 * percent-encoded, so that an id with a space, `/`, `?`, `#` or `..` in it names that id and nothing else.
 */
export function renderPath(path: string, scope: Scope): string {
  return path.replace(TEMPLATE, (_m, expr: string) => encodeURIComponent(String(lookup(parseRef(expr), scope))));
}
