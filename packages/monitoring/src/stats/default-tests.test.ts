import { describe, expect, it } from "vitest";
import { isDrift, selectDefaultDriftTest } from "./default-tests.js";

describe("Evidently's default drift tests", () => {
  it.each([
    ["numerical", 1000, 100, "ks", 0.05],
    ["numerical", 1000, 5, "chisquare", 0.05],
    ["numerical", 500, 2, "z", 0.05],
    ["categorical", 1000, 3, "chisquare", 0.05],
    ["categorical", 10, 2, "z", 0.05],
    ["numerical", 1001, 6, "wasserstein", 0.1],
    ["numerical", 1_000_000, 5, "jensenshannon", 0.1],
    ["categorical", 5000, 40, "jensenshannon", 0.1],
  ] as const)(
    "%s, %i reference rows, %i values -> %s",
    (columnType, referenceRows, distinctValues, test, threshold) => {
      expect(selectDefaultDriftTest({ columnType, referenceRows, distinctValues })).toMatchObject({
        test,
        threshold,
      });
    },
  );

  it("p-values drift below the threshold, distances at or above it", () => {
    const ks = selectDefaultDriftTest({ columnType: "numerical", referenceRows: 100, distinctValues: 50 });
    expect(isDrift(ks, 0.049)).toBe(true);
    expect(isDrift(ks, 0.05)).toBe(false);
    const w = selectDefaultDriftTest({ columnType: "numerical", referenceRows: 5000, distinctValues: 50 });
    expect(isDrift(w, 0.1)).toBe(true);
    expect(isDrift(w, 0.0999)).toBe(false);
  });
});
