/**
 * Judging: a step's expectations against a response. Each failure says what was expected, what came back, and
 * where (a JSON pointer, a header, or a SCIM attribute path). `verdictOf` turns the failures into a check's fields.
 */
import { FilterError, parsePath, selectValues } from '../scim/filter/index.js';
import type { ServerSchemas } from '../scim/compile-schema.js';
import type { SchemaRegistry } from '../scim/registry.js';
import { formatIssues, preview, validateMessage, type MessageSchemaName } from '../scim/validate.js';
import type { ScimResponse } from '../http/client.js';
import type { Expectations, ListExpectation } from '../suite/model.js';

import type { FailedExpectation } from '../model/verdict.js';

export type Failure = FailedExpectation;

/** The fields of a check's verdict from the failures of its response: passed, or failed with every failure listed. */
export function verdictOf(failures: Failure[], status: number | undefined, hint: string | undefined) {
  if (failures.length === 0) return { outcome: 'passed' as const, message: `${status}` };
  const first = failures[0]!;
  const more = failures.length > 1 ? ` (+${failures.length - 1} more: ${failures.slice(1).map((f) => f.what).join(', ')})` : '';
  return {
    outcome: 'failed' as const,
    message: `${first.what}: expected ${first.expected}, got ${first.actual}${more}`,
    expected: first.expected,
    actual: first.actual,
    failures,
    ...(hint ? { hint } : {}),
  };
}

