import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cdfDistanceSorted, wasserstein1Sorted } from "./cdf-distance.js";
import { energyDistance } from "./energy-distance.js";
import { hellinger } from "./hellinger.js";
import { jensenShannon } from "./jensen-shannon.js";
import { klDivergence } from "./kl-divergence.js";
import { psi } from "./psi.js";
import { totalVariation } from "./total-variation.js";
import { wasserstein } from "./wasserstein.js";

const weights = (n: number) =>
  fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), { minLength: n, maxLength: n });
const pair = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(weights(n), weights(n)));
const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 });

describe("distances", () => {
  it("hand-computed values", () => {
    // W1 of {0,1,3} and {5,6,8}: every quantile moves by 5.
    expect(wasserstein([0, 1, 3], [5, 6, 8]).statistic).toBeCloseTo(5, 14);
    // Energy distance of two points a, b: sqrt(2|a-b|).
    expect(energyDistance([0], [2]).statistic).toBeCloseTo(2, 14);
    // Disjoint supports: TV 1, Hellinger 1, JS (base 2) 1.
    expect(totalVariation([1, 0], [0, 1]).statistic).toBe(1);
    expect(hellinger([1, 0], [0, 1]).statistic).toBe(1);
    expect(jensenShannon([1, 0], [0, 1], { base: 2 }).statistic).toBeCloseTo(1, 14);
    // KL([1/2,1/2] || [1/4,3/4]) = 1/2 ln 2 + 1/2 ln(2/3).
    expect(klDivergence([1, 1], [1, 3]).statistic).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 14);
    // PSI of [0.5,0.5] vs [0.25,0.75]: 0.25 ln 2 + (-0.25) ln(2/3).
    expect(psi([0.5, 0.5], [0.25, 0.75]).statistic).toBeCloseTo(
      0.25 * Math.log(2) - 0.25 * Math.log(2 / 3),
      14,
    );
  });

  it("symmetric distances are symmetric, bounded, and 0 on identical inputs (property)", () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        for (const fn of [
          (a: number[], b: number[]) => jensenShannon(a, b, { base: 2 }),
          hellinger,
          totalVariation,
        ]) {
          const d = fn(p, q).statistic;
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(1 + 1e-12);
          expect(fn(q, p).statistic).toBeCloseTo(d, 12);
          expect(fn(p, p).statistic).toBeLessThan(1e-7);
        }
        expect(klDivergence(p, q).statistic).toBeGreaterThanOrEqual(-1e-12);
        expect(psi(p, q).statistic).toBeGreaterThanOrEqual(0);
        expect(psi(p, q).statistic).toBeCloseTo(psi(q, p).statistic, 10);
        expect(klDivergence(p, p).statistic).toBeCloseTo(0, 12);
      }),
    );
  });

  it("W1 by quantile coupling equals W1 by merging the ECDFs, with ties and unequal sizes (property)", () => {
    const tied = fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(sample, tied), fc.oneof(sample, tied), (a, b) => {
        const x = Float64Array.from(a).sort();
        const y = Float64Array.from(b).sort();
        const merged = cdfDistanceSorted(x, y, 1);
        expect(wasserstein1Sorted(x, y)).toBeCloseTo(merged, 9);
      }),
      { numRuns: 300 },
    );
  });

  it("sample distances: symmetric, 0 on identical samples, W1 equals the quantile-matching cost (property)", () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        expect(wasserstein(a, b).statistic).toBeCloseTo(wasserstein(b, a).statistic, 8);
        expect(energyDistance(a, b).statistic).toBeCloseTo(energyDistance(b, a).statistic, 8);
        expect(wasserstein(a, a).statistic).toBe(0);
        expect(energyDistance(a, a).statistic).toBe(0);
      }),
    );
    fc.assert(
      fc.property(sample, fc.double({ min: -50, max: 50, noNaN: true }), (a, shift) => {
        // Same size: W1 = mean |a_(i) - b_(i)| over sorted pairs; a shift moves everything by |shift|.
        const b = a.map((x) => x + shift);
        expect(wasserstein(a, b).statistic).toBeCloseTo(Math.abs(shift), 6);
      }),
    );
  });
});
