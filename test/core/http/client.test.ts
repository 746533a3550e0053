import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatQuery, ScimClient } from '../../../src/core/http/client.js';
import { resolveTarget } from '../../../src/core/target/resolve.js';

let base = '';
const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ url: req.url!, headers: req.headers, body });
    if (req.url!.startsWith('/scim/Redirect')) {
      res.writeHead(307, { location: 'http://127.0.0.2:1/elsewhere' });
      return res.end();
    }
    if (req.url!.startsWith('/scim/Hints')) {
      // 103 Early Hints first, then the answer; or, for /HintsThenDrop, no answer at all
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      if (req.url!.startsWith('/scim/HintsThenDrop')) return void setTimeout(() => req.socket.destroy(), 20);
      res.writeHead(201, { 'content-type': 'application/scim+json' });
      return res.end('{"id":"after-hints"}');
    }
    if (req.url!.startsWith('/scim/Html')) {
      res.writeHead(500, { 'content-type': 'text/html' });
      return res.end('<html>oops</html>');
    }
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.end(JSON.stringify({ ok: true, echo: req.headers.authorization }));
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function client(extra: Record<string, string> = {}) {
  return new ScimClient(resolveTarget({ flags: { 'base-url': `${base}/?aadOptscim062020`, token: 'tok-abcdef', ...extra }, env: {}, cwd: '/' }));
}

describe('ScimClient', () => {
  it('builds URLs below the base, base query first, Entra-style encoding', () => {
    const c = client();
    expect(c.url('/Users', [['filter', 'userName eq "a b&c"']])).toBe(`${base}/Users?aadOptscim062020&filter=userName+eq+"a+b%26c"`);
    expect(c.url('Groups')).toBe(`${base}/Groups?aadOptscim062020`);
    expect(formatQuery({ startIndex: '1', count: '0' })).toBe('startIndex=1&count=0');
  });

  it('sends JSON as application/scim+json with the bearer token, and records the exchange redacted', async () => {
    const c = client({ header: 'X-Trace: 42' } as never);
    const res = await c.send({ method: 'POST', path: '/Users', body: { userName: 'a' } });
    await c.close();
    const last = seen.at(-1)!;
    expect(last.headers['content-type']).toBe('application/scim+json');
    expect(last.headers.authorization).toBe('Bearer tok-abcdef');
    expect(last.headers['x-trace']).toBe('42');
    expect(last.body).toBe('{"userName":"a"}');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, echo: 'Bearer [REDACTED]' });
    expect(res.exchange.request.headers.authorization).toBe('Bearer [REDACTED]');
    expect(res.exchange.response!.body).toBe('{"ok":true,"echo":"Bearer [REDACTED]"}');
    expect(res.exchange.seq).toBe(1);
  });

  it('does not follow redirects', async () => {
    const c = client();
    const res = await c.send({ method: 'GET', path: '/Redirect' });
    await c.close();
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('http://127.0.0.2:1/elsewhere');
  });

  it('keeps a non-JSON body as text and says why it is not JSON', async () => {
    const c = client();
    const res = await c.send({ method: 'GET', path: '/Html' });
    await c.close();
    expect(res.status).toBe(500);
    expect(res.json).toBeUndefined();
    expect(res.jsonError).toBe('the body is not JSON (it begins with "<")');
    expect(res.exchange.response!.body).toBe('<html>oops</html>');
  });

  it('sends a raw string body as is', async () => {
    const c = client();
    await c.send({ method: 'POST', path: '/Users', body: '{"userName": ' });
    await c.close();
    expect(seen.at(-1)!.body).toBe('{"userName": ');
  });

  it('takes a 1xx (103 Early Hints) for what it is: not the answer, whose status and body follow', async () => {
    const c = client();
    const res = await c.send({ method: 'GET', path: '/Hints' });
    expect([res.status, res.json, res.error]).toEqual([201, { id: 'after-hints' }, undefined]);
    // hints and then a dropped connection: no status at all, a reset (which a read may retry), not "103"
    const dropped = await c.sendOnce({ method: 'GET', path: '/HintsThenDrop' });
    await c.close();
    expect(dropped.status).toBeUndefined();
    expect(dropped.error?.code).toBe('RESET');
    expect(dropped.exchange.response).toBeUndefined();
  });
});
