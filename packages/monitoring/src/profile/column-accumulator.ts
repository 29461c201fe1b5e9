import {
  HyperLogLog,
  hashBigInt,
  hashBoolean,
  hashNumber,
  hashString,
  type LogicalType,
} from "@ballast/core";
import { KllSketch } from "../sketches/kll-sketch.js";
import { SpaceSaving } from "../sketches/space-saving.js";
import { sortFloat64 } from "../stats/radix-sort.js";
import type { ColumnKind, ColumnProfile, Histogram, ProfileSettings } from "./column-profile.js";
import { addToExactHistogram, emptyExactHistogram, sketchHistogram } from "./histogram.js";
import { combineMoments } from "./moments.js";

let runValues = new Float64Array(0);
let runCounts = new Float64Array(0);

/** Buffers for a batch's distinct values and their counts, shared by every accumulator of this thread. */
function runScratch(size: number): { distinctValues: Float64Array; distinctCounts: Float64Array } {
  if (runValues.length < size) {
    runValues = new Float64Array(size);
    runCounts = new Float64Array(size);
  }
  return { distinctValues: runValues, distinctCounts: runCounts };
}

/** Everything one column's accumulator needs to start. */
export interface AccumulatorSetup {
  name: string;
  type: LogicalType | "unknown";
  kind: ColumnKind;
  settings: ProfileSettings;
  seed: number;
  histogramEdges: readonly number[] | undefined;
}

/**
 * One pass over one column: counts, the mean and M2 over finite values, exact min/max, and the
 * sketches. Numbers of Arrow float, integer and time columns arrive in batches ({@link addNumbers});
 * other values one by one (Welford's update for the moments); nothing is allocated per value except
 * string keys.
 */
export class ColumnAccumulator {
  readonly setup: AccumulatorSetup;
  count = 0;
  nulls = 0;
  nanCount = 0;
  infiniteCount = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  finite = 0;
  mean = 0;
  m2 = 0;
  readonly quantiles: KllSketch | undefined;
  readonly distinct: HyperLogLog;
  readonly frequent: SpaceSaving;
  readonly exactHistogram: Histogram | undefined;
  readonly #hash = new Uint32Array(2);

  constructor(setup: AccumulatorSetup) {
    this.setup = setup;
    const numeric = setup.kind === "numeric" || setup.kind === "timestamp";
    this.quantiles = numeric ? new KllSketch({ k: setup.settings.kllK, seed: setup.seed }) : undefined;
    this.distinct = new HyperLogLog({ precision: setup.settings.hllPrecision });
    this.frequent = new SpaceSaving({ capacity: setup.settings.frequentCapacity });
    this.exactHistogram =
      numeric && setup.histogramEdges ? emptyExactHistogram(setup.histogramEdges) : undefined;
  }

  addNulls(count: number): void {
    this.nulls += count;
  }

