import tCdf from "@stdlib/stats-base-dists-t-cdf";
import type { ColumnProfile } from "../profile/column-profile.js";
import {
  HISTOGRAM_DISTINCT_THRESHOLD,
  hellinger,
  jensenShannon,
  klDivergence,
  psi,
  sturgesEdges,
  totalVariation,
  wasserstein,
} from "../stats/index.js";
import { kolmogorovSf } from "../stats/kolmogorov-distribution.js";
import { type CategoryCounts, countCategories } from "./category-counts.js";
import type { CategoryValue, ColumnData } from "./column-data.js";
import { DriftError } from "./drift-error.js";
import {
  chiSquareFromCounts,
  type DriftTestName,
  type DriftTestOutcome,
  zTestFromCounts,
} from "./drift-tests.js";
import { nextDown } from "./next-down.js";
import { fillZeroShares } from "./zero-fill.js";

/** Tests `compare` can run against a stored profile, and how (see docs/monitoring.md). */
export const PROFILE_TESTS: Readonly<Partial<Record<DriftTestName, string>>> = {
  ks: "D from the reference's KLL CDF (within its rank error ε); p-value from the Kolmogorov distribution at n = round(n·m/(n+m)), as ks_2samp's asymp method",
  t_test: "exact: Welch's t from the stored count, mean and variance",
  wasserstein:
    "W1 between the reference's KLL quantile function (1,000 points) and the current sample, over the stored standard deviation",
  psi: "Sturges bins over the combined range (as on data), reference shares from the KLL CDF",
  jensenshannon: "as psi",
  kl_div: "as psi",
  hellinger: "as psi",
  TVD: "as psi",
  chisquare:
    "reference counts from the frequent-items sketch: exact while the column has at most `frequentCapacity` distinct values",
  z: "as chisquare",
};

function numericCurrent(current: ColumnData): Float64Array {
  return current.kind === "numerical" ? current.values : Float64Array.from(current.values.map(Number));
}

function requireSketch(profile: ColumnProfile, test: DriftTestName) {
  if (!profile.quantiles || profile.quantiles.count === 0) {
    throw new DriftError(
      "MONITORING_TEST_UNAVAILABLE",
      `Test "${test}" needs a quantile sketch, but the profile of column "${profile.name}" has none (kind ${profile.kind}).`,
      {
        hint: "Use a categorical test (chisquare, z, jensenshannon) for this column.",
        details: { column: profile.name },
      },
    );
  }
  return profile.quantiles;
}

/** Reference counts from the frequent-items sketch; values outside its top items are pooled as one extra category. */
export function profileCounts(profile: ColumnProfile): { counts: CategoryCounts; exact: boolean } {
  const counts: CategoryCounts = new Map();
  let exact = true;
  let kept = 0;
  for (const item of profile.frequent.topK()) {
    const value = typeof item.value === "bigint" ? Number(item.value) : item.value;
    counts.set(value as CategoryValue, item.count);
    kept += item.count;
    if (item.error > 0) exact = false;
  }
  const rest = profile.count - profile.nanCount - kept;
  if (rest > 0) {
    exact = false;
    counts.set("\u0000(other)", rest);
  }
  return { counts, exact };
}

function ksFromProfile(profile: ColumnProfile, current: Float64Array): DriftTestOutcome {
  const sketch = requireSketch(profile, "ks");
  const sorted = Float64Array.from(current).sort();
  const m = sorted.length;
  const n = sketch.count;
  let d = 0;
  // Both CDFs are right-continuous steps: the supremum is reached at (or just before) a jump of
  // either one, so compare at the current values, their left limits, and reference quantile points.
  for (let i = 0; i < m; ) {
    const x = sorted[i]!;
    let j = i;
    while (j < m && sorted[j] === x) j++;
    d = Math.max(d, Math.abs(sketch.rank(x) - j / m), Math.abs(sketch.rank(nextDown(x)) - i / m));
    i = j;
  }
  const grid = Float64Array.from({ length: 999 }, (_, i) => (i + 1) / 1000);
  for (const x of sketch.quantiles(grid)) {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    d = Math.max(d, Math.abs(sketch.rank(x) - lo / m));
  }
  const en = Math.round((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovSf(Math.max(1, en), d), method: "profile-asymp" };
}

function welchFromProfile(profile: ColumnProfile, current: Float64Array): DriftTestOutcome {
  const n1 = profile.count - profile.nanCount - profile.infiniteCount;
  if (profile.mean === null || profile.variance === null || n1 < 2 || current.length < 2) {
    throw new DriftError(
      "MONITORING_TEST_UNAVAILABLE",
      `Welch's t-test needs two or more values on each side of "${profile.name}".`,
      {
        hint: "Compare a larger window, or use another test.",
        details: { column: profile.name },
      },
    );
  }
  const m1 = profile.mean;
  // The profile keeps the population variance; Welch's test uses the sample variance.
  const v1 = (profile.variance * n1) / (n1 - 1);
  const n2 = current.length;
  let mean = 0;
  for (const x of current) mean += x;
  mean /= n2;
  let ss = 0;
  for (const x of current) ss += (x - mean) ** 2;
  const v2 = ss / (n2 - 1);
  const a = v1 / n1;
  const b = v2 / n2;
  const t = (m1 - mean) / Math.sqrt(a + b);
  const dof = (a + b) ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1));
  return { statistic: t, pValue: Math.min(1, 2 * tCdf(-Math.abs(t), dof)), method: "profile-summary" };
}

