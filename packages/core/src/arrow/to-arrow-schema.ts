import {
  Binary,
  Bool,
  type DataType,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  TimestampMillisecond,
  Utf8,
} from "apache-arrow";
import type { LogicalField, LogicalSchema } from "./logical-schema.js";
import type { LogicalScalarType, LogicalType } from "./logical-type.js";

/** Time zone of every Ballast timestamp (DESIGN.md §5). */
export const TIMESTAMP_TIME_ZONE = "UTC";
/** Child field name of Arrow lists made from logical lists, Arrow's own convention. */
export const LIST_ITEM_NAME = "item";

function scalarToArrow(type: LogicalScalarType): DataType {
  switch (type) {
    case "bool":
      return new Bool();
    case "int32":
      return new Int32();
    case "int64":
      return new Int64();
    case "float32":
      return new Float32();
    case "float64":
      return new Float64();
    case "string":
      return new Utf8();
    case "bytes":
      return new Binary();
    case "timestamp":
      return new TimestampMillisecond(TIMESTAMP_TIME_ZONE);
  }
}

/**
 * The Arrow type of a logical type.
 *
 * @example
 * toArrowType({ list: "string" }) // List<item: Utf8>
 */
export function toArrowType(type: LogicalType): DataType {
  if (typeof type === "string") return scalarToArrow(type);
  return new List(new Field(LIST_ITEM_NAME, scalarToArrow(type.list), type.elementNullable));
}

/** The Arrow field of a logical column. */
export function toArrowField(field: LogicalField): Field {
  return new Field(field.name, toArrowType(field.type), field.nullable);
}

/**
 * The Arrow schema of a logical schema (parse user input with {@link parseLogicalSchema} first).
 *
 * @example
 * const schema = toArrowSchema(parseLogicalSchema({ fields: [{ name: "ts", type: "timestamp" }] }))
 */
export function toArrowSchema(schema: LogicalSchema): Schema {
  return new Schema(schema.fields.map(toArrowField));
}
