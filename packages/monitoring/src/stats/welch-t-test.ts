import { studentTSf } from "./distributions.js";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { StatisticsError } from "./statistics-error.js";
import type { Alternative, TestResult } from "./test-result.js";

/** Options of {@link welchTTest}. */
export interface WelchTTestOptions extends SampleOptions {
  alternative?: Alternative;
}

/** Mean and unbiased variance (two passes, as NumPy's `mean`/`var(ddof=1)`). */
export function meanVariance(values: Float64Array): { mean: number; variance: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  return { mean, variance: ss / (n - 1) };
}

/**
 * Welch's unequal-variance t-test, matching `scipy.stats.ttest_ind(a, b, equal_var=False)`:
 * t = (mean_a - mean_b) / sqrt(s²_a/n_a + s²_b/n_b), Welch-Satterthwaite degrees of freedom.
 * Both samples constant: as SciPy, t is NaN with NaN p-value when the means are equal, ±Infinity with
 * p-value 0 otherwise. Missing values: nulls dropped; NaN/±Infinity as {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`, `MONITORING_DEGENERATE_SAMPLE`
 *   (fewer than two values in a sample).
 * @example
 * welchTTest([1, 2, 3, 4], [2, 4, 6, 8, 10]); // { statistic: -2.08..., dof: 5.3..., ... }
 */
export function welchTTest(
  a: NumericSample,
  b: NumericSample,
  options: WelchTTestOptions = {},
): TestResult & { dof: number } {
  const x = cleanSample(a, "a", options).values;
  const y = cleanSample(b, "b", options).values;
  for (const [s, name] of [
    [x, "a"],
    [y, "b"],
  ] as const) {
    if (s.length < 2) {
      throw new StatisticsError(
        "MONITORING_DEGENERATE_SAMPLE",
        `${name} has ${s.length} value; the variance needs two.`,
        {
          hint: "Pass at least two values per sample.",
          details: { argument: name },
        },
      );
    }
  }
  const mx = meanVariance(x);
  const my = meanVariance(y);
  const vx = mx.variance / x.length;
  const vy = my.variance / y.length;
  const denominator = vx + vy;
  const dof = (denominator * denominator) / ((vx * vx) / (x.length - 1) + (vy * vy) / (y.length - 1));
  const t = (mx.mean - my.mean) / Math.sqrt(denominator);
  const alternative = options.alternative ?? "two-sided";
  let pValue: number;
  if (Number.isNaN(t)) pValue = Number.NaN;
  else if (alternative === "two-sided")
    pValue = Math.min(1, 2 * studentTSf(Math.abs(t), Number.isNaN(dof) ? 1 : dof));
  else if (alternative === "greater") pValue = studentTSf(t, Number.isNaN(dof) ? 1 : dof);
  else pValue = studentTSf(-t, Number.isNaN(dof) ? 1 : dof);
  return { statistic: t, pValue, method: "welch", dof };
}
