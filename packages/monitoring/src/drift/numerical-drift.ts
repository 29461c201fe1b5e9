import { DISCRETE_NUMERIC_VALUES } from "../stats/default-tests.js";
import { wassersteinNormedClean } from "../stats/wasserstein.js";
import { chooseDriftTest } from "./choose-drift-test.js";
import type { ColumnData } from "./column-data.js";
import {
  type DistributionSummary,
  numericalSummary,
  numericalSummaryOfSorted,
} from "./distribution-summary.js";
import { DRIFT_TESTS, type DriftTestName, type DriftTestOutcome } from "./drift-tests.js";

/** What one numerical column's drift computation returns (before thresholds are applied). */
export interface NumericalDriftOutcome extends DriftTestOutcome {
  test: DriftTestName;
  distribution: DistributionSummary;
}

/**
 * Distinct values over both samples, counted only up to `limit` (then `limit` is returned): the
 * default-test rule only asks whether there are more than 5, so a continuous column stops after a
 * handful of values instead of hashing millions.
 */
export function countDistinctUpTo(a: Float64Array, b: Float64Array, limit: number): number {
  const seen = new Set<number>();
  for (const side of [a, b]) {
    for (let i = 0; i < side.length; i++) {
      seen.add(side[i]!);
      if (seen.size >= limit) return limit;
    }
  }
  return seen.size;
}

/**
 * The drift test, statistic and display summary of one numerical column whose values are finite and
 * private to the caller: the default Wasserstein test sorts `reference` and `current` in place, and
 * the summary then reads the sorted arrays. The same function runs on the calling thread and in the
 * drift workers, so both give the same numbers bit for bit.
 */
export function numericalDrift(
  reference: Float64Array,
  current: Float64Array,
  requested: DriftTestName | undefined,
): NumericalDriftOutcome {
  const test =
    requested ??
    chooseDriftTest({
      kind: "numerical",
      referenceSize: reference.length,
      uniqueValues: countDistinctUpTo(reference, current, DISCRETE_NUMERIC_VALUES + 1),
    });
  if (test === "wasserstein") {
    // The standard deviation is summed in the data's order, before the sort, as wassersteinNormed does.
    const statistic = wassersteinNormedClean(reference, current);
    return {
      test,
      statistic,
      pValue: null,
      method: "cdf",
      distribution: numericalSummaryOfSorted(reference, current),
    };
  }
  const ref: ColumnData = { name: "", kind: "numerical", values: reference, nulls: 0, nonFinite: 0 };
  const cur: ColumnData = { name: "", kind: "numerical", values: current, nulls: 0, nonFinite: 0 };
  const { statistic, pValue, method } = DRIFT_TESTS[test].run(ref, cur);
  return { test, statistic, pValue, method, distribution: numericalSummary(reference, current) };
}
