import { normalCdfStd, normalSf } from "./distributions.js";
import { StatisticsError } from "./statistics-error.js";
import type { Alternative, TestResult } from "./test-result.js";

/** Counts for {@link zTestTwoProportions}. */
export interface TwoProportions {
  successesA: number;
  nA: number;
  successesB: number;
  nB: number;
  alternative?: Alternative;
}

function checkCount(value: number, argument: string, max?: number): void {
  if (!Number.isInteger(value) || value < 0 || (max !== undefined && value > max)) {
    throw new StatisticsError(
      "MONITORING_INVALID_INPUT",
      `${argument} is ${value}; it must be an integer in [0, ${max ?? "∞"}].`,
      { hint: "Pass success counts between 0 and the sample size.", details: { argument } },
    );
  }
}

/**
 * Z-test for the difference of two proportions with the pooled variance (Evidently's `z` test and
 * statsmodels' `proportions_ztest`): z = (p_A - p_B) / sqrt(P (1-P) (1/n_A + 1/n_B)) with
 * P = (x_A + x_B)/(n_A + n_B); two-sided p = 2 Φ(-|z|). When both samples are all successes or all
 * failures the variance is 0: statistic 0 and p-value 1, Evidently's convention for identical constants.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE` (n = 0), `MONITORING_INVALID_INPUT`.
 * @example
 * zTestTwoProportions({ successesA: 30, nA: 100, successesB: 45, nB: 100 }).pValue; // 0.0285...
 */
export function zTestTwoProportions(counts: TwoProportions): TestResult {
  const { successesA, nA, successesB, nB } = counts;
  for (const [n, name] of [
    [nA, "nA"],
    [nB, "nB"],
  ] as const) {
    checkCount(n, name);
    if (n === 0) {
      throw new StatisticsError("MONITORING_EMPTY_SAMPLE", `${name} is 0.`, {
        hint: "Both samples need at least one observation.",
        details: { argument: name },
      });
    }
  }
  checkCount(successesA, "successesA", nA);
  checkCount(successesB, "successesB", nB);
  const pA = successesA / nA;
  const pB = successesB / nB;
  const pooled = (successesA + successesB) / (nA + nB);
  const variance = pooled * (1 - pooled) * (1 / nA + 1 / nB);
  if (variance === 0) return { statistic: 0, pValue: 1, method: "pooled" };
  const z = (pA - pB) / Math.sqrt(variance);
  const alternative = counts.alternative ?? "two-sided";
  const pValue =
    alternative === "two-sided"
      ? 2 * normalSf(Math.abs(z))
      : alternative === "less"
        ? normalCdfStd(z)
        : normalSf(z);
  return { statistic: z, pValue: Math.min(1, pValue), method: "pooled" };
}
