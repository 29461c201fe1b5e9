import { distributionPair } from "./distribution-pair.js";
import type { DistanceResult } from "./test-result.js";

/**
 * Population stability index Σ (r - c) ln(r / c) over bins, on the proportions as given (Evidently's
 * `psi`, threshold 0.1; not renormalised, so epsilon-filled bins from `numericBins` count as they are).
 * A bin where exactly one side is 0 gives Infinity; bins where both are 0 contribute nothing.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_INVALID_INPUT`, `MONITORING_NON_FINITE`.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): DistanceResult {
  const [r, c] = distributionPair(reference, current, ["reference", "current"]);
  let sum = 0;
  for (let i = 0; i < r.length; i++) {
    const x = r[i]!;
    const y = c[i]!;
    if (x === y) continue;
    if (x === 0 || y === 0) return { statistic: Number.POSITIVE_INFINITY, method: "binned" };
    sum += (x - y) * Math.log(x / y);
  }
  return { statistic: sum, method: "binned" };
}
