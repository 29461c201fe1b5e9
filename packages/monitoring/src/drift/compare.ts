import { HyperLogLog } from "@ballast/core";
import type { ColumnProfile, DatasetProfile } from "../profile/column-profile.js";
import { countCategories } from "./category-counts.js";
import { chooseDriftTest } from "./choose-drift-test.js";
import {
  type CategoryValue,
  type ColumnData,
  columnNames,
  type DriftColumnKind,
  type Float64Allocator,
  inferKind,
  type NumericalColumnData,
  readColumn,
  readNumericalColumn,
  type TabularData,
} from "./column-data.js";
import { categoricalSummary, type DistributionSummary } from "./distribution-summary.js";
import { DriftError } from "./drift-error.js";
import { type ColumnDrift, DriftReport } from "./drift-report.js";
import { DRIFT_TEST_NAMES, DRIFT_TESTS, type DriftTestName } from "./drift-tests.js";
import { autoParallelism, DriftWorkerBatch } from "./drift-worker-pool.js";
import { type NumericalDriftOutcome, numericalDrift } from "./numerical-drift.js";
import { profileCounts, runProfileTest } from "./profile-drift-tests.js";
import { profileSummary } from "./profile-summary.js";

/** The test and threshold of one column (or of every column, as `defaults`). */
export interface ColumnTestOptions {
  /** Overrides the default choice (see docs/monitoring.md for the rule). */
  test?: DriftTestName;
  /** p-value tests: drifted when p < threshold. Distances: drifted when statistic ≥ threshold. */
  threshold?: number;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /**
   * Feature columns to compare. Default: every column of the reference except the prediction and
   * target columns; then the current data must have the same columns.
   */
  columns?: readonly string[];
  /** Columns holding the model's outputs: compared the same way and reported as prediction drift. */
  predictionColumns?: readonly string[];
  /** The column holding the ground truth: compared the same way and reported as target drift. */
  targetColumn?: string;
  /** Force a column's kind (default: from the Arrow type, or from the values of row objects). */
  columnTypes?: Readonly<Record<string, DriftColumnKind>>;
  /** Test and threshold for every column (per-column `tests` win). */
  defaults?: ColumnTestOptions;
  /** Test and threshold per column. */
  tests?: Readonly<Record<string, ColumnTestOptions>>;
  /**
   * Share of drifted feature columns at which the dataset counts as drifted (default 0.5, as
   * Evidently): drifted when `driftedColumns / columnCount ≥ driftShare`.
   */
  driftShare?: number;
  /**
   * Bonferroni divisor of the p-value thresholds (default 1): a p-value test flags drift when
   * `p < threshold / pValueDivisor`. Monitors set it for overlapping windows; distances are unaffected.
   */
  pValueDivisor?: number;
  /** Report title (default "Data drift"). */
  title?: string;
  /**
   * Threads computing the numerical columns of a data reference (profile references and categorical
   * columns stay on the calling thread): a count (1: the calling thread only), or `"auto"` (default):
   * one worker per core when at least two numerical columns hold {@link PARALLEL_MIN_VALUES} values
   * or more between them, else the calling thread, since starting workers costs more than small
   * inputs take. Workers get private copies of the columns on shared memory and run the same code,
   * so the report is the same bit for bit; `compare` stays synchronous. Where workers cannot start
   * (no `worker_threads`), the calling thread does the work.
   */
  parallelism?: number | "auto";
}

/** Numerical values (reference and current, all compared columns) from which `parallelism: "auto"` uses workers. */
export const PARALLEL_MIN_VALUES = 4_000_000;

/** A reference: data, or a stored profile (drift then uses its sketches, see docs/monitoring.md). */
export type DriftReference = TabularData | DatasetProfile;

