import { distributionPair, normalise } from "./distribution-pair.js";
import type { DistanceResult } from "./test-result.js";

/** Options of {@link jensenShannon}. */
export interface JensenShannonOptions {
  /** Logarithm base (default e, as SciPy); base 2 bounds the distance by 1. */
  base?: number;
}

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

/**
 * Jensen-Shannon distance, √(½ KL(p‖m) + ½ KL(q‖m)) with m = (p+q)/2, matching
 * `scipy.spatial.distance.jensenshannon(p, q, base)`: both inputs are normalised to sum to 1 first.
 * Evidently's `jensenshannon` drift test (threshold 0.1) applies it to the binned proportions without
 * epsilon filling.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_INVALID_INPUT` (lengths differ, negative
 *   weights), `MONITORING_NON_FINITE`.
 */
export function jensenShannon(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  options: JensenShannonOptions = {},
): DistanceResult {
  const [pp, qq] = distributionPair(p, q);
  normalise(pp);
  normalise(qq);
  let left = 0;
  let right = 0;
  for (let i = 0; i < pp.length; i++) {
    const m = (pp[i]! + qq[i]!) / 2;
    left += relEntr(pp[i]!, m);
    right += relEntr(qq[i]!, m);
  }
  let js = (left + right) / 2;
  if (options.base !== undefined) js /= Math.log(options.base);
  return { statistic: Math.sqrt(js), method: "binned" };
}
