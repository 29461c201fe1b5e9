import { BallastError } from "@ballast/core";
import { vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  andersonDarlingKSample,
  categoricalBins,
  chiSquareContingency,
  chiSquareGoodnessOfFit,
  cramerVonMises2Sample,
  energyDistance,
  eppsSingleton,
  hellinger,
  jensenShannon,
  klDivergence,
  ks2Sample,
  mannWhitneyU,
  numericBins,
  psi,
  totalVariation,
  wasserstein,
  wassersteinNormed,
  welchTTest,
  zTestTwoProportions,
} from "./index.js";

const twoSample = {
  ks2Sample,
  mannWhitneyU,
  welchTTest,
  cramerVonMises2Sample,
  eppsSingleton,
  energyDistance,
  wasserstein,
  wassersteinNormed,
  numericBins,
  andersonDarlingKSample: (a: never, b: never) => andersonDarlingKSample([a, b]),
} as const;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(BallastError.isInstance(error)).toBe(true);
    return (error as BallastError).code;
  }
  return undefined;
}

describe("bad input gets a typed error naming what to fix", () => {
  for (const [name, fn] of Object.entries(twoSample)) {
    const call = fn as (a: unknown, b: unknown, o?: unknown) => unknown;
    it(`${name}: empty, all-null, NaN and Infinity`, () => {
      expect(codeOf(() => call([], [1, 2, 3]))).toBe("MONITORING_EMPTY_SAMPLE");
      expect(codeOf(() => call([1, 2, 3], [null, null]))).toBe("MONITORING_EMPTY_SAMPLE");
      expect(codeOf(() => call([1, Number.NaN, 3], [1, 2, 3]))).toBe("MONITORING_NON_FINITE");
      expect(codeOf(() => call([1, 2, 3], Float64Array.from([1, Number.POSITIVE_INFINITY])))).toBe(
        "MONITORING_NON_FINITE",
      );
      expect(codeOf(() => call([1, 2, "3"], [1, 2, 3]))).toBe("MONITORING_INVALID_INPUT");
    });
  }

  it("nulls are dropped, and NaN too when asked", () => {
    const clean = ks2Sample([1, 2, 3, 4], [2, 3, 5]);
    expect(ks2Sample([1, null, 2, 3, undefined, 4], [2, 3, 5])).toEqual(clean);
    expect(
      ks2Sample([1, Number.NaN, 2, 3, 4], [2, 3, 5, Number.NEGATIVE_INFINITY], { nonFinite: "drop" }),
    ).toEqual(clean);
    expect(codeOf(() => ks2Sample([Number.NaN], [1], { nonFinite: "drop" }))).toBe("MONITORING_EMPTY_SAMPLE");
  });

  it("Arrow vectors: nulls dropped, values read", () => {
    const withNulls = vectorFromArray([1, null, 2, 3, 4]);
    const plain = vectorFromArray(Float64Array.from([2, 3, 5]));
    expect(ks2Sample(withNulls, plain)).toEqual(ks2Sample([1, 2, 3, 4], [2, 3, 5]));
    expect(codeOf(() => wasserstein(vectorFromArray([null, null]), plain))).toBe("MONITORING_EMPTY_SAMPLE");
  });

  it("constant samples behave as SciPy's functions do", () => {
    // KS: identical constants -> D = 0, p = 1; different constants -> D = 1.
    expect(ks2Sample([5, 5, 5], [5, 5])).toMatchObject({ statistic: 0, pValue: 1 });
    expect(ks2Sample([5, 5, 5], [6, 6]).statistic).toBe(1);
    // Welch: both constant and equal -> NaN statistic and p-value; different -> infinite t, p = 0.
    expect(Number.isNaN(welchTTest([2, 2, 2], [2, 2]).statistic)).toBe(true);
    expect(welchTTest([2, 2, 2], [3, 3])).toMatchObject({ statistic: Number.NEGATIVE_INFINITY, pValue: 0 });
    expect(codeOf(() => welchTTest([1], [2, 3]))).toBe("MONITORING_DEGENERATE_SAMPLE");
    // Anderson-Darling rejects a single distinct value, as SciPy does.
    expect(
      codeOf(() =>
        andersonDarlingKSample([
          [1, 1],
          [1, 1, 1],
        ]),
      ),
    ).toBe("MONITORING_DEGENERATE_SAMPLE");
    expect(codeOf(() => andersonDarlingKSample([[1, 2]]))).toBe("MONITORING_INVALID_INPUT");
    // Wasserstein normed: a constant reference divides by the 0.001 floor.
    expect(wassersteinNormed([1, 1, 1], [1.5, 1.5]).statistic).toBeCloseTo(500, 9);
    expect(wassersteinNormed([1, 1, 1], [1.5, 1.5], { floor: 0.5 }).statistic).toBeCloseTo(1, 12);
    // Mann-Whitney: all tied -> U = n_a n_b / 2, p = 1.
    expect(mannWhitneyU([3, 3, 3], [3, 3])).toMatchObject({ statistic: 3, pValue: 1 });
    // CvM needs two values per sample.
    expect(codeOf(() => cramerVonMises2Sample([1], [1, 2, 3]))).toBe("MONITORING_DEGENERATE_SAMPLE");
    // Epps-Singleton: SciPy needs five values per sample and a positive interquartile range.
    expect(codeOf(() => eppsSingleton([1, 2, 3, 4], [1, 2, 3, 4, 5]))).toBe("MONITORING_DEGENERATE_SAMPLE");
    expect(codeOf(() => eppsSingleton([7, 7, 7, 7, 7, 7], [7, 7, 7, 7, 7, 8]))).toBe(
      "MONITORING_DEGENERATE_SAMPLE",
    );
  });

  it("counts and distributions", () => {
    expect(codeOf(() => chiSquareGoodnessOfFit([]))).toBe("MONITORING_EMPTY_SAMPLE");
    expect(codeOf(() => chiSquareGoodnessOfFit([1, -2, 3]))).toBe("MONITORING_INVALID_INPUT");
    expect(codeOf(() => chiSquareGoodnessOfFit([1, Number.NaN]))).toBe("MONITORING_NON_FINITE");
    expect(codeOf(() => chiSquareGoodnessOfFit([1, 2], [1, 1]))).toBe("MONITORING_INVALID_INPUT");
    expect(codeOf(() => chiSquareGoodnessOfFit([3, 0], [3, 0]))).toBe("MONITORING_DEGENERATE_SAMPLE");
    expect(codeOf(() => chiSquareGoodnessOfFit([5]))).toBe("MONITORING_INVALID_INPUT");
    expect(codeOf(() => chiSquareContingency([]))).toBe("MONITORING_EMPTY_SAMPLE");
    expect(codeOf(() => chiSquareContingency([[1, 2], [3]]))).toBe("MONITORING_INVALID_INPUT");
    expect(
      codeOf(() =>
        chiSquareContingency([
          [0, 0],
          [3, 4],
        ]),
      ),
    ).toBe("MONITORING_DEGENERATE_SAMPLE");
    expect(codeOf(() => zTestTwoProportions({ successesA: 1, nA: 0, successesB: 1, nB: 3 }))).toBe(
      "MONITORING_EMPTY_SAMPLE",
    );
    expect(codeOf(() => zTestTwoProportions({ successesA: 4, nA: 3, successesB: 1, nB: 3 }))).toBe(
      "MONITORING_INVALID_INPUT",
    );
    expect(zTestTwoProportions({ successesA: 3, nA: 3, successesB: 5, nB: 5 })).toMatchObject({
      statistic: 0,
      pValue: 1,
    });
    for (const fn of [jensenShannon, klDivergence, psi, hellinger, totalVariation]) {
      expect(codeOf(() => fn([], []))).toBe("MONITORING_EMPTY_SAMPLE");
      expect(codeOf(() => fn([0, 0], [0.5, 0.5]))).toBe("MONITORING_EMPTY_SAMPLE");
      expect(codeOf(() => fn([0.5, 0.5], [1]))).toBe("MONITORING_INVALID_INPUT");
      expect(codeOf(() => fn([0.5, -0.5], [0.5, 0.5]))).toBe("MONITORING_INVALID_INPUT");
      expect(codeOf(() => fn([0.5, Number.NaN], [0.5, 0.5]))).toBe("MONITORING_NON_FINITE");
    }
    expect(codeOf(() => categoricalBins([null, null], ["a"]))).toBe("MONITORING_EMPTY_SAMPLE");
  });
});
