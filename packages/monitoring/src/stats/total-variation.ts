import { distributionPair, normalise } from "./distribution-pair.js";
import type { DistanceResult } from "./test-result.js";

/**
 * Total variation distance ½ Σ |p - q| between two discrete distributions (normalised first), in [0, 1].
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_INVALID_INPUT`, `MONITORING_NON_FINITE`.
 */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): DistanceResult {
  const [pp, qq] = distributionPair(p, q);
  normalise(pp);
  normalise(qq);
  let sum = 0;
  for (let i = 0; i < pp.length; i++) sum += Math.abs(pp[i]! - qq[i]!);
  return { statistic: sum / 2, method: "binned" };
}
