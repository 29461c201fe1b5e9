import type { Schema } from "apache-arrow";
import type { BlobStore } from "../blob-store/types.js";
import {
  ColumnMetaDataField,
  chunkMetaData,
  FileMetaDataField,
  footerRowGroups,
  intField,
  RowGroupField,
  rowGroupColumns,
} from "./parquet-footer.js";
import { openRowGroupDecoder } from "./row-group-decoder.js";
import { type ThriftList, thriftField } from "./thrift-compact.js";

/** Parquet format codec ids (`CompressionCodec` in parquet.thrift), named as the format names them. */
const CODEC_NAMES = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"] as const;

/** One column chunk of a row group. */
export interface ParquetColumnChunkInfo {
  /** Path of the leaf column in the Parquet schema, e.g. `["tags", "list", "item"]`. */
  path: string[];
  /** Codec as the format names it: `SNAPPY`, `ZSTD`, ... */
  compression: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

/** One row group. */
export interface ParquetRowGroupInfo {
  index: number;
  numRows: number;
  compressedBytes: number;
  uncompressedBytes: number;
  columns: ParquetColumnChunkInfo[];
}

/** What a Parquet footer says about its file. */
export interface ParquetMetadata {
  /** Size of the file in bytes. */
  sizeBytes: number;
  numRows: number;
  /** The Arrow schema the file decodes to (check it with `fromArrowSchema` for logical types). */
  schema: Schema;
  rowGroups: ParquetRowGroupInfo[];
  /** The writing application, when recorded. */
  createdBy: string | undefined;
  /** The footer's key-value metadata (the embedded Arrow schema included). */
  keyValueMetadata: Record<string, string>;
}

/**
 * Reads the schema, row groups and row counts of a Parquet file from its footer alone, with one or
 * two range reads from the end of the object; no data pages are read.
 *
 * @throws BallastError `BLOB_NOT_FOUND`; `PARQUET_ERROR` when the object is not readable Parquet.
 *
 * @example
 * const { numRows, rowGroups } = await readParquetMetadata(store, "events.parquet")
 */
export async function readParquetMetadata(store: BlobStore, key: string): Promise<ParquetMetadata> {
  const decoder = await openRowGroupDecoder(store, key);
  const fileMetaData = decoder.footer.fileMetaData;
  const text = new TextDecoder();
  const rowGroups = footerRowGroups(fileMetaData).map((group, index): ParquetRowGroupInfo => {
    const columns = rowGroupColumns(group).map((chunk): ParquetColumnChunkInfo => {
      const meta = chunkMetaData(chunk) ?? { kind: "struct", fields: [] };
      const path = thriftField(meta, ColumnMetaDataField.pathInSchema)?.value as ThriftList | undefined;
      const codec = intField(meta, ColumnMetaDataField.codec) ?? 0;
      return {
        path: (path?.items ?? []).map((part) =>
          part instanceof Uint8Array ? text.decode(part) : String(part),
        ),
        compression: CODEC_NAMES[codec] ?? `codec ${codec}`,
        compressedBytes: intField(meta, ColumnMetaDataField.totalCompressedSize) ?? 0,
        uncompressedBytes: intField(meta, ColumnMetaDataField.totalUncompressedSize) ?? 0,
      };
    });
    return {
      index,
      numRows: intField(group, RowGroupField.numRows) ?? 0,
      compressedBytes:
        intField(group, RowGroupField.totalCompressedSize) ??
        columns.reduce((sum, column) => sum + column.compressedBytes, 0),
      uncompressedBytes: intField(group, RowGroupField.totalByteSize) ?? 0,
      columns,
    };
  });
  const createdBy = thriftField(fileMetaData, FileMetaDataField.createdBy)?.value;
  const keyValueMetadata: Record<string, string> = {};
  const pairs = thriftField(fileMetaData, FileMetaDataField.keyValueMetadata)?.value as
    | ThriftList
    | undefined;
  for (const pair of pairs?.items ?? []) {
    if (typeof pair !== "object" || pair === null || !("kind" in pair) || pair.kind !== "struct") continue;
    const k = thriftField(pair, 1)?.value;
    const v = thriftField(pair, 2)?.value;
    if (k instanceof Uint8Array)
      keyValueMetadata[text.decode(k)] = v instanceof Uint8Array ? text.decode(v) : "";
  }
  return {
    sizeBytes: decoder.footer.fileSize,
    numRows: intField(fileMetaData, FileMetaDataField.numRows) ?? 0,
    schema: decoder.schema(),
    rowGroups,
    createdBy: createdBy instanceof Uint8Array ? text.decode(createdBy) : undefined,
    keyValueMetadata,
  };
}
