import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/index.js";
import { parseLogicalSchema } from "./logical-schema.js";

describe("parseLogicalSchema", () => {
  it("fills in defaults: columns and list elements are nullable unless said otherwise", () => {
    const schema = parseLogicalSchema({
      fields: [
        { name: "id", type: "int64", nullable: false },
        { name: "tags", type: { list: "string" } },
      ],
    });
    expect(schema.fields).toEqual([
      { name: "id", type: "int64", nullable: false },
      { name: "tags", type: { list: "string", elementNullable: true }, nullable: true },
    ]);
  });

  it("rejects an unknown type with SCHEMA_INVALID naming the column and the allowed types", () => {
    const attempt = () => parseLogicalSchema({ fields: [{ name: "price", type: "decimal" }] });
    expect(attempt).toThrowError(/price/);
    try {
      attempt();
    } catch (error) {
      expect(BallastError.isInstance(error, "SCHEMA_INVALID")).toBe(true);
      expect((error as Error).message).toMatch(
        /bool, int32, int64, float32, float64, string, bytes, timestamp/,
      );
    }
  });

  it("rejects duplicate names and nested lists", () => {
    expect(() =>
      parseLogicalSchema({
        fields: [
          { name: "a", type: "bool" },
          { name: "a", type: "int32" },
        ],
      }),
    ).toThrowError(/duplicate column name "a"/);
    expect(() =>
      parseLogicalSchema({ fields: [{ name: "m", type: { list: { list: "int32" } } }] }),
    ).toThrowError(/m:/);
  });
});
