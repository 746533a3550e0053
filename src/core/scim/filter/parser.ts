/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2), PATCH paths (§3.5.2) and attribute references
 * (§3.10), producing the AST of ./ast.ts.
 *
 * Grammar as implemented (keywords and operators case-insensitive; whitespace is allowed between tokens and
 * not required around parentheses, so both `not (x pr)` and `not(x pr)` parse, see RFC errata 7319):
 *
 *   filter    = orExpr
 *   orExpr    = andExpr *("or" andExpr)                    ; left-associative
 *   andExpr   = unary *("and" unary)                       ; left-associative, binds tighter than "or"
 *   unary     = "not" "(" orExpr ")" / "(" orExpr ")" / attrExpr
 *   attrExpr  = attrPath "pr" / attrPath compareOp compValue
 *             / attrPath "[" valFilter "]" ["." subName (("pr") / (compareOp compValue))]
 *   valFilter = orExpr over sub-attribute names, with no nested "[...]"
 *   PATH      = attrPath ["[" valFilter "]" ["." subName]]
 *   attrPath  = [URN ":"] ATTRNAME ["." subName] / knownSchemaURN      ; the latter only as a whole PATCH path
 *   subName   = ATTRNAME / "$ref"
 *
 * The `].sub` continuation inside a filter is not in the FILTER grammar (it belongs to PATH), but Microsoft Entra
 * sends `emails[type eq "work"].value eq "a@b.c"`. It is read as "some element has type work AND value a@b.c":
 * `valuePath(emails, and(type eq "work", value eq "a@b.c"))`, so both conditions hold on the same element.
 */
import type { AttrRef } from '../schema-types.js';
import {
  COMPARE_OPS,
  FilterError,
  formatAttrRef,
  nodePositions,
  type AttrPath,
  type CompareOp,
  type FilterErrorType,
  type FilterNode,
  type FilterValue,
  type ParseOptions,
} from './ast.js';
import { isAlpha, isNameChar, quoteFragment, tokenize, type Token } from './lexer.js';

/** Schema URNs of RFC 7643 that are always recognised as whole-schema names and URN prefixes. */
export const STANDARD_SCHEMA_URNS: readonly string[] = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:core:2.0:Group',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
];

/** Parentheses, `not` and brackets nested deeper than this are rejected (protects the call stack). */
const MAX_DEPTH = 100;

const OPERATOR_LIST = `${COMPARE_OPS.join(', ')} or pr`;

/**
 * Parses a filter expression (the `filter` query parameter or the `filter` member of a SearchRequest).
 * @throws FilterError with scimType `invalidFilter`
 */
export function parseFilter(text: string, opts?: ParseOptions): FilterNode {
  const p = new Parser(text, 'invalidFilter', opts);
  const first = p.peek();
  if (first.type === 'eof') p.fail(first.pos, 'expected a filter expression', first);
  const node = p.parseOr(false, undefined);
  p.expectEnd();
  return node;
}

/**
 * Parses a PATCH operation path.
 * @throws FilterError with scimType `invalidPath`, or `invalidFilter` for a malformed filter inside `[...]`
 */
export function parsePath(text: string, opts?: ParseOptions): AttrPath {
  const p = new Parser(text, 'invalidPath', opts);
  return p.parsePathExpr();
}

/**
 * Parses a single attribute reference `[urn:]name[.sub]`, as used by `attributes`, `excludedAttributes` and
 * `sortBy`; a known schema URN on its own gives `{ urn, name: '' }`.
 * @throws FilterError with scimType `invalidPath`
 */
export function parseAttrRef(text: string, opts?: ParseOptions): AttrRef {
  const p = new Parser(text, 'invalidPath', opts);
  const tok = p.next();
  if (tok.type !== 'word' && tok.type !== 'urn') p.fail(tok.pos, 'expected an attribute name', tok);
  const ref = p.attrRef(tok);
  const end = p.peek();
  if (end.type !== 'eof') p.fail(end.pos, `expected end of input after ${quoteFragment(tok.text)}`, end);
  return ref;
}

function describe(tok: Token): string {
  if (tok.type === 'eof') return 'end of input';
  return quoteFragment(tok.text);
}

function isLogicalKeyword(tok: Token, word: 'and' | 'or' | 'not' | 'pr'): boolean {
  return tok.type === 'word' && tok.text.length === word.length && tok.text.toLowerCase() === word;
}

