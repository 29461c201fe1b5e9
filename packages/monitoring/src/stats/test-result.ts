/** Result of a hypothesis test. */
export interface TestResult {
  /** The test statistic, in the same convention as the SciPy function named in the docs. */
  statistic: number;
  /** The p-value, or null where the test defines none. */
  pValue: number | null;
  /** How the p-value was computed, e.g. `"exact"`, `"asymp"`, `"asymptotic"`, `"interpolated"`. */
  method: string;
}

/** Result of a distance between two samples or distributions (no p-value). */
export interface DistanceResult {
  statistic: number;
  /** How the distance was computed, e.g. `"cdf"` or `"binned"`. */
  method: string;
}

/** Alternative hypothesis of a one- or two-sided test, in SciPy's naming. */
export type Alternative = "two-sided" | "less" | "greater";
