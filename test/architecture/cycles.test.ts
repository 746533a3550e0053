/**
 * No import cycles in src/, type-only imports (`import type`, `import { type X }`) included: a cycle of types is a
 * cycle of values after the next refactor, and it ties modules together for a reader just the same. dpdm builds the
 * graph with TypeScript's own resolver and tsconfig.json (NodeNext), so `./x.js` specifiers find `./x.ts`; the first
 * two tests prove that, so that a resolver that silently finds nothing cannot make the third pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDependencyTree, type DependencyTree } from 'dpdm';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `src/${f.split('\\').join('/')}`)
  .sort();

let tree: DependencyTree;
/** file -> the files of src/ it imports (static, dynamic, type-only and re-exports), sorted. */
let graph: Map<string, string[]>;

beforeAll(async () => {
  // transform: false parses the source as written; with transform: true dpdm transpiles first and loses type-only imports.
  tree = await parseDependencyTree('src/**/*.ts', { cwd: ROOT, context: ROOT, tsconfig: 'tsconfig.json', transform: false, skipDynamicImports: false });
  graph = new Map(
    Object.entries(tree)
      .filter(([file]) => file.startsWith('src/'))
      .map(([file, deps]) => [file, [...new Set((deps ?? []).flatMap((d) => (d.id?.startsWith('src/') ? [d.id] : [])))].sort()]),
  );
}, 60_000);

/**
 * Every elementary cycle, each once, as `a -> b -> ... -> a` starting at its smallest path. From each start the walk
 * only enters larger files that can reach the start again (its strongly connected component), so it stays small.
 */
function cycles(limit = 50): string[] {
  const importers = new Map<string, string[]>();
  for (const [file, deps] of graph) for (const d of deps) importers.set(d, [...(importers.get(d) ?? []), file]);
  const found: string[] = [];
  for (const start of [...graph.keys()].sort()) {
    const back = new Set([start]);
    const todo = [start];
    while (todo.length) {
      for (const f of importers.get(todo.pop()!) ?? []) {
        if (!back.has(f)) {
          back.add(f);
          todo.push(f);
        }
      }
    }
    const path = [start];
    const walk = (file: string): void => {
      for (const next of graph.get(file) ?? []) {
        if (found.length >= limit) return;
        if (next === start) found.push([...path, start].join(' -> '));
        else if (next > start && back.has(next) && !path.includes(next)) {
          path.push(next);
          walk(next);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return found;
}

describe('module graph of src/', () => {
  it('resolves every relative import to a .ts file in src/', () => {
    expect([...graph.keys()].sort()).toEqual(SOURCES);
    const bad = Object.values(tree)
      .flatMap((deps) => deps ?? [])
      .filter((d) => d.request.startsWith('.') && !(d.id?.startsWith('src/') && d.id.endsWith('.ts')))
      .map((d) => `${d.issuer}: '${d.request}' -> ${d.id ?? 'unresolved'}`);
    expect(bad).toEqual([]);
  });

  it('includes type-only imports', () => {
    const typeOnly = SOURCES.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^import type .* from '(\.[^']+)\.js';$/gm)].map((m) => `${file} -> ${posix.join(file, '..', m[1]!)}.ts`),
    );
    expect(typeOnly.length).toBeGreaterThan(0);
    expect(typeOnly.filter((edge) => !graph.get(edge.split(' -> ')[0]!)?.includes(edge.split(' -> ')[1]!))).toEqual([]);
  });

  it('keeps the result model free of the engines: src/core/model imports only itself and the exit codes', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('src/core/model/'))
      .flatMap(([file, deps]) => deps.filter((d) => !d.startsWith('src/core/model/') && d !== 'src/core/errors.ts').map((d) => `${file} -> ${d}`));
    expect(graph.has('src/core/model/verdict.ts')).toBe(true);
    expect(outside).toEqual([]);
  });

  it('has no import cycles', () => {
    const found = cycles();
    expect(found, `import cycles in src/ (type-only imports count):\n  ${found.join('\n  ')}\n`).toEqual([]);
  });
});
