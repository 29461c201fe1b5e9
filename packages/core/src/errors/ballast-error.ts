/** Marker shared by every copy of `@ballast/core` in one process, so `isInstance` survives duplicate installs. */
const BALLAST_ERROR_MARKER = Symbol.for("ballast.error");

/**
 * Stable error codes. Callers match on these, never on messages; a code, once published, keeps its meaning.
 */
export type BallastErrorCode =
  | "CONFIG_INVALID"
  | "URI_SCHEME_UNKNOWN"
  | "DEPENDENCY_MISSING"
  | "DURATION_INVALID"
  | "MIGRATION_FAILED"
  | "DATABASE_ERROR"
  | "DATABASE_LOCKED"
  | "BLOB_NOT_FOUND"
  | "BLOB_ALREADY_EXISTS"
  | "BLOB_KEY_INVALID"
  | "BLOB_STORE_ERROR"
  | "STREAM_ERROR"
  | "STREAM_TOPIC_NOT_FOUND"
  | "STREAM_LOG_CORRUPT"
  | "STREAM_LOCKED"
  | "PARQUET_ERROR"
  | "SCHEMA_INVALID"
  | "VALIDATION_FAILED"
  | "SKETCH_INVALID_OPTION"
  | "SKETCH_INCOMPATIBLE"
  | "SKETCH_CORRUPT"
  | "BINARY_CORRUPT"
  | "RESOURCE_CLOSED"
  | "ABORTED"
  | (string & {});

/** Options accepted by every Ballast error. */
export interface BallastErrorOptions {
  /** The error that caused this one, kept for debugging. */
  cause?: unknown;
  /** One sentence telling the user how to fix the problem. */
  hint?: string;
  /** True when retrying the same call may succeed (network blips, lock contention). */
  retryable?: boolean;
  /** Structured details (key paths, given values), safe to log. */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error Ballast throws.
 *
 * Match with {@link BallastError.isInstance} and `code`, not `instanceof`: two copies of the
 * package in one install each have their own class, but share the marker symbol.
 *
 * @example
 * try { await openWorkspace(config) } catch (e) {
 *   if (BallastError.isInstance(e) && e.code === "CONFIG_INVALID") console.error(e.hint)
 * }
 */
export class BallastError extends Error {
  readonly [BALLAST_ERROR_MARKER] = true;
  readonly code: BallastErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: BallastErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(options.hint ? `${message}\nHint: ${options.hint}` : message, { cause: options.cause });
    this.name = "BallastError";
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }

  /** True for any Ballast error, from any copy of the package; narrows to one code when given. */
  static isInstance(error: unknown, code?: BallastErrorCode): error is BallastError {
    if (typeof error !== "object" || error === null) return false;
    if ((error as Record<symbol, unknown>)[BALLAST_ERROR_MARKER] !== true) return false;
    return code === undefined || (error as BallastError).code === code;
  }
}
