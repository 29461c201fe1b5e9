import { cdfDistanceSorted } from "./cdf-distance.js";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { sortFloat64 } from "./radix-sort.js";
import type { DistanceResult } from "./test-result.js";

/**
 * Energy distance between two samples, √2 · (∫ (F_a - F_b)²)^½, matching `scipy.stats.energy_distance`
 * (Székely & Rizzo's √(2E|X-Y| - E|X-X'| - E|Y-Y'|) in one dimension). Missing values: nulls dropped;
 * NaN/±Infinity as {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`.
 */
export function energyDistance(
  a: NumericSample,
  b: NumericSample,
  options: SampleOptions = {},
): DistanceResult {
  const x = sortFloat64(cleanSample(a, "a", options).values);
  const y = sortFloat64(cleanSample(b, "b", options).values);
  return { statistic: Math.SQRT2 * Math.sqrt(cdfDistanceSorted(x, y, 2)), method: "cdf" };
}
