/**
 * Redaction: no secret ever leaves scimcheck. Two layers, both applied to everything that is recorded or printed:
 * - structural: values of credential headers, of credential-named JSON keys and URL query parameters;
 * - literal: every occurrence of a known secret (token, password, client secret, access tokens fetched at run time),
 *   also percent-encoded or base64 inside Basic credentials, wherever the server echoes it.
 */
export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);
const SECRET_KEY = /^(access_token|refresh_token|id_token|client_secret|password|secret|token|api[-_]?key|apikey|authorization|bearer)$/i;
/** Query keys that `url()` must look at (credential-like names, or percent-encoded ones that could spell one). */
const MAYBE_SECRET_QUERY_KEY = /[?&][^=&#]*(?:token|secret|password|sig|authorization|bearer|api[-_]?key|%)/i;
/** A credential-named key as it appears in JSON text without escapes (a key: followed by a colon). */
const SECRET_KEY_IN_TEXT = /"(?:access_token|refresh_token|id_token|client_secret|password|secret|token|api[-_]?key|apikey|authorization|bearer)"\s*:/i;
/** A JSON escape other than `\"` (`\u0041`, `\/`, `\\`, `\n`, ...). */
const OTHER_ESCAPE = /\\[^"]/;
/** Shorter secrets cannot be searched for literally without mangling all output; structural redaction still applies. */
export const MIN_LITERAL_SECRET = 4;

/** Whether a header carries credentials, by its name (remembered: a run sees the same few names many times). */
const secretHeaderNames = new Map<string, boolean>();
function isSecretHeader(name: string): boolean {
  let secret = secretHeaderNames.get(name);
  if (secret === undefined) {
    const lower = name.toLowerCase();
    secret = SECRET_HEADERS.has(lower) || /token|secret|password|api-?key/i.test(lower);
    if (secretHeaderNames.size < 1000) secretHeaderNames.set(name, secret);
  }
  return secret;
}

export class Redactor {
  private secrets: string[] = [];
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret (e.g. an OAuth access token fetched during the run). */
  add(secret: string): void {
    if (!secret || secret.length < MIN_LITERAL_SECRET) return;
    // Every form a server may echo it in (encodings below); JSON bodies are also matched after decoding (bodyText).
    const forms = new Set(encodings(secret));
    for (const f of forms) if (!this.secrets.includes(f)) this.secrets.push(f);
    // Longest first so that a secret containing another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(this.secrets.map(escapeRegExp).join('|'), 'g');
  }

  /** Replaces every literal secret in a string. */
  text(s: string): string {
    return this.pattern ? s.replace(this.pattern, REDACTED) : s;
  }

  /**
   * A response body as recorded and printed: literal forms replaced, and a JSON body whose escapes could spell a
   * secret another way (`\u0041`, `\/` in any mix) is matched after decoding. If a decoded string holds a secret, the
   * body is recorded re-serialised from its redacted value (its layout is lost, the secret too).
   */
  bodyText(text: string): string {
    const literal = this.text(text);
    if (!this.pattern || !OTHER_ESCAPE.test(literal)) return literal;
    let value: unknown;
    try {
      value = JSON.parse(literal);
    } catch {
      return literal;
    }
    if (depthOver(value, MAX_JSON_DEPTH)) return literal;
    const clean = JSON.stringify(this.walkSecretsOnly(value));
    return clean === JSON.stringify(value) ? literal : clean;
  }

  /** Deep copy with literal secrets removed from strings (keys and values), credential-named keys left as they are. */
  private walkSecretsOnly(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walkSecretsOnly(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.walkSecretsOnly(v)]));
    return value;
  }

  /** A header value: credential headers are hidden whole (keeping the scheme word), others literally. */
  header(name: string, value: string): string {
    if (isSecretHeader(name)) {
      const scheme = /^(Bearer|Basic|Digest|Negotiate|Token)\s+/i.exec(value);
      return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
    }
    return this.text(value);
  }

  headers(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      out[this.text(name)] = this.header(name, Array.isArray(v) ? v.join(', ') : v);
    }
    return out;
  }

  /** A URL: credential-named query parameters and userinfo hidden, then literal secrets. */
  url(raw: string): string {
    let s = raw;
    // Only a URL that may hold userinfo or a credential-named (or percent-encoded) query key needs parsing.
    // (The URL parser drops tabs and newlines, which could join the letters of a credential name.)
    if (!raw.includes('@') && !MAYBE_SECRET_QUERY_KEY.test(raw) && !/[\t\n\r]/.test(raw)) return this.text(s);
    try {
      const u = new URL(raw);
      let changed = false;
      if (u.password) {
        u.password = 'REDACTED';
        changed = true;
      }
      for (const key of [...u.searchParams.keys()]) {
        if (SECRET_KEY.test(key) || /token|secret|password|signature|sig$/i.test(key)) {
          u.searchParams.set(key, REDACTED);
          changed = true;
        }
      }
      if (changed) s = u.toString();
    } catch {
      // not an absolute URL: literal redaction only
    }
    return this.text(s);
  }

  /**
   * A response body parsed as JSON, redacted. Most bodies hold neither a secret nor a credential-named key, and
   * then need no walk: that shows in the text itself, unless an escape other than `\"` (which SCIM bodies carry in
   * every ETag, `W/\"...\"`, and whose form is among the literal secrets) could spell one differently.
   */
  parseJson(text: string): unknown {
    const value = JSON.parse(text) as unknown;
    if (depthOver(value, MAX_JSON_DEPTH)) throw new TooDeep(); // refused before anything recurses into it
    const clean = !OTHER_ESCAPE.test(text) && !SECRET_KEY_IN_TEXT.test(text) && !(this.pattern && this.pattern.test(text));
    if (this.pattern) this.pattern.lastIndex = 0;
    return clean ? value : this.walk(value);
  }

  /** Deep copy of a JSON value with credential-named keys hidden and literal secrets removed from strings. */
  json<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // Values already redacted ("Bearer [REDACTED]") keep their form; other credential-named values go whole.
        const hidden = typeof v === 'string' && v.includes(REDACTED);
        out[this.text(k)] = SECRET_KEY.test(k) && v !== null && v !== '' && !hidden ? REDACTED : this.walk(v);
      }
      return out;
    }
    return value;
  }
}

