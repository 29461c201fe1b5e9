import { BallastError } from "@ballast/core";
import { Field, Schema, Table, TimestampMillisecond, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { batchesOf, rowsOf, scannedRows, scannedTypes, table } from "../../test/fixtures/arrow-tables.js";
import {
  at,
  customerRows,
  customerTypes,
  driverRows,
  driverTypes,
  entityRows,
  entityTypes,
  expected,
  expectedIncludeCreatedAfter,
  LOOKBACK_MS,
} from "../../test/fixtures/pit-golden.js";
import { type JoinViewInput, pointInTimeJoin } from "./point-in-time-join.js";
import { projectedBatches } from "./projected-batches.js";

/** The joined feature columns of each output row, the part the golden rows fix. */
function featureCells(rows: Record<string, unknown>[]) {
  return rows.map(({ conv_rate, trips, spend, tier }) => ({ conv_rate, trips, spend, tier }));
}

function views(chunk: number, extra: Partial<JoinViewInput> = {}): JoinViewInput[] {
  return [
    {
      name: "driver_stats",
      joinKeys: ["driver_id"],
      batches: batchesOf(scannedRows(driverRows), scannedTypes(driverTypes, true), chunk),
      lookbackMs: LOOKBACK_MS,
      hasCreatedTimestamp: true,
      features: [
        { column: "conv_rate", outputName: "conv_rate", type: "float64" },
        { column: "trips", outputName: "trips", type: "int32" },
      ],
      ...extra,
    },
    {
      name: "customer_region",
      joinKeys: ["customer_id", "region"],
      batches: batchesOf(scannedRows(customerRows), scannedTypes(customerTypes, false), chunk),
      hasCreatedTimestamp: false,
      features: [
        { column: "spend", outputName: "spend", type: "float64" },
        { column: "tier", outputName: "tier", type: "string" },
      ],
    },
  ];
}

describe("pointInTimeJoin golden fixture (expected values worked out by hand in test/fixtures/pit-golden.ts)", () => {
  for (const chunk of [1, 2, 100]) {
    for (const entityChunk of [1, 4, 11]) {
      it(`matches the hand-computed rows (source batches of ${chunk}, entity batches of ${entityChunk})`, async () => {
        const entities = table(entityRows, entityTypes, entityChunk);
        const result = await pointInTimeJoin({
          entities,
          timestampColumn: "event_timestamp",
          views: views(chunk),
        });
        const rows = rowsOf(result);
        expect(result.schema.fields.map((f) => f.name)).toEqual([
          "driver_id",
          "customer_id",
          "region",
          "event_timestamp",
          "label",
          "conv_rate",
          "trips",
          "spend",
          "tier",
        ]);
        // Input order, input columns and the duplicate row (e9) are kept.
        expect(rows.map((row) => row.label)).toEqual(entityRows.map((row) => row.label));
        expect(rows.map((row) => row.event_timestamp)).toEqual(entityRows.map((row) => row.event_timestamp));
        expect(featureCells(rows)).toEqual(expected);
      });
    }
  }

  it("includes rows created after T when asked", async () => {
    const result = await pointInTimeJoin({
      entities: table(entityRows, entityTypes),
      timestampColumn: "event_timestamp",
      views: views(3, { includeCreatedAfter: true }),
    });
    expect(featureCells(rowsOf(result))).toEqual(expectedIncludeCreatedAfter);
  });

  it("keeps an empty entity table empty, with the feature columns", async () => {
    const result = await pointInTimeJoin({
      entities: table([], entityTypes),
      timestampColumn: "event_timestamp",
      views: views(2),
    });
    expect(result.numRows).toBe(0);
    expect(result.schema.fields.map((f) => f.name)).toContain("tier");
  });

  it("gives nulls to an entity row with a null timestamp", async () => {
    const result = await pointInTimeJoin({
      entities: table([{ ...entityRows[0]!, event_timestamp: null }], entityTypes),
      timestampColumn: "event_timestamp",
      views: views(2),
    });
    expect(rowsOf(result)[0]).toMatchObject({ conv_rate: null, spend: null });
  });
});

describe("pointInTimeJoin errors", () => {
  it("rejects a naive entity timestamp column with FEATURE_NAIVE_TIMESTAMP", async () => {
    const entities = new Table({
      driver_id: vectorFromArray([1n]),
      event_timestamp: vectorFromArray([at(25)], new TimestampMillisecond()),
    });
    const error = await pointInTimeJoin({
      entities,
      timestampColumn: "event_timestamp",
      views: views(2).slice(0, 1),
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "FEATURE_NAIVE_TIMESTAMP")).toBe(true);
    expect((error as BallastError).details).toMatchObject({ column: "event_timestamp" });
  });

  it("rejects a missing join key or timestamp column and duplicate output names", async () => {
    const entities = table(entityRows, entityTypes);
    const missingTs = await pointInTimeJoin({ entities, timestampColumn: "ts", views: [] }).catch(
      (e: unknown) => e,
    );
    expect(BallastError.isInstance(missingTs, "OFFLINE_JOIN_INVALID")).toBe(true);
    const missingKey = await pointInTimeJoin({
      entities,
      timestampColumn: "event_timestamp",
      views: [{ ...views(2)[0]!, joinKeys: ["vehicle_id"] }],
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(missingKey, "OFFLINE_JOIN_INVALID")).toBe(true);
    const duplicate = await pointInTimeJoin({
      entities,
      timestampColumn: "event_timestamp",
      views: [
        views(2)[0]!,
        { ...views(2)[1]!, features: [{ column: "spend", outputName: "trips", type: "float64" }] },
      ],
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(duplicate, "OFFLINE_JOIN_INVALID")).toBe(true);
  });

  it("rejects a source batch whose feature has another type with FEATURE_SCHEMA_MISMATCH", async () => {
    const error = await pointInTimeJoin({
      entities: table(entityRows, entityTypes),
      timestampColumn: "event_timestamp",
      views: [{ ...views(2)[0]!, features: [{ column: "trips", outputName: "trips", type: "float64" }] }],
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "FEATURE_SCHEMA_MISMATCH")).toBe(true);
    expect((error as BallastError).details).toMatchObject({
      column: "trips",
      declared: "float64",
      found: "int32",
    });
  });

  it("rejects join keys whose kinds differ between the entity table and the source", async () => {
    const entities = new Table({
      driver_id: vectorFromArray(["1"]),
      event_timestamp: vectorFromArray([at(25)], new TimestampMillisecond("UTC")),
    });
    const error = await pointInTimeJoin({
      entities,
      timestampColumn: "event_timestamp",
      views: views(2).slice(0, 1),
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "FEATURE_SCHEMA_MISMATCH")).toBe(true);
    expect((error as BallastError).details).toMatchObject({ column: "driver_id", found: "integer" });
  });

  it("joins an int32 entity key to an int64 source key by value", async () => {
    const entities = new Table({
      driver_id: vectorFromArray([2, 1], new (await import("apache-arrow")).Int32()),
      event_timestamp: vectorFromArray([at(40), at(24)], new TimestampMillisecond("UTC")),
    });
    const result = await pointInTimeJoin({
      entities,
      timestampColumn: "event_timestamp",
      views: views(2).slice(0, 1),
    });
    // Same rows as e5 and e1 of the golden fixture.
    expect(rowsOf(result).map((row) => row.conv_rate)).toEqual([0.6, 0.2]);
  });

  it("stops with ABORTED when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await pointInTimeJoin({
      entities: table(entityRows, entityTypes),
      timestampColumn: "event_timestamp",
      views: views(2),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "ABORTED")).toBe(true);
  });

  it("keeps the entity table's fields (types, nullability, metadata) unchanged", async () => {
    const entities = new Table(
      new Schema([
        new Field("driver_id", vectorFromArray([1n]).type, false, new Map([["note", "kept"]])),
        new Field("event_timestamp", new TimestampMillisecond("UTC"), false),
      ]),
      {
        driver_id: vectorFromArray([1n]),
        event_timestamp: vectorFromArray([at(25)], new TimestampMillisecond("UTC")),
      } as never,
    );
    const result = await pointInTimeJoin({
      entities,
      timestampColumn: "event_timestamp",
      views: views(2).slice(0, 1),
    });
    expect(result.schema.fields.slice(0, 2)).toEqual(entities.schema.fields);
    expect(rowsOf(result)[0]).toMatchObject({ conv_rate: 0.35, trips: 33 });
  });
});

