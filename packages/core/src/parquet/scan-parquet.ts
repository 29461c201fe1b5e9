import type { RecordBatch, Table } from "apache-arrow";
import type { BlobStore } from "../blob-store/types.js";
import { BallastError } from "../errors/index.js";
import type { ParquetDecodePool } from "./parquet-decode-pool.js";
import { openRowGroupDecoder, type RowGroupDecoder } from "./row-group-decoder.js";

/** Options of {@link scanParquet}. */
export interface ScanParquetOptions {
  /** Top-level columns to read, in the order wanted; all columns when omitted. */
  columns?: readonly string[];
  /** Rows per yielded batch at most; one batch per row group when omitted. */
  batchRows?: number;
  /** Row group indexes to scan, in order; all when omitted. */
  rowGroups?: readonly number[];
  /**
   * Decode row groups on this pool's worker threads (usually {@link sharedParquetDecodePool}) instead
   * of the calling thread. Batches and errors are the same.
   */
  decodeOn?: ParquetDecodePool;
  /**
   * Row groups fetched and decoding ahead of the one being consumed (default 0: each row group is
   * read when the consumer asks for it). With a pool, 2 per worker keeps every worker busy while the
   * consumer works; memory holds this many row groups more.
   */
  prefetch?: number;
  signal?: AbortSignal;
}

/**
 * Streams a Parquet file as Arrow record batches, one row group at a time: each row group's wanted
 * column chunks are fetched with range reads, decoded, yielded, and dropped before the next is read.
 * Memory holds one row group, never the whole file, so files larger than memory can be scanned.
 *
 * The footer is read when iteration starts; a consumer that stops early (`break`) reads no further
 * (beyond the `prefetch` row groups already asked for, whose results are dropped).
 *
 * @throws BallastError `BLOB_NOT_FOUND`; `PARQUET_ERROR` for a file that is not readable Parquet, an
 * unknown column, an out-of-range row group, or a corrupt row group (when it is reached);
 * `VALIDATION_FAILED` for a `batchRows` that is not a positive integer or a `prefetch` that is not a
 * non-negative integer.
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
  const prefetch = options.prefetch ?? 0;
  if (!(Number.isSafeInteger(prefetch) && prefetch >= 0)) {
    throw new BallastError(
      "VALIDATION_FAILED",
      `scanParquet prefetch must be a non-negative integer, got ${prefetch}.`,
    );
  }
  const decoder = await openRowGroupDecoder(store, key);
  decoder.checkColumns(options.columns);
  const rowGroups = options.rowGroups ?? Array.from({ length: decoder.numRowGroups }, (_, i) => i);
  decoder.checkRowGroups(rowGroups);
  yield* readRowGroups(decoder, rowGroups, prefetch, options);
}

/**
 * The tables of `rowGroups`, in order, with up to `prefetch` more requested ahead of the one being
 * consumed. Used by {@link scanParquet} and `readParquet`.
 */
export async function* readRowGroups(
  decoder: RowGroupDecoder,
  rowGroups: readonly number[],
  prefetch: number,
  options: Pick<ScanParquetOptions, "columns" | "batchRows" | "decodeOn" | "signal">,
): AsyncGenerator<RecordBatch, void, undefined> {
  const read = (index: number) =>
    decoder.read(index, {
      columns: options.columns,
      batchRows: options.batchRows,
      signal: options.signal,
      decodeOn: options.decodeOn,
    });
  const ahead: Promise<Table>[] = [];
  let next = 0;
  try {
    while (next < rowGroups.length || ahead.length > 0) {
      options.signal?.throwIfAborted();
      while (next < rowGroups.length && ahead.length <= prefetch) {
        const pending = read(rowGroups[next++]!);
        // Failures surface when their turn comes; until then they must not count as unhandled.
        pending.catch(() => {});
        ahead.push(pending);
      }
      const table = await ahead.shift()!;
      yield* table.batches;
    }
  } finally {
    // A consumer that stopped early, or a failure: wait for the reads in flight, ignoring their results.
    await Promise.allSettled(ahead);
  }
}
