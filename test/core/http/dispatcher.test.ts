/** The dispatcher loads undici's proxy agent alone (start-up, issue 8): it must be undici's own class, with its API. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EnvHttpProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createDispatcher, proxyAgentClass } from '../../../src/core/http/dispatcher.js';

describe('createDispatcher', () => {
  it("uses undici's EnvHttpProxyAgent class itself (the same module instance as the package's entry point)", () => {
    expect(proxyAgentClass()).toBe(EnvHttpProxyAgent);
  });
  it('gives a dispatcher with the request API', async () => {
    const d = createDispatcher({ tls: { rejectUnauthorized: true }, timeoutMs: 1000, maxResponseBytes: 1024 });
    expect(d).toBeInstanceOf(EnvHttpProxyAgent);
    expect(typeof d.request).toBe('function');
    await d.close();
  });
  it("in a process of its own, loads the agent without undici's entry point (fetch, WebSocket, mocks stay unloaded)", () => {
    const dist = fileURLToPath(new URL('../../../dist/core/http/dispatcher.js', import.meta.url));
    const script = `
      const { createDispatcher } = await import(${JSON.stringify(dist)});
      const d = createDispatcher({ tls: { rejectUnauthorized: true }, timeoutMs: 1000, maxResponseBytes: 1024 });
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/undici/'));
      console.log(JSON.stringify({ request: typeof d.request, entry: loaded.some((k) => k.endsWith('/undici/index.js')), agent: loaded.some((k) => k.endsWith('env-http-proxy-agent.js')) }));
      await d.close();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ request: 'function', entry: false, agent: true });
  });
});
