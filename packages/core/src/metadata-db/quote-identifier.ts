import { BallastError } from "../errors/ballast-error.js";

/**
 * Quotes a PostgreSQL identifier (table or column name) for interpolation into SQL, doubling embedded
 * quotes, so a name can never end the identifier and inject SQL. A dotted name is quoted as one
 * identifier; pass `["schema", "table"]` for a qualified name.
 *
 * @throws BallastError `VALIDATION_FAILED` for an empty name or one containing a NUL character.
 * @example
 * quoteIdentifier("tracking_runs"); // "\"tracking_runs\""
 * quoteIdentifier(["ballast", "tracking_runs"]); // "\"ballast\".\"tracking_runs\""
 */
export function quoteIdentifier(name: string | readonly string[]): string {
  if (typeof name !== "string") return name.map((part) => quoteIdentifier(part)).join(".");
  if (name.length === 0 || name.includes("\0")) {
    throw new BallastError("VALIDATION_FAILED", `Invalid SQL identifier ${JSON.stringify(name)}.`, {
      hint: "Use a non-empty table or column name without NUL characters.",
    });
  }
  return `"${name.replaceAll('"', '""')}"`;
}
