import { type LogicalType, newId, writeParquet } from "@ballast/core";
import { Table, type Vector } from "apache-arrow";
import { closestMatch } from "../definitions/closest-match.js";
import { toEpochMs, valueMismatch } from "../definitions/logical-value.js";
import { DEFAULT_PUSH_TIMESTAMP_FIELD, type PushSourceDefinition } from "../definitions/sources.js";
import { FeatureError } from "../errors/feature-error.js";
import { FeatureNotFoundError } from "../errors/feature-not-found-error.js";
import { FeaturePushRowInvalidError } from "../errors/feature-push-row-invalid-error.js";
import { serializeEntityKey } from "../online-store/entity-key.js";
import type { OnlineRecord, OnlineValue } from "../online-store/types.js";
import { onlineNamespace, type ViewSpec } from "../registry/object-spec.js";
import { vectorOf } from "./arrow-values.js";
import type { EntityRow } from "./entity-table.js";
import type { StoreContext } from "./store-context.js";

/** Where `push` writes. */
export type PushTarget = "online" | "offline" | "both";

/** Options of `store.push`. */
export interface PushOptions {
  /** Default `"online"`. `"offline"` and `"both"` need a push source with a batch source. */
  to?: PushTarget;
  signal?: AbortSignal;
}

/** What a push wrote. */
export interface PushResult {
  rows: number;
  /** The Parquet key written offline, when the push went offline. */
  offlineKey?: string;
  /** Entities written online per view namespace, and those skipped because a newer event was stored. */
  online: { view: string; written: number; skippedOlder: number }[];
}

/** The views a push source feeds, and the columns of its rows with their types. */
export function pushSchema(
  views: readonly ViewSpec[],
  source: string,
  timestampField: string,
  createdField: string | null,
): Map<string, LogicalType> {
  const columns = new Map<string, LogicalType>();
  for (const view of views) {
    for (const [column, type] of [
      ...Object.entries(view.joinKeys),
      ...view.features.map((f) => [f.name, f.type] as const),
    ]) {
      const seen = columns.get(column);
      if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(type)) {
        throw new FeatureError(
          "FEATURE_NAME_COLLISION",
          `Column "${column}" has two types in views fed by push source "${source}".`,
          {
            hint: "Give the column one type in every view of the source.",
          },
        );
      }
      columns.set(column, type);
    }
  }
  columns.set(timestampField, "timestamp");
  if (createdField) columns.set(createdField, "timestamp");
  return columns;
}

/** The registered push source, the views it feeds, and its timestamp columns. */
export async function resolvePushSource(ctx: StoreContext, source: PushSourceDefinition | string) {
  const name = typeof source === "string" ? source : source.name;
  const snapshot = await ctx.snapshot();
  const spec = snapshot.latest("push-source", name)?.spec;
  if (!spec) {
    const known = snapshot.active("push-source").map((s) => s.name);
    throw new FeatureNotFoundError("source", name, closestMatch(name, known), known.length);
  }
  const views = snapshot
    .active("feature-view")
    .map((o) => o.spec)
    .filter((v) => v.source.kind === "push-source" && v.source.name === name);
  const timestampField = spec.batchSource?.timestampField ?? DEFAULT_PUSH_TIMESTAMP_FIELD;
  const createdField = spec.batchSource?.createdTimestampField ?? null;
  return {
    name,
    spec,
    views,
    timestampField,
    createdField,
    columns: pushSchema(views, name, timestampField, createdField),
  };
}

/**
 * `store.push`: validates every row first against the union schema of the views fed by the source
 * (join keys, features, the event timestamp, the created timestamp), so a bad row rejects the whole
 * batch before anything is written; then writes one Parquet file to the batch source's folder (one
 * atomic object) and/or the latest row per entity to the online store.
 */
