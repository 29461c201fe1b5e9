import { BallastError } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accuracy, f1, precision, recall } from "./classification-metrics.js";
import { evaluatePerformance } from "./evaluate-performance.js";
import { mae, mape, rmse } from "./regression-metrics.js";
import { logLoss, rocAuc } from "./score-metrics.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : "not a BallastError";
  }
  return undefined;
}

describe("classification metrics", () => {
  // Confusion counts by hand: class 1 tp=3 fp=2 fn=1; class 0 tp=4 fp=1 fn=2.
  const y = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const p = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];

  it("binary scores count the positive class", () => {
    expect(accuracy(y, p)).toBeCloseTo(7 / 10, 15);
    expect(precision(y, p)).toBeCloseTo(3 / 5, 15);
    expect(recall(y, p)).toBeCloseTo(3 / 4, 15);
    expect(f1(y, p)).toBeCloseTo(6 / 9, 15);
    // The other class as positive: P = 4/5, R = 4/6, F1 = 8/11.
    expect(f1(y, p, { positiveLabel: 0 })).toBeCloseTo(8 / 11, 15);
  });

  it("macro averages the per-class scores", () => {
    expect(precision(y, p, { average: "macro" })).toBeCloseTo((3 / 5 + 4 / 5) / 2, 15);
    expect(recall(y, p, { average: "macro" })).toBeCloseTo((3 / 4 + 4 / 6) / 2, 15);
    expect(f1(y, p, { average: "macro" })).toBeCloseTo(23 / 33, 15);
  });

  it("handles three string classes (macro) and refuses binary averaging for them", () => {
    // a: tp=2 fp=1 fn=0; b: tp=1 fp=0 fn=1; c: tp=1 fp=1 fn=1.
    const ys = ["a", "b", "c", "a", "b", "c"];
    const ps = ["a", "c", "c", "a", "b", "a"];
    expect(precision(ys, ps, { average: "macro" })).toBeCloseTo(13 / 18, 15);
    expect(recall(ys, ps, { average: "macro" })).toBeCloseTo(2 / 3, 15);
    expect(f1(ys, ps, { average: "macro" })).toBeCloseTo(59 / 90, 15);
    expect(codeOf(() => f1(ys, ps))).toBe("MONITORING_LABELS_INVALID");
  });

  it("reports 0 when a ratio's denominator is empty", () => {
    expect(precision([1, 0], [0, 0])).toBe(0);
  });
});

describe("score metrics", () => {
  it("ROC AUC matches the textbook example and counts ties as one half", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 15);
    // Pairs (positive, negative): (.5,.5)=½, (.5,.2)=1, (.9,.5)=1, (.9,.2)=1 → 3.5/4.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 15);
  });

  it("ROC AUC equals the naive pairwise count (property)", () => {
    const sample = fc
      .array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 6 })), { minLength: 2, maxLength: 40 })
      .filter((rows) => rows.some(([y]) => y) && rows.some(([y]) => !y));
    fc.assert(
      fc.property(sample, (rows) => {
        let wins = 0;
        let pairs = 0;
        for (const [ya, sa] of rows) {
          if (!ya) continue;
          for (const [yb, sb] of rows) {
            if (yb) continue;
            pairs++;
            wins += sa > sb ? 1 : sa === sb ? 0.5 : 0;
          }
        }
        const auc = rocAuc(
          rows.map(([y]) => y),
          rows.map(([, s]) => s),
        );
        expect(auc).toBeCloseTo(wins / pairs, 12);
      }),
    );
  });

  it("log loss is the mean negative log-likelihood", () => {
    // −(ln .9 + ln .8 + ln .6)/3, evaluated in Python's math module.
    expect(logLoss([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo(0.2797765635793423, 14);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
  });

  it("refuses one-class AUC, non-binary labels and probabilities outside [0, 1]", () => {
    expect(codeOf(() => rocAuc([1, 1], [0.2, 0.3]))).toBe("MONITORING_LABELS_INVALID");
    expect(codeOf(() => rocAuc([2, 0], [0.2, 0.3]))).toBe("MONITORING_LABELS_INVALID");
    expect(codeOf(() => logLoss([1, 0], [1.2, 0.3]))).toBe("MONITORING_LABELS_INVALID");
    expect(codeOf(() => rocAuc([1, 0], [Number.NaN, 0.3]))).toBe("MONITORING_NON_FINITE");
  });
});

describe("regression metrics", () => {
  // scikit-learn's documentation example, recomputed by hand: errors 0.5, 0.5, 0, 1.
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];
  it("computes RMSE, MAE and MAPE", () => {
    expect(mae(y, p)).toBeCloseTo(0.5, 15);
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(mape(y, p)).toBeCloseTo(0.3273809523809524, 15);
  });
  it("refuses empty, mismatched and non-finite input", () => {
    expect(codeOf(() => rmse([], []))).toBe("MONITORING_EMPTY_SAMPLE");
    expect(codeOf(() => mae([1, 2], [1]))).toBe("MONITORING_LENGTH_MISMATCH");
    expect(codeOf(() => mape([1, Number.POSITIVE_INFINITY], [1, 2]))).toBe("MONITORING_NON_FINITE");
  });
});

describe("evaluatePerformance", () => {
  it("computes the classification metrics that apply", () => {
    const metrics = evaluatePerformance({
      task: "classification",
      labels: [0, 0, 1, 1],
      predictions: [0, 1, 0, 1],
      scores: [0.1, 0.4, 0.35, 0.8],
    });
    expect(metrics).toMatchObject({ task: "classification", count: 4, accuracy: 0.5, precision: 0.5 });
    expect(metrics.rocAuc).toBeCloseTo(0.75, 15);
    expect(metrics.logLoss).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4,
      14,
    );
  });
  it("leaves ROC AUC out of a one-class window", () => {
    const metrics = evaluatePerformance({
      task: "classification",
      labels: [1, 1],
      predictions: [1, 0],
      scores: [0.9, 0.4],
    });
    expect(metrics.rocAuc).toBeUndefined();
    expect(metrics.recall).toBe(0.5);
  });
  it("computes the regression metrics", () => {
    expect(
      evaluatePerformance({ task: "regression", labels: [3, -0.5, 2, 7], predictions: [2.5, 0, 2, 8] }),
    ).toMatchObject({
      count: 4,
      mae: 0.5,
    });
  });
});
