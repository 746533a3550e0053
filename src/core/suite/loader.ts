/**
 * Loads suite files: YAML (with positions) -> validated against schemas/suite.schema.json -> semantic checks
 * (unique ids, earlier `needs`/`response`, defined vars and captures, well-formed templates) -> Suite.
 * Every problem is one ConfigError `file:line:col: problem` (exit 2).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ConfigError } from '../errors.js';
import { refsIn, TemplateError } from '../runner/template.js';
import { SCHEMA_DIR } from '../scim/validate.js';
import { YamlSource } from '../util/yaml-source.js';
import { DIALECTS, type Step, type StepDef, type Suite } from './model.js';

/** Where the built-in suites live, in src/ and dist/ alike. */
export const BUILTIN_SUITE_DIR = new URL('../../../suites/', import.meta.url);

let validateSuite: ValidateFunction | undefined;
function suiteValidator(): ValidateFunction {
  if (!validateSuite) {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, verbose: true });
    const addFormats = (addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule;
    (addFormats as (a: Ajv2020) => void)(ajv);
    validateSuite = ajv.compile(JSON.parse(readFileSync(new URL('suite.schema.json', SCHEMA_DIR), 'utf8')) as object);
  }
  return validateSuite;
}

/** Loads every `*.yaml` suite directly in a directory (not sub-directories such as apps/), sorted by file name. */
export function loadSuiteDir(dir: URL | string = BUILTIN_SUITE_DIR): Suite[] {
  const path = typeof dir === 'string' ? dir : dir.pathname;
  const files = readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
  return files.map((f) => loadSuiteFile(join(path, f), relative(process.cwd(), join(path, f)) || f));
}

export function loadSuiteFile(path: string, display = path): Suite {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${display}: cannot read suite: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseSuite(text, display);
}

export function parseSuite(text: string, file: string): Suite {
  const src = YamlSource.parse(file, text, (m) => new ConfigError(m));
  const raw = src.doc.toJS() as unknown;
  const validate = suiteValidator();
  if (!validate(raw)) throw new ConfigError(describeSchemaError(src, raw, validate.errors ?? []));
  return semantic(src, raw as RawSuite);
}

// ---------------------------------------------------------------------------------------------------------------

interface RawSuite {
  id: string;
  title: string;
  description?: string;
  tags?: string[];
  requires?: Suite['requires'];
  vars?: Record<string, string | number | boolean>;
  steps: (StepDef | { forEachDialect: StepDef[] })[];
}

function toPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function at(value: unknown, path: (string | number)[]): unknown {
  let v = value;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/** Picks the one AJV error that best explains the problem, and says it in one line with its position. */
function describeSchemaError(src: YamlSource, raw: unknown, errors: ErrorObject[]): string {
  const rank: Record<string, number> = { additionalProperties: 5, type: 4, enum: 4, pattern: 4, const: 4, minItems: 4, minProperties: 4, propertyNames: 4, required: 3, not: 2, anyOf: 1 };
  const pool = errors.filter((e) => e.keyword !== 'if' && !(e.keyword === 'required' && e.schemaPath.includes('/anyOf/')));
  const best = [...pool].sort((a, b) => toPath(b.instancePath).length - toPath(a.instancePath).length || (rank[b.keyword] ?? 0) - (rank[a.keyword] ?? 0))[0] ?? errors[0]!;
  const path = toPath(best.instancePath);
  const p = best.params as Record<string, unknown>;
  const subject = path.length ? `${path.filter((s) => typeof s === 'string').slice(-1)[0] ?? 'item'}` : 'suite';
  switch (best.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return `${src.where([...path, key], 'key')}: unknown key "${key}"${suggest(key, best)}`;
    }
    case 'required':
      return `${src.where(path)}: missing "${String(p.missingProperty)}"`;
    case 'anyOf':
      return `${src.where(path)}: a step needs "request" (or "response" to judge an earlier step's response)`;
    case 'not': {
      const pair = ((best.schema as { required?: string[] } | undefined)?.required ?? []).map((k) => `"${k}"`).join(' or ');
      return `${src.where(path)}: give ${pair}, not both`;
    }
    case 'enum':
      return `${src.where(path)}: ${subject} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}, got ${JSON.stringify(at(raw, path))}`;
    case 'type':
      return `${src.where(path)}: ${subject} must be ${String(p.type).replace(',', ' or ')}, got ${JSON.stringify(at(raw, path))}`;
    case 'pattern':
      return `${src.where(path)}: ${subject} ${JSON.stringify(at(raw, path))} must match ${String(p.pattern)}`;
    case 'minItems':
      return `${src.where(path)}: ${subject} must not be empty`;
    case 'minProperties':
      return `${src.where(path)}: ${subject} needs at least ${String(p.limit)} key${p.limit === 1 ? '' : 's'}`;
    case 'propertyNames':
      return `${src.where(path)}: invalid name ${JSON.stringify(p.propertyName)}`;
    default:
      return `${src.where(path)}: ${subject} ${best.message ?? 'is invalid'}`;
  }
}