/** `views(chunk)` joined in two passes over projected batches (`scanColumns`). */
function twoPassViews(chunk: number, extra: Partial<JoinViewInput> = {}): JoinViewInput[] {
  return views(chunk, extra).map((view) => ({
    ...view,
    batches: () => {
      throw new Error("a view with scanColumns is not scanned whole");
    },
    scanColumns: projectedBatches(view.batches),
  }));
}

describe("pointInTimeJoin in two passes (scanColumns), against the same hand-computed rows", () => {
  for (const chunk of [1, 3, 100]) {
    it(`matches the golden rows with source batches of ${chunk}`, async () => {
      const result = await pointInTimeJoin({
        entities: table(entityRows, entityTypes, 4),
        timestampColumn: "event_timestamp",
        views: twoPassViews(chunk),
      });
      const rows = rowsOf(result);
      expect(rows.map((row) => row.label)).toEqual(entityRows.map((row) => row.label));
      expect(featureCells(rows)).toEqual(expected);
    });
  }

  it("includes rows created after T when asked", async () => {
    const result = await pointInTimeJoin({
      entities: table(entityRows, entityTypes),
      timestampColumn: "event_timestamp",
      views: twoPassViews(3, { includeCreatedAfter: true }),
    });
    expect(featureCells(rowsOf(result))).toEqual(expectedIncludeCreatedAfter);
  });

  it("asks the first pass for the join keys and the second for the features only", async () => {
    const asked: string[][] = [];
    const [view] = twoPassViews(2);
    const scan = view!.scanColumns!;
    await pointInTimeJoin({
      entities: table(entityRows, entityTypes),
      timestampColumn: "event_timestamp",
      views: [
        {
          ...view!,
          scanColumns: (columns) => {
            asked.push([...columns]);
            return scan(columns);
          },
        },
      ],
    });
    expect(asked).toEqual([["driver_id"], ["conv_rate", "trips"]]);
  });

  it("fails with FEATURE_SOURCE_CHANGED (retryable) when the second pass sees other batches", async () => {
    const rows = scannedRows(driverRows);
    let pass = 0;
    const [view] = views(2);
    const error = await pointInTimeJoin({
      entities: table(entityRows, entityTypes),
      timestampColumn: "event_timestamp",
      views: [
        {
          ...view!,
          // The second pass sees the source with its last row gone, as after a concurrent rewrite.
          scanColumns: (columns) =>
            projectedBatches(
              batchesOf(pass++ === 0 ? rows : rows.slice(0, -1), scannedTypes(driverTypes, true), 2),
            )(columns),
        },
      ],
    }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "FEATURE_SOURCE_CHANGED"), String(error)).toBe(true);
    expect((error as BallastError).retryable).toBe(true);
  });
});
