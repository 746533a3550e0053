/**
 * Offline lint of one SCIM JSON payload (`scimcheck validate`): parse strictly as JSON (RFC 8259) while remembering
 * where every value starts, guess the payload's type from its `schemas` unless told, validate it against the house
 * JSON Schemas, and place each issue at `line:col` in the file. Pure: no file system, no output.
 */
import { issueText, MESSAGE_SCHEMA_NAMES, validateMessage, type MessageSchemaName } from './validate.js';

export type PayloadType = MessageSchemaName;
export const PAYLOAD_TYPES: readonly PayloadType[] = MESSAGE_SCHEMA_NAMES;

export interface FileIssue {
  /** JSON pointer to the offending value ("" for the root). */
  pointer: string;
  /** 1-based line and column of the offending value (of the object that lacks a missing attribute). */
  line: number;
  col: number;
  message: string;
  /** The rule broken, e.g. "RFC 7643 §4.1.1". */
  reference?: string;
}

export interface FileResult {
  file: string;
  /**
   * The type validated against; null when the text is not JSON, the type could not be guessed, or the elements of a
   * top-level array are of different types.
   */
  type: PayloadType | null;
  issues: FileIssue[];
}

const MAX_FILE_ISSUES = 100;

/** The URNs in `schemas` that say what a payload is. Compared case-insensitively. */
const TYPE_BY_URN: Record<string, PayloadType> = {
  'urn:ietf:params:scim:api:messages:2.0:listresponse': 'ListResponse',
  'urn:ietf:params:scim:api:messages:2.0:patchop': 'PatchOp',
  'urn:ietf:params:scim:api:messages:2.0:error': 'Error',
  'urn:ietf:params:scim:schemas:core:2.0:user': 'User',
  'urn:ietf:params:scim:schemas:core:2.0:group': 'Group',
  'urn:ietf:params:scim:schemas:core:2.0:serviceproviderconfig': 'ServiceProviderConfig',
  'urn:ietf:params:scim:schemas:core:2.0:resourcetype': 'ResourceType',
  'urn:ietf:params:scim:schemas:core:2.0:schema': 'Schema',
};
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user';
const RESOURCE_TYPES = new Set<PayloadType>(['User', 'Group', 'ServiceProviderConfig', 'ResourceType', 'Schema']);

/**
 * The type a payload's `schemas` names, or undefined. A core or message URN wins; the enterprise extension URN alone
 * means a User that forgot its core URN (the extension object itself carries no `schemas`).
 */
export function guessType(value: unknown): PayloadType | undefined {
  if (!isObject(value) || !Array.isArray(value.schemas)) return undefined;
  const urns = value.schemas.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase());
  for (const urn of urns) if (TYPE_BY_URN[urn]) return TYPE_BY_URN[urn];
  return urns.includes(ENTERPRISE_URN) ? 'User' : undefined;
}

