import { assertPaired, PerformanceInputError } from "./performance-error.js";

/** A class label: what a classifier predicts and what the ground truth says. */
export type ClassLabel = string | number | boolean;

/** How per-class scores combine: `"binary"` scores the positive class only, `"macro"` averages all classes. */
export interface AveragingOptions {
  /** Default `"binary"`. */
  average?: "binary" | "macro";
  /** The positive class for `"binary"` (default `1`, or `true` when the labels are booleans). */
  positiveLabel?: ClassLabel;
}

/**
 * The fraction of predictions equal to their label.
 *
 * @throws PerformanceInputError `MONITORING_EMPTY_SAMPLE`, `MONITORING_LENGTH_MISMATCH`.
 * @example accuracy([1, 0, 1], [1, 1, 1]) // 2/3
 */
export function accuracy(labels: readonly ClassLabel[], predictions: readonly ClassLabel[]): number {
  assertPaired("accuracy", labels, predictions);
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) hits++;
  return hits / labels.length;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function classCounts(
  labels: readonly ClassLabel[],
  predictions: readonly ClassLabel[],
): Map<ClassLabel, Counts> {
  const counts = new Map<ClassLabel, Counts>();
  const of = (c: ClassLabel) => {
    let entry = counts.get(c);
    if (!entry) {
      entry = { tp: 0, fp: 0, fn: 0 };
      counts.set(c, entry);
    }
    return entry;
  };
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const p = predictions[i]!;
    if (y === p) of(y).tp++;
    else {
      of(p).fp++;
      of(y).fn++;
    }
  }
  return counts;
}

function positiveOf(labels: readonly ClassLabel[], options: AveragingOptions): ClassLabel {
  if (options.positiveLabel !== undefined) return options.positiveLabel;
  return typeof labels[0] === "boolean" ? true : 1;
}

// A ratio with an empty denominator is 0, as scikit-learn's `zero_division` default reports it.
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const precisionOf = (c: Counts) => ratio(c.tp, c.tp + c.fp);
const recallOf = (c: Counts) => ratio(c.tp, c.tp + c.fn);
const f1Of = (c: Counts) => ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);

function averaged(
  metric: string,
  score: (c: Counts) => number,
  labels: readonly ClassLabel[],
  predictions: readonly ClassLabel[],
  options: AveragingOptions,
): number {
  assertPaired(metric, labels, predictions);
  const counts = classCounts(labels, predictions);
  if ((options.average ?? "binary") === "macro") {
    let sum = 0;
    for (const c of counts.values()) sum += score(c);
    return sum / counts.size;
  }
  const positive = positiveOf(labels, options);
  if (counts.size > 2) {
    throw new PerformanceInputError(
      "MONITORING_LABELS_INVALID",
      `${metric} with average "binary" got ${counts.size} classes.`,
      'Pass { average: "macro" } for more than two classes.',
      { classes: [...counts.keys()] },
    );
  }
  return score(counts.get(positive) ?? { tp: 0, fp: 0, fn: 0 });
}

/**
 * Precision: true positives over predicted positives (binary), or its unweighted mean over classes
 * (macro). 0 when nothing was predicted positive.
 */
export function precision(
  labels: readonly ClassLabel[],
  predictions: readonly ClassLabel[],
  options: AveragingOptions = {},
): number {
  return averaged("precision", precisionOf, labels, predictions, options);
}

/** Recall: true positives over actual positives (binary), or its unweighted mean over classes (macro). */
export function recall(
  labels: readonly ClassLabel[],
  predictions: readonly ClassLabel[],
  options: AveragingOptions = {},
): number {
  return averaged("recall", recallOf, labels, predictions, options);
}

/**
 * F1: 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall (binary), or the unweighted
 * mean of the per-class F1 (macro, as scikit-learn's `f1_score(average="macro")`).
 */
export function f1(
  labels: readonly ClassLabel[],
  predictions: readonly ClassLabel[],
  options: AveragingOptions = {},
): number {
  return averaged("f1", f1Of, labels, predictions, options);
}
