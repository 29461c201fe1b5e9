import type { LogicalType } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue, normalizeValue, valueDecoder } from "./value-codec.js";

type Case = { type: LogicalType; value: fc.Arbitrary<unknown> };
const scalars: Case[] = [
  { type: "bool", value: fc.boolean() },
  { type: "int32", value: fc.integer() },
  { type: "int64", value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  // Every double, NaN, ±Infinity and -0 included.
  { type: "float64", value: fc.double() },
  { type: "float32", value: fc.float() },
  { type: "timestamp", value: fc.integer({ min: -(2 ** 45), max: 2 ** 45 }) },
  { type: "string", value: fc.string({ unit: "binary" }) },
  { type: "bytes", value: fc.uint8Array() },
];
const cases: Case[] = [
  ...scalars,
  ...scalars.map((c) => ({
    type: { list: c.type as Exclude<LogicalType, object>, elementNullable: true },
    value: fc.array(fc.option(c.value, { nil: null })),
  })),
];
const typed = fc.oneof(
  ...cases.map((c) => fc.record({ type: fc.constant(c.type), value: fc.option(c.value, { nil: null }) })),
);

describe("value codec", () => {
  it("round-trips every logical type through encode and decode (Object.is on numbers)", () => {
    fc.assert(
      fc.property(typed, ({ type, value }) => {
        const normalized = normalizeValue("f", type, value);
        const decoded = decodeValue(type, encodeValue(type, normalized));
        // toEqual uses Object.is for numbers: NaN equals NaN, -0 differs from 0.
        expect(decoded).toEqual(normalized);
        expect(valueDecoder(type)(encodeValue(type, normalized))).toEqual(normalized);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps NaN, ±Infinity and -0, and tells null from the empty string and empty bytes", () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]) {
      expect(Object.is(decodeValue("float64", encodeValue("float64", v)), v)).toBe(true);
      expect(Object.is(decodeValue("float32", encodeValue("float32", v)), v)).toBe(true);
    }
    expect(encodeValue("string", null)).toBe("");
    expect(encodeValue("string", "")).toBe("=");
    expect(decodeValue("string", "=")).toBe("");
    expect(decodeValue("bytes", "=")).toEqual(new Uint8Array());
    expect(decodeValue("string", null)).toBeNull();
  });

  it("writes the documented texts", () => {
    // Written by hand from the format described on encodeValue.
    expect(encodeValue("bool", true)).toBe("1");
    expect(encodeValue("int64", 12345678901234567n)).toBe("12345678901234567");
    expect(encodeValue("float32", normalizeValue("f", "float32", 0.1))).toBe("0.10000000149011612");
    expect(encodeValue("bytes", new Uint8Array([1, 2, 255]))).toBe("=AQL/");
    expect(encodeValue({ list: "int64", elementNullable: true }, [1n, null])).toBe('["1",null]');
  });

  it("normalizes accepted forms and rejects the wrong type with ONLINE_STORE_VALUE_INVALID", () => {
    expect(normalizeValue("f", "int64", 7)).toBe(7n);
    expect(normalizeValue("f", "int32", 7n)).toBe(7);
    expect(normalizeValue("f", "float32", 0.1)).toBe(Math.fround(0.1));
    const bad: [LogicalType, unknown][] = [
      ["int64", 2 ** 60],
      ["int64", "7"],
      ["int32", 1.5],
      ["int32", 2 ** 31],
      ["bool", 1],
      ["string", 1],
      ["bytes", "AQ=="],
      ["timestamp", 1.5],
      [{ list: "string", elementNullable: true }, "a"],
      [{ list: "string", elementNullable: false }, ["a", null]],
    ];
    for (const [type, value] of bad) {
      expect(() => normalizeValue("f", type, value)).toThrow(
        expect.objectContaining({ code: "ONLINE_STORE_VALUE_INVALID" }),
      );
    }
  });
});
