import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { StatisticsError } from "./statistics-error.js";

/** Evidently's rule: a numeric column is histogram-binned when its reference has more than this many distinct values. */
export const HISTOGRAM_DISTINCT_THRESHOLD = 20;
/** Evidently's fill for empty bins, used unless the smallest non-empty proportion is at or below it. */
export const EMPTY_BIN_FILL = 0.0001;

/** Options of the binning helpers. */
export interface BinningOptions extends SampleOptions {
  /**
   * Replace empty bins by a small proportion (default true), Evidently's `feel_zeroes`: 0.0001, or the
   * smallest non-empty proportion / 10⁶ when that is at or below 0.0001. Proportions are not renormalised
   * afterwards. Pass false for Jensen-Shannon, which Evidently computes without the fill.
   */
  fillEmpty?: boolean;
}

/** Binned proportions of two numeric samples. */
export interface NumericBins {
  /** Proportion of the reference in each bin (count / reference size, then empty-bin fill). */
  reference: Float64Array;
  current: Float64Array;
  /**
   * `kind: "histogram"`: the bins.length + 1 edges (last bin closed). `kind: "values"`: the distinct values,
   * one bin each.
   */
  edges: Float64Array;
  kind: "histogram" | "values";
}

/** Binned proportions of two categorical samples. */
export interface CategoricalBins<T> {
  /** The categories (non-null values of either sample, in order of first appearance: reference, then current). */
  categories: T[];
  reference: Float64Array;
  current: Float64Array;
}

function fillEmpty(values: Float64Array): void {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0 && values[i]! < min) min = values[i]!;
  if (min === Number.POSITIVE_INFINITY) return;
  const fill = min <= EMPTY_BIN_FILL ? min / 1e6 : EMPTY_BIN_FILL;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) values[i] = fill;
}

/**
 * Equal-width edges by Sturges' rule, as `numpy.histogram_bin_edges(values, bins="sturges")`: width =
 * range / (log2(n) + 1), ceil(range / width) bins between min and max (±0.5 around a constant).
 */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  const range = max - min;
  let bins = 1;
  if (range > 0) {
    const width = range / (Math.log2(n) + 1);
    bins = Math.ceil(range / width);
  } else {
    first -= 0.5;
    last += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

function histogram(values: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const first = edges[0]!;
  const norm = bins / (edges[bins]! - first);
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    let i = Math.floor((x - first) * norm);
    if (i >= bins) i = bins - 1;
    if (i < 0) i = 0;
    while (i > 0 && x < edges[i]!) i--;
    while (i < bins - 1 && x >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  return counts;
}

/**
 * Evidently's binning of a numeric column for the distribution distances (`get_binned_data`): when the
 * reference has more than 20 distinct values, Sturges' equal-width bins over the combined sample; otherwise
 * one bin per distinct value of either sample. Proportions are counts divided by each sample's size, then
 * empty bins are filled (see {@link BinningOptions.fillEmpty}). Nulls are dropped first.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`.
 * @example
 * const bins = numericBins(reference, current);
 * psi(bins.reference, bins.current);
 */
export function numericBins(
  reference: NumericSample,
  current: NumericSample,
  options: BinningOptions = {},
): NumericBins {
  const ref = cleanSample(reference, "reference", options).values;
  const cur = cleanSample(current, "current", options).values;
  const distinct = new Set<number>();
  for (let i = 0; i < ref.length && distinct.size <= HISTOGRAM_DISTINCT_THRESHOLD; i++) distinct.add(ref[i]!);
  let result: NumericBins;
  if (distinct.size > HISTOGRAM_DISTINCT_THRESHOLD) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of [ref, cur]) {
      for (let i = 0; i < s.length; i++) {
        const v = s[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    const edges = sturgesEdges(min, max, ref.length + cur.length);
    const r = histogram(ref, edges);
    const c = histogram(cur, edges);
    for (let i = 0; i < r.length; i++) {
      r[i]! /= ref.length;
      c[i]! /= cur.length;
    }
    result = { reference: r, current: c, edges, kind: "histogram" };
  } else {
    const counts = new Map<number, [number, number]>();
    for (let i = 0; i < ref.length; i++) {
      const entry = counts.get(ref[i]!) ?? [0, 0];
      entry[0]++;
      counts.set(ref[i]!, entry);
    }
    for (let i = 0; i < cur.length; i++) {
      const entry = counts.get(cur[i]!) ?? [0, 0];
      entry[1]++;
      counts.set(cur[i]!, entry);
    }
    const values = Float64Array.from(counts.keys()).sort();
    const r = new Float64Array(values.length);
    const c = new Float64Array(values.length);
    values.forEach((v, i) => {
      const [a, b] = counts.get(v)!;
      r[i] = a / ref.length;
      c[i] = b / cur.length;
    });
    result = { reference: r, current: c, edges: values, kind: "values" };
  }
  if (options.fillEmpty ?? true) {
    fillEmpty(result.reference);
    fillEmpty(result.current);
  }
  return result;
}

/**
 * Evidently's binning of a categorical column: one bin per non-null value of either sample, proportions
 * over each sample's non-null size, then empty bins filled (see {@link BinningOptions.fillEmpty}). Values
 * are compared with `===` (so `1` and `"1"` are different categories).
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE` when a sample has no non-null value.
 */
export function categoricalBins<T extends string | number | boolean>(
  reference: readonly (T | null | undefined)[],
  current: readonly (T | null | undefined)[],
  options: Pick<BinningOptions, "fillEmpty"> = {},
): CategoricalBins<T> {
  const counts = new Map<T, [number, number]>();
  const sizes = [0, 0];
  [reference, current].forEach((sample, side) => {
    for (const value of sample) {
      if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value)))
        continue;
      const entry = counts.get(value) ?? [0, 0];
      entry[side]!++;
      sizes[side]!++;
      counts.set(value, entry);
    }
  });
  for (const side of [0, 1]) {
    if (sizes[side] === 0) {
      const argument = side === 0 ? "reference" : "current";
      throw new StatisticsError("MONITORING_EMPTY_SAMPLE", `${argument} has no non-null value.`, {
        hint: "Pass a sample with at least one category.",
        details: { argument },
      });
    }
  }
  const categories = [...counts.keys()];
  const r = new Float64Array(categories.length);
  const c = new Float64Array(categories.length);
  categories.forEach((key, i) => {
    const [a, b] = counts.get(key)!;
    r[i] = a / sizes[0]!;
    c[i] = b / sizes[1]!;
  });
  if (options.fillEmpty ?? true) {
    fillEmpty(r);
    fillEmpty(c);
  }
  return { categories, reference: r, current: c };
}
