import { EMPTY_BIN_FILL } from "../stats/index.js";

/**
 * Replaces empty bins' shares with a small proportion so logarithmic distances stay finite, with the
 * rule of the data path's binning (Evidently's `feel_zeroes`): 0.0001, or the smallest non-empty share
 * divided by 10⁶ when that share is itself at most 0.0001. Returns a new array.
 */
export function fillZeroShares(shares: Float64Array): Float64Array {
  let smallest = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s > 0 && s < smallest) smallest = s;
  if (smallest === Number.POSITIVE_INFINITY) return shares.slice();
  const fill = smallest <= EMPTY_BIN_FILL ? smallest / 1e6 : EMPTY_BIN_FILL;
  return shares.map((s) => (s === 0 ? fill : s));
}
