import { BallastError, fromArrowType, type LogicalType } from "@ballast/core";
import { DataType, type Schema } from "apache-arrow";

/** One column of a recorded dataset schema. */
export interface DatasetField {
  name: string;
  nullable: boolean;
  /** The Arrow type as Arrow prints it; always present, so every column is described. */
  arrowType: string;
  /** The Ballast logical type, when the Arrow type has one (DESIGN.md §5). */
  type?: LogicalType;
}

/** The schema recorded with a dataset. */
export interface DatasetSchema {
  fields: DatasetField[];
}

/**
 * Describes an Arrow schema for the dataset record: each column's logical type where core's mapping
 * has one, else only its Arrow type string. A dataset is recorded as it is, so a column without a
 * logical type (unsigned integers, structs) is described rather than rejected as `fromArrowSchema`
 * would. Dictionary-encoded columns get their value type's logical type, since that is what they
 * hold (and what `writeParquet` stores them as).
 *
 * @example datasetSchema(table.schema).fields[0] // { name: "age", nullable: true, arrowType: "Int32", type: "int32" }
 */
export function datasetSchema(schema: Schema): DatasetSchema {
  return {
    fields: schema.fields.map((field) => {
      const type = logicalTypeOf(field.type);
      return {
        name: field.name,
        nullable: field.nullable,
        arrowType: String(field.type),
        ...(type === undefined ? {} : { type }),
      };
    }),
  };
}

function logicalTypeOf(type: DataType): LogicalType | undefined {
  try {
    return fromArrowType(DataType.isDictionary(type) ? type.dictionary : type);
  } catch (error) {
    if (BallastError.isInstance(error, "SCHEMA_INVALID")) return undefined;
    throw error;
  }
}
