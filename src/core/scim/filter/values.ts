/**
 * Reading attribute values out of SCIM resources (plain JSON objects) the way RFC 7643/7644 name them:
 * case-insensitive member names (RFC 7643 §2.1), URN-qualified extension containers (RFC 7643 §3.3), presence
 * (RFC 7644 §3.4.2.2 `pr`) and dateTime instants (RFC 7643 §2.3.5, xsd:dateTime). Nothing here copies or
 * mutates a resource, and nothing compiles a regular expression per call.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The member of `obj` named `name`, matched case-insensitively (an exact match is tried first).
 * `lower` must be `name.toLowerCase()`; callers compute it once. Only own members count.
 */
export function getMember(obj: JsonObject, name: string, lower: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  for (const key in obj) {
    if (key.length === lower.length && key.toLowerCase() === lower && Object.hasOwn(obj, key)) return obj[key];
  }
  return undefined;
}

/** Like getMember, without the length shortcut (for URN keys, which may hold any character). */
function getMemberAnyLength(obj: JsonObject, name: string, lower: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  for (const key in obj) {
    if (key.toLowerCase() === lower && Object.hasOwn(obj, key)) return obj[key];
  }
  return undefined;
}

/** Prefix of the RFC 7643 core schemas; used to recognise a core URN when the caller names none. */
const CORE_URN_PREFIX = 'urn:ietf:params:scim:schemas:core:';

/**
 * How a top-level attribute reference is read from a resource, decided once per reference:
 * - no URN, or the core schema's URN: a top-level member;
 * - any other URN: a member of the object stored under that URN (the extension container).
 * `coreSchemaUrn` names the resource's core schema; when it is not given, any URN under
 * `urn:ietf:params:scim:schemas:core:` counts as core.
 */
export interface TopLevelAccess {
  /** Lower-cased extension URN, or undefined to read the top level. */
  urnLower: string | undefined;
  urn: string | undefined;
}

export function topLevelAccess(urn: string | undefined, coreSchemaUrn: string | undefined): TopLevelAccess {
  if (urn === undefined) return { urn: undefined, urnLower: undefined };
  const lower = urn.toLowerCase();
  const isCore = coreSchemaUrn === undefined ? lower.startsWith(CORE_URN_PREFIX) : lower === coreSchemaUrn.toLowerCase();
  return isCore ? { urn: undefined, urnLower: undefined } : { urn, urnLower: lower };
}

/**
 * The value of a top-level attribute of `resource` (before any sub-attribute). With `name === ''` (a whole-schema
 * reference) it is the extension container itself.
 *
 * A bare name missing from the top level is looked up in the extension containers (members whose key starts
 * with `urn:`), in key order: RFC 7644 §3.10 lets clients omit the schema URN when the name is unambiguous, and
 * the resolver contract resolves bare names against the core schema first, then the extensions.
 */
export function readTopLevel(resource: JsonObject, access: TopLevelAccess, name: string, lower: string): unknown {
  if (access.urnLower !== undefined) {
    const container = getMemberAnyLength(resource, access.urn!, access.urnLower);
    if (!isObject(container)) return undefined;
    return name === '' ? container : getMember(container, name, lower);
  }
  const value = getMember(resource, name, lower);
  if (value !== undefined) return value;
  for (const key in resource) {
    if (key.length > 4 && (key.charCodeAt(0) | 0x20) === 117 && key.slice(0, 4).toLowerCase() === 'urn:') {
      const container = resource[key];
      if (isObject(container)) {
        const inner = getMember(container, name, lower);
        if (inner !== undefined) return inner;
      }
    }
  }
  return undefined;
}

/**
 * RFC 7644 §3.4.2.2 `pr`: "If the attribute has a non-empty or non-null value, or if it contains a non-empty node
 * for complex attributes, there is a match." Absent, `null`, `""`, `[]`, `{}` and containers holding only such
 * values are not present; `false` and `0` are.
 */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) {
    for (const item of value) if (isPresent(item)) return true;
    return false;
  }
  if (typeof value === 'object') {
    const obj = value as JsonObject;
    for (const key in obj) if (Object.hasOwn(obj, key) && isPresent(obj[key])) return true;
    return false;
  }
  return true;
}

// xsd:dateTime (RFC 7643 §2.3.5): YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]. A date alone is also accepted.
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$/;
const MS_PER_400_YEARS = 146097 * 86_400_000;

/**
 * The instant a dateTime string denotes, in milliseconds since the epoch (fractions below a millisecond are kept
 * as decimals), or NaN when the text is not an xsd:dateTime. A value without a zone offset is read as UTC so the
 * result does not depend on the machine's time zone.
 */
export function parseInstant(text: string): number {
  const m = DATE_TIME.exec(text);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return Number.NaN;
  if (hour === 24 && (minute !== 0 || second !== 0)) return Number.NaN;
  // Date.UTC maps years 0..99 to 1900..1999; shift such years by 400 (a whole Gregorian cycle) and back.
  const shift = year >= 0 && year < 100;
  let ms = Date.UTC(shift ? year + 400 : year, month - 1, day, hour, minute, second);
  if (shift) ms -= MS_PER_400_YEARS;
  if (m[7] !== undefined) ms += Number(m[7]) * 1000;
  const zone = m[8];
  if (zone !== undefined && zone.length === 6) {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    ms += zone.charCodeAt(0) === 43 /* + */ ? -offset : offset;
  }
  return ms;
}
