import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The message schemas in `schemas/`, by the name commands and suites use. */
export const MESSAGE_SCHEMAS = {
  ListResponse: 'list-response.json',
  Error: 'error.json',
} as const;
export type MessageSchemaName = keyof typeof MESSAGE_SCHEMAS;

export interface ValidationIssue {
  /** JSON pointer into the validated value ("" for the root). */
  pointer: string;
  /** One line: what is wrong, in words. */
  message: string;
  /** The rule, e.g. "RFC 7644 §3.12". */
  reference?: string;
  /** The AJV error object, for tools that want it whole. */
  ajv: ErrorObject;
}

/** Where the JSON Schemas live, in src/ and in dist/ alike. */
export const SCHEMA_DIR = new URL('../../../schemas/', import.meta.url);
const MAX_ISSUES = 20;

let ajv: Ajv2020 | undefined;
const compiled = new Map<MessageSchemaName, ValidateFunction>();
const schemaJson = new Map<MessageSchemaName, Record<string, unknown>>();

function instance(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ strict: true, allErrors: true, verbose: false });
    ajv.addKeyword({ keyword: 'x-reference', schemaType: 'string' });
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  }
  return ajv;
}

function validator(name: MessageSchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const schema = JSON.parse(readFileSync(new URL(MESSAGE_SCHEMAS[name], SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
    schemaJson.set(name, schema);
    fn = instance().compile(schema);
    compiled.set(name, fn);
  }
  return fn;
}

/** Validates a SCIM message; an empty list means valid. At most 20 issues are returned. */
export function validateMessage(name: MessageSchemaName, value: unknown): ValidationIssue[] {
  const fn = validator(name);
  if (fn(value)) return [];
  const schema = schemaJson.get(name)!;
  return (fn.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .slice(0, MAX_ISSUES)
    .map((e) => ({
      pointer: e.instancePath,
      message: describe(e),
      ...(referenceFor(schema, e.schemaPath) ? { reference: referenceFor(schema, e.schemaPath)! } : {}),
      ajv: e,
    }));
}

/** One line per issue: `/status: must be a string, got 404 (RFC 7644 §3.12)`. */
export function formatIssues(issues: ValidationIssue[], value: unknown): string[] {
  return issues.map((i) => {
    const actual = i.ajv.keyword === 'required' ? '' : `, got ${preview(valueAt(value, i.pointer))}`;
    return `${i.pointer || '(root)'}: ${i.message}${actual}${i.reference ? ` (${i.reference})` : ''}`;
  });
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required attribute "${String(p.missingProperty)}"`;
    case 'type':
      return `must be ${article(String(p.type))}`;
    case 'contains':
      return `must contain ${JSON.stringify((e.parentSchema as { contains?: { const?: unknown } })?.contains?.const ?? 'the expected value')}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
      return `must be >= ${String(p.limit)}`;
    case 'minLength':
      return 'must not be empty';
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    default:
      return e.message ?? e.keyword;
  }
}

function article(type: string): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

/** The nearest `x-reference` on the schema path of an error. */
function referenceFor(schema: Record<string, unknown>, schemaPath: string): string | undefined {
  const segs = schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = schema;
  let ref = typeof schema['x-reference'] === 'string' ? (schema['x-reference'] as string) : undefined;
  for (const seg of segs) {
    if (!node || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[seg];
    if (node && typeof node === 'object' && typeof (node as Record<string, unknown>)['x-reference'] === 'string') {
      ref = (node as Record<string, unknown>)['x-reference'] as string;
    }
    if (seg === '$ref') break;
  }
  return ref;
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value;
  for (const seg of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

export function preview(v: unknown, max = 80): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