function compareOpOf(tok: Token): CompareOp | 'pr' | undefined {
  if (tok.type !== 'word' || tok.text.length !== 2) return undefined;
  const lower = tok.text.toLowerCase();
  if (lower === 'pr') return 'pr';
  return (COMPARE_OPS as readonly string[]).includes(lower) ? (lower as CompareOp) : undefined;
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  /** The scimType errors get at the current point (paths switch to invalidFilter inside brackets). */
  private errorType: FilterErrorType;
  private readonly knownUrns: string[];
  /** Parsing a PATCH path rather than a filter. */
  private pathMode = false;

  constructor(text: string, errorType: FilterErrorType, opts: ParseOptions | undefined) {
    this.errorType = errorType;
    this.tokens = tokenize(text);
    const urns = new Set<string>(STANDARD_SCHEMA_URNS);
    for (const urn of opts?.schemaUrns ?? []) if (urn.length > 0) urns.add(urn);
    // Longest first, so that a longer URN wins over one of its prefixes.
    this.knownUrns = [...urns].sort((a, b) => b.length - a.length);
  }

  // ----- token access -----

  peek(offset = 0): Token {
    const i = Math.min(this.index + offset, this.tokens.length - 1);
    const tok = this.tokens[i]!;
    // The lexer stops at its first error; report it as soon as the parser needs to look at it.
    if (tok.type === 'error') throw new FilterError(tok.text, this.errorType, tok.pos);
    return tok;
  }

  next(): Token {
    const tok = this.peek();
    if (tok.type !== 'eof') this.index++;
    return tok;
  }

  fail(pos: number, expected: string, found?: Token): never {
    const suffix = found === undefined ? '' : `, found ${describe(found)}`;
    throw new FilterError(`${expected} at position ${pos}${suffix}`, this.errorType, pos);
  }

  expectEnd(): void {
    const tok = this.peek();
    if (tok.type === 'eof') return;
    if (tok.type === ')') this.fail(tok.pos, 'unexpected ")" with no matching "("');
    this.fail(tok.pos, 'expected "and", "or" or end of input', tok);
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(pos, `expression nested more than ${MAX_DEPTH} levels deep`);
  }

  private leave(): void {
    this.depth--;
  }

  // ----- filters -----

  /** `inValue`: inside `attr[...]`, where names are sub-attributes and brackets may not nest. */
  parseOr(inValue: boolean, after: Token | undefined): FilterNode {
    let left = this.parseAnd(inValue, after);
    for (;;) {
      const tok = this.peek();
      if (!isLogicalKeyword(tok, 'or')) return left;
      this.next();
      const right = this.parseAnd(inValue, tok);
      left = { kind: 'or', left, right };
    }
  }

  private parseAnd(inValue: boolean, after: Token | undefined): FilterNode {
    let left = this.parseUnary(inValue, after);
    for (;;) {
      const tok = this.peek();
      if (!isLogicalKeyword(tok, 'and')) return left;
      this.next();
      const right = this.parseUnary(inValue, tok);
      left = { kind: 'and', left, right };
    }
  }

  /** `after` is the keyword or `(` this expression follows, for the message when it is missing. */
  private parseUnary(inValue: boolean, after: Token | undefined): FilterNode {
    const tok = this.peek();
    if (tok.type === '(') {
      this.next();
      this.enter(tok.pos);
      const inner = this.parseOr(inValue, tok);
      this.closeParen(tok);
      this.leave();
      return inner;
    }
    if (isLogicalKeyword(tok, 'not')) {
      const following = this.peek(1);
      if (following.type === '(') {
        this.next();
        this.next();
        this.enter(tok.pos);
        const expr = this.parseOr(inValue, following);
        this.closeParen(following);
        this.leave();
        const node: FilterNode = { kind: 'not', expr };
        nodePositions.set(node, tok.pos);
        return node;
      }
      // `not` may still be an attribute name (`not eq 1`); otherwise it lacks its parentheses.
      if (compareOpOf(following) === undefined && following.type !== '[') {
        this.fail(following.pos, 'expected "(" after "not" (not takes a parenthesised expression)', following);
      }
    }
    if (tok.type === 'word' || tok.type === 'urn') return this.parseAttrExpr(inValue);
    const what = after === undefined ? 'expected a filter expression' : `expected a filter expression after ${quoteFragment(after.text)}`;
    if (tok.type === ')' && after === undefined) this.fail(tok.pos, 'unexpected ")" with no matching "("');
    this.fail(tok.pos, what, tok);
  }

  private closeParen(open: Token): void {
    const tok = this.peek();
    if (tok.type === ')') {
      this.next();
      return;
    }
    const expected = tok.type === 'eof' ? 'expected ")"' : 'expected "and", "or" or ")"';
    this.fail(tok.pos, `${expected} (to close the "(" opened at position ${open.pos})`, tok);
  }

  private parseAttrExpr(inValue: boolean): FilterNode {
    const attrTok = this.next();
    const attr = this.attrRef(attrTok);
    if (inValue && attr.urn !== undefined) {
      this.fail(attrTok.pos, 'expected a sub-attribute name (names inside "[...]" are relative and cannot carry a schema URN)');
    }
    const tok = this.peek();
    if (tok.type === '[') {
      if (inValue) this.fail(tok.pos, 'unexpected "[": a value filter cannot contain another value filter');
      return this.parseValuePathExpr(attr, attrTok);
    }
    return this.parseCondition(attr, attrTok);
  }

  /** After an attribute: `pr` or `op value`. */
  private parseCondition(attr: AttrRef, attrTok: Token): FilterNode {
    const opTok = this.peek();
    const op = compareOpOf(opTok);
    if (op === undefined) {
      const expected = `expected an operator (${OPERATOR_LIST}) after ${quoteFragment(attrTok.text)}`;
      if (opTok.type === 'word' && opTok.text.length <= 12 && /^[a-z]+$/i.test(opTok.text)) {
        this.fail(opTok.pos, `unknown operator ${quoteFragment(opTok.text)}: ${expected}`);
      }
      this.fail(opTok.pos, expected, opTok);
    }
    this.next();
    let node: FilterNode;
    if (op === 'pr') {
      node = { kind: 'present', attr };
    } else {
      node = { kind: 'compare', attr, op, value: this.parseValue(opTok) };
    }
    nodePositions.set(node, attrTok.pos);
    return node;
  }

  private parseValue(opTok: Token): FilterValue {
    const tok = this.peek();
    const expected = `expected a value (a "string", a number, true, false or null) after ${quoteFragment(opTok.text.toLowerCase())}`;
    if (tok.type === 'string' || tok.type === 'number') {
      this.next();
      return tok.value!;
    }
    if (tok.type === 'word') {
      const lower = tok.text.toLowerCase();
      if (lower === 'true' || lower === 'false' || lower === 'null') {
        this.next();
        return lower === 'null' ? null : lower === 'true';
      }
      this.fail(tok.pos, `${expected} (string values must be in double quotes)`, tok);
    }
    this.fail(tok.pos, expected, tok);
  }

  /** `attr[valFilter]`, optionally followed by Entra's `.sub op value`. */
  private parseValuePathExpr(attr: AttrRef, attrTok: Token): FilterNode {
    const open = this.next();
    if (attr.name === '') this.fail(open.pos, 'expected an attribute name between the schema URN and "["');
    this.enter(open.pos);
    let filter = this.parseOr(true, open);
    this.closeBracket(open);
    this.leave();
    const dot = this.peek();
    if (dot.type === '.') {
      const sub = this.subAttrAfterBracket(attr);
      const subTok = this.tokens[this.index - 1]!;
      const condition = this.parseCondition({ name: sub }, subTok);
      filter = { kind: 'and', left: filter, right: condition };
    }
    const node: FilterNode = { kind: 'valuePath', attr, filter };
    nodePositions.set(node, attrTok.pos);
    return node;
  }

  private closeBracket(open: Token): void {
    const tok = this.peek();
    if (tok.type === ']') {
      this.next();
      return;
    }
    if (tok.type === 'eof') {
      const expected = `expected "]" (to close the "[" opened at position ${open.pos})`;
      // In a PATCH path an unclosed bracket is a malformed path rather than a malformed filter.
      if (this.pathMode) this.errorType = 'invalidPath';
      this.fail(tok.pos, expected, tok);
    }
    this.fail(tok.pos, `expected "and", "or" or "]" (to close the "[" opened at position ${open.pos})`, tok);
  }

  /** Reads `.name` right after `]` (no spaces) and returns the sub-attribute name. */
  private subAttrAfterBracket(attr: AttrRef): string {
    const dot = this.next();
    const prev = this.tokens[this.index - 2]!;
    if (prev.end !== dot.pos) this.fail(prev.end, 'unexpected space before "."');
    const word = this.peek();
    if (word.type !== 'word' || word.pos !== dot.end) this.fail(dot.end, 'expected a sub-attribute name after "."', word);
    this.next();
    if (attr.subAttr !== undefined) {
      this.fail(dot.pos, `${quoteFragment(formatAttrRef(attr))} already names a sub-attribute; a path has at most two levels`);
    }
    const extra = word.text.indexOf('.');
    if (extra >= 0) this.fail(word.pos + extra, 'unexpected "." after the sub-attribute: a path has at most two levels');
    if (!isSubAttrName(word.text)) this.failName(word.text, word.pos, 'sub-attribute');
    return word.text;
  }

  // ----- paths -----

  parsePathExpr(): AttrPath {
    this.pathMode = true;
    const tok = this.next();
    if (tok.type !== 'word' && tok.type !== 'urn') this.fail(tok.pos, 'expected an attribute path', tok);
    const attr = this.attrRef(tok);
    const path: AttrPath = { attr };
    if (this.peek().type === '[') {
      const open = this.next();
      if (attr.name === '') this.fail(open.pos, 'expected an attribute name between the schema URN and "["');
      this.errorType = 'invalidFilter';
      const first = this.peek();
      if (first.type === ']') this.fail(first.pos, 'expected a filter expression inside "[...]"', first);
      path.filter = this.parseOr(true, open);
      this.closeBracket(open);
      this.errorType = 'invalidPath';
      if (this.peek().type === '.') path.subAttr = this.subAttrAfterBracket(attr);
    }
    const end = this.peek();
    if (end.type !== 'eof') {
      this.fail(end.pos, path.filter === undefined ? 'expected "[" or end of path' : 'expected "." or end of path', end);
    }
    return path;
  }

  // ----- attribute references -----

  /** Turns a `word` or `urn` token into an AttrRef, validating the name grammar. */
  attrRef(tok: Token): AttrRef {
    if (tok.type === 'urn') return this.urnRef(tok);
    return this.nameRef(tok.text, tok.pos);
  }

  private nameRef(text: string, pos: number): AttrRef {
    const dot = text.indexOf('.');
    const name = dot < 0 ? text : text.slice(0, dot);
    if (!isAttrName(name)) this.failName(name, pos, 'attribute');
    if (dot < 0) return { name };
    const sub = text.slice(dot + 1);
    const second = sub.indexOf('.');
    if (second >= 0) {
      this.fail(pos + dot + 1 + second, `unexpected "." in ${quoteFragment(text)}: an attribute path has at most one sub-attribute`);
    }
    if (!isSubAttrName(sub)) this.failName(sub, pos + dot + 1, 'sub-attribute');
    return { name, subAttr: sub };
  }

  private urnRef(tok: Token): AttrRef {
    const text = tok.text;
    const lower = text.toLowerCase();
    for (const urn of this.knownUrns) {
      const urnLower = urn.toLowerCase();
      if (lower === urnLower) return { urn, name: '' };
      if (lower.length > urnLower.length + 1 && lower.startsWith(urnLower) && lower.charCodeAt(urnLower.length) === 58) {
        const ref = this.nameRef(text.slice(urn.length + 1), tok.pos + urn.length + 1);
        return { urn, ...ref };
      }
    }
    const colon = text.lastIndexOf(':');
    // `urn:` always has a colon at 3; an unknown URN needs at least `urn:nid:name`.
    if (colon <= 3) this.fail(tok.pos, `expected a schema URN followed by ":" and an attribute name in ${quoteFragment(text)}`);
    if (colon === text.length - 1) this.fail(tok.pos + colon + 1, `expected an attribute name after the schema URN ${quoteFragment(text.slice(0, colon))}`);
    const ref = this.nameRef(text.slice(colon + 1), tok.pos + colon + 1);
    return { urn: text.slice(0, colon), ...ref };
  }

  private failName(name: string, pos: number, what: 'attribute' | 'sub-attribute'): never {
    if (name === '') this.fail(pos, `expected ${what === 'attribute' ? 'an attribute' : 'a sub-attribute'} name`);
    let bad = 0;
    if (isAlpha(name.charCodeAt(0))) {
      bad = 1;
      while (bad < name.length && isNameChar(name.charCodeAt(bad))) bad++;
    }
    const rule = 'names start with a letter and continue with letters, digits, "-" or "_"';
    this.fail(pos + bad, `invalid character ${JSON.stringify(name[bad] ?? '')} in ${what} name ${quoteFragment(name)} (${rule})`);
  }
}

/** `ATTRNAME = ALPHA *(nameChar)`. */
function isAttrName(name: string): boolean {
  if (name.length === 0 || !isAlpha(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

/** A sub-attribute: an ATTRNAME or `$ref` (RFC 7643 §2.4 names the reference sub-attribute `$ref`). */
function isSubAttrName(name: string): boolean {
  return isAttrName(name) || name.toLowerCase() === '$ref';
}
