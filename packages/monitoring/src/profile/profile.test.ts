import {
  Bool,
  DateDay,
  Dictionary,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMillisecond,
  TimestampSecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { profile } from "./profile.js";

/** Naive two-pass statistics over the finite values, the reference for the one-pass ones. */
function naive(values: readonly (number | null)[]) {
  const present = values.filter((v): v is number => v !== null);
  const finite = present.filter(Number.isFinite);
  const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
  const variance = finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length;
  const ordered = present.filter((v) => !Number.isNaN(v));
  return {
    count: present.length,
    nulls: values.length - present.length,
    nanCount: present.filter(Number.isNaN).length,
    infiniteCount: ordered.filter((v) => !Number.isFinite(v)).length,
    min: Math.min(...ordered),
    max: Math.max(...ordered),
    mean,
    variance,
  };
}

describe("profile", () => {
  const floats = [1.5, null, -2, Number.NaN, 4, Number.POSITIVE_INFINITY, 4, null, 10.25];
  const ints = [3, 1, 4, 1, 5, 9, 2, 6, 5];
  const table = new Table({
    x: vectorFromArray(floats, new Float64()),
    n: vectorFromArray(ints, new Int32()),
    big: vectorFromArray([1n, 2n, 2n ** 62n, null, 5n, 6n, 7n, 8n, 9n], new Int64()),
    s: vectorFromArray(["a", "b", null, "a", "é", "a", "b", "c", "a"], new Utf8()),
    d: vectorFromArray(
      ["a", "b", null, "a", "é", "a", "b", "c", "a"],
      new Dictionary(new Utf8(), new Int32()),
    ),
    flag: vectorFromArray([true, false, true, null, true, true, false, true, true], new Bool()),
    at: vectorFromArray(
      [1000, 2000, null, 4000, 5000, 6000, 7000, 8000, 9000],
      new TimestampMillisecond("UTC"),
    ),
    sec: vectorFromArray([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000], new TimestampSecond()),
    day: vectorFromArray(
      [new Date(0), new Date(86_400_000), null, null, null, null, null, null, null],
      new DateDay(),
    ),
  });
  const result = profile(table, { seed: 1, createdAt: 1234 });

  it("counts, nulls, NaN, min, max, mean and variance match a naive two-pass computation", () => {
    const x = result.columns.get("x")!;
    const expected = naive(floats);
    expect(x).toMatchObject({
      kind: "numeric",
      type: "float64",
      count: 7,
      nulls: 2,
      nanCount: 1,
      infiniteCount: 1,
    });
    expect(x.count).toBe(expected.count);
    expect(x.min).toBe(expected.min);
    expect(x.max).toBe(Number.POSITIVE_INFINITY);
    expect(x.mean).toBeCloseTo(expected.mean, 12);
    expect(x.variance).toBeCloseTo(expected.variance, 12);
    const n = result.columns.get("n")!;
    const expectedN = naive(ints);
    expect(n).toMatchObject({ count: 9, nulls: 0, min: 1, max: 9 });
    expect(n.mean).toBeCloseTo(expectedN.mean, 12);
    expect(n.variance).toBeCloseTo(expectedN.variance, 12);
    // 9 ints with 7 distinct values (1 and 5 repeat).
    expect(Math.round(n.distinct.estimate())).toBe(7);
    expect(n.frequent.topK(2).map((i) => i.value)).toEqual([1, 5]);
    expect(result.rowCount).toBe(9);
    expect(result.createdAt).toBe(1234);
  });

  it("summarises a column of several batches within every sketch's bound (checked against exact values)", () => {
    // 600k values (more than two batches): a grid with heavy ties, NaN, ±Infinity, -0 and nulls.
    let state = 99;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const values: (number | null)[] = Array.from({ length: 600_000 }, (_, i) => {
      if (i % 1000 === 7) return null;
      if (i % 1000 === 8) return Number.NaN;
      if (i === 9) return Number.POSITIVE_INFINITY;
      if (i === 10) return -0;
      const u = next();
      return u < 0.2 ? 42 : Math.round(next() * 5000) / 10;
    });
    const column = profile(new Table({ v: vectorFromArray(values, new Float64()) }), { seed: 3 }).columns.get(
      "v",
    )!;
    // naive() by loops (Math.min(...values) would overflow the stack at this size).
    const present = values.filter((v): v is number => v !== null);
    const finite = present.filter(Number.isFinite);
    const mean = finite.reduce((a, v) => a + v, 0) / finite.length;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of present) {
      if (Number.isNaN(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const expected = {
      count: present.length,
      nulls: values.length - present.length,
      nanCount: present.filter(Number.isNaN).length,
      infiniteCount: present.filter((v) => !Number.isNaN(v) && !Number.isFinite(v)).length,
      min,
      max,
      mean,
      variance: finite.reduce((a, v) => a + (v - mean) ** 2, 0) / finite.length,
    };
    expect(column).toMatchObject({
      count: expected.count,
      nulls: expected.nulls,
      nanCount: expected.nanCount,
      infiniteCount: expected.infiniteCount,
      min: expected.min,
      max: expected.max,
    });
    // Both sides sum 600k values naively: each is within n·ε ≈ 7e-11 (relative) of the exact sum.
    expect(Math.abs(column.mean! / expected.mean - 1)).toBeLessThan(1e-10);
    expect(Math.abs(column.variance! / expected.variance - 1)).toBeLessThan(1e-10);
    const ordered = Float64Array.from(
      values.filter((v): v is number => v !== null && !Number.isNaN(v)),
    ).sort();
    const n = ordered.length;
    const exactCounts = new Map<number, number>();
    for (const v of ordered) exactCounts.set(v === 0 ? 0 : v, (exactCounts.get(v === 0 ? 0 : v) ?? 0) + 1);
    // Quantiles: each estimate's exact rank within the KLL bound of its fraction.
    const sketch = column.quantiles!;
    for (const q of [0.01, 0.1, 0.19, 0.21, 0.5, 0.9, 0.99]) {
      const estimate = sketch.quantile(q);
      let below = 0;
      let atMost = 0;
      for (const v of ordered) {
        if (v < estimate) below++;
        if (v <= estimate) atMost++;
      }
      // With ties the estimate's rank is an interval; q must be within the bound of it.
      const gap = Math.max(0, below / n - q, q - atMost / n);
      expect(gap, `q = ${q}`).toBeLessThanOrEqual(sketch.rankErrorBound);
    }
    // Distinct values within four standard errors of the HyperLogLog.
    expect(Math.abs(column.distinct.estimate() / exactCounts.size - 1)).toBeLessThan(
      4 * column.distinct.standardError,
    );
    // Frequent items: 42 (a fifth of the values) first; every count an upper bound within n/capacity.
    const top = column.frequent.topK();
    expect(top[0]!.value).toBe(42);
    expect(column.frequent.maxError).toBeLessThanOrEqual(n / column.frequent.capacity);
    for (const item of top) {
      const truth = exactCounts.get(item.value as number) ?? 0;
      expect(item.count).toBeGreaterThanOrEqual(truth);
      expect(item.count - item.error).toBeLessThanOrEqual(truth);
    }
  });

  it("reads int64 (exact beyond 2^53 for distinct values), strings, dictionaries, booleans and times", () => {
    const big = result.columns.get("big")!;
    expect(big).toMatchObject({ count: 8, nulls: 1, max: 2 ** 62 });
    expect(big.frequent.topK().some((i) => i.value === 2n ** 62n)).toBe(true);
    for (const name of ["s", "d"]) {
      const s = result.columns.get(name)!;
      expect(s).toMatchObject({ kind: "string", count: 8, nulls: 1, min: null, mean: null });
      expect(s.quantiles).toBeUndefined();
      expect(s.frequent.topK()[0]).toEqual({ value: "a", count: 4, error: 0 });
      expect(Math.round(s.distinct.estimate())).toBe(4);
    }
    expect(result.columns.get("s")!.distinct.equals(result.columns.get("d")!.distinct)).toBe(true);
    expect(result.columns.get("flag")).toMatchObject({ kind: "bool", count: 8, min: 0, max: 1, mean: 6 / 8 });
    expect(result.columns.get("at")).toMatchObject({
      kind: "timestamp",
      type: "timestamp",
      min: 1000,
      max: 9000,
    });
    expect(result.columns.get("at")!.quantiles!.quantile(0.5)).toBe(5000);
    expect(result.columns.get("sec")).toMatchObject({ min: 1000, max: 9000 });
    expect(result.columns.get("day")).toMatchObject({ count: 2, nulls: 7, min: 0, max: 86_400_000 });
  });

  it("profiles rows like the equivalent table", () => {
    const rows = [
      { a: 1, s: "x" },
      { a: null, s: "y" },
      { a: 3.5, s: "x" },
      { s: undefined, a: Number.NaN },
    ];
    const fromRows = profile(rows, { seed: 1 });
    const fromTable = profile(
      new Table({
        a: vectorFromArray([1, null, 3.5, Number.NaN], new Float64()),
        s: vectorFromArray(["x", "y", "x", null], new Utf8()),
      }),
      { seed: 1 },
    );
    for (const name of ["a", "s"]) {
      const {
        distinct: d1,
        frequent: f1,
        quantiles: q1,
        histogram: h1,
        ...rest1
      } = fromRows.columns.get(name)!;
      const {
        distinct: d2,
        frequent: f2,
        quantiles: q2,
        histogram: h2,
        ...rest2
      } = fromTable.columns.get(name)!;
      expect(rest1).toEqual(rest2);
      expect(d1.equals(d2)).toBe(true);
      expect(f1.topK()).toEqual(f2.topK());
      expect(q1?.serialize()).toEqual(q2?.serialize());
      expect(h1).toEqual(h2);
    }
  });

  it("handles all-null, constant and empty columns", () => {
    const edge = profile(
      new Table({
        empty: vectorFromArray([null, null, null], new Float64()),
        constant: vectorFromArray([7, 7, 7], new Float64()),
      }),
      { seed: 1 },
    );
    const empty = edge.columns.get("empty")!;
    expect(empty).toMatchObject({ count: 0, nulls: 3, min: null, max: null, mean: null, variance: null });
    expect(empty.histogram).toBeUndefined();
    expect(empty.distinct.estimate()).toBe(0);
    const constant = edge.columns.get("constant")!;
    expect(constant).toMatchObject({ min: 7, max: 7, mean: 7, variance: 0 });
    expect(constant.histogram).toMatchObject({ edges: Float64Array.of(7, 7), counts: Float64Array.of(3) });
    const none = profile([], { seed: 1 });
    expect(none.rowCount).toBe(0);
    expect(none.columns.size).toBe(0);
  });

  it("builds exact histograms on fixed edges and sketch histograms otherwise", () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const t = new Table({ v: vectorFromArray(values, new Float64()) });
    const exact = profile(t, { seed: 1, histogramEdges: { v: [10, 50, 90] } }).columns.get("v")!.histogram!;
    // [10, 50) holds 10..49 (40 values), [50, 90] holds 50..90 (41); 0..9 below, 91..99 above.
    expect(exact).toEqual({
      edges: Float64Array.of(10, 50, 90),
      counts: Float64Array.of(40, 41),
      below: 10,
      above: 9,
      source: "exact",
    });
    const sketch = profile(t, { seed: 1, histogramBins: 4 }).columns.get("v")!.histogram!;
    // Equal-width bins over [0, 99]: edges 0, 24.75, 49.5, 74.25, 99 → 25, 25, 25, 25 values (exact below capacity).
    expect(sketch.source).toBe("sketch");
    expect([...sketch.counts]).toEqual([25, 25, 25, 25]);
  });

  it("rejects bad options and mixed row kinds with typed errors", () => {
    expect(() => profile([], { kllK: 2 })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
    expect(() => profile([], { histogramEdges: { v: [3, 1] } })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
    expect(() => profile([{ a: 1 }, { a: "x" }])).toThrow(
      expect.objectContaining({ code: "MONITORING_SCHEMA_MISMATCH" }),
    );
    expect(() => profile([{ a: { nested: true } }])).toThrow(
      expect.objectContaining({ code: "MONITORING_SCHEMA_MISMATCH" }),
    );
  });
});
