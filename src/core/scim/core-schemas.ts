/**
 * The SCIM core schemas of RFC 7643 as data: User (§4.1), Group (§4.2), Enterprise User (§4.3), the common
 * attributes (§3.1) and the two core resource types (§6, §8.6).
 *
 * Attribute facts (names, types, characteristics, canonical values, reference types) follow the full schema
 * representation of RFC 7643 §8.7.1. Where §8.7.1 disagrees with the prose of §2-§4, §8.7.1 wins unless a comment
 * says otherwise; each such point is marked "§8.7.1 vs §n" below. Descriptions are our own wording.
 *
 * §8.7.1 leaves `caseExact` out on complex and boolean attributes and `uniqueness` out on booleans and on several
 * multi-valued complex attributes. RFC 7643 §2.2 gives the defaults for an unspecified characteristic
 * (caseExact false, uniqueness none, required false, mutability readWrite, returned default), and those are the values
 * written here, so that every attribute carries every characteristic and /Schemas never needs a null.
 *
 * Everything exported is deeply frozen: clone before modifying.
 */
import type { AttributeDef, AttributeType, ResourceTypeDef, SchemaDef } from './schema-types.js';

export const USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// ---------------------------------------------------------------------------------------------------------------
// Builders. Every attribute starts from the RFC 7643 §2.2 defaults; the call site states what differs.

type Overrides = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, overrides: Overrides = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  };
}

function str(name: string, description: string, overrides: Overrides = {}): AttributeDef {
  return attr(name, 'string', description, overrides);
}

function complex(name: string, description: string, subAttributes: AttributeDef[], overrides: Overrides = {}): AttributeDef {
  return attr(name, 'complex', description, { ...overrides, subAttributes });
}

function multiComplex(name: string, description: string, subAttributes: AttributeDef[], overrides: Overrides = {}): AttributeDef {
  return complex(name, description, subAttributes, { multiValued: true, ...overrides });
}

/** The `display` sub-attribute of a multi-valued attribute (§2.4). */
function displaySub(overrides: Overrides = {}): AttributeDef {
  // §8.7.1 vs §4.1.2: the descriptions in §8.7.1 call "display" read-only, but the characteristic given is
  // mutability "readWrite" (except under "groups", where everything is readOnly). We follow the characteristic.
  return str('display', 'A human-readable label for the value, for display only.', overrides);
}

/** The `type` sub-attribute, with canonical values when the RFC lists some. */
function typeSub(canonicalValues: string[] | undefined, overrides: Overrides = {}): AttributeDef {
  // §8.7.1 gives "canonicalValues": [] for roles.type and x509Certificates.type and none for entitlements.type.
  // An empty list says nothing (and a JSON Schema compiler could mistake it for "no value allowed"), so the key is
  // left out in all three cases.
  return str(
    'type',
    'A label for the function of this value.',
    canonicalValues !== undefined && canonicalValues.length > 0 ? { canonicalValues, ...overrides } : overrides,
  );
}

/** The `primary` sub-attribute of a multi-valued attribute (§2.4). */
function primarySub(): AttributeDef {
  return attr('primary', 'boolean', 'True on the one preferred value of this attribute; at most one value may be true.');
}

