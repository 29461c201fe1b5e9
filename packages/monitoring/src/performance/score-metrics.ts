import { assertFinite, assertPaired, PerformanceInputError } from "./performance-error.js";

function binaryTargets(metric: string, labels: ArrayLike<number | boolean>): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y === 1 || y === true) out[i] = 1;
    else if (y !== 0 && y !== false) {
      throw new PerformanceInputError(
        "MONITORING_LABELS_INVALID",
        `${metric}: label[${i}] is ${String(y)}, not 0/1.`,
        "Encode the positive class as 1 (or true) and the negative class as 0 (or false).",
        { index: i },
      );
    }
  }
  return out;
}

/**
 * Area under the ROC curve of scores for binary labels, by the rank-sum (Mann-Whitney) identity:
 * AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀) with R₁ the sum of the positives' midranks, so tied scores count
 * one half, as the trapezoidal ROC area does.
 *
 * @throws PerformanceInputError `MONITORING_LABELS_INVALID` for non-0/1 labels or when only one class
 *   is present (the AUC is undefined); `MONITORING_NON_FINITE` for NaN or infinite scores.
 */
export function rocAuc(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  assertPaired("rocAuc", labels, scores);
  assertFinite("rocAuc", "scores", scores);
  const y = binaryTargets("rocAuc", labels);
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midrank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (y[order[k]!] === 1) {
        rankSum += midrank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new PerformanceInputError(
      "MONITORING_LABELS_INVALID",
      `rocAuc needs both classes; the window has only ${positives === 0 ? "negatives" : "positives"}.`,
      "Evaluate ROC AUC on a window with positive and negative labels.",
    );
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  /** Probabilities are clipped to [eps, 1 − eps] so a confident mistake costs a finite amount (default 1e-15). */
  eps?: number;
}

/**
 * Binary cross-entropy: −mean(y·ln p + (1−y)·ln(1−p)), with p the predicted probability of class 1
 * clipped to [eps, 1 − eps].
 *
 * @throws PerformanceInputError `MONITORING_LABELS_INVALID` for non-0/1 labels or probabilities
 *   outside [0, 1]; `MONITORING_NON_FINITE`.
 */
export function logLoss(
  labels: ArrayLike<number | boolean>,
  probabilities: ArrayLike<number>,
  options: LogLossOptions = {},
): number {
  assertPaired("logLoss", labels, probabilities);
  assertFinite("logLoss", "probabilities", probabilities);
  const eps = options.eps ?? 1e-15;
  const y = binaryTargets("logLoss", labels);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const raw = probabilities[i]!;
    if (raw < 0 || raw > 1) {
      throw new PerformanceInputError(
        "MONITORING_LABELS_INVALID",
        `logLoss: probability[${i}] is ${raw}, outside [0, 1].`,
        "Pass the predicted probability of the positive class, not a raw score.",
        { index: i },
      );
    }
    const p = Math.min(Math.max(raw, eps), 1 - eps);
    sum += y[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return -sum / y.length;
}