/** True for a {@link DatasetProfile} (duck-typed). */
export function isDatasetProfile(value: unknown): value is DatasetProfile {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as DatasetProfile).version === 1 &&
    (value as DatasetProfile).columns instanceof Map &&
    typeof (value as DatasetProfile).rowCount === "number"
  );
}

function profileKind(column: ColumnProfile): DriftColumnKind {
  return column.kind === "numeric" || column.kind === "timestamp" ? "numerical" : "categorical";
}

function optionsError(message: string, hint: string, details: Record<string, unknown>): DriftError {
  return new DriftError("MONITORING_OPTIONS_INVALID", message, { hint, details });
}

function validateOptions(options: CompareOptions): void {
  const share = options.driftShare ?? 0.5;
  if (!(share > 0 && share <= 1)) {
    throw optionsError(`driftShare must be in (0, 1], got ${share}.`, "Pass a share such as 0.5.", {
      driftShare: share,
    });
  }
  const divisor = options.pValueDivisor ?? 1;
  if (!(divisor >= 1) || !Number.isFinite(divisor)) {
    throw optionsError(
      `pValueDivisor must be a finite number ≥ 1, got ${divisor}.`,
      "Pass 1 for no correction.",
      {
        pValueDivisor: divisor,
      },
    );
  }
  const check = (where: string, t: ColumnTestOptions | undefined) => {
    if (!t) return;
    if (t.test !== undefined && !DRIFT_TEST_NAMES.includes(t.test)) {
      throw optionsError(
        `Unknown drift test "${t.test}" for ${where}.`,
        `Use one of ${DRIFT_TEST_NAMES.join(", ")}.`,
        {
          column: where,
          test: t.test,
        },
      );
    }
    if (t.threshold !== undefined && !(Number.isFinite(t.threshold) && t.threshold >= 0)) {
      throw optionsError(
        `Threshold for ${where} must be a finite number ≥ 0.`,
        "Pass e.g. 0.05 for a p-value test.",
        {
          column: where,
          threshold: t.threshold,
        },
      );
    }
  };
  const parallelism = options.parallelism ?? "auto";
  if (parallelism !== "auto" && !(Number.isInteger(parallelism) && parallelism >= 1)) {
    throw optionsError(
      `parallelism must be "auto" or an integer ≥ 1, got ${String(parallelism)}.`,
      'Pass "auto", or 1 to stay on the calling thread.',
      { parallelism },
    );
  }
  check("defaults", options.defaults);
  for (const [column, t] of Object.entries(options.tests ?? {})) check(`column "${column}"`, t);
}

interface Side {
  names: string[];
  kind(name: string): DriftColumnKind | undefined;
}

function sideOf(data: DriftReference): Side {
  if (isDatasetProfile(data)) {
    return {
      names: [...data.columns.keys()],
      kind: (name) => {
        const c = data.columns.get(name);
        return c ? profileKind(c) : undefined;
      },
    };
  }
  return { names: columnNames(data), kind: (name) => inferKind(data, name) };
}

function mismatch(message: string, details: Record<string, unknown>): DriftError {
  return new DriftError("MONITORING_SCHEMA_MISMATCH", message, {
    hint: "Compare data with the same columns and types, or list the columns to compare in `columns` (and their kinds in `columnTypes`).",
    details,
  });
}

/**
 * Compares current data with a reference, column by column, and decides whether the dataset drifted.
 *
 * Each column gets a test by its kind and the reference size (the default rule of Evidently,
 * documented in docs/monitoring.md), unless `tests` or `defaults` name one. The reference may be
 * data (an Arrow table or rows) or a stored {@link DatasetProfile}: then the tests run on its sketches
 * (see `PROFILE_TESTS` for which tests are available and which are approximations).
 *
 * Missing values (null, undefined, NaN) are left out of the tests and counted in the report.
 *
 * @throws DriftError `MONITORING_SCHEMA_MISMATCH` naming the columns missing on either side or whose
 *   kinds differ; `MONITORING_EMPTY_SAMPLE` naming a column without values on one side;
 *   `MONITORING_NON_FINITE` naming a numerical column holding ±Infinity; `MONITORING_TEST_UNAVAILABLE`
 *   for a test that cannot run on the column (or on a profile); `MONITORING_OPTIONS_INVALID`.
 * @example
 * const report = compare(referenceTable, currentTable, { tests: { age: { test: "psi", threshold: 0.2 } } });
 * if (report.datasetDrift) console.log(report.columns.filter((c) => c.drifted).map((c) => c.column));
 */
