import type { LogicalType } from "@ballast/core";
import { hashBigInt, hashBoolean, hashNumber, hashString } from "../sketches/hash64.js";
import { HyperLogLog } from "../sketches/hyperloglog.js";
import { KllSketch } from "../sketches/kll-sketch.js";
import { SpaceSaving } from "../sketches/space-saving.js";
import type { ColumnKind, ColumnProfile, Histogram, ProfileSettings } from "./column-profile.js";
import { addToExactHistogram, emptyExactHistogram, sketchHistogram } from "./histogram.js";

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
 * One pass over one column: counts, Welford's mean and M2 over finite values, exact min/max, and the
 * sketches. Values arrive one by one from the columnar loops in `profile.ts`; nothing is allocated
 * per value except string keys.
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
