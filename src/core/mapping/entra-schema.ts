/**
 * A profile from the JSON that Entra's provisioning page exports (schema editor → Download): the Microsoft Graph
 * synchronizationSchema. Each enabled objectMapping of the rule that targets the SCIM app gives rows: its
 * attributeMappings' `targetAttributeName`s, the matching attribute by `matchingPriority` (the lowest above 0), and
 * each attribute's type from the target directory's object definition (`directories[].objects[].attributes[]`).
 */
import { readLocalFile } from '../util/local-file.js';
import { basename } from 'node:path';
import { ConfigError } from '../errors.js';
import { FilterError, parsePath } from '../scim/filter/index.js';
import { SchemaRegistry } from '../scim/registry.js';
import type { MappingRow, MappingType, ObjectKind, Profile } from './profile.js';

interface GraphAttribute {
  name?: string;
  type?: string;
}
interface GraphSchema {
  directories?: { name?: string; objects?: { name?: string; attributes?: GraphAttribute[] }[] }[];
  synchronizationRules?: {
    name?: string;
    sourceDirectoryName?: string;
    targetDirectoryName?: string;
    objectMappings?: {
      name?: string;
      enabled?: boolean;
      sourceObjectName?: string;
      targetObjectName?: string;
      attributeMappings?: { targetAttributeName?: string; matchingPriority?: number; source?: { expression?: string; name?: string } }[];
    }[];
  }[];
}

const TYPES: Record<string, MappingType> = { string: 'String', boolean: 'Boolean', reference: 'Reference', integer: 'Integer', datetime: 'DateTime' };

export function loadEntraSchema(path: string): Profile {
  let text: string;
  try {
    text = readLocalFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--entra-schema: cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: GraphSchema;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')) as GraphSchema;
  } catch (err) {
    throw new ConfigError(`${path}: not JSON: ${(err as Error).message}`);
  }
  return profileFromEntraSchema(json, path);
}

export function profileFromEntraSchema(json: GraphSchema, file: string): Profile {
  const rules = Array.isArray(json?.synchronizationRules) ? json.synchronizationRules : undefined;
  if (!rules?.length) throw new ConfigError(`${file}: no synchronizationRules: expected the schema JSON that Entra's provisioning page downloads (Microsoft Graph synchronizationSchema)`);
  const registry = SchemaRegistry.core();
  const rows: MappingRow[] = [];
  rules.forEach((rule, ri) => {
    const target = json.directories?.find((d) => d.name === rule.targetDirectoryName);
    (rule.objectMappings ?? []).forEach((om, oi) => {
      if (om.enabled === false) return;
      const object = kindOf(om.targetObjectName ?? om.sourceObjectName ?? '');
      if (!object) return;
      const attrs = target?.objects?.find((o) => o.name === om.targetObjectName)?.attributes ?? [];
      const mappings = (om.attributeMappings ?? []).filter((m) => typeof m.targetAttributeName === 'string' && m.targetAttributeName);
      const priorities = mappings.map((m) => m.matchingPriority ?? 0).filter((p) => p > 0);
      const matchingPriority = priorities.length ? Math.min(...priorities) : undefined;
      mappings.forEach((m, mi) => {
        const attribute = m.targetAttributeName!;
        const where = `${file}: synchronizationRules[${ri}].objectMappings[${oi}].attributeMappings[${mi}]`;
        let path;
        try {
          path = parsePath(attribute, { schemaUrns: registry.schemaUrns() });
        } catch (err) {
          if (err instanceof FilterError) throw new ConfigError(`${where}: targetAttributeName "${attribute}": ${err.message}`);
          throw err;
        }
        const declared = attrs.find((a) => a.name?.toLowerCase() === attribute.toLowerCase())?.type;
        rows.push({
          object,
          attribute,
          type: typeOf(declared, attribute),
          ...(m.source?.expression ? { source: m.source.expression } : m.source?.name ? { source: m.source.name } : {}),
          matching: matchingPriority !== undefined && m.matchingPriority === matchingPriority,
          path,
          where,
        });
      });
    });
  });
  if (rows.length === 0) throw new ConfigError(`${file}: no enabled user or group attribute mappings found`);
  return { id: `entra-schema-${basename(file).replace(/\.json$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`, title: `Entra schema export ${basename(file)}`, rows, file };
}

function kindOf(name: string): ObjectKind | undefined {
  const n = name.toLowerCase();
  if (n === 'group' || n.endsWith(':group')) return 'Group';
  if (n === 'user' || n.endsWith(':user')) return 'User';
  return undefined;
}

function typeOf(declared: string | undefined, attribute: string): MappingType {
  const t = declared ? TYPES[declared.toLowerCase()] : undefined;
  if (t) return t;
  const a = attribute.toLowerCase();
  if (a === 'active') return 'Boolean';
  if (a === 'members' || a.endsWith(':manager') || a === 'manager') return 'Reference';
  return 'String';
}
