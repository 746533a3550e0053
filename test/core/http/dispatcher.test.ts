/**
 * The dispatcher loads only the undici class it needs (start-up, issue 8): undici's own Agent, or its
 * EnvHttpProxyAgent when the environment names a proxy, with undici's request API.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, EnvHttpProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { agentClass, createDispatcher, withLoopback } from '../../../src/core/http/dispatcher.js';
import { startServer } from '../../../src/server/index.js';
import { startProxy } from '../../helpers/proxy.js';

const target = { tls: { rejectUnauthorized: true }, timeoutMs: 1000, maxResponseBytes: 1024 };

describe('createDispatcher', () => {
  it("uses undici's own classes (the same module instances as the package's entry point)", () => {
    expect(agentClass(false)).toBe(Agent);
    expect(agentClass(true)).toBe(EnvHttpProxyAgent);
  });

  it('is a plain Agent without proxy variables, an EnvHttpProxyAgent with one (either case), with the request API', async () => {
    for (const [env, Class] of [
      [{}, Agent],
      [{ HTTPS_PROXY: 'http://127.0.0.1:9' }, EnvHttpProxyAgent],
      [{ http_proxy: 'http://127.0.0.1:9' }, EnvHttpProxyAgent],
      [{ HTTP_PROXY: '' }, Agent],
    ] as const) {
      const d = createDispatcher(target, 4, env);
      expect(d.constructor).toBe(Class);
      expect(typeof d.request).toBe('function');
      await d.close();
    }
  });

  it("in a process of its own, loads the agent without undici's entry point (fetch, WebSocket, mocks stay unloaded)", () => {
    const dist = fileURLToPath(new URL('../../../dist/core/http/dispatcher.js', import.meta.url));
    const script = `
      const { createDispatcher } = await import(${JSON.stringify(dist)});
      const d = createDispatcher({ tls: { rejectUnauthorized: true }, timeoutMs: 1000, maxResponseBytes: 1024 }, 4, {});
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/undici/'));
      console.log(JSON.stringify({ request: typeof d.request, entry: loaded.some((k) => k.endsWith('/undici/index.js')), proxy: loaded.some((k) => k.endsWith('env-http-proxy-agent.js')), agent: loaded.some((k) => k.endsWith('dispatcher/agent.js')) }));
      await d.close();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ request: 'function', entry: false, proxy: false, agent: true });
  });

  it('takes the proxy from the environment it is given, not from process.env, and never proxies loopback', async () => {
    const server = await startServer({ seed: 0 });
    const { port, pathname } = new URL(server.url);
    // scim.test is a name only the proxy knows: a target that is not loopback.
    const proxy = await startProxy({ 'scim.test': '127.0.0.1' });
    const get = async (host: string, env: Record<string, string>) => {
      const d = createDispatcher(target, 4, env);
      const res = await d.request({ origin: `http://${host}:${port}`, path: `${pathname}/ServiceProviderConfig`, method: 'GET', headers: { authorization: `Bearer ${server.token}` } });
      await res.body.text();
      await d.close();
      return res.statusCode;
    };
    try {
      expect(await get('scim.test', { HTTP_PROXY: proxy.url })).toBe(200);
      expect(proxy.tunnels).toEqual([`scim.test:${port}`]);
      // A loopback target is never proxied: its bearer token would cross to the proxy (in clear text over http).
      const envs: Record<string, string>[] = [{ HTTP_PROXY: proxy.url }, { http_proxy: proxy.url, NO_PROXY: 'example.com' }, { HTTP_PROXY: proxy.url, NO_PROXY: '*' }];
      for (const env of envs) {
        expect(await get('127.0.0.1', env)).toBe(200);
        expect(await get('localhost', env)).toBe(200);
      }
      expect(proxy.tunnels).toEqual([`scim.test:${port}`]);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('adds the loopback names to NO_PROXY, and keeps "*" as it is', () => {
    expect(withLoopback('')).toBe('localhost,127.0.0.1,[::1]');
    expect(withLoopback('corp.example, .internal')).toBe('corp.example, .internal,localhost,127.0.0.1,[::1]');
    expect(withLoopback('*')).toBe('*');
  });
});
