import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Codes of {@link DriftError}. */
export type DriftErrorCode =
  /** Reference and current data do not have the same compared columns, or a column's type differs. */
  | "MONITORING_SCHEMA_MISMATCH"
  /** The chosen test cannot run on this input (for example a rank test on a stored profile). */
  | "MONITORING_TEST_UNAVAILABLE"
  /** An option of `compare` is malformed (unknown test, threshold out of range). */
  | "MONITORING_OPTIONS_INVALID"
  /** A compared column has no values (empty input or all nulls). */
  | "MONITORING_EMPTY_SAMPLE"
  /** A numerical column holds ±Infinity. */
  | "MONITORING_NON_FINITE";

/** A drift comparison could not be made as asked; `details` names the columns to fix. */
export class DriftError extends BallastError {
  declare readonly code: DriftErrorCode;

  constructor(code: DriftErrorCode, message: string, options: BallastErrorOptions & { hint: string }) {
    super(code, message, options);
    this.name = "DriftError";
  }
}