/** `body.a.b` / `body.a[2]` as a JSON pointer (`/a/b`, `/a/2`). */
function pointerOf(at: string): string {
  const segs = at.replace(/^body\.?/, '').match(/[^.[\]]+/g) ?? [];
  return segs.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** All failures of a response against its (already rendered) expectations; empty when it meets them. */
export function evaluate(res: ScimResponse, exp: Expectations, registry: SchemaRegistry, serverSchemas?: ServerSchemas): Failure[] {
  const out: Failure[] = [];
  const status = res.status!;
  if (exp.status !== undefined) {
    const allowed = Array.isArray(exp.status) ? exp.status : [exp.status];
    if (!allowed.includes(status)) out.push({ what: 'status', expected: allowed.join(' or '), actual: `${status}${briefBody(res)}` });
  }
  for (const [name, rule] of Object.entries(exp.headers ?? {})) {
    const value = res.headers[name.toLowerCase()];
    const header = name.toLowerCase();
    if (rule.present === true && value === undefined) out.push({ what: `header ${name}`, header, expected: 'present', actual: 'absent' });
    if (rule.present === false && value !== undefined) out.push({ what: `header ${name}`, header, expected: 'absent', actual: JSON.stringify(value) });
    if (rule.equals !== undefined && value !== rule.equals) out.push({ what: `header ${name}`, header, expected: JSON.stringify(rule.equals), actual: value === undefined ? 'absent' : JSON.stringify(value) });
    if (rule.startsWith !== undefined && !(value ?? '').startsWith(rule.startsWith)) out.push({ what: `header ${name}`, header, expected: `starts with ${JSON.stringify(rule.startsWith)}`, actual: value === undefined ? 'absent' : JSON.stringify(value) });
    if (rule.matches !== undefined && !new RegExp(rule.matches).test(value ?? '')) out.push({ what: `header ${name}`, header, expected: `matches /${rule.matches}/`, actual: value === undefined ? 'absent' : JSON.stringify(value) });
  }
  const needsJson = exp.schema || exp.body !== undefined || exp.attributes || exp.list || exp.error || exp.noNulls;
  if (needsJson && res.json === undefined) {
    out.push({ what: 'body', expected: 'a JSON body', actual: res.jsonError ?? 'an empty body' });
    return out;
  }
  const json = res.json;
  if (exp.schema) {
    const issues = validateMessage(exp.schema as MessageSchemaName, json);
    if (issues.length) out.push({ what: `${exp.schema} schema`, expected: `a valid ${exp.schema}`, actual: formatIssues(issues.slice(0, 5), json).join('; ') });
    if ((exp.schema === 'User' || exp.schema === 'Group') && serverSchemas) {
      const ext = serverSchemas.check(json);
      if (ext.length) out.push({ what: 'extension attributes', expected: "values of the types the server's /Schemas declares", actual: ext.map((i) => `${i.pointer}: ${i.message}`).join('; ') });
    }
  }
  if (exp.error) {
    const issues = validateMessage('Error', json);
    if (issues.length) out.push({ what: 'error body', expected: 'a SCIM Error (RFC 7644 §3.12)', actual: formatIssues(issues.slice(0, 5), json).join('; ') });
    const body = json as Record<string, unknown>;
    if (issues.length === 0 && body.status !== String(status)) out.push({ what: 'error status', pointer: '/status', expected: JSON.stringify(String(status)), actual: JSON.stringify(body.status) });
    if (exp.error.scimType !== undefined && body?.scimType !== exp.error.scimType) out.push({ what: 'scimType', pointer: '/scimType', expected: JSON.stringify(exp.error.scimType), actual: body?.scimType === undefined ? 'absent' : JSON.stringify(body.scimType) });
  }
  if (exp.body !== undefined) {
    const miss = subsetMismatch(exp.body, json, 'body');
    if (miss) out.push({ ...miss, pointer: pointerOf(miss.what) });
  }
  if (exp.noNulls) {
    const nulls = nullPointers(json);
    if (nulls.length) out.push({ what: 'body', expected: 'no null values', actual: `null at ${nulls.slice(0, 5).join(', ')}${nulls.length > 5 ? ` and ${nulls.length - 5} more` : ''}` });
  }
  for (const a of exp.attributes ?? []) out.push(...attributeFailures(a, json, registry));
  if (exp.list) out.push(...listFailures(exp.list, json));
  return out;
}

function briefBody(res: ScimResponse): string {
  const b = res.exchange.response?.body ?? '';
  return b.trim() ? ` ${preview(res.json ?? b, 160)}` : '';
}

/** The first place where `expected` is not contained in `actual` (keys case-insensitive, arrays as sets). */
export function subsetMismatch(expected: unknown, actual: unknown, at: string): Failure | undefined {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(expected, actual) || expected === actual ? undefined : { what: at, expected: JSON.stringify(expected), actual: actual === undefined ? 'absent' : preview(actual) };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { what: at, expected: 'an array', actual: preview(actual) };
    const used = new Set<number>();
    for (const [i, e] of expected.entries()) {
      const j = actual.findIndex((a, k) => !used.has(k) && !subsetMismatch(e, a, at));
      if (j < 0) return { what: `${at}[${i}]`, expected: `an element containing ${preview(e)}`, actual: preview(actual) };
      used.add(j);
    }
    return undefined;
  }
  if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return { what: at, expected: 'an object', actual: preview(actual) };
  const lowerKeys = new Map(Object.keys(actual).map((k) => [k.toLowerCase(), k]));
  for (const [k, v] of Object.entries(expected)) {
    const key = lowerKeys.get(k.toLowerCase());
    if (key === undefined) return { what: `${at}.${k}`, expected: preview(v), actual: 'absent' };
    const miss = subsetMismatch(v, (actual as Record<string, unknown>)[key], `${at}.${k}`);
    if (miss) return miss;
  }
  return undefined;
}

function resolverFor(json: unknown, registry: SchemaRegistry) {
  const schemas = (json as { schemas?: unknown })?.schemas;
  const isGroup = Array.isArray(schemas) && schemas.some((s) => String(s).toLowerCase() === GROUP_URN.toLowerCase());
  return { resolve: registry.resolver(isGroup ? 'Group' : 'User'), core: isGroup ? GROUP_URN : USER_URN };
}

