import { type LogicalType, toArrowType } from "@ballast/core";
import { type Data, Field, makeData, RecordBatch, Schema, Struct, Table, type Vector } from "apache-arrow";
import { AsOfSlots, groupByKey, sortGroups } from "./as-of-merge.js";
import { checkColumnType } from "./column-type.js";
import { KeyEncoder } from "./key-encoder.js";
import { FeatureSchemaMismatchError, OfflineJoinInvalidError, throwIfAborted } from "./offline-errors.js";
import { CREATED_TS_COLUMN, EVENT_TS_COLUMN } from "./scan-source.js";
import { isFixedWidth, SlotMatrix } from "./slot-matrix.js";
import { checkInstantColumn, readMillis } from "./timestamp-column.js";
import { ValueBuffer } from "./value-buffer.js";

/** One feature view of a {@link pointInTimeJoin}. */
export interface JoinViewInput {
  /** View name, used in error messages. */
  name: string;
  /** Columns present both in the entity table and in the source batches. */
  joinKeys: readonly string[];
  /** A fresh scan of the source (the output of `scanSource`) on each call; called once per join. */
  batches: () => AsyncIterable<RecordBatch>;
  /** When set, only source rows with event_ts >= T - lookbackMs (inclusive) match. */
  lookbackMs?: number;
  /** Whether the batches carry `__created_ts`. */
  hasCreatedTimestamp: boolean;
  /** Default false: source rows with created_ts > T are excluded (no leakage from late backfills). */
  includeCreatedAfter?: boolean;
  /** Source column → output column, with its type. */
  features: readonly { column: string; outputName: string; type: LogicalType }[];
}

/** Options of {@link pointInTimeJoin}. */
export interface PointInTimeJoinOptions {
  /** Join keys and a `timestamp[ms, UTC]` column, plus any other columns (all kept). */
  entities: Table;
  timestampColumn: string;
  views: readonly JoinViewInput[];
  signal?: AbortSignal;
}

/**
 * Point-in-time-correct join of an entity table with feature views: for each entity row at time T
 * and each view, among the source rows with equal join keys, event_ts <= T, event_ts >= T - lookback
 * (when set) and created_ts <= T (when the source has created timestamps, unless
 * `includeCreatedAfter`), the row with the greatest event_ts; ties go to the greatest created_ts,
 * and rows equal in both go to the one read last (later file in key order, later row in a file).
 *
 * The output has the entity table's columns, rows and order unchanged (duplicates stay), then each
 * view's features under their `outputName`; no match, a null join key or a null T gives nulls. A
 * source row with a null join key or a null event timestamp never matches.
 *
 * The engine is a merge as-of join on typed arrays. Join keys, composite and of mixed types, are
 * hashed to dense integer ids from the entity table, and the entity rows are sorted by (key id, T)
 * (counting sort on the id, then by time). Source batches are consumed as they stream: each row's
 * key is looked up (rows whose key no entity asks for are dropped at once) and the row is merged
 * into its key's run of entity times by binary search, where it competes for one slot per entity
 * row (see `AsOfSlots`); only slot winners' values are copied, into typed arrays. A final pass takes
 * prefix maxima along each run. Memory is bounded by the entity table (one slot of key, times and
 * feature values per entity row), not by the size of the source, which is never held.
 *
 * @throws FeatureNaiveTimestampError `FEATURE_NAIVE_TIMESTAMP` when the entity timestamp column has
 * no time zone; FeatureSchemaMismatchError `FEATURE_SCHEMA_MISMATCH` when a source batch lacks a
 * join key or feature, or has it with another type; OfflineJoinInvalidError `OFFLINE_JOIN_INVALID`
 * for a missing entity column, a duplicate output name or a negative lookback; `ABORTED` via `signal`.
 *
 * @example
 * const training = await pointInTimeJoin({
 *   entities, timestampColumn: "event_timestamp",
 *   views: [{ name: "driver_stats", joinKeys: ["driver_id"], hasCreatedTimestamp: false, lookbackMs: 86_400_000,
 *     batches: () => scanSource({ store, path: "driver_stats/", timestampField: "ts", columns }),
 *     features: [{ column: "trips", outputName: "driver_stats__trips", type: "int32" }] }],
 * })
 */