/** Validates the text of one file. `file` only names it in the result. */
export function validateFile(file: string, text: string, as?: PayloadType): FileResult {
  let doc: ParsedJson;
  try {
    doc = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const { line, col } = lineIndex(text).lineCol(e.offset);
    return { file, type: null, issues: [{ pointer: e.pointer, line, col, message: `invalid JSON: ${e.message}`, reference: 'RFC 8259' }] };
  }

  // A top-level array (as in the RFC 7643 §8.6 and §8.7 examples) is checked element by element.
  const items: [unknown, string][] = Array.isArray(doc.value) ? doc.value.map((v, i) => [v, `/${i}`]) : [[doc.value, '']];
  const types = new Set<PayloadType>();
  const issues: Omit<FileIssue, 'line' | 'col'>[] = [];
  if (items.length === 0) issues.push({ pointer: '', message: 'the payload is an empty array: nothing to validate', reference: 'RFC 7643 §3' });
  for (const [value, at] of items) {
    const type = as ?? guessType(value);
    if (!type) {
      issues.push(cannotGuess(value, at));
      continue;
    }
    types.add(type);
    issues.push(...check(type, value, at));
    // A ListResponse's resources are checked against their own schemas too, when their `schemas` say what they are.
    if (type === 'ListResponse' && isObject(value) && Array.isArray(value.Resources)) {
      value.Resources.forEach((r, i) => {
        const t = guessType(r);
        if (t && RESOURCE_TYPES.has(t)) issues.push(...check(t, r, `${at}/Resources/${i}`));
      });
    }
  }
  const type = types.size === 1 ? [...types][0]! : null;
  const seen = new Set<string>();
  const placed = issues
    .filter((i) => {
      const key = `${i.pointer}\u0000${i.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .map((i) => ({ ...i, ...doc.lineCol(doc.offsetOf(i.pointer)) }))
    .map(({ pointer, line, col, message, reference }) => ({ pointer, line, col, message, ...(reference ? { reference } : {}) }));
  placed.sort((a, b) => a.line - b.line || a.col - b.col);
  return { file, type, issues: placed.slice(0, MAX_FILE_ISSUES) };
}

function check(type: PayloadType, value: unknown, prefix: string): Omit<FileIssue, 'line' | 'col'>[] {
  return validateMessage(type, value).map((i) => ({
    pointer: prefix + i.pointer,
    message: issueText(i, value),
    ...(i.reference ? { reference: i.reference } : {}),
  }));
}

function cannotGuess(v: unknown, at: string): Omit<FileIssue, 'line' | 'col'> {
  const known = 'a SCIM User, Group, ListResponse, PatchOp, Error, ServiceProviderConfig, ResourceType or Schema URN';
  let pointer = at;
  let why: string;
  if (!isObject(v)) why = `the payload is ${v === null ? 'null' : `a ${typeof v}`}, not an object`;
  else if (!('schemas' in v)) why = 'it has no "schemas"';
  else {
    pointer = `${at}/schemas`;
    why = Array.isArray(v.schemas) ? `"schemas" holds no known URN (expected ${known})` : '"schemas" is not an array';
  }
  return { pointer, message: `cannot tell the payload's type: ${why}; name it with --as`, reference: 'RFC 7643 §3' };
}

/** One issue as a line: `FILE:LINE:COL: POINTER: message (reference)`. */
export function formatFileIssue(file: string, i: FileIssue): string {
  return `${file}:${i.line}:${i.col}: ${i.pointer || '(root)'}: ${i.message}${i.reference ? ` (${i.reference})` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// A strict JSON parser (RFC 8259) that records where each value starts, by JSON pointer. JSON.parse gives no
// positions, and a YAML parser accepts what JSON does not (comments, trailing commas, unquoted strings).

export class JsonSyntaxError extends Error {
  /** Offset in the text where the error was found, and the pointer of the value being read there. */
  readonly offset: number;
  readonly pointer: string;
  constructor(message: string, offset: number, pointer: string) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
    this.pointer = pointer;
  }
}

export interface ParsedJson {
  value: unknown;
  /** Offset of the value at a pointer; for a pointer that is absent, of its nearest present ancestor. */
  offsetOf(pointer: string): number;
  lineCol(offset: number): { line: number; col: number };
}

/** Line and column (1-based, in UTF-16 code units) of offsets in a text; a byte order mark takes no column. */
function lineIndex(text: string): Pick<ParsedJson, 'lineCol'> {
  const starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return {
    lineCol(offset: number) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, col: offset - starts[lo]! + 1 };
    },
  };
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** How deep a file's JSON may nest (SCIM payloads are a few levels deep). */
export const MAX_NESTING = 64;

/** Parses JSON text; throws JsonSyntaxError. A leading byte order mark is skipped (RFC 8259 §8.1 allows that). */
export function parseJson(source: string): ParsedJson {
  const text = source;
  const positions = new Map<string, number>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const show = (at: number) => (at >= text.length ? 'the end of the file' : JSON.stringify(text[at]));
  const fail = (message: string, at: number, pointer: string): never => {
    throw new JsonSyntaxError(message, Math.min(at, text.length), pointer);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };

  // Objects and arrays nest by recursion: deeper than MAX_NESTING is refused before the stack could overflow.
  let depth = 0;
  const nested = <T>(ptr: string, read: () => T): T => {
    if (++depth > MAX_NESTING) fail(`nested deeper than ${MAX_NESTING} levels`, i, ptr);
    try {
      return read();
    } finally {
      depth--;
    }
  };
  const value = (ptr: string): unknown => {
    ws();
    positions.set(ptr, i);
    const c = text[i];
    if (c === '{') return nested(ptr, () => object(ptr));
    if (c === '[') return nested(ptr, () => array(ptr));
    if (c === '"') return string(ptr);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number(ptr);
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    if (c === undefined) return fail('unexpected end of the file, expected a value', i, ptr);
    return fail(`unexpected ${show(i)}, expected a value`, i, ptr);
  };

  const object = (ptr: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        return fail(
          text[i] === '}' ? 'unexpected "}" after ",": JSON allows no trailing comma' : `expected a property name in double quotes, got ${show(i)}`,
          i,
          ptr,
        );
      }
      const key = string(ptr);
      ws();
      if (text[i] !== ':') return fail(`expected ":" after the property name ${JSON.stringify(key)}, got ${show(i)}`, i, ptr);
      i++;
      const child = `${ptr}/${escapePointer(key)}`;
      // defineProperty, so that a "__proto__" key is data and not the object's prototype.
      Object.defineProperty(out, key, { value: value(child), enumerable: true, writable: true, configurable: true });
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      return fail(`expected "," or "}" after the value of ${JSON.stringify(key)}, got ${show(i)}`, i, child);
    }
  };

  const array = (ptr: string): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] === ']' && out.length > 0) return fail('unexpected "]" after ",": JSON allows no trailing comma', i, ptr);
      out.push(value(`${ptr}/${out.length}`));
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      return fail(`expected "," or "]" after item ${out.length - 1}, got ${show(i)}`, i, `${ptr}/${out.length - 1}`);
    }
  };

  const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
  const string = (ptr: string): string => {
    const start = i;
    i++;
    let out = '';
    let run = i;
    for (;;) {
      if (i >= text.length) return fail('unterminated string', start, ptr);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < 0x20) return fail(`control character U+${c.toString(16).padStart(4, '0').toUpperCase()} in a string: escape it`, i, ptr);
      if (c === 0x5c) {
        out += text.slice(run, i);
        const e = text[i + 1];
        if (e !== undefined && ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          return fail(`invalid escape ${JSON.stringify(text.slice(i, i + 2))} in a string`, i, ptr);
        }
        run = i;
        continue;
      }
      i++;
    }
  };

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const number = (ptr: string): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    const next = m ? text[i + m[0].length] : undefined;
    if (!m || (next !== undefined && /[0-9.eE+-]/.test(next))) {
      const token = /^[-+0-9.eE]+/.exec(text.slice(i))?.[0] ?? text[i] ?? '';
      return fail(`invalid number ${JSON.stringify(token)}`, i, ptr);
    }
    i += m[0].length;
    return Number(m[0]);
  };

  if (/^[\t\n\r ]*$/.test(text.slice(i))) fail('the file is empty', i, '');
  const result = value('');
  ws();
  if (i < text.length) fail(`unexpected ${show(i)} after the end of the JSON value`, i, '');

  const lines = lineIndex(text);
  return {
    value: result,
    offsetOf(pointer: string) {
      let p = pointer;
      for (;;) {
        const at = positions.get(p);
        if (at !== undefined || p === '') return at ?? 0;
        p = p.slice(0, p.lastIndexOf('/'));
      }
    },
    lineCol: lines.lineCol,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
