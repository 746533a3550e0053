/**
 * A hostile SCIM endpoint for the robustness tests. Normally it is a small, honest SCIM server (in-memory /Users and
 * /Groups: query, create, read, PATCH in both Entra dialects, PUT, DELETE, with the refusals the suites expect), so
 * that a whole `run` passes against it. Each test then switches it into one misbehaviour for the requests a rule
 * matches: a body that is not JSON, an HTML error page, the wrong Content-Type, a truncated body, a body over the
 * size cap, headers that never come, a body that trickles, a connection closed or reset before or after the
 * headers, a redirect to another origin or to the same one. Over TLS it presents a self-signed certificate.
 *
 * By default the server performs the request first and only then misbehaves on the answer (a create is stored even
 * though its response is lost), the way a real endpoint behind a broken proxy does; `commit: false` refuses instead.
 *
 * Every socket and timer is tracked; close() ends them all. Loops and timers are bounded.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type Misbehaviour =
  /** 200-class status kept, Content-Type application/scim+json, a body that is not JSON. */
  | 'not-json'
  /** 500 with an HTML error page (text/html). */
  | 'html-500'
  /** 200 with an HTML page (text/html), e.g. a login page or a load balancer's holding page. */
  | 'html-200'
  /** The right answer, as valid JSON, but with Content-Type text/plain. */
  | 'text-plain-json'
  /** Content-Length larger than the body sent; then the socket is closed. */
  | 'truncated'
  /** The right answer padded to OVERSIZED_BYTES, with a Content-Length. */
  | 'oversized'
  /** The right answer padded to OVERSIZED_BYTES, chunked (no Content-Length: the cap must apply while reading). */
  | 'oversized-chunked'
  /** Never sends the headers; the socket stays open until the client gives up (or close()). */
  | 'slow-headers'
  /** Sends the headers, then the body one byte every TRICKLE_MS (at most TRICKLE_MAX_BYTES bytes). */
  | 'slow-body'
  /** socket.destroy() before any byte of the response (FIN). */
  | 'close-before-headers'
  /** socket.resetAndDestroy() before any byte of the response (TCP RST). */
  | 'reset-before-headers'
  /** The headers and part of the body, then socket.destroy() (FIN). */
  | 'close-after-headers'
  /** The headers and part of the body, then socket.resetAndDestroy() (TCP RST). */
  | 'reset-after-headers'
  /** 302 to the same path and query on another origin (`otherOrigin`). */
  | 'redirect-cross-origin'
  /** 302 to another path on this origin. */
  | 'redirect-same-origin';

export const OVERSIZED_BYTES = 64 * 1024;
export const TRICKLE_MS = 200;
export const TRICKLE_MAX_BYTES = 60;
export const NOT_JSON_BODY = 'upstream says: OK <not json>';
export const HTML_PAGE = '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Internal Server Error</h1><p>Something went wrong.</p></body></html>';

export interface RequestInfo {
  method: string;
  /** Path below the SCIM root, e.g. `/Users` or `/Users/4f1c...`. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Whether the request carried the accepted bearer token. */
  authorized: boolean;
}

export interface Rule {
  mode: Misbehaviour;
  /** Which requests misbehave (default: every request). */
  match?: (r: RequestInfo) => boolean;
  /** Perform the request before misbehaving on the answer (default true). */
  commit?: boolean;
  /** Misbehave at most this many times (default: always). */
  times?: number;
  /** Where 'redirect-cross-origin' points for this rule (default: the server's `otherOrigin`). */
  otherOrigin?: string;
  /** Reflect the Authorization header it received into the hostile body, page or Location (a leak trap). */
  echo?: boolean;
}

export interface SeenRequest extends RequestInfo {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The misbehaviour it received, if any. */
  misbehaviour?: Misbehaviour;
  /** The Location of a redirect it received. */
  location?: string;
  /** The id of the object it created (whatever the client got to see of the answer). */
  created?: string;
}

