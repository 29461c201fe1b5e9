import { wasserstein1Sorted } from "./cdf-distance.js";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { sortFloat64 } from "./radix-sort.js";
import type { DistanceResult } from "./test-result.js";

/**
 * First Wasserstein (earth mover's) distance between two samples, ∫ |F_a - F_b|, matching
 * `scipy.stats.wasserstein_distance(a, b)`. Missing values: nulls dropped; NaN/±Infinity as
 * {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`.
 * @example
 * wasserstein([0, 1, 3], [5, 6, 8]).statistic; // 5
 */
export function wasserstein(a: NumericSample, b: NumericSample, options: SampleOptions = {}): DistanceResult {
  const x = sortFloat64(cleanSample(a, "a", options).values);
  const y = sortFloat64(cleanSample(b, "b", options).values);
  return { statistic: wasserstein1Sorted(x, y), method: "cdf" };
}

/** Options of {@link wassersteinNormed}. */
export interface WassersteinNormedOptions extends SampleOptions {
  /** Smallest divisor (default 0.001, Evidently's floor), so a constant reference does not divide by zero. */
  floor?: number;
}

/**
 * Population standard deviation (NumPy's `std`, ddof 0), two passes, each summing in four independent
 * partial sums: a quarter of one running sum's worst-case rounding error, at several times its speed.
 */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  const mean = laneSum(values, 0, false) / n;
  return Math.sqrt(laneSum(values, mean, true) / n);
}

/** Σ x (or Σ (x − center)² when `squares`) over `values`, in four lanes. */
function laneSum(values: Float64Array, center: number, squares: boolean): number {
  const n = values.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  if (squares) {
    for (; i + 3 < n; i += 4) {
      const da = values[i]! - center;
      const db = values[i + 1]! - center;
      const dc = values[i + 2]! - center;
      const dd = values[i + 3]! - center;
      a += da * da;
      b += db * db;
      c += dc * dc;
      d += dd * dd;
    }
    for (; i < n; i++) {
      const da = values[i]! - center;
      a += da * da;
    }
  } else {
    for (; i + 3 < n; i += 4) {
      a += values[i]!;
      b += values[i + 1]!;
      c += values[i + 2]!;
      d += values[i + 3]!;
    }
    for (; i < n; i++) a += values[i]!;
  }
  return a + b + (c + d);
}

/**
 * Wasserstein-1 distance divided by the reference's population standard deviation, floored:
 * W1(reference, current) / max(std(reference), floor). Evidently's `wasserstein` drift test (default
 * threshold 0.1, drift when the value is >= the threshold); the floor defaults to Evidently's 0.001.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`.
 */
export function wassersteinNormed(
  reference: NumericSample,
  current: NumericSample,
  options: WassersteinNormedOptions = {},
): DistanceResult {
  const x = cleanSample(reference, "reference", options).values;
  const y = cleanSample(current, "current", options).values;
  return { statistic: wassersteinNormedClean(x, y, options.floor ?? 0.001), method: "cdf" };
}

/** {@link wassersteinNormed} on finite values; sorts both arrays in place. */
export function wassersteinNormedClean(
  reference: Float64Array,
  current: Float64Array,
  floor = 0.001,
): number {
  const norm = Math.max(populationStd(reference), floor);
  return wasserstein1Sorted(sortFloat64(reference), sortFloat64(current)) / norm;
}