/**
 * Evidently's numeric binning reproduced on a profile: Sturges bins over the combined range when the
 * reference has more than 20 distinct values (reference shares from the KLL CDF), else one bin per value
 * (reference shares from the frequent-items sketch).
 */
function binnedFromProfile(profile: ColumnProfile, current: ColumnData, test: DriftTestName, fill: boolean) {
  const sketch = requireSketch(profile, test);
  if (profile.distinct.estimate() <= HISTOGRAM_DISTINCT_THRESHOLD)
    return binnedCategoricalFromProfile(profile, current, fill);
  const values = numericCurrent(current);
  let lo = sketch.min;
  let hi = sketch.max;
  for (const x of values) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const edges = sturgesEdges(lo, hi, sketch.count + values.length);
  const bins = edges.length - 1;
  const left = (x: number) => sketch.rank(nextDown(x));
  const reference = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    const upper = i === bins - 1 ? 1 : left(edges[i + 1]!);
    reference[i] = Math.max(0, upper - left(edges[i]!));
  }
  const counts = new Float64Array(bins);
  const first = edges[0]!;
  const norm = bins / (edges[bins]! - first);
  for (const x of values) {
    let i = Math.floor((x - first) * norm);
    if (i >= bins) i = bins - 1;
    if (i < 0) i = 0;
    // Guard floating-point rounding at the edges: a value sits in [edges[i], edges[i+1]).
    while (i > 0 && x < edges[i]!) i--;
    while (i < bins - 1 && x >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  const cur = counts.map((c) => c / values.length);
  return fill
    ? { reference: fillZeroShares(reference), current: fillZeroShares(cur) }
    : { reference, current: cur };
}

function binnedCategoricalFromProfile(profile: ColumnProfile, current: ColumnData, fill: boolean) {
  const { counts } = profileCounts(profile);
  const cur = countCategories(current.kind === "categorical" ? current.values : Array.from(current.values));
  const keys = [...new Set([...counts.keys(), ...cur.keys()])];
  const sum = (m: CategoryCounts) => [...m.values()].reduce((a, b) => a + b, 0);
  const nRef = sum(counts);
  const nCur = sum(cur);
  const reference = Float64Array.from(keys, (k) => (counts.get(k) ?? 0) / nRef);
  const currentShares = Float64Array.from(keys, (k) => (cur.get(k) ?? 0) / nCur);
  return fill
    ? { reference: fillZeroShares(reference), current: fillZeroShares(currentShares) }
    : { reference, current: currentShares };
}

/**
 * Runs a drift test with a stored profile as the reference.
 *
 * @throws DriftError `MONITORING_TEST_UNAVAILABLE` for tests that need the reference values
 *   themselves (mannw, anderson, cramer_von_mises, epps_singleton, energy_distance).
 */
export function runProfileTest(
  test: DriftTestName,
  profile: ColumnProfile,
  current: ColumnData,
  asCategorical: boolean,
): DriftTestOutcome {
  const approx = (o: DriftTestOutcome, exact = false): DriftTestOutcome => ({
    ...o,
    method: exact ? `profile:${o.method}` : `profile-approx:${o.method}`,
  });
  switch (test) {
    case "ks":
      return ksFromProfile(profile, numericCurrent(current));
    case "t_test":
      return welchFromProfile(profile, numericCurrent(current));
    case "wasserstein": {
      const sketch = requireSketch(profile, test);
      const grid = Float64Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
      const pseudo = sketch.quantiles(grid);
      // Normalised by the stored population standard deviation, floored as on data.
      const raw = wasserstein(pseudo, numericCurrent(current));
      const statistic = raw.statistic / Math.max(Math.sqrt(profile.variance ?? 0), 0.001);
      return approx({ statistic, pValue: null, method: raw.method });
    }
    case "chisquare":
    case "z": {
      const { counts, exact } = profileCounts(profile);
      const cur = countCategories(
        current.kind === "categorical" ? current.values : Array.from(current.values),
      );
      return approx(test === "z" ? zTestFromCounts(counts, cur) : chiSquareFromCounts(counts, cur), exact);
    }
    case "psi":
    case "jensenshannon":
    case "kl_div":
    case "hellinger":
    case "TVD": {
      // Jensen-Shannon without the empty-bin fill, as on data.
      const fill = test !== "jensenshannon";
      const b = asCategorical
        ? binnedCategoricalFromProfile(profile, current, fill)
        : binnedFromProfile(profile, current, test, fill);
      const fn = { psi, jensenshannon: jensenShannon, kl_div: klDivergence, hellinger, TVD: totalVariation }[
        test
      ];
      const r = fn(b.reference, b.current);
      return approx({ statistic: r.statistic, pValue: null, method: r.method });
    }
    default:
      throw new DriftError(
        "MONITORING_TEST_UNAVAILABLE",
        `Test "${test}" needs the reference values, which a stored profile does not keep (column "${profile.name}").`,
        {
          hint: `Use one of ${Object.keys(PROFILE_TESTS).join(", ")} with a profile reference, or pass the reference data.`,
          details: { column: profile.name, test },
        },
      );
  }
}
