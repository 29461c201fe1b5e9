import type {
  ComparisonOperator,
  FilterExpression,
  FilterField,
  FilterLiteral,
  RunAttribute,
} from "./filter-ast.js";
import { filterTimeMs } from "./filter-ast.js";
import type { SqlParameters } from "./sql-parameters.js";

interface AttributeColumn {
  sql: string;
  type: "text" | "timestamptz";
  nullable: boolean;
}

const ATTRIBUTE_COLUMNS: Record<RunAttribute, AttributeColumn> = {
  status: { sql: "r.status", type: "text", nullable: false },
  name: { sql: "r.name", type: "text", nullable: false },
  start_time: { sql: "r.start_time", type: "timestamptz", nullable: false },
  end_time: { sql: "r.end_time", type: "timestamptz", nullable: true },
  experiment: { sql: "e.name", type: "text", nullable: false },
  run_id: { sql: "r.id", type: "text", nullable: false },
  parent_run_id: { sql: "r.parent_run_id", type: "text", nullable: true },
};

/** The column (and its type) of a run attribute, for sorting by it. */
export function attributeColumn(name: RunAttribute): AttributeColumn {
  return ATTRIBUTE_COLUMNS[name];
}

const METRIC_COLUMNS = {
  last: "last_value",
  min: "min_value",
  max: "max_value",
  count: "point_count",
} as const;

