import type { TransportFailure } from './exchange.js';

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed; trust it with --ca FILE',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed CA that is not trusted; pass it with --ca FILE',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate was not issued by a trusted CA (or the server omits its intermediate certificates); --ca FILE',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuing CA is not trusted here (or the server omits its intermediate certificates); --ca FILE',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS (is it plain http?)',
};

/** Maps whatever undici or Node threw into one line and a stable code. `what` names the peer, e.g. "127.0.0.1:8080". */
export function describeTransportError(err: unknown, what: string, timeoutMs: number): TransportFailure {
  const chain: (Error & { code?: string })[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && chain.length < 5) {
    chain.push(e as Error & { code?: string });
    e = (e as { cause?: unknown }).cause;
  }
  // DOMException (AbortSignal.timeout) carries a numeric legacy code: name it instead.
  const codes = chain.map((x) => (x.name === 'TimeoutError' ? 'TIMEOUT' : typeof x.code === 'string' ? x.code : undefined)).filter(Boolean) as string[];
  const has = (...c: string[]) => codes.some((x) => c.includes(x));
  const tlsCode = codes.find((c) => c in TLS_CODES || c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS') || c.includes('CERT'));

  if (has('ECONNREFUSED')) return { code: 'REFUSED', message: `connection refused by ${what}`, unreachable: true };
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) return { code: 'DNS', message: `cannot resolve the host of ${what}`, unreachable: true };
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) return { code: 'TIMEOUT', message: `connecting to ${what} timed out after ${timeoutMs} ms`, unreachable: true };
  if (has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'TIMEOUT', 'UND_ERR_ABORTED') && chain.some((x) => x.name === 'TimeoutError' || /timeout/i.test(x.code ?? '') || /timeout/i.test(x.message))) {
    return { code: 'TIMEOUT', message: `${what} did not answer within ${timeoutMs} ms`, unreachable: true };
  }
  if (tlsCode) {
    const reason = TLS_CODES[tlsCode] ?? (chain.find((x) => x.code === tlsCode)?.message ?? tlsCode);
    return { code: 'TLS', message: `TLS with ${what} failed: ${reason} (${tlsCode})`, unreachable: true };
  }
  if (has('UND_ERR_RES_EXCEEDED_MAX_SIZE')) {
    return { code: 'TOO_LARGE', message: `the response from ${what} is larger than the cap (--max-response-size)`, unreachable: false };
  }
  const proxy = chain.find((x) => /proxy/i.test(x.message));
  if (proxy) return { code: 'PROXY', message: `the proxy refused the tunnel to ${what}: ${oneLine(proxy.message)}`, unreachable: true };
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED')) {
    return { code: 'RESET', message: `${what} closed the connection before the response was complete`, unreachable: false };
  }
  const first = chain[0];
  return { code: 'OTHER', message: `request to ${what} failed: ${oneLine(first?.message ?? String(err))}${codes[0] ? ` (${codes[0]})` : ''}`, unreachable: false };
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}
