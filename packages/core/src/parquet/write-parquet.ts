import { RecordBatch, type Schema, type Table } from "apache-arrow";
import { z } from "zod";
import { fromArrowSchema } from "../arrow/from-arrow-schema.js";
import { SchemaInvalidError } from "../arrow/schema-invalid-error.js";
import type { BlobStore, PutResult } from "../blob-store/types.js";
import { BallastError } from "../errors/index.js";
import { parquetCompressionSchema } from "./compression.js";
import { asParquetError, ParquetError } from "./parquet-error.js";
import { loadParquetWasm } from "./parquet-wasm-module.js";
import { plainBatches, plainSchema } from "./plain-dictionaries.js";
import { RowGroupEncoder } from "./row-group-encoder.js";

/** Settings of {@link writeParquet} that are plain data, validated with zod. */
export const writeParquetSettingsSchema = z.strictObject({
  /** Rows per row group (default 100,000): the unit of reading, and the writer's memory bound. */
  rowGroupSize: z.number().int().positive().default(100_000),
  /** Compression codec for every column (default `snappy`). */
  compression: parquetCompressionSchema.default("snappy"),
  /**
   * Dictionary encoding: `strings` (default) for string and bytes columns, `all`, or `none`.
   * Dictionaries shrink repeated values; on numeric columns they mostly cost time.
   */
  dictionary: z.enum(["strings", "all", "none"]).default("strings"),
});

/** Progress of a write, reported after each row group. */
export interface WriteParquetProgress {
  rowsWritten: number;
  rowGroupsWritten: number;
  bytesWritten: number;
}

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions extends z.input<typeof writeParquetSettingsSchema> {
  /**
   * The Arrow schema, required when `data` is a stream that may yield no batch (the file still
   * needs its column types). When given, every batch must match it.
   */
  schema?: Schema;
  signal?: AbortSignal;
  onProgress?: (progress: WriteParquetProgress) => void;
}

/** What {@link writeParquet} wrote. */
export interface WriteParquetResult extends PutResult {
  numRows: number;
  numRowGroups: number;
}

/**
 * Writes Arrow data as a Parquet file to `key` in `store`, streaming: a table or a stream of record
 * batches is cut into row groups of `rowGroupSize` rows, and each is encoded and handed to the store
 * before the next is read, so files larger than memory can be written from a stream. Memory holds
 * one row group (its Arrow data and its encoded bytes) at a time.
 *
 * The columns must have Ballast logical types (DESIGN.md §5): Parquet is the at-rest format between
 * packages, and a type with no logical counterpart would not read back the same everywhere.
 * Dictionary-encoded string and bytes columns (what `tableFromArrays` makes of strings) are written
 * as plain `string`/`bytes` and read back as such.
 *
 * A failed or aborted write leaves the previous object at `key` (or none) in place: the store never
 * shows a partial object.
 *
 * @throws BallastError `SCHEMA_INVALID` for a column with no logical type or a batch whose schema
 * differs from the first; `PARQUET_ERROR` for an empty stream without `schema` or an encoding failure;
 * `VALIDATION_FAILED` for bad options; the store's errors (`ABORTED`, `BLOB_STORE_ERROR`) unchanged.
 *
 * @example
 * await writeParquet(store, "features/day=2024-05-01.parquet", table, { compression: "zstd" })
 * await writeParquet(store, "big.parquet", batchesFromSomewhere(), { schema, rowGroupSize: 50_000 })
 */
