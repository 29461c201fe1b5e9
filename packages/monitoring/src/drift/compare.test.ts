import { BallastError } from "@ballast/core";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { profile } from "../profile/profile.js";
import { ks2Sample, welchTTest } from "../stats/index.js";
import { compare } from "./compare.js";
import { DRIFT_TEST_NAMES, DRIFT_TESTS } from "./drift-tests.js";

/** A seeded generator so every run compares the same samples. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function normal(next: () => number, mean: number, sd: number): number {
  const u = Math.max(next(), 1e-12);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : `not a BallastError: ${String(error)}`;
  }
  return undefined;
}

const repeat = <T>(value: T, n: number): T[] => Array.from({ length: n }, () => value);

describe("compare on data", () => {
  it("uses chi-square for a small categorical reference (values by hand)", () => {
    const reference = [...repeat("a", 50), ...repeat("b", 30), ...repeat("c", 20)].map((plan) => ({ plan }));
    const current = [...repeat("a", 20), ...repeat("b", 40), ...repeat("c", 40)].map((plan) => ({ plan }));
    const report = compare(reference, current);
    const [plan] = report.columns;
    // Expected counts 50, 30, 20: χ² = 30²/50 + 10²/30 + 20²/20 = 41.333…, dof 2, p = exp(−χ²/2).
    expect(plan).toMatchObject({
      column: "plan",
      type: "categorical",
      test: "chisquare",
      drifted: true,
      threshold: 0.05,
    });
    expect(plan!.statistic).toBeCloseTo(41.333333333333336, 10);
    expect(plan!.pValue! / 1.0582315547159941e-9).toBeCloseTo(1, 8);
    expect(report.datasetDrift).toBe(true);
    expect(report.driftShare).toBe(1);
  });

  it("uses the two-proportion z-test for a binary column (value by hand)", () => {
    const reference = [...repeat(true, 60), ...repeat(false, 40)].map((active) => ({ active }));
    const current = [...repeat(true, 40), ...repeat(false, 60)].map((active) => ({ active }));
    const [active] = compare(reference, current).columns;
    // Pooled share 0.5: z = 0.2 / √(0.25·0.02) = 2.828…, two-sided p = erfc(z/√2).
    expect(active!.test).toBe("z");
    expect(Math.abs(active!.statistic)).toBeCloseTo(2.8284271247461903, 10);
    expect(active!.pValue).toBeCloseTo(0.004677734981047265, 12);
  });

  it("uses the normed Wasserstein distance above 1,000 reference rows (value by hand)", () => {
    // A grid i/2000 and the same grid shifted by 0.5: W1 = 0.5 exactly; the grid's population sd is
    // √((N²−1)/12)/N, so the normed distance is 0.5 / 0.288675… = 1.7320510…
    const n = 2000;
    const reference = Array.from({ length: n }, (_, i) => ({ x: i / n }));
    const current = Array.from({ length: n }, (_, i) => ({ x: i / n + 0.5 }));
    const [x] = compare(reference, current).columns;
    expect(x).toMatchObject({
      test: "wasserstein",
      decision: "distance",
      threshold: 0.1,
      drifted: true,
      pValue: null,
    });
    expect(x!.statistic).toBeCloseTo(1.7320510240752687, 9);
  });

  it("uses KS for a small numerical reference and honours per-column overrides", () => {
    const next = random(7);
    const reference = Array.from({ length: 300 }, () => ({ a: normal(next, 0, 1), b: normal(next, 0, 1) }));
    const current = Array.from({ length: 300 }, () => ({ a: normal(next, 0.5, 1), b: normal(next, 0, 1) }));
    const report = compare(reference, current, { tests: { b: { test: "psi", threshold: 0.3 } } });
    const [a, b] = report.columns;
    const expected = ks2Sample(
      reference.map((r) => r.a),
      current.map((r) => r.a),
    );
    expect(a).toMatchObject({
      test: "ks",
      statistic: expected.statistic,
      pValue: expected.pValue,
      drifted: true,
    });
    expect(b).toMatchObject({ test: "psi", threshold: 0.3, decision: "distance", drifted: false });
    // One of two columns drifted: share 0.5 reaches the default threshold 0.5.
    expect(report.driftShare).toBe(0.5);
    expect(report.datasetDrift).toBe(true);
    expect(compare(reference, current, { driftShare: 0.6 }).datasetDrift).toBe(false);
  });

  it("divides p-value thresholds by the Bonferroni divisor, not distance thresholds", () => {
    const rows = [...repeat("a", 50), ...repeat("b", 50)].map((c) => ({ c, x: 1 }));
    const report = compare(rows, rows, { pValueDivisor: 4, tests: { x: { test: "psi" } } });
    expect(report.columns[0]!.threshold).toBeCloseTo(0.0125, 15);
    expect(report.columns[1]!.threshold).toBe(0.1);
    expect(report.pValueDivisor).toBe(4);
  });

  it("reports prediction and target drift beside the features", () => {
    const reference = Array.from({ length: 100 }, (_, i) => ({ f: i % 10, score: i / 100, y: i % 2 }));
    const current = Array.from({ length: 100 }, (_, i) => ({ f: i % 10, score: 0.5 + i / 200, y: 1 }));
    const report = compare(reference, current, { predictionColumns: ["score"], targetColumn: "y" });
    expect(report.columns.map((c) => c.column)).toEqual(["f"]);
    expect(report.prediction.map((c) => [c.column, c.role, c.drifted])).toEqual([
      ["score", "prediction", true],
    ]);
    expect(report.target).toMatchObject({ column: "y", role: "target", test: "z", drifted: true });
    expect(report.datasetDrift).toBe(false);
  });

  it("reads Arrow tables and counts missing values apart", () => {
    const reference = tableFromArrays({
      x: Float64Array.from([1, 2, Number.NaN, 4, 5, 6, 7]),
      s: ["a", "b", "a", "b", "a", "b", "a"],
    });
    const current = compare(reference, [
      { x: 1, s: "a" },
      { x: null, s: null },
      { x: 3, s: "b" },
      { x: 9, s: "b" },
    ]);
    expect(current.columns[0]).toMatchObject({
      column: "x",
      type: "numerical",
      referenceNulls: 1,
      currentNulls: 1,
      currentCount: 3,
    });
    expect(current.columns[1]).toMatchObject({
      column: "s",
      type: "categorical",
      referenceNulls: 0,
      currentNulls: 1,
    });
  });
});

describe("every drift test", () => {
  it("runs on a numerical column by name, with its decision rule and default threshold", () => {
    const next = random(3);
    const reference = Array.from({ length: 200 }, () => ({ x: normal(next, 0, 1) }));
    const current = Array.from({ length: 200 }, () => ({ x: normal(next, 1, 1) }));
    for (const test of DRIFT_TEST_NAMES) {
      const [x] = compare(reference, current, { tests: { x: { test } } }).columns;
      expect(x!.test).toBe(test);
      expect(Number.isNaN(x!.statistic)).toBe(false);
      expect(x!.threshold).toBe(DRIFT_TESTS[test].defaultThreshold);
      expect(x!.pValue === null).toBe(DRIFT_TESTS[test].decision === "distance");
      // A shift of one standard deviation: every test but the low-cardinality ones flags it.
      if (test !== "chisquare" && test !== "z") expect(x!.drifted, test).toBe(true);
    }
  });
});

describe("compare errors", () => {
  const rows = [{ a: 1, b: "x" }];
  it("names the columns of mismatched schemas", () => {
    const error = (() => {
      try {
        compare(rows, [{ a: 1, c: "y" }]);
      } catch (e) {
        return e as BallastError;
      }
    })();
    expect(error?.code).toBe("MONITORING_SCHEMA_MISMATCH");
    expect(error?.details).toMatchObject({ missingInCurrent: ["b"], missingInReference: ["c"] });
    expect(codeOf(() => compare(rows, [{ a: "one", b: "x" }]))).toBe("MONITORING_SCHEMA_MISMATCH");
    expect(codeOf(() => compare(rows, rows, { columns: ["zzz"] }))).toBe("MONITORING_SCHEMA_MISMATCH");
  });
  it("refuses empty and all-null columns, infinities, unknown tests and bad shares", () => {
    expect(codeOf(() => compare(rows, []))).toBe("MONITORING_SCHEMA_MISMATCH");
    expect(codeOf(() => compare(rows, [{ a: null, b: "x" }]))).toBe("MONITORING_EMPTY_SAMPLE");
    expect(codeOf(() => compare(rows, [{ a: Number.POSITIVE_INFINITY, b: "x" }]))).toBe(
      "MONITORING_NON_FINITE",
    );
    expect(codeOf(() => compare(rows, rows, { tests: { a: { test: "nope" as "ks" } } }))).toBe(
      "MONITORING_OPTIONS_INVALID",
    );
    expect(codeOf(() => compare(rows, rows, { driftShare: 0 }))).toBe("MONITORING_OPTIONS_INVALID");
    expect(codeOf(() => compare(rows, rows, { tests: { b: { test: "ks" } } }))).toBe(
      "MONITORING_TEST_UNAVAILABLE",
    );
  });
  it("compares a constant column without failing", () => {
    const constant = Array.from({ length: 50 }, () => ({ a: 3 }));
    const [a] = compare(constant, constant).columns;
    expect(a).toMatchObject({ test: "z", drifted: false });
  });
});

describe("compare with a stored profile as reference", () => {
  const next = random(11);
  const referenceRows = Array.from({ length: 5000 }, () => ({
    x: normal(next, 10, 2),
    plan: next() < 0.7 ? "basic" : "pro",
  }));
  const currentRows = Array.from({ length: 800 }, () => ({
    x: normal(next, 11, 2),
    plan: next() < 0.5 ? "basic" : "pro",
  }));
  const reference = profile(referenceRows, { seed: 3 });

  it("matches the data path: exactly for chi-square and Welch, within the sketch error for KS", () => {
    const opts = { tests: { x: { test: "t_test" as const }, plan: { test: "chisquare" as const } } };
    const fromProfile = compare(reference, currentRows, opts);
    const fromData = compare(referenceRows, currentRows, opts);
    expect(fromProfile.referenceSource).toBe("profile");
    const [px, pplan] = fromProfile.columns;
    const [dx, dplan] = fromData.columns;
    expect(px!.statistic).toBeCloseTo(dx!.statistic, 9);
    expect(px!.pValue! / dx!.pValue!).toBeCloseTo(1, 6);
    expect(pplan!.statistic).toBeCloseTo(dplan!.statistic, 9);
    const welch = welchTTest(
      referenceRows.map((r) => r.x),
      currentRows.map((r) => r.x),
    );
    expect(px!.statistic).toBeCloseTo(welch.statistic, 9);

    const ks = compare(reference, currentRows, { tests: { x: { test: "ks" } }, columns: ["x"] }).columns[0]!;
    const exact = ks2Sample(
      referenceRows.map((r) => r.x),
      currentRows.map((r) => r.x),
    );
    expect(Math.abs(ks.statistic - exact.statistic)).toBeLessThanOrEqual(
      reference.columns.get("x")!.quantiles!.rankErrorBound,
    );
    expect(ks.drifted).toBe(true);
  });

  it("gives the default tests' verdicts of the data path", () => {
    const fromProfile = compare(reference, currentRows);
    const fromData = compare(referenceRows, currentRows);
    expect(fromProfile.columns.map((c) => [c.column, c.test, c.drifted])).toEqual(
      fromData.columns.map((c) => [c.column, c.test, c.drifted]),
    );
    const [px] = fromProfile.columns;
    expect(px!.test).toBe("wasserstein");
    // W1 from 1,000 sketch quantiles against exact W1: close, not equal.
    expect(Math.abs(px!.statistic - fromData.columns[0]!.statistic)).toBeLessThan(0.05);
  });

  it("refuses tests that need the reference values", () => {
    expect(codeOf(() => compare(reference, currentRows, { tests: { x: { test: "mannw" } } }))).toBe(
      "MONITORING_TEST_UNAVAILABLE",
    );
  });
});
