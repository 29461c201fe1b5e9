import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameValue, valueAt, vectorOf } from "./arrow-values.js";

describe("vectorOf and valueAt", () => {
  it("round-trip the JS values of each logical type, nulls included", () => {
    const cases = [
      ["int64", [1n, null, -(2n ** 63n)]],
      ["int32", [1, null, -5]],
      ["float64", [0.1, null, Number.NaN]],
      ["string", ["a", null, ""]],
      ["bool", [true, null, false]],
      ["timestamp", [0, null, Date.UTC(2026, 0, 1)]],
      ["bytes", [new Uint8Array([1, 2]), null, new Uint8Array()]],
      [{ list: "string", elementNullable: true }, [["a", null], null, []]],
    ] as const;
    for (const [type, values] of cases) {
      const vector = vectorOf(type, values as never);
      const back = values.map((_, i) => valueAt(vector, i));
      expect(back.every((v, i) => sameValue(v, values[i] as never))).toBe(true);
    }
  });

  it("reads float64 values back exactly", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double(), { nil: null }), { maxLength: 20 }), (values) => {
        const vector = vectorOf("float64", values);
        return values.every((v, i) => sameValue(valueAt(vector, i), v));
      }),
    );
  });
});

describe("sameValue", () => {
  it("compares deeply and treats NaN as equal to NaN, null only to null", () => {
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameValue(null, 0)).toBe(false);
    expect(sameValue([1, [2]] as never, [1, [2]] as never)).toBe(true);
    expect(sameValue(new Uint8Array([1]), new Uint8Array([2]))).toBe(false);
    expect(sameValue(1n, 1)).toBe(false);
  });
});
