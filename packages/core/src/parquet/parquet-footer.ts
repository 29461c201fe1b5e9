import { blobNotFound } from "../blob-store/blob-errors.js";
import type { BlobStore } from "../blob-store/types.js";
import { ParquetError, type ParquetErrorLocation } from "./parquet-error.js";
import {
  decodeThriftStruct,
  encodeThriftStruct,
  type ThriftList,
  type ThriftStruct,
  ThriftType,
  thriftField,
  withThriftField,
} from "./thrift-compact.js";

/**
 * Field ids of `FileMetaData`, from `parquet.thrift` in apache/parquet-format. Here and in the
 * tables below, only the fields this package reads or rewrites are named.
 */
export const FileMetaDataField = {
  schema: 2,
  numRows: 3,
  rowGroups: 4,
  keyValueMetadata: 5,
  createdBy: 6,
} as const;
/** Field ids of `RowGroup` (parquet.thrift). */
export const RowGroupField = {
  columns: 1,
  totalByteSize: 2,
  numRows: 3,
  fileOffset: 5,
  totalCompressedSize: 6,
} as const;
/** Field ids of `ColumnChunk` (parquet.thrift). */
export const ColumnChunkField = {
  fileOffset: 2,
  metaData: 3,
  offsetIndexOffset: 4,
  offsetIndexLength: 5,
  columnIndexOffset: 6,
  columnIndexLength: 7,
  cryptoMetadata: 8,
} as const;
/** Field ids of `ColumnMetaData` (parquet.thrift). */
export const ColumnMetaDataField = {
  pathInSchema: 3,
  codec: 4,
  totalUncompressedSize: 6,
  totalCompressedSize: 7,
  dataPageOffset: 9,
  indexPageOffset: 10,
  dictionaryPageOffset: 11,
  bloomFilterOffset: 14,
  bloomFilterLength: 15,
} as const;

/** `PAR1`, little-endian, at both ends of every unencrypted Parquet file. */
export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
/** Footer length (u32) plus the trailing magic. */
const TRAILER_BYTES = 8;
/** One range read fetches the footer of almost every file; bigger footers cost a second read. */
const FOOTER_PREFETCH_BYTES = 64 * 1024;

/** A decoded footer and where it sits in the file. */
export interface ParquetFooter {
  /** The whole `FileMetaData`, kept undecoded below the fields we use, so it can be re-encoded. */
  fileMetaData: ThriftStruct;
  /** Size of the file in bytes. */
  fileSize: number;
  /** Offset of the first footer byte: every column chunk ends before it. */
  footerOffset: number;
}

/**
 * Reads and decodes the footer of the Parquet object at `key` with one or two range reads.
 *
 * @throws BallastError `BLOB_NOT_FOUND` when there is no such object; `PARQUET_ERROR` when it is not
 * an unencrypted Parquet file or its footer is truncated or corrupt.
 */
export async function readParquetFooter(store: BlobStore, key: string): Promise<ParquetFooter> {
  const location: ParquetErrorLocation = { uri: store.uri, key };
  const info = await store.head(key);
  if (!info) throw blobNotFound(store.uri, key);
  const fileSize = info.size;
  if (fileSize < PARQUET_MAGIC.length * 2 + TRAILER_BYTES - PARQUET_MAGIC.length) {
    throw notParquet(`The object is ${fileSize} bytes, too small to be a Parquet file`, location);
  }
  const tailLength = Math.min(fileSize, FOOTER_PREFETCH_BYTES);
  const tail = await store.getBytes(key, { offset: fileSize - tailLength, length: tailLength });
  if (tail.length !== tailLength) {
    throw new ParquetError(
      `The object changed while being read (expected ${tailLength} bytes of its end, got ${tail.length})`,
      location,
      {
        retryable: true,
      },
    );
  }
  const magic = tail.subarray(tail.length - 4);
  if (magic[0] === 0x50 && magic[1] === 0x41 && magic[2] === 0x52 && magic[3] === 0x45) {
    throw new ParquetError(
      "The Parquet file is encrypted (footer magic PARE), which is not supported",
      location,
      {
        hint: "Decrypt it with the tool that wrote it, or write it again without encryption.",
      },
    );
  }
  if (!equalBytes(magic, PARQUET_MAGIC)) {
    throw notParquet("The object does not end with the Parquet magic bytes PAR1", location);
  }
  const footerLength = new DataView(tail.buffer, tail.byteOffset + tail.length - TRAILER_BYTES, 4).getUint32(
    0,
    true,
  );
  const footerOffset = fileSize - TRAILER_BYTES - footerLength;
  if (footerOffset < PARQUET_MAGIC.length) {
    throw notParquet(`The footer length (${footerLength} bytes) is larger than the file`, location);
  }
  let footerBytes: Uint8Array;
  if (footerLength + TRAILER_BYTES <= tail.length) {
    footerBytes = tail.subarray(tail.length - TRAILER_BYTES - footerLength, tail.length - TRAILER_BYTES);
  } else {
    footerBytes = await store.getBytes(key, { offset: footerOffset, length: footerLength });
  }
  const fileMetaData = decodeFileMetaData(footerBytes, location);
  return { fileMetaData, fileSize, footerOffset };
}

