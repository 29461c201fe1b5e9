import {
  type BackendUri,
  BallastError,
  type BlobStore,
  type Clock,
  type EventStream,
  type Logger,
  type MetadataDatabase,
  silentLogger,
  systemClock,
  type Workspace,
} from "@ballast/core";
import type { Table } from "apache-arrow";
import type { Definition } from "../definitions/definition.js";
import type { PushSourceDefinition } from "../definitions/sources.js";
import type { TransformDefinition } from "../definitions/transform.js";
import { type OpenOnlineStoreOptions, openOnlineStore } from "../online-store/open-online-store.js";
import type { OnlineStore } from "../online-store/types.js";
import { type ApplyResult, FeatureRegistry, migrateFeatures } from "../registry/feature-registry.js";
import { onlineNamespace } from "../registry/object-spec.js";
import type { RegistryPlan } from "../registry/registry-plan.js";
import type { RegistrySnapshot } from "../registry/registry-snapshot.js";
import { type ConsistencyCheckOptions, checkConsistency, type SkewReport } from "./consistency-check.js";
import type { EntityRow } from "./entity-table.js";
import {
  type HistoricalFeaturesOptions,
  historicalFeatures,
  type SavedTrainingData,
} from "./historical-features.js";
import { type IngestStreamOptions, type IngestStreamResult, ingestStream } from "./ingest-stream.js";
import { type LatestFeaturesOptions, latestFeatures } from "./latest-features.js";
import {
  type MaterializeIncrementalOptions,
  type MaterializeOptions,
  type MaterializeReport,
  materialize,
  materializeIncremental,
  readWatermark,
} from "./materialize.js";
import {
  type OnlineFeatures,
  type OnlineFeaturesOptions,
  type OnlineReadPlan,
  onlineFeatures,
} from "./online-features.js";
import { type PushOptions, type PushResult, push } from "./push.js";
import type { StoreContext } from "./store-context.js";

/** Explicit backends, for callers without a workspace. */
export interface FeatureStoreBackends {
  metadata: MetadataDatabase;
  blobs: BlobStore;
  /** An online store instance (not closed by the store), or a URI the store opens (and closes). */
  online: OnlineStore | string;
  /** Workspace (tenant) id stored with every registry row (default `"default"`). */
  workspaceId?: string;
  /** The event stream `ingestStream` reads by default (it can also be passed per call). */
  stream?: EventStream;
  clock?: Clock;
  logger?: Logger;
}

/** Options of {@link openFeatureStore}. */
export type OpenFeatureStoreOptions = (
  | {
      /** Backends from a workspace: metadata(), artifacts(), and `config.online` opened on first online use. */
      workspace: Workspace;
      /** Use this online store instead of the workspace's online URI (not closed by the store). */
      online?: OnlineStore;
    }
  | FeatureStoreBackends
) & {
  /**
   * Definitions whose code this process provides: transforms are functions, which the registry
   * records but cannot store. `apply(definitions)` also loads them.
   */
  definitions?: readonly Definition[];
  /** Options for opening the online store from a URI. */
  onlineOptions?: OpenOnlineStoreOptions;
};

/**
 * The feature store: definitions in the metadata database, offline rows as Parquet on the blob
 * store, latest values in an online store. Open with {@link openFeatureStore}; close with `close()` or
 * `await using`.
 */
export class FeatureStore implements AsyncDisposable {
  readonly #ctx: StoreContext;
  readonly #closeOwned: () => Promise<void>;
  readonly #plans = new Map<string, OnlineReadPlan>();
  #snapshot: Promise<RegistrySnapshot> | undefined;
  #closed = false;

  /** @internal Use {@link openFeatureStore}. */
  constructor(ctx: Omit<StoreContext, "snapshot">, closeOwned: () => Promise<void>) {
    this.#ctx = {
      ...ctx,
      snapshot: () => {
        this.#assertOpen();
        if (!this.#snapshot) {
          const loading = ctx.registry.load();
          this.#snapshot = loading;
          // A failed read is not cached (unless a newer read replaced it meanwhile).
          loading.catch(() => {
            if (this.#snapshot === loading) this.#snapshot = undefined;
          });
        }
        return this.#snapshot;
      },
    };
    this.#closeOwned = closeOwned;
  }

