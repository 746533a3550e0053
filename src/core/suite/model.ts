/** The suite model: what `schemas/suite.schema.json` describes, as the loader hands it to the runner. */
import type { Severity, SourcePosition } from '../model/verdict.js';

export type Dialect = 'entra-legacy' | 'entra';
export const DIALECTS: readonly Dialect[] = ['entra-legacy', 'entra'];
export type Capability = 'patch' | 'filter' | 'sort' | 'etag' | 'bulk' | 'changePassword';

export interface Requires {
  resourceTypes?: ('User' | 'Group')[];
  capabilities?: Capability[];
  /** `Type.attribute` that the server's /Schemas must declare unique. */
  uniqueness?: string[];
}

export interface RequestOverride {
  path?: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
}

export interface StepRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  auth?: 'default' | 'none' | 'invalid';
  dialects?: Partial<Record<Dialect, RequestOverride>>;
}

export interface AttributeExpectation {
  path: string;
  equals?: unknown;
  equalsIgnoreCase?: string;
  exists?: boolean;
  count?: number;
  matches?: string;
}

export interface ListExpectation {
  totalResults?: number | string;
  count?: number | string;
  startIndex?: number | string;
  itemsPerPage?: number | string;
  ids?: string[];
  idsInOrder?: string[];
  contains?: string[];
  excludes?: string[];
  eachHas?: string[];
  noneHas?: string[];
}

export interface Expectations {
  status?: number | number[];
  headers?: Record<string, { present?: boolean; equals?: string; matches?: string; startsWith?: string }>;
  schema?: string;
  body?: unknown;
  attributes?: AttributeExpectation[];
  list?: ListExpectation;
  error?: { scimType?: string };
  noNulls?: boolean;
}

export interface StepDef {
  id: string;
  title: string;
  severity: Severity;
  entra?: boolean;
  reference: string;
  hint?: string;
  needs?: string[];
  requires?: Requires;
  request?: StepRequest;
  response?: string;
  expect?: Expectations;
  capture?: Record<string, string>;
  cleanup?: string;
}

/** A step as the runner sees it: dialect blocks expanded, ids final. */
export interface Step extends StepDef {
  /** The step id within the suite, with `[dialect]` when it runs per dialect. */
  key: string;
  dialect?: Dialect;
  /** Where the step is defined, `file:line:col`, for messages. */
  where: string;
  /** The same as a position, for reports (annotations, JUnit). */
  source: SourcePosition;
}

export interface Suite {
  id: string;
  title: string;
  description?: string;
  tags: string[];
  requires?: Requires;
  vars: Record<string, string | number | boolean>;
  steps: Step[];
  file: string;
}