/**
 * Decodes the footer of a whole Parquet file held in memory (one the codec just wrote).
 *
 * @throws BallastError `PARQUET_ERROR` when `file` is not a well-formed unencrypted Parquet file.
 */
export function decodeFileFooter(file: Uint8Array, location: ParquetErrorLocation = {}): ParquetFooter {
  if (file.length < 12 || !equalBytes(file.subarray(file.length - 4), PARQUET_MAGIC)) {
    throw notParquet("The bytes do not end with the Parquet magic bytes PAR1", location);
  }
  const footerLength = new DataView(file.buffer, file.byteOffset + file.length - TRAILER_BYTES, 4).getUint32(
    0,
    true,
  );
  const footerOffset = file.length - TRAILER_BYTES - footerLength;
  if (footerOffset < PARQUET_MAGIC.length)
    throw notParquet("The footer length is larger than the file", location);
  const fileMetaData = decodeFileMetaData(file.subarray(footerOffset, file.length - TRAILER_BYTES), location);
  return { fileMetaData, fileSize: file.length, footerOffset };
}

function decodeFileMetaData(footerBytes: Uint8Array, location: ParquetErrorLocation): ThriftStruct {
  let fileMetaData: ThriftStruct;
  try {
    fileMetaData = decodeThriftStruct(footerBytes).value;
  } catch (error) {
    throw notParquet(
      `The footer is corrupt (${error instanceof Error ? error.message : String(error)})`,
      location,
      error,
    );
  }
  checkFooterShape(fileMetaData, location);
  return fileMetaData;
}

function notParquet(message: string, location: ParquetErrorLocation, cause?: unknown): ParquetError {
  return new ParquetError(`${message}; it is not a readable Parquet file`, location, {
    cause,
    hint: "The file may be truncated (an interrupted copy) or not Parquet at all; write it again or check the key.",
  });
}

/** Rejects footers that decode as Thrift but lack what every Parquet footer has. */
function checkFooterShape(fileMetaData: ThriftStruct, location: ParquetErrorLocation): void {
  const rowGroups = thriftField(fileMetaData, FileMetaDataField.rowGroups);
  const schema = thriftField(fileMetaData, FileMetaDataField.schema);
  const numRows = thriftField(fileMetaData, FileMetaDataField.numRows);
  if (
    !rowGroups ||
    !isList(rowGroups.value) ||
    !schema ||
    !isList(schema.value) ||
    typeof numRows?.value !== "bigint"
  ) {
    throw notParquet("The footer lacks a schema, row count or row group list", location);
  }
  for (const rowGroup of footerRowGroups(fileMetaData)) {
    for (const chunk of rowGroupColumns(rowGroup)) {
      if (thriftField(chunk, ColumnChunkField.cryptoMetadata)) {
        throw new ParquetError("The Parquet file has encrypted columns, which is not supported", location);
      }
      if (!chunkMetaData(chunk)) throw notParquet("A column chunk has no metadata", location);
    }
  }
}

function isList(value: unknown): value is ThriftList {
  return typeof value === "object" && value !== null && (value as ThriftList).kind === "list";
}

