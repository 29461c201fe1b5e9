import { BallastError, type BallastErrorOptions } from "../errors/ballast-error.js";

/** A prediction-log record failed validation on encode or decode. Code `PREDICTION_LOG_INVALID`. */
export class PredictionLogInvalidError extends BallastError {
  /** Each rejected field as `path: problem`. */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[], options: BallastErrorOptions = {}) {
    super("PREDICTION_LOG_INVALID", `${message}${issues.length ? `\n  ${issues.join("\n  ")}` : ""}`, {
      hint: "Write records with encodePredictionLogRecord (model, modelVersion, requestId, integer eventTime in ms, features, at least one prediction output; null for missing values).",
      ...options,
      details: { issues },
    });
    this.name = "PredictionLogInvalidError";
    this.issues = issues;
  }
}
