/**
 * Loads suite files: YAML (with positions) -> validated against schemas/suite.schema.json -> semantic checks
 * (unique ids, earlier `needs`/`response`, defined vars and captures, well-formed templates) -> Suite.
 * Every problem is one ConfigError `file:line:col: problem` (exit 2).
 */
import { MAX_YAML_FILE, readLocalFile } from '../util/local-file.js';
import { readFileSync } from 'node:fs';
import { validatorsOf, type ValidatorSet } from '../util/ajv.js';
import { loadYamlDir } from '../util/builtin-cache.js';
import { ConfigError } from '../errors.js';
import { refsIn, TemplateError } from '../runner/template.js';
import { BUILTIN_SUITE_DIR, SCHEMA_DIR } from '../paths.js';
import { describeSchemaError } from '../util/schema-errors.js';
import { YamlSource } from '../util/yaml-source.js';
import { DIALECTS, type Step, type StepDef, type Suite } from './model.js';

let theSet: ValidatorSet | undefined;
/** The suite format's schema as a validator set (precompiled at build time; see util/ajv.ts). */
export function suiteSchemaSet(): ValidatorSet {
  return (theSet ??= {
    set: 'suite-schema',
    options: { strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, verbose: true },
    formats: true,
    schemas: [readFileSync(new URL('suite.schema.json', SCHEMA_DIR), 'utf8')],
    exports: { suite: 'https://scimcheck.dev/schemas/suite.schema.json' },
  });
}

/**
 * Loads every `*.yaml` suite directly in a directory (not sub-directories such as apps/), sorted by file name. The
 * built-in ones come from the build's cache when unchanged (util/builtin-cache.ts).
 */
export function loadSuiteDir(dir: URL | string = BUILTIN_SUITE_DIR): Suite[] {
  return loadYamlDir(dir, BUILTIN_SUITE_DIR, 'suites', readSuite, parseSuite);
}

export function loadSuiteFile(path: string, display = path): Suite {
  return parseSuite(readSuite(path, display), display);
}

function readSuite(path: string, display: string): string {
  try {
    return readLocalFile(path, 'utf8', MAX_YAML_FILE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${display}: cannot read suite: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

export function parseSuite(text: string, file: string): Suite {
  const src = YamlSource.parse(file, text, (m) => new ConfigError(m));
  const raw = src.toJS(text, (m) => new ConfigError(m));
  const validate = validatorsOf(suiteSchemaSet()).suite!;
  if (!validate(raw)) {
    throw new ConfigError(describeSchemaError(src, raw, validate.errors ?? [], 'a step needs "request" (or "response" to judge an earlier step\'s response)'));
  }
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
    checkTemplates(def.title, [...path, 'title'], false);
    for (const r of refsIn(def.title)) {
      if (r.kind !== 'vars') throw new ConfigError(`${src.where([...path, 'title'])}: a title may use vars only, not {{ ${r.text} }}`);
    }
    for (const name of Object.keys(def.capture ?? {})) captures.add(name);
    if (def.cleanup !== undefined) checkTemplates(def.cleanup, [...path, 'cleanup'], dialect !== undefined);
    keys.add(key);
    const pos = src.posOf(path);
    steps.push({
      ...def,
      key,
      ...(needs.length ? { needs } : {}),
      ...(response !== undefined ? { response } : {}),
      ...(dialect ? { dialect } : {}),
      where: `${src.file}:${pos.line}:${pos.col}`,
      source: { file: src.file, line: pos.line, column: pos.col },
    });
  };

  raw.steps.forEach((item, i) => {
    if ('forEachDialect' in item) {
      for (const d of DIALECTS) item.forEachDialect.forEach((def, j) => addStep(def, ['steps', i, 'forEachDialect', j], d));
    } else if (item.request?.dialects) {
      // A step runs in the dialects it gives a request for (one only, when only one differs from the RFC form).
      for (const d of DIALECTS) if (item.request.dialects[d]) addStep(item, ['steps', i], d);
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
