import { describe, expect, it } from "vitest";
import { cramerVonMises2Sample } from "./cramer-von-mises-2sample.js";

function statisticOf(x: number[], y: number[]): number {
  // Anderson's T from its definition: N/(m n)² ... written as m n/N² Σ_pooled (F_x - F_y)² (no ties).
  const pooled = [...x, ...y];
  const m = x.length;
  const n = y.length;
  const N = m + n;
  let s = 0;
  for (const t of pooled) {
    const fx = x.filter((v) => v <= t).length / m;
    const fy = y.filter((v) => v <= t).length / n;
    s += (fx - fy) ** 2;
  }
  return ((m * n) / (N * N)) * s;
}

describe("cramerVonMises2Sample", () => {
  it("statistic equals Anderson's ECDF definition (no ties)", () => {
    const x = [0.3, 1.9, 2.4, 5.1, 0.7];
    const y = [1.1, 3.3, 4.2, 6.6, 2.0, 7.5];
    expect(cramerVonMises2Sample(x, y).statistic).toBeCloseTo(statisticOf(x, y), 12);
  });

  it("exact p-value equals enumeration of every split of the pooled sample", () => {
    const x = [0.3, 1.9, 2.4, 5.1];
    const y = [1.1, 3.3, 4.2, 6.6, 2.0];
    const observed = statisticOf(x, y);
    const pooled = [...x, ...y];
    let hits = 0;
    let total = 0;
    for (let mask = 0; mask < 1 << pooled.length; mask++) {
      let bits = 0;
      for (let v = mask; v; v >>= 1) bits += v & 1;
      if (bits !== x.length) continue;
      const a = pooled.filter((_, i) => mask & (1 << i));
      const b = pooled.filter((_, i) => !(mask & (1 << i)));
      total++;
      if (statisticOf(a, b) >= observed - 1e-12) hits++;
    }
    const r = cramerVonMises2Sample(x, y);
    expect(r.method).toBe("exact");
    expect(r.pValue!).toBeCloseTo(hits / total, 12);
  });
});
