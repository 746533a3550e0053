/**
 * The reference server's HTTP layer on node:http: authentication, conditions (latency, 500s, 429s), routing,
 * ETags and SCIM error bodies. Resource logic lives in store/resources/list/patch.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SchemaRegistry } from '../core/scim/registry.js';
import { serviceProviderConfig, schemaResources, resourceTypeResources, listOf } from './discovery.js';
import { badRequest, ScimHttpError } from './errors.js';
import type { Faults } from './faults.js';
import { listResources, type ListQuery } from './list.js';
import type { JsonObject } from './model.js';
import { applyPatch } from './patch.js';
import { parseProjection, project } from './project.js';
import { checkRequired, normalizeInput, render } from './resources.js';
import type { Store, Stored, TypeName } from './store.js';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SEARCH_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const MEDIA_TYPE = 'application/scim+json; charset=utf-8';
const MAX_BODY = 1024 * 1024;

export interface HttpContext {
  store: Store;
  registry: SchemaRegistry;
  faults: Faults;
  token: string;
  basePath: string;
  /** Absolute base URL, e.g. http://127.0.0.1:4000/scim/v2. */
  baseUrl: () => string;
  latencyMs: number;
  /** Decides, per request, whether to fail it with a 500 (seeded). */
  injectError: () => boolean;
  /** Returns seconds to wait when the request rate is exceeded, else 0. */
  rateLimited: () => number;
  /** Tombstones kept by the `deleted-still-readable` fault. */
  deleted: Map<string, Stored>;
}

export async function handle(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readBody(req);
    if (ctx.latencyMs > 0) await new Promise((r) => setTimeout(r, ctx.latencyMs));
    const retryAfter = ctx.rateLimited();
    if (retryAfter > 0) throw new ScimHttpError(429, 'too many requests', undefined, { 'retry-after': String(retryAfter) });
    if (!ctx.faults.has('auth-not-enforced') && req.headers.authorization !== `Bearer ${ctx.token}`) {
      // RFC 7235 §3.1: a 401 MUST carry a WWW-Authenticate challenge (RFC 6750 §3 for Bearer).
      const challenge: Record<string, string> = ctx.faults.has('www-authenticate-missing') ? {} : { 'www-authenticate': 'Bearer realm="scimcheck"' };
      throw new ScimHttpError(401, req.headers.authorization ? 'the bearer token is not valid' : 'authentication is required', undefined, challenge);
    }
    if (ctx.injectError()) throw new ScimHttpError(500, 'injected server error (--error-rate)');
    const result = route(ctx, req, body);
    send(res, result.status, result.body, result.headers);
  } catch (err) {
    if (err instanceof ScimHttpError) {
      sendError(ctx, res, err);
    } else {
      sendError(ctx, res, new ScimHttpError(500, `internal error: ${(err as Error).message}`));
    }
  }
}