export function compare(
  reference: DriftReference,
  current: TabularData,
  options: CompareOptions = {},
): DriftReport {
  validateOptions(options);
  const ref = sideOf(reference);
  const cur = sideOf(current);
  const predictionColumns = [...(options.predictionColumns ?? [])];
  const special = new Set([...predictionColumns, ...(options.targetColumn ? [options.targetColumn] : [])]);
  let features: string[];
  if (options.columns) {
    features = [...options.columns];
  } else {
    features = ref.names.filter((n) => !special.has(n));
    const curFeatures = cur.names.filter((n) => !special.has(n));
    const missingInCurrent = features.filter((n) => !cur.names.includes(n));
    const missingInReference = curFeatures.filter((n) => !ref.names.includes(n));
    if (missingInCurrent.length > 0 || missingInReference.length > 0) {
      throw mismatch(
        `Reference and current data have different columns${missingInCurrent.length ? `; missing in current: ${missingInCurrent.join(", ")}` : ""}${missingInReference.length ? `; missing in reference: ${missingInReference.join(", ")}` : ""}.`,
        { missingInCurrent, missingInReference },
      );
    }
  }
  const all = [...features, ...predictionColumns, ...(options.targetColumn ? [options.targetColumn] : [])];
  const missingInReference = all.filter((n) => !ref.names.includes(n));
  const missingInCurrent = all.filter((n) => !cur.names.includes(n));
  if (missingInReference.length || missingInCurrent.length) {
    throw mismatch(
      `Compared columns are missing${missingInReference.length ? ` in the reference: ${missingInReference.join(", ")}` : ""}${missingInCurrent.length ? ` in the current data: ${missingInCurrent.join(", ")}` : ""}.`,
      { missingInCurrent, missingInReference },
    );
  }

  const kinds = new Map<string, DriftColumnKind>();
  const typeMismatches: { column: string; reference: string; current: string }[] = [];
  for (const name of all) {
    const forced = options.columnTypes?.[name];
    const rk = ref.kind(name);
    const ck = cur.kind(name);
    if (forced) {
      kinds.set(name, forced);
      continue;
    }
    // A column all null on one side has no inferred kind; it takes the other side's (and fails below as empty).
    if (rk && ck && rk !== ck) typeMismatches.push({ column: name, reference: rk, current: ck });
    kinds.set(name, rk ?? ck ?? "categorical");
  }
  if (typeMismatches.length) {
    throw mismatch(
      `Column kinds differ between reference and current: ${typeMismatches.map((m) => `${m.column} (${m.reference} vs ${m.current})`).join(", ")}.`,
      { typeMismatches },
    );
  }

  const divisor = options.pValueDivisor ?? 1;
  const planned: { name: string; role: ColumnDrift["role"] }[] = [
    ...features.map((name) => ({ name, role: "feature" as const })),
    ...predictionColumns.map((name) => ({ name, role: "prediction" as const })),
    ...(options.targetColumn ? [{ name: options.targetColumn, role: "target" as const }] : []),
  ];
  const evaluated = evaluateColumns(reference, current, planned, kinds, options, divisor);
  const columns = evaluated.slice(0, features.length);
  const prediction = evaluated.slice(features.length, features.length + predictionColumns.length);
  const target = options.targetColumn ? evaluated[evaluated.length - 1] : undefined;
  const drifted = columns.filter((c) => c.drifted).length;
  const driftShareThreshold = options.driftShare ?? 0.5;
  const share = columns.length === 0 ? 0 : drifted / columns.length;
  return new DriftReport({
    kind: "drift",
    title: options.title ?? "Data drift",
    createdAt: Date.now(),
    referenceSource: isDatasetProfile(reference) ? "profile" : "data",
    referenceRows: isDatasetProfile(reference) ? reference.rowCount : rowCount(reference),
    currentRows: rowCount(current),
    columns,
    prediction,
    ...(target ? { target } : {}),
    columnCount: columns.length,
    driftedColumns: drifted,
    driftShare: share,
    driftShareThreshold,
    datasetDrift: columns.length > 0 && share >= driftShareThreshold,
    pValueDivisor: divisor,
  });
}

