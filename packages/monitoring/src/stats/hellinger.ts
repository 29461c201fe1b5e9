import { distributionPair, normalise } from "./distribution-pair.js";
import type { DistanceResult } from "./test-result.js";

/**
 * Hellinger distance √(1 - Σ √(p q)) between two discrete distributions (normalised first), in [0, 1];
 * equal to ‖√p - √q‖₂ / √2. Evidently's `hellinger` test (threshold 0.1) uses this form, with the
 * Bhattacharyya coefficient clipped to [0, 1].
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_INVALID_INPUT`, `MONITORING_NON_FINITE`.
 */
export function hellinger(p: ArrayLike<number>, q: ArrayLike<number>): DistanceResult {
  const [pp, qq] = distributionPair(p, q);
  normalise(pp);
  normalise(qq);
  let bc = 0;
  for (let i = 0; i < pp.length; i++) bc += Math.sqrt(pp[i]! * qq[i]!);
  return { statistic: Math.sqrt(1 - Math.min(1, Math.max(0, bc))), method: "binned" };
}
