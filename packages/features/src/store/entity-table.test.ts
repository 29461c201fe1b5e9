import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { valueAt } from "./arrow-values.js";
import { entityTableFromRows } from "./entity-table.js";

const options = {
  keys: { driver_id: "int64" as const },
  optional: { boost: "float64" as const },
  timestampColumn: "event_timestamp",
};

describe("entityTableFromRows", () => {
  it("types declared columns, infers the others, and keeps the rows' column order", () => {
    const table = entityTableFromRows(
      [
        { label: 1, driver_id: 7n, event_timestamp: new Date(1000) },
        { label: 0, driver_id: null, event_timestamp: 2000, boost: 1.5, city: "Oslo" },
      ],
      options,
    );
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "label:Float64",
      "driver_id:Int64",
      "event_timestamp:Timestamp<MILLISECOND, UTC>",
      "boost:Float64",
      "city:Utf8",
    ]);
    expect([0, 1].map((i) => valueAt(table.getChild("event_timestamp")!, i))).toEqual([1000, 2000]);
    expect([0, 1].map((i) => valueAt(table.getChild("driver_id")!, i))).toEqual([7n, null]);
  });

  it("names the row and column of a bad value", () => {
    const attempt = (rows: Parameters<typeof entityTableFromRows>[0]) => {
      try {
        entityTableFromRows(rows, options);
      } catch (error) {
        expect(BallastError.isInstance(error, "FEATURE_ENTITY_ROWS_INVALID")).toBe(true);
        return (error as Error).message;
      }
      throw new Error("expected a failure");
    };
    expect(
      attempt([
        { driver_id: 1n, event_timestamp: 0 },
        { driver_id: 2, event_timestamp: 0 },
      ]),
    ).toMatch(/row 1, column "driver_id".*bigint/);
    expect(attempt([{ driver_id: 1n }])).toMatch(/no "event_timestamp"/);
    expect(attempt([{ event_timestamp: 0 }])).toMatch(/no "driver_id"/);
    expect(attempt([])).toMatch(/empty/);
  });
});
