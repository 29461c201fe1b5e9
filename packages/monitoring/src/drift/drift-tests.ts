import {
  andersonDarlingKSample,
  categoricalBins,
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
  wassersteinNormed,
  welchTTest,
  zTestTwoProportions,
} from "../stats/index.js";
import { type CategoryCounts, countCategories, unionCategories } from "./category-counts.js";
import type { CategoryValue, ColumnData } from "./column-data.js";

/**
 * The drift tests `compare` can run, by the names Evidently uses for the same methods, so a
 * configuration carries over.
 */
export const DRIFT_TEST_NAMES = [
  "ks",
  "chisquare",
  "z",
  "mannw",
  "t_test",
  "anderson",
  "cramer_von_mises",
  "epps_singleton",
  "energy_distance",
  "wasserstein",
  "psi",
  "jensenshannon",
  "kl_div",
  "hellinger",
  "TVD",
] as const;

/** A drift test name (see {@link DRIFT_TEST_NAMES}). */
export type DriftTestName = (typeof DRIFT_TEST_NAMES)[number];

/** What a drift test returns. */
export interface DriftTestOutcome {
  statistic: number;
  /** The p-value for hypothesis tests, null for distances. */
  pValue: number | null;
  /** How the statistic and p-value were computed (the underlying statistic's method, or a note). */
  method: string;
}

/** One drift test: how it decides and what it runs on. */
export interface DriftTestSpec {
  name: DriftTestName;
  /** `"p_value"`: drifted when p < threshold. `"distance"`: drifted when statistic ≥ threshold. */
  decision: "p_value" | "distance";
  /** Evidently's default threshold for the test. */
  defaultThreshold: number;
  /** Column kinds the test accepts; numerical columns are compared as categories by the categorical ones. */
  numerical: boolean;
  categorical: boolean;
  /** Runs the test on two samples of one column. */
  run(reference: ColumnData, current: ColumnData): DriftTestOutcome;
}

function asCategories(column: ColumnData): CategoryValue[] {
  return column.kind === "categorical" ? column.values : Array.from(column.values);
}

/** Evidently's chi-square drift test: current counts against reference proportions scaled to the current size. */
export function chiSquareFromCounts(reference: CategoryCounts, current: CategoryCounts): DriftTestOutcome {
  const categories = unionCategories(reference, current);
  let nRef = 0;
  let nCur = 0;
  for (const c of reference.values()) nRef += c;
  for (const c of current.values()) nCur += c;
  const observed = categories.map((k) => current.get(k) ?? 0);
  const expected = categories.map((k) => ((reference.get(k) ?? 0) * nCur) / nRef);
  // A category absent from the reference but present now has expected count 0: the statistic is
  // infinite and the p-value 0 (SciPy returns the same, with a warning).
  if (expected.some((e, i) => e === 0 && observed[i]! > 0)) {
    return { statistic: Number.POSITIVE_INFINITY, pValue: 0, method: "new-category" };
  }
  const keep = expected.map((e) => e > 0);
  const result = chiSquareGoodnessOfFit(
    observed.filter((_, i) => keep[i]),
    expected.filter((_, i) => keep[i]),
  );
  return { statistic: result.statistic, pValue: result.pValue, method: result.method };
}

/** Evidently's z-test: the share of one category (the first in sorted order) in each sample. */
export function zTestFromCounts(reference: CategoryCounts, current: CategoryCounts): DriftTestOutcome {
  const categories = unionCategories(reference, current);
  const first = categories[0]!;
  let nA = 0;
  let nB = 0;
  for (const c of reference.values()) nA += c;
  for (const c of current.values()) nB += c;
  const result = zTestTwoProportions({
    successesA: reference.get(first) ?? 0,
    nA,
    successesB: current.get(first) ?? 0,
    nB,
  });
  return { statistic: result.statistic, pValue: result.pValue, method: result.method };
}

/**
 * Evidently's binning (`numericBins`, `categoricalBins`); Jensen-Shannon is
 * computed without the empty-bin fill, as Evidently does.
 */
function binned(
  reference: ColumnData,
  current: ColumnData,
  fillEmpty = true,
): { reference: Float64Array; current: Float64Array } {
  if (reference.kind === "numerical" && current.kind === "numerical") {
    const bins = numericBins(reference.values, current.values, { fillEmpty });
    return { reference: bins.reference, current: bins.current };
  }
  const bins = categoricalBins(asCategories(reference), asCategories(current), { fillEmpty });
  return { reference: bins.reference, current: bins.current };
}

function numeric(column: ColumnData): Float64Array {
  return column.kind === "numerical" ? column.values : Float64Array.from(column.values.map(Number));
}

const from = (r: { statistic: number; pValue?: number | null; method: string }): DriftTestOutcome => ({
  statistic: r.statistic,
  pValue: r.pValue ?? null,
  method: r.method,
});

/** A distance between the two samples' bin proportions (Evidently's binning), on either column kind. */
function binnedDistance(
  name: DriftTestName,
  distance: (reference: Float64Array, current: Float64Array) => { statistic: number; method: string },
  fillEmpty = true,
): DriftTestSpec {
  return {
    name,
    decision: "distance",
    defaultThreshold: 0.1,
    numerical: true,
    categorical: true,
    run: (r, c) => {
      const b = binned(r, c, fillEmpty);
      return from(distance(b.reference, b.current));
    },
  };
}

/** Every drift test, by name. */
export const DRIFT_TESTS: Readonly<Record<DriftTestName, DriftTestSpec>> = {
  ks: {
    name: "ks",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: false,
    run: (r, c) => from(ks2Sample(numeric(r), numeric(c))),
  },
  chisquare: {
    name: "chisquare",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: true,
    run: (r, c) => chiSquareFromCounts(countCategories(asCategories(r)), countCategories(asCategories(c))),
  },
  z: {
    name: "z",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: true,
    run: (r, c) => zTestFromCounts(countCategories(asCategories(r)), countCategories(asCategories(c))),
  },
  mannw: {
    name: "mannw",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: false,
    run: (r, c) => from(mannWhitneyU(numeric(r), numeric(c))),
  },
  t_test: {
    name: "t_test",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: false,
    run: (r, c) => from(welchTTest(numeric(r), numeric(c))),
  },
  anderson: {
    name: "anderson",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: false,
    run: (r, c) => from(andersonDarlingKSample([numeric(r), numeric(c)])),
  },
  cramer_von_mises: {
    name: "cramer_von_mises",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: false,
    run: (r, c) => from(cramerVonMises2Sample(numeric(r), numeric(c))),
  },
  epps_singleton: {
    name: "epps_singleton",
    decision: "p_value",
    defaultThreshold: 0.05,
    numerical: true,
    categorical: false,
    run: (r, c) => from(eppsSingleton(numeric(r), numeric(c))),
  },
  energy_distance: {
    name: "energy_distance",
    decision: "distance",
    defaultThreshold: 0.1,
    numerical: true,
    categorical: false,
    run: (r, c) => from(energyDistance(numeric(r), numeric(c))),
  },
  wasserstein: {
    name: "wasserstein",
    decision: "distance",
    defaultThreshold: 0.1,
    numerical: true,
    categorical: false,
    run: (r, c) => from(wassersteinNormed(numeric(r), numeric(c))),
  },
  psi: binnedDistance("psi", psi),
  jensenshannon: binnedDistance("jensenshannon", jensenShannon, false),
  kl_div: binnedDistance("kl_div", klDivergence),
  hellinger: binnedDistance("hellinger", hellinger),
  TVD: binnedDistance("TVD", totalVariation),
};
