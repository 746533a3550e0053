import type { Dispatcher } from 'undici';
import type { Target } from '../target/resolve.js';
import { AuthError, AuthProvider } from './auth.js';
import { createDispatcher } from './dispatcher.js';
import type { Exchange, TransportFailure } from './exchange.js';
import { Redactor, TooDeep } from './redact.js';
import { describeTransportError } from './transport-error.js';

export const SCIM_MEDIA_TYPE = 'application/scim+json';
const NOT_BLANK = /\S/;

export type QueryInput = string | [string, string][] | Record<string, string>;

export interface ScimRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL, e.g. `/Users` or `/Users/2819c223`. */
  path: string;
  query?: QueryInput;
  headers?: Record<string, string>;
  /** A JSON value (serialised) or a raw string (sent as is, e.g. malformed JSON on purpose). */
  body?: unknown;
  /** Override the configured credentials, e.g. a wrong token to see that the server refuses it. */
  auth?: { bearer: string } | 'none';
}

export interface ScimResponse {
  exchange: Exchange;
  /** Absent when the request failed below HTTP (see `error`). */
  status?: number;
  headers: Record<string, string>;
  /** The body parsed as JSON, redacted; undefined if empty or not JSON (see `jsonError`). */
  json?: unknown;
  jsonError?: string;
  error?: TransportFailure;
}

/** Sees every logical request of a run: may refuse it, learns its outcome (src/core/safety/guard.ts). */
export interface RequestGuard {
  /** A reason to refuse the request (it is then not sent), or undefined. */
  before(req: ScimRequest): string | undefined;
  /** After the answer (retries done); `raw` sends a request without the guard (a read-back). */
  after(req: ScimRequest, res: ScimResponse, raw: (req: ScimRequest) => Promise<ScimResponse>): void | Promise<void>;
  /** After a 5xx or a lost answer to a write: did it take effect anyway? Then it is not sent again. */
  tookEffect?(req: ScimRequest, raw: (req: ScimRequest) => Promise<ScimResponse>): Promise<boolean>;
}

/** How hard the client tries again: 429 with Retry-After, and 5xx or a reset on requests that are safe to repeat. */
export interface RetryPolicy {
  /** Further attempts after a 5xx (or a reset) on a read or a DELETE, or on a create that did not take effect. */
  retries: number;
  /** Base of the exponential backoff between those attempts, in ms. */
  backoffMs: number;
  /** Total time one request may spend waiting for Retry-After; beyond it the 429 is reported. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, backoffMs: 200, maxRetryAfterMs: 30_000 };

export interface ClientOptions {
  dispatcher?: Dispatcher;
  redactor?: Redactor;
  onExchange?: (e: Exchange) => void;
  guard?: RequestGuard;
  retry?: RetryPolicy;
}

/**
 * The SCIM client: builds URLs below the base URL (keeping its query string), authenticates, sends JSON as
 * application/scim+json, never follows redirects, enforces timeouts and the size cap, and records every exchange,
 * redacted. It never throws for a network problem: the failure is in the returned response.
 */
export class ScimClient {
  readonly redactor: Redactor;
  readonly exchanges: Exchange[] = [];
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly auth: AuthProvider;
  private seq = 0;

  constructor(
    readonly target: Target,
    private readonly opts: ClientOptions = {},
  ) {
    this.base = { origin: target.baseUrl.origin, path: target.baseUrl.pathname.replace(/\/+$/, ''), query: target.baseUrl.search.replace(/^\?/, '') };
    this.redactor = opts.redactor ?? new Redactor(target.secrets);
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? createDispatcher(target);
    this.auth = new AuthProvider(target.auth, {
      dispatcher: this.dispatcher,
      redactor: this.redactor,
      timeoutMs: target.timeoutMs,
      record: (e) => this.record(e),
    });
  }

  /** The base URL's parts, read once (URL getters are not free, and every request needs them). */
  private readonly base: { origin: string; path: string; query: string };

  /** The absolute URL for a path and query, with the base URL's own query string first. */
  url(path: string, query?: QueryInput): string {
    const rel = path.startsWith('/') ? path : `/${path}`;
    const parts = [this.base.query, formatQuery(query)].filter((p) => p.length > 0);
    return `${this.base.origin}${this.base.path}${rel}${parts.length ? `?${parts.join('&')}` : ''}`;
  }

  get guard(): RequestGuard | undefined {
    return this.opts.guard;
  }

