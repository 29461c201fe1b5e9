import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Stable codes of the quality errors. */
export type QualityErrorCode = "MONITORING_INVALID_OPTION" | "MONITORING_QUALITY_SUITE_INVALID";

/** A quality check or suite was defined with bad options. */
export class QualityError extends BallastError {
  constructor(code: QualityErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(code, message, options);
    this.name = "QualityError";
  }
}
