import type { AlertSeverity } from "../alerts/alert.js";
import type { ColumnTestOptions } from "../drift/compare.js";
import type { ClassLabel } from "../performance/classification-metrics.js";
import type { PerformanceMetricName } from "../performance/evaluate-performance.js";
import type { QualitySuite } from "../quality/quality-suite.js";

/** What a rule does when it fires: raise an alert through the sinks, and/or request retraining. */
export type RuleAction = "alert" | "retrain";

interface RuleBase {
  /** Unique within the monitor; names alerts and stored results. */
  name: string;
  /** Default `"warning"`. */
  severity?: AlertSeverity;
  /** Default `["alert"]`. `"retrain"` calls the monitor's `onRetrain`. */
  actions?: readonly RuleAction[];
  /** Windows with fewer records are skipped (default 1; performance rules count labelled records). */
  minRecords?: number;
}

/**
 * Fires when the window drifted from the reference: by default when the dataset-level verdict of
 * `compare` is drift (share of drifted feature columns ≥ `driftShare`), with `on: "any-column"` when
 * any compared column (features, prediction, target) drifted.
 */
export interface DriftRule extends RuleBase {
  kind: "drift";
  /** Feature columns (default: every reference column present, minus prediction and target columns). */
  columns?: readonly string[];
  predictionColumns?: readonly string[];
  targetColumn?: string;
  defaults?: ColumnTestOptions;
  tests?: Readonly<Record<string, ColumnTestOptions>>;
  driftShare?: number;
  on?: "dataset" | "any-column";
}

/** Fires when a data-quality suite run on the window's records fails (or, with `failOn: "warn"`, warns). */
export interface QualityRule extends RuleBase {
  kind: "quality";
  suite: QualitySuite;
  /** Default `"fail"` (an `error` status counts as failed). */
  failOn?: "fail" | "warn";
}

/**
 * Fires when a performance metric on the window's labelled records leaves `[min, max]`. Records
 * without a label are ignored; the label is compared with the prediction output named `prediction`.
 */
export interface PerformanceRule extends RuleBase {
  kind: "performance";
  task: "classification" | "regression";
  /** The prediction output holding the predicted class or value. */
  prediction: string;
  /** The prediction output holding the positive-class probability (enables ROC AUC and log loss). */
  score?: string;
  positiveLabel?: ClassLabel;
  metric: PerformanceMetricName;
  min?: number;
  max?: number;
}

/** A monitor rule. */
export type MonitorRule = DriftRule | QualityRule | PerformanceRule;

/** The outcome of one rule on one window. */
export interface RuleResult {
  rule: string;
  kind: MonitorRule["kind"];
  /** `fired`: the condition held; `skipped`: too few records; `error`: it could not be evaluated. */
  status: "ok" | "fired" | "skipped" | "error";
  message: string;
  /** Drift: the report's JSON; quality: the suite report; performance: the metrics. */
  details: Record<string, unknown>;
}
