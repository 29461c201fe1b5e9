import {
  Bool,
  Float64,
  Int32,
  Int64,
  type RecordBatch,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { profileBatches } from "./column-profile.js";

interface Columns {
  f: (number | null)[];
  i: (number | null)[];
  big: (bigint | null)[];
  s: (string | null)[];
  t: (number | null)[];
  b: (boolean | null)[];
}

/** Builds a table from the columns, cut into batches at `cuts`, so batch boundaries are exercised. */
function tableOf(columns: Columns, cuts: number[]): Table {
  const whole = new Table({
    f: vectorFromArray(columns.f, new Float64()),
    i: vectorFromArray(columns.i, new Int32()),
    big: vectorFromArray(columns.big, new Int64()),
    s: vectorFromArray(columns.s, new Utf8()),
    t: vectorFromArray(columns.t, new TimestampMillisecond("UTC")),
    b: vectorFromArray(columns.b, new Bool()),
  });
  const bounds = [...new Set([0, ...cuts.map((c) => c % (whole.numRows + 1)), whole.numRows])].sort(
    (a, b) => a - b,
  );
  const batches: RecordBatch[] = [];
  for (let k = 1; k < bounds.length; k++) batches.push(...whole.slice(bounds[k - 1], bounds[k]).batches);
  return batches.length ? new Table(batches) : whole;
}

/** The obvious, whole-array computation the streaming profile must agree with. */
function naive(values: readonly unknown[], numeric: boolean, float: boolean) {
  const present = values.filter((v) => v !== null);
  const finite = present.filter((v) => typeof v !== "number" || Number.isFinite(v));
  const asNumbers = finite.map(Number);
  const out: Record<string, unknown> = {
    count: present.length,
    nullCount: values.length - present.length,
    distinct: { count: new Set(present.map(String)).size, exact: true },
  };
  if (numeric && finite.length) {
    const sorted = [...finite].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    // + 0 turns -0 into 0, as the profile reports it.
    out.min = Number(sorted[0]) + 0;
    out.max = Number(sorted[sorted.length - 1]) + 0;
  }
  if (float) out.nonFiniteCount = present.length - finite.length;
  return {
    out,
    mean: asNumbers.length ? asNumbers.reduce((a, b) => a + b, 0) / asNumbers.length : undefined,
  };
}

const row = fc.record({
  f: fc.option(fc.double({ min: -1e6, max: 1e6 }), { nil: null }),
  i: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
  big: fc.option(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), { nil: null }),
  s: fc.option(fc.constantFrom("a", "b", "c", "d", "é", ""), { nil: null }),
  t: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null }),
  b: fc.option(fc.boolean(), { nil: null }),
});

describe("profileBatches", () => {
  it("equals a naive whole-array computation, whatever the batch boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (rows, cuts) => {
          const columns: Columns = {
            f: rows.map((r) => r.f),
            i: rows.map((r) => r.i),
            big: rows.map((r) => r.big),
            s: rows.map((r) => r.s),
            t: rows.map((r) => r.t),
            b: rows.map((r) => r.b),
          };
          const table = tableOf(columns, cuts);
          const { profile, rowCount } = await profileBatches(table.schema, table.batches);
          expect(rowCount).toBe(rows.length);
          const specs = [
            ["f", true, true, true],
            ["i", true, false, true],
            ["big", true, false, true],
            ["s", false, false, false],
            ["t", true, false, false],
            ["b", false, false, false],
          ] as const;
          for (const [name, numeric, float, hasMean] of specs) {
            const column = profile.columns.find((c) => c.name === name)!;
            const { out, mean } = naive(columns[name], numeric, float);
            const { mean: gotMean, arrowType: _type, name: _name, ...rest } = column;
            expect(rest).toEqual(out);
            if (hasMean && mean !== undefined) {
              // NaN and infinities are excluded from the mean, so they must not set the tolerance either.
              const magnitudes = columns[name].map((v) => Math.abs(Number(v ?? 0))).filter(Number.isFinite);
              const scale = Math.max(1, ...magnitudes);
              expect(Math.abs(gotMean! - mean)).toBeLessThanOrEqual(1e-9 * scale);
            } else expect(gotMean).toBeUndefined();
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reports -0 as 0 whichever comes first", async () => {
    for (const values of [[-0, 0], [0, -0], [-0]]) {
      const table = tableOf(
        {
          f: values,
          i: values.map(() => null),
          big: values.map(() => null),
          s: values.map(() => null),
          t: values.map(() => null),
          b: values.map(() => null),
        },
        [],
      );
      const { profile } = await profileBatches(table.schema, table.batches);
      const column = profile.columns.find((c) => c.name === "f")!;
      expect(Object.is(column.min, 0) && Object.is(column.max, 0)).toBe(true);
    }
  });

  it("leaves NaN and infinities out of min, max and mean, and counts them", async () => {
    const table = new Table({
      x: vectorFromArray([1, Number.NaN, 3, Number.POSITIVE_INFINITY, null], new Float64()),
    });
    const { profile } = await profileBatches(table.schema, table.batches);
    expect(profile.columns[0]).toEqual({
      name: "x",
      arrowType: "Float64",
      count: 4,
      nullCount: 1,
      distinct: { count: 4, exact: true },
      min: 1,
      max: 3,
      mean: 2,
      nonFiniteCount: 2,
    });
  });

  it("reports 64-bit extremes beyond 2^53 as exact decimal strings", async () => {
    const table = new Table({ x: vectorFromArray([2n ** 62n, -(2n ** 62n) - 1n], new Int64()) });
    const { profile } = await profileBatches(table.schema, table.batches);
    expect(profile.columns[0]?.min).toBe("-4611686018427387905");
    expect(profile.columns[0]?.max).toBe("4611686018427387904");
  });

  it("profiles dictionary-encoded strings by their values", async () => {
    const table = new Table({ s: vectorFromArray(["x", "y", "x", null]) });
    const { profile } = await profileBatches(table.schema, table.batches);
    expect(profile.columns[0]).toMatchObject({ count: 3, nullCount: 1, distinct: { count: 2, exact: true } });
  });

  it("switches to an estimate beyond the exact limit, within a few percent", async () => {
    const n = 50_000;
    const table = new Table({ x: vectorFromArray(Float64Array.from({ length: n }, (_, k) => k * 1.5)) });
    const { profile } = await profileBatches(table.schema, table.batches);
    const distinct = profile.columns[0]!.distinct!;
    expect(distinct.exact).toBe(false);
    expect(Math.abs(distinct.count - n) / n).toBeLessThan(0.05);
    expect(profile.columns[0]?.mean).toBeCloseTo(((n - 1) * 1.5) / 2, 6);
  });
});
