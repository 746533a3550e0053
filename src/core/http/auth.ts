import type { Dispatcher } from 'undici';
import type { Auth } from '../target/resolve.js';
import type { Exchange, TransportFailure } from './exchange.js';
import type { Redactor } from './redact.js';
import { describeTransportError } from './transport-error.js';

export interface AuthDeps {
  dispatcher: Dispatcher;
  redactor: Redactor;
  timeoutMs: number;
  record: (e: Omit<Exchange, 'seq'>) => Exchange;
}

export class AuthError extends Error {
  readonly failure: TransportFailure;
  constructor(failure: TransportFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/**
 * Produces the Authorization header for each request. For OAuth 2.0 client credentials (RFC 6749 §4.4) the access
 * token is fetched once, shared by concurrent requests, and fetched again only when it is about to expire.
 */
export class AuthProvider {
  private cached: { header: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly auth: Auth,
    private readonly deps: AuthDeps,
  ) {}

  /** Throws AuthError when an OAuth token cannot be obtained. */
  async authorization(): Promise<string | undefined> {
    switch (this.auth.kind) {
      case 'none':
        return undefined;
      case 'bearer':
        return `Bearer ${this.auth.token}`;
      case 'basic':
        return `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`).toString('base64')}`;
      case 'oauth2': {
        if (this.cached && Date.now() < this.cached.expiresAt) return this.cached.header;
        this.pending ??= this.fetchToken(this.auth).finally(() => {
          this.pending = undefined;
        });
        return this.pending;
      }
    }
  }

  private async fetchToken(auth: Extract<Auth, { kind: 'oauth2' }>): Promise<string> {
    const { redactor, timeoutMs } = this.deps;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret });
    if (auth.scope) form.set('scope', auth.scope);
    const body = form.toString();
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const reqHeaders = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const recorded = {
      method: 'POST',
      url: redactor.url(auth.tokenUrl.toString()),
      headers: redactor.headers(reqHeaders),
      body: redactor.text(body),
    };
    let status: number;
    let text: string;
    let headers: Record<string, string | string[] | undefined>;
    try {
      const res = await this.deps.dispatcher.request({
        origin: auth.tokenUrl.origin,
        path: `${auth.tokenUrl.pathname}${auth.tokenUrl.search}`,
        method: 'POST',
        headers: reqHeaders,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (err) {
      const failure = describeTransportError(err, `the OAuth token endpoint ${auth.tokenUrl.host}`, timeoutMs);
      this.deps.record({ startedAt, durationMs: Date.now() - started, request: recorded, error: failure });
      throw new AuthError(failure);
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    // Some token endpoints answer as a form (`access_token=...&token_type=bearer`, GitHub's style) instead of JSON.
    if (!json && /(^|&)access_token=/.test(text.trim())) json = Object.fromEntries(new URLSearchParams(text.trim()));
    const token = typeof json?.access_token === 'string' ? json.access_token : undefined;
    if (token) redactor.add(token);
    const exchange = this.deps.record({
      startedAt,
      durationMs: Date.now() - started,
      request: recorded,
      response: { status, headers: redactor.headers(headers), body: redactor.bodyText(text), sizeBytes: Buffer.byteLength(text) },
    });
    if (status !== 200 || !token) {
      const oauthError = typeof json?.error === 'string' ? `: ${json.error}${typeof json.error_description === 'string' ? ` (${json.error_description.split('\n')[0]})` : ''}` : '';
      const why = status === 200 ? 'answered 200 without an access_token' : `answered ${status}${oauthError}`;
      throw new AuthError({
        code: 'AUTH',
        message: redactor.text(`the OAuth token endpoint ${why} (exchange #${exchange.seq}); check --client-id, --client-secret and --scope`),
        unreachable: false,
      });
    }
    const lifetimeS = typeof json?.expires_in === 'number' ? json.expires_in : Number(json?.expires_in) || 3600;
    // Renew a little before expiry: 30 s, or a tenth of a short lifetime.
    const margin = Math.min(30, lifetimeS / 10) * 1000;
    const type = typeof json?.token_type === 'string' && json.token_type.toLowerCase() !== 'bearer' ? json.token_type : 'Bearer';
    this.cached = { header: `${type} ${token}`, expiresAt: Date.now() + lifetimeS * 1000 - margin };
    return this.cached.header;
  }
}
