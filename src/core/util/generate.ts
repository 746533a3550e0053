/**
 * Build time (`scripts/precompile.js`, after `tsc`): the validators of every validator set as standalone code, and
 * the built-in suites and profiles parsed and checked, in `dist/generated/`. Run time loads them when they are current
 * (util/ajv.ts, util/builtin-cache.ts) and does the work itself when they are not.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProfile, profileSchemaSet } from '../mapping/profile.js';
import { BUILTIN_PROFILE_DIR, BUILTIN_SUITE_DIR, GENERATED_DIR } from '../paths.js';
import { coreExtensionSet } from '../scim/compile-schema.js';
import { messageSchemaSet } from '../scim/validate.js';
import { parseSuite, suiteSchemaSet } from '../suite/loader.js';
import { writeGenerated } from './ajv.js';
import { cacheEntry, FILE_PLACEHOLDER, yamlFilesIn } from './builtin-cache.js';

/** Writes everything; returns the files written. */
export function generateAll(dir: URL = GENERATED_DIR): string[] {
  const written = [messageSchemaSet(), suiteSchemaSet(), profileSchemaSet(), coreExtensionSet()].map((set) => writeGenerated(set, dir));
  const cache = { suites: {} as Record<string, unknown>, profiles: {} as Record<string, unknown> };
  for (const [kind, base, parse] of [
    ['suites', BUILTIN_SUITE_DIR, parseSuite],
    ['profiles', BUILTIN_PROFILE_DIR, parseProfile],
  ] as const) {
    const path = fileURLToPath(base);
    for (const f of yamlFilesIn(path)) {
      const text = readFileSync(join(path, f), 'utf8');
      cache[kind][f] = cacheEntry(text, parse(text, FILE_PLACEHOLDER));
    }
  }
  mkdirSync(dir, { recursive: true });
  const file = new URL('builtin.json', dir);
  writeFileSync(file, `${JSON.stringify(cache)}\n`);
  written.push(fileURLToPath(file));
  return written;
}