export interface OtherOrigin {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export interface HostileServer {
  /** The SCIM base URL, e.g. http://127.0.0.1:4321/scim/v2. */
  url: string;
  origin: string;
  port: number;
  seen: SeenRequest[];
  /** Switches into one misbehaviour (replacing the previous one); undefined: behave. */
  misbehave(rule: Rule | undefined): void;
  /** The stored ids, for comparing state before and after a run. */
  snapshot(): { users: string[]; groups: string[] };
  /** The stored objects themselves. */
  objects(): { users: Record<string, unknown>[]; groups: Record<string, unknown>[] };
  /** Sockets open right now (for checking that the client let go). */
  openSockets(): number;
  close(): Promise<void>;
}

export interface HostileOptions {
  token: string;
  /** HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Where 'redirect-cross-origin' points (e.g. another HostileServer's or OtherOrigin's origin). */
  otherOrigin?: string;
  /** Objects present from the start (never touched by the tests). */
  seedUsers?: Record<string, unknown>[];
}

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ROOT = '/scim/v2';

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export async function startHostile(opts: HostileOptions): Promise<HostileServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const users = new Map<string, Json>();
  const groups = new Map<string, Json>();
  for (const u of opts.seedUsers ?? []) users.set(String(u.id), structuredClone(u));
  let rule: (Rule & { used: number }) | undefined;
  let origin = '';

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1024 * 1024) chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      const path = u.pathname.startsWith(ROOT) ? u.pathname.slice(ROOT.length) : u.pathname;
      const info: RequestInfo = {
        method: req.method!,
        path,
        query: req.url!.includes('?') ? req.url!.slice(req.url!.indexOf('?') + 1) : '',
        authorized: req.headers.authorization === `Bearer ${opts.token}`,
      };
      const entry: SeenRequest = { ...info, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      const active = rule && (rule.times === undefined || rule.used < rule.times) && (rule.match?.(info) ?? true) ? rule : undefined;
      if (active) {
        active.used++;
        entry.misbehaviour = active.mode;
      }
      // Misbehaviours that need no answer: the request is (optionally) performed, the client gets nothing useful.
      const answer = !active || active.commit !== false ? scim(info, entry.body) : { status: 503, headers: {}, body: scimError(503, 'not performed') };
      if (info.method === 'POST' && answer.status === 201) entry.created = String((answer.body as Json).id);
      if (!active) return send(res, answer);
      misbehaveOn(active, req, res, answer, entry);
    });
  };

  function misbehaveOn(active: Rule, req: IncomingMessage, res: ServerResponse, answer: Answer, info: SeenRequest) {
    const { mode } = active;
    const echo = active.echo ? (req.headers.authorization ?? '') : undefined;
    const socket = req.socket;
    const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const page = echo === undefined ? HTML_PAGE : HTML_PAGE.replace('</body>', `<p>${echo}</p></body>`);
    switch (mode) {
      case 'not-json':
        return raw(res, answer.status, { ...answer.headers, 'content-type': 'application/scim+json' }, echo === undefined ? NOT_JSON_BODY : `${echo} ${NOT_JSON_BODY}`);
      case 'html-500':
        return raw(res, 500, { 'content-type': 'text/html; charset=utf-8' }, page);
      case 'html-200':
        return raw(res, 200, { 'content-type': 'text/html; charset=utf-8' }, page);
      case 'text-plain-json':
        return raw(res, answer.status, { ...answer.headers, 'content-type': 'text/plain' }, json);
      case 'truncated': {
        const full = Buffer.from(json || '{"schemas":[]}');
        const part = full.subarray(0, Math.max(1, Math.floor(full.length / 2)));
        res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/scim+json', 'content-length': String(full.length + 100) });
        res.write(part, () => later(20, () => socket.destroy()));
        return;
      }
      case 'oversized':
      case 'oversized-chunked': {
        const padded = answer.body && typeof answer.body === 'object' ? { ...(answer.body as Json), padding: 'x'.repeat(OVERSIZED_BYTES) } : { padding: 'x'.repeat(OVERSIZED_BYTES) };
        const text = JSON.stringify(padded);
        const headers: Record<string, string> = { ...answer.headers, 'content-type': 'application/scim+json' };
        if (mode === 'oversized') {
          headers['content-length'] = String(Buffer.byteLength(text));
          res.writeHead(answer.status, headers);
          res.end(text);
        } else {
          res.writeHead(answer.status, headers); // no Content-Length: node sends it chunked
          let i = 0;
          const step = 4096;
          const pump = () => {
            // Bounded: OVERSIZED_BYTES / step chunks, stops once the client hangs up.
            if (socket.destroyed || res.destroyed) return;
            if (i >= text.length) return void res.end();
            res.write(text.slice(i, i + step));
            i += step;
            later(2, pump);
          };
          pump();
        }
        return;
      }
      case 'slow-headers':
        return; // the socket is tracked; the client's timeout (or close()) ends it
      case 'slow-body': {
        const text = json || '{}';
        res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/scim+json', 'content-length': String(Buffer.byteLength(text)) });
        res.flushHeaders();
        let sent = 0;
        const drip = () => {
          if (socket.destroyed || res.destroyed) return;
          if (sent >= text.length) return void res.end();
          if (sent >= TRICKLE_MAX_BYTES) return void socket.destroy();
          res.write(text[sent]!);
          sent++;
          later(TRICKLE_MS, drip);
        };
        later(TRICKLE_MS, drip);
        return;
      }
      case 'close-before-headers':
        return void socket.destroy();
      case 'reset-before-headers':
        return void socket.resetAndDestroy();
      case 'close-after-headers':
      case 'reset-after-headers': {
        const full = Buffer.from(json || '{"schemas":[]}');
        res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/scim+json', 'content-length': String(full.length) });
        res.write(full.subarray(0, Math.max(1, Math.floor(full.length / 2))), () =>
          later(20, () => (mode === 'close-after-headers' ? socket.destroy() : socket.resetAndDestroy())),
        );
        return;
      }
      case 'redirect-cross-origin': {
        const query = [info.query, ...(echo === undefined ? [] : [`access_token=${echo.replace(/^Bearer /, '')}`])].filter(Boolean).join('&');
        const target = `${active.otherOrigin ?? opts.otherOrigin ?? 'http://127.0.0.2:9'}${ROOT}${info.path}${query ? `?${query}` : ''}`;
        info.location = target;
        return raw(res, 302, { location: target, 'content-type': 'text/html' }, `<a href="${target}">Found</a>`);
      }
      case 'redirect-same-origin': {
        const target = `${origin}/moved${ROOT}${info.path}${info.query ? `?${info.query}` : ''}`;
        info.location = target;
        return raw(res, 302, { location: target, 'content-type': 'text/html' }, `<a href="${target}">Found</a>`);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The honest part
  // ---------------------------------------------------------------------------------------------------------------

  function scim(r: RequestInfo, bodyText: string): Answer {
    if (!r.authorized) return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: scimError(401, 'Authorization failure.') };
    const m = /^\/(Users|Groups)(?:\/([^/]+))?$/.exec(r.path);
    if (!m) return { status: 404, headers: {}, body: scimError(404, `no resource at ${r.path}`) };
    const isUsers = m[1] === 'Users';
    const store = isUsers ? users : groups;
    const id = m[2] ? decodeURIComponent(m[2]) : undefined;
    const key = isUsers ? 'userName' : 'displayName';
    const taken = (value: unknown, except?: string) =>
      [...store.values()].some((o) => o.id !== except && String(o[key] ?? '').toLowerCase() === String(value).toLowerCase());

    if (r.method === 'GET' && !id) {
      const q = new URLSearchParams(r.query.replace(/\+/g, '%20'));
      const filter = q.get('filter');
      let found = [...store.values()];
      if (filter !== null) {
        const f = /^\s*([\w.:]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
        if (!f) return { status: 400, headers: {}, body: scimError(400, `cannot parse the filter ${filter}`, 'invalidFilter') };
        const [, attr, value] = f;
        const caseExact = attr !== 'userName' && attr !== 'displayName';
        found = found.filter((o) => {
          const v = o[attr!];
          return typeof v === 'string' && (caseExact ? v === value : v.toLowerCase() === value!.toLowerCase());
        });
      }
      if (q.get('excludedAttributes') === 'members') found = found.map(({ members: _m, ...rest }) => rest);
      return { status: 200, headers: {}, body: { schemas: [LIST], totalResults: found.length, Resources: found, startIndex: 1, itemsPerPage: found.length } };
    }
    if (r.method === 'POST' && !id) {
      const body = parse(bodyText);
      if (!body) return { status: 400, headers: {}, body: scimError(400, 'the body is not a JSON object', 'invalidSyntax') };
      if (typeof body[key] !== 'string' || body[key] === '') return { status: 400, headers: {}, body: scimError(400, `${key} is required`, 'invalidValue') };
      if (taken(body[key])) return { status: 409, headers: {}, body: scimError(409, `${key} ${String(body[key])} is already in use`, 'uniqueness') };
      const newId = randomUUID();
      const stored = withMeta(stripNulls(body), newId, isUsers);
      if (isUsers && stored.active === undefined) stored.active = true;
      store.set(newId, stored);
      return { status: 201, headers: { location: (stored.meta as Json).location as string }, body: stored };
    }
    if (!id) return { status: 405, headers: {}, body: scimError(405, `${r.method} is not allowed here`) };
    const current = store.get(id);
    if (!current) return { status: 404, headers: {}, body: scimError(404, `no ${isUsers ? 'user' : 'group'} ${id}`) };
    switch (r.method) {
      case 'GET':
        return { status: 200, headers: {}, body: current };
      case 'DELETE':
        store.delete(id);
        return { status: 204, headers: {} };
      case 'PUT': {
        const body = parse(bodyText);
        if (!body) return { status: 400, headers: {}, body: scimError(400, 'the body is not a JSON object', 'invalidSyntax') };
        if (typeof body[key] !== 'string') return { status: 400, headers: {}, body: scimError(400, `${key} is required`, 'invalidValue') };
        if (taken(body[key], id)) return { status: 409, headers: {}, body: scimError(409, `${key} is already in use`, 'uniqueness') };
        const next = withMeta(stripNulls(body), id, isUsers);
        store.set(id, next);
        return { status: 200, headers: {}, body: next };
      }
      case 'PATCH': {
        const body = parse(bodyText);
        const ops = body?.Operations;
        if (!Array.isArray(ops)) return { status: 400, headers: {}, body: scimError(400, 'Operations is required', 'invalidSyntax') };
        const next = structuredClone(current);
        for (const op of ops.slice(0, 100) as Json[]) {
          const kind = String(op.op ?? '').toLowerCase();
          if (!['add', 'replace', 'remove'].includes(kind)) return { status: 400, headers: {}, body: scimError(400, `unknown op ${String(op.op)}`, 'invalidSyntax') };
          if (typeof op.path === 'string') applyPath(next, op.path, kind, op.value);
          else if (op.value && typeof op.value === 'object' && !Array.isArray(op.value)) {
            for (const [k, v] of Object.entries(op.value as Json)) applyPath(next, k, kind, v);
          } else return { status: 400, headers: {}, body: scimError(400, 'a path-less operation needs an object value', 'invalidValue') };
        }
        if (typeof next[key] !== 'string' || taken(next[key], id)) return { status: 409, headers: {}, body: scimError(409, `${key} is already in use`, 'uniqueness') };
        const stored = withMeta(next, id, isUsers);
        store.set(id, stored);
        return { status: 200, headers: {}, body: stored };
      }
      default:
        return { status: 405, headers: {}, body: scimError(405, `${r.method} is not allowed here`) };
    }
  }

  function withMeta(o: Json, id: string, isUsers: boolean): Json {
    const now = new Date().toISOString();
    const created = ((o.meta as Json | undefined)?.created as string | undefined) ?? now;
    const schemas = Array.isArray(o.schemas) && o.schemas.length ? o.schemas : [isUsers ? USER : GROUP];
    return {
      ...o,
      schemas,
      id,
      meta: { resourceType: isUsers ? 'User' : 'Group', created, lastModified: now, location: `${origin}${ROOT}/${isUsers ? 'Users' : 'Groups'}/${id}` },
    };
  }

  function send(res: ServerResponse, a: Answer) {
    if (a.body === undefined) {
      res.writeHead(a.status, a.headers);
      return void res.end();
    }
    raw(res, a.status, { 'content-type': 'application/scim+json', ...a.headers }, JSON.stringify(a.body));
  }

  function raw(res: ServerResponse, status: number, headers: Record<string, string>, text: string) {
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  const server: Server = opts.tls ? createHttps({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttp(handler);
  server.keepAliveTimeout = 2_000;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  server.on('connection', track);
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_err, s: Socket) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url: `${origin}${ROOT}`,
    origin,
    port,
    seen,
    misbehave: (r) => {
      rule = r ? { ...r, used: 0 } : undefined;
    },
    snapshot: () => ({ users: [...users.keys()].sort(), groups: [...groups.keys()].sort() }),
    objects: () => ({ users: [...users.values()].map((u) => structuredClone(u)), groups: [...groups.values()].map((g) => structuredClone(g)) }),
    openSockets: () => sockets.size,
    close: () => closeServer(server, sockets, timers),
  };
}

/**
 * The other origin of a cross-origin redirect: on 127.0.0.2 (the same port as `port` when it is free), it answers
 * everything with an honest empty ListResponse, so that a client that followed the redirect would pass, and records
 * what it receives.
 */
export async function startOtherOrigin(port: number): Promise<OtherOrigin> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createHttp((req, res) => {
    const u = new URL(req.url!, 'http://x');
    seen.push({ method: req.method!, path: u.pathname, query: u.search.slice(1), authorized: false, url: req.url!, headers: req.headers, body: '' });
    const body = JSON.stringify({ schemas: [LIST], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 });
    res.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.2', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch {
    await listen(0);
  }
  return {
    url: `http://127.0.0.2:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => closeServer(server, sockets, new Set()),
  };
}

function closeServer(server: Server, sockets: Set<Socket>, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  for (const s of sockets) s.destroy();
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function scimError(status: number, detail: string, scimType?: string): Json {
  return { schemas: [ERROR], status: String(status), detail, ...(scimType ? { scimType } : {}) };
}

function parse(text: string): Json | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function stripNulls(o: Json): Json {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.filter((x) => x !== null).map(walk);
    if (v && typeof v === 'object') {
      const out: Json = {};
      for (const [k, x] of Object.entries(v as Json)) if (x !== null) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(o) as Json;
}

/**
 * PATCH paths as Entra writes them: `active` (with "True"/"False" strings), `name.givenName`,
 * `emails[type eq "work"].value`, `urn:...:enterprise:2.0:User:department`, `members` (add/remove of values).
 */
function applyPath(o: Json, path: string, op: string, value: unknown): void {
  const v = path.toLowerCase() === 'active' && typeof value === 'string' ? value.toLowerCase() === 'true' : value;
  const urn = /^(urn:[^[\]]+):([\w.]+)$/.exec(path);
  if (urn && urn[1]!.toLowerCase() !== 'urn:ietf:params:scim:schemas:core:2.0:user') {
    const ext = ((o[urn[1]!] as Json | undefined) ?? {}) as Json;
    if (op === 'remove' || v === null) delete ext[urn[2]!];
    else ext[urn[2]!] = v;
    o[urn[1]!] = ext;
    return;
  }
  const bare = urn ? urn[2]! : path;
  const filtered = /^(\w+)\[(\w+) eq "([^"]*)"\](?:\.(\w+))?$/.exec(bare);
  if (filtered) {
    const [, attr, subAttr, subValue, leaf] = filtered;
    const list = (Array.isArray(o[attr!]) ? o[attr!] : []) as Json[];
    const hit = list.find((x) => String(x[subAttr!]) === subValue);
    if (op === 'remove') o[attr!] = list.filter((x) => x !== hit);
    else if (hit && leaf) hit[leaf] = v;
    else if (leaf) list.push({ [subAttr!]: subValue, [leaf]: v });
    o[attr!] = op === 'remove' ? o[attr!] : list;
    return;
  }
  if (bare === 'members' && Array.isArray(v)) {
    const current = (Array.isArray(o.members) ? o.members : []) as Json[];
    const values = new Set((v as Json[]).map((m) => String(m.value)));
    if (op === 'remove') o.members = current.filter((m) => !values.has(String(m.value)));
    else if (op === 'add') o.members = [...current.filter((m) => !values.has(String(m.value))), ...(v as Json[])];
    else o.members = v;
    return;
  }
  const parts = bare.split('.');
  let target = o;
  for (const p of parts.slice(0, -1)) {
    if (!target[p] || typeof target[p] !== 'object') target[p] = {};
    target = target[p] as Json;
  }
  const last = parts[parts.length - 1]!;
  if (op === 'remove' || v === null) delete target[last];
  else target[last] = v;
}
