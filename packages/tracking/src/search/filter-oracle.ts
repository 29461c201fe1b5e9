/**
 * A second, deliberately naive evaluator of filter trees over in-memory runs: the test oracle the SQL
 * compiler is checked against (differential tests). It shares no code with the compiler beyond the
 * tree types and the time-literal rule, and follows the documented semantics literally. Not exported
 * from the package.
 */
import type { ComparisonOperator, FilterExpression, FilterField, FilterLiteral } from "./filter-ast.js";
import { filterTimeMs } from "./filter-ast.js";

/** A run as the oracle sees it: params as their stored text and number columns. */
export interface OracleRun {
  id: string;
  name: string;
  status: string;
  experiment: string;
  parentRunId: string | null;
  startTime: number;
  endTime: number | null;
  params: Record<string, { text: string | null; number: number | null }>;
  tags: Record<string, string>;
  metrics: Record<string, { last: number; min: number; max: number; count: number }>;
}

/** PostgreSQL float order: NaN equals NaN and sorts above every number. */
function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Collation "C": byte order of the UTF-8 encodings. */
function compareTexts(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function holds(order: number, op: ComparisonOperator): boolean {
  switch (op) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
  }
}

/** PostgreSQL LIKE with its default escape `\`: `%` any run, `_` any one character. */
function likeMatches(text: string, pattern: string, caseInsensitive: boolean): boolean {
  let source = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "\\") {
      i++;
      source += (chars[i] ?? "").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else if (ch === "%") source += "[\\s\\S]*";
    else if (ch === "_") source += "[\\s\\S]";
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, caseInsensitive ? "iu" : "u").test(text);
}

type Value = { text: string | null; number: number | null } | undefined;

/** The field's value on the run: undefined when absent; params keep both stored forms. */
function fieldValue(run: OracleRun, field: FilterField): Value {
  switch (field.kind) {
    case "param":
      return run.params[field.key];
    case "tag": {
      const tag = run.tags[field.key];
      return tag === undefined ? undefined : { text: tag, number: null };
    }
    case "metric": {
      const metric = run.metrics[field.key];
      return metric === undefined ? undefined : { text: null, number: metric[field.aggregate] };
    }
    case "attribute":
      switch (field.name) {
        case "status":
          return { text: run.status, number: null };
        case "name":
          return { text: run.name, number: null };
        case "experiment":
          return { text: run.experiment, number: null };
        case "run_id":
          return { text: run.id, number: null };
        case "parent_run_id":
          return run.parentRunId === null ? undefined : { text: run.parentRunId, number: null };
        case "start_time":
          return { text: null, number: run.startTime };
        case "end_time":
          return run.endTime === null ? undefined : { text: null, number: run.endTime };
      }
  }
}

function isTime(field: FilterField): boolean {
  return field.kind === "attribute" && (field.name === "start_time" || field.name === "end_time");
}

/** Does a present value equal/compare with a literal? null when the value has no form of that type. */
function order(field: FilterField, value: NonNullable<Value>, literal: FilterLiteral): number | null {
  if (isTime(field)) return compareNumbers(value.number!, filterTimeMs(literal));
  if (typeof literal === "number")
    return value.number === null ? null : compareNumbers(value.number, literal);
  return value.text === null ? null : compareTexts(value.text, literal);
}

/** Whether `run` satisfies `expression`, by the rules documented on `compileFilter`. */
export function evaluateFilter(expression: FilterExpression, run: OracleRun): boolean {
  switch (expression.type) {
    case "and":
      return expression.operands.every((operand) => evaluateFilter(operand, run));
    case "or":
      return expression.operands.some((operand) => evaluateFilter(operand, run));
    case "not":
      return !evaluateFilter(expression.operand, run);
    case "null":
      return (fieldValue(run, expression.field) === undefined) !== expression.negated;
    case "compare": {
      const value = fieldValue(run, expression.field);
      if (value === undefined) return false;
      const result = order(expression.field, value, expression.value);
      // A param of the other type is "not equal" to the literal, and neither smaller nor larger.
      if (result === null) return expression.op === "!=";
      return holds(result, expression.op);
    }
    case "in": {
      const value = fieldValue(run, expression.field);
      if (value === undefined) return false;
      const found = expression.values.some((literal) => order(expression.field, value, literal) === 0);
      return found !== expression.negated;
    }
    case "like": {
      const value = fieldValue(run, expression.field);
      if (value === undefined || value.text === null) return false;
      return likeMatches(value.text, expression.pattern, expression.caseInsensitive) !== expression.negated;
    }
  }
}
