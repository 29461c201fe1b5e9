import type { HyperLogLog, LogicalType } from "@ballast/core";
import type { KllSketch } from "../sketches/kll-sketch.js";
import type { SpaceSaving } from "../sketches/space-saving.js";

/**
 * How a column is summarised: `numeric` (integers and floats), `timestamp` (dates and timestamps, as
 * epoch milliseconds), `bool` (as 0/1 for min/max/mean), `string`, or `other` (any other Arrow type,
 * whose values are counted and sketched by their string form).
 */
export type ColumnKind = "numeric" | "timestamp" | "bool" | "string" | "other";

/**
 * A histogram of a numeric or timestamp column: `counts[i]` values fall in `[edges[i], edges[i+1])`,
 * the last bin closed. `source: "exact"` histograms use fixed edges given in the options and count
 * exactly (they merge by adding counts); `source: "sketch"` ones are read from the KLL sketch with
 * equal-width bins over [min, max], so each count is within 2·ε·n of the truth (ε the rank error),
 * and merged profiles recompute them from the merged sketch.
 */
export interface Histogram {
  edges: Float64Array;
  counts: Float64Array;
  /** Values below the first edge (exact histograms only; 0 for sketch ones). */
  below: number;
  /** Values above the last edge (exact histograms only; 0 for sketch ones). */
  above: number;
  source: "exact" | "sketch";
}

/**
 * The summary of one column. Missing-value policy: `count` is the number of non-null values (NaN
 * included), `nulls` the nulls, `nanCount` the NaNs and `infiniteCount` the ±Infinity among `count`.
 * `min`/`max` (exact) and `quantiles` cover every non-null, non-NaN value; `mean` and `variance`
 * (population variance, ddof = 0; per batch two passes, batches combined by Chan's formula, or
 * Welford's algorithm value by value) cover the finite values only, so one
 * infinity does not turn them into NaN. String columns have `min`, `max`, `mean` and `variance` null.
 */
export interface ColumnProfile {
  name: string;
  /** The logical type of the Arrow field, or "unknown" when it has none (e.g. a dictionary or a struct). */
  type: LogicalType | "unknown";
  kind: ColumnKind;
  count: number;
  nulls: number;
  nanCount: number;
  infiniteCount: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  variance: number | null;
  /** KLL sketch of the values (numeric and timestamp columns). */
  quantiles?: KllSketch;
  /** Distinct non-null values (NaN excluded), by HyperLogLog. */
  distinct: HyperLogLog;
  /** Frequent non-null values (NaN excluded), by space-saving. */
  frequent: SpaceSaving;
  histogram?: Histogram;
}

/** The sketch parameters a profile was built with; profiles merge only when these agree. */
export interface ProfileSettings {
  kllK: number;
  hllPrecision: number;
  frequentCapacity: number;
  /** Bins of the sketch-derived histograms. */
  histogramBins: number;
}

/** The summary of a dataset: one {@link ColumnProfile} per column, in the table's column order. */
export interface DatasetProfile {
  version: 1;
  rowCount: number;
  columns: ReadonlyMap<string, ColumnProfile>;
  /** Epoch milliseconds when it was computed (the latest of the inputs for a merged profile). */
  createdAt: number;
  settings: ProfileSettings;
}
