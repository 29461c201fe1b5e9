import { manualClock } from "@ballast/core";
import { Float64, Int32, Table, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { profile } from "../profile/profile.js";
import {
  allowedValuesCheck,
  freshnessCheck,
  nullShareCheck,
  predicateCheck,
  rangeCheck,
  schemaCheck,
  uniquenessCheck,
} from "./checks.js";
import type { QualityCheck, QualityStatus } from "./quality-check.js";
import { defineQualitySuite, runQualitySuite } from "./quality-suite.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 1, 12);
const table = new Table({
  id: vectorFromArray([1, 2, 3, 4, 4], new Int32()),
  score: vectorFromArray([0.5, null, 0.9, Number.NaN, 0.1], new Float64()),
  clean: vectorFromArray([1, 2, 3, 4, 5], new Float64()),
  country: vectorFromArray(["DE", "FR", "DE", "XX", null], new Utf8()),
  at: vectorFromArray(
    [NOW - 5 * HOUR, NOW - 3 * HOUR, NOW - 2 * HOUR, null, NOW - 4 * HOUR],
    new TimestampMillisecond("UTC"),
  ),
  empty: vectorFromArray([null, null, null, null, null], new Float64()),
});
const tableProfile = profile(table, { seed: 1 });

/** Runs one check on the table and on its profile, returning both statuses. */
function statuses(check: QualityCheck): { table: QualityStatus; profile: QualityStatus } {
  const suite = defineQualitySuite({ name: "t", checks: [check] });
  const clock = manualClock(NOW);
  return {
    table: runQualitySuite(suite, table, { clock }).results[0]!.status,
    profile: runQualitySuite(suite, tableProfile, { clock }).results[0]!.status,
  };
}

describe("quality checks", () => {
  it("schema: passes on matching types, fails on missing, wrong or extra columns", () => {
    const types = {
      id: "int32",
      score: "float64",
      clean: "float64",
      country: "string",
      at: "timestamp",
      empty: "float64",
    } as const;
    expect(statuses(schemaCheck({ columns: types }))).toEqual({ table: "pass", profile: "pass" });
    expect(statuses(schemaCheck({ columns: { id: "int64" } }))).toEqual({ table: "fail", profile: "fail" });
    expect(statuses(schemaCheck({ columns: { nope: "any" } }))).toEqual({ table: "fail", profile: "fail" });
    expect(statuses(schemaCheck({ columns: { id: "any" }, allowExtra: false, severity: "warn" }))).toEqual({
      table: "warn",
      profile: "warn",
    });
    expect(() => schemaCheck({ columns: { id: "int8" as never } })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
  });

  it("null share: 1 null in 5 is 20%; NaN counts only with includeNaN; all-null columns fail", () => {
    expect(statuses(nullShareCheck({ column: "score", max: 0.2 }))).toEqual({
      table: "pass",
      profile: "pass",
    });
    expect(statuses(nullShareCheck({ column: "score", max: 0.2, includeNaN: true }))).toEqual({
      table: "fail",
      profile: "fail",
    });
    expect(statuses(nullShareCheck({ column: "empty", max: 0.5 }))).toEqual({
      table: "fail",
      profile: "fail",
    });
    expect(statuses(nullShareCheck({ column: "missing", max: 0.5 }))).toEqual({
      table: "error",
      profile: "error",
    });
    expect(() => nullShareCheck({ column: "x", max: 2 })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
  });

  it("range: exact on both inputs; NaN violates unless allowed; strings are an error", () => {
    expect(statuses(rangeCheck({ column: "clean", min: 1, max: 5 }))).toEqual({
      table: "pass",
      profile: "pass",
    });
    expect(statuses(rangeCheck({ column: "clean", max: 4.5 }))).toEqual({ table: "fail", profile: "fail" });
    expect(statuses(rangeCheck({ column: "score", min: 0, max: 1 }))).toEqual({
      table: "fail",
      profile: "fail",
    });
    expect(statuses(rangeCheck({ column: "score", min: 0, max: 1, allowNaN: true }))).toEqual({
      table: "pass",
      profile: "pass",
    });
    expect(statuses(rangeCheck({ column: "country", min: 0 }))).toEqual({ table: "error", profile: "error" });
    const report = runQualitySuite(
      defineQualitySuite({ name: "r", checks: [rangeCheck({ column: "clean", min: 2, max: 4 })] }),
      table,
    );
    // 1 and 5 are outside [2, 4].
    expect(report.results[0]!.observed).toMatchObject({ violations: 2 });
    expect(() => rangeCheck({ column: "x", min: 2, max: 1 })).toThrow(
      expect.objectContaining({ code: "MONITORING_INVALID_OPTION" }),
    );
  });

  it("allowed values: counts disallowed values exactly, and within a share", () => {
    expect(statuses(allowedValuesCheck({ column: "country", values: ["DE", "FR", "XX"] }))).toEqual({
      table: "pass",
      profile: "pass",
    });
    expect(statuses(allowedValuesCheck({ column: "country", values: ["DE", "FR"] }))).toEqual({
      table: "fail",
      profile: "fail",
    });
    // 1 of 4 non-null values (XX) is 25%.
    expect(statuses(allowedValuesCheck({ column: "country", values: ["DE", "FR"], maxShare: 0.25 }))).toEqual(
      { table: "pass", profile: "pass" },
    );
  });

  it("allowed values on a profile whose frequent items overflowed is an error, not a guess", () => {
    const wide = new Table({
      v: vectorFromArray(
        Array.from({ length: 50 }, (_, i) => `v${i}`),
        new Utf8(),
      ),
    });
    const suite = defineQualitySuite({
      name: "w",
      checks: [allowedValuesCheck({ column: "v", values: ["v1"] })],
    });
    const result = runQualitySuite(suite, profile(wide, { seed: 1, frequentCapacity: 8 })).results[0]!;
    expect(result.status).toBe("error");
    expect(result.message).toMatch(/frequentCapacity/);
    expect(runQualitySuite(suite, wide).results[0]!.status).toBe("fail");
  });

  it("uniqueness: exact on a table, HyperLogLog on a profile, error for exact on a profile", () => {
    expect(statuses(uniquenessCheck({ column: "clean" }))).toEqual({ table: "pass", profile: "pass" });
    expect(statuses(uniquenessCheck({ column: "id" }))).toEqual({ table: "fail", profile: "fail" });
    expect(statuses(uniquenessCheck({ column: "clean", exact: true }))).toEqual({
      table: "pass",
      profile: "error",
    });
  });

  it("freshness: newest 2 h old passes a 3 h limit, fails a 1 h limit; no timestamps fails", () => {
    expect(statuses(freshnessCheck({ column: "at", maxAge: "3h" }))).toEqual({
      table: "pass",
      profile: "pass",
    });
    expect(statuses(freshnessCheck({ column: "at", maxAge: HOUR }))).toEqual({
      table: "fail",
      profile: "fail",
    });
    expect(statuses(freshnessCheck({ column: "clean", maxAge: "1h" }))).toEqual({
      table: "error",
      profile: "error",
    });
    const stale = new Table({ at: vectorFromArray([null, null], new TimestampMillisecond("UTC")) });
    const suite = defineQualitySuite({ name: "f", checks: [freshnessCheck({ column: "at", maxAge: "1d" })] });
    expect(runQualitySuite(suite, stale, { clock: manualClock(NOW) }).results[0]!.status).toBe("fail");
  });

  it("predicate: row test on a table; a profile needs testProfile", () => {
    const positive = predicateCheck({ name: "clean>0", test: (row) => (row.clean as number) > 0 });
    const small = predicateCheck({
      name: "clean<3",
      test: (row) => (row.clean as number) < 3,
      severity: "warn",
    });
    expect(statuses(positive)).toEqual({ table: "pass", profile: "error" });
    expect(statuses(small)).toEqual({ table: "warn", profile: "error" });
    const withProfile = predicateCheck({ name: "p", test: () => true, testProfile: (p) => p.rowCount === 5 });
    expect(statuses(withProfile)).toEqual({ table: "pass", profile: "pass" });
  });
});
