import { type BlobStore, type LogicalType, writeParquet } from "@ballast/core";
import { Table, type Vector } from "apache-arrow";
import type { FeatureValue } from "../definitions/logical-value.js";
import { runTransform } from "../definitions/transform.js";
import { FeatureError } from "../errors/feature-error.js";
import { type JoinViewInput, pointInTimeJoin } from "../offline/point-in-time-join.js";
import { listSourceFiles, scanSource } from "../offline/scan-source.js";
import { valueAt, vectorOf } from "./arrow-values.js";
import { type EntityRow, entityTableFromRows } from "./entity-table.js";
import {
  type FeaturesInput,
  internalColumn,
  type ResolvedFeatures,
  referencesOf,
  resolveFeatures,
  viewVersions,
} from "./feature-resolution.js";
import { offlineSource, type StoreContext, scanColumns } from "./store-context.js";

/** Default name of the entity timestamp column. */
export const DEFAULT_TIMESTAMP_COLUMN = "event_timestamp";

/** Options of `store.getHistoricalFeatures`. */
export interface HistoricalFeaturesOptions {
  /** Entity rows: join keys, a timestamp (`timestamp[ms, UTC]` in a table; Date or epoch ms in rows), any other columns. */
  entities: Table | readonly EntityRow[];
  features: FeaturesInput;
  /** The entity timestamp column (default `event_timestamp`). */
  timestampColumn?: string;
  /**
   * Also use source rows created after the entity row's time (default false: a row whose created
   * timestamp is after T is excluded, so late backfills do not leak into training data).
   */
  includeCreatedAfter?: boolean;
  /** Name feature columns `view__feature` instead of `feature`. */
  fullFeatureNames?: boolean;
  /** Also write the result as a Parquet dataset to this key of the workspace's blob store. */
  save?: { path: string };
  signal?: AbortSignal;
}

/**
 * A training dataset written by `getHistoricalFeatures({ save })`, ready for tracking's
 * `run.logDataset(dataset, { name })` (it has the `store` and `key` that call reads).
 */
export interface TrainingDataset {
  store: BlobStore;
  key: string;
  /** The file's URI (`<store uri>/<key>`). */
  uri: string;
  /** Hex sha256 of the Parquet bytes: the same digest tracking computes for the file. */
  digest: string;
  rowCount: number;
  /** The requested feature references, in column order. */
  features: string[];
  /** The feature view versions the join read. */
  featureViews: { name: string; version: number }[];
}

/** The result of `getHistoricalFeatures` with `save`. */
export interface SavedTrainingData {
  table: Table;
  dataset: TrainingDataset;
}

/** The JS values of the inputs and request fields of a transform for one row. */
function transformRow(
  resolved: ResolvedFeatures,
  t: number,
  inputValue: (view: number, feature: string) => FeatureValue | null,
  requestValue: (field: string) => FeatureValue | null,
): Record<string, FeatureValue | null> {
  const transform = resolved.transforms[t]!;
  const row: Record<string, FeatureValue | null> = {};
  for (const input of transform.inputs) row[input.name] = inputValue(input.view, input.feature);
  for (const field of Object.keys(transform.definition.request)) row[field] = requestValue(field);
  return row;
}

/**
 * Runs every transform of a read on `rowCount` rows, returning one value array per transform: the
 * one code path the historical, latest and online reads share.
 */
export function computeTransforms(
  resolved: ResolvedFeatures,
  rowCount: number,
  inputValue: (row: number, view: number, feature: string) => FeatureValue | null,
  requestValue: (row: number, field: string) => FeatureValue | null,
): (FeatureValue | null)[][][] {
  return resolved.transforms.map((_, t) => {
    const out: (FeatureValue | null)[][] = new Array(rowCount);
    for (let i = 0; i < rowCount; i++) {
      out[i] = runTransform(
        resolved.transforms[t]!.definition,
        transformRow(
          resolved,
          t,
          (v, f) => inputValue(i, v, f),
          (field) => requestValue(i, field),
        ),
        i,
      );
    }
    return out;
  });
}

