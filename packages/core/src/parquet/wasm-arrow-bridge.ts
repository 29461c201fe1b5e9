import { type RecordBatch, type Schema, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { ParquetWasm } from "./parquet-wasm-module.js";

/**
 * Copies Arrow JS record batches into a parquet-wasm table (through the Arrow IPC stream format, the
 * one both sides speak). The caller must `free()` the result: WebAssembly memory is reclaimed by the
 * garbage collector late or never, and a streaming writer that waits for it grows without bound.
 */
export function toWasmTable(wasm: ParquetWasm, schema: Schema, batches: readonly RecordBatch[]) {
  return wasm.Table.fromIPCStream(tableToIPC(new Table(schema, batches as RecordBatch[]), "stream"));
}

/** Copies a parquet-wasm table into Arrow JS; `intoIPCStream` consumes (frees) the wasm side. */
export function fromWasmTable(table: { intoIPCStream(): Uint8Array }): Table {
  return tableFromIPC(table.intoIPCStream());
}