export async function pointInTimeJoin(options: PointInTimeJoinOptions): Promise<Table> {
  const { entities, timestampColumn, views, signal } = options;
  const entityFile = "the entity table";
  const tsField = entities.schema.fields.find((field) => field.name === timestampColumn);
  if (!tsField) {
    throw new OfflineJoinInvalidError(
      `The entity table has no timestamp column "${timestampColumn}" (columns: ${columnList(entities)}).`,
      "Add the column, or pass its name as the timestamp column.",
    );
  }
  checkInstantColumn(tsField, entityFile, timestampColumn);
  const names = new Set(entities.schema.fields.map((field) => field.name));
  for (const view of views) {
    if (view.lookbackMs !== undefined && !(view.lookbackMs >= 0)) {
      throw new OfflineJoinInvalidError(
        `View "${view.name}" has lookback ${view.lookbackMs} ms; it must be zero or more.`,
        "Give a non-negative lookback, or none for an unbounded one.",
      );
    }
    for (const key of view.joinKeys) {
      if (!entities.schema.fields.some((field) => field.name === key)) {
        throw new OfflineJoinInvalidError(
          `The entity table has no join key column "${key}" of view "${view.name}" (columns: ${columnList(entities)}).`,
          "Add the join key column to the entity table.",
        );
      }
    }
    for (const feature of view.features) {
      if (names.has(feature.outputName)) {
        throw new OfflineJoinInvalidError(
          `Output column "${feature.outputName}" of view "${view.name}" is already a column of the entity table or of another view.`,
          "Prefix feature names with their view, or rename the entity table's column.",
        );
      }
      names.add(feature.outputName);
    }
  }
  const rows = entities.numRows;
  const entityTs = new Float64Array(rows);
  let at = 0;
  for (const chunk of entities.getChild(timestampColumn)!.data) {
    readMillis(chunk, entityTs, at);
    at += chunk.length;
  }
  const featureVectors: Vector[] = [];
  const featureFields: Field[] = [];
  for (const view of views) {
    throwIfAborted(signal, "The point-in-time join");
    const vectors = await joinView(view, entities, entityTs, signal);
    featureVectors.push(...vectors);
    featureFields.push(...view.features.map((f) => new Field(f.outputName, toArrowType(f.type), true)));
  }
  const schema = new Schema([...entities.schema.fields, ...featureFields], entities.schema.metadata);
  const batches: RecordBatch[] = [];
  let offset = 0;
  for (const batch of entities.batches) {
    const length = batch.numRows;
    const children: Data[] = [
      ...batch.data.children,
      ...featureVectors.map((vector) => vector.slice(offset, offset + length).data[0]!),
    ];
    batches.push(
      new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children })),
    );
    offset += length;
  }
  return batches.length > 0 ? new Table(batches) : new Table(schema);
}

function columnList(table: Table): string {
  return table.schema.fields.map((field) => field.name).join(", ") || "none";
}

