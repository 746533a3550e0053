/**
 * App profiles: an app's Entra attribute mappings (suites/apps/*.yaml, schemas/profile.schema.json). Loaded with
 * `file:line:col` errors; every attribute must be one the SCIM core schemas know (names are case-insensitive, so
 * Zenya's `externalID` is `externalId`).
 */
import { MAX_YAML_FILE, readLocalFile } from '../util/local-file.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { FilterError, parsePath, type AttrPath } from '../scim/filter/index.js';
import { SchemaRegistry } from '../scim/registry.js';
import { BUILTIN_PROFILE_DIR, SCHEMA_DIR } from '../paths.js';
import { validatorsOf, type ValidatorSet } from '../util/ajv.js';
import { loadYamlDir } from '../util/builtin-cache.js';
import { describeSchemaError } from '../util/schema-errors.js';
import { YamlSource } from '../util/yaml-source.js';

import type { MappingType } from '../model/verdict.js';
export type { MappingType };
export type ObjectKind = 'User' | 'Group';

export interface MappingRow {
  object: ObjectKind;
  /** As the profile writes it (Entra's target attribute name). */
  attribute: string;
  type: MappingType;
  source?: string;
  matching: boolean;
  path: AttrPath;
  /** `file:line:col` of the row. */
  where: string;
}

export interface Profile {
  id: string;
  title: string;
  source?: { tutorial?: string; seed?: string; date?: string; note?: string };
  rows: MappingRow[];
  file: string;
}

interface RawProfile {
  id: string;
  title: string;
  source?: Profile['source'];
  users?: { matching?: string; mappings: { attribute: string; type: MappingType; source?: string }[] };
  groups?: RawProfile['users'];
}

let theSet: ValidatorSet | undefined;
/** The profile format's schema as a validator set (precompiled at build time; see util/ajv.ts). */
export function profileSchemaSet(): ValidatorSet {
  return (theSet ??= {
    set: 'profile-schema',
    options: { strict: true, strictRequired: false, allErrors: true, verbose: true },
    formats: false,
    schemas: [readFileSync(new URL('profile.schema.json', SCHEMA_DIR), 'utf8')],
    exports: { profile: 'https://scimcheck.dev/schemas/profile.schema.json' },
  });
}

/** Loads every `*.yaml` profile in a directory, sorted; the built-in ones from the build's cache when unchanged. */
export function loadProfileDir(dir: URL | string = BUILTIN_PROFILE_DIR): Profile[] {
  return loadYamlDir(dir, BUILTIN_PROFILE_DIR, 'profiles', readProfile, parseProfile);
}

export function loadProfileFile(path: string, display = path): Profile {
  return parseProfile(readProfile(path, display), display);
}

function readProfile(path: string, display: string): string {
  try {
    return readLocalFile(path, 'utf8', MAX_YAML_FILE);
  } catch (err) {
    throw new ConfigError(`${display}: cannot read profile: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

export function parseProfile(text: string, file: string): Profile {
  const src = YamlSource.parse(file, text, (m) => new ConfigError(m));
  const raw = src.toJS(text, (m) => new ConfigError(m)) as RawProfile;
  const v = validatorsOf(profileSchemaSet()).profile!;
  if (!v(raw)) throw new ConfigError(describeSchemaError(src, raw, v.errors ?? [], 'a profile needs "users" or "groups" mappings'));
  const registry = SchemaRegistry.core();
  const rows: MappingRow[] = [];
  for (const [key, object] of [['users', 'User'], ['groups', 'Group']] as const) {
    const section = raw[key];
    if (!section) continue;
    const resolve = registry.resolver(object);
    const matching = section.matching ?? (object === 'User' ? 'userName' : 'displayName');
    let sawMatching = false;
    section.mappings.forEach((m, i) => {
      const where = src.where([key, 'mappings', i, 'attribute']);
      let path: AttrPath;
      try {
        path = parsePath(m.attribute, { schemaUrns: registry.schemaUrns() });
      } catch (err) {
        if (err instanceof FilterError) throw new ConfigError(`${where}: ${m.attribute}: ${err.message}`);
        throw err;
      }
      const def = resolve(path.attr);
      if (!def || (path.subAttr && !def.subAttributes?.some((s) => s.name.toLowerCase() === path.subAttr!.toLowerCase()))) {
        throw new ConfigError(`${where}: "${m.attribute}" is not an attribute of the SCIM ${object} schemas (RFC 7643)`);
      }
      const isMatching = m.attribute.toLowerCase() === matching.toLowerCase();
      sawMatching ||= isMatching;
      rows.push({ object, attribute: m.attribute, type: m.type, ...(m.source ? { source: m.source } : {}), matching: isMatching, path, where });
    });
    if (!sawMatching) throw new ConfigError(`${src.where([key, 'matching'])}: the matching attribute "${matching}" is not one of the ${key} mappings`);
  }
  return { id: raw.id, title: raw.title, ...(raw.source ? { source: raw.source } : {}), rows, file };
}