/** Whether numerical columns go to workers, and to how many. */
function threadsFor(
  reference: DriftReference,
  current: TabularData,
  planned: readonly { name: string }[],
  kinds: ReadonlyMap<string, DriftColumnKind>,
  options: CompareOptions,
): number {
  if (isDatasetProfile(reference)) return 1;
  const numerical = planned.filter((c) => kinds.get(c.name) === "numerical").length;
  if (numerical < 2) return 1;
  const requested = options.parallelism ?? "auto";
  if (requested !== "auto") return Math.min(requested, numerical);
  const values = numerical * (rowCount(reference) + rowCount(current));
  return values >= PARALLEL_MIN_VALUES ? Math.min(autoParallelism(), numerical) : 1;
}

interface PostedColumn {
  index: number;
  name: string;
  role: ColumnDrift["role"];
  reference: NumericalColumnData;
  current: NumericalColumnData;
}

/**
 * Every planned column's drift, in order. Numerical columns of a data reference go to workers when
 * {@link threadsFor} says so; the rest run here meanwhile. A column a worker could not compute is
 * recomputed here, so errors are the same as on one thread and the first failing column (in column
 * order) is the one reported.
 */
function evaluateColumns(
  reference: DriftReference,
  current: TabularData,
  planned: readonly { name: string; role: ColumnDrift["role"] }[],
  kinds: ReadonlyMap<string, DriftColumnKind>,
  options: CompareOptions,
  divisor: number,
): ColumnDrift[] {
  const local = (i: number, allocate?: Float64Allocator) =>
    compareColumn(
      reference,
      current,
      planned[i]!.name,
      kinds.get(planned[i]!.name)!,
      planned[i]!.role,
      options,
      divisor,
      allocate,
    );
  const threads = threadsFor(reference, current, planned, kinds, options);
  const batch = threads > 1 ? DriftWorkerBatch.open(threads) : undefined;
  if (!batch) {
    const allocate = recyclingAllocator();
    return planned.map((_, i) => local(i, allocate));
  }
  const out: (ColumnDrift | undefined)[] = new Array(planned.length);
  const posted: PostedColumn[] = [];
  const collect = (before: number) => {
    const results = batch.finish();
    for (const job of posted) {
      if (job.index >= before) continue;
      const result = results.get(job.index) ?? "local";
      out[job.index] =
        result === "local"
          ? local(job.index)
          : numericalColumnDrift(job.name, job.role, job.reference, job.current, result, options, divisor);
    }
  };
  for (let i = 0; i < planned.length; i++) {
    const { name, role } = planned[i]!;
    try {
      if (kinds.get(name) !== "numerical") {
        out[i] = local(i);
        continue;
      }
      const cur = readNumericalColumn(current, name, batch.allocate);
      assertUsable(cur, "current");
      const ref = readNumericalColumn(reference as TabularData, name, batch.allocate);
      assertUsable(ref, "reference");
      const test = testOverride(options, name).test;
      if (batch.submit(i, ref.values, cur.values, test)) {
        posted.push({ index: i, name, role, reference: ref, current: cur });
      } else {
        out[i] = numericalColumnDrift(
          name,
          role,
          ref,
          cur,
          numericalDrift(ref.values, cur.values, test),
          options,
          divisor,
        );
      }
    } catch (error) {
      // An earlier column that failed in a worker fails first, as it would on one thread.
      collect(i);
      throw error;
    }
  }
  collect(planned.length);
  return out as ColumnDrift[];
}

