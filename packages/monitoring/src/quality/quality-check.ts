import type { Clock } from "@ballast/core";
import type { Table } from "apache-arrow";
import type { DatasetProfile } from "../profile/column-profile.js";

/** What a check failing means: `warn` reports, `fail` fails the suite. */
export type QualitySeverity = "warn" | "fail";

/**
 * A check's outcome: `pass`, or its severity (`warn`/`fail`) when violated, or `error` when it could
 * not be evaluated on this input (a missing column, a check that needs raw rows given a profile).
 */
export type QualityStatus = "pass" | "warn" | "fail" | "error";

/**
 * How the outcome was computed: `exact` from the rows or exact profile fields (counts, min, max),
 * `estimate` from a sketch (the message gives its error bound).
 */
export type QualityMethod = "exact" | "estimate" | "none";

/** What a check is given: the table (when the suite ran on one), its profile (always) and a clock. */
export interface QualityContext {
  /** The raw table, absent when the suite runs on a profile. */
  table: Table | undefined;
  /** The profile (given, or computed once from the table). */
  profile: DatasetProfile;
  clock: Clock;
}

/** What {@link QualityCheck.evaluate} returns. */
export interface CheckOutcome {
  /** True when the data satisfies the check. */
  passed: boolean;
  /** Set when the check could not be evaluated: the reason, with how to fix it. */
  error?: string;
  message: string;
  method: QualityMethod;
  /** The measured value(s) the verdict rests on, for reports. */
  observed?: Record<string, unknown>;
}

/** One data-quality check (see the factories in `checks.ts`). */
export interface QualityCheck {
  /** Unique within a suite. */
  name: string;
  /** The check's type, e.g. `null-share`. */
  kind: string;
  column?: string;
  severity: QualitySeverity;
  evaluate(context: QualityContext): CheckOutcome;
}

/** One check's result in a {@link QualityReport}. */
export interface QualityCheckResult {
  name: string;
  kind: string;
  column?: string;
  severity: QualitySeverity;
  status: QualityStatus;
  method: QualityMethod;
  message: string;
  observed?: Record<string, unknown>;
}
