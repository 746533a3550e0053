// Resolve hook of test/helpers/module-log.mjs: one line per ES module resolved.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.SCIMCHECK_MODULE_LOG && r.url.startsWith('file:')) appendFileSync(process.env.SCIMCHECK_MODULE_LOG, `esm ${r.url}\n`);
  return r;
}