/** One view's feature columns, one entry per entity row. */
async function joinView(
  view: JoinViewInput,
  entities: Table,
  entityTs: Float64Array,
  signal: AbortSignal | undefined,
): Promise<Vector[]> {
  const rows = entities.numRows;
  const encoder = new KeyEncoder(view.joinKeys);
  const entityKeys = new Int32Array(rows);
  const keyFields = view.joinKeys.map((key) => entities.schema.fields.find((field) => field.name === key)!);
  const keyChunks = view.joinKeys.map((key) => entities.getChild(key)!.data);
  let at = 0;
  for (let chunk = 0; chunk < (keyChunks[0]?.length ?? 0); chunk++) {
    const data = keyChunks.map((chunks) => chunks[chunk]!);
    encoder.encode(keyFields, data, entityKeys, at, true, "the entity table");
    at += data[0]!.length;
  }
  for (let i = 0; i < rows; i++) if (Number.isNaN(entityTs[i]!)) entityKeys[i] = -1;
  const keyCount = encoder.size;
  const entity = groupByKey(entityKeys, rows, keyCount);
  sortGroups(entity, entityTs, null);
  const lookback = view.lookbackMs;
  const excludeCreatedAfter = view.hasCreatedTimestamp && view.includeCreatedAfter !== true;
  // Fixed-width features share one row-major matrix; strings, bytes and lists are kept as JS values.
  const fixed = view.features.filter((feature) => isFixedWidth(feature.type));
  const others = view.features.filter((feature) => !isFixedWidth(feature.type));
  const matrix = new SlotMatrix(
    fixed.map((feature) => feature.type),
    entity.order.length,
  );
  const slots = new AsOfSlots(entity, entityTs, lookback, excludeCreatedAfter);
  const buffers = others.map((feature) => {
    const buffer = new ValueBuffer(feature.type);
    buffer.reserve(entity.order.length);
    buffer.length = entity.order.length;
    return buffer;
  });
  let batchKeys = new Int32Array(0);
  let batchTs = new Float64Array(0);
  let batchCreated = new Float64Array(0);
  let winningRows = new Int32Array(0);
  let winningSlots = new Int32Array(0);
  let checkedSchema: Schema | undefined;
  const where = `the source batches of view "${view.name}"`;
  for await (const batch of view.batches()) {
    throwIfAborted(signal, "The point-in-time join");
    const n = batch.numRows;
    if (n === 0) continue;
    if (batch.schema !== checkedSchema) {
      checkBatchSchema(batch.schema, view, where);
      checkedSchema = batch.schema;
    }
    if (batchKeys.length < n) {
      batchKeys = new Int32Array(n);
      batchTs = new Float64Array(n);
      batchCreated = new Float64Array(n);
      winningRows = new Int32Array(n);
      winningSlots = new Int32Array(n);
    }
    const child = (name: string): Data => batch.getChild(name)!.data[0]!;
    encoder.encode(
      view.joinKeys.map((key) => batch.schema.fields.find((field) => field.name === key)!),
      view.joinKeys.map(child),
      batchKeys,
      0,
      false,
      where,
    );
    readMillis(child(EVENT_TS_COLUMN), batchTs);
    if (view.hasCreatedTimestamp) {
      readMillis(child(CREATED_TS_COLUMN), batchCreated);
      for (let i = 0; i < n; i++)
        if (Number.isNaN(batchCreated[i]!)) batchCreated[i] = Number.NEGATIVE_INFINITY;
    }
    const fixedData = fixed.map((feature) => child(feature.column));
    const won = slots.offer(
      n,
      batchKeys,
      batchTs,
      view.hasCreatedTimestamp ? batchCreated : null,
      winningRows,
      winningSlots,
    );
    if (won === 0) continue;
    matrix.scatter(fixedData, winningRows, winningSlots, won);
    for (let f = 0; f < others.length; f++) {
      buffers[f]!.scatter(child(others[f]!.column), winningRows, winningSlots, won);
    }
  }
  const winners = slots.winners(rows);
  const fixedVectors = matrix.buildAll(winners);
  return view.features.map((feature) => {
    const f = fixed.indexOf(feature);
    return f >= 0 ? fixedVectors[f]! : buffers[others.indexOf(feature)]!.build(winners);
  });
}

function checkBatchSchema(schema: Schema, view: JoinViewInput, where: string): void {
  const field = (name: string): Field | undefined => schema.fields.find((f) => f.name === name);
  for (const key of view.joinKeys) {
    if (!field(key)) {
      throw new FeatureSchemaMismatchError({
        file: where,
        column: key,
        declared: "join key",
        found: "no such column",
      });
    }
  }
  checkInstantColumn(field(EVENT_TS_COLUMN), where, EVENT_TS_COLUMN);
  if (view.hasCreatedTimestamp) checkInstantColumn(field(CREATED_TS_COLUMN), where, CREATED_TS_COLUMN);
  for (const feature of view.features)
    checkColumnType(field(feature.column), feature.type, where, feature.column);
}
