import { DataType, type Field, Precision, type Schema, TimeUnit } from "apache-arrow";
import type { LogicalField, LogicalSchema } from "./logical-schema.js";
import type { LogicalScalarType, LogicalType } from "./logical-type.js";
import { SchemaInvalidError, type SchemaIssue } from "./schema-invalid-error.js";
import { TIMESTAMP_TIME_ZONE } from "./to-arrow-schema.js";

type Mapped<T> = { ok: true; value: T } | { ok: false; problem: string; fix: string };

function scalarFromArrow(type: DataType): Mapped<LogicalScalarType> {
  if (DataType.isBool(type)) return { ok: true, value: "bool" };
  if (DataType.isInt(type)) {
    if (type.isSigned && type.bitWidth === 32) return { ok: true, value: "int32" };
    if (type.isSigned && type.bitWidth === 64) return { ok: true, value: "int64" };
    return {
      ok: false,
      problem: `${type} has no logical type (only signed 32- and 64-bit integers do)`,
      fix: `cast the column to Int32 or Int64`,
    };
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.SINGLE) return { ok: true, value: "float32" };
    if (type.precision === Precision.DOUBLE) return { ok: true, value: "float64" };
    return {
      ok: false,
      problem: `${type} (half precision) has no logical type`,
      fix: "cast the column to Float32",
    };
  }
  if (DataType.isUtf8(type)) return { ok: true, value: "string" };
  if (DataType.isBinary(type)) return { ok: true, value: "bytes" };
  if (DataType.isTimestamp(type)) {
    const unit = TimeUnit[type.unit];
    if (type.timezone === null || type.timezone === undefined) {
      return {
        ok: false,
        problem: `timestamp[${unit}] has no time zone, so the instant it names is unknown`,
        fix: `store UTC instants as Timestamp(MILLISECOND, "${TIMESTAMP_TIME_ZONE}") (new TimestampMillisecond("${TIMESTAMP_TIME_ZONE}")), converting from the writer's zone first`,
      };
    }
    if (type.unit !== TimeUnit.MILLISECOND || type.timezone !== TIMESTAMP_TIME_ZONE) {
      return {
        ok: false,
        problem: `timestamp[${unit}, ${type.timezone}] is not timestamp[MILLISECOND, ${TIMESTAMP_TIME_ZONE}]`,
        fix: `convert the column to Timestamp(MILLISECOND, "${TIMESTAMP_TIME_ZONE}") (epoch milliseconds, UTC)`,
      };
    }
    return { ok: true, value: "timestamp" };
  }
  if (DataType.isLargeUtf8(type)) {
    return { ok: false, problem: `${type} has no logical type`, fix: "cast the column to Utf8 (string)" };
  }
  if (DataType.isLargeBinary(type)) {
    return { ok: false, problem: `${type} has no logical type`, fix: "cast the column to Binary (bytes)" };
  }
  if (DataType.isDictionary(type)) {
    return {
      ok: false,
      problem: `dictionary-encoded ${type.dictionary} has no logical type`,
      fix: "decode the dictionary to its value type",
    };
  }
  return {
    ok: false,
    problem: `${type} has no logical type`,
    fix: "use one of bool, int32, int64, float32, float64, string (Utf8), bytes (Binary), timestamp (ms, UTC) or a list of one",
  };
}

/**
 * The logical type of an Arrow type, when it has one.
 *
 * @throws SchemaInvalidError `SCHEMA_INVALID` naming `column` and the fix, e.g. for a timestamp without
 * a time zone, unsigned integers or nested lists.
 */
export function fromArrowType(type: DataType, column = "(type)"): LogicalType {
  const mapped = mapType(type);
  if (mapped.ok) return mapped.value;
  throw new SchemaInvalidError([{ column, problem: mapped.problem, fix: mapped.fix }]);
}

function mapType(type: DataType): Mapped<LogicalType> {
  if (DataType.isList(type)) {
    const child = type.children[0] as Field | undefined;
    if (!child)
      return { ok: false, problem: "list without an element field", fix: "give the list one child field" };
    if (DataType.isList(child.type)) {
      return {
        ok: false,
        problem: `nested list ${type} has no logical type`,
        fix: "flatten it to a list of scalars",
      };
    }
    const element = scalarFromArrow(child.type);
    if (!element.ok) return { ok: false, problem: `list element: ${element.problem}`, fix: element.fix };
    return { ok: true, value: { list: element.value, elementNullable: child.nullable } };
  }
  return scalarFromArrow(type);
}

/** The logical column of an Arrow field. @throws SchemaInvalidError `SCHEMA_INVALID` (see {@link fromArrowType}). */
export function fromArrowField(field: Field): LogicalField {
  return { name: field.name, type: fromArrowType(field.type, field.name), nullable: field.nullable };
}

/**
 * The logical schema of an Arrow schema: the inverse of {@link toArrowSchema}.
 *
 * List element names are not kept (Arrow writers disagree: `item`, `element`); every other
 * property is, and a type with no logical counterpart is rejected rather than approximated.
 *
 * @throws SchemaInvalidError `SCHEMA_INVALID` listing every column that has no logical type, or
 * duplicate names, each with its fix.
 *
 * @example
 * const logical = fromArrowSchema(table.schema)
 */
export function fromArrowSchema(schema: Schema): LogicalSchema {
  const issues: SchemaIssue[] = [];
  const fields: LogicalField[] = [];
  const seen = new Set<string>();
  for (const field of schema.fields) {
    if (seen.has(field.name)) {
      issues.push({ column: field.name, problem: "duplicate column name", fix: "rename one of the columns" });
    }
    seen.add(field.name);
    const mapped = mapType(field.type);
    if (mapped.ok) fields.push({ name: field.name, type: mapped.value, nullable: field.nullable });
    else issues.push({ column: field.name || "(unnamed)", problem: mapped.problem, fix: mapped.fix });
  }
  if (issues.length) throw new SchemaInvalidError(issues);
  return { fields };
}
