/** /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7643 §5-§7, RFC 7644 §4). */
import { GROUP_SCHEMA_URN } from '../core/scim/core-schemas.js';
import type { SchemaRegistry } from '../core/scim/registry.js';
import type { Faults } from './faults.js';
import { LIST_RESPONSE_URN, MAX_RESULTS } from './list.js';
import type { JsonObject } from './model.js';
import { ENTERPRISE_URN } from './resources.js';

export const SPC_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

export function serviceProviderConfig(baseUrl: string, faults: Faults): JsonObject {
  return {
    schemas: [SPC_URN],
    documentationUri: 'https://github.com/scimcheck/scimcheck#the-reference-server',
    patch: { supported: !faults.has('spc-patch-false') },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A bearer token in the Authorization header (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function schemaResources(registry: SchemaRegistry, baseUrl: string, faults: Faults): JsonObject[] {
  return registry
    .schemas()
    .filter((s) => !(faults.has('discovery-missing-enterprise') && s.id === ENTERPRISE_URN))
    .map((s) => {
      const json = registry.toScimSchema(s, baseUrl) as unknown as JsonObject;
      if (s.id === GROUP_SCHEMA_URN) {
        // This server requires a group displayName (RFC 7643 §4.2), so its /Schemas says so.
        // It also keeps displayName unique, like userName.
        json.attributes = (json.attributes as JsonObject[]).map((a) => (a.name === 'displayName' ? { ...a, required: true, uniqueness: 'server' } : a));
      }
      if (faults.has('discovery-nulls')) {
        // A typical serializer bug: optional characteristics written as null.
        for (const a of json.attributes as JsonObject[]) if (a.canonicalValues === undefined) a.canonicalValues = null;
        json.description = null;
      }
      return json;
    });
}

export function resourceTypeResources(registry: SchemaRegistry, baseUrl: string, faults: Faults): JsonObject[] {
  return registry.resourceTypes().map((rt) => {
    const json = registry.toScimResourceType(rt, baseUrl) as unknown as JsonObject;
    if (faults.has('discovery-missing-enterprise')) delete json.schemaExtensions;
    return json;
  });
}

export function listOf(resources: JsonObject[]): JsonObject {
  return { schemas: [LIST_RESPONSE_URN], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}
