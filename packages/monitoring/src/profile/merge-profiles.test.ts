import { Float64, Int32, Table, Utf8, vectorFromArray } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ColumnProfile, DatasetProfile } from "./column-profile.js";
import { mergeProfiles } from "./merge-profiles.js";
import { profile } from "./profile.js";
import { serializeProfile } from "./profile-serialization.js";

interface Rows {
  x: (number | null)[];
  k: (number | null)[];
  s: (string | null)[];
}

function toTable(rows: Rows, from: number, to: number): Table {
  return new Table({
    x: vectorFromArray(rows.x.slice(from, to), new Float64()),
    k: vectorFromArray(rows.k.slice(from, to), new Int32()),
    s: vectorFromArray(rows.s.slice(from, to), new Utf8()),
  });
}

function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** Worst KLL rank error of `column` against the exact ranks of the sorted values. */
function worstRankError(column: ColumnProfile, values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
    worst = Math.max(worst, Math.abs(column.quantiles!.rank(sorted[i]!) - (i + 1) / sorted.length));
  }
  return worst;
}

function expectMergedEqualsWhole(merged: DatasetProfile, whole: DatasetProfile, rows: Rows): void {
  expect(merged.rowCount).toBe(whole.rowCount);
  for (const [name, expected] of whole.columns) {
    const actual = merged.columns.get(name)!;
    // Exact fields.
    for (const field of ["count", "nulls", "nanCount", "infiniteCount", "min", "max"] as const) {
      expect(actual[field], `${name}.${field}`).toBe(expected[field]);
    }
    if (expected.mean === null) expect(actual.mean).toBeNull();
    else {
      // 1e-9 relative to the data's scale (|mean| or the standard deviation, whichever is larger): a mean
      // near zero from cancelling values (1e6 and −1e6) has no meaningful relative error of its own.
      const scale = Math.max(Math.abs(expected.mean), Math.sqrt(expected.variance!));
      expect(Math.abs(actual.mean! - expected.mean)).toBeLessThanOrEqual(1e-9 * scale);
      if (Math.abs(expected.mean) >= Math.sqrt(expected.variance!)) {
        expect(relativeError(actual.mean!, expected.mean)).toBeLessThanOrEqual(1e-9);
      }
      // Variance: relative to the spread, absolute near zero (a constant column's variance is 0 or rounding).
      expect(Math.abs(actual.variance! - expected.variance!)).toBeLessThanOrEqual(
        1e-9 * Math.max(expected.variance!, expected.mean ** 2, 1),
      );
    }
    // HyperLogLog merges exactly: the same registers as one pass.
    expect(actual.distinct.equals(expected.distinct)).toBe(true);
    // Space-saving: every item above n/capacity is reported, counts within n/capacity.
    const n = expected.count - expected.nanCount;
    expect(actual.frequent.maxError).toBeLessThanOrEqual(n / actual.frequent.capacity);
    if (name !== "x") {
      const exact = new Map<unknown, number>();
      for (const v of rows[name as "k" | "s"]) if (v !== null) exact.set(v, (exact.get(v) ?? 0) + 1);
      const reported = new Map(actual.frequent.topK().map((item) => [item.value, item]));
      for (const [value, frequency] of exact) {
        const item = reported.get(value as string | number);
        if (frequency > n / actual.frequent.capacity) expect(item, `${name}=${String(value)}`).toBeDefined();
        if (item) {
          expect(item.count).toBeGreaterThanOrEqual(frequency);
          expect(item.count - frequency).toBeLessThanOrEqual(n / actual.frequent.capacity);
        }
      }
    }
    if (actual.quantiles) {
      const values = (name === "x" ? rows.x : rows.k).filter((v): v is number => v !== null);
      if (values.some((v) => !Number.isNaN(v))) {
        expect(worstRankError(actual, values)).toBeLessThanOrEqual(actual.quantiles.rankErrorBound);
      }
    }
  }
}

const rowsArbitrary = fc.integer({ min: 1, max: 600 }).chain((n) =>
  fc.record({
    x: fc.array(
      fc.option(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)), {
        freq: 8,
      }),
      {
        minLength: n,
        maxLength: n,
      },
    ),
    k: fc.array(fc.option(fc.integer({ min: -20, max: 20 }), { freq: 10 }), { minLength: n, maxLength: n }),
    s: fc.array(fc.option(fc.constantFrom("a", "b", "c", "dd", "é", "long string"), { freq: 6 }), {
      minLength: n,
      maxLength: n,
    }),
  }),
);