  /** Sets the guard of a run (safety: ledger, ownership, marks). */
  setGuard(guard: RequestGuard | undefined): void {
    this.opts.guard = guard;
  }

  /**
   * Sends a request through the guard and the retry policy. 429: waits for Retry-After (up to a cap) and sends it
   * again. 5xx or a reset: reads and DELETEs are sent again with backoff; a create only after the guard has checked
   * that it did not take effect; PUT and PATCH are never repeated.
   */
  async send(req: ScimRequest): Promise<ScimResponse> {
    const guard = this.opts.guard;
    const refusal = guard?.before(req);
    if (refusal) return this.refuse(req, refusal);
    const policy = this.opts.retry ?? DEFAULT_RETRY;
    let res = await this.sendOnce(req);
    let waited = 0;
    let retries = 0;
    for (let rounds = 0; rounds < 10; rounds++) {
      if (res.status === 429) {
        const wait = retryAfterMs(res.headers['retry-after']);
        if (wait === undefined || waited + wait > policy.maxRetryAfterMs) break;
        waited += wait;
        await sleep(wait);
        res = await this.sendOnce(req);
        continue;
      }
      const serverTrouble = (res.status !== undefined && res.status >= 500) || (res.status === undefined && res.error?.code === 'RESET');
      if (!serverTrouble || retries >= policy.retries) break;
      const repeatable = isRead(req) || req.method === 'DELETE';
      const isCreate = req.method === 'POST' && /^\/(Users|Groups)\/?$/i.test(req.path);
      if (!repeatable && !(isCreate && guard?.tookEffect && !(await guard.tookEffect(req, (r) => this.sendOnce(r))))) break;
      retries++;
      await sleep(policy.backoffMs * 2 ** (retries - 1));
      res = await this.sendOnce(req);
    }
    await guard?.after(req, res, (r) => this.sendOnce(r));
    return res;
  }

  private refuse(req: ScimRequest, message: string): ScimResponse {
    const url = this.url(req.path, req.query);
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const error = { code: 'REFUSED_WRITE' as const, message, unreachable: false };
    const exchange = this.record({ startedAt: new Date().toISOString(), durationMs: 0, request: this.recordRequest(req.method, url, {}, body), error });
    return { exchange, headers: {}, error };
  }

  private nextSlot = 0;

  /** --max-rps: each request waits for its slot on an even timetable (1000/rps ms apart). */
  private async pace(): Promise<void> {
    const rps = this.target.maxRps;
    if (!rps) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / rps;
    if (slot > now) await sleep(slot - now);
  }

  /** One request, no guard, no retry. */
  async sendOnce(req: ScimRequest): Promise<ScimResponse> {
    await this.pace();
    const url = this.url(req.path, req.query);
    const headers: Record<string, string> = { accept: `${SCIM_MEDIA_TYPE}, application/json;q=0.9` };
    for (const [name, value] of this.target.headers) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= SCIM_MEDIA_TYPE;
    }
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const peer = this.target.baseUrl.host;

    try {
      if (req.auth === 'none') {
        // no credentials
      } else if (req.auth) {
        headers.authorization = `Bearer ${req.auth.bearer}`;
      } else {
        const authorization = await this.auth.authorization();
        if (authorization) headers.authorization = authorization;
      }
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const exchange = this.record({ startedAt, durationMs: Date.now() - started, request: this.recordRequest(req.method, url, headers, body), error: err.failure });
      return { exchange, headers: {}, error: err.failure };
    }

    const recordedRequest = this.recordRequest(req.method, url, headers, body);
    // origin + path, not a URL object: a URL would percent-encode the literal quotes Entra sends.
    const origin = this.base.origin;
    const r = await exchangeOnce(this.dispatcher, { origin, path: url.slice(origin.length), method: req.method, headers, ...(body !== undefined ? { body } : {}) }, this.target.timeoutMs);
    if (!r.ok) {
      const failure = describeTransportError(r.error, peer, this.target.timeoutMs);
      // An answer that broke off (or timed out) after its status line still tells what status the server sent.
      const response = r.status !== undefined ? { status: r.status, headers: this.redactor.headers(r.headers ?? {}), body: '', sizeBytes: 0 } : undefined;
      const exchange = this.record({ startedAt, durationMs: Date.now() - started, request: recordedRequest, ...(response ? { response } : {}), error: failure });
      return { exchange, ...(r.status !== undefined ? { status: r.status } : {}), headers: response?.headers ?? {}, error: failure };
    }
    const { status, headers: resHeaders, body: buf } = r;

