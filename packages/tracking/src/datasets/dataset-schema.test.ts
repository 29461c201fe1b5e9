import { Field, Schema, Struct, Uint8, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { datasetSchema } from "./dataset-schema.js";

describe("datasetSchema", () => {
  it("falls back to the Arrow type string where no logical type exists", () => {
    const schema = new Schema([
      new Field("u", new Uint8(), false),
      new Field("st", new Struct([new Field("a", new Utf8())]), true),
      new Field("d", vectorFromArray(["a"]).type, true),
    ]);
    expect(datasetSchema(schema).fields).toEqual([
      { name: "u", nullable: false, arrowType: "Uint8" },
      { name: "st", nullable: true, arrowType: "Struct<{a:Utf8}>" },
      { name: "d", nullable: true, arrowType: "Dictionary<Int32, Utf8>", type: "string" },
    ]);
  });
});
