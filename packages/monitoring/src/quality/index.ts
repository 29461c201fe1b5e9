export {
  allowedValuesCheck,
  type CheckOptions,
  freshnessCheck,
  nullShareCheck,
  predicateCheck,
  rangeCheck,
  schemaCheck,
  uniquenessCheck,
} from "./checks.js";
export type {
  CheckOutcome,
  QualityCheck,
  QualityCheckResult,
  QualityContext,
  QualityMethod,
  QualitySeverity,
  QualityStatus,
} from "./quality-check.js";
export { QualityError, type QualityErrorCode } from "./quality-error.js";
export { QualityReport } from "./quality-report.js";
export {
  defineQualitySuite,
  type QualitySuite,
  type RunQualitySuiteOptions,
  runQualitySuite,
} from "./quality-suite.js";