    const text = buf.toString('utf8');
    const redactedHeaders = this.redactor.headers(resHeaders);
    const exchange = this.record({
      startedAt,
      durationMs: Date.now() - started,
      request: recordedRequest,
      response: { status, headers: redactedHeaders, body: this.redactor.bodyText(text), sizeBytes: buf.length },
    });
    const out: ScimResponse = { exchange, status, headers: redactedHeaders };
    if (NOT_BLANK.test(text)) {
      try {
        out.json = this.redactor.parseJson(text);
      } catch (err) {
        // SCIM bodies are a few levels deep; one nested deeper is refused (validation and reports recurse).
        if (err instanceof TooDeep) {
          out.jsonError = err.message;
          return out;
        }
        // V8's message quotes the start of the body, which may hold an echoed secret: keep only the position.
        const at = /position (\d+)/.exec((err as Error).message);
        const first = text.trimStart()[0];
        out.jsonError = `the body is not JSON (${at ? `invalid at character ${at[1]}` : `it begins with ${JSON.stringify(first)}`})`;
      }
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private recordRequest(method: string, url: string, headers: Record<string, string>, body: string | undefined) {
    return {
      method,
      url: this.redactor.url(url),
      headers: this.redactor.headers(headers),
      ...(body !== undefined ? { body: this.redactor.text(body) } : {}),
    };
  }

  private record(e: Omit<Exchange, 'seq'>): Exchange {
    const exchange: Exchange = { seq: ++this.seq, ...e };
    this.exchanges.push(exchange);
    this.opts.onExchange?.(exchange);
    return exchange;
  }
}

/**
 * Query strings the way Entra writes them: spaces as `+`, double quotes literal, everything else that needs it
 * percent-encoded (`GET /Users?filter=userName+eq+"8646d011-..."`).
 */
export function formatQuery(query: QueryInput | undefined): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query.replace(/^\?/, '');
  const pairs = Array.isArray(query) ? query : Object.entries(query);
  return pairs.map(([k, v]) => `${encodeEntra(k)}=${encodeEntra(v)}`).join('&');
}

function isRead(req: ScimRequest): boolean {
  return req.method === 'GET' || (req.method === 'POST' && req.path.endsWith('/.search'));
}

/** Retry-After as delta-seconds or an HTTP date, in ms (undefined when absent or unreadable). */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Outcome =
  | { ok: true; status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }
  | { ok: false; error: unknown; status?: number; headers?: Record<string, string | string[] | undefined> };

/**
 * One request through undici's dispatch API, the body collected as it arrives. This is what undici's `request()`
 * does below its stream wrapper; without the wrapper (a Readable per response), a run of hundreds of requests spends
 * noticeably less time (about 50 ms per 800 requests on a cold process, bench/). The whole exchange must end within
 * `timeoutMs` (--timeout), including a body that trickles; the dispatcher's own limits (size cap, headers and body
 * timeouts) end it with an error too. Never rejects: a failure is in the outcome.
 */
function exchangeOnce(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let controller: Dispatcher.DispatchController | undefined;
    let timedOut: Error | undefined;
    let status: number | undefined;
    let headers: Record<string, string | string[] | undefined> | undefined;
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const timer = setTimeout(() => {
      // The same error AbortSignal.timeout() gives; transport-error.ts names it TIMEOUT.
      timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      controller?.abort(timedOut);
      settle({ ok: false, error: timedOut, ...(status !== undefined ? { status, headers } : {}) });
    }, timeoutMs);
    timer.unref();
    try {
      dispatcher.dispatch(opts, {
        onRequestStart(c) {
          controller = c;
          if (timedOut) c.abort(timedOut);
        },
        onResponseStart(_c, statusCode, h) {
          // 1xx (102 Processing, 103 Early Hints) come before the answer: not the answer's status.
          if (statusCode < 200) return;
          status = statusCode;
          headers = h as Record<string, string | string[] | undefined>;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (status === undefined) settle({ ok: false, error: new Error('the response ended before its status line') });
          else settle({ ok: true, status, headers: headers ?? {}, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        },
        onResponseError(_c, error) {
          settle({ ok: false, error, ...(status !== undefined ? { status, headers } : {}) });
        },
      });
    } catch (error) {
      settle({ ok: false, error });
    }
  });
}

function encodeEntra(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/%22/g, '"');
}
