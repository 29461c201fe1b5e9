export { chooseDriftTest, type DriftTestChoiceInput } from "./choose-drift-test.js";
export type { CategoryValue, DriftColumnKind, TabularData } from "./column-data.js";
export {
  type ColumnTestOptions,
  type CompareOptions,
  compare,
  type DriftReference,
  isDatasetProfile,
  PARALLEL_MIN_VALUES,
} from "./compare.js";
export type { DistributionSummary } from "./distribution-summary.js";
export { DriftError, type DriftErrorCode } from "./drift-error.js";
export { type ColumnDrift, DriftReport, type DriftReportData } from "./drift-report.js";
export {
  DRIFT_TEST_NAMES,
  DRIFT_TESTS,
  type DriftTestName,
  type DriftTestOutcome,
  type DriftTestSpec,
} from "./drift-tests.js";
export { PROFILE_TESTS } from "./profile-drift-tests.js";
