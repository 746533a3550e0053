import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { Target } from '../target/resolve.js';

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
  return new EnvHttpProxyAgent({
    connections,
    keepAliveTimeout: 4_000,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
    maxResponseSize: target.maxResponseBytes,
    connect: tls,
    requestTls: tls,
  });
}
