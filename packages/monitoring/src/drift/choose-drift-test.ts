import { selectDefaultDriftTest } from "../stats/index.js";
import type { DriftColumnKind } from "./column-data.js";
import type { DriftTestName } from "./drift-tests.js";

/** What the default rule looks at. */
export interface DriftTestChoiceInput {
  kind: DriftColumnKind;
  /** Non-missing reference values. */
  referenceSize: number;
  /** Distinct values over reference and current together. */
  uniqueValues: number;
}

/**
 * The default test of a column, Evidently's rule (`selectDefaultDriftTest`): with at most 1,000
 * reference values, numerical columns with more than 5 distinct values get `ks`, other columns
 * `chisquare` (more than 2 distinct values) or `z`; with more than 1,000, numerical columns with more
 * than 5 distinct values get `wasserstein` (normed), other columns `jensenshannon`.
 */
export function chooseDriftTest(input: DriftTestChoiceInput): DriftTestName {
  return selectDefaultDriftTest({
    columnType: input.kind,
    referenceRows: input.referenceSize,
    distinctValues: input.uniqueValues,
  }).test;
}
