import type { LogicalType } from "@ballast/core";
import type { EntityRow } from "./entity-table.js";

function coerceScalar(type: LogicalType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (
    type === "int64" &&
    (typeof value === "number" || typeof value === "string") &&
    /^-?\d+$/.test(String(value))
  ) {
    return BigInt(value);
  }
  if (type === "timestamp" && typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  if (type === "bytes" && typeof value === "string") return new Uint8Array(Buffer.from(value, "base64"));
  if (typeof type !== "string" && Array.isArray(value))
    return value.map((element) => coerceScalar(type.list, element));
  return value;
}

/**
 * Converts a row parsed from JSON to the JS types of its columns: int64 from a number or digit
 * string to bigint (JSON has no bigint; send large ids as strings), timestamps from ISO-8601 strings
 * to epoch ms, bytes from base64. Values that do not fit are left as they are, for validation to
 * report with the row and column.
 *
 * @example coerceJsonRow({ driver_id: "1001", ts: "2026-01-01T00:00:00Z" }, { driver_id: "int64", ts: "timestamp" })
 */
export function coerceJsonRow(
  row: Readonly<Record<string, unknown>>,
  types: ReadonlyMap<string, LogicalType>,
): EntityRow {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    const type = types.get(column);
    out[column] = type === undefined ? value : coerceScalar(type, value);
  }
  return out as EntityRow;
}
