import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortFloat64 } from "./radix-sort.js";

describe("sortFloat64", () => {
  it("agrees with the built-in sort on arbitrary finite doubles (both paths: short and radix)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 2000 }),
        (xs) => {
          const ours = sortFloat64(Float64Array.from(xs));
          const reference = Float64Array.from(xs, (x) => (x === 0 ? 0 : x)).sort();
          expect([...ours]).toEqual([...reference]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("sorts long runs sharing their high 32 bits (the clustered fallback) and negatives", () => {
    const n = 5000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = (i % 2 ? -1 : 1) * (1 + ((i * 7919) % n) * 2 ** -45);
    const expected = values.slice().sort();
    expect([...sortFloat64(values)]).toEqual([...expected]);
  });

  it("normalises -0 to 0", () => {
    const v = sortFloat64(Float64Array.from([0, -0, -1, 1]));
    expect(Object.is(v[1], 0) && Object.is(v[2], 0)).toBe(true);
  });
});
