import { BallastError } from "../errors/index.js";

/**
 * The page size of a list call: 1000 by default, the most S3 and GCS return in one response.
 *
 * @throws BallastError `VALIDATION_FAILED` when `limit` is not a positive integer.
 */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined) return 1000;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new BallastError("VALIDATION_FAILED", `List limit must be a positive integer, got ${limit}.`, {
      details: { limit },
    });
  }
  return limit;
}
