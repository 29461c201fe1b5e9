import type { RecordBatch } from "apache-arrow";
import type { BlobStore } from "../blob-store/types.js";
import { BallastError } from "../errors/index.js";
import { openRowGroupDecoder } from "./row-group-decoder.js";

/** Options of {@link scanParquet}. */
export interface ScanParquetOptions {
  /** Top-level columns to read, in the order wanted; all columns when omitted. */
  columns?: readonly string[];
  /** Rows per yielded batch at most; one batch per row group when omitted. */
  batchRows?: number;
  /** Row group indexes to scan, in order; all when omitted. */
  rowGroups?: readonly number[];
  signal?: AbortSignal;
}

/**
 * Streams a Parquet file as Arrow record batches, one row group at a time: each row group's wanted
 * column chunks are fetched with range reads, decoded, yielded, and dropped before the next is read.
 * Memory holds one row group, never the whole file, so files larger than memory can be scanned.
 *
 * The footer is read when iteration starts; a consumer that stops early (`break`) reads no further.
 *
 * @throws BallastError `BLOB_NOT_FOUND`; `PARQUET_ERROR` for a file that is not readable Parquet, an
 * unknown column, an out-of-range row group, or a corrupt row group (when it is reached);
 * `VALIDATION_FAILED` for a `batchRows` that is not a positive integer.
 *
 * @example
 * let rows = 0
 * for await (const batch of scanParquet(store, "events.parquet", { columns: ["ts"] })) rows += batch.numRows
 */
export async function* scanParquet(
  store: BlobStore,
  key: string,
  options: ScanParquetOptions = {},
): AsyncGenerator<RecordBatch, void, undefined> {
  const { batchRows } = options;
  if (batchRows !== undefined && !(Number.isSafeInteger(batchRows) && batchRows > 0)) {
    throw new BallastError(
      "VALIDATION_FAILED",
      `scanParquet batchRows must be a positive integer, got ${batchRows}.`,
    );
  }
  const decoder = await openRowGroupDecoder(store, key);
  decoder.checkColumns(options.columns);
  const rowGroups = options.rowGroups ?? Array.from({ length: decoder.numRowGroups }, (_, i) => i);
  decoder.checkRowGroups(rowGroups);
  for (const index of rowGroups) {
    options.signal?.throwIfAborted();
    const table = await decoder.read(index, {
      columns: options.columns,
      batchRows: options.batchRows,
      signal: options.signal,
    });
    yield* table.batches;
  }
}
