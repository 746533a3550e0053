// Preloaded with `node --import` by test/commands/startup.test.ts: writes every module the process loads (ES modules
// through a resolve hook, CommonJS from require.cache at exit) to the file named by SCIMCHECK_MODULE_LOG.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.SCIMCHECK_MODULE_LOG;
if (log) {
  register(new URL('./module-log-hooks.mjs', import.meta.url));
  process.on('exit', () => {
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    appendFileSync(log, cjs.map((f) => `cjs ${f}\n`).join(''));
  });
}