describe("mergeProfiles", () => {
  it("property: the merged profiles of partitions equal the profile of the union within the sketch bounds", () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.array(fc.nat(), { maxLength: 5 }), (rows, cuts) => {
        const n = rows.x.length;
        const points = [...new Set(cuts.map((c) => c % n))].sort((a, b) => a - b);
        const bounds = [0, ...points, n];
        const options = { kllK: 32, frequentCapacity: 8, seed: 3, createdAt: 0 };
        const parts = bounds
          .slice(1)
          .map((end, i) => profile(toTable(rows, bounds[i]!, end), { ...options, seed: 10 + i }));
        const whole = profile(toTable(rows, 0, n), options);
        expectMergedEqualsWhole(mergeProfiles(parts[0]!, ...parts.slice(1)), whole, rows);
        // Another association and order.
        const reversed = parts.reduceRight((acc, part) => mergeProfiles(part, acc));
        expectMergedEqualsWhole(reversed, whole, rows);
      }),
      { seed: 42, numRuns: 80 },
    );
  });

  it("is commutative bit for bit on counts, moments and distinct counts", () => {
    const a = profile(new Table({ v: vectorFromArray([1, 2, 3.25], new Float64()) }), {
      seed: 1,
      createdAt: 5,
    });
    const b = profile(new Table({ v: vectorFromArray([10, null, -4], new Float64()) }), {
      seed: 2,
      createdAt: 9,
    });
    const ab = mergeProfiles(a, b).columns.get("v")!;
    const ba = mergeProfiles(b, a).columns.get("v")!;
    for (const field of ["count", "nulls", "min", "max", "mean", "variance"] as const)
      expect(ab[field]).toBe(ba[field]);
    expect(ab.distinct.equals(ba.distinct)).toBe(true);
    expect(ab.frequent.topK()).toEqual(ba.frequent.topK());
    // Mean of 1, 2, 3.25, 10, -4 = 12.25/5; population variance by hand: Σx² = 1+4+10.5625+100+16 = 131.5625.
    expect(ab.mean).toBeCloseTo(2.45, 12);
    expect(ab.variance).toBeCloseTo(131.5625 / 5 - 2.45 ** 2, 12);
    expect(mergeProfiles(a, b).createdAt).toBe(9);
    // Merging several reuses one accumulator internally; the inputs must stay as they were.
    const before = [serializeProfile(a), serializeProfile(b)];
    mergeProfiles(a, b, a, b);
    expect([serializeProfile(a), serializeProfile(b)]).toEqual(before);
  });

  it("merges exact histograms by adding counts", () => {
    const edges = { v: [0, 5, 10] };
    const a = profile(new Table({ v: vectorFromArray([1, 6, 11], new Float64()) }), {
      seed: 1,
      histogramEdges: edges,
    });
    const b = profile(new Table({ v: vectorFromArray([2, 3, -1], new Float64()) }), {
      seed: 1,
      histogramEdges: edges,
    });
    expect(mergeProfiles(a, b).columns.get("v")!.histogram).toEqual({
      edges: Float64Array.of(0, 5, 10),
      counts: Float64Array.of(3, 1),
      below: 1,
      above: 1,
      source: "exact",
    });
    const other = profile(new Table({ v: vectorFromArray([2], new Float64()) }), {
      seed: 1,
      histogramEdges: { v: [0, 1] },
    });
    expect(() => mergeProfiles(a, other)).toThrow(
      expect.objectContaining({ code: "MONITORING_PROFILE_INCOMPATIBLE" }),
    );
  });

  it("rejects mismatched schemas and settings", () => {
    const a = profile(new Table({ v: vectorFromArray([1], new Float64()) }), { seed: 1 });
    const renamed = profile(new Table({ w: vectorFromArray([1], new Float64()) }), { seed: 1 });
    const retyped = profile(new Table({ v: vectorFromArray(["1"], new Utf8()) }), { seed: 1 });
    const resized = profile(new Table({ v: vectorFromArray([1], new Float64()) }), { seed: 1, kllK: 100 });
    expect(() => mergeProfiles(a, renamed)).toThrow(
      expect.objectContaining({ code: "MONITORING_SCHEMA_MISMATCH" }),
    );
    expect(() => mergeProfiles(a, retyped)).toThrow(
      expect.objectContaining({ code: "MONITORING_SCHEMA_MISMATCH" }),
    );
    expect(() => mergeProfiles(a, resized)).toThrow(
      expect.objectContaining({ code: "MONITORING_PROFILE_INCOMPATIBLE" }),
    );
  });
});
