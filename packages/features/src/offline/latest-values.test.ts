import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batchesOf,
  type ColumnTypes,
  rowsOf,
  scannedRows,
  scannedTypes,
} from "../../test/fixtures/arrow-tables.js";
import { oracleLatest } from "../../test/fixtures/as-of-oracle.js";
import {
  at,
  driverRows,
  driverTypes,
  expectedLatest,
  expectedLatestBefore30,
} from "../../test/fixtures/pit-golden.js";
import { latestValues } from "./latest-values.js";

const features = [
  { column: "conv_rate", outputName: "conv_rate", type: "float64" },
  { column: "trips", outputName: "trips", type: "int32" },
] as const;

function renamed(rows: Record<string, unknown>[]) {
  return rows.map(({ __event_ts, __created_ts, ...rest }) => ({
    ...rest,
    event_ts: __event_ts,
    created_ts: __created_ts,
  }));
}

describe("latestValues golden fixture (expected rows worked out by hand in test/fixtures/pit-golden.ts)", () => {
  for (const chunk of [1, 4, 100]) {
    it(`keeps the latest row per key (batches of ${chunk})`, async () => {
      const result = await latestValues({
        joinKeys: ["driver_id"],
        batches: batchesOf(scannedRows(driverRows), scannedTypes(driverTypes, true), chunk),
        hasCreatedTimestamp: true,
        features,
      });
      expect(result.schema.fields.map((f) => f.name)).toEqual([
        "driver_id",
        "__event_ts",
        "__created_ts",
        "conv_rate",
        "trips",
      ]);
      expect(renamed(rowsOf(result))).toEqual(expectedLatest);
    });
  }

  it("restricts to [start, end)", async () => {
    const result = await latestValues({
      joinKeys: ["driver_id"],
      batches: batchesOf(scannedRows(driverRows), scannedTypes(driverTypes, true), 2),
      hasCreatedTimestamp: true,
      features,
      start: at(0),
      end: at(30),
    });
    expect(renamed(rowsOf(result))).toEqual(expectedLatestBefore30);
  });

  it("returns an empty table with typed key columns when the source is empty", async () => {
    const result = await latestValues({
      joinKeys: ["driver_id"],
      batches: batchesOf([], scannedTypes(driverTypes, true)),
      hasCreatedTimestamp: true,
      features,
      keyTypes: { driver_id: "int64" },
    });
    expect(result.numRows).toBe(0);
    expect(String(result.schema.fields[0]!.type)).toBe("Int64");
  });
});

const sourceTypes: ColumnTypes = {
  k: "int32",
  k2: "string",
  event_ts: "timestamp",
  created_ts: "timestamp",
  f: "float64",
};

describe("latestValues agrees with the brute-force oracle", () => {
  it("on random sources with ties, nulls and a time range", async () => {
    const row = fc.record({
      k: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 6 }),
      k2: fc.option(fc.constantFrom("p", "q"), { freq: 6 }),
      event_ts: fc.option(fc.integer({ min: 0, max: 10 }), { freq: 10 }),
      created_ts: fc.option(fc.integer({ min: 0, max: 6 }), { freq: 6 }),
      f: fc.option(fc.integer({ min: 0, max: 99 }), { freq: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 0, max: 10 })),
        fc.option(fc.integer({ min: 0, max: 11 })),
        async (rowsRaw, hasCreated, chunk, start, end) => {
          const rows = hasCreated ? rowsRaw : rowsRaw.map(({ created_ts: _c, ...rest }) => rest);
          const types = hasCreated
            ? sourceTypes
            : Object.fromEntries(Object.entries(sourceTypes).filter(([k]) => k !== "created_ts"));
          const result = await latestValues({
            joinKeys: ["k", "k2"],
            batches: batchesOf(scannedRows(rows), scannedTypes(types, hasCreated), chunk),
            hasCreatedTimestamp: hasCreated,
            features: [{ column: "f", outputName: "f", type: "float64" }],
            ...(start === null ? {} : { start }),
            ...(end === null ? {} : { end }),
          });
          const expected = [
            ...oracleLatest(
              { joinKeys: ["k", "k2"], rows, hasCreatedTimestamp: hasCreated },
              start ?? undefined,
              end ?? undefined,
            ).values(),
          ].map((i) => ({ k: rows[i]!.k, k2: rows[i]!.k2, ts: rows[i]!.event_ts, f: rows[i]!.f }));
          const actual = rowsOf(result).map((r) => ({ k: r.k, k2: r.k2, ts: r.__event_ts, f: r.f }));
          // Row order is not part of the contract being checked here: compare sorted by key.
          const byKey = (x: { k: unknown; k2: unknown }, y: { k: unknown; k2: unknown }) =>
            `${x.k}/${x.k2}`.localeCompare(`${y.k}/${y.k2}`);
          expect(actual.sort(byKey)).toEqual(expected.sort(byKey));
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
