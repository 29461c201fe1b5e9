import type { ColumnProfile } from "../profile/column-profile.js";
import type { ColumnData } from "./column-data.js";
import { binShares, type DistributionSummary, displayEdges } from "./distribution-summary.js";
import { nextDown } from "./next-down.js";

/** Display distributions of a numerical column with a profile reference: reference shares from its KLL CDF. */
export function profileSummary(profile: ColumnProfile, current: ColumnData): DistributionSummary {
  const sketch = profile.quantiles!;
  const values =
    current.kind === "numerical" ? current.values : Float64Array.from(current.values.map(Number));
  let lo = sketch.min;
  let hi = sketch.max;
  for (const x of values) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const edges = displayEdges(lo, hi, sketch.count + values.length);
  const bins = edges.length - 1;
  const reference: number[] = [];
  for (let i = 0; i < bins; i++) {
    const upper = i === bins - 1 ? 1 : sketch.rank(nextDown(edges[i + 1]!));
    reference.push(Math.max(0, upper - sketch.rank(nextDown(edges[i]!))));
  }
  return { kind: "numerical", edges, reference, current: binShares(values, edges) };
}
