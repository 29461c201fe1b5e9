import type { LogicalType } from "@ballast/core";
import { Table, type Vector } from "apache-arrow";
import { type FeatureValue, valueMismatch } from "../definitions/logical-value.js";
import { FeatureError } from "../errors/feature-error.js";
import { vectorOf } from "./arrow-values.js";

/** One entity row given as a plain object: join keys, the timestamp, request fields, anything else. */
export type EntityRow = Readonly<Record<string, FeatureValue | Date | null | undefined>>;

function inferType(value: unknown): LogicalType | undefined {
  if (typeof value === "number") return "float64";
  if (typeof value === "bigint") return "int64";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (value instanceof Date) return "timestamp";
  if (value instanceof Uint8Array) return "bytes";
  return undefined;
}

function invalid(message: string, rowIndex: number | undefined, column: string): FeatureError {
  return new FeatureError("FEATURE_ENTITY_ROWS_INVALID", message, {
    hint: "Give every entity row its join keys with the entity's types (int64 as bigint), and the timestamp as a Date or epoch ms.",
    details: { column, ...(rowIndex === undefined ? {} : { rowIndex }) },
  });
}

/**
 * Builds the entity table of a point-in-time join from rows. Declared columns (join keys, the
 * timestamp, request fields) get their declared types and are checked row by row; other columns
 * get a type inferred from their first non-null value (number → float64, bigint → int64, ...).
 *
 * @throws FeatureError `FEATURE_ENTITY_ROWS_INVALID` naming the row and column: a missing join key or
 *   timestamp, an ill-typed value, or a column whose values mix kinds.
 */
export function entityTableFromRows(
  rows: readonly EntityRow[],
  options: {
    /** Join keys: every row must have them (a null value is allowed and joins nothing). */
    keys: Readonly<Record<string, LogicalType>>;
    /** Request fields and other declared columns, which rows may omit. */
    optional: Readonly<Record<string, LogicalType>>;
    timestampColumn: string;
  },
): Table {
  const { keys, optional, timestampColumn } = options;
  const declared = { ...optional, ...keys };
  if (rows.length === 0) throw invalid("The entity rows are empty.", undefined, "(rows)");
  // Columns in order of first appearance in the rows; declared ones keep their declared types.
  const types = new Map<string, LogicalType>();
  const order: string[] = [];
  for (const [i, row] of rows.entries()) {
    for (const [column, value] of Object.entries(row)) {
      if (types.has(column)) continue;
      const type = column === timestampColumn ? "timestamp" : (declared[column] ?? inferType(value));
      if (type === undefined) {
        if (value === null || value === undefined) continue;
        throw invalid(`Entity column "${column}" holds a value of unsupported kind.`, i, column);
      }
      types.set(column, type);
      order.push(column);
    }
  }
  for (const column of [...Object.keys(keys), timestampColumn]) {
    if (!types.has(column)) throw invalid(`The entity rows have no "${column}" column.`, undefined, column);
  }
  const columns: Record<string, Vector> = {};
  for (const column of order) {
    const type = types.get(column)!;
    const values = rows.map((row, i) => {
      const value = row[column];
      if (value === null || value === undefined) {
        if (column === timestampColumn || (column in keys && !(column in row))) {
          throw invalid(`Entity row ${i} has no "${column}".`, i, column);
        }
        return null;
      }
      const problem = valueMismatch(type, value);
      if (problem !== undefined) throw invalid(`Entity row ${i}, column "${column}": ${problem}.`, i, column);
      return value;
    });
    columns[column] = vectorOf(type, values);
  }
  return new Table(columns);
}