export async function writeParquet(
  store: BlobStore,
  key: string,
  data: Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
  options: WriteParquetOptions = {},
): Promise<WriteParquetResult> {
  const { schema: givenSchema, signal, onProgress, ...rest } = options;
  const parsed = writeParquetSettingsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new BallastError(
      "VALIDATION_FAILED",
      `Invalid writeParquet options: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}.`,
      {
        cause: parsed.error,
        hint: "rowGroupSize is a positive integer; compression one of uncompressed, snappy, gzip, brotli, zstd, lz4; dictionary one of strings, all, none.",
        details: { issues: parsed.error.issues },
      },
    );
  }
  const settings = parsed.data;
  const location = { uri: store.uri, key };
  const wasm = await loadParquetWasm();
  const table = isArrowTable(data) ? data : undefined;
  const given = givenSchema ?? table?.schema;
  const schema = given ? plainSchema(given) : undefined;
  const batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch> = table
    ? table.batches
    : (data as Iterable<RecordBatch> | AsyncIterable<RecordBatch>);
  let encoder: RowGroupEncoder | undefined;

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let fileSchema = schema;
    let expected = fileSchema ? logicalKey(fileSchema) : undefined;
    let bytesWritten = 0;
    const open = (s: Schema) => {
      encoder = new RowGroupEncoder(wasm, s, settings, location);
      const head = encoder.start();
      bytesWritten += head.length;
      return head;
    };
    if (fileSchema) yield open(fileSchema);
    let pending: RecordBatch[] = [];
    let pendingRows = 0;
    const flush = () => {
      const body = encode(encoder!, pending, location);
      pending = [];
      pendingRows = 0;
      bytesWritten += body.length;
      onProgress?.({ rowsWritten: encoder!.numRows, rowGroupsWritten: encoder!.numRowGroups, bytesWritten });
      return body;
    };
    for await (const input of batches) {
      signal?.throwIfAborted();
      for (let batch of plainBatches(input)) {
        if (!fileSchema) {
          fileSchema = batch.schema;
          expected = logicalKey(fileSchema);
          yield open(fileSchema);
        } else if (batch.schema !== fileSchema) {
          checkBatch(batch, fileSchema, expected!);
          // Same columns and types, so the data fits the file's schema (its nullability flags included).
          batch = new RecordBatch(fileSchema, batch.data);
        }
        // Cut the stream into row groups of exactly rowGroupSize rows, whatever the batch sizes.
        let start = 0;
        while (start < batch.numRows) {
          const take = Math.min(settings.rowGroupSize - pendingRows, batch.numRows - start);
          pending.push(start === 0 && take === batch.numRows ? batch : batch.slice(start, start + take));
          pendingRows += take;
          start += take;
          if (pendingRows === settings.rowGroupSize) yield flush();
        }
      }
    }
    if (!encoder) {
      throw new ParquetError(
        "Nothing to write: the stream yielded no record batch and no schema was given",
        location,
        {
          hint: "Pass options.schema so an empty stream writes an empty, typed file.",
        },
      );
    }
    if (pendingRows > 0) yield flush();
    yield encoder.finish();
  }

  const put = await store.put(key, chunks(), {
    contentType: "application/vnd.apache.parquet",
    ...(signal ? { signal } : {}),
  });
  const done = encoder as RowGroupEncoder | undefined;
  return { ...put, numRows: done?.numRows ?? 0, numRowGroups: done?.numRowGroups ?? 0 };
}

/**
 * Validates the schema and returns a string equal for schemas with the same columns and types.
 * Column nullability is left out: Arrow JS marks columns built from values nullable, so a batch may
 * say nullable where the file says required; {@link checkBatch} checks the values instead.
 */
function logicalKey(schema: Schema): string {
  return JSON.stringify(fromArrowSchema(schema).fields.map(({ name, type }) => ({ name, type })));
}

/** Rejects a batch that does not fit the file's schema: other columns or types, or nulls in a required column. */
function checkBatch(batch: RecordBatch, fileSchema: Schema, expected: string): void {
  const got = logicalKey(batch.schema);
  if (got !== expected) {
    throw new SchemaInvalidError([
      {
        column: "(schema)",
        problem: `a record batch has the columns ${got}, but the file has ${expected}`,
        fix: "give every batch of one file the same column names and types",
      },
    ]);
  }
  fileSchema.fields.forEach((field, i) => {
    const nulls = batch.getChildAt(i)?.nullCount ?? 0;
    if (!field.nullable && nulls > 0) {
      throw new SchemaInvalidError([
        {
          column: field.name,
          problem: `the schema says it is not nullable, but a record batch has ${nulls} nulls in it`,
          fix: "fill the nulls, or declare the column nullable",
        },
      ]);
    }
  });
}

function encode(
  encoder: RowGroupEncoder,
  batches: RecordBatch[],
  location: { uri: string; key: string },
): Uint8Array {
  try {
    return encoder.encode(batches);
  } catch (error) {
    throw asParquetError(error, "encode a row group", location);
  }
}

/** Structural check: `instanceof` fails when the caller's apache-arrow is another copy than ours. */
function isArrowTable(value: unknown): value is Table {
  const candidate = value as { batches?: unknown; schema?: { fields?: unknown } } | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    Array.isArray(candidate.batches) &&
    Array.isArray(candidate.schema?.fields)
  );
}
