import type { ColumnProfile, DatasetProfile, Histogram, ProfileSettings } from "./column-profile.js";
import { sketchHistogram } from "./histogram.js";
import { combineMoments } from "./moments.js";
import { ProfileError } from "./profile-error.js";

/**
 * The profile of the union of the datasets the profiles summarise, without rereading them.
 *
 * Exact for `rowCount`, `count`, `nulls`, `nanCount`, `infiniteCount`, `min`, `max`, exact histograms
 * and the HyperLogLog registers; mean and variance by Chan et al.'s pairwise formula (equal to a
 * one-pass computation up to rounding, ~1e-15 relative); KLL and space-saving within their bounds for
 * the union. Associative and commutative within those bounds (mean, variance, counts and HyperLogLog
 * are commutative bit for bit). `createdAt` is the latest input's. The inputs are not changed.
 *
 * @throws ProfileError `MONITORING_PROFILE_INCOMPATIBLE` when the sketch settings or the fixed histogram
 *   edges differ; `MONITORING_SCHEMA_MISMATCH` when the columns (names, kinds or types) differ.
 * @example
 * const reference = mergeProfiles(...partitions.map((p) => profile(p, { seed: 1 })));
 */
export function mergeProfiles(first: DatasetProfile, ...rest: DatasetProfile[]): DatasetProfile {
  return mergeProfileStream([first, ...rest]);
}

/**
 * {@link mergeProfiles} over profiles taken one at a time from an iterable (for example decoded one by
 * one from stored bytes), so only the running merge and the current input are in memory, however
 * many partitions there are. The same result as `mergeProfiles(...profiles)`.
 *
 * @throws ProfileError `MONITORING_INVALID_OPTION` when the iterable is empty; otherwise as
 *   {@link mergeProfiles}.
 * @example
 * const reference = mergeProfileStream(storedBytes.map(deserializeProfile));
 * function* decoded() { for (const bytes of storedBytes) yield deserializeProfile(bytes); }
 * const lazily = mergeProfileStream(decoded());
 */
export function mergeProfileStream(profiles: Iterable<DatasetProfile>): DatasetProfile {
  let merged: DatasetProfile | undefined;
  // The first step copies; later steps add into that copy (which nobody else holds), and sketch
  // histograms are read once from the final sketches rather than after every step.
  let owned = false;
  for (const next of profiles) {
    if (merged === undefined) {
      merged = next;
      continue;
    }
    merged = mergeTwo(merged, next, owned);
    owned = true;
  }
  if (merged === undefined) {
    throw new ProfileError("MONITORING_INVALID_OPTION", "There are no profiles to merge.", {
      hint: "Pass at least one profile.",
    });
  }
  if (!owned) return merged;
  for (const column of merged.columns.values()) {
    if (column.histogram?.source === "exact" || !column.quantiles) continue;
    const histogram = sketchHistogram(column.quantiles, merged.settings.histogramBins);
    if (histogram) column.histogram = histogram;
  }
  return merged;
}

function sameSettings(a: ProfileSettings, b: ProfileSettings): boolean {
  return (
    a.kllK === b.kllK &&
    a.hllPrecision === b.hllPrecision &&
    a.frequentCapacity === b.frequentCapacity &&
    a.histogramBins === b.histogramBins
  );
}