/** SQL spelling of each comparison. */
const SQL_OPERATORS: Record<ComparisonOperator, string> = {
  "=": "=",
  "!=": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/**
 * Text ranges are compared bytewise (collation "C"): the same answer on every server whatever its
 * locale, and the one the in-memory oracle reproduces. Equality needs no collation and keeps its
 * index.
 */
function collate(op: ComparisonOperator): string {
  return op === "=" || op === "!=" ? "" : ' COLLATE "C"';
}

/** `EXISTS` over the side table holding `field`'s key, with `condition` on its row (alias `x`). */
function sideTable(
  field: Exclude<FilterField, { kind: "attribute" }>,
  params: SqlParameters,
  condition?: () => string,
) {
  const table =
    field.kind === "param"
      ? "tracking_params"
      : field.kind === "tag"
        ? "tracking_tags"
        : "tracking_metric_summaries";
  // The key binds before the condition's values, so placeholders read left to right.
  const key = params.bind(field.key, "text");
  const extra = condition ? ` AND ${condition()}` : "";
  return `EXISTS (SELECT 1 FROM ${table} x WHERE x.workspace_id = r.workspace_id AND x.run_id = r.id AND x.key = ${key}${extra})`;
}

function bindAttributeValue(column: AttributeColumn, value: FilterLiteral, params: SqlParameters): string {
  return column.type === "timestamptz"
    ? params.bind(new Date(filterTimeMs(value)), "timestamptz")
    : params.bind(String(value), "text");
}

/** Present (not NULL) and satisfying `condition`: a missing value never matches, even under `not`. */
function present(column: AttributeColumn, condition: string): string {
  return column.nullable ? `(${column.sql} IS NOT NULL AND ${condition})` : `(${condition})`;
}

function compare(
  field: FilterField,
  op: ComparisonOperator,
  value: FilterLiteral,
  params: SqlParameters,
): string {
  switch (field.kind) {
    case "attribute": {
      const column = ATTRIBUTE_COLUMNS[field.name];
      const bound = bindAttributeValue(column, value, params);
      const suffix = column.type === "text" ? collate(op) : "";
      return present(column, `${column.sql} ${SQL_OPERATORS[op]} ${bound}${suffix}`);
    }
    case "metric":
      return sideTable(
        field,
        params,
        () =>
          `x.${METRIC_COLUMNS[field.aggregate]} ${SQL_OPERATORS[op]} ${params.bind(value as number, "float8")}`,
      );
    case "tag":
      return sideTable(
        field,
        params,
        () => `x.value ${SQL_OPERATORS[op]} ${params.bind(String(value), "text")}${collate(op)}`,
      );
    case "param":
      return sideTable(field, params, () => {
        const [column, bound] =
          typeof value === "number"
            ? ["x.value_number", params.bind(value, "float8")]
            : ["x.value_text", params.bind(value, "text")];
        // `!=` on a param means "logged, and not equal": a param of the other type is not equal either.
        if (op === "!=") return `${column} IS DISTINCT FROM ${bound}`;
        const suffix = typeof value === "string" ? collate(op) : "";
        return `${column} ${SQL_OPERATORS[op]} ${bound}${suffix}`;
      });
  }
}

function inList(
  field: FilterField,
  values: FilterLiteral[],
  negated: boolean,
  params: SqlParameters,
): string {
  if (field.kind === "attribute") {
    const column = ATTRIBUTE_COLUMNS[field.name];
    const list =
      column.type === "timestamptz"
        ? params.bind(
            values.map((v) => new Date(filterTimeMs(v))),
            "timestamptz[]",
          )
        : params.bind(values.map(String), "text[]");
    return present(column, negated ? `${column.sql} <> ALL(${list})` : `${column.sql} = ANY(${list})`);
  }
  const match = (): string => {
    if (field.kind === "metric") {
      return `x.${METRIC_COLUMNS[field.aggregate]} = ANY(${params.bind(values as number[], "float8[]")})`;
    }
    if (field.kind === "tag") return `x.value = ANY(${params.bind(values.map(String), "text[]")})`;
    const numbers = values.filter((v): v is number => typeof v === "number");
    const texts = values.filter((v): v is string => typeof v === "string");
    const parts: string[] = [];
    if (numbers.length > 0) parts.push(`x.value_number = ANY(${params.bind(numbers, "float8[]")})`);
    if (texts.length > 0) parts.push(`x.value_text = ANY(${params.bind(texts, "text[]")})`);
    // COALESCE: a param of the other type yields NULL here, which must count as "no match".
    return `COALESCE(${parts.join(" OR ")}, false)`;
  };
  return sideTable(field, params, () => (negated ? `NOT (${match()})` : match()));
}

function like(
  field: FilterField,
  pattern: string,
  caseInsensitive: boolean,
  negated: boolean,
  params: SqlParameters,
): string {
  const operator = `${negated ? "NOT " : ""}${caseInsensitive ? "ILIKE" : "LIKE"}`;
  switch (field.kind) {
    case "attribute": {
      const column = ATTRIBUTE_COLUMNS[field.name];
      return present(column, `${column.sql} ${operator} ${params.bind(pattern, "text")}`);
    }
    case "tag":
      return sideTable(field, params, () => `x.value ${operator} ${params.bind(pattern, "text")}`);
    case "param":
      // A numeric param has no text form to match (value_text NULL): COALESCE keeps NOT LIKE false too.
      return sideTable(
        field,
        params,
        () => `COALESCE(x.value_text ${operator} ${params.bind(pattern, "text")}, false)`,
      );
    case "metric":
      // The parser rejects like on metrics; reaching here means a hand-built tree.
      throw new TypeError("like does not apply to metrics");
  }
}

function isNull(field: FilterField, negated: boolean, params: SqlParameters): string {
  if (field.kind === "attribute") {
    return `(${ATTRIBUTE_COLUMNS[field.name].sql} IS ${negated ? "NOT " : ""}NULL)`;
  }
  const exists = sideTable(field, params);
  return negated ? exists : `NOT ${exists}`;
}

/**
 * Compiles a filter to a SQL boolean expression over `tracking_runs r` joined with
 * `tracking_experiments e`, appending every key and literal to `params` (never into the text).
 *
 * Params, tags and metric summaries are tested with `EXISTS` on their `(workspace_id, run_id, key)`
 * primary keys. A field the run lacks (a param never logged, a NULL `end_time`) matches no
 * comparison, `in` or `like`, negated or not; only `is null` finds it, and `not (...)` around a
 * comparison does. Numbers compare with `value_number`, strings with `value_text`; `!=` on a param
 * is "logged and not equal". Text ranges (`<`, `>=` on text) use byte order (collation "C").
 *
 * @example
 * const params = new SqlParameters();
 * const where = compileFilter(parseFilter("params.lr < 0.01"), params);
 * await db.query(`SELECT r.id FROM tracking_runs r JOIN tracking_experiments e ON ... WHERE ${where}`, params.values);
 */
export function compileFilter(expression: FilterExpression, params: SqlParameters): string {
  switch (expression.type) {
    case "and":
      return `(${expression.operands.map((operand) => compileFilter(operand, params)).join(" AND ")})`;
    case "or":
      return `(${expression.operands.map((operand) => compileFilter(operand, params)).join(" OR ")})`;
    case "not":
      return `(NOT ${compileFilter(expression.operand, params)})`;
    case "compare":
      return compare(expression.field, expression.op, expression.value, params);
    case "in":
      return inList(expression.field, expression.values, expression.negated, params);
    case "like":
      return like(
        expression.field,
        expression.pattern,
        expression.caseInsensitive,
        expression.negated,
        params,
      );
    case "null":
      return isNull(expression.field, expression.negated, params);
  }
}