/** The point-in-time join of `resolved` for an entity table, with transforms applied. */
export async function joinFeatures(
  ctx: StoreContext,
  resolved: ResolvedFeatures,
  entities: Table,
  options: { timestampColumn: string; includeCreatedAfter?: boolean; signal?: AbortSignal },
): Promise<Table> {
  const views: JoinViewInput[] = [];
  for (const { spec, features } of resolved.views) {
    const source = offlineSource(spec);
    const columns = scanColumns(spec, features);
    // Listed once: both passes of the join read the same files, even while pushes add new ones.
    const files = await listSourceFiles(ctx.blobs, source.path, options.signal);
    const scan = (wanted: typeof columns) =>
      scanSource({
        store: ctx.blobs,
        path: source.path,
        files,
        timestampField: source.timestampField,
        ...(source.createdTimestampField ? { createdTimestampField: source.createdTimestampField } : {}),
        fieldMapping: source.fieldMapping,
        columns: wanted,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    views.push({
      name: spec.name,
      joinKeys: Object.keys(spec.joinKeys),
      batches: () => scan(columns),
      // Two passes: keys and times find each entity row's match, then only matched feature rows are copied.
      scanColumns: (names) => scan(columns.filter((column) => names.includes(column.name))),
      ...(spec.lookbackMs !== null ? { lookbackMs: spec.lookbackMs } : {}),
      hasCreatedTimestamp: source.createdTimestampField !== null,
      includeCreatedAfter: options.includeCreatedAfter ?? false,
      features: features.map((f) => ({
        column: f.name,
        outputName: internalColumn(spec, f.name),
        type: f.type,
      })),
    });
  }
  const joined = await pointInTimeJoin({
    entities,
    timestampColumn: options.timestampColumn,
    views,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const entityColumns = entities.schema.fields.map((f) => f.name);
  const columns: Record<string, Vector> = {};
  for (const name of entityColumns) columns[name] = joined.getChild(name)!;
  const internal = (view: number, feature: string) =>
    joined.getChild(internalColumn(resolved.views[view]!.spec, feature))!;
  const transformed = computeTransforms(
    resolved,
    joined.numRows,
    (row, view, feature) => valueAt(internal(view, feature), row),
    (row, field) => {
      const column = joined.getChild(field);
      return column ? valueAt(column, row) : null;
    },
  );
  for (const output of resolved.outputs) {
    if (output.name in columns) {
      throw new FeatureError(
        "FEATURE_NAME_COLLISION",
        `Feature column "${output.name}" is also a column of the entity table.`,
        {
          hint: "Rename the entity column, or pass fullFeatureNames: true.",
          details: { column: output.name },
        },
      );
    }
    columns[output.name] =
      output.source.kind === "view"
        ? internal(output.source.view, output.source.feature)
        : vectorOf(
            output.type as LogicalType,
            transformed[output.source.transform]!.map(
              (values) => values[(output.source as { output: number }).output]!,
            ),
          );
  }
  return new Table(columns);
}

/** `store.getHistoricalFeatures`: see FeatureStore. */
export async function historicalFeatures(
  ctx: StoreContext,
  options: HistoricalFeaturesOptions,
): Promise<Table | SavedTrainingData> {
  const snapshot = await ctx.snapshot();
  const resolved = resolveFeatures(snapshot, ctx.transforms, options.features, {
    ...(options.fullFeatureNames ? { fullFeatureNames: true } : {}),
  });
  const timestampColumn = options.timestampColumn ?? DEFAULT_TIMESTAMP_COLUMN;
  const entities = isTable(options.entities)
    ? options.entities
    : entityTableFromRows(options.entities, {
        keys: Object.assign({}, ...resolved.views.map((v) => v.spec.joinKeys)),
        optional: resolved.request,
        timestampColumn,
      });
  const table = await joinFeatures(ctx, resolved, entities, {
    timestampColumn,
    ...(options.includeCreatedAfter !== undefined
      ? { includeCreatedAfter: options.includeCreatedAfter }
      : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!options.save) return table;
  const written = await writeParquet(ctx.blobs, options.save.path, table, {
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    table,
    dataset: {
      store: ctx.blobs,
      key: written.key,
      uri: `${ctx.blobs.uri.replace(/\/+$/, "")}/${written.key}`,
      digest: written.sha256,
      rowCount: written.numRows,
      features: [...referencesOf(options.features)],
      featureViews: viewVersions(resolved),
    },
  };
}

/** True for an Arrow table (duck-typed: a table from a second copy of apache-arrow fails instanceof). */
export function isTable(value: unknown): value is Table {
  return (
    value instanceof Table ||
    (typeof value === "object" && value !== null && "schema" in value && "batches" in value)
  );
}
