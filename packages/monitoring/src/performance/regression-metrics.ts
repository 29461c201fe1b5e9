import { assertFinite, assertPaired } from "./performance-error.js";

function checked(metric: string, labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
  assertPaired(metric, labels, predictions);
  assertFinite(metric, "labels", labels);
  assertFinite(metric, "predictions", predictions);
}

/** Root mean squared error: √(mean((y − ŷ)²)). */
export function rmse(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  checked("rmse", labels, predictions);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (labels[i]! - predictions[i]!) ** 2;
  return Math.sqrt(sum / labels.length);
}

/** Mean absolute error: mean(|y − ŷ|). */
export function mae(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  checked("mae", labels, predictions);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += Math.abs(labels[i]! - predictions[i]!);
  return sum / labels.length;
}

/**
 * Mean absolute percentage error as a fraction: mean(|y − ŷ| / max(|y|, ε)) with ε the float64
 * machine epsilon, so a zero label gives a huge but finite term (as scikit-learn's
 * `mean_absolute_percentage_error`); 0.1 means 10%.
 */
export function mape(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  checked("mape", labels, predictions);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    sum += Math.abs(labels[i]! - predictions[i]!) / Math.max(Math.abs(labels[i]!), Number.EPSILON);
  }
  return sum / labels.length;
}
