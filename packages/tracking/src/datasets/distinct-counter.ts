import { HyperLogLog } from "@ballast/core";

/** Distinct values are counted exactly up to this many, then estimated with HyperLogLog. */
export const EXACT_DISTINCT_LIMIT = 10_000;

/** Register bits of the sketch: 4 KiB per column, 1.6% standard error, plenty for a dataset summary. */
const PRECISION = 12;

/** A distinct count: exact for small data, an estimate (about 1.6% standard error) beyond. */
export interface DistinctCount {
  count: number;
  exact: boolean;
}

/**
 * Counts distinct keys in bounded memory: a set of keys while it stays within
 * {@link EXACT_DISTINCT_LIMIT}, then a HyperLogLog seeded with that set. Small columns (the common
 * case for categorical features) get an exact answer and never pay for hashing.
 */
export class DistinctCounter {
  #exact: Set<string> | undefined = new Set();
  #sketch: HyperLogLog | undefined;

  add(key: string): void {
    if (this.#exact) {
      this.#exact.add(key);
      if (this.#exact.size <= EXACT_DISTINCT_LIMIT) return;
      const sketch = new HyperLogLog({ precision: PRECISION });
      for (const seen of this.#exact) sketch.add(seen);
      this.#sketch = sketch;
      this.#exact = undefined;
      return;
    }
    this.#sketch!.add(key);
  }

  result(): DistinctCount {
    if (this.#exact) return { count: this.#exact.size, exact: true };
    return { count: Math.round(this.#sketch!.estimate()), exact: false };
  }
}
