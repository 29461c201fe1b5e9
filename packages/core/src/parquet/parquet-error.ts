import { BallastError, type BallastErrorOptions } from "../errors/index.js";

/** Where a Parquet failure happened, printed in the message and kept in `details`. */
export interface ParquetErrorLocation {
  /** The blob store's URI. */
  uri?: string;
  /** The object's key in that store. */
  key?: string;
}

/**
 * A Parquet file could not be read or written: not Parquet, truncated, corrupt, or asking for a
 * column or row group it does not have. Code `PARQUET_ERROR`.
 *
 * Store failures (`BLOB_NOT_FOUND`, `BLOB_STORE_ERROR`) pass through unchanged, so a missing file and a
 * broken file stay distinguishable.
 *
 * @example
 * try { await readParquet(store, "data/day.parquet") } catch (e) {
 *   if (BallastError.isInstance(e, "PARQUET_ERROR")) console.error(e.message)
 * }
 */
export class ParquetError extends BallastError {
  readonly key: string | undefined;

  constructor(message: string, location: ParquetErrorLocation = {}, options: BallastErrorOptions = {}) {
    const where =
      location.key === undefined ? "" : ` (${location.uri ?? ""}${location.uri ? " " : ""}${location.key})`;
    super("PARQUET_ERROR", `${message}${where}`, {
      ...options,
      details: { ...location, ...options.details },
    });
    this.name = "ParquetError";
    this.key = location.key;
  }
}

/** Rethrows Ballast errors unchanged; wraps anything else (a codec error, a WASM trap) as {@link ParquetError}. */
export function asParquetError(
  error: unknown,
  action: string,
  location: ParquetErrorLocation,
  hint?: string,
): BallastError {
  if (BallastError.isInstance(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ParquetError(`Could not ${action}: ${detail}`, location, {
    cause: error,
    ...(hint === undefined ? {} : { hint }),
  });
}
