import { asParquetError } from "./parquet-error.js";

/** The parquet-wasm module as its Node build types it. */
export type ParquetWasm = typeof import("parquet-wasm");

let loading: Promise<ParquetWasm> | undefined;

/**
 * Loads the WebAssembly Parquet codec on first use.
 *
 * Loaded lazily, not imported at the top: compiling the 5 MB module costs ~50 ms and ~20 MB, which
 * `import "@ballast/core"` should not pay when it never touches Parquet. The package's `node` export
 * is CommonJS that compiles the module synchronously from a file beside it, so this one call works
 * from ESM, from the CommonJS build (where the bundler turns `import()` into `require`) and in Deno.
 *
 * @throws BallastError `PARQUET_ERROR` when the module cannot be loaded or compiled.
 */
export function loadParquetWasm(): Promise<ParquetWasm> {
  loading ??= import("parquet-wasm").catch((error: unknown) => {
    loading = undefined;
    throw asParquetError(
      error,
      "load the parquet-wasm codec",
      {},
      "Reinstall @ballast/core's dependencies (npm ci).",
    );
  });
  return loading;
}
