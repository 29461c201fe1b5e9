export type { ArtifactEntry, ArtifactRecord } from "./artifacts/artifact-entry.js";
export { assertArtifactPath } from "./artifacts/artifact-path.js";
export type { ArtifactSource } from "./artifacts/artifact-source.js";
export { contentKey } from "./artifacts/content-key.js";
export {
  type ContentBody,
  contentExists,
  openContent,
  type PutContentOptions,
  type PutContentResult,
  putContent,
  readContent,
} from "./artifacts/content-store.js";
export {
  type DownloadedArtifact,
  downloadArtifact,
  downloadArtifacts,
  readArtifact,
} from "./artifacts/download-artifact.js";
export { type ListArtifactsOptions, listArtifacts } from "./artifacts/list-artifacts.js";
export { type LogArtifactOptions, logArtifact } from "./artifacts/log-artifact.js";
export type { ColumnProfile, DatasetProfile } from "./datasets/column-profile.js";
export type { DatasetRecord } from "./datasets/dataset-record.js";
export type { DatasetField, DatasetSchema } from "./datasets/dataset-schema.js";
export type { DatasetInput } from "./datasets/dataset-source.js";
export {
  type DatasetReference,
  getDataset,
  type ListDatasetsOptions,
  listDatasets,
  listRunInputs,
  type RunInput,
} from "./datasets/get-dataset.js";
export { type LogDatasetOptions, logDataset } from "./datasets/log-dataset.js";
export type { DatasetRow } from "./datasets/rows-to-table.js";
export type { GitState } from "./environment/git-state.js";
export type { GpuInfo } from "./environment/gpu-info.js";
export type { RunEnvironment, SeedValue } from "./environment/run-environment.js";
export type { SystemMetricsOptions } from "./environment/system-metrics.js";
export type { Experiment, ExperimentOptions, ParamsOf, StartRunOptions } from "./experiment.js";
export type { MetricBufferSettings } from "./metrics/metric-buffer.js";
export { ACTOR_ENV } from "./registry/actor.js";
export type { AliasMove, AuditOptions } from "./registry/aliases.js";
export type { AuditTrailOptions } from "./registry/audit.js";
export { type GateCondition, type GateResult, promotionGateSchema } from "./registry/gate.js";
export type {
  DatasetConsumer,
  DatasetLineage,
  DatasetRef,
  LineageCode,
  LineageDataset,
  LineageRun,
  VersionLineage,
} from "./registry/lineage.js";
export {
  formatModelUri,
  type ModelKind,
  type ModelUri,
  parseModelUri,
  type VersionSelector,
} from "./registry/model-uri.js";
export type { CreateModelOptions, ListModelsOptions, UpdateModelOptions } from "./registry/models.js";
export { LATEST_ALIAS } from "./registry/names.js";
export type { PromoteOptions, PromotionResult } from "./registry/promote.js";
export type { PromptContent, PromptValues } from "./registry/prompt-template.js";
export { type CreatePromptOptions, renderPrompt } from "./registry/prompts.js";
export type {
  AuditAction,
  AuditEntry,
  ModelVersion,
  RegisteredModel,
  ResolvedVersion,
} from "./registry/records.js";
export { createRegistry, type Registry, type RegistryOptions } from "./registry/registry.js";
export type { RegistryErrorCode } from "./registry/registry-error-codes.js";
export type { JsonSchema, ModelSignature, ModelSignatureInput, SchemaInput } from "./registry/signature.js";
export type { CreateVersionOptions, UpdateVersionOptions } from "./registry/versions.js";
export type { ParamsSchema } from "./run/param-validator.js";
export type { LogMetricOptions, Run } from "./run/run.js";
export { type EndStatus, RUN_STATUSES, type RunStatus } from "./run/run-status.js";
export { RECOVERED_TAG, type RecoveredRun } from "./run/stale-run-recovery.js";
export { trackingMigrations } from "./schema/migrations.js";
export type {
  ComparisonOperator,
  FilterExpression,
  FilterField,
  FilterLiteral,
  MetricAggregate,
  RunAttribute,
} from "./search/filter-ast.js";
export { parseFilter, parseSortKey, type SortDirection, type SortKey } from "./search/filter-parser.js";
export { printFilter } from "./search/filter-printer.js";
export {
  getMetricHistories,
  getMetricHistory,
  type MetricBucket,
  type MetricBucketHistory,
  type MetricBucketOptions,
  type MetricHistoryOptions,
  type MetricPoint,
  type MetricPointHistory,
} from "./search/metric-history.js";
export { loadRunInfos, type RunInfo, type RunMetricSummary } from "./search/run-info.js";
export { type SearchRunsOptions, type SearchRunsResult, searchRuns } from "./search/search-runs.js";
export { type CreateTrackerOptions, createTracker, type Tracker } from "./tracker.js";
export { openTrackingContext, type TrackingBackends, type TrackingContext } from "./tracking-context.js";
