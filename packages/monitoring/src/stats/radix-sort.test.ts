import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortFloat64 } from "./radix-sort.js";

describe("sortFloat64", () => {
  it("agrees with the built-in sort on arbitrary finite doubles (short arrays: the quicksort path)", () => {
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

  it("agrees with the built-in sort on the radix path (4096 values and more: doubles, ties, zeros)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 4096, max: 9000 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (palette, n, seed) => {
          // Draws from a small palette (long runs of equal values), scaled copies of it (equal high
          // words, different low words) and -0.
          let state = seed;
          const next = () => {
            state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
            return state / 2 ** 32;
          };
          const xs = Float64Array.from({ length: n }, () => {
            const base = palette[Math.floor(next() * palette.length)]!;
            const pick = next();
            return pick < 0.05 ? -0 : pick < 0.5 ? base : base * (1 + next() * 2 ** -30);
          });
          const reference = Float64Array.from(xs, (x) => (x === 0 ? 0 : x)).sort();
          expect([...sortFloat64(xs)]).toEqual([...reference]);
        },
      ),
      { numRuns: 60 },
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
