import type { Readable } from "node:stream";
import { Schema, type Table, tableFromIPC } from "apache-arrow";
import type { BlobStore } from "../blob-store/types.js";
import { projectFooter } from "./column-projection.js";
import type { ParquetDecodePool } from "./parquet-decode-pool.js";
import { asParquetError, ParquetError, type ParquetErrorLocation } from "./parquet-error.js";
import {
  chunkByteRange,
  chunkTopLevelName,
  encodeFooter,
  footerRowGroups,
  intField,
  PARQUET_MAGIC,
  type ParquetFooter,
  RowGroupField,
  readParquetFooter,
  rowGroupColumns,
  shiftColumnChunk,
  withRowGroupColumns,
  withRowGroups,
} from "./parquet-footer.js";
import { loadParquetWasm, type ParquetWasm } from "./parquet-wasm-module.js";
import type { ThriftStruct } from "./thrift-compact.js";
import { fromWasmTable } from "./wasm-arrow-bridge.js";

/**
 * Ranges closer than this are fetched in one read: one request costs more than skipping a few
 * hundred kilobytes of a column nobody asked for.
 */
const COALESCE_GAP_BYTES = 256 * 1024;

/**
 * Reads Parquet row groups from a blob store with range reads, fetching only the column chunks asked
 * for, and decodes them with the codec one row group at a time.
 *
 * The codec's own range reader is not used: in parquet-wasm 0.8 a failed or short read, or a corrupt
 * page, inside it traps the WebAssembly module in a way that surfaces as an uncaught exception and
 * ends the process. Its synchronous in-memory decoder reports the same problems as ordinary errors.
 * So the fetched chunks are packed into a small standalone file (magic, chunks, a footer listing
 * just this row group with its offsets moved) and decoded in memory.
 */
export class RowGroupDecoder {
  private readonly rowGroups: ThriftStruct[];
  private schemaCache: Schema | undefined;

  constructor(
    private readonly wasm: ParquetWasm,
    private readonly store: BlobStore,
    private readonly key: string,
    readonly footer: ParquetFooter,
  ) {
    this.rowGroups = footerRowGroups(footer.fileMetaData);
  }

  private get location(): ParquetErrorLocation {
    return { uri: this.store.uri, key: this.key };
  }

  /** Number of row groups in the file. */
  get numRowGroups(): number {
    return this.rowGroups.length;
  }

  /** Rows in row group `index`. */
  rowGroupRows(index: number): number {
    return intField(this.rowGroups[index] ?? { kind: "struct", fields: [] }, RowGroupField.numRows) ?? 0;
  }

  /** The file's Arrow schema, decoded from the footer alone (the codec reads the embedded Arrow schema). */
  schema(): Schema {
    if (this.schemaCache) return this.schemaCache;
    const file = concat([PARQUET_MAGIC, encodeFooter(withRowGroups(this.footer.fileMetaData, []))]);
    try {
      // readSchema gives no way to make Arrow JS objects directly; an empty read carries the schema.
      this.schemaCache = fromWasmTable(this.wasm.readParquet(file)).schema;
    } catch (error) {
      throw asParquetError(error, "decode the schema in the Parquet footer", this.location);
    }
    return this.schemaCache;
  }

  /** The file's schema restricted to `keep`, in file order. */
  private projectedSchema(keep: ReadonlySet<string>): Schema {
    const schema = this.schema();
    return new Schema(
      schema.fields.filter((field) => keep.has(field.name)),
      schema.metadata,
    );
  }

  /**
   * Checks that every requested column is a top-level column of the file.
   *
   * @throws BallastError `PARQUET_ERROR` naming the missing columns and those available.
   */
  checkColumns(columns: readonly string[] | undefined): void {
    if (columns === undefined) return;
    const available = this.schema().fields.map((field) => field.name);
    const missing = columns.filter((name) => !available.includes(name));
    if (missing.length) {
      throw new ParquetError(
        `No column ${missing.map((name) => `"${name}"`).join(", ")} in the Parquet file`,
        this.location,
        {
          hint: `Available columns: ${available.join(", ")}.`,
          details: { missing, available },
        },
      );
    }
  }

