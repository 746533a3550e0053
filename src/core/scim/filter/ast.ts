/**
 * The one AST shared by SCIM filters (RFC 7644 §3.4.2.2) and PATCH attribute paths (RFC 7644 §3.5.2), the error
 * type every parse and evaluation failure is reported with, and the canonical printers.
 *
 * Nodes are plain, JSON-like objects: optional members that do not apply are left out (never `undefined`), so two
 * parses of equivalent text deep-equal each other and `parseFilter(formatFilter(node))` deep-equals `node`. Treat
 * nodes as immutable once built: the evaluator caches compiled forms per node object.
 */
import type { AttrRef } from '../schema-types.js';

export type { AttrRef };

/** The attribute operators of RFC 7644 §3.4.2.2, Table 3 (`pr` is its own node kind). */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** A comparison value: the JSON `false / null / true / number / string` of the `compValue` rule. */
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'compare'; attr: AttrRef; op: CompareOp; value: FilterValue }
  | { kind: 'present'; attr: AttrRef }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  /** `emails[type eq "work"]`: the refs inside `filter` name sub-attributes of `attr` (no URN, relative names). */
  | { kind: 'valuePath'; attr: AttrRef; filter: FilterNode };

/**
 * A PATCH path (RFC 7644 §3.5.2, `PATH = attrPath / valuePath [subAttr]`):
 * - `name.givenName` → `{ attr: { name: 'name', subAttr: 'givenName' } }`
 * - `emails[type eq "work"].value` → `{ attr: { name: 'emails' }, filter, subAttr: 'value' }`
 * - `members[value eq "x"]` → `{ attr: { name: 'members' }, filter }`
 * - `urn:…:enterprise:2.0:User:manager` → `{ attr: { urn, name: 'manager' } }`
 * - `urn:…:enterprise:2.0:User` (a known schema URN) → `{ attr: { urn, name: '' } }`, the whole extension
 */
export interface AttrPath {
  attr: AttrRef;
  filter?: FilterNode;
  subAttr?: string;
}

export interface ParseOptions {
  /**
   * Schema URNs the server knows (core and extensions). A URN-qualified name is split after the longest of these
   * that prefixes it, and a path that is exactly one of them names the whole schema (`name: ''`). The three
   * standard schemas of RFC 7643 (core User, core Group, enterprise User) are always known.
   */
  schemaUrns?: string[];
}

export type FilterErrorType = 'invalidFilter' | 'invalidPath';

/**
 * A filter or path that a SCIM server must reject with HTTP 400 and this `scimType` (RFC 7644 §3.12).
 * `position` is the 0-based offset into the parsed text where the problem was found; for errors raised while
 * evaluating a node that was not produced by this module's parser it is -1.
 */
export class FilterError extends Error {
  readonly scimType: FilterErrorType;
  readonly position: number;

  constructor(message: string, scimType: FilterErrorType, position: number) {
    super(oneLine(message));
    this.name = 'FilterError';
    this.scimType = scimType;
    this.position = position;
  }
}

/**
 * Where each node produced by the parser starts in its input text (attribute nodes: the attribute's offset).
 * Kept beside the AST rather than in it so that nodes stay plain and deep-equal across parses; the evaluator uses
 * it to give evaluation errors (e.g. `gt` on a boolean) a position.
 */
export const nodePositions = new WeakMap<object, number>();

// ---------------------------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------------------------

/** `[urn:]name[.sub]`; a whole-schema reference (`name: ''`) prints as the bare URN. */
export function formatAttrRef(ref: AttrRef): string {
  let text = ref.urn === undefined ? ref.name : ref.name === '' ? ref.urn : `${ref.urn}:${ref.name}`;
  if (ref.subAttr !== undefined) text += `.${ref.subAttr}`;
  return text;
}

/** A comparison value as JSON text (strings re-escaped, `-0` kept). */
export function formatValue(value: FilterValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`a filter value must be a finite number, got ${value}`);
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return JSON.stringify(value);
}

/**
 * The canonical text of a filter: lower-case operators, single spaces, JSON literals, and only the parentheses
 * the precedence rules (`not` > `and` > `or`, left-associative) require, so re-parsing yields the same tree.
 * Entra's `emails[type eq "work"].value eq "x"` prints in its parsed form `emails[type eq "work" and value eq "x"]`.
 */
export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${formatAttrRef(node.attr)} ${node.op} ${formatValue(node.value)}`;
    case 'present':
      return `${formatAttrRef(node.attr)} pr`;
    case 'not':
      return `not (${formatFilter(node.expr)})`;
    case 'valuePath':
      return `${formatAttrRef(node.attr)}[${formatFilter(node.filter)}]`;
    case 'and':
    case 'or':
      return formatChain(node);
  }
}

/** Prints a left-deep chain of one logical operator without recursing once per link. */
function formatChain(node: FilterNode & { kind: 'and' | 'or' }): string {
  const kind = node.kind;
  const rights: FilterNode[] = [];
  let current: FilterNode = node;
  while (current.kind === kind) {
    rights.push(current.right);
    current = current.left;
  }
  // The leftmost operand: an `or` under an `and` needs parentheses; an `and` under an `or` does not.
  const parts = [kind === 'and' && current.kind === 'or' ? `(${formatFilter(current)})` : formatFilter(current)];
  for (let i = rights.length - 1; i >= 0; i--) {
    const right = rights[i]!;
    // A right operand of the same operator must be grouped (the parser is left-associative); so must an `or`
    // on the right of an `and`.
    const group = right.kind === kind || (kind === 'and' && right.kind === 'or');
    parts.push(group ? `(${formatFilter(right)})` : formatFilter(right));
  }
  return parts.join(` ${kind} `);
}

/** The text of a PATCH path: `attr[filter].sub`. */
export function formatPath(path: AttrPath): string {
  let text = formatAttrRef(path.attr);
  if (path.filter !== undefined) text += `[${formatFilter(path.filter)}]`;
  if (path.subAttr !== undefined) text += `.${path.subAttr}`;
  return text;
}

/** Messages are one line: line breaks in quoted user text are shown as \\n. */
export function oneLine(message: string): string {
  return message.replace(/\r\n|\r|\n/g, '\\n');
}
