import type { PredictionLogRecord } from "@ballast/core";
import { tableFromJSON } from "apache-arrow";
import { compare, type DriftReference } from "../drift/compare.js";
import type { DriftReport } from "../drift/drift-report.js";
import type { ClassLabel } from "../performance/classification-metrics.js";
import { evaluatePerformance } from "../performance/evaluate-performance.js";
import { runQualitySuite } from "../quality/quality-suite.js";
import type { DriftRule, MonitorRule, PerformanceRule, QualityRule, RuleResult } from "./rules.js";
import type { ClosedWindow } from "./window-aggregator.js";

/** What the rules of one window are evaluated with. */
export interface RuleContext {
  reference: DriftReference;
  /** Bonferroni divisor for p-value thresholds (windows × columns as configured). */
  pValueDivisor: (columns: number) => number;
  labelColumn: string;
  /** Drift reports by rule name, for the report renderer. */
  reports: Map<string, DriftReport>;
}

/** A window's records as flat rows: features, then prediction outputs, then the label. */
export function windowRows(
  records: readonly PredictionLogRecord[],
  labelColumn: string,
): Record<string, unknown>[] {
  return records.map((r) => ({
    ...r.features,
    ...r.predictions,
    ...(r.label === undefined ? {} : { [labelColumn]: r.label }),
  }));
}

function driftRule(rule: DriftRule, rows: Record<string, unknown>[], ctx: RuleContext): RuleResult {
  const compared = rule.columns?.length ?? referenceColumnCount(ctx.reference, rule);
  const report = compare(ctx.reference, rows, {
    ...(rule.columns ? { columns: rule.columns } : { columns: defaultColumns(ctx.reference, rows, rule) }),
    ...(rule.predictionColumns ? { predictionColumns: rule.predictionColumns } : {}),
    ...(rule.targetColumn ? { targetColumn: rule.targetColumn } : {}),
    ...(rule.defaults ? { defaults: rule.defaults } : {}),
    ...(rule.tests ? { tests: rule.tests } : {}),
    ...(rule.driftShare === undefined ? {} : { driftShare: rule.driftShare }),
    pValueDivisor: ctx.pValueDivisor(compared),
    title: `Drift: ${rule.name}`,
  });
  ctx.reports.set(rule.name, report);
  const anyColumn = [
    ...report.columns,
    ...report.prediction,
    ...(report.target ? [report.target] : []),
  ].filter((c) => c.drifted);
  const fired = rule.on === "any-column" ? anyColumn.length > 0 : report.datasetDrift;
  return {
    rule: rule.name,
    kind: "drift",
    status: fired ? "fired" : "ok",
    message: report.toString(),
    details: { drifted: anyColumn.map((c) => c.column), report: report.toJSON() },
  };
}

function referenceNames(reference: DriftReference): string[] {
  if ("columns" in reference && reference.columns instanceof Map) return [...reference.columns.keys()];
  if ("schema" in reference) return reference.schema.fields.map((f) => f.name);
  const names = new Set<string>();
  for (const row of reference as readonly Record<string, unknown>[])
    for (const k of Object.keys(row)) names.add(k);
  return [...names];
}

/**
 * Every reference column that the window also has, minus prediction and target columns: the label
 * column is absent from unlabelled windows and prediction outputs are compared apart.
 */
function defaultColumns(
  reference: DriftReference,
  rows: Record<string, unknown>[],
  rule: DriftRule,
): string[] {
  const present = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) present.add(k);
  const special = new Set([
    ...(rule.predictionColumns ?? []),
    ...(rule.targetColumn ? [rule.targetColumn] : []),
  ]);
  return referenceNames(reference).filter((n) => present.has(n) && !special.has(n));
}

function referenceColumnCount(reference: DriftReference, rule: DriftRule): number {
  return (
    referenceNames(reference).length - (rule.predictionColumns?.length ?? 0) - (rule.targetColumn ? 1 : 0)
  );
}

function qualityRule(rule: QualityRule, rows: Record<string, unknown>[]): RuleResult {
  const report = runQualitySuite(rule.suite, tableFromJSON(rows as Record<string, unknown>[]));
  const status = report.status;
  const fired = status === "fail" || status === "error" || (rule.failOn === "warn" && status === "warn");
  return {
    rule: rule.name,
    kind: "quality",
    status: fired ? "fired" : "ok",
    message: `Quality suite "${rule.suite.name}": ${status}`,
    details: { report: report.toJSON() },
  };
}

function performanceRule(rule: PerformanceRule, window: ClosedWindow): RuleResult {
  const labelled = window.records.filter((r) => r.label !== undefined && r.label !== null);
  const min = rule.minRecords ?? 1;
  if (labelled.length < min) {
    return {
      rule: rule.name,
      kind: "performance",
      status: "skipped",
      message: `${labelled.length} labelled records, fewer than ${min}.`,
      details: { labelled: labelled.length },
    };
  }
  const metrics =
    rule.task === "regression"
      ? evaluatePerformance({
          task: "regression",
          labels: labelled.map((r) => Number(r.label)),
          predictions: labelled.map((r) => Number(r.predictions[rule.prediction])),
        })
      : evaluatePerformance({
          task: "classification",
          labels: labelled.map((r) => r.label as ClassLabel),
          predictions: labelled.map((r) => r.predictions[rule.prediction] as ClassLabel),
          ...(rule.score ? { scores: labelled.map((r) => Number(r.predictions[rule.score!])) } : {}),
          ...(rule.positiveLabel === undefined ? {} : { positiveLabel: rule.positiveLabel }),
        });
  const value = metrics[rule.metric];
  if (value === undefined) {
    return {
      rule: rule.name,
      kind: "performance",
      status: "skipped",
      message: `Metric ${rule.metric} is not defined for this window.`,
      details: { metrics },
    };
  }
  const low = rule.min !== undefined && value < rule.min;
  const high = rule.max !== undefined && value > rule.max;
  return {
    rule: rule.name,
    kind: "performance",
    status: low || high ? "fired" : "ok",
    message: `${rule.metric} = ${value.toPrecision(4)}${low ? ` below ${rule.min}` : high ? ` above ${rule.max}` : ""} on ${labelled.length} labelled records.`,
    details: { metric: rule.metric, value, metrics },
  };
}

/** Evaluates one rule; an exception becomes an `error` result (the other rules still run). */
export function evaluateRule(rule: MonitorRule, window: ClosedWindow, ctx: RuleContext): RuleResult {
  const min = rule.minRecords ?? 1;
  if (rule.kind !== "performance" && window.records.length < min) {
    return {
      rule: rule.name,
      kind: rule.kind,
      status: "skipped",
      message: `${window.records.length} records, fewer than ${min}.`,
      details: {},
    };
  }
  try {
    if (rule.kind === "drift") return driftRule(rule, windowRows(window.records, ctx.labelColumn), ctx);
    if (rule.kind === "quality") return qualityRule(rule, windowRows(window.records, ctx.labelColumn));
    return performanceRule(rule, window);
  } catch (error) {
    return {
      rule: rule.name,
      kind: rule.kind,
      status: "error",
      message: error instanceof Error ? error.message : String(error),
      details: {
        ...(error && typeof error === "object" && "code" in error
          ? { code: (error as { code: unknown }).code }
          : {}),
      },
    };
  }
}
