import { BallastError } from "../errors/index.js";

/**
 * A record's timestamp as integer epoch milliseconds (UTC): `now` when absent. Both backends store
 * 64-bit integer milliseconds, so fractions, NaN and out-of-range values fail with `STREAM_ERROR`
 * instead of being stored wrong.
 */
export function toEventTime(value: number | Date | undefined, now: number): number {
  if (value === undefined) return now;
  const ms = typeof value === "number" ? value : value.getTime();
  if (!Number.isSafeInteger(ms)) {
    throw new BallastError("STREAM_ERROR", `Invalid record timestamp ${String(value)}.`, {
      hint: "Pass a Date or integer epoch milliseconds (UTC).",
    });
  }
  return ms;
}