function isStruct(value: unknown): value is ThriftStruct {
  return typeof value === "object" && value !== null && (value as ThriftStruct).kind === "struct";
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The row groups of a footer, in file order. */
export function footerRowGroups(fileMetaData: ThriftStruct): ThriftStruct[] {
  const field = thriftField(fileMetaData, FileMetaDataField.rowGroups);
  return field && isList(field.value) ? field.value.items.filter(isStruct) : [];
}

/** The column chunks of a row group, one per leaf column, in schema order. */
export function rowGroupColumns(rowGroup: ThriftStruct): ThriftStruct[] {
  const field = thriftField(rowGroup, RowGroupField.columns);
  return field && isList(field.value) ? field.value.items.filter(isStruct) : [];
}

/** The `ColumnMetaData` of a chunk (absent only in encrypted files, which are rejected). */
export function chunkMetaData(chunk: ThriftStruct): ThriftStruct | undefined {
  const field = thriftField(chunk, ColumnChunkField.metaData);
  return field && isStruct(field.value) ? field.value : undefined;
}

/** An i64 (or smaller integer) field as a JS number; undefined when absent. */
export function intField(struct: ThriftStruct, id: number): number | undefined {
  const value = thriftField(struct, id)?.value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  return undefined;
}

/** The top-level column a chunk belongs to: the first element of its schema path. */
export function chunkTopLevelName(chunk: ThriftStruct): string {
  const path = thriftField(
    chunkMetaData(chunk) ?? { kind: "struct", fields: [] },
    ColumnMetaDataField.pathInSchema,
  );
  const first = path && isList(path.value) ? path.value.items[0] : undefined;
  return first instanceof Uint8Array ? new TextDecoder().decode(first) : "";
}

/** Byte range of a chunk's pages: from its dictionary page (if any) to the end of its last data page. */
export function chunkByteRange(chunk: ThriftStruct): { offset: number; length: number } {
  const meta = chunkMetaData(chunk) ?? { kind: "struct", fields: [] };
  const dataPage = intField(meta, ColumnMetaDataField.dataPageOffset) ?? 0;
  const dictionaryPage = intField(meta, ColumnMetaDataField.dictionaryPageOffset);
  // Some writers set dictionary_page_offset to 0 when there is none; only an earlier page counts.
  const offset =
    dictionaryPage !== undefined && dictionaryPage > 0 && dictionaryPage < dataPage
      ? dictionaryPage
      : dataPage;
  return { offset, length: intField(meta, ColumnMetaDataField.totalCompressedSize) ?? 0 };
}

/**
 * A copy of `chunk` whose page offsets are moved by `delta` bytes, for a chunk copied to another
 * place. `dropIndexes` removes the page-index and bloom-filter pointers, for copies that leave those
 * structures behind.
 */
export function shiftColumnChunk(chunk: ThriftStruct, delta: number, dropIndexes: boolean): ThriftStruct {
  const shift = (struct: ThriftStruct, id: number): ThriftStruct => {
    const field = thriftField(struct, id);
    if (field === undefined || typeof field.value !== "bigint") return struct;
    return withThriftField(struct, id, { type: ThriftType.I64, value: field.value + BigInt(delta) });
  };
  let meta = chunkMetaData(chunk) ?? { kind: "struct", fields: [] };
  for (const id of [
    ColumnMetaDataField.dataPageOffset,
    ColumnMetaDataField.indexPageOffset,
    ColumnMetaDataField.dictionaryPageOffset,
  ]) {
    meta = shift(meta, id);
  }
  let out = withThriftField(chunk, ColumnChunkField.metaData, { type: ThriftType.STRUCT, value: meta });
  out = shift(out, ColumnChunkField.fileOffset);
  if (dropIndexes) {
    meta = withThriftField(meta, ColumnMetaDataField.bloomFilterOffset, undefined);
    meta = withThriftField(meta, ColumnMetaDataField.bloomFilterLength, undefined);
    out = withThriftField(out, ColumnChunkField.metaData, { type: ThriftType.STRUCT, value: meta });
    for (const id of [
      ColumnChunkField.offsetIndexOffset,
      ColumnChunkField.offsetIndexLength,
      ColumnChunkField.columnIndexOffset,
      ColumnChunkField.columnIndexLength,
    ]) {
      out = withThriftField(out, id, undefined);
    }
  } else {
    meta = shift(meta, ColumnMetaDataField.bloomFilterOffset);
    out = withThriftField(out, ColumnChunkField.metaData, { type: ThriftType.STRUCT, value: meta });
    out = shift(out, ColumnChunkField.offsetIndexOffset);
    out = shift(out, ColumnChunkField.columnIndexOffset);
  }
  return out;
}

/** A copy of `rowGroup` with its own file offset moved by `delta` and its chunks replaced. */
export function withRowGroupColumns(
  rowGroup: ThriftStruct,
  columns: ThriftStruct[],
  delta: number,
): ThriftStruct {
  let out = withThriftField(rowGroup, RowGroupField.columns, {
    type: ThriftType.LIST,
    value: { kind: "list", elementType: ThriftType.STRUCT, items: columns },
  });
  const fileOffset = thriftField(out, RowGroupField.fileOffset);
  if (fileOffset && typeof fileOffset.value === "bigint") {
    out = withThriftField(out, RowGroupField.fileOffset, {
      type: ThriftType.I64,
      value: fileOffset.value + BigInt(delta),
    });
  }
  return out;
}

/** A copy of a footer holding exactly `rowGroups`, with `num_rows` summed from them. */
export function withRowGroups(fileMetaData: ThriftStruct, rowGroups: ThriftStruct[]): ThriftStruct {
  const numRows = rowGroups.reduce(
    (sum, group) => sum + BigInt(intField(group, RowGroupField.numRows) ?? 0),
    0n,
  );
  const out = withThriftField(fileMetaData, FileMetaDataField.rowGroups, {
    type: ThriftType.LIST,
    value: { kind: "list", elementType: ThriftType.STRUCT, items: rowGroups },
  });
  return withThriftField(out, FileMetaDataField.numRows, { type: ThriftType.I64, value: numRows });
}

/** The footer bytes that end a file: encoded `FileMetaData`, its length, and `PAR1`. */
export function encodeFooter(fileMetaData: ThriftStruct): Uint8Array {
  const body = encodeThriftStruct(fileMetaData);
  const out = new Uint8Array(body.length + TRAILER_BYTES);
  out.set(body, 0);
  new DataView(out.buffer).setUint32(body.length, body.length, true);
  out.set(PARQUET_MAGIC, body.length + 4);
  return out;
}
