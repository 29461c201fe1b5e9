import { BallastError } from "../errors/ballast-error.js";

/**
 * SQLSTATE codes after which running the same transaction again may succeed: serialization failure,
 * deadlock, lock timeout, and the server shutting down or refusing connections for now.
 */
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"]);

/** Node.js socket errors that mean the connection, not the statement, failed. */
const RETRYABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/** `pg` reports a dropped socket with these messages and no code. */
const CONNECTION_LOST = /Connection terminated|connection timeout|Client has encountered a connection error/i;

interface DriverErrorShape {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  position?: unknown;
}

/** True when `error` is worth retrying: a transient server condition or a lost connection. */
export function isRetryableDatabaseFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as DriverErrorShape;
  if (typeof code === "string") {
    if (RETRYABLE_SQLSTATES.has(code) || code.startsWith("08")) return true;
    if (RETRYABLE_SOCKET_CODES.has(code)) return true;
  }
  return typeof message === "string" && CONNECTION_LOST.test(message);
}

/**
 * Wraps a driver error (from `pg` or PGlite) in a `DATABASE_ERROR`, keeping it as `cause` and its
 * SQLSTATE and position in `details`. Ballast errors pass through unchanged.
 */
export function toDatabaseError(error: unknown, sql: string): BallastError {
  if (BallastError.isInstance(error)) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as DriverErrorShape;
  const sqlstate =
    typeof shape.code === "string" && /^[0-9A-Z]{5}$/.test(shape.code) ? shape.code : undefined;
  const reason = typeof shape.message === "string" ? shape.message : String(error);
  const details: Record<string, unknown> = { sql: sql.length > 500 ? `${sql.slice(0, 500)}…` : sql };
  for (const key of ["detail", "hint", "constraint", "table", "column", "position"] as const) {
    if (typeof shape[key] === "string") details[key] = shape[key];
  }
  if (sqlstate) details.sqlstate = sqlstate;
  else if (typeof shape.code === "string") details.errorCode = shape.code;
  const retryable = isRetryableDatabaseFailure(error);
  return new BallastError(
    "DATABASE_ERROR",
    `Metadata database statement failed${sqlstate ? ` (SQLSTATE ${sqlstate})` : ""}: ${reason}`,
    {
      cause: error,
      retryable,
      details,
      ...(retryable
        ? {
            hint: "The failure is transient: retry the statement, or the whole transaction if it ran in one.",
          }
        : {}),
    },
  );
}
