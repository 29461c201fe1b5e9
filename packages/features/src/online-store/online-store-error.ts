import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Stable codes of online store errors. */
export type OnlineStoreErrorCode =
  /** A join key is missing, of the wrong type, or of a type that cannot be a join key. */
  | "ONLINE_STORE_ENTITY_KEY_INVALID"
  /** A feature value does not match its declared logical type. */
  | "ONLINE_STORE_VALUE_INVALID"
  /** A request is malformed: values count differs from features, reserved feature name, bad option. */
  | "ONLINE_STORE_REQUEST_INVALID"
  /** Another process holds the embedded store's writer lock. */
  | "ONLINE_STORE_LOCKED"
  /** A stored file failed its checksum or does not parse. */
  | "ONLINE_STORE_CORRUPT"
  /** The backend (Redis, the file system) failed. */
  | "ONLINE_STORE_ERROR";

/**
 * An error of an online store. Match by `code` (or `BallastError.isInstance(e, code)`).
 *
 * @example
 * try { await store.write(request) } catch (e) {
 *   if (BallastError.isInstance(e, "ONLINE_STORE_VALUE_INVALID")) console.error(e.details)
 * }
 */
export class OnlineStoreError extends BallastError {
  declare readonly code: OnlineStoreErrorCode;
  constructor(code: OnlineStoreErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(code, message, options);
    this.name = "OnlineStoreError";
  }
}
