import { BallastError } from "@ballast/core";

/** Codes of {@link PerformanceInputError}. */
export type PerformanceErrorCode =
  | "MONITORING_EMPTY_SAMPLE"
  | "MONITORING_LENGTH_MISMATCH"
  | "MONITORING_NON_FINITE"
  | "MONITORING_LABELS_INVALID";

/** Labels and predictions that a performance metric cannot be computed on. */
export class PerformanceInputError extends BallastError {
  constructor(code: PerformanceErrorCode, message: string, hint: string, details?: Record<string, unknown>) {
    super(code, message, { hint, ...(details ? { details } : {}) });
    this.name = "PerformanceInputError";
  }
}

/** Throws unless both arrays are non-empty and of one length. */
export function assertPaired(
  metric: string,
  labels: ArrayLike<unknown>,
  predictions: ArrayLike<unknown>,
): void {
  if (labels.length !== predictions.length) {
    throw new PerformanceInputError(
      "MONITORING_LENGTH_MISMATCH",
      `${metric}: ${labels.length} labels but ${predictions.length} predictions.`,
      "Pass one prediction per label, in the same order.",
      { labels: labels.length, predictions: predictions.length },
    );
  }
  if (labels.length === 0) {
    throw new PerformanceInputError(
      "MONITORING_EMPTY_SAMPLE",
      `${metric} needs at least one labelled prediction.`,
      "Evaluate performance on a window that has labelled records.",
    );
  }
}

/** Throws when a numeric input holds NaN or an infinity. */
export function assertFinite(metric: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new PerformanceInputError(
        "MONITORING_NON_FINITE",
        `${metric}: ${what}[${i}] is ${String(values[i])}.`,
        "Drop or impute missing values before computing the metric.",
        { index: i },
      );
    }
  }
}
