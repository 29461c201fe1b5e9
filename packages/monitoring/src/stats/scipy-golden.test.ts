import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareGolden, type GoldenDocument } from "../../test/fixtures/scipy-golden-runner.js";

// Expected values: packages/monitoring/test/fixtures/scipy-stats.json, written by SciPy 1.17.1 / NumPy 2.4.6
// with the command recorded in its `command` field (scripts/golden/monitoring_stats.py).
const doc = JSON.parse(
  readFileSync(new URL("../../test/fixtures/scipy-stats.json", import.meta.url), "utf8"),
) as GoldenDocument;

describe("statistics agree with SciPy on the checked-in golden fixture", () => {
  it("records how it was produced", () => {
    expect(doc.command).toMatch(/^python scripts\/golden\/monitoring_stats\.py --seed \d+ --out /);
    expect(doc.scipy).toBe("1.17.1");
  });

  it("covers every statistic", () => {
    const fns = new Set(doc.cases.map((c) => c.fn));
    for (const fn of [
      "ks2Sample",
      "chiSquareGoodnessOfFit",
      "chiSquareContingency",
      "zTestTwoProportions",
      "mannWhitneyU",
      "welchTTest",
      "andersonDarlingKSample",
      "cramerVonMises2Sample",
      "eppsSingleton",
      "wasserstein",
      "energyDistance",
      "wassersteinNormed",
      "jensenShannon",
      "klDivergence",
      "psi",
      "hellinger",
      "totalVariation",
      "numericBins",
    ]) {
      expect(fns.has(fn), fn).toBe(true);
    }
    // Both p-value methods of the tests that have two.
    const methods = new Set(doc.cases.filter((c) => c.fn === "ks2Sample").map((c) => c.options?.method));
    expect(methods).toEqual(new Set(["auto", "exact", "asymp"]));
  });

  it("matches every case to a relative error of 1e-9", () => {
    expect(compareGolden(doc)).toEqual([]);
  });
});