/**
 * The forms in which a secret can come back: as written; percent-encoded with upper- or lower-case hex, and as a form
 * writes it (`+` for a space); as a JSON string writes it, also with `/` escaped (PHP) and with every character that
 * is not a letter or digit as `\uXXXX` in either case (.NET); base64 and base64url (padded or not).
 */
export function encodings(secret: string): string[] {
  const pct = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  const u = (upper: boolean) =>
    [...secret]
      .map((c) => (/[A-Za-z0-9]/.test(c) ? c : Array.from({ length: c.length }, (_, i) => `\\u${hex(c.charCodeAt(i), upper)}`).join('')))
      .join('');
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const b64url = Buffer.from(secret, 'utf8').toString('base64url');
  return [
    secret,
    pct,
    pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    pct.replace(/%20/g, '+'),
    json,
    json.replace(/\//g, '\\/'),
    u(false),
    u(true),
    b64,
    b64.replace(/=+$/, ''),
    b64url,
  ].filter((f) => f.length >= MIN_LITERAL_SECRET);
}

/** A UTF-16 unit as 4 hex digits, in either case. */
function hex(unit: number, upper: boolean): string {
  const h = unit.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
}

/** A JSON body nested deeper than MAX_JSON_DEPTH (thrown by `parseJson`). */
export class TooDeep extends Error {
  constructor() {
    super(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/** How deep a response body may nest before it is refused (a SCIM resource is about 5 levels deep). */
export const MAX_JSON_DEPTH = 64;

/** Whether a JSON value nests deeper than `max` levels, found without recursion (no stack to overflow). */
export function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x && typeof x === 'object') stack.push([x, d + 1]);
  }
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
