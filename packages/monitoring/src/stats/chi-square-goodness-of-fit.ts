import { chiSquareSf } from "./distributions.js";
import { StatisticsError } from "./statistics-error.js";
import type { TestResult } from "./test-result.js";

/** Options of {@link chiSquareGoodnessOfFit}. */
export interface ChiSquareGoodnessOfFitOptions {
  /** Delta degrees of freedom: the p-value uses k - 1 - ddof degrees of freedom (default 0). */
  ddof?: number;
}

/** Throws unless every element is a finite number >= 0 (counts and expected frequencies). */
export function checkCounts(values: readonly number[], argument: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new StatisticsError(
        Number.isNaN(v) || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY
          ? "MONITORING_NON_FINITE"
          : "MONITORING_INVALID_INPUT",
        `${argument}[${i}] is ${String(v)}; counts must be finite and non-negative.`,
        { hint: "Pass frequencies as finite numbers >= 0.", details: { argument, index: i } },
      );
    }
  }
}

/**
 * Pearson's chi-square goodness-of-fit test, matching `scipy.stats.chisquare(observed, expected, ddof)`:
 * statistic Σ (o - e)² / e, p-value from the chi-square survival function with k - 1 - ddof degrees of
 * freedom. `expected` defaults to the uniform frequencies (the mean of `observed`); when given, its sum must
 * equal the observed sum to a relative 1e-8, as SciPy requires.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE` (no categories), `MONITORING_INVALID_INPUT` (negative
 *   counts, lengths or sums that differ, fewer than one degree of freedom), `MONITORING_NON_FINITE`,
 *   `MONITORING_DEGENERATE_SAMPLE` (a zero expected frequency).
 * @example
 * chiSquareGoodnessOfFit([16, 18, 16, 14, 12, 12]).pValue; // 0.8267...
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expected?: readonly number[],
  options: ChiSquareGoodnessOfFitOptions = {},
): TestResult & { dof: number } {
  const k = observed.length;
  if (k === 0) {
    throw new StatisticsError("MONITORING_EMPTY_SAMPLE", "observed has no categories.", {
      hint: "Pass one count per category.",
      details: { argument: "observed" },
    });
  }
  checkCounts(observed, "observed");
  let total = 0;
  for (const o of observed) total += o;
  let exp: readonly number[];
  if (expected === undefined) {
    exp = new Array<number>(k).fill(total / k);
  } else {
    if (expected.length !== k) {
      throw new StatisticsError(
        "MONITORING_INVALID_INPUT",
        `expected has ${expected.length} categories, observed has ${k}.`,
        { hint: "Pass one expected frequency per observed category.", details: { argument: "expected" } },
      );
    }
    checkCounts(expected, "expected");
    let expTotal = 0;
    for (const e of expected) expTotal += e;
    if (Math.abs(expTotal - total) > 1e-8 * Math.max(Math.abs(expTotal), Math.abs(total))) {
      throw new StatisticsError(
        "MONITORING_INVALID_INPUT",
        `expected sums to ${expTotal} but observed sums to ${total}.`,
        { hint: "Scale the expected frequencies to the observed total.", details: { argument: "expected" } },
      );
    }
    exp = expected;
  }
  const dof = k - 1 - (options.ddof ?? 0);
  if (!(dof >= 1)) {
    throw new StatisticsError(
      "MONITORING_INVALID_INPUT",
      `${dof} degrees of freedom (k=${k}, ddof=${options.ddof ?? 0}).`,
      {
        hint: "Pass at least two categories and a ddof below k - 1.",
        details: { argument: "options.ddof" },
      },
    );
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const e = exp[i]!;
    if (e === 0) {
      throw new StatisticsError(
        "MONITORING_DEGENERATE_SAMPLE",
        `expected[${i}] is 0; the statistic is undefined.`,
        {
          hint: "Merge or drop categories with zero expected frequency.",
          details: { argument: "expected", index: i },
        },
      );
    }
    const diff = observed[i]! - e;
    statistic += (diff * diff) / e;
  }
  return { statistic, pValue: chiSquareSf(statistic, dof), method: "chi2", dof };
}
