import type { SketchValue } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpaceSaving } from "./space-saving.js";

/** Checks every space-saving guarantee against exact counts from a Map. */
function expectGuarantees(sketch: SpaceSaving, stream: readonly SketchValue[]): void {
  const exact = new Map<SketchValue, number>();
  for (const v of stream) exact.set(v, (exact.get(v) ?? 0) + 1);
  const n = stream.length;
  expect(sketch.count).toBe(n);
  expect(sketch.maxError).toBeLessThanOrEqual(n / sketch.capacity);
  const reported = new Map(sketch.topK().map((item) => [item.value, item]));
  for (const [value, frequency] of exact) {
    const item = reported.get(value);
    if (frequency > n / sketch.capacity) expect(item, `item ${String(value)} (f=${frequency})`).toBeDefined();
    if (!item) {
      expect(frequency).toBeLessThanOrEqual(sketch.maxError);
      continue;
    }
    expect(item.count).toBeGreaterThanOrEqual(frequency);
    expect(item.count - item.error).toBeLessThanOrEqual(frequency);
    expect(item.count - frequency).toBeLessThanOrEqual(n / sketch.capacity);
  }
}

/** A skewed stream: value i with weight ~1/(i+1) (Zipf-like), plus a tail of singletons. */
const skewedStream = fc
  .tuple(
    fc.array(fc.nat({ max: 2 ** 31 }), { minLength: 1, maxLength: 1500 }),
    fc.integer({ min: 2, max: 200 }),
  )
  .map(([draws, alphabet]) => draws.map((d) => Math.floor(alphabet / (1 + (d % alphabet))) as SketchValue));

describe("SpaceSaving", () => {
  it("is exact while the distinct values fit", () => {
    const sketch = new SpaceSaving({ capacity: 10 });
    for (const v of ["a", "b", "a", "c", "a", "b"]) sketch.add(v);
    expect(sketch.topK()).toEqual([
      { value: "a", count: 3, error: 0 },
      { value: "b", count: 2, error: 0 },
      { value: "c", count: 1, error: 0 },
    ]);
    expect(sketch.maxError).toBe(0);
    expect(sketch.topK(1)).toHaveLength(1);
  });

  it("property: batches of exact counts (addCounts) meet the guarantees", () => {
    fc.assert(
      fc.property(
        skewedStream,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 400 }),
        (stream, capacity, batchSize) => {
          const sketch = new SpaceSaving({ capacity });
          for (let start = 0; start < stream.length; start += batchSize) {
            const counts = new Map<number, number>();
            for (const v of stream.slice(start, start + batchSize)) {
              counts.set(v as number, (counts.get(v as number) ?? 0) + 1);
            }
            const values = Float64Array.from(counts.keys());
            sketch.addCounts(values, Float64Array.from(counts.values()), values.length);
          }
          expectGuarantees(sketch, stream);
        },
      ),
      { seed: 12, numRuns: 150 },
    );
  });

  it("counts batches exactly while the distinct values fit", () => {
    const sketch = new SpaceSaving({ capacity: 4 });
    sketch.addCounts(Float64Array.of(2, 7, -0), Float64Array.of(3, 1, 2), 3);
    sketch.add(7);
    expect(sketch.topK()).toEqual([
      { value: 2, count: 3, error: 0 },
      { value: 0, count: 2, error: 0 },
      { value: 7, count: 2, error: 0 },
    ]);
    expect(sketch.count).toBe(7);
  });

  it("property: a single stream meets the space-saving guarantees", () => {
    fc.assert(
      fc.property(skewedStream, fc.integer({ min: 1, max: 40 }), (stream, capacity) => {
        const sketch = new SpaceSaving({ capacity });
        for (const v of stream) sketch.add(v);
        expectGuarantees(sketch, stream);
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it("property: merged partitions meet the guarantees for the union, in any merge order", () => {
    fc.assert(
      fc.property(
        skewedStream,
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (stream, capacity, cuts) => {
          const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
          const bounds = [0, ...points, stream.length];
          const parts = bounds.slice(1).map((end, i) => {
            const part = new SpaceSaving({ capacity });
            for (const v of stream.slice(bounds[i], end)) part.add(v);
            return part;
          });
          const leftToRight = parts.reduce((acc, part) => acc.merge(part));
          const rightToLeft = parts.reduceRight((acc, part) => acc.merge(part));
          expectGuarantees(leftToRight, stream);
          const accumulator = SpaceSaving.deserialize(parts[0]!.serialize());
          for (const part of parts.slice(1)) accumulator.mergeInPlace(part);
          expect(accumulator.topK()).toEqual(leftToRight.topK());
          expect(accumulator.count).toBe(leftToRight.count);
          expectGuarantees(rightToLeft, stream);
          if (parts.length === 2)
            expect(parts[0]!.merge(parts[1]!).topK()).toEqual(parts[1]!.merge(parts[0]!).topK());
        },
      ),
      { seed: 12, numRuns: 150 },
    );
  });

  it("round-trips every value type and rejects bad bytes", () => {
    const sketch = new SpaceSaving({ capacity: 4 });
    for (const v of [1.5, "x", true, 2n ** 63n - 1n, "x", 1.5, 1.5]) sketch.add(v);
    const copy = SpaceSaving.deserialize(sketch.serialize());
    expect(copy.topK()).toEqual(sketch.topK());
    expect(copy.count).toBe(sketch.count);
    const bytes = sketch.serialize();
    expect(() => SpaceSaving.deserialize(bytes.subarray(0, bytes.length - 3))).toThrow(
      expect.objectContaining({ code: "MONITORING_SKETCH_CORRUPT" }),
    );
    const badTag = bytes.slice();
    badTag[13] = 9;
    expect(() => SpaceSaving.deserialize(badTag)).toThrow(
      expect.objectContaining({ code: "MONITORING_SKETCH_CORRUPT" }),
    );
    expect(() => new SpaceSaving({ capacity: 0 })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
    expect(() => sketch.merge(new SpaceSaving({ capacity: 5 }))).toThrow(
      expect.objectContaining({ code: "MONITORING_SKETCH_INCOMPATIBLE" }),
    );
  });
});
