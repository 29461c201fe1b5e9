import type { LogicalType } from "@ballast/core";

/**
 * A feature value as the online store holds it: `null`, a boolean, a number (int32, float32, float64,
 * timestamp in epoch ms), a bigint (int64), a string, bytes, or a list of these (lists do not nest).
 */
export type OnlineValue = null | boolean | number | bigint | string | Uint8Array | readonly OnlineValue[];

/** The latest values of one entity in one view. */
export interface OnlineRecord {
  /** The entity, from `serializeEntityKey`. */
  entityKey: string;
  /** Event time of the values, epoch ms. */
  eventTime: number;
  /** Creation time, epoch ms; breaks ties when `eventTime` is equal. Absent counts as older than any. */
  createdTime?: number;
  /** One value per feature of the request, in the same order as `features`. */
  values: readonly OnlineValue[];
}

/** The storage namespace of a view and the features a request is about. */
export interface OnlineViewRef {
  /** Storage namespace of the view, for example `driver_stats__v1` (name and version). */
  view: string;
  /** The features, with their declared logical types, in the order of the values. */
  features: readonly { name: string; type: LogicalType }[];
}

/** Latest values of many entities of one view. */
export interface OnlineWriteRequest extends OnlineViewRef {
  records: readonly OnlineRecord[];
  /** Online store expiry: the stored entry disappears this long after it was written; undefined = never. */
  expireAfterMs?: number;
}

/** What a write did: entries written, and records skipped because a newer event was already stored. */
export interface OnlineWriteResult {
  written: number;
  skippedOlder: number;
}

/** Some features of one view for many entities. */
export interface OnlineReadRequest extends OnlineViewRef {
  entityKeys: readonly string[];
}

/** One stored entry, as read. */
export interface OnlineEntry {
  eventTime: number;
  createdTime?: number;
  /** One value per requested feature, in request order; null when absent. */
  values: OnlineValue[];
}

/** One entry per entity key, in request order; null = not found (or expired). */
export type OnlineReadResult = readonly (OnlineEntry | null)[];

/**
 * The online store specification (version 1): the latest feature values per entity, written by
 * materialization and push, read with low latency by `getOnlineFeatures`. Implementations: the
 * embedded store (`createEmbeddedOnlineStore`) and Redis / Redis Cluster (`createRedisOnlineStore`);
 * both pass the suite in `contract.ts`.
 */
export interface OnlineStore extends AsyncDisposable {
  readonly specificationVersion: "v1";
  /** `"embedded"`, `"redis"` or `"redis-cluster"`. */
  readonly kind: string;
  /**
   * Writes latest values. Per entity, atomically: applies only when (eventTime, createdTime) is newer
   * than or equal to what is stored, so an older event never overwrites a newer one and rerunning a
   * write is idempotent. One pipelined round trip per batch (Redis).
   *
   * @throws OnlineStoreError `ONLINE_STORE_VALUE_INVALID` or `ONLINE_STORE_REQUEST_INVALID` (nothing
   *   written) when the request is malformed; `ONLINE_STORE_ERROR` (retryable) when the backend fails,
   *   in which case some entities of the batch may be written (each one whole): retrying is safe.
   */
  write(request: OnlineWriteRequest): Promise<OnlineWriteResult>;
  /** Reads several views for many entities in ONE pipelined round trip. Result i answers request i. */
  read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]>;
  /** Removes every entry of a view (used when a view is deleted). */
  deleteView(view: string): Promise<void>;
  /** Releases connections, files and locks. Further calls fail with `RESOURCE_CLOSED`. */
  close(): Promise<void>;
}
