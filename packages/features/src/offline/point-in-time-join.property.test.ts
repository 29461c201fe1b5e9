/**
 * Property test: the engine agrees with the brute-force nested-loop oracle (test/fixtures/as-of-oracle.ts,
 * written from the rules with no code shared with the engine) on random small tables drawn
 * from tiny domains, so ties, equal timestamps, null keys, null timestamps, created-after-T rows and
 * lookback boundaries are frequent. Batch sizes are random too, so rows competing for one slot arrive in one batch or in many,
 * and so is the join's shape: one pass over whole batches, or two over projected ones (`scanColumns`).
 */
import type { RecordBatch } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batchesOf,
  type ColumnTypes,
  type PlainRow,
  rowsOf,
  scannedRows,
  scannedTypes,
  table,
} from "../../test/fixtures/arrow-tables.js";
import { oracleMatch } from "../../test/fixtures/as-of-oracle.js";
import { pointInTimeJoin } from "./point-in-time-join.js";
import { projectedBatches } from "./projected-batches.js";

const keyInt = fc.option(fc.constantFrom(0n, 1n, 2n), { freq: 6 });
const keyStr = fc.option(fc.constantFrom("a", "b"), { freq: 6 });

const sourceRow = fc.record({
  k_int: keyInt,
  k_str: keyStr,
  event_ts: fc.option(fc.integer({ min: 0, max: 15 }), { freq: 12 }),
  created_ts: fc.option(fc.integer({ min: 0, max: 20 }), { freq: 8 }),
  f: fc.option(
    fc.integer({ min: -50, max: 50 }).map((v) => v / 4),
    { freq: 6 },
  ),
  g: fc.option(fc.integer({ min: -1000, max: 1000 }), { freq: 6 }),
  s: fc.option(fc.constantFrom("x", "y", "zz", ""), { freq: 6 }),
  h: fc.option(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), { freq: 6 }),
  b: fc.option(fc.boolean(), { freq: 6 }),
  w: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { freq: 6 }),
});
const entityRow = fc.record({
  k_int: keyInt,
  k_str: keyStr,
  ts: fc.option(fc.integer({ min: 0, max: 18 }), { freq: 12 }),
});

const sourceTypes: ColumnTypes = {
  k_int: "int64",
  k_str: "string",
  event_ts: "timestamp",
  created_ts: "timestamp",
  f: "float64",
  g: "int32",
  s: "string",
  h: "int64",
  b: "bool",
  w: "timestamp",
};
const entityTypes: ColumnTypes = { k_int: "int64", k_str: "string", ts: "timestamp", row: "int32" };

const viewSettings = fc.record({
  hasCreated: fc.boolean(),
  includeCreatedAfter: fc.boolean(),
  lookback: fc.option(fc.integer({ min: 0, max: 8 })),
  chunk: fc.integer({ min: 1, max: 8 }),
  twoPass: fc.boolean(),
});

/** The view's scan in both shapes: whole batches, and (for the two-pass join) projected ones. */
function scans(batches: () => AsyncIterable<RecordBatch>, twoPass: boolean) {
  if (!twoPass) return { batches };
  return {
    batches: () => {
      throw new Error("a view with scanColumns is not scanned whole");
    },
    scanColumns: projectedBatches(batches),
  };
}

describe("pointInTimeJoin agrees with the nested-loop oracle", () => {
  it("on random tables, one composite-key view and one single-key view", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entityRow, { maxLength: 16 }),
        fc.array(sourceRow, { maxLength: 40 }),
        fc.array(sourceRow, { maxLength: 30 }),
        viewSettings,
        viewSettings,
        fc.integer({ min: 1, max: 8 }),
        async (entityRowsRaw, rowsA, rowsB, a, b, entityChunk) => {
          const entityRows: PlainRow[] = entityRowsRaw.map((row, i) => ({ ...row, row: i }));
          const sourceA = a.hasCreated ? rowsA : rowsA.map(({ created_ts: _c, ...rest }) => rest);
          const sourceB = b.hasCreated ? rowsB : rowsB.map(({ created_ts: _c, ...rest }) => rest);
          const typesFor = (created: boolean): ColumnTypes =>
            scannedTypes(
              created
                ? sourceTypes
                : Object.fromEntries(Object.entries(sourceTypes).filter(([k]) => k !== "created_ts")),
              created,
            );
          const result = await pointInTimeJoin({
            entities: table(entityRows, entityTypes, entityChunk),
            timestampColumn: "ts",
            views: [
              {
                name: "a",
                joinKeys: ["k_int", "k_str"],
                ...scans(batchesOf(scannedRows(sourceA), typesFor(a.hasCreated), a.chunk), a.twoPass),
                hasCreatedTimestamp: a.hasCreated,
                includeCreatedAfter: a.includeCreatedAfter,
                ...(a.lookback === null ? {} : { lookbackMs: a.lookback }),
                features: [
                  { column: "f", outputName: "a_f", type: "float64" },
                  { column: "g", outputName: "a_g", type: "int32" },
                  { column: "s", outputName: "a_s", type: "string" },
                  { column: "h", outputName: "a_h", type: "int64" },
                  { column: "b", outputName: "a_b", type: "bool" },
                  { column: "w", outputName: "a_w", type: "timestamp" },
                ],
              },
              {
                name: "b",
                joinKeys: ["k_int"],
                ...scans(batchesOf(scannedRows(sourceB), typesFor(b.hasCreated), b.chunk), b.twoPass),
                hasCreatedTimestamp: b.hasCreated,
                includeCreatedAfter: b.includeCreatedAfter,
                ...(b.lookback === null ? {} : { lookbackMs: b.lookback }),
                features: [{ column: "f", outputName: "b_f", type: "float64" }],
              },
            ],
          });
          const expected = entityRows.map((entity) => {
            const ia = oracleMatch(entity, "ts", {
              joinKeys: ["k_int", "k_str"],
              rows: sourceA,
              hasCreatedTimestamp: a.hasCreated,
              includeCreatedAfter: a.includeCreatedAfter,
              ...(a.lookback === null ? {} : { lookbackMs: a.lookback }),
            });
            const ib = oracleMatch(entity, "ts", {
              joinKeys: ["k_int"],
              rows: sourceB,
              hasCreatedTimestamp: b.hasCreated,
              includeCreatedAfter: b.includeCreatedAfter,
              ...(b.lookback === null ? {} : { lookbackMs: b.lookback }),
            });
            const ra = ia >= 0 ? sourceA[ia]! : undefined;
            const rb = ib >= 0 ? sourceB[ib]! : undefined;
            return {
              row: entity.row,
              a_f: ra?.f ?? null,
              a_g: ra?.g ?? null,
              a_s: ra?.s ?? null,
              a_h: ra?.h ?? null,
              a_b: ra?.b ?? null,
              a_w: ra?.w ?? null,
              b_f: rb?.f ?? null,
            };
          });
          const actual = rowsOf(result).map(({ row, a_f, a_g, a_s, a_h, a_b, a_w, b_f }) => ({
            row,
            a_f,
            a_g,
            a_s,
            a_h,
            a_b,
            a_w,
            b_f,
          }));
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);
});
