import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mannWhitneyU } from "./mann-whitney-u.js";

/** P(U >= u) by enumerating every split of ranks 1..m+n (independent of the generating-function code). */
function bruteForceSf(u: number, m: number, n: number): number {
  let hits = 0;
  let total = 0;
  const walk = (next: number, picked: number, rankSum: number) => {
    if (picked === m) {
      total++;
      if (rankSum - (m * (m + 1)) / 2 >= u) hits++;
      return;
    }
    for (let r = next; r <= m + n; r++) walk(r + 1, picked + 1, rankSum + r);
  };
  walk(1, 0, 0);
  return hits / total;
}

describe("mannWhitneyU", () => {
  it("U of a by hand: a = [1, 4], b = [2, 3] has U_a = 2", () => {
    expect(mannWhitneyU([1, 4], [2, 3]).statistic).toBe(2);
  });

  it("exact one-sided p-values equal enumeration of all rank splits (property)", () => {
    fc.assert(
      fc.property(
        // Distinct by value: -0 and 0 are one value (a tie), which the exact no-ties method excludes.
        fc.uniqueArray(fc.double({ min: -100, max: 100, noNaN: true }), {
          minLength: 2,
          maxLength: 11,
          comparator: "SameValueZero",
        }),
        fc.nat(),
        (values, s) => {
          const k = 1 + (s % (values.length - 1));
          const a = values.slice(0, k);
          const b = values.slice(k);
          const r = mannWhitneyU(a, b, { method: "exact", alternative: "greater" });
          expect(r.pValue!).toBeCloseTo(bruteForceSf(r.statistic, a.length, b.length), 12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("auto: exact without ties for small samples, asymptotic with ties", () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).method).toBe("exact");
    expect(mannWhitneyU([1, 2, 3], [3, 5, 6]).method).toBe("asymptotic");
  });

  it("U_a + U_b = n_a n_b and p-values lie in [0, 1]", () => {
    const a = [3.1, 0.2, 5.5, 2.2, 2.2, 9.0];
    const b = [1.0, 2.2, 4.4, 7.7];
    const ua = mannWhitneyU(a, b).statistic;
    const ub = mannWhitneyU(b, a).statistic;
    expect(ua + ub).toBe(24);
  });
});
