/**
 * The SCIM attribute model of RFC 7643 §7 ("Schema Definition"), shared by the filter evaluator, the schema
 * registry, the reference server and (later) the runtime compilation of a server's /Schemas to JSON Schema.
 */

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'binary'
  | 'reference'
  | 'complex';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/** One attribute definition, exactly as /Schemas represents it (RFC 7643 §7 and §8.7.1). */
export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  /** For type "reference": e.g. ["User", "Group"], ["external"], ["uri"]. */
  referenceTypes?: string[];
  /** For type "complex". */
  subAttributes?: AttributeDef[];
}

/** A schema resource as served by /Schemas/{id} (RFC 7643 §7). */
export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

/** A resource type as served by /ResourceTypes (RFC 7643 §6). */
export interface ResourceTypeDef {
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
}

/**
 * A parsed attribute reference: `[urn:]name[.subAttribute]`, as in RFC 7644 §3.10.
 * `urn` is undefined when the name was not URN-qualified.
 */
export interface AttrRef {
  urn?: string;
  name: string;
  subAttr?: string;
}

/**
 * Resolves an attribute reference to its definition for one resource type, case-insensitively, or undefined
 * when the schema does not know it. For a bare name the resource type's core schema is searched first, then its
 * extensions. For a sub-attribute reference it returns the sub-attribute's definition.
 */
export type AttributeResolver = (ref: AttrRef) => AttributeDef | undefined;