function suggest(key: string, e: ErrorObject): string {
  const props = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const near = props.find((p) => distance(p.toLowerCase(), key.toLowerCase()) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function semantic(src: YamlSource, raw: RawSuite): Suite {
  const steps: Step[] = [];
  const keys = new Set<string>();
  const captures = new Set<string>();
  const vars = raw.vars ?? {};

  const checkTemplates = (value: unknown, path: (string | number)[], dialect: boolean) => {
    walkStrings(value, path, (s, p) => {
      let refs;
      try {
        refs = refsIn(s);
      } catch (err) {
        if (err instanceof TemplateError) throw new ConfigError(`${src.where(p)}: ${err.message}`);
        throw err;
      }
      for (const r of refs) {
        if (r.kind === 'vars' && !(r.name! in vars)) throw new ConfigError(`${src.where(p)}: {{ ${r.text} }} names vars.${r.name}, which the suite does not define`);
        if (r.kind === 'captures' && !captures.has(r.name!)) throw new ConfigError(`${src.where(p)}: {{ ${r.text} }} names captures.${r.name}, which no earlier step captures`);
        if (r.kind === 'dialect' && !dialect) throw new ConfigError(`${src.where(p)}: {{ dialect }} is only defined in steps that run per dialect`);
      }
    });
  };
  checkTemplates(vars, ['vars'], false);
  for (const [name, value] of Object.entries(vars)) {
    for (const r of refsIn(value)) {
      if (r.kind === 'vars' || r.kind === 'captures') throw new ConfigError(`${src.where(['vars', name])}: vars may use run.id, run.mark, uuid and random only`);
    }
  }

  const addStep = (def: StepDef, path: (string | number)[], dialect: (typeof DIALECTS)[number] | undefined) => {
    const key = dialect ? `${def.id}[${dialect}]` : def.id;
    if (keys.has(key)) throw new ConfigError(`${src.where([...path, 'id'])}: step id "${def.id}" is used twice`);
    const resolveDep = (id: string) => (dialect && keys.has(`${id}[${dialect}]`) ? `${id}[${dialect}]` : keys.has(id) ? id : undefined);
    const needs = (def.needs ?? []).map((n, i) => {
      const k = resolveDep(n);
      if (!k) throw new ConfigError(`${src.where([...path, 'needs', i])}: needs "${n}", which is not an earlier step`);
      return k;
    });
    let response = def.response;
    if (response !== undefined) {
      const k = resolveDep(response);
      if (!k) throw new ConfigError(`${src.where([...path, 'response'])}: response of "${response}", which is not an earlier step`);
      response = k;
    }
    checkTemplates({ request: def.request, expect: def.expect }, path, dialect !== undefined);
    for (const name of Object.keys(def.capture ?? {})) captures.add(name);
    if (def.cleanup !== undefined) checkTemplates(def.cleanup, [...path, 'cleanup'], dialect !== undefined);
    keys.add(key);
    steps.push({ ...def, key, ...(needs.length ? { needs } : {}), ...(response !== undefined ? { response } : {}), ...(dialect ? { dialect } : {}), where: src.where(path) });
  };

  raw.steps.forEach((item, i) => {
    if ('forEachDialect' in item) {
      for (const d of DIALECTS) item.forEachDialect.forEach((def, j) => addStep(def, ['steps', i, 'forEachDialect', j], d));
    } else if (item.request?.dialects) {
      for (const d of DIALECTS) addStep(item, ['steps', i], d);
    } else {
      addStep(item, ['steps', i], undefined);
    }
  });

  return {
    id: raw.id,
    title: raw.title,
    ...(raw.description ? { description: raw.description } : {}),
    tags: raw.tags ?? [],
    ...(raw.requires ? { requires: raw.requires } : {}),
    vars,
    steps,
    file: src.file,
  };
}

function walkStrings(value: unknown, path: (string | number)[], fn: (s: string, path: (string | number)[]) => void): void {
  if (typeof value === 'string') fn(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], fn));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], fn);
}