interface Result {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function route(ctx: HttpContext, req: IncomingMessage, rawBody: string): Result {
  const url = new URL(req.url ?? '/', 'http://server');
  const method = req.method ?? 'GET';
  if (!url.pathname.startsWith(ctx.basePath)) throw new ScimHttpError(404, `nothing is served at ${url.pathname}; the SCIM root is ${ctx.basePath}`);
  let segs: string[];
  try {
    segs = url.pathname.slice(ctx.basePath.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new ScimHttpError(404, `malformed percent-encoding in ${url.pathname}`);
  }
  const [first, second, ...rest] = segs;
  if (rest.length > 0) throw new ScimHttpError(404, `unknown endpoint ${url.pathname}`);
  const base = ctx.baseUrl();
  const q = Object.fromEntries(url.searchParams.entries()) as ListQuery & Record<string, string>;
  const body = () => parseJson(ctx, rawBody);

  if (first === '.search' && !second) {
    allow(method, ['POST']);
    return { status: 200, body: search(ctx, ['User', 'Group'], body()) };
  }
  const discovery = ['serviceproviderconfig', 'schemas', 'resourcetypes'].includes(first?.toLowerCase() ?? '');
  if (discovery && url.searchParams.has('filter')) {
    // RFC 7644 §4: discovery endpoints ignore query parameters, and a filter SHOULD be answered with 403.
    throw new ScimHttpError(403, 'filtering is not supported on discovery endpoints');
  }
  switch (first?.toLowerCase()) {
    case 'serviceproviderconfig':
      allow(method, ['GET']);
      if (second) throw new ScimHttpError(404, 'unknown endpoint');
      return { status: 200, body: serviceProviderConfig(base, ctx.faults) };
    case 'schemas': {
      allow(method, ['GET']);
      const all = schemaResources(ctx.registry, base, ctx.faults);
      if (!second) return { status: 200, body: listOf(all) };
      const one = all.find((s) => String(s.id).toLowerCase() === second.toLowerCase());
      if (!one) throw new ScimHttpError(404, `no schema "${second}"`);
      return { status: 200, body: one };
    }
    case 'resourcetypes': {
      allow(method, ['GET']);
      const all = resourceTypeResources(ctx.registry, base, ctx.faults);
      if (!second) return { status: 200, body: listOf(all) };
      const one = all.find((s) => String(s.id).toLowerCase() === second.toLowerCase());
      if (!one) throw new ScimHttpError(404, `no resource type "${second}"`);
      return { status: 200, body: one };
    }
    case 'users':
    case 'groups': {
      const type: TypeName = first!.toLowerCase() === 'users' ? 'User' : 'Group';
      if (!second) {
        allow(method, ['GET', 'POST']);
        if (method === 'GET') return { status: 200, body: listResources(ctx, [type], q) };
        return create(ctx, type, body(), q);
      }
      if (second === '.search') {
        allow(method, ['POST']);
        return { status: 200, body: search(ctx, [type], body()) };
      }
      allow(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
      return onResource(ctx, type, second, method, req, q, body);
    }
    case 'bulk':
      throw new ScimHttpError(501, 'bulk operations are not supported (see /ServiceProviderConfig)');
    case 'me':
      throw new ScimHttpError(501, '/Me is not supported');
    default:
      throw new ScimHttpError(404, `unknown endpoint ${url.pathname}`);
  }
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) throw new ScimHttpError(405, `${method} is not allowed here`, undefined, { allow: methods.join(', ') });
}

function search(ctx: HttpContext, types: TypeName[], body: unknown): JsonObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalidSyntax', 'the body must be a SearchRequest object');
  const b = body as JsonObject;
  if (!Array.isArray(b.schemas) || !b.schemas.includes(SEARCH_REQUEST_URN)) throw badRequest('invalidSyntax', `"schemas" must include "${SEARCH_REQUEST_URN}"`);
  return listResources(ctx, types, b as ListQuery);
}

function create(ctx: HttpContext, type: TypeName, body: unknown, q: Record<string, string>): Result {
  const model = ctx.store.modelOf(type);
  const data = normalizeInput(body, model, ctx.faults, (id) => ctx.store.exists(id));
  const s = ctx.store.create(type, data);
  const out = project(render(s, ctx.store), model, parseProjection(model, q.attributes, q.excludedAttributes));
  const headers: Record<string, string> = { etag: ctx.store.etag(s) };
  // RFC 7644 §3.3: the URI of the created resource goes in the Location header and in meta.location.
  if (ctx.faults.has('location-not-meta-location')) headers.location = ctx.store.location(type, s.id).replace(ctx.baseUrl(), `http://scim.internal:8080${ctx.basePath}`);
  else if (!ctx.faults.has('create-no-location')) headers.location = ctx.store.location(type, s.id);
  return { status: ctx.faults.has('create-returns-200') ? 200 : 201, body: out, headers };
}

function onResource(ctx: HttpContext, type: TypeName, id: string, method: string, req: IncomingMessage, q: Record<string, string>, body: () => unknown): Result {
  const { store, faults } = ctx;
  const model = store.modelOf(type);
  let s = store.get(type, id);
  if (!s && method === 'GET' && faults.has('deleted-still-readable')) s = ctx.deleted.get(id);
  if (!s && (method === 'PATCH' || method === 'DELETE') && faults.has('write-unknown-id-500')) {
    throw new ScimHttpError(500, `internal error: cannot read properties of undefined (${type} ${id})`);
  }
  if (!s || (type === 'User' && faults.has('soft-delete-hides-user') && s.data.active === false)) {
    throw new ScimHttpError(404, `${type} ${id} not found`);
  }
  const etag = store.etag(s);
  const ifMatch = req.headers['if-match'];
  if (ifMatch && method !== 'GET' && !faults.has('etag-ignored') && !etagMatches(ifMatch, etag)) {
    throw new ScimHttpError(412, `the resource has changed: its version is ${etag}`);
  }
  const attributes = faults.has('attributes-ignored') ? undefined : q.attributes;
  const excluded = faults.has('excluded-attributes-ignored') ? undefined : q.excludedAttributes;
  const view = (r: Stored) => project(render(r, store), model, parseProjection(model, attributes, excluded));
  switch (method) {
    case 'GET': {
      const inm = req.headers['if-none-match'];
      if (inm && etagMatches(inm, etag)) return { status: 304, headers: { etag } };
      return { status: 200, body: view(s), headers: { etag } };
    }
    case 'PUT': {
      let data = normalizeInput(body(), model, faults, (m) => store.exists(m));
      if (faults.has('put-keeps-omitted')) data = { ...s.data, ...data };
      store.replace(s, data);
      return { status: 200, body: view(s), headers: { etag: store.etag(s) } };
    }
    case 'PATCH': {
      let next;
      try {
        next = applyPatch(s.data, body(), { model, resolve: ctx.registry.resolver(type), faults, memberExists: (m) => store.exists(m) });
      } catch (err) {
        if (err instanceof RangeError) throw badRequest('invalidPath', 'the PATCH path is too complex to evaluate');
        throw err;
      }
      checkRequired(next, model, faults);
      // RFC 7644 §3.5.2: a 200 carries the entire resource as it is after the change.
      const before = faults.has('patch-returns-old-resource') ? view(s) : undefined;
      store.replace(s, next);
      return { status: 200, body: before ?? view(s), headers: { etag: store.etag(s) } };
    }
    case 'DELETE': {
      store.delete(s);
      if (faults.has('deleted-still-readable')) ctx.deleted.set(s.id, s);
      if (faults.has('delete-returns-200')) return { status: 200, body: { deleted: s.id } };
      return { status: 204 };
    }
    default:
      throw new ScimHttpError(405, `${method} is not allowed here`);
  }
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => bare(t) === bare(etag));
}

function parseJson(ctx: HttpContext, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    if (ctx.faults.has('malformed-json-500')) throw new ScimHttpError(500, 'internal error');
    throw badRequest('invalidSyntax', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ScimHttpError(413, `the request body is larger than ${MAX_BODY} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': MEDIA_TYPE, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendError(ctx: HttpContext, res: ServerResponse, err: ScimHttpError): void {
  let body: unknown;
  if (ctx.faults.has('error-not-scim')) body = { error: err.message };
  else {
    body = {
      schemas: [ERROR_URN],
      status: ctx.faults.has('error-status-number') ? err.status : String(err.status),
      ...(err.scimType ? { scimType: err.scimType } : {}),
      detail: err.message,
    };
  }
  send(res, err.status, body, err.headers);
}
