/**
 * A deliberately small SCIM responder for the test-connection tests: enough of /Users and /Groups to answer
 * Entra's probes, with switches that reproduce the ways real endpoints get them wrong. (The full reference server
 * lives in src/server; this one stays tiny so that each misbehaviour is obvious.)
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface MiniOptions {
  /** The accepted bearer token (undefined: any token, or none, is accepted). */
  token?: string;
  /** Accepts these extra Authorization header values too (e.g. an OAuth access token, or Basic ...). */
  acceptAuthorization?: string[];
  notFoundOnNoMatch?: boolean;
  ignoreFilter?: boolean;
  acceptAnyToken?: boolean;
  groupsMissing?: boolean;
  /** 401 bodies are plain text instead of a SCIM Error. */
  plainUnauthorized?: boolean;
  /** Echo the Authorization header back in bodies, headers and a Location URL. */
  echoSecrets?: boolean;
  redirectTo?: string;
  /** Respond with this many bytes of JSON padding. */
  hugeBody?: number;
  /** Delay before answering, in ms. */
  delayMs?: number;
  statusOverride?: number;
  /** HTTPS; with `ca` and `requireClientCert`, mutual TLS. */
  tls?: { key: string; cert: string; ca?: string; requireClientCert?: boolean };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface MiniServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const USERS = [{ id: 'u-1', userName: 'alice@example.com', externalId: 'alice' }];
const GROUPS = [{ id: 'g-1', displayName: 'Staff', members: [{ value: 'u-1' }] }];

export async function startMini(opts: MiniOptions = {}): Promise<MiniServer> {
  const seen: SeenRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const go = () => respond(req, res, opts);
      if (opts.delayMs) setTimeout(go, opts.delayMs);
      else go();
    });
  };
  const server = opts.tls
    ? createHttps(
        {
          key: opts.tls.key,
          cert: opts.tls.cert,
          ...(opts.tls.requireClientCert ? { ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/scim/v2`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/scim+json', ...headers });
  res.end(text);
}

function scimError(status: number, detail: string, scimType?: string) {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail, ...(scimType ? { scimType } : {}) };
}

function respond(req: IncomingMessage, res: ServerResponse, o: MiniOptions) {
  const url = new URL(req.url!, 'http://x');
  const auth = req.headers.authorization ?? '';
  if (o.redirectTo) return send(res, 302, '', { location: o.redirectTo });
  if (o.statusOverride) return send(res, o.statusOverride, scimError(o.statusOverride, 'forced'));
  const allowed = [...(o.token ? [`Bearer ${o.token}`] : []), ...(o.acceptAuthorization ?? [])];
  if (allowed.length > 0 && !o.acceptAnyToken && !allowed.includes(auth)) {
    const echo = o.echoSecrets ? ` you sent ${auth}` : '';
    if (o.plainUnauthorized) return send(res, 401, `Unauthorized${echo}`, { 'www-authenticate': 'Bearer' });
    return send(res, 401, scimError(401, `Authorization failure.${echo}`), { 'www-authenticate': 'Bearer' });
  }
  const echoHeaders: Record<string, string> = o.echoSecrets ? { 'x-echo-auth': auth, 'set-cookie': `session=${auth.replace(/\s/g, '')}` } : {};
  if (o.hugeBody) return send(res, 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [], pad: 'x'.repeat(o.hugeBody) });
  const path = url.pathname.replace(/^\/scim\/v2/, '');
  const isUsers = path === '/Users';
  const isGroups = path === '/Groups';
  if (!isUsers && !(isGroups && !o.groupsMissing)) return send(res, 404, '<html><body>Not Found</body></html>');
  const all: Record<string, unknown>[] = isUsers ? USERS : GROUPS;
  const filter = url.searchParams.get('filter');
  let matches = all;
  if (filter && !o.ignoreFilter) {
    const m = /^(\w+) eq "([^"]*)"$/.exec(filter);
    if (!m) return send(res, 400, scimError(400, 'bad filter', 'invalidFilter'));
    matches = all.filter((r) => String(r[m[1]!] ?? '').toLowerCase() === m[2]!.toLowerCase());
  }
  if (matches.length === 0 && o.notFoundOnNoMatch) return send(res, 404, scimError(404, 'No such resource'));
  if (url.searchParams.get('excludedAttributes') === 'members') matches = matches.map(({ members: _m, ...rest }) => rest);
  const body: Record<string, unknown> = {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: matches.length,
    Resources: matches,
    startIndex: 1,
    itemsPerPage: matches.length,
  };
  if (o.echoSecrets) {
    body.echo = auth;
    body.meta = { location: `http://127.0.0.1/scim/v2/Users?access_token=${auth.replace(/^Bearer /, '')}` };
  }
  send(res, 200, body, echoHeaders);
}
