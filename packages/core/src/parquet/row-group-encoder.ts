import { DataType, type RecordBatch, type Schema } from "apache-arrow";
import { type ParquetCompression, WASM_COMPRESSION } from "./compression.js";
import type { ParquetErrorLocation } from "./parquet-error.js";
import {
  decodeFileFooter,
  encodeFooter,
  footerRowGroups,
  PARQUET_MAGIC,
  rowGroupColumns,
  shiftColumnChunk,
  withRowGroupColumns,
  withRowGroups,
} from "./parquet-footer.js";
import type { ParquetWasm } from "./parquet-wasm-module.js";
import type { ThriftStruct } from "./thrift-compact.js";
import { toWasmTable } from "./wasm-arrow-bridge.js";

/** Which columns get dictionary encoding. */
export type ParquetDictionary = "strings" | "all" | "none";

/** Encoding settings shared by every row group of one file. */
export interface RowGroupEncoding {
  compression: ParquetCompression;
  dictionary: ParquetDictionary;
}

/**
 * Writes a Parquet file one row group at a time, so a file of any size passes through memory one
 * row group at a time.
 *
 * The codec (parquet-wasm) only writes whole files, so each row group is encoded as a file of its
 * own; its pages and page indexes are copied out, and its footer entry is moved to where those
 * bytes land in the output. The footer of the output is the first file's footer with every row
 * group listed. This relies only on the Parquet format, not on codec internals: every offset in a
 * footer is absolute, and only those offsets change.
 */
export class RowGroupEncoder {
  /** Bytes emitted so far, which is where the next row group starts. */
  private offset = 0;
  private readonly rowGroups: ThriftStruct[] = [];
  private template: ThriftStruct | undefined;
  private rows = 0;

  constructor(
    private readonly wasm: ParquetWasm,
    private readonly schema: Schema,
    private readonly encoding: RowGroupEncoding,
    private readonly location: ParquetErrorLocation,
  ) {}

  /** Rows encoded so far. */
  get numRows(): number {
    return this.rows;
  }

  /** Row groups encoded so far. */
  get numRowGroups(): number {
    return this.rowGroups.length;
  }

  /** The bytes that open the file. */
  start(): Uint8Array {
    this.offset = PARQUET_MAGIC.length;
    return PARQUET_MAGIC.slice();
  }

  /** Encodes `batches` (together at most one row group's rows) and returns the bytes to append. */
  encode(batches: readonly RecordBatch[]): Uint8Array {
    const file = this.encodeFile(batches);
    const footer = decodeFileFooter(file, this.location);
    const delta = this.offset - PARQUET_MAGIC.length;
    for (const group of footerRowGroups(footer.fileMetaData)) {
      const columns = rowGroupColumns(group).map((chunk) => shiftColumnChunk(chunk, delta, false));
      this.rowGroups.push(withRowGroupColumns(group, columns, delta));
    }
    this.template ??= footer.fileMetaData;
    const body = file.subarray(PARQUET_MAGIC.length, footer.footerOffset);
    this.offset += body.length;
    this.rows += batches.reduce((sum, batch) => sum + batch.numRows, 0);
    return body;
  }

  /** The footer that closes the file. */
  finish(): Uint8Array {
    // With no rows the codec still writes the schema: an empty file is a valid, typed Parquet file.
    const template = this.template ?? decodeFileFooter(this.encodeFile([]), this.location).fileMetaData;
    return encodeFooter(withRowGroups(template, this.rowGroups));
  }

  private encodeFile(batches: readonly RecordBatch[]): Uint8Array {
    const rows = batches.reduce((sum, batch) => sum + batch.numRows, 0);
    const table = toWasmTable(this.wasm, this.schema, batches);
    // Both arguments are consumed (freed) by writeParquet, on success and on failure.
    return this.wasm.writeParquet(table, this.properties(Math.max(rows, 1)));
  }

  private properties(rows: number) {
    const wasm = this.wasm;
    let builder = new wasm.WriterPropertiesBuilder()
      .setCompression(WASM_COMPRESSION[this.encoding.compression])
      // One call is one row group: the caller has already cut the rows to size.
      .setMaxRowGroupSize(rows)
      .setCreatedBy("ballast (parquet-wasm)")
      .setDictionaryEnabled(this.encoding.dictionary === "all");
    if (this.encoding.dictionary === "strings") {
      // Dictionaries pay off on repeated strings; on numeric columns they rarely do and the failed
      // attempt doubled the write time in our measurements (docs/decisions/0001-parquet-codec.md).
      for (const path of stringColumnPaths(this.schema))
        builder = builder.setColumnDictionaryEnabled(path, true);
    }
    return builder.build();
  }
}

/** Dotted Parquet leaf paths of string and binary columns, including list elements. */
function stringColumnPaths(schema: Schema): string[] {
  const isText = (type: DataType) => DataType.isUtf8(type) || DataType.isBinary(type);
  const paths: string[] = [];
  for (const field of schema.fields) {
    if (isText(field.type)) paths.push(field.name);
    else if (DataType.isList(field.type)) {
      const child = field.type.children[0];
      // The codec names the repeated group `list` and the element after the Arrow child field.
      if (child && isText(child.type)) paths.push(`${field.name}.list.${child.name}`);
    }
  }
  return paths;
}
