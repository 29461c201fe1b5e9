import { makeData, RecordBatch, Schema, Struct } from "apache-arrow";

/**
 * Test support: a `scanColumns` for a view whose source is a plain batch stream, yielding each batch
 * narrowed to the named columns and the `__` timestamps, the way `scanSource` narrows with
 * `columns`. Not exported by the package.
 */
export function projectedBatches(
  batches: () => AsyncIterable<RecordBatch>,
): (columns: readonly string[]) => AsyncIterable<RecordBatch> {
  return (columns) =>
    (async function* () {
      for await (const batch of batches()) {
        const keep = batch.schema.fields
          .map((field, i) => ({ field, data: batch.data.children[i]! }))
          .filter(({ field }) => columns.includes(field.name) || field.name.startsWith("__"));
        const fields = keep.map(({ field }) => field);
        yield new RecordBatch(
          new Schema(fields),
          makeData({
            type: new Struct(fields),
            length: batch.numRows,
            nullCount: 0,
            children: keep.map(({ data }) => data),
          }),
        );
      }
    })();
}