/** value/display/type/primary, the usual shape of a multi-valued attribute. */
function standardMulti(
  name: string,
  description: string,
  value: AttributeDef,
  canonicalTypes: string[] | undefined,
): AttributeDef {
  return multiComplex(name, description, [value, displaySub(), typeSub(canonicalTypes), primarySub()]);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Common attributes (§3.1). Not part of any schema's /Schemas output, but every resource has them and the attribute
// resolver must know them.

export const COMMON_ATTRIBUTES: AttributeDef[] = deepFreeze([
  // §3.1: caseExact true, readOnly, returned always. Uniqueness: unique across the service provider's resources,
  // i.e. "server". `required` is false: §3.1 calls id REQUIRED in every representation the server returns, but a
  // client never sends it (readOnly); the response-side requirement is carried by returned "always".
  str('id', 'The identifier the service provider assigned to the resource; stable and never reassigned.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  // §3.1: caseExact true, readWrite, OPTIONAL. Its uniqueness is left to the client, so "none".
  str('externalId', 'The identifier the provisioning client uses for the resource.', { caseExact: true }),
  // §3.1: every meta sub-attribute is readOnly and returned "default"; the whole attribute is ignored on input.
  complex(
    'meta',
    'Metadata the service provider maintains about the resource.',
    [
      // §3.1: readOnly and caseExact true.
      str('resourceType', 'The name of the resource type of this resource, e.g. "User".', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attr('created', 'dateTime', 'When the resource was created.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      // §3.1 says only "the URI of the resource"; §2.3.7 makes references case-exact, hence caseExact true.
      attr('location', 'reference', 'The URI of this resource; equals the Content-Location response header.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      // §3.1 gives no caseExact for version. It equals the ETag, which is compared octet by octet (RFC 7232),
      // hence caseExact true.
      str('version', 'The version of this resource; equals the ETag response header.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
    { mutability: 'readOnly' },
  ),
]);

// ---------------------------------------------------------------------------------------------------------------
// User (§4.1, §8.7.1)

const nameSubAttributes: AttributeDef[] = [
  str('formatted', 'The whole name as it should be displayed, with titles and suffixes.'),
  str('familyName', 'The family name (last name in most Western cultures).'),
  str('givenName', 'The given name (first name in most Western cultures).'),
  str('middleName', 'The middle name or names.'),
  str('honorificPrefix', 'Title or prefix, such as "Dr." or "Ms.".'),
  str('honorificSuffix', 'Suffix, such as "III" or "Jr.".'),
];

const addressSubAttributes: AttributeDef[] = [
  str('formatted', 'The whole postal address as printed on a mailing label; may contain newlines.'),
  str('streetAddress', 'Street, house number, P.O. box and other street lines; may contain newlines.'),
  str('locality', 'The city or locality.'),
  str('region', 'The state, province or region.'),
  str('postalCode', 'The postal or ZIP code.'),
  str('country', 'The country.'),
  typeSub(['work', 'home', 'other']),
  // §8.7.1 vs §2.4: §8.7.1 lists no "primary" under addresses, while §2.4 makes "primary" a default sub-attribute of
  // every multi-valued attribute and the §8.2 full User example sends addresses[].primary. It is kept here because
  // clients (Entra among them) send it and filters such as addresses[primary eq true] must resolve.
  primarySub(),
];

export const USER_SCHEMA: SchemaDef = deepFreeze({
  id: USER_SCHEMA_URN,
  name: 'User',
  description: 'A user account.',
  attributes: [
    str('userName', 'The unique name the user signs in with; must be non-empty.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', "The parts of the user's real name.", nameSubAttributes),
    str('displayName', 'The name to show for the user, usually the full name.'),
    str('nickName', 'The casual name the user goes by, e.g. "Bob" for Robert.'),
    // §8.7.1 vs §2.3.7: §2.3.7 calls references case-exact; §8.7.1 gives caseExact false on every reference. We
    // follow §8.7.1 here and everywhere below (photos.value, groups.$ref, members.$ref, manager.$ref).
    attr('profileUrl', 'reference', "A URL of the user's online profile page.", { referenceTypes: ['external'] }),
    str('title', 'The job title, e.g. "Vice President".'),
    str('userType', 'How the user relates to the organisation, e.g. "Employee" or "Contractor".'),
    str('preferredLanguage', 'The preferred written or spoken language, e.g. "en-US".'),
    str('locale', 'The locale for formatting dates, numbers and currency, e.g. "en-US".'),
    str('timezone', 'The time zone, in IANA ("Olson") form, e.g. "Europe/Amsterdam".'),
    attr('active', 'boolean', 'Whether the account is administratively enabled.'),
    str('password', 'A cleartext password, to set or reset it; never returned.', {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    standardMulti('emails', 'Email addresses of the user.', str('value', 'An email address.'), ['work', 'home', 'other']),
    standardMulti(
      'phoneNumbers',
      'Phone numbers of the user.',
      str('value', 'A phone number, preferably in RFC 3966 form (tel:+1-201-555-0123).'),
      ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    ),
    standardMulti('ims', 'Instant messaging addresses of the user.', str('value', 'An instant messaging address.'), [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    standardMulti(
      'photos',
      'Photos of the user.',
      attr('value', 'reference', 'A URL of an image of the user.', { referenceTypes: ['external'] }),
      ['photo', 'thumbnail'],
    ),
    multiComplex('addresses', 'Postal addresses of the user.', addressSubAttributes),
    // §8.7.1 vs §4.1.2: §4.1.2 describes groups.$ref as the URI of a Group; §8.7.1 gives referenceTypes
    // ["User", "Group"]. We follow §8.7.1. All of groups is readOnly: membership changes go through /Groups.
    multiComplex(
      'groups',
      'The groups the user belongs to, directly, through nesting, or computed.',
      [
        str('value', 'The id of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group resource.', {
          mutability: 'readOnly',
          referenceTypes: ['User', 'Group'],
        }),
        displaySub({ mutability: 'readOnly' }),
        typeSub(['direct', 'indirect'], { mutability: 'readOnly' }),
      ],
      { mutability: 'readOnly' },
    ),
    standardMulti('entitlements', 'Entitlements (things the user has).', str('value', 'An entitlement.'), undefined),
    standardMulti('roles', 'Roles (who the user is), e.g. "Student".', str('value', 'A role.'), undefined),
    // §8.7.1 vs §2.3.6: §2.3.6 calls binary values case-exact; §8.7.1 gives x509Certificates.value caseExact false.
    standardMulti(
      'x509Certificates',
      'X.509 certificates issued to the user.',
      attr('value', 'binary', 'A DER-encoded certificate, base64 in JSON.'),
      undefined,
    ),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// Group (§4.2, §8.7.1)

export const GROUP_SCHEMA: SchemaDef = deepFreeze({
  id: GROUP_SCHEMA_URN,
  name: 'Group',
  description: 'A group of users or other groups.',
  attributes: [
    // §8.7.1 vs §4.2: §4.2 says displayName is REQUIRED; §8.7.1 gives "required": false (RFC 7643 erratum 5368
    // reports this). We follow §8.7.1; checks that need a displayName (Entra matches groups on it) say so themselves.
    str('displayName', 'The name of the group, for display.'),
    // §8.7.1 vs §2.4: §2.4 makes "display" a default sub-attribute of multi-valued attributes, but §8.7.1 gives
    // members only value, $ref and type. We follow §8.7.1: members.display is unknown to this schema.
    // §4.2 and §8.7.1 agree that members' sub-attributes are immutable while members itself is readWrite.
    // §8.7.1 gives members.value caseExact false although it holds an id (caseExact true in §3.1); we follow §8.7.1.
    multiComplex('members', 'The members of the group.', [
      str('value', 'The id of the member resource.', { mutability: 'immutable' }),
      attr('$ref', 'reference', 'The URI of the member resource.', {
        mutability: 'immutable',
        referenceTypes: ['User', 'Group'],
      }),
      typeSub(['User', 'Group'], { mutability: 'immutable' }),
    ]),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// Enterprise User extension (§4.3, §8.7.1)

export const ENTERPRISE_USER_SCHEMA: SchemaDef = deepFreeze({
  id: ENTERPRISE_USER_SCHEMA_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise attributes of a user account.',
  attributes: [
    str('employeeNumber', 'The employee number, usually assigned by hire order or organisation.'),
    str('costCenter', 'The name of a cost center.'),
    str('organization', 'The name of an organisation.'),
    str('division', 'The name of a division.'),
    str('department', 'The name of a department.'),
    complex('manager', "The user's manager, another User referenced by id.", [
      // §8.7.1 vs §4.3: §4.3 calls value and $ref RECOMMENDED; the §8.7.1 descriptions say REQUIRED but the
      // characteristic is "required": false. We follow the characteristic: false.
      str('value', "The id of the manager's User resource."),
      attr('$ref', 'reference', "The URI of the manager's User resource.", { referenceTypes: ['User'] }),
      str('displayName', "The manager's displayName; set by the service provider.", { mutability: 'readOnly' }),
    ]),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// Resource types (§6, §8.6)

export const USER_RESOURCE_TYPE: ResourceTypeDef = deepFreeze({
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User accounts.',
  schema: USER_SCHEMA_URN,
  // §8.6 marks the enterprise extension "required": true. We declare it optional: Entra creates users without the
  // extension unless enterprise attributes are mapped, and a server must accept that.
  schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_URN, required: false }],
});

export const GROUP_RESOURCE_TYPE: ResourceTypeDef = deepFreeze({
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Groups of users.',
  schema: GROUP_SCHEMA_URN,
  // §8.6 omits schemaExtensions for Group; the type requires the list, so it is empty (and left out of the JSON).
  schemaExtensions: [],
});

export const CORE_SCHEMAS: readonly SchemaDef[] = Object.freeze([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]);
export const CORE_RESOURCE_TYPES: readonly ResourceTypeDef[] = Object.freeze([USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE]);
