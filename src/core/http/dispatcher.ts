import { createRequire } from 'node:module';
import type { Agent, Dispatcher, EnvHttpProxyAgent } from 'undici';
import type { Target } from '../target/resolve.js';

const require = createRequire(import.meta.url);

/** The variables undici's EnvHttpProxyAgent reads a proxy from (NO_PROXY only matters with one of them). */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'];

/**
 * undici's dispatcher class, with the request API, without loading the rest of undici (fetch, WebSocket, mocks,
 * caches: about 55 ms less start-up): EnvHttpProxyAgent when the environment names a proxy, else the plain Agent it
 * would send everything through anyway (without parsing each request's origin against NO_PROXY). undici's own entry
 * point adds the request API to Dispatcher.prototype the same way, and the same module instances are shared with it.
 * If undici's file layout ever changes, the entry point is used.
 */
export function agentClass(proxied: boolean): typeof Agent | typeof EnvHttpProxyAgent {
  try {
    const Base = require('undici/lib/dispatcher/dispatcher') as { prototype: Record<string, unknown> };
    if (typeof Base.prototype.request !== 'function') Object.assign(Base.prototype, require('undici/lib/api') as object);
    const Class = require(proxied ? 'undici/lib/dispatcher/env-http-proxy-agent' : 'undici/lib/dispatcher/agent') as typeof Agent;
    if (typeof Class === 'function' && typeof (Class.prototype as unknown as Record<string, unknown>).request === 'function') return Class;
  } catch {
    // a different layout: below
  }
  const undici = require('undici') as typeof import('undici');
  return proxied ? undici.EnvHttpProxyAgent : undici.Agent;
}

/**
 * The one dispatcher of a run: keep-alive pool, timeouts, response-size cap, TLS (CA, client certificate,
 * verification) for direct and proxied connections, and HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the environment
 * (undici's EnvHttpProxyAgent reads them; lower-case names win).
 */
export function createDispatcher(target: Pick<Target, 'tls' | 'timeoutMs' | 'maxResponseBytes'>, connections = 64, env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const tls = {
    ...(target.tls.ca ? { ca: target.tls.ca } : {}),
    ...(target.tls.cert ? { cert: target.tls.cert } : {}),
    ...(target.tls.key ? { key: target.tls.key } : {}),
    rejectUnauthorized: target.tls.rejectUnauthorized,
    timeout: target.timeoutMs,
  };
  const proxied = PROXY_VARIABLES.some((k) => env[k]);
  const Class = agentClass(proxied);
  const options = {
    connections,
    keepAliveTimeout: 4_000,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
    maxResponseSize: target.maxResponseBytes,
    connect: tls,
  };
  if (!proxied) return new Class(options);
  // The proxies as EnvHttpProxyAgent would read them (lower case first), from `env`; requestTls: the TLS of the
  // tunnelled connection.
  const pick = (lower: string, upper: string) => env[lower] ?? env[upper] ?? '';
  return new Class({ ...options, requestTls: tls, httpProxy: pick('http_proxy', 'HTTP_PROXY'), httpsProxy: pick('https_proxy', 'HTTPS_PROXY'), noProxy: withLoopback(pick('no_proxy', 'NO_PROXY')) });
}

/**
 * NO_PROXY with the loopback names added: a target on this machine is never sent through a proxy (its requests, the
 * bearer token included, would otherwise cross to the proxy, for plain http:// in clear text).
 */
export function withLoopback(noProxy: string): string {
  if (noProxy.trim() === '*') return noProxy;
  return [noProxy, 'localhost', '127.0.0.1', '[::1]'].filter((x) => x.trim()).join(',');
}
