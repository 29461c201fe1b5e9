import { type RecordBatch, Schema, Table } from "apache-arrow";
import type { BlobStore } from "../blob-store/types.js";
import type { ParquetDecodePool } from "./parquet-decode-pool.js";
import { openRowGroupDecoder } from "./row-group-decoder.js";
import { readRowGroups } from "./scan-parquet.js";

/** Options of {@link readParquet}. */
export interface ReadParquetOptions {
  /** Top-level columns to read, in the order wanted; all columns when omitted. */
  columns?: readonly string[];
  /** Row group indexes to read, in the order wanted; all when omitted. */
  rowGroups?: readonly number[];
  /** Decode row groups on this pool's worker threads, several at a time; the table is the same. */
  decodeOn?: ParquetDecodePool;
  signal?: AbortSignal;
}

/**
 * Reads a Parquet file (or some of its columns and row groups) into one Arrow table. Only the chunks
 * of the wanted columns are fetched, with range reads, one row group at a time; use
 * {@link scanParquet} when the result need not be in memory at once.
 *
 * int64 columns come back as bigint, timestamps as epoch milliseconds in `timestamp[ms, UTC]`.
 *
 * @throws BallastError `BLOB_NOT_FOUND`; `PARQUET_ERROR` for a file that is not readable Parquet, an
 * unknown column or an out-of-range row group (each naming what exists).
 *
 * @example
 * const table = await readParquet(store, "events.parquet", { columns: ["user_id", "ts"] })
 */
export async function readParquet(
  store: BlobStore,
  key: string,
  options: ReadParquetOptions = {},
): Promise<Table> {
  const decoder = await openRowGroupDecoder(store, key);
  decoder.checkColumns(options.columns);
  const rowGroups = options.rowGroups ?? Array.from({ length: decoder.numRowGroups }, (_, i) => i);
  decoder.checkRowGroups(rowGroups);
  const fileSchema = decoder.schema();
  const schema =
    options.columns === undefined
      ? fileSchema
      : new Schema(
          options.columns.map((name) => fileSchema.fields.find((field) => field.name === name)!),
          fileSchema.metadata,
        );
  const batches: RecordBatch[] = [];
  // With a pool every worker gets row groups to decode; in-thread, one row group at a time.
  const prefetch = options.decodeOn ? 2 * options.decodeOn.size - 1 : 0;
  for await (const batch of readRowGroups(decoder, rowGroups, prefetch, options)) batches.push(batch);
  return batches.length ? new Table(batches) : new Table(schema);
}