/**
 * Two buffers used in turn (a column's current values, then its reference values): a column's values
 * are dropped once its drift is computed, so the next column can reuse them instead of allocating
 * (and zeroing) megabytes again.
 */
function recyclingAllocator(): Float64Allocator {
  const buffers: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  let turn = 0;
  return (length) => {
    const slot = turn;
    turn ^= 1;
    if (buffers[slot]!.length < length) buffers[slot] = new Float64Array(length);
    return buffers[slot]!.subarray(0, length);
  };
}

function testOverride(options: CompareOptions, name: string): ColumnTestOptions {
  return { ...options.defaults, ...options.tests?.[name] };
}

/** Applies the test's threshold rule: the threshold used and the verdict. */
function decide(
  test: DriftTestName,
  statistic: number,
  pValue: number | null,
  override: ColumnTestOptions,
  divisor: number,
): Pick<ColumnDrift, "decision" | "threshold" | "drifted"> {
  const spec = DRIFT_TESTS[test];
  const threshold = override.threshold ?? spec.defaultThreshold;
  const effective = spec.decision === "p_value" ? threshold / divisor : threshold;
  const drifted = spec.decision === "p_value" ? (pValue ?? 1) < effective : statistic >= effective;
  return { decision: spec.decision, threshold: effective, drifted };
}

function numericalColumnDrift(
  name: string,
  role: ColumnDrift["role"],
  reference: NumericalColumnData,
  current: NumericalColumnData,
  outcome: NumericalDriftOutcome,
  options: CompareOptions,
  divisor: number,
): ColumnDrift {
  const { test, statistic, pValue, method, distribution } = outcome;
  const { decision, threshold, drifted } = decide(
    test,
    statistic,
    pValue,
    testOverride(options, name),
    divisor,
  );
  return {
    column: name,
    role,
    type: "numerical",
    test,
    decision,
    statistic,
    pValue,
    threshold,
    drifted,
    method,
    referenceCount: reference.values.length,
    referenceNulls: reference.nulls,
    currentCount: current.values.length,
    currentNulls: current.nulls,
    distribution,
  };
}

function rowCount(data: TabularData): number {
  return "numRows" in data && typeof data.numRows === "number"
    ? data.numRows
    : (data as readonly unknown[]).length;
}

function assertUsable(column: ColumnData, side: "reference" | "current"): void {
  if (column.values.length === 0) {
    throw new DriftError(
      "MONITORING_EMPTY_SAMPLE",
      `Column "${column.name}" has no values in the ${side} data (all ${column.nulls} missing).`,
      {
        hint: "Drop the column from `columns`, or compare a window where it has values.",
        details: { column: column.name, side },
      },
    );
  }
  if (column.kind === "numerical" && column.nonFinite > 0) {
    throw new DriftError(
      "MONITORING_NON_FINITE",
      `Column "${column.name}" holds ${column.nonFinite} infinite values in the ${side} data.`,
      {
        hint: "Replace ±Infinity with null (missing) or a finite value before comparing.",
        details: { column: column.name, side },
      },
    );
  }
}

