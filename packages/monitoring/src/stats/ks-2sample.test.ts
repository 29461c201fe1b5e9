import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ks2Sample } from "./ks-2sample.js";

function ecdfStatistic(a: number[], b: number[]): number {
  // Brute force: evaluate both ECDFs at every pooled value.
  let d = 0;
  for (const t of [...a, ...b]) {
    const fa = a.filter((x) => x <= t).length / a.length;
    const fb = b.filter((x) => x <= t).length / b.length;
    d = Math.max(d, Math.abs(fa - fb));
  }
  return d;
}

/** Exact permutation p-value: every split of the pooled sample into sizes n1, n2, equally likely. */
function permutationPValue(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const observed = ecdfStatistic(a, b);
  const n = pooled.length;
  let hits = 0;
  let total = 0;
  const choose = (start: number, picked: number[]) => {
    if (picked.length === a.length) {
      const x = picked.map((i) => pooled[i]!);
      const y = pooled.filter((_, i) => !picked.includes(i));
      total++;
      if (ecdfStatistic(x, y) >= observed - 1e-12) hits++;
      return;
    }
    for (let i = start; i < n; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return hits / total;
}

describe("ks2Sample", () => {
  it("computes the ECDF statistic by hand", () => {
    // F_a - F_b at 1,2,3,4: 1/3-0, 2/3-1/4, 1-2/4, 1-3/4 -> D = 2/3 - 1/4 = 5/12... max is 1/2 at 3.
    const r = ks2Sample([1, 2, 3], [2, 3, 4, 5]);
    expect(r.statistic).toBeCloseTo(0.5, 15);
    expect(r.method).toBe("exact");
  });

  it("statistic equals a brute-force ECDF comparison (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 30 }),
        (a, b) => {
          const r = ks2Sample(a, b, { method: "asymp" });
          expect(r.statistic).toBeCloseTo(ecdfStatistic(a, b), 12);
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("exact p-value equals full permutation enumeration for small samples without ties", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 10 }),
        fc.integer({ min: 1, max: 4 }),
        (values, split) => {
          const k = Math.min(split, values.length - 1);
          const a = values.slice(0, k);
          const b = values.slice(k);
          const r = ks2Sample(a, b, { method: "exact" });
          expect(r.pValue!).toBeCloseTo(permutationPValue(a, b), 10);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("is symmetric in its samples for the two-sided test", () => {
    const a = [0.1, 0.5, 0.9, 1.3, 2.2];
    const b = [0.4, 1.1, 1.7, 2.5, 2.6, 3.0];
    expect(ks2Sample(a, b)).toEqual(ks2Sample(b, a));
  });

  it("identical samples: statistic 0, p-value 1", () => {
    const r = ks2Sample([1, 2, 3, 4], [1, 2, 3, 4]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it("falls back to asymp above 10,000 values under auto", () => {
    const a = Float64Array.from({ length: 10_001 }, (_, i) => i);
    const b = Float64Array.from({ length: 50 }, (_, i) => i * 200);
    expect(ks2Sample(a, b).method).toBe("asymp");
  });
});
