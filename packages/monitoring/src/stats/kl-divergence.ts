import { distributionPair, normalise } from "./distribution-pair.js";
import type { DistanceResult } from "./test-result.js";

/**
 * Kullback-Leibler divergence KL(p‖q) = Σ p ln(p/q) in nats, matching `scipy.stats.entropy(p, q)`: both
 * inputs are normalised first; a bin with p > 0 and q = 0 gives Infinity (fill empty bins with
 * `numericBins`/`categoricalBins`, as Evidently's `kl_div` does). Not symmetric.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_INVALID_INPUT`, `MONITORING_NON_FINITE`.
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): DistanceResult {
  const [pp, qq] = distributionPair(p, q);
  normalise(pp);
  normalise(qq);
  let sum = 0;
  for (let i = 0; i < pp.length; i++) {
    const x = pp[i]!;
    const y = qq[i]!;
    if (x > 0 && y > 0) sum += x * Math.log(x / y);
    else if (x > 0) return { statistic: Number.POSITIVE_INFINITY, method: "binned" };
  }
  return { statistic: sum, method: "binned" };
}
