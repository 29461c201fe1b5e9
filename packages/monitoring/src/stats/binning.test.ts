import { describe, expect, it } from "vitest";
import { categoricalBins, numericBins, sturgesEdges } from "./binning.js";

describe("Evidently's binning", () => {
  it("Sturges' edges: log2(n) + 1 equal-width bins over the combined range", () => {
    // n = 8: log2(8) + 1 = 4 bins on [0, 4].
    expect([...sturgesEdges(0, 4, 8)]).toEqual([0, 1, 2, 3, 4]);
    // A constant: one bin of width 1 around it (NumPy's convention).
    expect([...sturgesEdges(3, 3, 10)]).toEqual([2.5, 3.5]);
  });

  it("more than 20 distinct reference values: histogram of the combined sample, last bin closed", () => {
    const reference = Array.from({ length: 30 }, (_, i) => i); // 0..29
    const current = [0, 29, 29, 29];
    const bins = numericBins(reference, current, { fillEmpty: false });
    expect(bins.kind).toBe("histogram");
    // n = 34: log2(34) + 1 = 6.087 -> 7 bins of width 29/6.087 on [0, 29].
    expect(bins.edges.length).toBe(8);
    expect(bins.edges[0]).toBe(0);
    expect(bins.edges[7]).toBe(29);
    expect(bins.reference.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(bins.current[0]).toBe(0.25);
    expect(bins.current[6]).toBe(0.75);
  });

  it("at most 20 distinct reference values: one bin per value; empty bins get 0.0001", () => {
    const bins = numericBins([1, 1, 2, 2], [2, 3, 3, 3]);
    expect(bins.kind).toBe("values");
    expect([...bins.edges]).toEqual([1, 2, 3]);
    expect([...bins.reference]).toEqual([0.5, 0.5, 0.0001]);
    expect([...bins.current]).toEqual([0.0001, 0.25, 0.75]);
  });

  it("the fill is the smallest proportion / 1e6 when that is at or below 0.0001", () => {
    const reference = [0, ...new Array<number>(19_999).fill(1)];
    const bins = numericBins(reference, [1, 2]);
    expect(bins.reference[0]).toBe(1 / 20_000);
    expect(bins.reference[2]).toBe(1 / 20_000 / 1e6);
  });

  it("categorical: values in order of first appearance, nulls dropped", () => {
    const bins = categoricalBins(["a", "b", null, "a"], ["c", "a", undefined]);
    expect(bins.categories).toEqual(["a", "b", "c"]);
    expect([...bins.reference]).toEqual([2 / 3, 1 / 3, 0.0001]);
    expect([...bins.current]).toEqual([0.5, 0.0001, 0.5]);
  });
});
