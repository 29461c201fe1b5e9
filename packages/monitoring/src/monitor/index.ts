export {
  createMonitor,
  type Monitor,
  type MonitorOptions,
  type MonitorSource,
  type MonitorStats,
  type MultipleTestingCorrection,
  type RetrainRequest,
} from "./create-monitor.js";
export {
  overlapCount,
  type WindowBounds,
  type WindowOptions,
  windowSpec,
  windowsFor,
} from "./event-time-windows.js";
export { MonitorOptionsError } from "./monitor-error.js";
export { monitorMigrations } from "./monitor-migrations.js";
export type {
  DriftRule,
  MonitorRule,
  PerformanceRule,
  QualityRule,
  RuleAction,
  RuleResult,
} from "./rules.js";
export {
  createWindowStore,
  type ListWindowsOptions,
  type WindowResult,
  type WindowStore,
} from "./window-store.js";
