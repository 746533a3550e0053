/**
 * Tokenizer for SCIM filters and attribute paths (RFC 7644 §3.4.2.2 Figure 1, §3.5.2, §3.10).
 *
 * Token kinds:
 * - `word`: a bare name such as `userName`, `name.givenName`, `manager.$ref`, or a keyword (`eq`, `and`, `not`,
 *   `pr`, `true`, ...). Whether a word is a keyword or an attribute depends on where it stands, so the parser
 *   decides; it also validates the characters of attribute names (so it can point at the bad one).
 * - `urn`: a URN-qualified name starting with `urn:` (any case), running up to whitespace or `(`, `)`, `[`, `]`,
 *   `"`. The parser splits it into schema URN and attribute name.
 * - `string`: a JSON string, decoded; `number`: a JSON number.
 * - `(`, `)`, `[`, `]`, `.` (the `.` only appears on its own after `]`, as in `emails[type eq "work"].value`).
 * - `eof`, and `error`: the lexer stops at the first malformed input and emits an error token carrying the
 *   message, so the parser reports it (with the right `scimType`) only when it reaches that point.
 */

export type TokenType = 'word' | 'urn' | 'string' | 'number' | '(' | ')' | '[' | ']' | '.' | 'eof' | 'error';

export interface Token {
  type: TokenType;
  /** Offset of the first character (for `error`: where the problem is). */
  pos: number;
  /** Offset just after the last character. */
  end: number;
  /** The raw source text of the token (for `error`: the message). */
  text: string;
  /** Decoded string or number literal. */
  value?: string | number;
}

const enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Dollar = 36,
  Apostrophe = 39,
  LParen = 40,
  RParen = 41,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperA = 65,
  UpperE = 69,
  UpperZ = 90,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Underscore = 95,
  LowerA = 97,
  LowerE = 101,
  LowerZ = 122,
}

export function isAlpha(c: number): boolean {
  return (c >= Ch.UpperA && c <= Ch.UpperZ) || (c >= Ch.LowerA && c <= Ch.LowerZ);
}

export function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** `nameChar` of the ABNF: `"-" / "_" / DIGIT / ALPHA`. */
export function isNameChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === Ch.Minus || c === Ch.Underscore;
}

function isWhitespace(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.Lf || c === Ch.Cr;
}

/** Characters a bare word may continue with; the parser checks the finer grammar. */
function isWordChar(c: number): boolean {
  return isNameChar(c) || c === Ch.Dot || c === Ch.Dollar;
}

/** Characters that end a URN-qualified token. */
function endsUrn(c: number): boolean {
  return (
    isWhitespace(c) ||
    c === Ch.LParen ||
    c === Ch.RParen ||
    c === Ch.LBracket ||
    c === Ch.RBracket ||
    c === Ch.Quote
  );
}

function hexValue(c: number): number {
  if (c >= Ch.Zero && c <= Ch.Nine) return c - Ch.Zero;
  if (c >= Ch.UpperA && c <= 70) return c - Ch.UpperA + 10;
  if (c >= Ch.LowerA && c <= 102) return c - Ch.LowerA + 10;
  return -1;
}

/** Quotes a fragment of the input for an error message. */
export function quoteFragment(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

function startsWithUrn(text: string, i: number): boolean {
  return (
    text.length >= i + 4 &&
    (text.charCodeAt(i) | 0x20) === 117 /* u */ &&
    (text.charCodeAt(i + 1) | 0x20) === 114 /* r */ &&
    (text.charCodeAt(i + 2) | 0x20) === 110 /* n */ &&
    text.charCodeAt(i + 3) === Ch.Colon
  );
}

/** Splits the whole input into tokens; the last token is `eof` or `error`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;

  const error = (pos: number, message: string): Token[] => {
    tokens.push({ type: 'error', pos, end: pos, text: message });
    return tokens;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    const start = i;
    switch (c) {
      case Ch.LParen:
      case Ch.RParen:
      case Ch.LBracket:
      case Ch.RBracket:
      case Ch.Dot:
        tokens.push({ type: text[i] as TokenType, pos: i, end: i + 1, text: text[i]! });
        i++;
        continue;
      case Ch.Quote: {
        const result = readString(text, i);
        if ('error' in result) return error(result.pos, result.error);
        tokens.push({ type: 'string', pos: start, end: result.end, text: text.slice(start, result.end), value: result.value });
        i = result.end;
        continue;
      }
      case Ch.Apostrophe:
        return error(i, `unexpected "'" at position ${i}: string values must be enclosed in double quotes`);
    }
    if (c === Ch.Minus || isDigit(c)) {
      const end = scanNumber(text, i);
      if (end < 0) return error(i, `invalid number at position ${i}: expected a JSON number`);
      if (end < n && (isWordChar(text.charCodeAt(end)) || text.charCodeAt(end) === Ch.Plus)) {
        return error(i, `invalid number ${quoteFragment(readRun(text, i))} at position ${i}`);
      }
      const raw = text.slice(i, end);
      const value = Number(raw);
      if (!Number.isFinite(value)) return error(i, `number ${raw} at position ${i} is out of range`);
      tokens.push({ type: 'number', pos: start, end, text: raw, value });
      i = end;
      continue;
    }
    if (isAlpha(c)) {
      if (startsWithUrn(text, i)) {
        i += 4;
        while (i < n && !endsUrn(text.charCodeAt(i))) i++;
        tokens.push({ type: 'urn', pos: start, end: i, text: text.slice(start, i) });
      } else {
        i++;
        while (i < n && isWordChar(text.charCodeAt(i))) i++;
        tokens.push({ type: 'word', pos: start, end: i, text: text.slice(start, i) });
      }
      continue;
    }
    if (c === 0x24 /* $ */ && text.slice(i, i + 4).toLowerCase() === '$ref' && !isWordChar(text.charCodeAt(i + 4))) {
      // `$ref` standing alone: the sub-attribute after a value filter, as in members[value eq "x"].$ref
      tokens.push({ type: 'word', pos: start, end: i + 4, text: text.slice(i, i + 4) });
      i += 4;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    return error(i, `unexpected character ${JSON.stringify(ch)} at position ${i}`);
  }
  tokens.push({ type: 'eof', pos: n, end: n, text: '' });
  return tokens;
}

