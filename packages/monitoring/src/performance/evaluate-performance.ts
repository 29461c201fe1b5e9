import { accuracy, type ClassLabel, f1, precision, recall } from "./classification-metrics.js";
import { assertPaired } from "./performance-error.js";
import { mae, mape, rmse } from "./regression-metrics.js";
import { logLoss, rocAuc } from "./score-metrics.js";

/** Inputs of {@link evaluatePerformance} for a classifier. */
export interface ClassificationPerformanceInput {
  task: "classification";
  labels: readonly ClassLabel[];
  predictions: readonly ClassLabel[];
  /** Predicted probability of the positive class, one per label: adds ROC AUC and log loss. */
  scores?: ArrayLike<number>;
  /** The positive class of the binary metrics (default 1, or true for boolean labels). */
  positiveLabel?: ClassLabel;
}

/** Inputs of {@link evaluatePerformance} for a regressor. */
export interface RegressionPerformanceInput {
  task: "regression";
  labels: ArrayLike<number>;
  predictions: ArrayLike<number>;
}

/**
 * Performance of one labelled window. Classification: accuracy, the macro averages, the binary
 * scores when there are at most two classes, ROC AUC and log loss when scores were given (ROC AUC is
 * absent when the window holds one class only). Regression: RMSE, MAE and MAPE.
 */
export interface PerformanceMetrics {
  task: "classification" | "regression";
  /** Labelled predictions evaluated. */
  count: number;
  accuracy?: number;
  precision?: number;
  recall?: number;
  f1?: number;
  precisionMacro?: number;
  recallMacro?: number;
  f1Macro?: number;
  rocAuc?: number;
  logLoss?: number;
  rmse?: number;
  mae?: number;
  mape?: number;
}

/** Names of the metrics a performance rule can check. */
export type PerformanceMetricName = Exclude<keyof PerformanceMetrics, "task" | "count">;

/**
 * Computes every metric that applies to the task.
 *
 * @throws PerformanceInputError (`MONITORING_EMPTY_SAMPLE`, `MONITORING_LENGTH_MISMATCH`,
 *   `MONITORING_NON_FINITE`, `MONITORING_LABELS_INVALID`).
 * @example
 * evaluatePerformance({ task: "classification", labels: [1, 0, 1], predictions: [1, 0, 0], scores: [0.9, 0.2, 0.4] })
 */
export function evaluatePerformance(
  input: ClassificationPerformanceInput | RegressionPerformanceInput,
): PerformanceMetrics {
  assertPaired("evaluatePerformance", input.labels, input.predictions);
  if (input.task === "regression") {
    return {
      task: "regression",
      count: input.labels.length,
      rmse: rmse(input.labels, input.predictions),
      mae: mae(input.labels, input.predictions),
      mape: mape(input.labels, input.predictions),
    };
  }
  const { labels, predictions } = input;
  const out: PerformanceMetrics = {
    task: "classification",
    count: labels.length,
    accuracy: accuracy(labels, predictions),
    precisionMacro: precision(labels, predictions, { average: "macro" }),
    recallMacro: recall(labels, predictions, { average: "macro" }),
    f1Macro: f1(labels, predictions, { average: "macro" }),
  };
  const classes = new Set<ClassLabel>([...labels, ...predictions]);
  if (classes.size <= 2) {
    const options = input.positiveLabel === undefined ? {} : { positiveLabel: input.positiveLabel };
    out.precision = precision(labels, predictions, options);
    out.recall = recall(labels, predictions, options);
    out.f1 = f1(labels, predictions, options);
  }
  if (input.scores) {
    const positive = input.positiveLabel ?? (typeof labels[0] === "boolean" ? true : 1);
    const binary = labels.map((y) => (y === positive ? 1 : 0));
    out.logLoss = logLoss(binary, input.scores);
    if (new Set(binary).size === 2) out.rocAuc = rocAuc(binary, input.scores);
  }
  return out;
}
