import { DataType, Field, type RecordBatch, Schema, Table, type Vector, vectorFromArray } from "apache-arrow";

function isPlainable(type: DataType): boolean {
  return (
    DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isBinary(type.dictionary))
  );
}

/**
 * The schema with dictionary-encoded string and bytes columns replaced by their value type.
 *
 * Arrow JS's `tableFromArrays` dictionary-encodes every string column, so without this a table
 * built the obvious way would be refused as having no logical type. A dictionary column holds the
 * same values as its plain form, and Parquet dictionary-encodes strings on its own anyway.
 */
export function plainSchema(schema: Schema): Schema {
  if (!schema.fields.some((field) => isPlainable(field.type))) return schema;
  return new Schema(
    schema.fields.map((field) =>
      isPlainable(field.type)
        ? new Field(
            field.name,
            (field.type as { dictionary: DataType }).dictionary,
            field.nullable,
            field.metadata,
          )
        : field,
    ),
    schema.metadata,
  );
}

/** The batch with its dictionary-encoded string and bytes columns decoded (see {@link plainSchema}). */
export function plainBatches(batch: RecordBatch): RecordBatch[] {
  if (!batch.schema.fields.some((field) => isPlainable(field.type))) return [batch];
  const columns: Record<string, Vector> = {};
  batch.schema.fields.forEach((field, i) => {
    const column = batch.getChildAt(i)!;
    columns[field.name] = isPlainable(field.type)
      ? vectorFromArray([...column], (field.type as { dictionary: DataType }).dictionary)
      : column;
  });
  return new Table(columns).batches;
}
