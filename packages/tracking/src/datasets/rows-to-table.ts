import {
  Binary,
  Bool,
  type DataType,
  Float64,
  Int64,
  Null,
  Table,
  TimestampMillisecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { datasetInvalid } from "./dataset-errors.js";

/** A row of plain values: numbers, bigints, booleans, strings, `Date`s, byte arrays, or null. */
// \`object\` rather than \`Record<string, unknown>\`: rows typed by an interface have no index signature
// and would not be assignable to a record type.
export type DatasetRow = object;

type ColumnKind = "number" | "bigint" | "bool" | "string" | "timestamp" | "bytes";

function kindOf(value: unknown): ColumnKind | undefined {
  if (typeof value === "number") return "number";
  if (typeof value === "bigint") return "bigint";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "string";
  if (value instanceof Date) return "timestamp";
  if (value instanceof Uint8Array) return "bytes";
  return undefined;
}

const ARROW_TYPES: Record<ColumnKind, () => DataType> = {
  number: () => new Float64(),
  bigint: () => new Int64(),
  bool: () => new Bool(),
  string: () => new Utf8(),
  timestamp: () => new TimestampMillisecond("UTC"),
  bytes: () => new Binary(),
};

/**
 * Converts rows of plain objects to an Arrow table with Ballast logical types: numbers → float64,
 * bigints → int64, booleans → bool, strings → string (plain Utf8, not the dictionary Arrow's
 * `tableFromJSON` would infer), `Date`s → timestamp (ms, UTC), byte arrays → bytes. Columns appear in
 * first-seen order; a key missing from a row is null; a column of nulls only has Arrow type Null.
 * Typing columns here, rather than inferring, keeps the recorded schema the one users wrote.
 *
 * @throws BallastError `DATASET_INVALID` for a column mixing kinds of values, or holding objects or
 *   arrays (build an Arrow table for nested data).
 * @example rowsToTable([{ age: 31, city: "Oslo" }, { age: 45, city: null }])
 */
export function rowsToTable(rows: readonly DatasetRow[]): Table {
  const names: string[] = [];
  const kinds = new Map<string, ColumnKind | undefined>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (!kinds.has(name)) {
        names.push(name);
        kinds.set(name, undefined);
      }
      if (value === null || value === undefined) continue;
      const kind = kindOf(value);
      const known = kinds.get(name);
      if (kind === undefined || (known !== undefined && known !== kind)) {
        throw datasetInvalid(
          `Column "${name}" holds ${kind === undefined ? "an unsupported value" : `both ${known} and ${kind} values`}.`,
          "Give each column one kind of value (number, bigint, boolean, string, Date, bytes), or pass an Arrow Table.",
          { column: name },
        );
      }
      kinds.set(name, kind);
    }
  }
  const columns: Record<string, Vector> = {};
  for (const name of names) {
    const kind = kinds.get(name);
    const values = rows.map((row) => {
      const value = (row as Record<string, unknown>)[name];
      if (value === undefined || value === null) return null;
      return value instanceof Date ? value.getTime() : value;
    });
    columns[name] = vectorFromArray(values, kind === undefined ? new Null() : ARROW_TYPES[kind]());
  }
  return new Table(columns);
}
