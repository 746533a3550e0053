/**
 * SCIM filters and attribute paths: one AST, a parser, a canonical printer, and a schema-aware evaluator.
 * See ./parser.ts for the grammar and ./evaluate.ts for the evaluation rules and the RFC points they settle.
 */
export {
  COMPARE_OPS,
  FilterError,
  formatAttrRef,
  formatFilter,
  formatPath,
  formatValue,
  type AttrPath,
  type AttrRef,
  type CompareOp,
  type FilterErrorType,
  type FilterNode,
  type FilterValue,
  type ParseOptions,
} from './ast.js';
export { parseAttrRef, parseFilter, parsePath, STANDARD_SCHEMA_URNS } from './parser.js';
export {
  compileFilter,
  compileValueFilter,
  evaluateFilter,
  matchesValueFilter,
  selectValues,
  type CompiledFilter,
  type CompiledValueFilter,
  type EvaluateOptions,
} from './evaluate.js';
export { getMember, isPresent, parseInstant } from './values.js';