  /** A non-null number of a numeric or timestamp column. */
  addNumber(x: number): void {
    this.count++;
    if (Number.isNaN(x)) {
      this.nanCount++;
      return;
    }
    this.#moments(x);
    this.quantiles?.add(x);
    if (this.exactHistogram) addToExactHistogram(this.exactHistogram, x);
    hashNumber(x, this.#hash);
    this.distinct.addHash(this.#hash[0]!, this.#hash[1]!);
    this.frequent.add(x === 0 ? 0 : x);
  }

  /**
   * A batch of non-null numbers of a numeric or timestamp column (NaN counted apart): the summary
   * {@link addNumber} gives for each, computed per batch. The moments come from two passes over the
   * batch, combined with Chan's formula; the values are then sorted once (radix), and the sorted run
   * feeds the KLL sketch ({@link KllSketch.addSorted}), the HyperLogLog (each distinct value once:
   * its registers do not change on repeats) and the space-saving sketch (exact counts of the batch,
   * {@link SpaceSaving.addCounts}). Reorders and overwrites `batch`.
   */
  addNumbers(batch: Float64Array): void {
    this.count += batch.length;
    // Drop NaN, in place; exact min and max over the rest, moments over the finite values.
    let size = 0;
    let min = this.min;
    let max = this.max;
    let finite = 0;
    let sum = 0;
    for (let i = 0; i < batch.length; i++) {
      const x = batch[i]!;
      if (Number.isNaN(x)) continue;
      batch[size++] = x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (x - x === 0) {
        finite++;
        sum += x;
      }
    }
    this.nanCount += batch.length - size;
    this.infiniteCount += size - finite;
    this.min = min;
    this.max = max;
    if (size === 0) return;
    const values = batch.subarray(0, size);
    if (finite > 0) {
      const mean = sum / finite;
      let m2 = 0;
      let drift = 0;
      for (let i = 0; i < size; i++) {
        const d = values[i]! - mean;
        if (d - d !== 0) continue;
        m2 += d * d;
        drift += d;
      }
      // The corrected two-pass form: subtracting (Σd)²/n removes the rounding of the mean.
      const moments = combineMoments(
        { n: this.finite, mean: this.mean, m2: this.m2 },
        { n: finite, mean, m2: Math.max(0, m2 - (drift * drift) / finite) },
      );
      this.finite = moments.n;
      this.mean = moments.mean;
      this.m2 = moments.m2;
    }
    if (this.exactHistogram)
      for (let i = 0; i < size; i++) addToExactHistogram(this.exactHistogram, values[i]!);
    sortFloat64(values);
    // Runs of equal values: one hash per distinct value, counts for the frequent items.
    const { distinctValues, distinctCounts } = runScratch(size);
    let distinct = 0;
    for (let i = 0; i < size; ) {
      const x = values[i]!;
      let j = i + 1;
      while (j < size && values[j] === x) j++;
      distinctValues[distinct] = x;
      distinctCounts[distinct++] = j - i;
      hashNumber(x, this.#hash);
      this.distinct.addHash(this.#hash[0]!, this.#hash[1]!);
      i = j;
    }
    this.frequent.addCounts(distinctValues, distinctCounts, distinct);
    this.quantiles?.addSorted(values);
  }

  /** A non-null int64 (exact beyond 2^53 for the distinct count and frequent items). */
  addInt64(value: bigint): void {
    const x = Number(value);
    if (Number.isSafeInteger(x)) {
      this.addNumber(x);
      return;
    }
    this.count++;
    this.#moments(x);
    this.quantiles?.add(x);
    if (this.exactHistogram) addToExactHistogram(this.exactHistogram, x);
    hashBigInt(value, this.#hash);
    this.distinct.addHash(this.#hash[0]!, this.#hash[1]!);
    this.frequent.add(value);
  }

  #moments(x: number): void {
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
      this.infiniteCount++;
      return;
    }
    this.finite++;
    const delta = x - this.mean;
    this.mean += delta / this.finite;
    this.m2 += delta * (x - this.mean);
  }

  addBoolean(value: boolean): void {
    this.count++;
    this.#moments(value ? 1 : 0);
    hashBoolean(value, this.#hash);
    this.distinct.addHash(this.#hash[0]!, this.#hash[1]!);
    this.frequent.add(value);
  }

  /** A non-null string; `utf8` (its bytes) saves re-encoding it for the hash. */
  addString(value: string, utf8?: Uint8Array, start = 0, end = 0): void {
    this.count++;
    if (utf8) this.distinct.addUtf8(utf8, start, end);
    else {
      hashString(value, this.#hash);
      this.distinct.addHash(this.#hash[0]!, this.#hash[1]!);
    }
    this.frequent.add(value);
  }

  /** A non-null string whose 64-bit hash is already known (dictionary entries are hashed once). */
  addHashedString(value: string, high: number, low: number): void {
    this.count++;
    this.distinct.addHash(high, low);
    this.frequent.add(value);
  }

  finish(): ColumnProfile {
    const { name, type, kind, settings } = this.setup;
    const ordered = kind !== "string" && kind !== "other";
    const hasOrdered = ordered && this.count - this.nanCount > 0;
    const column: ColumnProfile = {
      name,
      type,
      kind,
      count: this.count,
      nulls: this.nulls,
      nanCount: this.nanCount,
      infiniteCount: this.infiniteCount,
      min: hasOrdered ? this.min : null,
      max: hasOrdered ? this.max : null,
      mean: ordered && this.finite > 0 ? this.mean : null,
      variance: ordered && this.finite > 0 ? this.m2 / this.finite : null,
      distinct: this.distinct,
      frequent: this.frequent,
    };
    if (this.quantiles) column.quantiles = this.quantiles;
    const histogram =
      this.exactHistogram ??
      (this.quantiles ? sketchHistogram(this.quantiles, settings.histogramBins) : undefined);
    if (histogram) column.histogram = histogram;
    return column;
  }
}
