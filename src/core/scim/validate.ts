import { readFileSync } from 'node:fs';
import { SCHEMA_DIR } from '../paths.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { validatorsOf, type ValidatorSet } from '../util/ajv.js';

/** The message and resource schemas in `schemas/`, by the name commands and suites use. */
export const MESSAGE_SCHEMAS = {
  ListResponse: 'list-response.json',
  Error: 'error.json',
  User: 'user.json',
  EnterpriseUser: 'enterprise-user.json',
  Group: 'group.json',
  PatchOp: 'patch-op.json',
  ServiceProviderConfig: 'service-provider-config.json',
  ResourceType: 'resource-type.json',
  Schema: 'schema.json',
} as const;
export type MessageSchemaName = keyof typeof MESSAGE_SCHEMAS;
export const MESSAGE_SCHEMA_NAMES = Object.keys(MESSAGE_SCHEMAS) as MessageSchemaName[];

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

const MAX_ISSUES = 20;

/**
 * Annotation keywords of the house schemas (no effect on validation):
 * - `x-reference`: the RFC section a property comes from, quoted after each issue;
 * - `x-entra`: where and why Microsoft Entra ID's behaviour shaped the rule;
 * - `x-message`: a better message than the generic one, per keyword of the same subschema, e.g.
 *   `{ "pattern": "must be \"add\", \"remove\" or \"replace\"" }`.
 */
const ANNOTATIONS = [
  { keyword: 'x-reference', schemaType: 'string' },
  { keyword: 'x-entra', schemaType: 'string' },
  { keyword: 'x-message', schemaType: 'object' },
] as const;

type Json = Record<string, unknown>;

let set: ValidatorSet | undefined;
/** Every house schema, by name and by `$id` (for resolving the schema paths of errors inside a `$ref`). */
const schemaJson = new Map<MessageSchemaName, Json>();
const schemaById = new Map<string, Json>();

/** The message schemas as one validator set (precompiled at build time; see util/ajv.ts). */
export function messageSchemaSet(): ValidatorSet {
  if (!set) {
    const texts: string[] = [];
    const exports: Record<string, string> = {};
    for (const name of MESSAGE_SCHEMA_NAMES) {
      const text = readFileSync(new URL(MESSAGE_SCHEMAS[name], SCHEMA_DIR), 'utf8');
      const schema = JSON.parse(text) as Json;
      texts.push(text);
      exports[name] = String(schema.$id);
      schemaJson.set(name, schema);
      schemaById.set(String(schema.$id), schema);
    }
    set = {
      set: 'message-schemas',
      options: { strict: true, allErrors: true, verbose: true },
      formats: true,
      keywords: ANNOTATIONS.map((k) => ({ ...k })),
      schemas: texts,
      exports,
    };
  }
  return set;
}

function validator(name: MessageSchemaName): ValidateFunction {
  return validatorsOf(messageSchemaSet())[name]!;
}

/** The JSON Schema behind a name, as loaded (for documentation and tools). */
export function messageSchema(name: MessageSchemaName): Json {
  messageSchemaSet();
  return schemaJson.get(name)!;
}

