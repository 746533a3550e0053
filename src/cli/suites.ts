import { ConfigError } from '../core/errors.js';
import { loadSuiteDir, loadSuiteFile } from '../core/suite/loader.js';
import type { Suite } from '../core/suite/model.js';

export interface SuiteSelection {
  suite?: string[];
  'suite-file'?: string[];
  tag?: string[];
  check?: string[];
}

/** Built-in suites plus --suite-file ones, narrowed by --suite, --tag and --check. Unknown names are usage errors. */
export function selectSuites(sel: SuiteSelection): Suite[] {
  const builtin = loadSuiteDir();
  const extra = (sel['suite-file'] ?? []).map((f) => loadSuiteFile(f));
  let suites = [...builtin, ...extra];
  const seen = new Set<string>();
  for (const s of suites) {
    if (seen.has(s.id)) throw new ConfigError(`${s.file}: suite id "${s.id}" is already used by another suite`);
    seen.add(s.id);
  }
  if (sel.suite?.length) {
    for (const id of sel.suite) if (!seen.has(id)) throw new ConfigError(`--suite: no suite "${id}" (scimcheck suites lists them)`);
    suites = suites.filter((s) => sel.suite!.includes(s.id) || extra.includes(s));
  }
  if (sel.tag?.length) suites = suites.filter((s) => s.tags.some((t) => sel.tag!.includes(t)));
  for (const id of sel.check ?? []) {
    const slash = id.indexOf('/');
    const suite = suites.find((s) => s.id === id.slice(0, slash));
    if (!suite || !suite.steps.some((st) => st.key === id.slice(slash + 1))) {
      throw new ConfigError(`--check: no check "${id}" (scimcheck suites lists check ids)`);
    }
  }
  return suites;
}
