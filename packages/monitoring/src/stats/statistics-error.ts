import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Stable codes of the errors the statistics throw. */
export type StatisticsErrorCode =
  /** A sample has no values left after nulls (and, when asked, non-finite values) were dropped. */
  | "MONITORING_EMPTY_SAMPLE"
  /** A sample holds NaN or ±Infinity and the caller did not ask to drop them. */
  | "MONITORING_NON_FINITE"
  /** A sample is valid but the statistic is undefined for it (for example, one distinct value in all samples). */
  | "MONITORING_DEGENERATE_SAMPLE"
  /** An argument is malformed: a negative count, mismatched lengths, an unknown option value. */
  | "MONITORING_INVALID_INPUT";

/**
 * Bad input to a statistic. Match with `BallastError.isInstance(error, "MONITORING_EMPTY_SAMPLE")` and
 * friends; `details.argument` names the argument to fix.
 */
export class StatisticsError extends BallastError {
  declare readonly code: StatisticsErrorCode;

  constructor(code: StatisticsErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(code, message, options);
    this.name = "StatisticsError";
  }
}