/** Validates a SCIM message; an empty list means valid. At most 20 issues are returned. */
export function validateMessage(name: MessageSchemaName, value: unknown): ValidationIssue[] {
  const fn = validator(name);
  if (fn(value)) return [];
  const schema = schemaJson.get(name)!;
  return (fn.errors ?? [])
    // `if` only says which `then` failed, and the items that did not match a `contains` are not errors themselves.
    .filter((e) => e.keyword !== 'if' && !/\/contains\//.test(e.schemaPath))
    .slice(0, MAX_ISSUES)
    .map((e) => {
      const nodes = schemaNodes(schema, e);
      const reference = referenceOf(nodes);
      return {
        pointer: e.instancePath,
        message: describe(e, nodes[nodes.length - 2]),
        ...(reference ? { reference } : {}),
        ajv: e,
      };
    });
}

/** What is wrong, and (except for a missing attribute) what was found: `must be a string, got 404`. */
export function issueText(issue: ValidationIssue, value: unknown): string {
  const actual = issue.ajv.keyword === 'required' ? '' : `, got ${preview(valueAt(value, issue.pointer))}`;
  return `${issue.message}${actual}`;
}

/** One line per issue: `/status: must be a string, got 404 (RFC 7644 §3.12)`. */
export function formatIssues(issues: ValidationIssue[], value: unknown): string[] {
  return issues.map((i) => `${i.pointer || '(root)'}: ${issueText(i, value)}${i.reference ? ` (${i.reference})` : ''}`);
}

/** `parent` is the subschema holding the failing keyword, when it could be found. */
function describe(e: ErrorObject, parent: unknown): string {
  const own = isObject(parent) && isObject(parent['x-message']) ? parent['x-message'][e.keyword] : undefined;
  if (typeof own === 'string') return own;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required attribute "${String(p.missingProperty)}"`;
    case 'type': {
      const types = (Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',')).filter((t) => t !== 'null');
      return `must be ${types.map(article).join(' or ')}`;
    }
    case 'contains': {
      const wanted = isObject(parent) && isObject(parent.contains) ? parent.contains.const : undefined;
      return wanted !== undefined ? `must contain ${JSON.stringify(wanted)}` : (e.message ?? 'must contain a matching item');
    }
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
      return `must be >= ${String(p.limit)}`;
    case 'minLength':
      return 'must not be empty';
    case 'minItems':
      return p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} items`;
    case 'uniqueItems':
      return `must not repeat a value (items ${Math.min(Number(p.i), Number(p.j))} and ${Math.max(Number(p.i), Number(p.j))} are equal)`;
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    case 'format':
      return formatText(String(p.format));
    default:
      return e.message ?? e.keyword;
  }
}

function formatText(format: string): string {
  switch (format) {
    case 'date-time':
      return 'must be a date-time with a time zone, such as 2011-05-13T04:42:34Z';
    case 'uri':
      return 'must be an absolute URI';
    case 'uri-reference':
      return 'must be a URI or a relative reference';
    default:
      return `must be a valid ${format}`;
  }
}

function article(type: string): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

/**
 * The subschemas an error's schema path walks through, from the root of the schema document that holds the failing
 * keyword to the keyword's own value. Ajv writes the path inside a `$ref`'d schema relative to the `$ref`'s target:
 * `#/properties/manager/type` for an error in enterprise-user.json reached from user.json, `#/properties/name/pattern`
 * inside the recursive `#/$defs/attribute` of schema.json. So the walk starts from the root or from a `$defs` entry of
 * one of the documents: the one at which it ends at the error's `parentSchema`. Compiled at run time, Ajv keeps the
 * objects it was given; precompiled validators carry copies, so the subschemas are compared by content.
 */
function schemaNodes(root: Json, e: ErrorObject): unknown[] {
  const segs = e.schemaPath.replace(/^[^#]*#/, '').split('/').filter(Boolean).map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  const walk = (base: unknown[]): unknown[] => {
    const nodes = [...base];
    let node: unknown = nodes[nodes.length - 1];
    for (const seg of segs) {
      node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[seg] : undefined;
      nodes.push(node);
    }
    return nodes;
  };
  const fromRoot = walk([root]);
  if (e.parentSchema === undefined || same(fromRoot[fromRoot.length - 2], e.parentSchema)) return fromRoot;
  for (const doc of [root, ...schemaById.values()]) {
    const bases: unknown[][] = [[doc]];
    if (isObject(doc.$defs)) for (const def of Object.values(doc.$defs)) bases.push([doc, doc.$defs, def]);
    for (const base of bases) {
      const nodes = walk(base);
      if (same(nodes[nodes.length - 2], e.parentSchema)) return nodes;
    }
  }
  return fromRoot;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (isObject(a) && isObject(b) && JSON.stringify(a) === JSON.stringify(b));
}

/** The nearest `x-reference` on the walk from the root to the failing keyword. */
function referenceOf(nodes: unknown[]): string | undefined {
  let ref: string | undefined;
  for (const n of nodes) if (isObject(n) && typeof n['x-reference'] === 'string') ref = n['x-reference'];
  return ref;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
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
