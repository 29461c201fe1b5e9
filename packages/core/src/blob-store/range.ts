import { BallastError } from "../errors/index.js";
import type { GetOptions } from "./types.js";

/** A checked byte range: `length` undefined means "to the end of the object". */
export interface ByteRange {
  offset: number;
  length: number | undefined;
}

/**
 * Validates `offset`/`length` of a get. A range past the end of the object is not an error: it is
 * clamped, so it may yield fewer bytes or none, the way `Array.prototype.slice` does.
 *
 * @throws BallastError `VALIDATION_FAILED` when offset or length is negative or not an integer.
 */
export function byteRange(options: GetOptions = {}): ByteRange {
  const offset = options.offset ?? 0;
  const length = options.length;
  for (const [name, value] of [
    ["offset", offset],
    ["length", length],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new BallastError(
        "VALIDATION_FAILED",
        `Blob range ${name} must be a non-negative integer, got ${value}.`,
        {
          details: { offset, length },
        },
      );
    }
  }
  return { offset, length };
}
