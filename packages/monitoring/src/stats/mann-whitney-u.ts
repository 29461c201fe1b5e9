import { normalSf } from "./distributions.js";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { averageRanks } from "./ranks.js";
import { StatisticsError } from "./statistics-error.js";
import type { Alternative, TestResult } from "./test-result.js";

/** Options of {@link mannWhitneyU}. */
export interface MannWhitneyUOptions extends SampleOptions {
  /** `"auto"` (default): exact when a sample has at most 8 values and there are no ties, else asymptotic. */
  method?: "auto" | "exact" | "asymptotic";
  /** Continuity correction of the normal approximation (default true). */
  useContinuity?: boolean;
  alternative?: Alternative;
}

/**
 * Null distribution of U for sizes m and n without ties: the coefficients of the Gaussian binomial
 * [m+n choose m]_q = Π_{i=1..m} (1 - q^(n+i)) / (1 - q^i), each factor applied as a polynomial
 * multiplication then division, which keeps every coefficient an integer count.
 */
function uCounts(m: number, n: number): Float64Array {
  const size = m * n + 1;
  const c = new Float64Array(size);
  c[0] = 1;
  let degree = 0;
  for (let i = 1; i <= m; i++) {
    const shift = n + i;
    degree += n;
    for (let k = degree + i; k >= shift; k--) c[k]! -= c[k - shift]!;
    for (let k = i; k <= degree; k++) c[k]! += c[k - i]!;
    // The exact quotient has degree i·n; what is left above it is the division's zero remainder.
    for (let k = degree + 1; k <= degree + i && k < size; k++) c[k] = 0;
  }
  return c;
}

/** P(U >= u) under the null, sizes m and n, no ties. */
function exactSf(u: number, m: number, n: number): number {
  const counts = uCounts(Math.min(m, n), Math.max(m, n));
  let total = 0;
  let tail = 0;
  for (let k = 0; k < counts.length; k++) {
    total += counts[k]!;
    if (k >= u) tail += counts[k]!;
  }
  return tail / total;
}

/**
 * Mann-Whitney U test, matching `scipy.stats.mannwhitneyu(a, b, method, use_continuity, alternative)`.
 * The statistic is U of `a`: R_a - n_a(n_a+1)/2 with average ranks for ties. Exact p-values from the
 * null distribution of U (no ties); asymptotic ones from the normal approximation with the tie
 * correction σ² = n_a n_b/12 ((n+1) - Σ(t³-t)/(n(n-1))) and, by default, a 0.5 continuity correction.
 * Two-sided p-values use max(U_a, U_b) and double the tail.
 *
 * Missing values: nulls dropped; NaN/±Infinity as {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`, `MONITORING_INVALID_INPUT`.
 */
export function mannWhitneyU(
  a: NumericSample,
  b: NumericSample,
  options: MannWhitneyUOptions = {},
): TestResult {
  const x = cleanSample(a, "a", options).values;
  const y = cleanSample(b, "b", options).values;
  const n1 = x.length;
  const n2 = y.length;
  const pooled = new Float64Array(n1 + n2);
  pooled.set(x);
  pooled.set(y, n1);
  const { ranks, ties } = averageRanks(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const alternative = options.alternative ?? "two-sided";
  let method = options.method ?? "auto";
  if (!["auto", "exact", "asymptotic"].includes(method)) {
    throw new StatisticsError("MONITORING_INVALID_INPUT", `Unknown mannWhitneyU method ${method}.`, {
      hint: 'Use "auto", "exact" or "asymptotic".',
      details: { argument: "options.method" },
    });
  }
  if (method === "auto") method = (n1 > 8 && n2 > 8) || ties.length > 0 ? "asymptotic" : "exact";
  const u = alternative === "greater" ? u1 : alternative === "less" ? u2 : Math.max(u1, u2);
  const factor = alternative === "two-sided" ? 2 : 1;
  let p: number;
  if (method === "exact") {
    p = exactSf(Math.floor(u), n1, n2);
  } else {
    const n = n1 + n2;
    let tieTerm = 0;
    for (const t of ties) tieTerm += t * t * t - t;
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    let numerator = u - (n1 * n2) / 2;
    if (options.useContinuity ?? true) numerator -= 0.5;
    p = normalSf(numerator / s);
  }
  return { statistic: u1, pValue: Math.min(1, Math.max(0, p * factor)), method };
}
