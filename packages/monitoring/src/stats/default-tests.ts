/** Column kinds the default drift tests distinguish (Evidently's `ColumnType.Numerical`/`Categorical`). */
export type DriftColumnType = "numerical" | "categorical";

/** Names of the default drift tests. */
export type DefaultDriftTestName = "ks" | "chisquare" | "z" | "wasserstein" | "jensenshannon";

/** A selected test, its threshold and how the threshold is read. */
export interface DefaultDriftTest {
  test: DefaultDriftTestName;
  /** Default threshold. */
  threshold: number;
  /**
   * `"p-value"`: drift when p-value < threshold. `"distance"`: drift when statistic >= threshold
   * (Evidently's comparisons, kept so verdicts agree).
   */
  kind: "p-value" | "distance";
}

/** Reference sizes up to this use the hypothesis tests; above it, the distances. */
export const SMALL_REFERENCE_ROWS = 1000;
/** Numerical columns with at most this many distinct values (reference ∪ current) are treated as discrete. */
export const DISCRETE_NUMERIC_VALUES = 5;

/** Default thresholds, by test (Evidently's `StatTest.default_threshold`). */
export const DEFAULT_DRIFT_THRESHOLDS: Readonly<Record<DefaultDriftTestName, number>> = Object.freeze({
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
});

const KIND: Readonly<Record<DefaultDriftTestName, DefaultDriftTest["kind"]>> = {
  ks: "p-value",
  chisquare: "p-value",
  z: "p-value",
  wasserstein: "distance",
  jensenshannon: "distance",
};

/** Inputs of {@link selectDefaultDriftTest}. */
export interface DefaultDriftTestInput {
  columnType: DriftColumnType;
  /** Non-null rows in the reference. */
  referenceRows: number;
  /** Distinct non-null values in reference and current together. */
  distinctValues: number;
}

/**
 * Evidently's default drift test for a column (`_get_default_stattest`), by type, reference size and the
 * number of distinct values n in reference ∪ current:
 *
 * | reference rows | numerical | categorical |
 * | --- | --- | --- |
 * | ≤ 1000 | n ≤ 2: Z-test; 3 ≤ n ≤ 5: chi-square; n > 5: KS (p < 0.05) | n ≤ 2: Z-test; n > 2: chi-square (p < 0.05) |
 * | > 1000 | n ≤ 5: Jensen-Shannon; n > 5: Wasserstein normed (≥ 0.1) | Jensen-Shannon (≥ 0.1) |
 *
 * @example
 * selectDefaultDriftTest({ columnType: "numerical", referenceRows: 1_000_000, distinctValues: 999_000 });
 * // { test: "wasserstein", threshold: 0.1, kind: "distance" }
 */
export function selectDefaultDriftTest(input: DefaultDriftTestInput): DefaultDriftTest {
  const { columnType, referenceRows, distinctValues } = input;
  let test: DefaultDriftTestName;
  if (referenceRows <= SMALL_REFERENCE_ROWS) {
    if (columnType === "numerical" && distinctValues > DISCRETE_NUMERIC_VALUES) test = "ks";
    else test = distinctValues > 2 ? "chisquare" : "z";
  } else if (columnType === "numerical" && distinctValues > DISCRETE_NUMERIC_VALUES) {
    test = "wasserstein";
  } else {
    test = "jensenshannon";
  }
  return { test, threshold: DEFAULT_DRIFT_THRESHOLDS[test], kind: KIND[test] };
}

/** Applies a test's threshold rule: p-value below it, or distance at or above it, is drift. */
export function isDrift(test: DefaultDriftTest, value: number): boolean {
  return test.kind === "p-value" ? value < test.threshold : value >= test.threshold;
}
