/**
 * The reference server's named faults: realistic bugs, each switched on by `--fault NAME` and implemented as a
 * small branch next to the behaviour it breaks. Every scimcheck check must fail against the fault that breaks its
 * rule (test/server/faults.test.ts proves each fault changes exactly what it names).
 */
export const FAULTS = {
  // Authentication
  'auth-not-enforced': 'Accepts any bearer token, or none.',
  'www-authenticate-missing': 'Answers 401 without a WWW-Authenticate challenge.',
  // Lists and filters
  'filter-404-on-no-match': 'A filter that matches nothing answers 404 instead of 200 with an empty list.',
  'filter-ignored': 'Ignores the filter parameter and returns every resource.',
  'filter-case-sensitive': 'Compares userName (caseExact false) case-sensitively in filters.',
  'filter-names-case-sensitive': 'Knows filter attribute names and operators only as the RFC spells them (USERNAME EQ "x" answers 400 invalidFilter).',
  'filter-and-unsupported': 'Answers 400 invalidFilter to any filter that joins conditions with "and".',
  'filter-externalid-unsupported': 'Answers 400 invalidFilter to filters on externalId.',
  'filter-invalid-returns-500': 'A syntactically invalid filter crashes with 500 instead of 400 invalidFilter.',
  'list-no-schemas': 'ListResponse without its schemas attribute.',
  'list-total-is-page-size': 'totalResults counts the page, not all matches.',
  'pagination-off-by-one': 'Pages after the first start one resource late (startIndex read as 0-based above 1).',
  'pagination-ignores-count': 'Ignores count and returns every match.',
  'start-index-below-one-echoed': 'Reads a startIndex below 1 as 1 but echoes it as sent (startIndex=0 answers "startIndex": 0).',
  'excluded-attributes-ignored': 'Ignores excludedAttributes, in lists and on reads by id (members come back anyway).',
  'attributes-ignored': 'Ignores the attributes parameter, in lists and on reads by id (returns every attribute).',
  // Errors
  'error-status-number': 'Error bodies carry status as a number (404), not a string ("404").',
  'error-not-scim': 'Error bodies are {"error": "..."} without the SCIM Error schema.',
  // Create, read, replace, delete
  'create-returns-200': 'POST answers 200 instead of 201.',
  'create-no-location': 'POST answers without a Location header (meta.location still set).',
  'location-not-meta-location': 'POST answers with a Location header built from an internal address, not the resource\'s meta.location.',
  'duplicate-username-allowed': 'Creates a second user with an existing userName instead of 409.',
  'duplicate-username-case-sensitive': 'userName uniqueness is case-sensitive ("BJensen" and "bjensen" both accepted).',
  'duplicate-group-allowed': 'Creates a second group with an existing displayName instead of 409.',
  'missing-username-accepted': 'Creates a user without userName instead of 400.',
  'malformed-json-500': 'A body that is not JSON crashes with 500 instead of 400 invalidSyntax.',
  'unknown-schema-rejected': 'Rejects requests that list an unknown schema URI (Entra sends the ADSCIM one) with 400.',
  'null-attribute-rejected': 'Rejects attributes sent as null with 400 instead of treating them as absent.',
  'bool-string-rejected': 'Refuses "True"/"False" strings for boolean attributes (Entra\'s default jobs send them).',
  'delete-returns-200': 'DELETE answers 200 with a body instead of 204.',
  'deleted-still-readable': 'GET of a deleted resource still answers 200.',
  'write-unknown-id-500': 'PATCH and DELETE of an id that does not exist (a deleted user\'s, say) crash with 500 instead of 404.',
  'delete-keeps-memberships': 'A deleted user stays listed in the members of its groups.',
  'soft-delete-hides-user': 'A user with active false answers 404 to GET and is left out of filters.',
  'etag-ignored': 'Ignores If-Match (no 412 for a stale version).',
  'put-keeps-omitted': 'PUT keeps attributes the body omits instead of clearing them.',
  // PATCH, in each form Entra sends
  'patch-op-case-sensitive': 'Accepts only lower-case PATCH op values ("Replace" and "Add" are refused).',
  'patch-value-path-unsupported': 'Refuses value-path PATCH paths such as emails[type eq "work"].value with 400 invalidPath.',
  'patch-pathless-dotted-ignored': 'Path-less PATCH values with dotted or URN-qualified keys are silently ignored.',
  'patch-add-members-first-only': 'Adding several members in one operation adds only the first.',
  'patch-add-member-duplicates': 'Adding a member that is already in the group lists it twice.',
  'patch-add-replaces-members': 'Adding members to a group that has members replaces its member list instead of appending.',
  'patch-remove-member-value-ignored': 'Member removal by value array (Entra\'s default form) removes nothing.',
  'patch-remove-member-filter-unsupported': 'Member removal by members[value eq "..."] answers 400 invalidPath.',
  'patch-not-atomic': 'Keeps the operations before a failing one instead of applying none.',
  'patch-active-ignored': 'PATCH of active is accepted but not stored (users cannot be disabled).',
  'patch-invalid-ops-ignored': 'Skips an operation whose op is unknown, or a remove without a path, and answers the PATCH 200.',
  'patch-returns-old-resource': 'A PATCH answered 200 carries the resource as it was before the change.',
  // Dropped attributes (one per attribute class of the app mappings)
  'drop-preferred-language': 'Does not store preferredLanguage.',
  'drop-phone-numbers': 'Does not store phoneNumbers.',
  'drop-enterprise-extension': 'Does not store the enterprise User extension.',
  'drop-manager': 'Does not store the enterprise manager.',
  // Discovery that lies
  'discovery-nulls': '/Schemas contains null values (Entra rejects them on save).',
  'discovery-missing-enterprise': '/Schemas and /ResourceTypes omit the enterprise extension although it is stored.',
  'spc-patch-false': 'ServiceProviderConfig says patch is unsupported although PATCH works.',
} as const;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

export class Faults {
  private readonly on: Set<FaultName>;
  constructor(names: Iterable<FaultName> = []) {
    this.on = new Set(names);
  }
  has(name: FaultName): boolean {
    return this.on.has(name);
  }
  list(): FaultName[] {
    return [...this.on];
  }
}
