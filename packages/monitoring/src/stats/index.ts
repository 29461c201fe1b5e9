export { andersonDarlingKSample } from "./anderson-darling-ksample.js";
export {
  type BinningOptions,
  type CategoricalBins,
  categoricalBins,
  EMPTY_BIN_FILL,
  HISTOGRAM_DISTINCT_THRESHOLD,
  type NumericBins,
  numericBins,
  sturgesEdges,
} from "./binning.js";
export { type ChiSquareContingencyOptions, chiSquareContingency } from "./chi-square-contingency.js";
export { type ChiSquareGoodnessOfFitOptions, chiSquareGoodnessOfFit } from "./chi-square-goodness-of-fit.js";
export { type CramerVonMises2SampleOptions, cramerVonMises2Sample } from "./cramer-von-mises-2sample.js";
export {
  DEFAULT_DRIFT_THRESHOLDS,
  type DefaultDriftTest,
  type DefaultDriftTestInput,
  type DefaultDriftTestName,
  DISCRETE_NUMERIC_VALUES,
  type DriftColumnType,
  isDrift,
  SMALL_REFERENCE_ROWS,
  selectDefaultDriftTest,
} from "./default-tests.js";
export { energyDistance } from "./energy-distance.js";
export { type EppsSingletonOptions, eppsSingleton } from "./epps-singleton.js";
export { hellinger } from "./hellinger.js";
export { type JensenShannonOptions, jensenShannon } from "./jensen-shannon.js";
export { klDivergence } from "./kl-divergence.js";
export { kolmogorovSf } from "./kolmogorov-distribution.js";
export { type Ks2SampleOptions, ks2Sample } from "./ks-2sample.js";
export { type MannWhitneyUOptions, mannWhitneyU } from "./mann-whitney-u.js";
export { type CleanSample, cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
export { psi } from "./psi.js";
export { sortFloat64 } from "./radix-sort.js";
export { StatisticsError, type StatisticsErrorCode } from "./statistics-error.js";
export type { Alternative, DistanceResult, TestResult } from "./test-result.js";
export { totalVariation } from "./total-variation.js";
export {
  populationStd,
  type WassersteinNormedOptions,
  wasserstein,
  wassersteinNormed,
  wassersteinNormedClean,
} from "./wasserstein.js";
export { type WelchTTestOptions, welchTTest } from "./welch-t-test.js";
export { type TwoProportions, zTestTwoProportions } from "./z-test-two-proportions.js";