/** The run of non-space, non-delimiter characters at `i`, for error messages. */
function readRun(text: string, i: number): string {
  let end = i;
  while (end < text.length && !endsUrn(text.charCodeAt(end))) end++;
  return text.slice(i, end);
}

/** JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Returns the end offset or -1. */
function scanNumber(text: string, i: number): number {
  const n = text.length;
  if (text.charCodeAt(i) === Ch.Minus) i++;
  if (i >= n || !isDigit(text.charCodeAt(i))) return -1;
  if (text.charCodeAt(i) === Ch.Zero) i++;
  else while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i < n && text.charCodeAt(i) === Ch.Dot) {
    i++;
    if (i >= n || !isDigit(text.charCodeAt(i))) return -1;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  if (i < n && (text.charCodeAt(i) === Ch.LowerE || text.charCodeAt(i) === Ch.UpperE)) {
    i++;
    if (i < n && (text.charCodeAt(i) === Ch.Plus || text.charCodeAt(i) === Ch.Minus)) i++;
    if (i >= n || !isDigit(text.charCodeAt(i))) return -1;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

/**
 * Reads the JSON string starting at the `"` at `start`, decoding every JSON escape. Returns the decoded value
 * and the offset after the closing quote, or an error message and where it applies.
 */
function readString(text: string, start: number): { value: string; end: number } | { error: string; pos: number } {
  const n = text.length;
  let i = start + 1;
  let value = '';
  let chunkStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      value += text.slice(chunkStart, i);
      return { value, end: i + 1 };
    }
    if (c < 0x20) {
      return { pos: i, error: `control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i} must be escaped in a string` };
    }
    if (c !== Ch.Backslash) {
      i++;
      continue;
    }
    value += text.slice(chunkStart, i);
    const escapePos = i;
    const e = i + 1 < n ? text[i + 1]! : '';
    switch (e) {
      case '"':
        value += '"';
        break;
      case '\\':
        value += '\\';
        break;
      case '/':
        value += '/';
        break;
      case 'b':
        value += '\b';
        break;
      case 'f':
        value += '\f';
        break;
      case 'n':
        value += '\n';
        break;
      case 'r':
        value += '\r';
        break;
      case 't':
        value += '\t';
        break;
      case 'u': {
        let code = 0;
        for (let k = 0; k < 4; k++) {
          const h = i + 2 + k < n ? hexValue(text.charCodeAt(i + 2 + k)) : -1;
          if (h < 0) {
            return { pos: escapePos, error: `invalid escape ${quoteFragment(text.slice(escapePos, Math.min(n, escapePos + 6)))} at position ${escapePos}: expected \\u followed by 4 hex digits` };
          }
          code = code * 16 + h;
        }
        value += String.fromCharCode(code);
        i += 4;
        break;
      }
      case '':
        return { pos: start, error: `unterminated string starting at position ${start}: expected a closing '"'` };
      default:
        return { pos: escapePos, error: `invalid escape ${JSON.stringify(`\\${e}`)} at position ${escapePos}: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX` };
    }
    i += 2;
    chunkStart = i;
  }
  return { pos: start, error: `unterminated string starting at position ${start}: expected a closing '"'` };
}
