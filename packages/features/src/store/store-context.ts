import type { BlobStore, Clock, EventStream, Logger, LogicalType, MetadataDatabase } from "@ballast/core";
import type { TransformDefinition } from "../definitions/transform.js";
import { FeatureError } from "../errors/feature-error.js";
import type { OnlineStore } from "../online-store/types.js";
import type { FeatureRegistry } from "../registry/feature-registry.js";
import type { ParquetSourceSpec, ViewSpec } from "../registry/object-spec.js";
import type { RegistrySnapshot } from "../registry/registry-snapshot.js";

/** What every store operation works with: the resolved backends, the registry and loaded transforms. */
export interface StoreContext {
  readonly db: MetadataDatabase;
  readonly blobs: BlobStore;
  readonly workspaceId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: FeatureRegistry;
  /** Transform functions loaded in this process (from `definitions` and `apply`), by name. */
  readonly transforms: Map<string, TransformDefinition>;
  /** The current registry snapshot (cached; refreshed after apply or on `refresh`). */
  snapshot(): Promise<RegistrySnapshot>;
  /** The online store, opened on first use. */
  online(): Promise<OnlineStore>;
  /** The event stream for `ingestStream` (the workspace's, or the one passed in). */
  stream(): Promise<EventStream>;
}

/**
 * The Parquet source holding a view's offline rows.
 *
 * @throws FeatureError `FEATURE_NO_OFFLINE_SOURCE` for a push source without a batch source.
 */
export function offlineSource(view: ViewSpec): ParquetSourceSpec {
  const source = view.source.kind === "parquet-source" ? view.source : view.source.batchSource;
  if (!source) {
    throw new FeatureError(
      "FEATURE_NO_OFFLINE_SOURCE",
      `Feature view "${view.name}" reads push source "${view.source.name}", which has no batch source: there are no offline rows to read.`,
      {
        hint: 'Give the push source a batchSource (a Parquet folder) and push with { to: "both" }.',
        details: { view: view.name, source: view.source.name },
      },
    );
  }
  return source;
}

/** The columns a scan of a view's source needs: join keys, then the given features. */
export function scanColumns(view: ViewSpec, features: readonly { name: string; type: LogicalType }[]) {
  return [...Object.entries(view.joinKeys).map(([name, type]) => ({ name, type })), ...features];
}
