import { ConfigError } from '../core/errors.js';
import { loadEntraSchema } from '../core/mapping/entra-schema.js';
import { loadProfileDir, loadProfileFile, type Profile } from '../core/mapping/profile.js';

export interface ProfileSelection {
  app?: string[];
  'app-file'?: string[];
  'entra-schema'?: string;
}

export function wantsProfiles(sel: ProfileSelection): boolean {
  return Boolean(sel.app?.length || sel['app-file']?.length || sel['entra-schema']);
}

/** --app ID (repeatable; `all`), --app-file FILE (repeatable), --entra-schema FILE. Unknown ids are usage errors. */
export function selectProfiles(sel: ProfileSelection): Profile[] {
  const out: Profile[] = [];
  if (sel.app?.length) {
    const builtin = loadProfileDir();
    if (sel.app.includes('all')) out.push(...builtin);
    else {
      for (const id of sel.app) {
        const p = builtin.find((b) => b.id === id);
        if (!p) throw new ConfigError(`--app: no app profile "${id}" (scimcheck apps lists them: ${builtin.map((b) => b.id).join(', ')})`);
        out.push(p);
      }
    }
  }
  for (const f of sel['app-file'] ?? []) out.push(loadProfileFile(f));
  if (sel['entra-schema']) out.push(loadEntraSchema(sel['entra-schema']));
  const ids = new Set<string>();
  for (const p of out) {
    if (ids.has(p.id)) throw new ConfigError(`app profile "${p.id}" is selected twice`);
    ids.add(p.id);
  }
  return out;
}
