import type { FilterExpression, FilterField, FilterLiteral } from "./filter-ast.js";

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function key(text: string): string {
  return BARE_KEY.test(text) ? text : `\`${text.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``;
}

/** The canonical text of a field: `params.lr`, `metrics.loss.min`, ``tags.`a-b` ``, `status`. */
export function printField(field: FilterField): string {
  switch (field.kind) {
    case "param":
      return `params.${key(field.key)}`;
    case "tag":
      return `tags.${key(field.key)}`;
    case "metric":
      return `metrics.${key(field.key)}${field.aggregate === "last" ? "" : `.${field.aggregate}`}`;
    case "attribute":
      return field.name;
  }
}

function literal(value: FilterLiteral): string {
  // JSON string escapes are a subset of the filter's, and String(number) is what the tokenizer reads.
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

function operand(expression: FilterExpression): string {
  const text = printFilter(expression);
  return expression.type === "and" || expression.type === "or" ? `(${text})` : text;
}

/**
 * Prints a filter tree as filter text that {@link parseFilter} reads back to the same tree: useful to
 * store or show a filter built in code. Nested `and`/`or` are parenthesised.
 *
 * @example
 * printFilter({ type: "compare", field: { kind: "param", key: "lr" }, op: "<", value: 0.01 }); // "params.lr < 0.01"
 */
export function printFilter(expression: FilterExpression): string {
  switch (expression.type) {
    case "and":
      return expression.operands.map(operand).join(" and ");
    case "or":
      return expression.operands.map(operand).join(" or ");
    case "not":
      return `not ${operand(expression.operand)}`;
    case "compare":
      return `${printField(expression.field)} ${expression.op} ${literal(expression.value)}`;
    case "in":
      return `${printField(expression.field)} ${expression.negated ? "not in" : "in"} (${expression.values.map(literal).join(", ")})`;
    case "like":
      return `${printField(expression.field)} ${expression.negated ? "not " : ""}${expression.caseInsensitive ? "ilike" : "like"} ${literal(expression.pattern)}`;
    case "null":
      return `${printField(expression.field)} is ${expression.negated ? "not " : ""}null`;
  }
}
