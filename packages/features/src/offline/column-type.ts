import { fromArrowType, type LogicalType } from "@ballast/core";
import { DataType, type Field, TimeUnit } from "apache-arrow";
import { FeatureNaiveTimestampError, FeatureSchemaMismatchError } from "./offline-errors.js";

/** A logical type as printed in messages: `int64`, `list<float32>`. */
export function formatLogicalType(type: LogicalType): string {
  return typeof type === "string" ? type : `list<${type.list}>`;
}

function sameLogicalType(a: LogicalType, b: LogicalType): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.list === b.list;
}

/**
 * Checks that `field` (column `column` of `file`) holds `declared`.
 *
 * @throws FeatureSchemaMismatchError when the column is missing or of another type;
 * FeatureNaiveTimestampError when it is a timestamp without a time zone.
 */
export function checkColumnType(
  field: Field | undefined,
  declared: LogicalType,
  file: string,
  column: string,
): void {
  const wanted = formatLogicalType(declared);
  if (!field)
    throw new FeatureSchemaMismatchError({ file, column, declared: wanted, found: "no such column" });
  const type = field.type;
  const naive =
    (DataType.isTimestamp(type) && !type.timezone) ||
    (DataType.isList(type) &&
      DataType.isTimestamp(type.children[0]!.type) &&
      !type.children[0]!.type.timezone);
  if (naive) {
    const inner = DataType.isTimestamp(type)
      ? type
      : (type.children[0]!.type as DataType & { unit: TimeUnit });
    throw new FeatureNaiveTimestampError({
      file,
      column,
      found: `timestamp[${TimeUnit[(inner as { unit: TimeUnit }).unit]}]`,
    });
  }
  let found: LogicalType;
  try {
    found = fromArrowType(type, column);
  } catch (error) {
    throw new FeatureSchemaMismatchError(
      { file, column, declared: wanted, found: String(type) },
      { cause: error },
    );
  }
  if (!sameLogicalType(found, declared)) {
    throw new FeatureSchemaMismatchError({ file, column, declared: wanted, found: formatLogicalType(found) });
  }
}