  /**
   * Checks row group indexes before any is read (the codec traps on an index out of range).
   *
   * @throws BallastError `PARQUET_ERROR` for an index that is not an integer in range.
   */
  checkRowGroups(rowGroups: readonly number[]): void {
    for (const index of rowGroups) {
      if (!Number.isInteger(index) || index < 0 || index >= this.rowGroups.length) {
        throw new ParquetError(
          `Row group ${index} does not exist: the file has ${this.rowGroups.length} row groups (0 to ${this.rowGroups.length - 1})`,
          this.location,
        );
      }
    }
  }

  /**
   * Reads and decodes one row group. `columns` must have passed {@link checkColumns}; the result has
   * them in the order given (all columns, in file order, when undefined). With `decodeOn`, the
   * decoding runs on that pool's worker threads and this thread only fetches and packs the bytes;
   * the table and the errors are the same either way.
   *
   * @throws BallastError `PARQUET_ERROR` when the chunks are out of the file's bounds or fail to
   * decode; store errors pass through.
   */
  async read(
    index: number,
    options: {
      columns?: readonly string[] | undefined;
      batchRows?: number | undefined;
      signal?: AbortSignal | undefined;
      decodeOn?: ParquetDecodePool | undefined;
    },
  ): Promise<Table> {
    const file = await this.pack(index, options.columns, options.signal, options.decodeOn);
    const rows = this.rowGroupRows(index);
    const batchSize = Math.max(1, options.batchRows ?? rows);
    let table: Table;
    try {
      table = options.decodeOn
        ? tableFromIPC(await options.decodeOn.decode(file, batchSize, options.signal))
        : fromWasmTable(this.wasm.readParquet(file, { batchSize }));
    } catch (error) {
      throw asParquetError(
        error,
        `decode row group ${index}`,
        this.location,
        "The file is corrupt; write it again.",
      );
    }
    if (table.numRows !== rows) {
      throw new ParquetError(
        `Row group ${index} decoded to ${table.numRows} rows, but its footer says ${rows}; the file is corrupt`,
        this.location,
      );
    }
    return options.columns === undefined ? table : table.select([...options.columns]);
  }

  /**
   * Fetches the wanted chunks of one row group and packs them, back to back after the magic, with a
   * footer listing just this row group and these columns (offsets moved to the new places): a small
   * standalone file the codec decodes in memory.
   */
  private async pack(
    index: number,
    columns: readonly string[] | undefined,
    signal: AbortSignal | undefined,
    pool: ParquetDecodePool | undefined,
  ): Promise<Uint8Array> {
    this.checkRowGroups([index]);
    const group = this.rowGroups[index]!;
    const chunks = rowGroupColumns(group);
    const wanted = columns === undefined ? undefined : new Set(columns);
    const selected = chunks.filter((chunk) => wanted === undefined || wanted.has(chunkTopLevelName(chunk)));
    const ranges = selected.map(chunkByteRange);
    for (const range of ranges) {
      if (
        range.offset < PARQUET_MAGIC.length ||
        range.offset + range.length > this.footer.footerOffset ||
        range.length < 0
      ) {
        throw new ParquetError(
          `Row group ${index} points outside the file (bytes ${range.offset}–${range.offset + range.length} of ${this.footer.fileSize}); the footer is corrupt`,
          this.location,
          { hint: "Write the file again; it cannot be read as it is." },
        );
      }
    }
    // Where each chunk lands in the packed file: back to back after the magic, in footer order.
    let position = PARQUET_MAGIC.length;
    const targets: number[] = [];
    const packed = new Map<ThriftStruct, ThriftStruct>();
    selected.forEach((chunk, i) => {
      const range = ranges[i]!;
      targets.push(position);
      packed.set(chunk, shiftColumnChunk(chunk, position - range.offset, true));
      position += range.length;
    });
    const packedColumns = chunks.map((chunk) => packed.get(chunk) ?? chunk);
    const firstOffset = ranges.length
      ? Math.min(...ranges.map((range) => range.offset))
      : PARQUET_MAGIC.length;
    let footer = withRowGroups(this.footer.fileMetaData, [
      withRowGroupColumns(group, packedColumns, PARQUET_MAGIC.length - firstOffset),
    ]);
    if (wanted !== undefined) footer = projectFooter(footer, wanted, this.projectedSchema(wanted));
    const footerBytes = encodeFooter(footer);
    // Every byte is written below (magic, chunks, footer), so a reused buffer needs no clearing.
    const file = pool
      ? pool.allocate(position + footerBytes.length)
      : new Uint8Array(position + footerBytes.length);
    file.set(PARQUET_MAGIC, 0);
    file.set(footerBytes, position);
    await this.fetchInto(ranges, targets, file, signal);
    return file;
  }

