import { createRequire } from 'node:module';
import type { Dispatcher, EnvHttpProxyAgent } from 'undici';
import type { Target } from '../target/resolve.js';

const require = createRequire(import.meta.url);

/**
 * undici's EnvHttpProxyAgent with the request API, without loading the rest of undici (fetch, WebSocket, mocks,
 * caches): about 55 ms less start-up. undici's own entry point adds the request API to Dispatcher.prototype the same
 * way; the same module instances are shared with it. If undici's file layout ever changes, the entry point is used.
 */
export function proxyAgentClass(): typeof EnvHttpProxyAgent {
  try {
    const Base = require('undici/lib/dispatcher/dispatcher') as { prototype: Record<string, unknown> };
    if (typeof Base.prototype.request !== 'function') Object.assign(Base.prototype, require('undici/lib/api') as object);
    const Agent = require('undici/lib/dispatcher/env-http-proxy-agent') as typeof EnvHttpProxyAgent;
    if (typeof Agent === 'function' && typeof (Agent.prototype as unknown as Record<string, unknown>).request === 'function') return Agent;
  } catch {
    // a different layout: below
  }
  return (require('undici') as typeof import('undici')).EnvHttpProxyAgent;
}

/**
 * The one dispatcher of a run: keep-alive pool, timeouts, response-size cap, TLS (CA, client certificate,
 * verification) for direct and proxied connections, and HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the environment
 * (undici's EnvHttpProxyAgent reads them; lower-case names win).
 */
export function createDispatcher(target: Pick<Target, 'tls' | 'timeoutMs' | 'maxResponseBytes'>, connections = 64): Dispatcher {
  const tls = {
    ...(target.tls.ca ? { ca: target.tls.ca } : {}),
    ...(target.tls.cert ? { cert: target.tls.cert } : {}),
    ...(target.tls.key ? { key: target.tls.key } : {}),
    rejectUnauthorized: target.tls.rejectUnauthorized,
    timeout: target.timeoutMs,
  };
  const Agent = proxyAgentClass();
  return new Agent({
    connections,
    keepAliveTimeout: 4_000,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
    maxResponseSize: target.maxResponseBytes,
    connect: tls,
    requestTls: tls,
  });
}