function attributeFailures(a: NonNullable<Expectations['attributes']>[number], json: unknown, registry: SchemaRegistry): Failure[] {
  let values: unknown[];
  try {
    const { resolve, core } = resolverFor(json, registry);
    const path = parsePath(a.path, { schemaUrns: registry.schemaUrns() });
    // A body that is not an object (null, a list, a string) has no attributes.
    values = json && typeof json === 'object' && !Array.isArray(json) ? selectValues(json as Record<string, unknown>, path, resolve, { coreSchemaUrn: core }) : [];
  } catch (err) {
    if (err instanceof FilterError) return [{ what: a.path, expected: 'a valid attribute path', actual: err.message }];
    throw err;
  }
  const shown = values.length === 0 ? 'absent' : values.length === 1 ? preview(values[0]) : preview(values);
  const out: Failure[] = [];
  if (a.exists === true && values.length === 0) out.push({ what: a.path, expected: 'present', actual: 'absent' });
  if (a.exists === false && values.length > 0) out.push({ what: a.path, expected: 'absent', actual: shown });
  if (a.count !== undefined && values.length !== a.count) out.push({ what: a.path, expected: `${a.count} value(s)`, actual: `${values.length}: ${shown}` });
  if (a.equals !== undefined && !values.some((v) => JSON.stringify(v) === JSON.stringify(a.equals))) out.push({ what: a.path, expected: preview(a.equals), actual: shown });
  if (a.equalsIgnoreCase !== undefined && !values.some((v) => typeof v === 'string' && v.toLowerCase() === a.equalsIgnoreCase!.toLowerCase())) {
    out.push({ what: a.path, expected: `${JSON.stringify(a.equalsIgnoreCase)} (any case)`, actual: shown });
  }
  if (a.matches !== undefined && !values.some((v) => typeof v === 'string' && new RegExp(a.matches!).test(v))) out.push({ what: a.path, expected: `matches /${a.matches}/`, actual: shown });
  return out;
}

function listFailures(l: ListExpectation, json: unknown): Failure[] {
  const body = json as { totalResults?: unknown; startIndex?: unknown; itemsPerPage?: unknown; Resources?: unknown };
  const resources = Array.isArray(body?.Resources) ? (body.Resources as Record<string, unknown>[]) : [];
  const ids = resources.map((r) => String(r?.id));
  const out: Failure[] = [];
  const num = (what: string, want: number | string | undefined, got: unknown) => {
    if (want !== undefined && Number(want) !== got) out.push({ what, pointer: `/${what}`, expected: String(want), actual: got === undefined ? 'absent' : JSON.stringify(got) });
  };
  num('totalResults', l.totalResults, body?.totalResults);
  num('startIndex', l.startIndex, body?.startIndex);
  num('itemsPerPage', l.itemsPerPage, body?.itemsPerPage);
  if (l.count !== undefined && Number(l.count) !== resources.length) out.push({ what: 'Resources', pointer: '/Resources', expected: `${l.count} resource(s)`, actual: `${resources.length}` });
  if (l.ids) {
    const want = [...l.ids].sort();
    if (JSON.stringify(want) !== JSON.stringify([...ids].sort())) out.push({ what: 'Resources ids', pointer: '/Resources', expected: JSON.stringify(l.ids), actual: JSON.stringify(ids) });
  }
  if (l.idsInOrder && JSON.stringify(l.idsInOrder) !== JSON.stringify(ids)) out.push({ what: 'Resources order', pointer: '/Resources', expected: JSON.stringify(l.idsInOrder), actual: JSON.stringify(ids) });
  for (const id of l.contains ?? []) if (!ids.includes(id)) out.push({ what: 'Resources', pointer: '/Resources', expected: `contains ${id}`, actual: JSON.stringify(ids) });
  for (const id of l.excludes ?? []) if (ids.includes(id)) out.push({ what: 'Resources', pointer: '/Resources', expected: `does not contain ${id}`, actual: JSON.stringify(ids) });
  const has = (r: Record<string, unknown>, attr: string) => Object.keys(r ?? {}).some((k) => k.toLowerCase() === attr.toLowerCase());
  for (const attr of l.eachHas ?? []) {
    const bad = resources.filter((r) => !has(r, attr));
    if (bad.length) out.push({ what: `Resources[].${attr}`, expected: 'present on every resource', actual: `absent on ${bad.length} of ${resources.length}` });
  }
  for (const attr of l.noneHas ?? []) {
    const bad = resources.filter((r) => has(r, attr));
    if (bad.length) out.push({ what: `Resources[].${attr}`, expected: 'absent', actual: `present on ${bad.length} of ${resources.length}` });
  }
  return out;
}

function nullPointers(v: unknown, at = ''): string[] {
  if (v === null) return [at || '/'];
  if (Array.isArray(v)) return v.flatMap((x, i) => nullPointers(x, `${at}/${i}`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nullPointers(x, `${at}/${k}`));
  return [];
}
