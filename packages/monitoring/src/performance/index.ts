export {
  type AveragingOptions,
  accuracy,
  type ClassLabel,
  f1,
  precision,
  recall,
} from "./classification-metrics.js";
export {
  type ClassificationPerformanceInput,
  evaluatePerformance,
  type PerformanceMetricName,
  type PerformanceMetrics,
  type RegressionPerformanceInput,
} from "./evaluate-performance.js";
export { type PerformanceErrorCode, PerformanceInputError } from "./performance-error.js";
export { mae, mape, rmse } from "./regression-metrics.js";
export { type LogLossOptions, logLoss, rocAuc } from "./score-metrics.js";
