import type { SqlValue } from "@ballast/core";
import type { FilterField } from "./filter-ast.js";
import type { SortDirection, SortKey } from "./filter-parser.js";
import { attributeColumn } from "./filter-to-sql.js";
import type { SqlParameters } from "./sql-parameters.js";

/** The SQL type a sort value is bound back with when it continues a page. */
export type SortValueType = "float8" | "int8" | "text" | "timestamptz";

/** One column of the `ORDER BY`, with what keyset pagination needs to continue after a row. */
export interface SortColumn {
  /** The expression sorted by. */
  expression: string;
  /** The expression selected to remember the row's position (timestamps as exact microseconds). */
  selected: string;
  type: SortValueType;
  direction: SortDirection;
  nullable: boolean;
}

/** The plan of an ordering: joins to add to the statement and the columns, run id last. */
export interface SortPlan {
  joins: string[];
  columns: SortColumn[];
}

const METRIC_COLUMNS = {
  last: "last_value",
  min: "min_value",
  max: "max_value",
  count: "point_count",
} as const;

function sideJoin(table: string, alias: string, key: string, params: SqlParameters): string {
  return `LEFT JOIN ${table} ${alias} ON ${alias}.workspace_id = r.workspace_id AND ${alias}.run_id = r.id AND ${alias}.key = ${params.bind(key, "text")}`;
}

function fieldColumns(
  field: FilterField,
  direction: SortDirection,
  alias: string,
  params: SqlParameters,
  joins: string[],
): SortColumn[] {
  const column = (expression: string, type: SortValueType, nullable = true): SortColumn => ({
    expression: type === "text" ? `${expression} COLLATE "C"` : expression,
    selected: expression,
    type,
    direction,
    nullable,
  });
  switch (field.kind) {
    case "metric":
      joins.push(sideJoin("tracking_metric_summaries", alias, field.key, params));
      return [
        column(
          `${alias}.${METRIC_COLUMNS[field.aggregate]}`,
          field.aggregate === "count" ? "int8" : "float8",
        ),
      ];
    case "param":
      joins.push(sideJoin("tracking_params", alias, field.key, params));
      // Numbers first by value, then text values: a param logged as both kinds across runs still sorts totally.
      return [column(`${alias}.value_number`, "float8"), column(`${alias}.value_text`, "text")];
    case "tag":
      joins.push(sideJoin("tracking_tags", alias, field.key, params));
      return [column(`${alias}.value`, "text")];
    case "attribute": {
      const attribute = attributeColumn(field.name);
      if (attribute.type === "timestamptz") {
        // A timestamptz holds microseconds; a JS Date would round them away and break ties.
        return [
          {
            expression: attribute.sql,
            selected: `(extract(epoch from ${attribute.sql}) * 1000000)::int8`,
            type: "timestamptz",
            direction,
            nullable: attribute.nullable,
          },
        ];
      }
      return [column(attribute.sql, "text", attribute.nullable)];
    }
  }
}

/**
 * Turns parsed `orderBy` keys into joins and sort columns, always ending with the run id so that
 * the order is total and a page boundary never splits rows that tie.
 */
export function planSort(keys: readonly SortKey[], params: SqlParameters): SortPlan {
  const joins: string[] = [];
  const columns: SortColumn[] = [];
  keys.forEach((key, i) => {
    columns.push(...fieldColumns(key.field, key.direction, `o${i}`, params, joins));
  });
  columns.push({
    expression: 'r.id COLLATE "C"',
    selected: "r.id",
    type: "text",
    direction: "asc",
    nullable: false,
  });
  return { joins, columns };
}

/** `ORDER BY` text for the plan; missing values (NULL) come last in both directions. */
export function orderByClause(plan: SortPlan): string {
  return plan.columns
    .map((c) => `${c.expression} ${c.direction === "asc" ? "ASC" : "DESC"} NULLS LAST`)
    .join(", ");
}

function bindValue(column: SortColumn, value: SqlValue, params: SqlParameters): string {
  if (column.type === "timestamptz") {
    return `(timestamptz 'epoch' + ${params.bind(value, "int8")} * interval '1 microsecond')`;
  }
  const bound = params.bind(value, column.type);
  return column.type === "text" ? `${bound} COLLATE "C"` : bound;
}

/**
 * The condition "sorts after the row with these values": for each column i, the earlier columns
 * equal and column i strictly after. With nulls last, nothing non-null comes after a NULL, and after
 * a value come larger (or smaller, descending) values and then the NULLs.
 */
export function keysetCondition(plan: SortPlan, values: readonly SqlValue[], params: SqlParameters): string {
  const alternatives: string[] = [];
  const equalities: string[] = [];
  plan.columns.forEach((column, i) => {
    const value = values[i] ?? null;
    let after: string | undefined;
    let equal: string;
    if (value === null) {
      equal = `${column.expression} IS NULL`;
    } else {
      const bound = bindValue(column, value, params);
      const operator = column.direction === "asc" ? ">" : "<";
      after = column.nullable
        ? `(${column.expression} ${operator} ${bound} OR ${column.expression} IS NULL)`
        : `${column.expression} ${operator} ${bound}`;
      equal = `${column.expression} = ${bound}`;
    }
    if (after) alternatives.push([...equalities, after].join(" AND "));
    equalities.push(equal);
  });
  return alternatives.length === 0 ? "false" : `(${alternatives.map((a) => `(${a})`).join(" OR ")})`;
}
