// Definitions

export type { Definition, DefinitionKind } from "./definitions/definition.js";
export { defineEntity, type EntityDefinition, type EntityInput } from "./definitions/entity.js";
export { type FeatureRef, formatFeatureRef, parseFeatureRef } from "./definitions/feature-ref.js";
export {
  defineFeatureService,
  type FeatureServiceDefinition,
  type FeatureServiceInput,
} from "./definitions/feature-service.js";
export {
  defineFeatureView,
  type FeatureField,
  type FeatureSchemaInput,
  type FeatureValues,
  type FeatureViewDefinition,
  type FeatureViewInput,
} from "./definitions/feature-view.js";
export type { FeatureValue, LogicalValue } from "./definitions/logical-value.js";
export {
  DEFAULT_PUSH_TIMESTAMP_FIELD,
  type ParquetSourceDefinition,
  type ParquetSourceInput,
  type PushSourceDefinition,
  type PushSourceInput,
  parquetSource,
  pushSource,
  type SourceDefinition,
} from "./definitions/sources.js";
export {
  defineTransform,
  type TransformDefinition,
  type TransformInput,
  type TransformOutput,
  type TransformRow,
} from "./definitions/transform.js";
// Errors
export {
  type DefinitionIssue,
  FeatureDefinitionError,
  FeatureError,
  type FeatureErrorCode,
  FeatureNotFoundError,
  type FeatureObjectKind,
  FeaturePushRowInvalidError,
  FeatureRegistryConflictError,
} from "./errors/index.js";
export { type LatestValuesOptions, latestValues } from "./offline/latest-values.js";
export {
  FeatureNaiveTimestampError,
  FeatureSchemaMismatchError,
  FeatureSourceChangedError,
  OfflineJoinInvalidError,
} from "./offline/offline-errors.js";
export {
  type JoinViewInput,
  type PointInTimeJoinOptions,
  pointInTimeJoin,
} from "./offline/point-in-time-join.js";
// Offline engine
export {
  CREATED_TS_COLUMN,
  EVENT_TS_COLUMN,
  type SourceScanOptions,
  scanSource,
} from "./offline/scan-source.js";
export {
  createEmbeddedOnlineStore,
  type EmbeddedOnlineStore,
  type EmbeddedOnlineStoreOptions,
} from "./online-store/embedded/embedded-online-store.js";
export { type EntityKeyValue, serializeEntityKey } from "./online-store/entity-key.js";
export { OnlineStoreError, type OnlineStoreErrorCode } from "./online-store/online-store-error.js";
export { type OpenOnlineStoreOptions, openOnlineStore } from "./online-store/open-online-store.js";
// Online stores
export type {
  OnlineEntry,
  OnlineReadRequest,
  OnlineReadResult,
  OnlineRecord,
  OnlineStore,
  OnlineValue,
  OnlineViewRef,
  OnlineWriteRequest,
  OnlineWriteResult,
} from "./online-store/types.js";
export type { ApplyResult } from "./registry/feature-registry.js";
// Registry
export { featuresMigrations } from "./registry/migrations.js";
export type {
  EntitySpec,
  ParquetSourceSpec,
  PushSourceSpec,
  ServiceSpec,
  SourceSpec,
  TransformSpec,
  ViewSpec,
} from "./registry/object-spec.js";
export { type PlanAction, type PlanChange, RegistryPlan } from "./registry/registry-plan.js";
export { RegistrySnapshot, type StoredObject } from "./registry/registry-snapshot.js";
export {
  type ConsistencyCheckOptions,
  type FeatureSkew,
  type SkewExample,
  SkewReport,
} from "./store/consistency-check.js";
export type { EntityRow } from "./store/entity-table.js";
export type { FeaturesInput } from "./store/feature-resolution.js";
// Store
export {
  FeatureStore,
  type FeatureStoreBackends,
  type OpenFeatureStoreOptions,
  openFeatureStore,
} from "./store/feature-store.js";
export {
  DEFAULT_TIMESTAMP_COLUMN,
  type HistoricalFeaturesOptions,
  type SavedTrainingData,
  type TrainingDataset,
} from "./store/historical-features.js";
export type { IngestBatchEvent, IngestStreamOptions, IngestStreamResult } from "./store/ingest-stream.js";
export { LATEST_EVENT_TIME_COLUMN, type LatestFeaturesOptions } from "./store/latest-features.js";
export {
  type MaterializeIncrementalOptions,
  type MaterializeOptions,
  type MaterializeProgressEvent,
  MaterializeReport,
  type ViewMaterialization,
} from "./store/materialize.js";
export {
  OnlineFeatures,
  type OnlineFeaturesOptions,
  type OnlineFeatureValue,
  type OnlineValueStatus,
} from "./store/online-features.js";
export type { PushOptions, PushResult, PushTarget } from "./store/push.js";
