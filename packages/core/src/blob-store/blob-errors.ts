import { BallastError } from "../errors/index.js";

/** `BLOB_NOT_FOUND` for `key` in the store at `uri`. */
export function blobNotFound(uri: string, key: string, cause?: unknown): BallastError {
  return new BallastError("BLOB_NOT_FOUND", `No blob "${key}" in ${uri}.`, {
    cause,
    details: { uri, key },
  });
}

/** `BLOB_ALREADY_EXISTS`: a put with `ifNoneMatch` found the key taken. */
export function blobAlreadyExists(uri: string, key: string, cause?: unknown): BallastError {
  return new BallastError("BLOB_ALREADY_EXISTS", `Blob "${key}" already exists in ${uri}.`, {
    cause,
    hint: "Pick another key, or put without ifNoneMatch to overwrite.",
    details: { uri, key },
  });
}

/** `ABORTED`: the caller's signal fired; nothing was written. */
export function blobAborted(uri: string, key: string, cause?: unknown): BallastError {
  return new BallastError("ABORTED", `Put of "${key}" to ${uri} was aborted; nothing was written.`, {
    cause,
    details: { uri, key },
  });
}

/** `BLOB_STORE_ERROR` wrapping a backend failure; `retryable` when the backend says it may pass. */
export function blobStoreError(
  uri: string,
  action: string,
  cause: unknown,
  options: { key?: string; retryable?: boolean; hint?: string } = {},
): BallastError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new BallastError("BLOB_STORE_ERROR", `Could not ${action} in ${uri}: ${detail}`, {
    cause,
    retryable: options.retryable ?? false,
    ...(options.hint === undefined ? {} : { hint: options.hint }),
    details: { uri, ...(options.key === undefined ? {} : { key: options.key }) },
  });
}

/** Rethrows Ballast errors unchanged and wraps anything else as `BLOB_STORE_ERROR`. */
export function asBlobError(uri: string, action: string, error: unknown, key?: string): BallastError {
  if (BallastError.isInstance(error)) return error;
  return blobStoreError(uri, action, error, key === undefined ? {} : { key });
}

/**
 * `BLOB_STORE_ERROR` for a write whose bytes are in place but whose sha256 could not be attached
 * afterwards (remote stores record it in a second request). The object is complete and readable;
 * `head` will not report its sha256. Retrying the put is safe unless it used `ifNoneMatch`.
 */
export function sha256NotRecorded(uri: string, key: string, cause: unknown): BallastError {
  return new BallastError(
    "BLOB_STORE_ERROR",
    `Blob "${key}" was written to ${uri}, but its sha256 could not be recorded: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause, retryable: true, details: { uri, key, written: true } },
  );
}