function compareColumn(
  reference: DriftReference,
  current: TabularData,
  name: string,
  kind: DriftColumnKind,
  role: ColumnDrift["role"],
  options: CompareOptions,
  divisor: number,
  allocate?: Float64Allocator,
): ColumnDrift {
  const override = testOverride(options, name);
  if (kind === "numerical" && !isDatasetProfile(reference)) {
    const cur = readNumericalColumn(current, name, allocate);
    assertUsable(cur, "current");
    const ref = readNumericalColumn(reference, name, allocate);
    assertUsable(ref, "reference");
    const outcome = numericalDrift(ref.values, cur.values, override.test);
    return numericalColumnDrift(name, role, ref, cur, outcome, options, divisor);
  }
  const cur = readColumn(current, name, kind);
  assertUsable(cur, "current");
  let test: DriftTestName;
  let statistic: number;
  let pValue: number | null;
  let method: string;
  let referenceCount: number;
  let referenceNulls: number;
  let distribution: DistributionSummary;
  if (isDatasetProfile(reference)) {
    const profile = reference.columns.get(name)!;
    referenceCount = profile.count - profile.nanCount;
    referenceNulls = profile.nulls + profile.nanCount;
    if (referenceCount === 0) {
      throw new DriftError(
        "MONITORING_EMPTY_SAMPLE",
        `Column "${name}" has no values in the reference profile.`,
        {
          hint: "Drop the column from `columns`, or profile a reference where it has values.",
          details: { column: name, side: "reference" },
        },
      );
    }
    const union = profile.distinct.merge(distinctOf(cur, profile.distinct.precision));
    test =
      override.test ??
      chooseDriftTest({ kind, referenceSize: referenceCount, uniqueValues: Math.round(union.estimate()) });
    const asCategorical = kind === "categorical" || !profile.quantiles;
    ensureKind(test, kind, name);
    ({ statistic, pValue, method } = runProfileTest(test, profile, cur, asCategorical));
    distribution =
      kind === "numerical" && profile.quantiles
        ? profileSummary(profile, cur)
        : categoricalSummary(withoutOther(profileCounts(profile).counts), countCategories(catValues(cur)));
  } else {
    // A categorical column (numerical ones of a data reference went through numericalDrift above).
    const ref = readColumn(reference, name, kind);
    assertUsable(ref, "reference");
    referenceCount = ref.values.length;
    referenceNulls = ref.nulls;
    const refValues = catValues(ref);
    const curValues = catValues(cur);
    const unique = new Set<CategoryValue>([...refValues, ...curValues]).size;
    test = override.test ?? chooseDriftTest({ kind, referenceSize: referenceCount, uniqueValues: unique });
    ensureKind(test, kind, name);
    ({ statistic, pValue, method } = DRIFT_TESTS[test].run(ref, cur));
    distribution = categoricalSummary(countCategories(refValues), countCategories(curValues));
  }
  const { decision, threshold, drifted } = decide(test, statistic, pValue, override, divisor);
  return {
    column: name,
    role,
    type: kind,
    test,
    decision,
    statistic,
    pValue,
    threshold,
    drifted,
    method,
    referenceCount,
    referenceNulls,
    currentCount: cur.values.length,
    currentNulls: cur.nulls,
    distribution,
  };
}

function ensureKind(test: DriftTestName, kind: DriftColumnKind, column: string): void {
  const spec = DRIFT_TESTS[test];
  if (kind === "categorical" && !spec.categorical) {
    throw new DriftError(
      "MONITORING_TEST_UNAVAILABLE",
      `Test "${test}" needs numbers, but column "${column}" is categorical.`,
      {
        hint: "Use chisquare, z, jensenshannon, psi, kl_div, hellinger or TVD for categorical columns.",
        details: { column, test },
      },
    );
  }
}

function catValues(column: ColumnData): CategoryValue[] {
  return column.kind === "categorical" ? column.values : Array.from(column.values);
}

function withoutOther(counts: Map<CategoryValue, number>): Map<CategoryValue, number> {
  const out = new Map(counts);
  out.delete("\u0000(other)");
  return out;
}

function distinctOf(column: ColumnData, precision: number): HyperLogLog {
  const hll = new HyperLogLog({ precision });
  for (const v of catValues(column)) hll.add(v);
  return hll;
}
