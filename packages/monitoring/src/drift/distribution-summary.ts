import type { CategoryCounts } from "./category-counts.js";
import { compareCategories } from "./category-counts.js";
import type { CategoryValue } from "./column-data.js";

/**
 * Reference and current distributions of one column on common bins, as shares of each side's
 * non-null values, for display (the report overlays them). Not the binning the tests use.
 */
export type DistributionSummary =
  | {
      kind: "numerical";
      /** `bins + 1` ascending edges; bin i is `[edges[i], edges[i+1])`, the last one closed. */
      edges: number[];
      reference: number[];
      current: number[];
    }
  | {
      kind: "categorical";
      /** The most frequent categories over both sides (at most 20), then `"(other)"` when some were left out. */
      categories: string[];
      reference: number[];
      current: number[];
    };

const MAX_BINS = 30;
const MAX_CATEGORIES = 20;

/** Equal-width edges over [lo, hi] with Sturges' count of bins (at most 30), one bin for a constant. */
export function displayEdges(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo, lo];
  const bins = Math.min(MAX_BINS, Math.max(1, Math.ceil(Math.log2(Math.max(n, 1)) + 1)));
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
}

/** Shares of `values` in each bin of `edges` (values outside the edges are clamped to the end bins). */
export function binShares(values: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0]!;
  const hi = edges[bins]!;
  let n = 0;
  for (const x of values) {
    if (!Number.isFinite(x)) continue;
    n++;
    if (!(hi > lo)) {
      counts[0]!++;
      continue;
    }
    let i = Math.floor(((x - lo) / (hi - lo)) * bins);
    if (i < 0) i = 0;
    if (i >= bins) i = bins - 1;
    counts[i]!++;
  }
  return counts.map((c) => (n === 0 ? 0 : c / n));
}

/** Numerical summary of two samples. */
export function numericalSummary(reference: Float64Array, current: Float64Array): DistributionSummary {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const side of [reference, current]) {
    for (const x of side) {
      if (!Number.isFinite(x)) continue;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (lo > hi) return { kind: "numerical", edges: [0, 0], reference: [0], current: [0] };
  const edges = displayEdges(lo, hi, reference.length + current.length);
  return {
    kind: "numerical",
    edges,
    reference: binShares(reference, edges),
    current: binShares(current, edges),
  };
}

/** {@link binShares} of ascending `values`: the bin index only grows along them, so each bin's end is a binary search. */
function binSharesOfSorted(values: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const n = values.length;
  const lo = edges[0]!;
  const hi = edges[bins]!;
  if (n === 0) return new Array<number>(bins).fill(0);
  if (!(hi > lo)) return Array.from({ length: bins }, (_, i) => (i === 0 ? 1 : 0));
  // The same arithmetic as binShares, so a value lands in the same bin.
  const binOf = (x: number) => Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * bins)));
  const shares = new Array<number>(bins).fill(0);
  let start = 0;
  for (let b = 0; b < bins && start < n; b++) {
    // First index at or after `start` whose bin is beyond b.
    let left = start;
    let right = n;
    while (left < right) {
      const mid = (left + right) >>> 1;
      if (binOf(values[mid]!) <= b) left = mid + 1;
      else right = mid;
    }
    shares[b] = (left - start) / n;
    start = left;
  }
  return shares;
}

/** {@link numericalSummary} of two ascending samples of finite values (the same result, without a pass over them). */
export function numericalSummaryOfSorted(
  reference: Float64Array,
  current: Float64Array,
): DistributionSummary {
  const lo = Math.min(reference[0]!, current[0]!);
  const hi = Math.max(reference[reference.length - 1]!, current[current.length - 1]!);
  const edges = displayEdges(lo, hi, reference.length + current.length);
  return {
    kind: "numerical",
    edges,
    reference: binSharesOfSorted(reference, edges),
    current: binSharesOfSorted(current, edges),
  };
}

/** Categorical summary of two frequency tables. */
export function categoricalSummary(reference: CategoryCounts, current: CategoryCounts): DistributionSummary {
  const total = (m: CategoryCounts) => {
    let s = 0;
    for (const c of m.values()) s += c;
    return s;
  };
  const nRef = total(reference);
  const nCur = total(current);
  const share = (m: CategoryCounts, n: number, k: CategoryValue) => (n === 0 ? 0 : (m.get(k) ?? 0) / n);
  const all = [...new Set([...reference.keys(), ...current.keys()])];
  all.sort(
    (a, b) =>
      share(reference, nRef, b) +
        share(current, nCur, b) -
        (share(reference, nRef, a) + share(current, nCur, a)) || compareCategories(a, b),
  );
  const shown = all.slice(0, MAX_CATEGORIES);
  const ref = shown.map((k) => share(reference, nRef, k));
  const cur = shown.map((k) => share(current, nCur, k));
  const categories = shown.map(String);
  if (all.length > shown.length) {
    categories.push("(other)");
    ref.push(Math.max(0, 1 - ref.reduce((a, b) => a + b, 0)));
    cur.push(Math.max(0, 1 - cur.reduce((a, b) => a + b, 0)));
  }
  return { kind: "categorical", categories, reference: ref, current: cur };
}
