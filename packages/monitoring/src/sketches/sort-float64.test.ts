import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortFloat64 } from "./sort-float64.js";

describe("sortFloat64", () => {
  it("property: sorts like Array.prototype.sort with a numeric comparator, also on sub-ranges", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -3, max: 3 })), { maxLength: 500 }),
        fc.nat(),
        fc.nat(),
        (values, x, y) => {
          const a = Float64Array.from(values);
          const lo = values.length ? x % values.length : 0;
          const hi = values.length ? lo + (y % (values.length - lo + 1)) : 0;
          sortFloat64(a, lo, hi);
          const expected = [
            ...values.slice(0, lo),
            ...values.slice(lo, hi).sort((p, q) => p - q),
            ...values.slice(hi),
          ];
          expect([...a].map((v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});
