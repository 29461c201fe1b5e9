import { describe, expect, it } from "vitest";
import { chiSquareContingency } from "./chi-square-contingency.js";
import { chiSquareGoodnessOfFit } from "./chi-square-goodness-of-fit.js";
import { welchTTest } from "./welch-t-test.js";
import { zTestTwoProportions } from "./z-test-two-proportions.js";

describe("hypothesis tests, hand-computed", () => {
  it("chi-square goodness of fit: Σ(o-e)²/e with uniform expectation", () => {
    // Mean 14.667: (1.333² + 3.333² + 1.333² + 0.667² + 2.667² + 2.667²)/14.667 = 2.0 (also SciPy's docs example).
    const r = chiSquareGoodnessOfFit([16, 18, 16, 14, 12, 12]);
    expect(r.statistic).toBeCloseTo(2, 13);
    expect(r.dof).toBe(5);
    // chi2(5) sf(2) = 0.8491450360846096 (closed form e^{-1}(1 + 1 + 1/2 ... ) series for odd dof checked in SciPy).
    expect(r.pValue!).toBeCloseTo(0.8491450360846096, 13);
  });

  it("contingency 2×2 with Yates: cells move 0.5 toward expectation", () => {
    // Expected [[12, 18], [28, 42]]; |o-e| = 2 -> 1.5 after correction: 1.5² (1/12 + 1/18 + 1/28 + 1/42).
    const r = chiSquareContingency([
      [10, 20],
      [30, 40],
    ]);
    expect(r.statistic).toBeCloseTo(2.25 * (1 / 12 + 1 / 18 + 1 / 28 + 1 / 42), 13);
    expect(r.method).toBe("chi2-yates");
    const plain = chiSquareContingency(
      [
        [10, 20],
        [30, 40],
      ],
      { correction: false },
    );
    expect(plain.statistic).toBeCloseTo(4 * (1 / 12 + 1 / 18 + 1 / 28 + 1 / 42), 13);
  });

  it("one row: no degree of freedom, statistic 0 and p-value 1", () => {
    expect(chiSquareContingency([[3, 4, 5]])).toMatchObject({ statistic: 0, pValue: 1, dof: 0 });
  });

  it("z-test: pooled proportions", () => {
    // p = 0.3, 0.45, pooled 0.375: z = -0.15 / sqrt(0.375·0.625·0.02) = -0.15 / sqrt(0.0046875).
    const r = zTestTwoProportions({ successesA: 30, nA: 100, successesB: 45, nB: 100 });
    expect(r.statistic).toBeCloseTo(-0.15 / Math.sqrt(0.0046875), 13);
  });

  it("welch: t and Welch-Satterthwaite dof", () => {
    // a: mean 2.5, var 5/3; b: mean 6, var 10. se² = 5/12 + 2; t = -3.5 / sqrt(29/12).
    const r = welchTTest([1, 2, 3, 4], [2, 4, 6, 8, 10]);
    expect(r.statistic).toBeCloseTo(-3.5 / Math.sqrt(29 / 12), 13);
    const dof = (29 / 12) ** 2 / ((5 / 12) ** 2 / 3 + 4 / 4);
    expect(r.dof).toBeCloseTo(dof, 12);
  });
});
