import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closestMatch, editDistance } from "./closest-match.js";

/** A second, independent definition: the naive recursion on prefixes (exponential, short strings only). */
function naiveDistance(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const cost = a[a.length - 1] === b[b.length - 1] ? 0 : 1;
  return Math.min(
    naiveDistance(a.slice(0, -1), b) + 1,
    naiveDistance(a, b.slice(0, -1)) + 1,
    naiveDistance(a.slice(0, -1), b.slice(0, -1)) + cost,
  );
}

describe("editDistance", () => {
  it("matches worked examples", () => {
    // By hand: kitten→sitten (s), sitten→sittin (i), sittin→sitting (+g).
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("conv_rate", "conv_rte")).toBe(1);
    expect(editDistance("flaw", "lawn")).toBe(2);
  });

  it("agrees with the naive recursion", () => {
    const short = fc.string({ maxLength: 6, unit: fc.constantFrom("a", "b", "c") });
    fc.assert(fc.property(short, short, (a, b) => editDistance(a, b) === naiveDistance(a, b)));
  });

  it("is a metric: symmetric, zero only on equal strings, triangle inequality", () => {
    const s = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(s, s, s, (a, b, c) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      }),
    );
  });
});

describe("closestMatch", () => {
  const names = ["driver_stats:conv_rate", "driver_stats:acc_rate", "driver_stats:trips_today"];

  it("finds the likely typo", () => {
    expect(closestMatch("driver_stats:conv_rte", names)).toBe("driver_stats:conv_rate");
    expect(closestMatch("driver_stats:trips_todya", names)).toBe("driver_stats:trips_today");
  });

  it("returns nothing for a name that is nowhere near", () => {
    expect(closestMatch("customer:age", names)).toBeUndefined();
    expect(closestMatch("x", [])).toBeUndefined();
  });
});
