import { BallastError } from "@ballast/core";
import {
  Float32,
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  tableFromArrays,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { readColumn, readNumericalColumn } from "./column-data.js";
import { compare } from "./compare.js";
import { numericalSummary, numericalSummaryOfSorted } from "./distribution-summary.js";
import { driftWorkerJobCount } from "./drift-worker-pool.js";
import { countDistinctUpTo } from "./numerical-drift.js";

function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Columns of every shape the default rule distinguishes, with missing values. */
function mixedTable(rows: number, seed: number, shift: number): Table {
  const next = random(seed);
  const normal = new Float64Array(rows);
  const grid = new Float64Array(rows);
  const few = new Float64Array(rows);
  const ints = new Int32Array(rows);
  const floats = new Float32Array(rows);
  const withNaN = new Float64Array(rows);
  const plan: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    const z = Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());
    normal[i] = 3 + 2 * z + shift;
    grid[i] = Math.round((z + shift) * 10) / 10;
    few[i] = Math.floor(next() * 4);
    ints[i] = Math.floor(next() * 1000 * (1 + shift));
    floats[i] = next() + shift;
    withNaN[i] = i % 7 === 0 ? Number.NaN : next() - shift;
    plan.push(i % 11 === 0 ? null : next() < 0.3 + shift ? "pro" : "free");
  }
  const valid = new Uint8Array(Math.ceil(rows / 64) * 8).fill(0xff);
  for (let i = 0; i < rows; i += 13) valid[i >> 3]! &= ~(1 << (i & 7));
  return new Table({
    normal: makeVector(normal),
    grid: makeVector(grid),
    few: makeVector(few),
    ints: makeVector(makeData({ type: new Int32(), length: rows, data: ints, nullBitmap: valid })),
    floats: makeVector(makeData({ type: new Float32(), length: rows, data: floats })),
    withNaN: makeVector(withNaN),
    plan: vectorFromArray(plan),
    score: makeVector(Float64Array.from(normal, (x) => x / 10)),
  });
}

const withoutTime = (report: ReturnType<typeof compare>) => ({ ...report.toJSON(), createdAt: 0 });

describe("compare on worker threads", () => {
  it("gives the same report as one thread, for default and chosen tests", () => {
    const reference = mixedTable(5000, 1, 0);
    const current = mixedTable(4000, 2, 0.1);
    const options = {
      predictionColumns: ["score"],
      tests: {
        grid: { test: "ks" as const },
        floats: { test: "psi" as const },
        ints: { test: "anderson" as const },
      },
    };
    const before = driftWorkerJobCount();
    const parallel = compare(reference, current, { ...options, parallelism: 2 });
    expect(driftWorkerJobCount()).toBeGreaterThan(before);
    const single = compare(reference, current, { ...options, parallelism: 1 });
    expect(withoutTime(parallel)).toEqual(withoutTime(single));
    expect(single.columns.map((c) => c.test)).toEqual([
      "wasserstein",
      "ks",
      "jensenshannon",
      "anderson",
      "psi",
      "wasserstein",
      "jensenshannon",
    ]);
    // The missing values are the NaNs and the null slots.
    expect(single.columns.find((c) => c.column === "withNaN")!.referenceNulls).toBe(Math.ceil(5000 / 7));
    expect(single.columns.find((c) => c.column === "ints")!.referenceNulls).toBe(Math.ceil(5000 / 13));
  });

  it("reports the first failing column's error, as one thread does", () => {
    const reference = tableFromArrays({
      a: Float64Array.from({ length: 3000 }, (_, i) => i),
      b: Float64Array.from({ length: 3000 }, (_, i) => i % 17),
      c: Float64Array.from({ length: 3000 }, () => Number.NaN),
    });
    const current = tableFromArrays({
      a: Float64Array.from({ length: 3000 }, (_, i) => i + 1),
      b: Float64Array.from({ length: 3000 }, (_, i) => (i === 5 ? Number.POSITIVE_INFINITY : i % 17)),
      c: Float64Array.from({ length: 3000 }, (_, i) => i),
    });
    const codeOf = (parallelism: number) => {
      try {
        compare(reference, current, { parallelism });
      } catch (error) {
        return BallastError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return "no error";
    };
    expect(codeOf(2)).toBe(codeOf(1));
    expect(codeOf(1)).toMatch(/^MONITORING_NON_FINITE: Column "b"/);
  });

  it("refuses a bad parallelism", () => {
    const table = tableFromArrays({ a: Float64Array.of(1, 2, 3) });
    for (const parallelism of [0, 1.5, Number.NaN]) {
      expect(() => compare(table, table, { parallelism })).toThrow(/parallelism/);
    }
  });
});

describe("reading numerical columns from Arrow buffers", () => {
  it("gives readColumn's values and counts on chunked, sliced columns with nulls", () => {
    const next = random(3);
    const values = Float64Array.from({ length: 1000 }, (_, i) =>
      i % 9 === 0 ? Number.NaN : next() * 10 - 5,
    );
    const isNull = (i: number) => i % 10 === 3;
    // Two chunks; the second's validity bits start at bit 5 of its bitmap (an offset, as after a slice).
    const bitmap = (from: number, to: number, offset: number) => {
      const bits = new Uint8Array(Math.ceil((to - from + offset) / 64) * 8);
      for (let i = from; i < to; i++)
        if (!isNull(i)) bits[(i - from + offset) >> 3]! |= 1 << ((i - from + offset) & 7);
      return bits;
    };
    const nulls = (from: number, to: number) => {
      let count = 0;
      for (let i = from; i < to; i++) if (isNull(i)) count++;
      return count;
    };
    const chunk = (from: number, to: number, offset: number) =>
      makeData({
        type: new Float64(),
        offset,
        length: to - from,
        nullCount: nulls(from, to),
        data: values.subarray(from, to),
        nullBitmap: bitmap(from, to, offset),
      });
    const table = new Table({ x: makeVector([chunk(0, 333, 0), chunk(333, 1000, 5)]) });
    const generic = readColumn(table, "x", "numerical");
    const fast = readNumericalColumn(table, "x");
    expect(fast.nulls).toBe(generic.nulls);
    expect(Array.from(fast.values)).toEqual(Array.from(generic.values as Float64Array));
    const shared = readNumericalColumn(table, "x", (n) => new Float64Array(new SharedArrayBuffer(n * 8)));
    expect(shared.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.values)).toEqual(Array.from(fast.values));
  });
});

describe("numerical drift helpers", () => {
  it("summarises sorted samples exactly as the unsorted summary does", () => {
    const next = random(5);
    for (const scale of [1, 1e-9, 1e6]) {
      const a = Float64Array.from({ length: 3001 }, () => Math.round(next() * 50) * scale);
      const b = Float64Array.from({ length: 1999 }, () => (next() * 60 - 5) * scale);
      const expected = numericalSummary(a, b);
      expect(numericalSummaryOfSorted(a.slice().sort(), b.slice().sort())).toEqual(expected);
    }
    const constant = Float64Array.of(2, 2, 2);
    expect(numericalSummaryOfSorted(constant, constant)).toEqual(numericalSummary(constant, constant));
  });

  it("counts distinct values up to a limit", () => {
    expect(countDistinctUpTo(Float64Array.of(1, 1, 2), Float64Array.of(2, 3, -0, 0), 10)).toBe(4);
    expect(countDistinctUpTo(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7), 6)).toBe(6);
  });
});
