/**
 * The built-in suites and app profiles, parsed and checked at build time (`scripts/precompile.js`) into
 * `dist/generated/builtin.json`, so that a run does not parse YAML (≈100 ms) for files that have not changed.
 * Each entry is keyed by the file's name and the SHA-256 of its text: a file edited since the build is parsed again.
 * File positions are stored against a placeholder and given the caller's display path on the way out.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_DIR } from '../paths.js';

export type BuiltinKind = 'suites' | 'profiles';
type Cache = Record<BuiltinKind, Record<string, { hash: string; json: string }>>;

/** Stands for the file's display path in cached values (`file`, and `file:line:col` in `where`). */
export const FILE_PLACEHOLDER = '\u0000';
export const BUILTIN_CACHE = new URL('builtin.json', GENERATED_DIR);

let cache: Cache | null | undefined;

export const textHash = (text: string) => createHash('sha256').update(text).digest('hex');

/** The parsed value of a built-in file from the cache, when it was built from this exact text; else `undefined`. */
export function fromBuiltinCache<T>(kind: BuiltinKind, name: string, text: string, display: string): T | undefined {
  if (cache === undefined) cache = existsSync(BUILTIN_CACHE) ? (JSON.parse(readFileSync(BUILTIN_CACHE, 'utf8')) as Cache) : null;
  const entry = cache?.[kind]?.[name];
  if (!entry || entry.hash !== textHash(text)) return undefined;
  return JSON.parse(entry.json, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(FILE_PLACEHOLDER) ? display + v.slice(1) : v)) as T;
}

/** Build time: one cache entry (the value was parsed with FILE_PLACEHOLDER as its file name). */
export function cacheEntry(text: string, value: unknown): { hash: string; json: string } {
  return { hash: textHash(text), json: JSON.stringify(value) };
}

/** The `*.yaml` / `*.yml` files directly in a directory, sorted by name. */
export function yamlFilesIn(path: string): string[] {
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * Loads every YAML file of a directory (suites or profiles): from the build's cache when the directory is the
 * built-in one and a file is unchanged, else read (`read` words its errors) and parsed. Positions name each file
 * relative to the working directory.
 */
export function loadYamlDir<T>(dir: URL | string, builtinDir: URL, kind: BuiltinKind, read: (path: string, display: string) => string, parse: (text: string, display: string) => T): T[] {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const builtin = resolve(path) === resolve(fileURLToPath(builtinDir));
  return yamlFilesIn(path).map((f) => {
    const display = relative(process.cwd(), join(path, f)) || f;
    const text = read(join(path, f), display);
    return (builtin ? fromBuiltinCache<T>(kind, f, text, display) : undefined) ?? parse(text, display);
  });
}
