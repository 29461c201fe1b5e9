import { type Clock, systemClock } from "@ballast/core";
import type { Table } from "apache-arrow";
import type { DatasetProfile } from "../profile/column-profile.js";
import { profile } from "../profile/profile.js";
import type { QualityCheck, QualityCheckResult, QualityContext } from "./quality-check.js";
import { QualityError } from "./quality-error.js";
import { QualityReport } from "./quality-report.js";

/** A named group of checks. */
export interface QualitySuite {
  name: string;
  checks: readonly QualityCheck[];
}

/**
 * Defines a suite, checking that check names are unique.
 *
 * @throws QualityError `MONITORING_QUALITY_SUITE_INVALID` for an empty name or duplicate check names.
 * @example
 * const suite = defineQualitySuite({ name: "orders", checks: [nullShareCheck({ column: "id", max: 0 })] });
 */
export function defineQualitySuite(suite: QualitySuite): QualitySuite {
  if (!suite.name) {
    throw new QualityError("MONITORING_QUALITY_SUITE_INVALID", "A quality suite needs a name.", {
      hint: "Pass defineQualitySuite({ name: 'orders', checks: [...] }).",
    });
  }
  const seen = new Set<string>();
  for (const check of suite.checks) {
    if (seen.has(check.name)) {
      throw new QualityError(
        "MONITORING_QUALITY_SUITE_INVALID",
        `Suite "${suite.name}" has two checks named "${check.name}".`,
        {
          hint: "Give one of them a distinct `name` option.",
        },
      );
    }
    seen.add(check.name);
  }
  return { name: suite.name, checks: [...suite.checks] };
}

/** Options of {@link runQualitySuite}. */
export interface RunQualitySuiteOptions {
  /** The clock freshness checks compare with (default: the system clock). */
  clock?: Clock;
}

function isProfile(target: Table | DatasetProfile): target is DatasetProfile {
  return (target as DatasetProfile).version === 1 && (target as DatasetProfile).columns instanceof Map;
}

/**
 * Runs every check of a suite on a table or on a profile. A table is profiled once (exact counts, min
 * and max) and also given to checks that need rows; on a profile those checks use estimates or report
 * `error` (see each check). A check that throws is reported as `error` with its message, so one bad
 * check does not hide the others.
 *
 * @example
 * const report = runQualitySuite(suite, table);
 * if (!report.passed) console.log(report.toString());
 */
export function runQualitySuite(
  suite: QualitySuite,
  target: Table | DatasetProfile,
  options: RunQualitySuiteOptions = {},
): QualityReport {
  const clock = options.clock ?? systemClock;
  const onProfile = isProfile(target);
  const context: QualityContext = {
    table: onProfile ? undefined : target,
    profile: onProfile ? target : profile(target, { seed: 0 }),
    clock,
  };
  const results = suite.checks.map((check): QualityCheckResult => {
    const head = {
      name: check.name,
      kind: check.kind,
      ...(check.column === undefined ? {} : { column: check.column }),
      severity: check.severity,
    };
    try {
      const outcome = check.evaluate(context);
      const status = outcome.error !== undefined ? "error" : outcome.passed ? "pass" : check.severity;
      const message =
        outcome.error !== undefined ? `Not evaluated: ${outcome.error}. ${outcome.message}` : outcome.message;
      return {
        ...head,
        status,
        method: outcome.method,
        message,
        ...(outcome.observed === undefined ? {} : { observed: outcome.observed }),
      };
    } catch (error) {
      return {
        ...head,
        status: "error",
        method: "none",
        message: `The check threw: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  });
  return new QualityReport({
    suite: suite.name,
    results,
    evaluatedAt: clock.now(),
    input: onProfile ? "profile" : "table",
  });
}
