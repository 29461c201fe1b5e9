import {
  Dictionary,
  Field,
  Float16,
  Int32,
  LargeUtf8,
  List,
  Schema,
  TimestampMicrosecond,
  TimestampMillisecond,
  Uint32,
  Utf8,
} from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/index.js";
import { fromArrowSchema, fromArrowType } from "./from-arrow-schema.js";
import type { LogicalSchema } from "./logical-schema.js";
import { logicalScalarTypeSchema } from "./logical-type.js";
import { toArrowSchema, toArrowType } from "./to-arrow-schema.js";

const scalar = fc.constantFrom(...logicalScalarTypeSchema.options);
const logicalType = fc.oneof(scalar, fc.record({ list: scalar, elementNullable: fc.boolean() }));
const logicalSchema: fc.Arbitrary<LogicalSchema> = fc
  .uniqueArray(fc.record({ name: fc.string({ minLength: 1 }), type: logicalType, nullable: fc.boolean() }), {
    selector: (field) => field.name,
    maxLength: 12,
  })
  .map((fields) => ({ fields }));

describe("logical types ↔ Arrow", () => {
  it("logical → Arrow → logical is the identity", () => {
    fc.assert(
      fc.property(logicalSchema, (schema) => {
        expect(fromArrowSchema(toArrowSchema(schema))).toEqual(schema);
      }),
    );
  });

  it("maps each type to the Arrow type DESIGN.md §5 names", () => {
    // Expected strings written by hand from the design, not derived from toArrowType.
    const expected: Record<string, string> = {
      bool: "Bool",
      int32: "Int32",
      int64: "Int64",
      float32: "Float32",
      float64: "Float64",
      string: "Utf8",
      bytes: "Binary",
      timestamp: "Timestamp<MILLISECOND, UTC>",
    };
    for (const [logical, arrow] of Object.entries(expected)) {
      expect(String(toArrowType(logical as keyof typeof expected as never))).toBe(arrow);
    }
    const list = toArrowType({ list: "float32", elementNullable: false }) as List;
    expect(String(list)).toBe("List<Float32>");
    expect(list.children[0]?.nullable).toBe(false);
  });

  it("rejects a timestamp without a time zone, naming the column and the fix", () => {
    const schema = new Schema([new Field("event_time", new TimestampMillisecond(), false)]);
    let error: unknown;
    try {
      fromArrowSchema(schema);
    } catch (caught) {
      error = caught;
    }
    expect(BallastError.isInstance(error, "SCHEMA_INVALID")).toBe(true);
    expect((error as Error).message).toContain("event_time");
    expect((error as Error).message).toContain("no time zone");
    expect((error as Error).message).toContain('Timestamp(MILLISECOND, "UTC")');
  });

  it("lists every column without a logical type at once", () => {
    const schema = new Schema([
      new Field("ok", new Int32()),
      new Field("micros", new TimestampMicrosecond("UTC")),
      new Field("unsigned", new Uint32()),
      new Field("half", new Float16()),
      new Field("big_text", new LargeUtf8()),
      new Field("category", new Dictionary(new Utf8(), new Int32())),
      new Field("nested", new List(new Field("item", new List(new Field("item", new Int32()))))),
      new Field("paris", new TimestampMillisecond("Europe/Paris")),
    ]);
    try {
      fromArrowSchema(schema);
      expect.unreachable();
    } catch (error) {
      const columns = (error as { issues: { column: string }[] }).issues.map((issue) => issue.column);
      expect(columns).toEqual(["micros", "unsigned", "half", "big_text", "category", "nested", "paris"]);
    }
  });

  it("accepts list children under any name (writers use item or element)", () => {
    expect(fromArrowType(new List(new Field("element", new Utf8(), false)))).toEqual({
      list: "string",
      elementNullable: false,
    });
  });
});
