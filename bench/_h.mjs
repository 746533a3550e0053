import { startServer } from '../dist/server/index.js';
import { ScimClient } from '../dist/core/http/client.js';
import { resolveTarget } from '../dist/core/target/resolve.js';
import { runSuites } from '../dist/core/runner/runner.js';
import { loadSuiteDir } from '../dist/core/suite/loader.js';
import { loadProfileDir } from '../dist/core/mapping/profile.js';
const what = process.argv[2] ?? 'all';
const conc = Number(process.argv[3] ?? 4);
const suites = what === 'maps' ? [] : loadSuiteDir();
const profiles = what === 'suites' ? [] : loadProfileDir();
for (let i = 0; i < 4; i++) {
  const server = await startServer({ seed: 20 });
  const target = resolveTarget({ flags: { 'base-url': server.url, token: server.token }, env: {}, cwd: process.cwd(), configFile: false });
  const client = new ScimClient(target);
  const t0 = performance.now();
  const r = await runSuites({ suites, profiles, client, concurrency: conc });
  const ms = performance.now() - t0;
  console.log(what, 'run', ms.toFixed(0), 'ms', client.exchanges.length, 'exchanges', JSON.stringify(r.summary).slice(0, 80));
  await client.close(); await server.close();
}
