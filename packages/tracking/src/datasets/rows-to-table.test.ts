import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { datasetSchema } from "./dataset-schema.js";
import { rowsToTable } from "./rows-to-table.js";

describe("rowsToTable", () => {
  it("types columns with logical types and fills missing keys with null", () => {
    const table = rowsToTable([
      { age: 31, city: "Oslo", at: new Date(1000), id: 7n, ok: true },
      { age: 45, ok: false, blob: new Uint8Array([1, 2]) },
    ]);
    expect(table.numRows).toBe(2);
    expect(datasetSchema(table.schema).fields.map((f) => [f.name, f.type ?? f.arrowType])).toEqual([
      ["age", "float64"],
      ["city", "string"],
      ["at", "timestamp"],
      ["id", "int64"],
      ["ok", "bool"],
      ["blob", "bytes"],
    ]);
    expect(table.getChild("city")?.get(1)).toBeNull();
    expect(table.getChild("at")?.get(0)).toBe(1000);
  });

  it("rejects a column mixing kinds of values", () => {
    let caught: unknown;
    try {
      rowsToTable([{ x: 1 }, { x: "1" }]);
    } catch (error) {
      caught = error;
    }
    expect(BallastError.isInstance(caught, "DATASET_INVALID")).toBe(true);
  });

  it("rejects nested values", () => {
    expect(() => rowsToTable([{ x: { y: 1 } }])).toThrow(/unsupported value/);
  });
});