  /**
   * Streams the ranges straight into `file` (range i at `targets[i]`), merging near neighbours into
   * one read. Copying each arriving piece into place, rather than collecting the pieces and joining
   * them, saves a copy and a buffer the size of the row group.
   */
  private async fetchInto(
    ranges: readonly { offset: number; length: number }[],
    targets: readonly number[],
    file: Uint8Array,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (this.store.readInto) {
      // Positional reads straight into place: no stream pieces to allocate, copy and collect.
      const reads = ranges.map((range, i) => ({
        offset: range.offset,
        target: file.subarray(targets[i]!, targets[i]! + range.length),
      }));
      const got = await this.store.readInto(this.key, reads, signal ? { signal } : {});
      got.forEach((length, i) => {
        if (length !== ranges[i]!.length) throw this.truncated(length, ranges[i]!.length, ranges[i]!.offset);
      });
      return;
    }
    const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.offset - ranges[b]!.offset);
    const spans: { offset: number; end: number; members: number[] }[] = [];
    for (const i of order) {
      const range = ranges[i]!;
      const last = spans.at(-1);
      if (last && range.offset - last.end <= COALESCE_GAP_BYTES) {
        last.end = Math.max(last.end, range.offset + range.length);
        last.members.push(i);
      } else spans.push({ offset: range.offset, end: range.offset + range.length, members: [i] });
    }
    // When one span fails, the others stop too, rather than download to their end.
    const streams: Readable[] = [];
    let failed = false;
    const stopAll = (error: unknown) => {
      failed = true;
      for (const stream of streams) stream.destroy();
      throw error;
    };
    await Promise.all(
      spans.map(async (span) => {
        const length = span.end - span.offset;
        const stream = await this.store.get(this.key, {
          offset: span.offset,
          length,
          ...(signal ? { signal } : {}),
        });
        if (failed) {
          stream.destroy();
          return;
        }
        streams.push(stream);
        let at = span.offset;
        await new Promise<void>((resolve, reject) => {
          stream.on("data", (piece: Uint8Array | string) => {
            const bytes = typeof piece === "string" ? new TextEncoder().encode(piece) : piece;
            const end = Math.min(at + bytes.length, span.end);
            for (const i of span.members) {
              const range = ranges[i]!;
              const from = Math.max(at, range.offset);
              const to = Math.min(end, range.offset + range.length);
              if (from < to) {
                file.set(bytes.subarray(from - at, to - at), targets[i]! + from - range.offset);
              }
            }
            at += bytes.length;
          });
          stream.once("error", reject);
          stream.once("end", resolve);
        });
        if (at - span.offset !== length) throw this.truncated(at - span.offset, length, span.offset);
      }),
    ).catch(stopAll);
  }

  private truncated(read: number, length: number, offset: number): ParquetError {
    return new ParquetError(
      `The file is shorter than its footer says (read ${read} of ${length} bytes at offset ${offset}); it is truncated or was replaced while being read`,
      this.location,
    );
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Reads the footer of `key` and returns a decoder for its row groups.
 *
 * @throws BallastError `BLOB_NOT_FOUND`, or `PARQUET_ERROR` when the object is not readable Parquet.
 */
export async function openRowGroupDecoder(store: BlobStore, key: string): Promise<RowGroupDecoder> {
  const [wasm, footer] = await Promise.all([loadParquetWasm(), readParquetFooter(store, key)]);
  return new RowGroupDecoder(wasm, store, key, footer);
}
