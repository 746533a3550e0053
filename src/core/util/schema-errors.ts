/** One-line, positioned explanations of AJV errors over YAML documents (suites, profiles). */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { YamlSource } from './yaml-source.js';

export function toPath(pointer: string): (string | number)[] {
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

/**
 * Picks the one AJV error that best explains the problem, and says it in one line with its `file:line:col`.
 * `anyOfMessage` words a failed `anyOf` of required keys ("a step needs ...").
 */
export function describeSchemaError(src: YamlSource, raw: unknown, errors: ErrorObject[], anyOfMessage: string): string {
  const rank: Record<string, number> = { additionalProperties: 5, type: 4, enum: 4, pattern: 4, const: 4, minItems: 4, minProperties: 4, propertyNames: 4, required: 3, not: 2, anyOf: 1 };
  const pool = errors.filter((e) => e.keyword !== 'if' && !(e.keyword === 'required' && e.schemaPath.includes('/anyOf/')));
  const best = [...pool].sort((a, b) => toPath(b.instancePath).length - toPath(a.instancePath).length || (rank[b.keyword] ?? 0) - (rank[a.keyword] ?? 0))[0] ?? errors[0]!;
  const path = toPath(best.instancePath);
  const p = best.params as Record<string, unknown>;
  const last = path.filter((s) => typeof s === 'string').slice(-1)[0];
  // A key that is empty or blank at either end (`"": x`, `" ": x`) is quoted as written, so that the message does
  // not read "…:  must match".
  const subject = path.length ? (last === undefined ? 'item' : last === '' || last.trim() !== last ? JSON.stringify(last) : last) : 'suite';
  switch (best.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return `${src.where([...path, key], 'key')}: unknown key "${key}"${suggest(key, best)}`;
    }
    case 'required':
      return `${src.where(path)}: missing "${String(p.missingProperty)}"`;
    case 'anyOf':
      return `${src.where(path)}: ${anyOfMessage}`;
    case 'not': {
      const pair = ((best.schema as { required?: string[] } | undefined)?.required ?? []).map((k) => `"${k}"`).join(' or ');
      return `${src.where(path)}: give ${pair}, not both`;
    }
    case 'enum':
      return `${src.where(path)}: ${subject} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}, got ${JSON.stringify(at(raw, path))}`;
    case 'type':
      return `${src.where(path)}: ${subject} must be ${typeList(String(p.type))}, got ${JSON.stringify(at(raw, path))}`;
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

/** AJV's `string,number,boolean` as `string, number or boolean`. */
function typeList(types: string): string {
  const t = types.split(',');
  return t.length > 1 ? `${t.slice(0, -1).join(', ')} or ${t[t.length - 1]}` : types;
}
