#!/usr/bin/env node
// The floor of a run (issue 8): a bare undici loop that replays the requests of a HAR file against a fresh reference
// server in this process, CONCURRENCY at a time (as many as the run has under way), in the recorded order. Prints the milliseconds from the first request
// to the last response. bench/floor.mjs runs it in a new process each time, so that it is as cold (JIT, connections)
// as scimcheck's own run; `--warm N` replays N times first and times the last one.
//
// "The same requests" means the same work for the server: the ids a fresh server gives the created objects differ
// from the recorded ones, so each recorded id is mapped to the new one, in later paths and bodies, and a request that
// names an object waits for the request that created it (otherwise most requests of the replay would be cheap 404s).
// A request recorded without credentials is sent without; one the server refused with 401 is sent with a wrong token.
// Usage: node bench/replay.mjs FILE.har [--warm N]
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { startServer } from '../dist/server/index.js';

// The run's own parallelism: 4 suites (--concurrency) and 32 mapping rows at a time. REPLAY_CONCURRENCY changes it.
const CONCURRENCY = Number(process.env.REPLAY_CONCURRENCY ?? 36);
const entries = JSON.parse(readFileSync(process.argv[2], 'utf8')).log.entries;
const warm = process.argv[3] === '--warm' ? Number(process.argv[4]) : 0;

// Prepared before timing: which recorded ids each request uses, and which request created each id.
const idOf = (text) => {
  try {
    const id = JSON.parse(text ?? '')?.id;
    return typeof id === 'string' && id.length >= 8 ? id : undefined;
  } catch {
    return undefined;
  }
};
const producer = new Map();
entries.forEach((e, i) => {
  const id = e.request.method === 'POST' ? idOf(e.response.content?.text) : undefined;
  if (id && !producer.has(id)) producer.set(id, i);
});
const plan = entries.map((e, i) => {
  const u = new URL(e.request.url);
  const path = `${u.pathname}${u.search}`;
  const body = e.request.postData?.text;
  const uses = [...producer.keys()].filter((id) => producer.get(id) < i && (path.includes(id) || body?.includes(id)));
  const auth = e.request.headers.find((h) => h.name.toLowerCase() === 'authorization');
  const created = idOf(e.response.content?.text);
  return { method: e.request.method, path, body, uses, auth: !auth ? 'none' : e.response.status === 401 ? 'wrong' : 'token', creates: producer.get(created) === i ? created : undefined, status: e.response.status };
});

async function replay() {
  const server = await startServer({ seed: 20, token: 'floor-token' });
  const origin = new URL(server.url).origin;
  const dispatcher = new Agent({ connections: 64 });
  const newId = new Map();
  const statuses = [];
  const done = entries.map(() => {
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    return { promise, resolve };
  });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < plan.length) {
        const i = next++;
        const p = plan[i];
        for (const id of p.uses) await done[producer.get(id)].promise;
        let path = p.path;
        let body = p.body;
        for (const id of p.uses) {
          const to = newId.get(id);
          if (!to) continue;
          path = path.split(id).join(to);
          body = body?.split(id).join(to);
        }
        const headers = { 'content-type': 'application/scim+json' };
        if (p.auth !== 'none') headers.authorization = p.auth === 'wrong' ? 'Bearer wrong-token' : 'Bearer floor-token';
        const res = await request(`${origin}${path}`, { method: p.method, headers, ...(body !== undefined ? { body } : {}), dispatcher });
        const text = await res.body.text();
        if (p.creates) {
          const id = idOf(text);
          if (id) newId.set(p.creates, id);
        }
        statuses[i] = res.statusCode;
        done[i].resolve();
      }
    }),
  );
  const ms = performance.now() - t0;
  await dispatcher.close();
  await server.close();
  if (process.env.REPLAY_CHECK) {
    const tally = {};
    plan.forEach((p, i) => (tally[`${p.status}->${statuses[i]}`] = (tally[`${p.status}->${statuses[i]}`] ?? 0) + 1));
    console.error(JSON.stringify(tally));
  }
  return ms;
}

let ms = 0;
for (let i = 0; i <= warm; i++) ms = await replay();
console.log(ms.toFixed(1));