function mergeTwo(a: DatasetProfile, b: DatasetProfile, inPlace: boolean): DatasetProfile {
  if (!sameSettings(a.settings, b.settings)) {
    throw new ProfileError(
      "MONITORING_PROFILE_INCOMPATIBLE",
      `Cannot merge profiles built with different settings: ${JSON.stringify(a.settings)} and ${JSON.stringify(b.settings)}.`,
      {
        hint: "Profile every partition with the same kllK, hllPrecision, frequentCapacity and histogramBins.",
      },
    );
  }
  const namesA = [...a.columns.keys()];
  const namesB = new Set(b.columns.keys());
  const missing = namesA.filter((name) => !namesB.has(name));
  const extra = [...namesB].filter((name) => !a.columns.has(name));
  if (missing.length || extra.length) {
    throw new ProfileError(
      "MONITORING_SCHEMA_MISMATCH",
      `Cannot merge profiles of different columns: only in the first: [${missing.join(", ")}]; only in the second: [${extra.join(", ")}].`,
      {
        hint: "Profile partitions of one schema; select the common columns before profiling.",
        details: { missing, extra },
      },
    );
  }
  const columns = new Map<string, ColumnProfile>();
  for (const name of namesA)
    columns.set(name, mergeColumns(a.columns.get(name)!, b.columns.get(name)!, inPlace));
  return {
    version: 1,
    rowCount: a.rowCount + b.rowCount,
    columns,
    createdAt: Math.max(a.createdAt, b.createdAt),
    settings: a.settings,
  };
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function mergeColumns(a: ColumnProfile, b: ColumnProfile, inPlace: boolean): ColumnProfile {
  if (a.kind !== b.kind || JSON.stringify(a.type) !== JSON.stringify(b.type)) {
    throw new ProfileError(
      "MONITORING_SCHEMA_MISMATCH",
      `Column "${a.name}" is ${JSON.stringify(a.type)} (${a.kind}) in one profile and ${JSON.stringify(b.type)} (${b.kind}) in the other.`,
      { hint: "Cast the column to one type in every partition before profiling." },
    );
  }
  const finiteA = a.count - a.nanCount - a.infiniteCount;
  const finiteB = b.count - b.nanCount - b.infiniteCount;
  const moments = combineMoments(
    { n: finiteA, mean: a.mean ?? 0, m2: (a.variance ?? 0) * finiteA },
    { n: finiteB, mean: b.mean ?? 0, m2: (b.variance ?? 0) * finiteB },
  );
  const column: ColumnProfile = {
    name: a.name,
    type: a.type,
    kind: a.kind,
    count: a.count + b.count,
    nulls: a.nulls + b.nulls,
    nanCount: a.nanCount + b.nanCount,
    infiniteCount: a.infiniteCount + b.infiniteCount,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
    mean: a.mean === null && b.mean === null ? null : moments.mean,
    variance: a.variance === null && b.variance === null ? null : moments.m2 / moments.n,
    distinct: inPlace ? a.distinct.mergeInPlace(b.distinct) : a.distinct.merge(b.distinct),
    frequent: inPlace ? a.frequent.mergeInPlace(b.frequent) : a.frequent.merge(b.frequent),
  };
  if (a.quantiles && b.quantiles) {
    column.quantiles = inPlace ? a.quantiles.mergeInPlace(b.quantiles) : a.quantiles.merge(b.quantiles);
  }
  const histogram = mergeExactHistograms(a, b);
  if (histogram) column.histogram = histogram;
  return column;
}

/** Adds exact histograms; sketch histograms are recomputed by the caller from the merged sketch. */
function mergeExactHistograms(a: ColumnProfile, b: ColumnProfile): Histogram | undefined {
  const exactA = a.histogram?.source === "exact" ? a.histogram : undefined;
  const exactB = b.histogram?.source === "exact" ? b.histogram : undefined;
  if (exactA || exactB) {
    if (!exactA || !exactB || !sameEdges(exactA.edges, exactB.edges)) {
      throw new ProfileError(
        "MONITORING_PROFILE_INCOMPATIBLE",
        `Column "${a.name}" has histograms over different fixed edges; they cannot be added.`,
        { hint: "Pass the same histogramEdges for this column when profiling every partition." },
      );
    }
    const counts = new Float64Array(exactA.counts.length);
    for (let i = 0; i < counts.length; i++) counts[i] = exactA.counts[i]! + exactB.counts[i]!;
    return {
      edges: exactA.edges.slice(),
      counts,
      below: exactA.below + exactB.below,
      above: exactA.above + exactB.above,
      source: "exact",
    };
  }
  return undefined;
}

function sameEdges(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((edge, i) => edge === b[i]);
}
