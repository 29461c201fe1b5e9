import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Where a schema problem was found: a source file, or the entity table of a join. */
export interface SchemaProblemLocation {
  /** Blob key of the source file, or a short description such as `entity table`. */
  file: string;
  /** The column, as named in that file or table. */
  column: string;
}

/**
 * A source file or table does not have a column the definition declares, or has it with another
 * type. Code `FEATURE_SCHEMA_MISMATCH`; `details` holds `file`, `column`, `declared` and `found`.
 *
 * @example
 * if (BallastError.isInstance(e, "FEATURE_SCHEMA_MISMATCH")) console.error(e.details?.column)
 */
export class FeatureSchemaMismatchError extends BallastError {
  readonly file: string;
  readonly column: string;
  readonly declared: string;
  readonly found: string;

  constructor(
    location: SchemaProblemLocation & { declared: string; found: string },
    options: BallastErrorOptions = {},
  ) {
    const { file, column, declared, found } = location;
    super(
      "FEATURE_SCHEMA_MISMATCH",
      `Column "${column}" of ${file} is declared as ${declared} but the data has ${found}.`,
      {
        hint: "Change the declared type (with a new view version) or rewrite the data with the declared type; check the source's fieldMapping when the column is missing.",
        ...options,
        details: { file, column, declared, found, ...options.details },
      },
    );
    this.name = "FeatureSchemaMismatchError";
    this.file = file;
    this.column = column;
    this.declared = declared;
    this.found = found;
  }
}

/**
 * A timestamp column has no time zone, so the instants it names are unknown and a point-in-time
 * comparison would be a guess. Code `FEATURE_NAIVE_TIMESTAMP`; `details` holds `file` and `column`.
 */
export class FeatureNaiveTimestampError extends BallastError {
  readonly file: string;
  readonly column: string;

  constructor(location: SchemaProblemLocation & { found: string }, options: BallastErrorOptions = {}) {
    const { file, column, found } = location;
    super(
      "FEATURE_NAIVE_TIMESTAMP",
      `Column "${column}" of ${file} is a timestamp without a time zone (${found}); Ballast does not guess the zone.`,
      {
        hint: 'Convert the column to UTC instants and store it as Timestamp(MILLISECOND, "UTC").',
        ...options,
        details: { file, column, found, ...options.details },
      },
    );
    this.name = "FeatureNaiveTimestampError";
    this.file = file;
    this.column = column;
  }
}

/**
 * The options of an offline join or scan are inconsistent: a join key or timestamp column missing
 * from the entity table, two outputs with one name, a negative lookback. Code `OFFLINE_JOIN_INVALID`.
 */
export class OfflineJoinInvalidError extends BallastError {
  constructor(message: string, hint: string, options: BallastErrorOptions = {}) {
    super("OFFLINE_JOIN_INVALID", message, { hint, ...options });
    this.name = "OfflineJoinInvalidError";
  }
}

/**
 * A source read twice by one join (see `JoinViewInput.scanColumns`) yielded other batches the second
 * time: files were written, replaced or deleted during the join. Code `FEATURE_SOURCE_CHANGED`,
 * retryable; `details` holds `view` and the first differing `batch`.
 */
export class FeatureSourceChangedError extends BallastError {
  constructor(view: string, batch: number, options: BallastErrorOptions = {}) {
    super(
      "FEATURE_SOURCE_CHANGED",
      `The source of view "${view}" changed during the point-in-time join (its batch ${batch} differs between the two passes).`,
      {
        hint: "Retry the join once the writes to the source have finished.",
        retryable: true,
        ...options,
        details: { view, batch, ...options.details },
      },
    );
    this.name = "FeatureSourceChangedError";
  }
}

/** Throws `ABORTED` (a BallastError carrying the signal's reason) when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new BallastError("ABORTED", `${what} was aborted.`, { cause: signal.reason });
  }
}