export async function push(
  ctx: StoreContext,
  source: PushSourceDefinition | string,
  rows: readonly EntityRow[],
  options: PushOptions = {},
): Promise<PushResult> {
  const to = options.to ?? "online";
  const {
    name,
    spec,
    views,
    timestampField,
    createdField,
    columns: allColumns,
  } = await resolvePushSource(ctx, source);
  const batch = spec.batchSource;
  if (to !== "online" && !batch) {
    throw new FeatureError(
      "FEATURE_NO_OFFLINE_SOURCE",
      `Push source "${name}" has no batch source, so it cannot be pushed offline.`,
      {
        hint: 'Give the push source a batchSource folder, or push with { to: "online" }.',
        details: { source: name },
      },
    );
  }
  if (batch?.path.endsWith(".parquet") && to !== "online") {
    throw new FeatureError(
      "FEATURE_DEFINITION_INVALID",
      `The batch source of push source "${name}" is one file (${batch.path}); pushes add files to a folder.`,
      { hint: 'Give the batch source a folder path such as "push/driver/".' },
    );
  }
  // Join keys and features (the timestamps are checked on their own below).
  const columns = new Map(
    [...allColumns].filter(([column]) => column !== timestampField && column !== createdField),
  );
  const keys = new Set(views.flatMap((v) => Object.keys(v.joinKeys)));
  const allowed = [...columns.keys(), timestampField, ...(createdField ? [createdField] : [])];

  // Validate everything before writing anything.
  for (const [index, row] of rows.entries()) {
    const fail = (reason: string) => new FeaturePushRowInvalidError(name, index, reason);
    if (typeof row !== "object" || row === null) throw fail("not an object");
    for (const field of Object.keys(row)) {
      if (!allowed.includes(field)) {
        const near = closestMatch(field, allowed);
        throw fail(`unknown column "${field}"${near ? ` (did you mean "${near}"?)` : ""}`);
      }
    }
    for (const field of [timestampField, ...(createdField ? [createdField] : [])]) {
      const value = row[field];
      if (value === null || value === undefined) {
        if (field === timestampField) throw fail(`no event timestamp "${field}"`);
        continue;
      }
      const problem = valueMismatch("timestamp", value);
      if (problem) throw fail(`"${field}": ${problem}`);
    }
    for (const [column, type] of columns) {
      const value = row[column];
      if (value === null || value === undefined) {
        if (keys.has(column)) throw fail(`no join key "${column}"`);
        continue;
      }
      const problem = valueMismatch(type, value);
      if (problem) throw fail(`"${column}": ${problem}`);
    }
  }
  const now = ctx.clock.now();
  const result: PushResult = { rows: rows.length, online: [] };
  if (rows.length === 0) return result;

  if (to !== "online" && batch) {
    // File column names: invert the batch source's mapping (file column → feature name).
    const fileName = new Map(Object.entries(batch.fieldMapping).map(([file, mapped]) => [mapped, file]));
    const vectors: Record<string, Vector> = {};
    vectors[timestampField] = vectorOf(
      "timestamp",
      rows.map((r) => r[timestampField] as Date | number),
    );
    if (createdField)
      vectors[createdField] = vectorOf(
        "timestamp",
        rows.map((r) => (r[createdField] as Date | number | null | undefined) ?? now),
      );
    for (const [column, type] of columns)
      vectors[fileName.get(column) ?? column] = vectorOf(
        type,
        rows.map((r) => r[column] as never),
      );
    const key = `${batch.path.replace(/\/+$/, "")}/push-${newId()}.parquet`;
    await writeParquet(ctx.blobs, key, new Table(vectors), options.signal ? { signal: options.signal } : {});
    result.offlineKey = key;
  }
  if (to !== "offline") {
    const online = await ctx.online();
    for (const view of views.filter((v) => v.online))
      result.online.push(await pushOnline(online, view, rows, timestampField, createdField, now));
  }
  return result;
}

async function pushOnline(
  online: Awaited<ReturnType<StoreContext["online"]>>,
  view: ViewSpec,
  rows: readonly EntityRow[],
  timestampField: string,
  createdField: string | null,
  now: number,
) {
  // The latest row per entity in the batch (ties: the later row), as the store keeps the latest anyway.
  const latest = new Map<string, OnlineRecord>();
  for (const row of rows) {
    const entityKey = serializeEntityKey(row as Record<string, never>, view.joinKeys);
    const eventTime = toEpochMs(row[timestampField] as Date | number);
    const created = createdField ? row[createdField] : undefined;
    const createdTime = created === null || created === undefined ? now : toEpochMs(created as Date | number);
    const previous = latest.get(entityKey);
    if (
      previous &&
      (previous.eventTime > eventTime ||
        (previous.eventTime === eventTime && (previous.createdTime ?? 0) > createdTime))
    )
      continue;
    latest.set(entityKey, {
      entityKey,
      eventTime,
      createdTime,
      values: view.features.map((f) => {
        const value = row[f.name];
        return (value instanceof Date ? value.getTime() : (value ?? null)) as OnlineValue;
      }),
    });
  }
  const written = await online.write({
    view: onlineNamespace(view),
    features: view.features,
    records: [...latest.values()],
    ...(view.onlineExpiryMs !== null ? { expireAfterMs: view.onlineExpiryMs } : {}),
  });
  return { view: onlineNamespace(view), ...written };
}