  /** The workspace (tenant) id. */
  get workspaceId(): string {
    return this.#ctx.workspaceId;
  }

  #assertOpen() {
    if (this.#closed)
      throw new BallastError("RESOURCE_CLOSED", "The feature store is closed.", {
        hint: "Open a new one with openFeatureStore.",
      });
  }

  #load(definitions: readonly Definition[]) {
    for (const d of definitions)
      if (d.kind === "transform") this.#ctx.transforms.set(d.name, d as TransformDefinition);
  }

  /**
   * Runs a read; when it fails with `FEATURE_NOT_FOUND` and another process has applied since this
   * store read the registry, reads the registry again and retries once.
   */
  async #withFreshRegistry<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!BallastError.isInstance(error, "FEATURE_NOT_FOUND")) throw error;
      const before = (await this.#ctx.snapshot()).version;
      if ((await this.refresh()).version === before) throw error;
      return read();
    }
  }

  /** Re-reads the registry (another process may have applied since this store last read it). */
  async refresh(): Promise<RegistrySnapshot> {
    this.#snapshot = undefined;
    return this.#ctx.snapshot();
  }

  /** The registry as this store currently sees it (every version of every object). */
  registry(): Promise<RegistrySnapshot> {
    return this.#ctx.snapshot();
  }

  /**
   * What {@link apply} would do: objects to create, update and delete. The definitions are the
   * desired state of the whole registry; a registered object missing from them is deleted.
   *
   * @throws FeatureError `FEATURE_VIEW_CHANGE_REFUSED` for a feature type change, removed feature or
   *   changed entities without a new view version; `FEATURE_NOT_FOUND` (closest match named) for a
   *   transform input or service feature naming no feature; `FEATURE_DEFINITION_INVALID`.
   * @example
   * const plan = await store.plan([driverStats, tripScore, service]); console.log(plan.toString());
   */
  async plan(definitions: readonly Definition[]): Promise<RegistryPlan> {
    this.#assertOpen();
    return this.#ctx.registry.plan(definitions);
  }

  /**
   * Applies definitions, or exactly a plan from {@link plan}, in one metadata transaction. Deleted
   * views' online entries are removed after the commit.
   *
   * @throws FeatureRegistryConflictError `FEATURE_REGISTRY_CONFLICT` (retryable) when another writer
   *   applied since the plan was read: nothing was written; the errors of {@link plan}.
   * @example
   * await store.apply([driverStats, tripScore, service]);
   */
  async apply(definitions: readonly Definition[] | RegistryPlan): Promise<ApplyResult> {
    this.#assertOpen();
    const result = await this.#ctx.registry.apply(definitions as readonly Definition[] | RegistryPlan);
    this.#load(result.plan.definitions);
    this.#snapshot = Promise.resolve(result.snapshot);
    const deletedViews = result.plan.changes.filter(
      (c) => c.action === "delete" && c.kind === "feature-view",
    );
    if (deletedViews.length > 0) {
      const online = await this.#ctx.online();
      for (const view of deletedViews) await online.deleteView(onlineNamespace(view));
    }
    return result;
  }

  /**
   * Point-in-time-correct training data: for each entity row at time T and each view, the latest
   * source row with event time <= T (and >= T - lookback when set), created no later than T unless
   * `includeCreatedAfter`; ties go to the latest created time. Rows keep their order and every input
   * column; a missing value is null. Transforms run on the joined rows. With `save`, the table is also
   * written as Parquet and described for tracking's `run.logDataset`.
   *
   * @throws FeatureNotFoundError `FEATURE_NOT_FOUND` (closest match named); `FEATURE_NAIVE_TIMESTAMP`
   *   for a timestamp without time zone; `FEATURE_SCHEMA_MISMATCH` for a source file whose columns do
   *   not match the view; `FEATURE_ENTITY_ROWS_INVALID` for bad entity rows; `FEATURE_TRANSFORM_FAILED`.
   * @example
   * const training = await store.getHistoricalFeatures({ entities, features: service });
   * const { dataset } = await store.getHistoricalFeatures({ entities, features: service, save: { path: "training/v1.parquet" } });
   * await run.logDataset(dataset, { name: "eta-train" });
   */
  getHistoricalFeatures(
    options: HistoricalFeaturesOptions & { save: { path: string } },
  ): Promise<SavedTrainingData>;
  getHistoricalFeatures(options: HistoricalFeaturesOptions & { save?: undefined }): Promise<Table>;
  getHistoricalFeatures(options: HistoricalFeaturesOptions): Promise<Table | SavedTrainingData>;
  async getHistoricalFeatures(options: HistoricalFeaturesOptions): Promise<Table | SavedTrainingData> {
    return this.#withFreshRegistry(() => historicalFeatures(this.#ctx, options));
  }

  /**
   * The latest value of each feature for every entity (no entity table), optionally within an
   * event-time range: join keys, `event_timestamp`, then the features.
   *
   * @example const latest = await store.getLatestFeatures({ features: ["driver_stats:conv_rate"], start: dayAgo });
   */
  async getLatestFeatures(options: LatestFeaturesOptions): Promise<Table> {
    return this.#withFreshRegistry(() => latestFeatures(this.#ctx, options));
  }

  /**
   * Loads each online view's latest value per entity over [start, end) into the online store, in
   * time chunks, committing a per-view watermark after each chunk. Rerunning the same interval after
   * a killed run resumes from the last committed chunk; rerunning a finished interval gives the same
   * online state, and an older event never overwrites a newer one.
   *
   * @throws `ABORTED` via `signal` (what was committed stays); `FEATURE_NOT_FOUND` for an unknown view.
   * @example await store.materialize({ start: Date.UTC(2026, 0, 1), end: Date.now(), onProgress: console.log });
   */
  async materialize(options: MaterializeOptions): Promise<MaterializeReport> {
    return materialize(this.#ctx, options);
  }

  /** Materializes each online view from its watermark (or the beginning) to `end`. */
  async materializeIncremental(options: MaterializeIncrementalOptions): Promise<MaterializeReport> {
    return materializeIncremental(this.#ctx, options);
  }

  /** A view version's watermark (epoch ms), or undefined before its first materialization. */
  async watermark(view: string, version?: number): Promise<number | undefined> {
    const spec = (await this.#ctx.snapshot()).view(view, version);
    return spec ? readWatermark(this.#ctx, spec) : undefined;
  }

  /**
   * Online feature values for entities: the read plan is resolved once per feature list (cached),
   * then every view is read in one online store call. Each value comes with its event time and a
   * status: `present`, `not_found`, or `stale` (older than the view's `maxAge` by this store's clock).
   *
   * @example
   * const result = await store.getOnlineFeatures({ entities: [{ driver_id: 1001n }], features: service, request: { boost: 1.5 } });
   * result.rows[0].conv_rate // { value: 0.61, eventTime: 1767225600000, status: "present" }
   */
  async getOnlineFeatures(options: OnlineFeaturesOptions): Promise<OnlineFeatures> {
    return this.#withFreshRegistry(() => onlineFeatures(this.#ctx, this.#plans, options));
  }

  /**
   * Writes fresh rows of a push source: to the online store (default), the offline batch source, or
   * both. Every row is validated first; a bad row rejects the whole batch.
   *
   * @throws FeaturePushRowInvalidError `FEATURE_PUSH_ROW_INVALID` with the row index and reason;
   *   `FEATURE_NO_OFFLINE_SOURCE` when pushing offline without a batch source.
   * @example await store.push(liveStats, [{ driver_id: 1001n, event_timestamp: new Date(), conv_rate: 0.7 }], { to: "both" });
   */
  async push(
    source: PushSourceDefinition | string,
    rows: readonly EntityRow[],
    options?: PushOptions,
  ): Promise<PushResult> {
    return push(this.#ctx, source, rows, options);
  }

  /**
   * Compares online values with the point-in-time join at `at` for a sample of entities, transforms
   * included, and reports per feature the mismatches with examples.
   *
   * @example
   * const report = await store.checkConsistency({ sample: 100, at: materializedUntil });
   * if (report.hasSkew) console.error(report.toString());
   */
  async checkConsistency(options: ConsistencyCheckOptions): Promise<SkewReport> {
    return checkConsistency(this.#ctx, this.#plans, options);
  }

  /**
   * Consumes a topic and pushes its records to a push source, batch by batch, committing each batch
   * after it is written (at-least-once; newer-wins online makes redelivery harmless). Runs until
   * `signal` aborts, then resolves with the counts.
   *
   * @throws FeaturePushRowInvalidError `FEATURE_PUSH_ROW_INVALID` naming the record's partition and
   *   offset (unless `onInvalid: "skip"`): the batch is not committed; the stream's errors unchanged.
   * @example
   * const stop = new AbortController();
   * const ingesting = store.ingestStream(liveStats, { topic: "driver-events", signal: stop.signal });
   */
  async ingestStream(
    source: PushSourceDefinition | string,
    options: IngestStreamOptions,
  ): Promise<IngestStreamResult> {
    return ingestStream(this.#ctx, source, options);
  }

  /** The online store this feature store reads and writes (opened on first use). */
  onlineStore(): Promise<OnlineStore> {
    return this.#ctx.online();
  }

  /** Closes what the store opened itself (an online store from a URI); passed-in backends stay open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#closeOwned();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

const WORKSPACE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function lazyOnline(open: () => Promise<OnlineStore>): {
  get: () => Promise<OnlineStore>;
  close: () => Promise<void>;
} {
  let opened: Promise<OnlineStore> | undefined;
  return {
    get: () => {
      opened ??= open();
      opened.catch(() => {
        opened = undefined;
      });
      return opened;
    },
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

/**
 * Opens a feature store on a workspace (its metadata database, blob store and online URI) or on
 * explicit backends, and applies the features migrations.
 *
 * @throws BallastError `CONFIG_INVALID` for a workspace id that is not a slug; the database's
 *   `MIGRATION_FAILED`; `DEPENDENCY_MISSING` (on first online use) for a Redis URI without ioredis.
 * @example
 * await using workspace = await openWorkspace();
 * await using store = await openFeatureStore({ workspace, definitions: [tripScore] });
 * await store.apply([driver, driverStats, tripScore]);
 */
export async function openFeatureStore(options: OpenFeatureStoreOptions): Promise<FeatureStore> {
  let db: MetadataDatabase;
  let blobs: BlobStore;
  let workspaceId: string;
  let clock: Clock;
  let logger: Logger;
  let online: { get: () => Promise<OnlineStore>; close: () => Promise<void> };
  let stream: () => Promise<EventStream>;
  if ("workspace" in options) {
    const { workspace } = options;
    db = await workspace.metadata();
    blobs = await workspace.artifacts();
    workspaceId = workspace.name;
    clock = workspace.clock;
    logger = workspace.logger.child ? workspace.logger.child({ package: "features" }) : workspace.logger;
    stream = () => workspace.stream();
    const given = options.online;
    online = given
      ? { get: async () => given, close: async () => {} }
      : lazyOnline(() => openOnlineStore(workspace.config.online as BackendUri, options.onlineOptions ?? {}));
  } else {
    db = options.metadata;
    blobs = options.blobs;
    workspaceId = options.workspaceId ?? "default";
    clock = options.clock ?? systemClock;
    logger = options.logger ?? silentLogger;
    const givenStream = options.stream;
    stream = async () => {
      if (givenStream) return givenStream;
      throw new BallastError("CONFIG_INVALID", "This feature store has no event stream.", {
        hint: "Pass stream to openFeatureStore, or { stream } to ingestStream.",
      });
    };
    const given = options.online;
    online =
      typeof given === "string"
        ? lazyOnline(() => openOnlineStore(given, options.onlineOptions ?? {}))
        : { get: async () => given, close: async () => {} };
  }
  if (!WORKSPACE_ID.test(workspaceId)) {
    throw new BallastError("CONFIG_INVALID", `Invalid workspace id ${JSON.stringify(workspaceId)}.`, {
      hint: "Use lowercase letters, digits, '_' or '-', at most 63 characters.",
    });
  }
  await migrateFeatures(db);
  const transforms = new Map<string, TransformDefinition>();
  for (const d of options.definitions ?? []) if (d.kind === "transform") transforms.set(d.name, d);
  return new FeatureStore(
    {
      db,
      blobs,
      workspaceId,
      clock,
      logger,
      registry: new FeatureRegistry(db, workspaceId, clock),
      transforms,
      online: online.get,
      stream,
    },
    online.close,
  );
}
