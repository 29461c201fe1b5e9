import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KllSketch } from "./kll-sketch.js";

/** Exact normalized rank of x (share of values ≤ x), by binary search in the sorted sample. */
function exactRank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** The worst |rank̂(x) − rank(x)| over every distinct value of the sample. */
function worstRankError(sketch: KllSketch, values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  let worst = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
    worst = Math.max(worst, Math.abs(sketch.rank(sorted[i]!) - (i + 1) / sorted.length));
  }
  return worst;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const streams: Record<string, (n: number, random: () => number) => Float64Array> = {
  uniform: (n, random) => Float64Array.from({ length: n }, () => random()),
  ascending: (n) => Float64Array.from({ length: n }, (_, i) => i),
  descending: (n) => Float64Array.from({ length: n }, (_, i) => n - i),
  "heavy ties": (n, random) => Float64Array.from({ length: n }, () => Math.floor(random() * 10)),
  lognormal: (n, random) =>
    Float64Array.from({ length: n }, () =>
      Math.exp(3 * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())),
    ),
};

describe("KllSketch", () => {
  it("states 1.65% for k = 200", () => {
    expect(KllSketch.normalizedRankError(200)).toBeCloseTo(0.0165, 10);
    expect(new KllSketch().rankErrorBound).toBeCloseTo(0.0165, 10);
  });

  it("is exact while nothing was compacted (n below capacity)", () => {
    const values = Float64Array.from({ length: 150 }, (_, i) => (i * 37) % 150);
    const sketch = new KllSketch({ k: 200, seed: 1 });
    for (const v of values) sketch.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.9, 0.999]) {
      // The q-quantile of n sorted values: the ⌈q·n⌉-th smallest (the smallest with rank ≥ q).
      expect(sketch.quantile(q)).toBe(sorted[Math.ceil(q * values.length) - 1]);
    }
    expect(sketch.quantile(0)).toBe(0);
    expect(sketch.quantile(1)).toBe(149);
    expect(sketch.rank(-1)).toBe(0);
    expect(sketch.rank(74)).toBeCloseTo(75 / 150, 12);
  });

  for (const [name, make] of Object.entries(streams)) {
    it(`keeps the rank error within 3.3/k on ${name} streams (k = 200, 8 seeds, 30k values)`, () => {
      for (let seed = 1; seed <= 8; seed++) {
        const values = make(30_000, lcg(seed * 977));
        const sketch = new KllSketch({ k: 200, seed });
        for (const v of values) sketch.add(v);
        expect(sketch.count).toBe(30_000);
        expect(sketch.retained).toBeLessThan(700);
        expect(worstRankError(sketch, values)).toBeLessThanOrEqual(sketch.rankErrorBound);
      }
    });
  }

  for (const [name, make] of Object.entries(streams)) {
    it(`keeps the rank error within 3.3/k when fed sorted batches (addSorted) on ${name} streams`, () => {
      for (let seed = 1; seed <= 8; seed++) {
        const values = make(30_000, lcg(seed * 631));
        const sketch = new KllSketch({ k: 200, seed });
        // Batches of several sizes: below level 0's capacity, around k, and far above it.
        let at = 0;
        for (const size of [50, 199, 201, 7_000, 1, 12_549, 10_000]) {
          sketch.addSorted(Float64Array.from(values.subarray(at, at + size)).sort());
          at += size;
        }
        expect(at).toBe(30_000);
        expect(sketch.count).toBe(30_000);
        expect(sketch.retained).toBeLessThan(700);
        expect(sketch.min).toBe(Math.min(...values));
        expect(sketch.max).toBe(Math.max(...values));
        expect(worstRankError(sketch, values)).toBeLessThanOrEqual(sketch.rankErrorBound);
        // Weights still add up to the count: the bytes decode (the reader checks it).
        expect(KllSketch.deserialize(sketch.serialize()).count).toBe(30_000);
      }
    });
  }

  it("answers quantiles within the bound against exact quantiles by sorting", () => {
    const values = streams.lognormal!(50_000, lcg(5));
    const sketch = new KllSketch({ k: 200, seed: 9 });
    for (const v of values) sketch.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const q of [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999]) {
      const estimate = sketch.quantile(q);
      // The estimate's true rank must be within ε of q.
      expect(Math.abs(exactRank(sorted, estimate) - q)).toBeLessThanOrEqual(sketch.rankErrorBound);
    }
    expect(sketch.min).toBe(sorted[0]);
    expect(sketch.max).toBe(sorted[sorted.length - 1]);
  });

  it("property: merged partitions stay within the bound of the union", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 6 }),
        fc.integer({ min: 16, max: 128 }),
        (values, cuts, k) => {
          const points = [...new Set(cuts.map((c) => c % values.length))].sort((a, b) => a - b);
          const bounds = [0, ...points, values.length];
          let merged = new KllSketch({ k, seed: 1 });
          const accumulator = new KllSketch({ k, seed: 1 });
          for (let i = 0; i + 1 < bounds.length; i++) {
            const part = new KllSketch({ k, seed: 100 + i });
            for (const v of values.slice(bounds[i], bounds[i + 1])) part.add(v);
            merged = merged.merge(part);
            accumulator.mergeInPlace(part);
          }
          // In place and copying merges make the same coin flips, so the same sketch.
          expect(accumulator.serialize()).toEqual(merged.serialize());
          expect(merged.count).toBe(values.length);
          expect(merged.min).toBe(Math.min(...values));
          expect(merged.max).toBe(Math.max(...values));
          expect(worstRankError(merged, Float64Array.from(values))).toBeLessThanOrEqual(
            merged.rankErrorBound,
          );
        },
      ),
      { seed: 20261201, numRuns: 60 },
    );
  });

  it("is reproducible with a seed, and round-trips through bytes", () => {
    const build = () => {
      const sketch = new KllSketch({ k: 64, seed: 7 });
      const random = lcg(3);
      for (let i = 0; i < 10_000; i++) sketch.add(random());
      return sketch;
    };
    const a = build();
    const b = build();
    expect(a.serialize()).toEqual(b.serialize());
    const copy = KllSketch.deserialize(a.serialize());
    expect(copy.quantiles([0.1, 0.5, 0.9])).toEqual(a.quantiles([0.1, 0.5, 0.9]));
    expect(copy.count).toBe(a.count);
    expect(copy.serialize()).toEqual(a.serialize());
  });

  it("ignores NaN, keeps infinities, and rejects bad queries with typed errors", () => {
    const sketch = new KllSketch({ seed: 1 });
    expect(() => sketch.quantile(0.5)).toThrow(expect.objectContaining({ code: "MONITORING_EMPTY_SKETCH" }));
    sketch.add(Number.NaN);
    expect(sketch.count).toBe(0);
    sketch.add(Number.NEGATIVE_INFINITY);
    sketch.add(1);
    sketch.add(Number.POSITIVE_INFINITY);
    expect(sketch.quantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(sketch.quantile(0.5)).toBe(1);
    expect(sketch.cdf([0, 1, 2])).toEqual(Float64Array.of(1 / 3, 2 / 3, 2 / 3));
    expect(() => sketch.quantile(1.5)).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
    expect(() => new KllSketch({ k: 4 })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
    expect(() => sketch.merge(new KllSketch({ k: 100 }))).toThrow(
      expect.objectContaining({ code: "MONITORING_SKETCH_INCOMPATIBLE" }),
    );
  });

  it("rejects truncated or inconsistent bytes", () => {
    const sketch = new KllSketch({ k: 16, seed: 2 });
    for (let i = 0; i < 500; i++) sketch.add(i);
    const bytes = sketch.serialize();
    for (const length of [0, 1, 10, bytes.length - 1]) {
      expect(() => KllSketch.deserialize(bytes.subarray(0, length))).toThrow(
        expect.objectContaining({ code: "MONITORING_SKETCH_CORRUPT" }),
      );
    }
    const badCount = bytes.slice();
    new DataView(badCount.buffer).setFloat64(7, 499, true);
    expect(() => KllSketch.deserialize(badCount)).toThrow(
      expect.objectContaining({ code: "MONITORING_SKETCH_CORRUPT" }),
    );
  });
});
