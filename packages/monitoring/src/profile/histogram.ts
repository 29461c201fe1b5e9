import type { KllSketch } from "../sketches/kll-sketch.js";
import type { Histogram } from "./column-profile.js";

/**
 * Equal-width bins over [min, max] with counts read from the KLL sketch: bin i holds
 * n·(rank(e[i+1]) − rank(e[i])), the first bin also the values equal to min. Computed at read time
 * from a (merged) sketch, so histograms of merged profiles need no common edges. A constant column
 * gets one bin [min, max].
 */
export function sketchHistogram(sketch: KllSketch, bins: number): Histogram | undefined {
  const n = sketch.count;
  if (n === 0) return undefined;
  const min = sketch.min;
  const max = sketch.max;
  if (!Number.isFinite(min) || !Number.isFinite(max)) return undefined;
  if (min === max) {
    return {
      edges: Float64Array.of(min, max),
      counts: Float64Array.of(n),
      below: 0,
      above: 0,
      source: "sketch",
    };
  }
  const edges = new Float64Array(bins + 1);
  const width = (max - min) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = min + i * width;
  edges[bins] = max;
  const counts = new Float64Array(bins);
  // Ranks just below each inner edge: bins are half-open [e_i, e_{i+1}), so a value equal to an edge
  // belongs to the bin on its right.
  let previous = 0;
  for (let i = 0; i < bins; i++) {
    const upper = i === bins - 1 ? 1 : sketch.rank(prevFloat(edges[i + 1]!));
    counts[i] = Math.max(0, Math.round((upper - previous) * n));
    previous = upper;
  }
  return { edges, counts, below: 0, above: 0, source: "sketch" };
}

/** An exact histogram over fixed edges, filled by {@link addToExactHistogram}. */
export function emptyExactHistogram(edges: readonly number[]): Histogram {
  return {
    edges: Float64Array.from(edges),
    counts: new Float64Array(Math.max(edges.length - 1, 0)),
    below: 0,
    above: 0,
    source: "exact",
  };
}

/** Counts one non-NaN value into a fixed-edge histogram (binary search over the edges). */
export function addToExactHistogram(histogram: Histogram, value: number): void {
  const edges = histogram.edges;
  const last = edges.length - 1;
  if (value < edges[0]!) {
    histogram.below++;
    return;
  }
  if (value > edges[last]!) {
    histogram.above++;
    return;
  }
  if (value === edges[last]) {
    histogram.counts[last - 1]!++;
    return;
  }
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= value) lo = mid;
    else hi = mid;
  }
  histogram.counts[lo]!++;
}

const float = new Float64Array(1);
const bits = new BigInt64Array(float.buffer);

/** The largest double below x (x finite). */
function prevFloat(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  float[0] = x;
  bits[0] = x > 0 ? bits[0]! - 1n : bits[0]! + 1n;
  return float[0]!;
}
