/**
 * The dispatcher loads only the undici class it needs (start-up, issue 8): undici's own Agent, or its
 * EnvHttpProxyAgent when the environment names a proxy, with undici's request API.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, EnvHttpProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { agentClass, createDispatcher } from '../../../src/core/http/dispatcher.js';

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
});
